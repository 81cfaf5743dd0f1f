"""A small TF tree for the node's own lookups (the ground-plane prior's camera mount).

The node needs one transform per image: the camera optical frame in the robot's floor frame
(``base_footprint``, REP-105/REP-120), at the image's stamp, so that a pan-tilt head's mount is
followed as it moves. ``tf2_ros`` (its ``Buffer``/``TransformListener``) is not installable from
PyPI, where this package's ROS wheels come from, so the node feeds the ``/tf`` and ``/tf_static``
messages it receives into this buffer. It keeps tf2's conventions: every frame has one parent,
the newest message naming a child sets its parent; static transforms hold for all time; dynamic
ones are kept for ``cache_s`` seconds and interpolated between the two samples around the
requested time (translation linearly, rotation by slerp), as ``tf2::BufferCore`` does.

Unlike tf2 it never waits: a request newer than an edge's newest sample by at most
``hold_s`` gets that newest sample (a head's TF often arrives a few milliseconds after the image
it belongs to); later or older requests raise :class:`TransformError`.

No rclpy here: the ROS adapter (``pipose_ros.ros.node``) converts the messages.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial.transform import Rotation, Slerp

CACHE_S = 10.0  # seconds of dynamic history per edge (tf2's default buffer length)
HOLD_S = 0.2  # a request this much newer than an edge's newest sample still uses that sample


class TransformError(LookupError):
    """No transform between two frames at the requested time; the message says why."""


@dataclass
class _Edge:
    parent: str
    static: bool
    stamps: list[float] = field(default_factory=list)  # seconds, ascending
    translations: list[np.ndarray] = field(default_factory=list)
    quaternions: list[np.ndarray] = field(default_factory=list)  # x, y, z, w


class TransformBuffer:
    """Transforms between frames, from ``geometry_msgs/TransformStamped``-like records.

    Args:
        cache_s: seconds of history kept per dynamic edge, behind its newest sample.
        hold_s: how much newer than an edge's newest sample a request may be and still use it.

    Thread-safe: the executor's callbacks may add while the node's worker looks up.
    """

    def __init__(self, cache_s: float = CACHE_S, hold_s: float = HOLD_S):
        self.cache_s, self.hold_s = float(cache_s), float(hold_s)
        self._edges: dict[str, _Edge] = {}  # child frame → its edge to the parent
        self._lock = threading.Lock()

    def set_transform(self, parent: str, child: str, stamp_s: float, translation, quaternion_xyzw,
                      static: bool = False) -> None:
        """Add the pose of ``child`` in ``parent``: a point p in ``child`` is ``R(q) p + t`` in
        ``parent`` (``translation`` t float [3], metres; ``quaternion_xyzw`` float [4], need not
        be normalised); ``stamp_s`` seconds (ignored for ``static`` ones). Raises ``ValueError``
        for an empty or self-referencing frame, a non-finite value or a zero quaternion."""
        if not parent or not child or parent == child:
            raise ValueError(f"bad TF edge {parent!r} -> {child!r}")
        t = np.asarray(translation, np.float64).reshape(3)
        q = np.asarray(quaternion_xyzw, np.float64).reshape(4)
        n = float(np.linalg.norm(q))
        if not (np.all(np.isfinite(t)) and np.isfinite(n) and n > 1e-9 and np.isfinite(stamp_s)):
            raise ValueError(f"non-finite or zero-rotation transform {parent!r} -> {child!r}")
        q = q / n
        with self._lock:
            e = self._edges.get(child)
            if e is None or e.parent != parent or e.static != static:
                e = self._edges[child] = _Edge(parent, static)
            if static:
                e.stamps, e.translations, e.quaternions = [0.0], [t], [q]
                return
            i = bisect.bisect_left(e.stamps, stamp_s)
            if i < len(e.stamps) and e.stamps[i] == stamp_s:  # same stamp again: the newer message wins
                e.translations[i], e.quaternions[i] = t, q
            else:
                e.stamps.insert(i, stamp_s)
                e.translations.insert(i, t)
                e.quaternions.insert(i, q)
            k = bisect.bisect_left(e.stamps, e.stamps[-1] - self.cache_s)
            if k:
                del e.stamps[:k], e.translations[:k], e.quaternions[:k]

    def frames(self) -> set[str]:
        """Every frame named so far (parents and children)."""
        with self._lock:
            return set(self._edges) | {e.parent for e in self._edges.values()}

    def lookup(self, target: str, source: str, stamp_s: float) -> tuple[np.ndarray, np.ndarray]:
        """The transform taking points from ``source`` into ``target`` at ``stamp_s`` seconds:
        ``p_target = R @ p_source + t``, R float64 [3, 3], t float64 [3] metres (tf2's
        ``lookup_transform(target, source, time)``). Raises :class:`TransformError` when the two
        frames are not connected or an edge on the path has no sample for that time."""
        with self._lock:
            up_s = self._chain(source)
            up_t = self._chain(target)
            roots = {up_s[-1][0], up_t[-1][0]}
            if len(roots) > 1:
                raise TransformError(f"no TF path from {source!r} to {target!r}: they are in two trees, under "
                                     f"{up_s[-1][0]!r} and {up_t[-1][0]!r}" + self._known(source, target))
            frames_t = [f for f, _ in up_t]
            common = next(f for f, _ in up_s if f in frames_t)
            R_s, t_s = self._compose(up_s, common, stamp_s)  # source → common
            R_t, t_t = self._compose(up_t, common, stamp_s)  # target → common
        return R_t.T @ R_s, R_t.T @ (t_s - t_t)

    def _known(self, *names: str) -> str:
        unknown = [n for n in names if n not in self._edges and all(e.parent != n for e in self._edges.values())]
        return f" ({', '.join(map(repr, unknown))} never received)" if unknown else ""

    def _chain(self, frame: str) -> list[tuple[str, _Edge | None]]:
        """[(frame, edge to its parent), (parent, …), …, (root, None)]."""
        out, seen = [], set()
        while frame in self._edges:
            if frame in seen:
                raise TransformError(f"TF loop through {frame!r}")
            seen.add(frame)
            out.append((frame, self._edges[frame]))
            frame = self._edges[frame].parent
        out.append((frame, None))
        return out

    def _compose(self, chain, stop: str, stamp_s: float) -> tuple[np.ndarray, np.ndarray]:
        """Pose of chain[0]'s frame in ``stop`` (an ancestor on the chain)."""
        R, t = np.eye(3), np.zeros(3)
        for frame, edge in chain:
            if frame == stop:
                return R, t
            Re, te = self._sample(frame, edge, stamp_s)
            R, t = Re @ R, Re @ t + te
        raise AssertionError("stop frame not on the chain")

    def _sample(self, child: str, e: _Edge, stamp_s: float) -> tuple[np.ndarray, np.ndarray]:
        if e.static:
            return Rotation.from_quat(e.quaternions[0]).as_matrix(), e.translations[0]
        first, last = e.stamps[0], e.stamps[-1]
        if stamp_s >= last:
            if stamp_s - last > self.hold_s:
                raise TransformError(f"TF {e.parent!r} -> {child!r}: the newest transform is {stamp_s - last:.3f} s "
                                     f"older than the requested time (more than {self.hold_s:g} s; is its "
                                     f"publisher running, are the clocks the same?)")
            return Rotation.from_quat(e.quaternions[-1]).as_matrix(), e.translations[-1]
        if stamp_s < first:
            raise TransformError(f"TF {e.parent!r} -> {child!r}: the requested time is {first - stamp_s:.3f} s "
                                 f"older than the oldest transform kept ({self.cache_s:g} s of history)")
        i = bisect.bisect_right(e.stamps, stamp_s)  # stamps[i-1] <= stamp_s < stamps[i]
        t0, t1 = e.stamps[i - 1], e.stamps[i]
        a = (stamp_s - t0) / (t1 - t0)
        rot = Slerp([0.0, 1.0], Rotation.from_quat([e.quaternions[i - 1], e.quaternions[i]]))(a)
        return rot.as_matrix(), (1 - a) * e.translations[i - 1] + a * e.translations[i]
