"""Pairing of message streams without rclpy: :class:`ApproxPairSync`, the approximate-time pairing
of two streams used in rgbd mode when message_filters is not installed
(message_filters.ApproximateTimeSynchronizer is used when it is), and :class:`InfoByStamp`, each
image's camera_info by its stamp.

ApproxPairSync's policy: each stream keeps its newest ``queue_size`` messages; a new message is paired with the
message of the other stream closest in time if |Δt| ≤ slop; the pair is emitted and both
queues are emptied up to the matched messages, so only the newest pair is ever processed.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Callable

from ..msgs import stamp_ns


class ApproxPairSync:
    """Pairs messages of two streams whose stamps differ by at most ``slop`` seconds.

    Args:
        callback: called with (msg_a, msg_b) for every pair.
        queue_size: messages kept per stream.
        slop: maximum stamp difference, seconds.
    """

    def __init__(self, callback: Callable, queue_size: int = 5, slop: float = 0.05):
        self.cb = callback
        self.slop_ns = int(slop * 1e9)
        self.q = (deque(maxlen=queue_size), deque(maxlen=queue_size))
        self.lock = threading.Lock()

    def add(self, i: int, msg) -> None:
        """Add ``msg`` to stream ``i`` (0 or 1)."""
        pair = None
        with self.lock:
            self.q[i].append(msg)
            other = self.q[1 - i]
            t = stamp_ns(msg)
            if other:
                best = min(other, key=lambda m: abs(stamp_ns(m) - t))
                if abs(stamp_ns(best) - t) <= self.slop_ns:
                    while other and other[0] is not best:
                        other.popleft()
                    other.popleft()
                    self.q[i].clear()
                    pair = (msg, best) if i == 0 else (best, msg)
        if pair is not None:
            self.cb(*pair)


class InfoByStamp:
    """The recent camera_infos of one stream, for pairing each image with the camera_info of its own
    stamp (exact time, what image_transport's CameraSubscriber and message_filters' TimeSynchronizer
    do), falling back to the newest one for a driver whose camera_info carries other stamps or comes
    once (a latched or static camera_info). Thread-safe: the executor adds while the node's worker
    looks up.

    Args:
        keep: camera_infos kept (the newest; 64 are 2 s of a 30 Hz camera, more than the node's
            newest-frame queue ever holds an image).
    """

    def __init__(self, keep: int = 64):
        self._q: deque = deque(maxlen=int(keep))
        self._lock = threading.Lock()

    def add(self, stamp: int, value) -> None:
        """Keep ``value`` (the parsed camera_info) under its header stamp, integer nanoseconds."""
        with self._lock:
            self._q.append((int(stamp), value))

    def clear(self) -> None:
        """Forget every camera_info (an invalid one arrived: no estimate until a valid one)."""
        with self._lock:
            self._q.clear()

    def lookup(self, stamp: int):
        """(value, exact) for an image stamped ``stamp`` ns: the newest camera_info with that stamp
        and True, else the newest camera_info and False; (None, False) when there is none."""
        with self._lock:
            for s, v in reversed(self._q):
                if s == int(stamp):
                    return v, True
            return (self._q[-1][1], False) if self._q else (None, False)
