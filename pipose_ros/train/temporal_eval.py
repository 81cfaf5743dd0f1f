"""Temporal evaluation: skeletons over video-like sequences with ground truth, raw and smoothed.

The benchmarks are single frames. A robot sees a stream, and what its users see of a per-frame
estimator is also its jitter. Without rendered motion, each sequence here is one labelled frame
seen by a camera that turns — a robot head scanning: yaw θ(t) = A·sin(2π t / T + φ) about the
camera's vertical axis. Each frame is the image warped by the homography K·Rᵀ(θ)·K⁻¹ (the same K:
a rotation about the optical centre is exact for a pinhole camera), with fresh Gaussian sensor
noise; its ground truth is Rᵀ(θ)·X. The people stand still in the world, so every change of a
skeleton beyond the camera's turn is error — and a smoother's lag behind the turn counts too.

Per frame the estimator runs on the people's ground-truth boxes (an oracle detector, as
:mod:`pipose_ros.train.multi_eval`), its skeletons are matched to the people by the Hungarian
algorithm on 2D distance (:func:`pipose_ros.train.multi_eval.match_people`); a person's body id is
its ground-truth index, so smoothing is scored without tracker errors. Metrics per setting, over
matched people's in-image joints: MPJPE (cm), the body distance error (root depth, cm), and jitter
— the mean magnitude of the joints' second difference over three consecutive frames minus the
ground truth's, cm per frame² (0 for a skeleton that moves exactly as the person).

Limits: the people do not move (no limb motion to lag behind); the sensor noise is Gaussian.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from ..camera import in_view, project
from ..data.crops import person_box
from ..data.folder import frame_people, read_folder, read_frame
from ..skeleton import KINECT14
from ..track import body_root
from ..smooth import SkeletonSmoother
from .multi_eval import match_people


def yaw(theta: float) -> np.ndarray:
    """float64 [3, 3] rotation by ``theta`` radians about the optical frame's y axis (image down):
    the camera turning right for θ > 0."""
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def panned_frame(rgb: np.ndarray, K: np.ndarray, joints: list[np.ndarray], theta: float,
                 noise: float, rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray]]:
    """One frame of the turning camera.

    Args:
        rgb: uint8 [H, W, 3] the labelled frame. K: float [3, 3] its intrinsics (also the new frame's).
        joints: float [J, 3] metres per person, the frame's optical frame.
        theta: yaw, radians. noise: std of Gaussian pixel noise (0–255 scale). rng: its source.
    Returns:
        (uint8 [H, W, 3] the view, joints of each person in the turned camera's optical frame).
    """
    R = yaw(theta)
    K = np.asarray(K, np.float64)
    H = K @ R.T @ np.linalg.inv(K)
    h, w = rgb.shape[:2]
    img = cv2.warpPerspective(rgb, H, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    if noise > 0:
        img = np.clip(img + rng.normal(0.0, noise, img.shape), 0, 255).astype(np.uint8)
    return img, [np.asarray(j, np.float64) @ R for j in joints]  # Rᵀ·X for row vectors


def predict_sequences(est, root: str | Path, sequences: int = 40, length: int = 30, fps: float = 15.0,
                      amplitude_deg: float = 5.0, period_s: float = 4.0, noise: float = 3.0,
                      seed: int = 0, min_visible: int = 4, progress: bool = True) -> list[list[dict]]:
    """Run ``est`` (:class:`pipose_ros.estimator.PoseEstimator`) over turning-camera sequences.

    Args:
        root: a labelled dataset folder; sequence i starts from frame i × (frames // sequences).
        sequences, length: how many sequences, frames each. fps: frame rate (the stamps).
        amplitude_deg, period_s: the yaw sinusoid; its phase is random per sequence.
        noise: pixel noise std. seed: the phases' and noise's seed. min_visible: people with fewer
            visible in-image joints are not scored.
    Returns:
        per sequence, per frame ``{"t": s, "K", "gt": [[J, 3] per person], "mask": [bool [J]],
        "pred": {person index: Skeleton}}``.
    Raises:
        ValueError: a folder with fewer frames than ``sequences``.
    """
    info, frames = read_folder(root)
    frames = [r for r in frames if frame_people(r, len(KINECT14.names))]
    if len(frames) < sequences:
        raise ValueError(f"{root}: {len(frames)} labelled frames, fewer than {sequences} sequences")
    rng = np.random.default_rng(seed)
    step = len(frames) // sequences
    out = []
    bar = tqdm(total=sequences * length, unit="frame", desc="turning-camera sequences", disable=not progress)
    for i in range(sequences):
        rec = frames[i * step]
        rgb, _ = read_frame(root, rec)
        K = np.asarray(rec["K"], np.float64)
        h, w = rgb.shape[:2]
        people = [p for p in frame_people(rec, len(KINECT14.names))
                  if np.isfinite(p["joints"]).all() and (np.asarray(p["visible"]) & in_view(p["joints"], K, w, h)).sum() >= min_visible]
        phase = rng.uniform(0, 2 * np.pi)
        seq = []
        for k in range(length):
            t = k / fps
            theta = np.radians(amplitude_deg) * np.sin(2 * np.pi * t / period_s + phase)
            img, gts = panned_frame(rgb, K, [p["joints"] for p in people], theta, noise, rng)
            masks = [in_view(g, K, w, h) & np.asarray(p["visible"]) for g, p in zip(gts, people)]
            keep = [g for g, m in enumerate(masks) if m.sum() >= min_visible]
            boxes = [person_box({"joints": gts[g], "box": None}, K, w, h) for g in keep]
            keep = [g for g, b in zip(keep, boxes) if b is not None]
            boxes = [b for b in boxes if b is not None]
            skels = est.estimate(img, K, boxes) if boxes else []
            pred = {}
            if skels and keep:
                gt_uv = np.stack([project(gts[g], K) for g in keep])
                gt_mask = np.stack([masks[g] for g in keep])
                scale = np.array([np.hypot(b[2] - b[0], b[3] - b[1]) for b in boxes])
                for gi, pi in match_people(gt_uv, gt_mask, scale, np.stack([s.uv for s in skels])):
                    pred[keep[gi]] = skels[pi]
            seq.append({"t": t, "K": K, "gt": gts, "mask": masks, "pred": pred})
            bar.update(1)
        out.append(seq)
    bar.close()
    return out


def score_sequences(seqs: list[list[dict]], smoother: SkeletonSmoother | None) -> dict:
    """MPJPE, root-depth error and jitter (module docstring) of the predictions of
    :func:`predict_sequences`, smoothed per person by ``smoother`` (reset per sequence; None = raw).

    Returns:
        ``{"mpjpe_cm", "root_depth_cm", "jitter_cm", "gt_jitter_cm", "people_frames"}``; jitter over
        the triples of consecutive frames in which a person was matched in all three; NaN where
        nothing was matched.
    """
    errs, roots, jit, gjit = [], [], [], []
    for seq in seqs:
        if smoother is not None:
            smoother.reset()
        hist: dict[int, list] = {}
        for k, fr in enumerate(seq):
            ids = sorted(fr["pred"])
            skels = [fr["pred"][g] for g in ids]
            if smoother is not None:
                seen = set(ids)
                ended = [str(g) for g in hist if g not in seen]
                skels = smoother([str(g) for g in ids], skels, fr["K"], fr["t"], ended)
            for g, s in zip(ids, skels):
                gt, m = fr["gt"][g], fr["mask"][g]
                j = np.asarray(s.joints, np.float64)
                errs.append(np.linalg.norm(j[m] - gt[m], axis=1).mean())
                roots.append(abs(body_root(j, KINECT14)[2] - body_root(gt, KINECT14)[2]))
                h = hist.setdefault(g, [])
                h.append((k, j, gt, m))
                if len(h) >= 3 and h[-3][0] == k - 2 and h[-2][0] == k - 1:
                    mm = h[-3][3] & h[-2][3] & m
                    if mm.any():
                        acc = h[-1][1] - 2 * h[-2][1] + h[-3][1]
                        gacc = h[-1][2] - 2 * h[-2][2] + h[-3][2]
                        jit.append(np.linalg.norm((acc - gacc)[mm], axis=1).mean())
                        gjit.append(np.linalg.norm(gacc[mm], axis=1).mean())
            for g in [g for g in hist if g not in fr["pred"]]:
                del hist[g]
    def cm(x):
        return 100 * float(np.mean(x)) if len(x) else float("nan")
    return {"mpjpe_cm": cm(errs), "root_depth_cm": cm(roots), "jitter_cm": cm(jit), "gt_jitter_cm": cm(gjit),
            "people_frames": len(errs)}
