"""Auto-labels: 2D keypoints (MediaPipe Pose, or your own) lifted to 3D with registered depth.

For each joint the depth is read in a small window around its pixel and summarised robustly:

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

from dataclasses import dataclass

import numpy as np

from ..skeleton import BLAZEPOSE_TO_KINECT14, KINECT14

# depth of the joint centre behind the visible surface, metres (measured on the synthetic bodies:
# `pipose label --evaluate --keypoints gt`, docs/FINETUNE.md)
SURFACE_OFFSET_M = {
    "nose": 0.0, "neck": 0.05, "right_shoulder": 0.05, "left_shoulder": 0.05,
    "right_elbow": 0.04, "left_elbow": 0.04, "right_wrist": 0.03, "left_wrist": 0.03,
    "right_hip": 0.08, "left_hip": 0.08, "right_knee": 0.05, "left_knee": 0.05,
    "right_ankle": 0.04, "left_ankle": 0.04,
}


@dataclass
class LiftConfig:
    """Robust depth-lifting parameters (window in pixels of a 640-wide image, scaled with width)."""

    window_px: int = 5  # half size at 640 px width
    min_valid: float = 0.3
    edge_m: float = 0.15
    min_cluster: float = 0.3
    min_score: float = 0.5


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


def lift_joint(depth_m: np.ndarray, u: float, v: float, cfg: LiftConfig) -> tuple[float, str]:
    """Robust surface depth at (u, v) → (metres or NaN, reason: ``ok`` | ``outside`` | ``holes`` |
    ``edge``). ``depth_m``: float32 [H, W] metres, 0/NaN = invalid."""
    H, W = depth_m.shape
    if not (np.isfinite(u) and np.isfinite(v)) or u < 0 or v < 0 or u > W - 1 or v > H - 1:
        return float("nan"), "outside"
    r = max(2, int(round(cfg.window_px * W / 640)))
    ui, vi = int(round(u)), int(round(v))
    win = depth_m[max(0, vi - r):vi + r + 1, max(0, ui - r):ui + r + 1].astype(np.float64)
    valid = np.isfinite(win) & (win > 0)
    if valid.mean() < cfg.min_valid:
        return float("nan"), "holes"
    d = win[valid]
    p10, p90 = np.percentile(d, [10, 90])
    if p90 - p10 <= cfg.edge_m:
        return float(np.median(d)), "ok"
    centre = depth_m[vi, ui]
    if not (np.isfinite(centre) and centre > 0):  # centre in a hole on an edge: take the nearest valid pixel
        yy, xx = np.nonzero(valid)
        k = np.argmin((yy - (vi - max(0, vi - r))) ** 2 + (xx - (ui - max(0, ui - r))) ** 2)
        centre = win[yy[k], xx[k]]
    cluster = d[np.abs(d - centre) < cfg.edge_m / 2]
    if cluster.size < cfg.min_cluster * d.size:
        return float("nan"), "edge"
    return float(np.median(cluster)), "ok"


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
