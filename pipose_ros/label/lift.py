"""Auto-labels: 2D keypoints (MediaPipe Pose, or your own) lifted to 3D with registered depth.

For each joint the depth is read in a small window around its pixel and summarised robustly
(:func:`pipose_ros.anchor.lift_joint`, shared with the node's rgbd output):

1. holes: fewer than ``min_valid`` of the window's pixels have depth → unreliable;
2. depth edges: when the window spans more than ``edge_m`` (p90 − p10), only the depth cluster
   that contains the window's centre (within ``edge_m / 2`` of its median) is kept — the joint is
   on that surface, not on what lies behind or in front — and it must still cover
   ``min_cluster`` of the valid pixels, else unreliable;
3. the joint's depth is the cluster's median plus a per-joint ``surface offset`` (the skin is in
   front of the joint centre: torso joints sit deeper than wrists), then
   ``[X, Y, Z] = Z · K⁻¹ [u, v, 1]`` (camera optical frame, REP-103).

Unreliable joints and joints whose 2D score is below ``min_score`` get no label (null): they are
left out of the loss. See docs/FINETUNE.md for the measured label error.
"""

from __future__ import annotations

import numpy as np

from ..anchor import SURFACE_OFFSET_M, LiftConfig, lift_joint
from ..skeleton import BLAZEPOSE_TO_KINECT14, KINECT14


def mediapipe_to_joints(landmarks) -> tuple[np.ndarray, np.ndarray]:
    """33 MediaPipe landmarks [[u, v, visibility], …] (pixels) → (uv float64 [14, 2], score [14])."""
    lm = np.asarray(landmarks, np.float64)
    uv = np.zeros((len(KINECT14.names), 2))
    score = np.zeros(len(KINECT14.names))
    for j, name in enumerate(KINECT14.names):
        idx = BLAZEPOSE_TO_KINECT14[name]
        uv[j] = lm[list(idx), :2].mean(0)
        score[j] = lm[list(idx), 2].min()
    return uv, score


def lift(uv: np.ndarray, score: np.ndarray, depth_m: np.ndarray, K: np.ndarray,
         cfg: LiftConfig | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Lift 2D keypoints to 3D.

    Args:
        uv: float [J, 2] pixels of the (registered) colour image; score: float [J] in [0, 1].
        depth_m: float32 [H, W] metres registered to that image. K: float [3, 3].
    Returns:
        (joints float32 [J, 3] metres with NaN rows for unreliable joints, visible bool [J],
        reasons list[str] per joint: ``ok``, ``score``, ``outside``, ``holes``, ``edge``).
    """
    cfg = cfg or LiftConfig()
    J = len(uv)
    joints = np.full((J, 3), np.nan, np.float32)
    visible = np.zeros(J, bool)
    reasons = []
    for j in range(J):
        if score[j] < cfg.min_score:
            reasons.append("score")
            continue
        z, why = lift_joint(depth_m, uv[j, 0], uv[j, 1], cfg)
        reasons.append(why)
        if why != "ok":
            continue
        z += SURFACE_OFFSET_M.get(KINECT14.names[j], 0.0)
        joints[j] = [(uv[j, 0] - K[0, 2]) / K[0, 0] * z, (uv[j, 1] - K[1, 2]) / K[1, 1] * z, z]
        visible[j] = True
    return joints, visible, reasons
