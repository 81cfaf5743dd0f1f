"""3D pose metrics of seed 000 §4.2 (MPJPE, mAP@τ) plus PA-MPJPE and root-relative MPJPE."""

from __future__ import annotations

import numpy as np


def procrustes_align(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Similarity (scale, rotation, translation) alignment of pred [J, 3] onto gt [J, 3]."""
    mp, mg = pred.mean(0), gt.mean(0)
    p, g = pred - mp, gt - mg
    U, S, Vt = np.linalg.svd(p.T @ g)
    d = np.sign(np.linalg.det(U @ Vt))
    D = np.diag([1.0, 1.0, d])
    R = U @ D @ Vt
    s = (S * np.diag(D)).sum() / max((p ** 2).sum(), 1e-12)
    return s * p @ R + mg


def pose_metrics(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray, root: int = 1,
                 taus_cm=(6, 8, 10)) -> dict:
    """Metrics over N frames.

    Args:
        pred, gt: float [N, J, 3] metres, camera optical frame.
        mask: bool [N, J]: joints that count (inside the image).
        root: root joint index for root-relative MPJPE (frames whose root is masked are skipped).
    Returns:
        dict: ``mpjpe_cm`` (absolute), ``map@τ`` (% of joints with error < τ cm),
        ``pa_mpjpe_cm``, ``rr_mpjpe_cm``, ``per_joint_cm`` (list [J]), ``n_frames``, ``n_joints``.
    """
    pred, gt, mask = np.asarray(pred, np.float64), np.asarray(gt, np.float64), np.asarray(mask, bool)
    err = np.linalg.norm(pred - gt, axis=-1) * 100.0
    e = err[mask]
    out = {"mpjpe_cm": float(e.mean()), "n_frames": int(len(pred)), "n_joints": int(mask.sum())}
    for t in taus_cm:
        out[f"map@{t}"] = float((e < t).mean() * 100.0)
    pa, rr = [], []
    for i in range(len(pred)):
        m = mask[i]
        if m.sum() >= 4:
            al = procrustes_align(pred[i][m], gt[i][m])
            pa.extend(np.linalg.norm(al - gt[i][m], axis=-1) * 100.0)
        if m[root]:
            rp = pred[i] - pred[i, root]
            rg = gt[i] - gt[i, root]
            rr.extend(np.linalg.norm(rp - rg, axis=-1)[m] * 100.0)
    out["pa_mpjpe_cm"] = float(np.mean(pa)) if pa else float("nan")
    out["rr_mpjpe_cm"] = float(np.mean(rr)) if rr else float("nan")
    pj = np.where(mask, err, np.nan)
    out["per_joint_cm"] = [float(x) for x in np.nanmean(pj, axis=0)]
    return out
