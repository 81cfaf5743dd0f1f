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


def depth_error_parts(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray, bones, root: int = 1) -> dict:
    """Where an absolute 3D error comes from: direction (2D), body distance, and depth within the body.

    Args:
        pred, gt: float [N, J, 3] metres, camera optical frame (Z > 0 where ``mask``).
        mask: bool [N, J] joints that count (inside the image).
        bones: (a, b) joint index pairs of the skeleton (e.g. ``KINECT14.bones``).
        root: the root joint (neck for KINECT14).
    Returns:
        dict (NaN where nothing counts):
        ``lateral_error_cm`` — mean distance, at the true depth, between the joint's true ray and the
        predicted one (the 2D error in metric units); ``root_depth_error_pct`` — median |Ẑ_root − Z_root|
        / Z_root in %, ``root_depth_error_cm`` — its mean in cm (people whose root counts),
        ``root_depth_signed_pct`` — median (Ẑ_root − Z_root) / Z_root in % (> 0: too far; a bias, where
        the unsigned one mixes bias and spread);
        ``relative_depth_error_cm`` — mean |(Ẑ_n − Ẑ_root) − (Z_n − Z_root)| (depth within the body);
        ``true_depth_spread_cm`` — mean |Z_n − median_n Z_n| of the ground truth (how much depth a body
        has about its median: the error of a flat body at the right distance);
        ``size_prior_root_error_cm`` / ``size_prior_root_error_pct`` — the root-distance error (mean cm,
        median %) of an estimator that knows every joint's 2D exactly and assumes each person is the
        median size of these people (size = sum of the bone lengths, people with every joint known):
        what not knowing a person's size costs a monocular estimator here;
        ``mean_pose_pa_mpjpe_cm`` — the PA-MPJPE (as :func:`pose_metrics` computes it) of one constant
        skeleton, the mean root-relative pose of these people (those with every joint known), put at
        each person's true root: the body-shape error of a model that learnt no pose at all. An
        oracle constant (taken from the evaluated people themselves), so a model whose PA-MPJPE is
        not clearly below it has not learnt body shape (session 16, docs/RESULTS.md).
    """
    pred, gt, mask = np.asarray(pred, np.float64), np.asarray(gt, np.float64), np.asarray(mask, bool)
    nan = float("nan")
    out = dict.fromkeys(("lateral_error_cm", "root_depth_error_pct", "root_depth_error_cm", "root_depth_signed_pct",
                         "relative_depth_error_cm",
                         "true_depth_spread_cm", "size_prior_root_error_cm", "size_prior_root_error_pct",
                         "mean_pose_pa_mpjpe_cm"), nan)
    if not mask.any():
        return out
    zp, zg = pred[..., 2], gt[..., 2]
    safe = lambda z: np.where(np.abs(z) > 1e-9, z, 1.0)  # noqa: E731
    ray_p, ray_g = pred[..., :2] / safe(zp)[..., None], gt[..., :2] / safe(zg)[..., None]
    out["lateral_error_cm"] = float((np.linalg.norm(ray_p - ray_g, axis=-1) * zg)[mask].mean() * 100)
    r = mask[:, root]
    if r.any():
        dz = np.abs(zp[r, root] - zg[r, root])
        out["root_depth_error_pct"] = float(np.median(dz / safe(zg[r, root])) * 100)
        out["root_depth_error_cm"] = float(dz.mean() * 100)
        out["root_depth_signed_pct"] = float(np.median((zp[r, root] - zg[r, root]) / safe(zg[r, root])) * 100)
        rel = (zp[r] - zp[r, root, None]) - (zg[r] - zg[r, root, None])
        out["relative_depth_error_cm"] = float(np.abs(rel)[mask[r]].mean() * 100)
    ok = mask.any(1)
    spread = np.abs(zg[ok] - np.nanmedian(np.where(mask[ok], zg[ok], np.nan), axis=1, keepdims=True))
    out["true_depth_spread_cm"] = float(spread[mask[ok]].mean() * 100)
    full = (np.abs(gt).sum(-1) > 0).all(1)  # people with every joint known
    known = full & r
    if known.sum() >= 2:
        size = sum(np.linalg.norm(gt[known, a] - gt[known, b], axis=-1) for a, b in bones)
        ratio = np.median(size) / size  # the distance a median-size assumption gives, / the truth
        out["size_prior_root_error_cm"] = float((np.abs(ratio - 1) * zg[known, root]).mean() * 100)
        out["size_prior_root_error_pct"] = float(np.median(np.abs(ratio - 1)) * 100)
    if full.any():
        mean_pose = (gt[full] - gt[full, root, None]).mean(0)
        const = gt[:, root, None] + mean_pose[None]
        out["mean_pose_pa_mpjpe_cm"] = pose_metrics(const, gt, mask, root=root)["pa_mpjpe_cm"]
    return out


def out_of_view_metrics(confidence: np.ndarray, in_image: np.ndarray, known: np.ndarray,
                        drawn_inside: np.ndarray, thresholds=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)) -> dict:
    """How well a model's joint confidence tells joints in the image from joints out of it.

    A person cut by the image border (a close-up, the astronaut photo's hips) has labelled joints
    outside the image. A network that places every joint somewhere in its crop draws those inside
    the image — on the wrong body part — unless its confidence says they are not there (the node's
    ``joint_min_confidence`` hides joints below it from TF and the markers).

    Args:
        confidence: float [N, J] per-joint confidence in [0, 1] of N matched people.
        in_image: bool [N, J] the true joint projects into the image.
        known: bool [N, J] the joint has a label (in the image or not).
        drawn_inside: bool [N, J] the predicted joint projects into the image.
        thresholds: confidence thresholds to report.
    Returns:
        dict: ``joints_in``, ``joints_out`` (counts of known joints in / out of the image);
        ``auroc`` — the chance that an in-image joint is more confident than an out-of-image one
        (Mann–Whitney U / (n_in · n_out); 0.5 = the confidence says nothing; NaN without both kinds);
        ``at`` — threshold (str) → ``in_kept_pct`` (in-image joints at or above it) and
        ``out_drawn_pct`` (out-of-image joints at or above it *and* drawn inside the image: the
        visible mistake).
    """
    from scipy.stats import mannwhitneyu

    c = np.asarray(confidence, np.float64)
    known = np.asarray(known, bool)
    inside, out = known & np.asarray(in_image, bool), known & ~np.asarray(in_image, bool)
    drawn = np.asarray(drawn_inside, bool)
    res = {"joints_in": int(inside.sum()), "joints_out": int(out.sum()), "auroc": float("nan"), "at": {}}
    if inside.any() and out.any():
        u = mannwhitneyu(c[inside], c[out]).statistic
        res["auroc"] = float(u / (inside.sum() * out.sum()))
    for t in thresholds:
        res["at"][f"{t:g}"] = {
            "in_kept_pct": float((c[inside] >= t).mean() * 100) if inside.any() else float("nan"),
            "out_drawn_pct": float(((c >= t) & drawn)[out].mean() * 100) if out.any() else float("nan")}
    return res
