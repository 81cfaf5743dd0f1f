"""The joint set: names, order, root, bones and left/right pairs (one source of truth).

The default set is the 14-joint set of the Kinect Human Pose dataset used by seed 000 §4.1
(nose, neck, shoulders, elbows, wrists, hips, knees, ankles). Joint coordinates everywhere in
pipose_ros are in the camera optical frame (REP-103 ``*_optical_frame``: x right, y down,
z forward), in metres, as float32 arrays of shape [J, 3].
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class JointSet:
    """An ordered joint set.

    Attributes:
        names: joint names, index = channel of the SPDH heatmaps.
        bones: pairs of joint indices drawn as line segments.
        flip_pairs: (left, right) index pairs swapped by a horizontal flip.
        root: index of the root joint used for root-relative MPJPE.
    """

    names: tuple[str, ...]
    bones: tuple[tuple[int, int], ...]
    flip_pairs: tuple[tuple[int, int], ...]
    root: int

    def __len__(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int:
        """Index of joint ``name``; raises ``ValueError`` if it is not in the set."""
        return self.names.index(name)

    @property
    def flip_permutation(self) -> np.ndarray:
        """int64 [J]: ``joints[perm]`` swaps left and right joints (used with an x mirror)."""
        perm = np.arange(len(self.names))
        for a, b in self.flip_pairs:
            perm[a], perm[b] = b, a
        return perm


KINECT14 = JointSet(
    names=(
        "nose", "neck",
        "right_shoulder", "right_elbow", "right_wrist",
        "left_shoulder", "left_elbow", "left_wrist",
        "right_hip", "right_knee", "right_ankle",
        "left_hip", "left_knee", "left_ankle",
    ),
    bones=(
        (0, 1), (1, 2), (2, 3), (3, 4), (1, 5), (5, 6), (6, 7),
        (1, 8), (8, 9), (9, 10), (1, 11), (11, 12), (12, 13), (8, 11),
    ),
    flip_pairs=((2, 5), (3, 6), (4, 7), (8, 11), (9, 12), (10, 13)),
    root=1,
)
"""Default 14-joint set (seed 000 §4.1). Root = neck (index 1)."""

JOINT_SETS = {"kinect14": KINECT14}


def get_joint_set(name: str) -> JointSet:
    """Return the registered joint set ``name``; raises ``KeyError`` for an unknown name."""
    try:
        return JOINT_SETS[name]
    except KeyError:
        raise KeyError(f"unknown joint set {name!r}; known: {sorted(JOINT_SETS)}") from None


@dataclass
class Skeleton:
    """One person's 3D skeleton.

    Attributes:
        joints: float32 [J, 3], metres, camera optical frame (REP-103: x right, y down, z fwd).
        confidence: float32 [J] in [0, 1] (peak value of the uv heatmap, clipped).
        names: joint names, length J.
        uv: float32 [J, 2], pixel coordinates in the *input* image (after undistortion, if any).
        box: float64 [4] (x0, y0, x1, y1) pixels, the person box the skeleton was estimated in
            (a detector's box), or None for a whole-image estimate.
        score: the detector's confidence for ``box`` (1.0 without a detector).
    """

    joints: np.ndarray
    confidence: np.ndarray
    names: list[str]
    uv: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.float32))
    box: np.ndarray | None = None
    score: float = 1.0


def flip_joints_x(joints: np.ndarray, joint_set: JointSet = KINECT14) -> np.ndarray:
    """Mirror 3D joints about the optical axis (x → −x) and swap left/right labels.

    Args:
        joints: [..., J, 3] metres, camera optical frame.
    Returns:
        a new array of the same shape and dtype.
    """
    out = joints[..., joint_set.flip_permutation, :].copy()
    out[..., 0] *= -1.0
    return out
