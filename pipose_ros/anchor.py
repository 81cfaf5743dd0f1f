"""Skeletons placed on measured depth: robust depth at a pixel, depth anchoring, and the rgbd output.

Shared by the labeller (``pipose label``: MediaPipe keypoints lifted with depth, the depth teacher's
labels anchored to it) and the node's rgbd mode (``depth_anchor``), so it imports numpy only.

**Robust depth at a pixel** (:func:`lift_joint`): the depth is read in a small window around the
pixel and summarised robustly — (1) holes: fewer than ``min_valid`` of the window's pixels valid →
unreliable; (2) depth edges: when the window spans more than ``edge_m`` (p90 − p10), only the
cluster containing the window's centre (within ``edge_m / 2``) is kept, and it must cover
``min_cluster`` of the valid pixels. A joint centre lies ``SURFACE_OFFSET_M`` behind the surface the
sensor sees (measured on the synthetic bodies: ``pipose label --evaluate --keypoints gt``,
docs/FINETUNE.md).

**Depth anchoring** (:func:`anchor_to_depth`): a skeleton is moved along the camera rays so that
its joints agree with the measured depth where they are seen — by the median of (lifted depth + the
joint's surface offset − the skeleton's depth) over the joints within ``gate_m`` of it — and each
joint whose lifted depth is then within ``snap_m`` takes that depth; the skeleton's relative depths
fill in the rest (occluded joints, holes, depth edges). Measured on the robot-domain recording of
``pipose distill-demo`` (docs/FINETUNE.md, sessions 12–14): the depth teacher's skeletons 29.9 cm
mean joint error without, 25.8 cm with anchoring; with the RGB student's 2D, 16.75 cm (median 8.2).

**The rgbd output** (:func:`anchor_people`): each person's RGB-student skeleton gets the depth
teacher's joint depths (its skeleton on the same crop of the registered depth) along the student's
2D rays, anchored to the measured depth — the student's 2D (its strong part, trained on real photos
through BlazePose) with the teacher's and the sensor's distance. A person without a teacher skeleton
(none for their box, e.g. the depth does not show them) keeps the student's skeleton unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .camera import backproject
from .skeleton import KINECT14, Skeleton

# depth of the joint centre behind the visible surface, metres (module docstring)
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


@dataclass
class AnchorConfig:
    """Thresholds of :func:`anchor_to_depth` (module docstring), metres and joint counts.

    Defaults: the node's rgbd output, chosen on the validation renders (anny-val-s1, 793 matched
    people; session 19, ``docs/runs/session19/oneoff_anchor_variants_val.log``): MPJPE 34.2 cm with
    the labeller's 0.4 / 0.3, 33.1 cm with 0.8 / 0.5; snapping within 0.8 m was 0.2 cm better still,
    but lets an occluder that close take a joint's depth. The labeller keeps its own, stricter
    values (:class:`pipose_ros.label.teacher.TeacherLabelConfig`): a wrong label is trained on.
    """

    gate_m: float = 0.8  # joints whose lifted depth is this far from the skeleton's are not used
    min_joints: int = 3  # joints with usable lifted depth needed to anchor a person
    snap_m: float = 0.5  # after the shift, a joint within this of its lifted depth takes it


def lift_joint(depth_m: np.ndarray, u: float, v: float, cfg: LiftConfig) -> tuple[float, str]:
    """Robust surface depth at pixel (u, v) (module docstring).

    Args:
        depth_m: float32 [H, W] metres, 0/NaN = invalid. u, v: pixels of ``depth_m``.
        cfg: :class:`LiftConfig`.
    Returns:
        (metres or NaN, reason: ``ok`` | ``outside`` | ``holes`` | ``edge``).
    """
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


def anchor_to_depth(joints: np.ndarray, uv: np.ndarray, K: np.ndarray, depth_m: np.ndarray,
                    cfg: AnchorConfig | None = None) -> tuple[np.ndarray, int]:
    """Place one skeleton on the measured depth (module docstring, "Depth anchoring").

    Args:
        joints: float [J, 3] metres, camera optical frame (REP-103), KINECT14 order; NaN rows =
            masked joints. Only their Z is used.
        uv: float [J, 2] pixels of ``depth_m`` where each joint is seen (the skeleton's own
            projections, or another network's 2D); the result projects to these pixels.
        K: float [3, 3] intrinsics of ``depth_m``. depth_m: float32 [H, W] metres, NaN/0 invalid.
        cfg: :class:`AnchorConfig` (None = its defaults).
    Returns:
        (joints float64 [J, 3] — the depth of each known joint taken from the anchored skeleton or,
        within ``snap_m``, from the lifted depth at its pixel, then ``Z · K⁻¹ [u, v, 1]``; the
        masked rows stay NaN —, the number of joints that took their lifted depth, or −1 when
        fewer than ``min_joints`` joints had usable depth: then the skeleton is only
        re-projected through ``uv`` at its own depths).
    """
    cfg = cfg or AnchorConfig()
    joints = np.asarray(joints, np.float64)
    uv = np.asarray(uv, np.float64)
    known = np.isfinite(joints).all(1) & np.isfinite(uv).all(1)
    z = joints[:, 2].copy()
    lifted = np.full(len(joints), np.nan)
    lcfg = LiftConfig()
    for j in np.nonzero(known)[0]:
        d, why = lift_joint(depth_m, float(uv[j, 0]), float(uv[j, 1]), lcfg)
        if why == "ok":
            lifted[j] = d + SURFACE_OFFSET_M.get(KINECT14.names[j], 0.0)
    with np.errstate(invalid="ignore"):
        r = lifted - z
        usable = known & np.isfinite(r) & (np.abs(r) < cfg.gate_m)
    snapped = -1
    if usable.sum() >= cfg.min_joints:
        zc = float(np.median(z[known]))
        z = z * (zc + float(np.median(r[usable]))) / zc
        with np.errstate(invalid="ignore"):
            snap = known & np.isfinite(lifted) & (np.abs(lifted - z) < cfg.snap_m)
        z[snap] = lifted[snap]
        snapped = int(snap.sum())
    out = backproject(uv, z, K)
    out[~known] = np.nan
    return out, snapped


def match_teachers(students: list[Skeleton], teachers: list[Skeleton]) -> list[Skeleton | None]:
    """For each RGB-student skeleton, the depth teacher's skeleton of the same view, or None: the
    one with the identical ``box`` (both ran on the same person crops), or a teacher skeleton
    without a box (a whole-image estimate) for the single student skeleton. Used by
    :func:`anchor_people` and by the node to give the teacher's skeletons the student's body ids."""
    return [next((t for t in teachers if (t.box is None and len(students) == 1)
                  or (t.box is not None and s.box is not None and np.array_equal(t.box, s.box))), None)
            for s in students]


def anchor_people(students: list[Skeleton], teachers: list[Skeleton], depth_m: np.ndarray, K: np.ndarray,
                  cfg: AnchorConfig | None = None) -> tuple[list[Skeleton], int]:
    """The rgbd output (module docstring): each RGB-student skeleton with its depth-teacher
    skeleton's joint depths along the student's 2D rays, anchored to the measured depth.

    Args:
        students: skeletons of the RGB student (:meth:`pipose_ros.estimator.PoseEstimator.estimate`),
            KINECT14 joints in the image's optical frame, ``uv`` in its pixels.
        teachers: the depth teacher's skeletons on the same boxes (``estimate_depth``), paired with
            the students' by :func:`match_teachers`.
        depth_m: float32 [H, W] metres (NaN/0 invalid), registered to the image of ``K``.
        K: float [3, 3] intrinsics of the image and the depth.
        cfg: :class:`AnchorConfig`.
    Returns:
        (skeletons in the order of ``students`` — float32 joints; confidence, uv, box and score the
        student's —, how many of them were placed on the measured depth). A student skeleton without
        a teacher skeleton is returned unchanged; one whose teacher skeleton could not be anchored
        (too few joints on usable depth) gets the teacher's depths along its own rays.
    """
    out, placed = [], 0
    for s, t in zip(students, match_teachers(students, teachers)):
        if t is None:
            out.append(s)
            continue
        joints, on_depth = anchor_to_depth(t.joints, s.uv, K, depth_m, cfg)
        placed += on_depth >= 0
        out.append(replace(s, joints=joints.astype(np.float32)))
    return out, placed
