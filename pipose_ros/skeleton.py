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
        return pair_permutation(len(self.names), self.flip_pairs)


def pair_permutation(n: int, pairs) -> np.ndarray:
    """int64 [n]: the identity with each (a, b) of ``pairs`` swapped — ``x[perm]`` exchanges the
    entries of every pair (left/right joints: :attr:`JointSet.flip_permutation`)."""
    perm = np.arange(n)
    for a, b in pairs:
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

# MediaPipe Pose / BlazePose GHUM landmark indices (33-point topology) for each KINECT14 joint;
# the neck is the mid-point of the shoulders. MediaPipe's "left" is the person's left, as ours.
BLAZEPOSE_TO_KINECT14 = {
    "nose": (0,), "neck": (11, 12),
    "right_shoulder": (12,), "right_elbow": (14,), "right_wrist": (16,),
    "left_shoulder": (11,), "left_elbow": (13,), "left_wrist": (15,),
    "right_hip": (24,), "right_knee": (26,), "right_ankle": (28,),
    "left_hip": (23,), "left_knee": (25,), "left_ankle": (27,),
}

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


def suppress_duplicates(skeletons: list[Skeleton], same_person: float = 0.05) -> list[Skeleton]:
    """Pose non-maximum suppression: drop skeletons that are another one's near-copy.

    A person detector can give one person two boxes (BlazePose's detector, a face and a body
    anchor that do not overlap enough for its NMS); each crop then finds the same person and the
    node would publish two bodies for one human. Two skeletons are one person when the median
    distance between their 2D joints is below ``same_person`` × the diagonal of the 2D joint
    extent of the more confident one (the idea of OKS-based pose NMS in top-down pipelines,
    e.g. mmpose ``oks_nms``, with a scale-relative distance instead of per-joint sigmas).
    Measured on the real Kinect v2 frame of lmb-freiburg/rgbd-pose3d with the 192 × 192 student:
    duplicates at 0.01–0.02, two different people half hiding each other at ≥ 0.1.

    Args:
        skeletons: as :meth:`pipose_ros.estimator.PoseEstimator.estimate` returns them (``uv``
            float [J, 2] pixels of one image).
        same_person: threshold, fraction of the joint-extent diagonal; ≤ 0 keeps everything.
    Returns:
        the kept skeletons in their original order; of each group of copies the one with the
        highest mean joint confidence.
    """
    if same_person <= 0 or len(skeletons) < 2:
        return list(skeletons)
    order = sorted(range(len(skeletons)), key=lambda i: -float(np.mean(skeletons[i].confidence)))
    kept: list[int] = []
    for i in order:
        uv = np.asarray(skeletons[i].uv, np.float64)
        dup = False
        for k in kept:
            ref = np.asarray(skeletons[k].uv, np.float64)
            if ref.shape != uv.shape or not len(ref):
                continue
            diag = float(np.hypot(*(ref.max(0) - ref.min(0))))
            if np.median(np.linalg.norm(uv - ref, axis=1)) < same_person * max(diag, 1e-6):
                dup = True
                break
        if not dup:
            kept.append(i)
    return [skeletons[i] for i in sorted(kept)]


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
