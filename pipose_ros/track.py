"""Frame-to-frame identities for several people, and the REP-155 body frame (issue 10).

:class:`BodyTracker` gives every skeleton a ROS4HRI body id that stays the same while the person
moves: each frame, the new skeletons are assigned to the live tracks by the Hungarian algorithm
(``scipy.optimize.linear_sum_assignment``) on a cost that mixes the 3D distance of the body roots
and the 2D overlap of the person boxes; a track that is not seen survives ``max_age_s`` (short
occlusions), then ends. Ids are five random lowercase letters, as ROS4HRI's reference detectors
use, and an ended id is never given out again by the same tracker.

:func:`body_pose` places and orients ``body_<id>`` as REP-155 specifies: origin at the mid-point
of the hips, x forward (out of the chest), y to the person's left, z up (along the spine).

Run-time core: numpy and scipy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from .camera import box_iou
from .skeleton import KINECT14, JointSet, Skeleton

_LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))
# columns: body x (forward), y (left), z (up) of a person upright facing the camera, optical frame
_FACING = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.0], [-1.0, 0.0, 0.0]])


def body_root(joints: np.ndarray, joint_set: JointSet = KINECT14) -> np.ndarray:
    """The body root float [3]: mid-point of the hips (REP-155 body frame origin)."""
    return 0.5 * (joints[joint_set.index("left_hip")] + joints[joint_set.index("right_hip")])


def body_pose(joints: np.ndarray, joint_set: JointSet = KINECT14) -> tuple[np.ndarray, np.ndarray]:
    """REP-155 ``body_<id>`` pose in the camera optical frame.

    Args:
        joints: float [J, 3] metres, camera optical frame (REP-103).
    Returns:
        (origin float64 [3] = mid-hips, rotation float64 [3, 3] whose columns are the body's x
        (forward), y (left) and z (up) axes in the optical frame). z runs from the mid-hips to
        the neck; y is the right-hip → left-hip direction made orthogonal to z; x = y × z. When
        the hips or the spine are degenerate (length < 1 mm) the rotation is the body facing the
        camera upright (x = −z_opt, y = +x_opt, z = −y_opt).
    """
    j = np.asarray(joints, np.float64)
    origin = body_root(j, joint_set)
    z = j[joint_set.index("neck")] - origin
    y = j[joint_set.index("left_hip")] - j[joint_set.index("right_hip")]
    if np.linalg.norm(z) < 1e-3:
        return origin, _FACING
    z = z / np.linalg.norm(z)
    y = y - (y @ z) * z
    if np.linalg.norm(y) < 1e-3:
        return origin, _FACING
    y = y / np.linalg.norm(y)
    x = np.cross(y, z)
    return origin, np.stack([x, y, z], axis=1)


def rotation_to_quaternion(R: np.ndarray) -> np.ndarray:
    """Rotation matrix float [3, 3] → unit quaternion float64 [4] (x, y, z, w), w ≥ 0."""
    from scipy.spatial.transform import Rotation

    q = Rotation.from_matrix(np.asarray(R, np.float64)).as_quat()
    return q if q[3] >= 0 else -q


@dataclass
class Track:
    """One tracked body. ``root``: float [3] metres (optical frame), ``box``: float [4] pixels,
    ``last_seen``: seconds (the image stamp)."""

    id: str
    root: np.ndarray
    box: np.ndarray
    last_seen: float


class BodyTracker:
    """Stable ROS4HRI body ids over frames (module docstring).

    Args:
        max_distance_m: largest root displacement between two frames still called the same
            person (metres; grows with the time since the track was last seen, at
            ``max_speed_mps``).
        max_speed_mps: walking-speed allowance added to ``max_distance_m`` per second unseen.
        min_iou: with the root too far, a pair still matches when its boxes overlap this much.
        max_age_s: a track unseen for longer ends (its id is reported once in ``ended``).
        depth_noise: this fraction of the track's distance from the camera is added to the gate
            (a single camera's distance noise grows with the distance). Session 21, on 20 validation
            sequences of moving people (AnnyMotion seed 1, 640 px, the node's pipeline): id switches
            24 → 21 with 0.15 (0.25: 21), nothing else changed.
        seed: of the id generator (ids are reproducible for a given seed).
        joint_set: where the hips and neck are.
    """

    def __init__(self, max_distance_m: float = 0.6, max_speed_mps: float = 2.0, min_iou: float = 0.3,
                 max_age_s: float = 1.0, seed: int | None = None, joint_set: JointSet = KINECT14,
                 depth_noise: float = 0.15):
        self.depth_noise = float(depth_noise)
        self.max_distance_m = float(max_distance_m)
        self.max_speed_mps = float(max_speed_mps)
        self.min_iou = float(min_iou)
        self.max_age_s = float(max_age_s)
        self.joint_set = joint_set
        self.tracks: list[Track] = []
        self._used: set[str] = set()
        self._rng = np.random.default_rng(seed)

    def _new_id(self) -> str:
        while True:
            i = "".join(self._rng.choice(_LETTERS, 5))
            if i not in self._used:
                self._used.add(i)
                return i

    def update(self, skeletons: list[Skeleton], boxes, stamp_s: float) -> tuple[list[str], list[str]]:
        """Assign ids to one frame's skeletons.

        Args:
            skeletons: this frame's skeletons (joints in metres, optical frame).
            boxes: float [P, 4] their person boxes in pixels (x0, y0, x1, y1), P = len(skeletons).
            stamp_s: the image stamp in seconds (must not go backwards; a frame older than the
                newest seen is matched but does not age the tracks).
        Returns:
            (ids aligned with ``skeletons``, ids of the tracks that ended at this update).
        Raises:
            ValueError: ``boxes`` does not have one row per skeleton.
        """
        boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
        if len(boxes) != len(skeletons):
            raise ValueError(f"{len(skeletons)} skeletons but {len(boxes)} boxes")
        roots = np.array([body_root(s.joints, self.joint_set) for s in skeletons]).reshape(-1, 3)
        # tracks unseen for longer than max_age end before matching: a newcomer never takes a stale id
        newest = max([stamp_s] + [t.last_seen for t in self.tracks])
        ended = [t.id for t in self.tracks if newest - t.last_seen > self.max_age_s]
        self.tracks = [t for t in self.tracks if t.id not in ended]
        ids: list[str | None] = [None] * len(skeletons)
        if self.tracks and len(skeletons):
            t_roots = np.stack([t.root for t in self.tracks])
            dt = np.array([max(0.0, stamp_s - t.last_seen) for t in self.tracks])
            gate = self.max_distance_m + self.max_speed_mps * dt + self.depth_noise * np.linalg.norm(t_roots, axis=1)
            dist = np.linalg.norm(t_roots[:, None] - roots[None], axis=-1)
            dist = np.where(np.isfinite(dist), dist, 1e6)
            iou = box_iou(np.stack([t.box for t in self.tracks]), boxes)
            ok = (dist <= gate[:, None]) | (iou >= self.min_iou)
            cost = np.where(ok, dist / gate[:, None] + (1.0 - iou), 1e6)
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols):
                if ok[r, c]:
                    t = self.tracks[r]
                    t.root, t.box = roots[c], boxes[c]
                    t.last_seen = max(t.last_seen, stamp_s)
                    ids[c] = t.id
        for c, i in enumerate(ids):
            if i is None:
                t = Track(self._new_id(), roots[c], boxes[c], stamp_s)
                self.tracks.append(t)
                ids[c] = t.id
        return [str(i) for i in ids], ended

    @property
    def live_ids(self) -> list[str]:
        """Ids of the tracks alive now (seen within ``max_age_s``), oldest first."""
        return [t.id for t in self.tracks]
