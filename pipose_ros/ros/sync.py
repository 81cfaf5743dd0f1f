"""Approximate-time pairing of two message streams, used in rgbd mode when message_filters is
not installed (message_filters.ApproximateTimeSynchronizer is used when it is).

Policy: each stream keeps its newest ``queue_size`` messages; a new message is paired with the
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
