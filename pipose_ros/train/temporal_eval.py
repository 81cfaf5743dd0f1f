"""Temporal evaluation: skeletons over video-like sequences with ground truth, raw and smoothed.

The benchmarks are single frames. A robot sees a stream, and what its users see of a per-frame
estimator is also its jitter. Without rendered motion, each sequence here is one labelled frame
seen by a camera that turns — a robot head scanning: yaw θ(t) = A·sin(2π t / T + φ) about the
camera's vertical axis. Each frame is the image warped by the homography K·Rᵀ(θ)·K⁻¹
(:func:`pipose_ros.camera.turned_view`; the same K: a rotation about the optical centre is exact for
a pinhole camera), with fresh Gaussian sensor
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
People who move: :func:`predict_motion` on rendered sequences
(:class:`pipose_ros.data.anny_motion.AnnyMotion`), with ground-truth boxes or — with a person finder
and a tracker — as the node runs, scored for identities by :func:`score_tracking`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tqdm import tqdm

from ..camera import in_view, project, turned_view, yaw_rotation
from ..data.crops import person_box
from ..data.folder import frame_people, read_folder, read_frame
from ..skeleton import KINECT14
from ..track import body_root
from ..smooth import SkeletonSmoother
from .multi_eval import match_people


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
    img = turned_view(rgb, K, theta)
    if noise > 0:
        img = np.clip(img + rng.normal(0.0, noise, img.shape), 0, 255).astype(np.uint8)
    R = yaw_rotation(theta)
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
            seq.append(_oracle_frame(est, img, K, t, gts, masks, min_visible))
            bar.update(1)
        out.append(seq)
    bar.close()
    return out


def _oracle_frame(est, img: np.ndarray, K: np.ndarray, t: float, gts: list, masks: list, min_visible: int) -> dict:
    """One frame of a sequence: ``est`` on the ground-truth boxes of the people with at least
    ``min_visible`` joints in ``masks``, its skeletons matched to them (see :func:`predict_sequences`)."""
    h, w = img.shape[:2]
    boxes = _gt_boxes(gts, K, w, h, [g for g, m in enumerate(masks) if m.sum() >= min_visible])
    skels = est.estimate(img, K, list(boxes.values())) if boxes else []
    return {"t": t, "K": K, "gt": gts, "mask": masks, "pred": _match(skels, boxes, gts, masks, K)}


def _gt_boxes(gts: list, K: np.ndarray, w: int, h: int, people) -> dict:
    """{ground-truth index: float [4] box} of ``people`` that have one
    (:func:`pipose_ros.data.crops.person_box`: the box the oracle crops use)."""
    boxes = {g: person_box({"joints": gts[g], "box": None}, K, w, h) for g in people}
    return {g: b for g, b in boxes.items() if b is not None}


def _match(skels: list, boxes: dict, gts: list, masks: list, K: np.ndarray) -> dict:
    """{ground-truth index: skeleton} by :func:`pipose_ros.train.multi_eval.match_people` over the
    people of ``boxes`` (:func:`_gt_boxes`), distances in units of each person's box diagonal."""
    if not skels or not boxes:
        return {}
    keep = list(boxes)
    gt_uv = np.stack([project(gts[g], K) for g in keep])
    gt_mask = np.stack([masks[g] for g in keep])
    scale = np.array([np.hypot(b[2] - b[0], b[3] - b[1]) for b in boxes.values()])
    return {keep[gi]: skels[pi] for gi, pi in match_people(gt_uv, gt_mask, scale, np.stack([s.uv for s in skels]))}


def predict_motion(est, gen, sequences: int = 20, min_visible: int = 4, finder=None, tracker_factory=None,
                   max_people: int = 4, progress: bool = True) -> list[list[dict]]:
    """Run ``est`` over rendered moving-people sequences (:class:`pipose_ros.data.anny_motion.AnnyMotion`
    ``gen``, sequences 0 … ``sequences`` − 1).

    Without ``finder``: on the ground-truth boxes (as :func:`predict_sequences`). With ``finder`` (a
    :class:`pipose_ros.detect.PersonFinder`, reset per sequence) and ``tracker_factory`` (→ a new
    :class:`pipose_ros.track.BodyTracker`): as the node — the finder's boxes,
    :meth:`~pipose_ros.estimator.PoseEstimator.estimate_people` up to ``max_people``, body ids from
    the tracker; each frame then also holds ``"ids"``: {ground-truth index: body id} and
    ``"false_positives"``: skeletons matched to nobody.
    Returns: as :func:`predict_sequences`.
    """
    out = []
    bar = tqdm(total=sequences * gen.length, unit="frame", desc="moving-people sequences", disable=not progress)
    for i in range(sequences):
        seq = []
        if finder is not None:
            finder.reset()
            tracker = tracker_factory()
            previous: list = []
        for f in gen.sequence(i):
            gts = list(np.asarray(f.joints, np.float64))
            masks = list(f.in_image & f.visible)
            t = f.meta["t"]
            if finder is None:
                seq.append(_oracle_frame(est, f.rgb, f.K, t, gts, masks, min_visible))
            else:
                boxes, _ = finder(f.rgb, previous)
                skels = est.estimate_people(f.rgb, f.K, boxes, max_people) if boxes else []
                previous = skels
                ids, _ = tracker.update(skels, [s.box for s in skels], t)
                H, W = f.rgb.shape[:2]
                # matched against everyone with a box (a skeleton on a person mostly out of view or
                # hidden is no false positive), scored on the people with min_visible joints
                anyone = _gt_boxes(gts, f.K, W, H, range(len(gts)))
                found = _match(skels, anyone, gts, list(f.in_image), f.K)
                keep = [g for g in anyone if masks[g].sum() >= min_visible]
                pred = {g: s for g, s in found.items() if g in keep}
                id_of = {id(s): b for s, b in zip(skels, ids)}
                seq.append({"t": t, "K": f.K, "gt": gts, "mask": masks, "pred": pred,
                            "ids": {g: id_of[id(s)] for g, s in pred.items()},
                            "false_positives": len(skels) - len(found), "people": len(keep)})
            bar.update(1)
        out.append(seq)
    bar.close()
    return out


def score_tracking(seqs: list[list[dict]]) -> dict:
    """Identity metrics of :func:`predict_motion` run with a finder: ``people_frames`` (people with
    enough visible joints), ``matched`` (%), ``false_positives``, ``id_switches`` (a person matched
    to another id than at their previous match), ``people`` (ground-truth tracks seen) and
    ``id_switches_per_person``."""
    frames = matched = fps = switches = 0
    tracks = 0
    for seq in seqs:
        last: dict[int, str] = {}
        seen: set[int] = set()
        for fr in seq:
            frames += fr["people"]
            matched += len(fr["ids"])
            fps += fr["false_positives"]
            for g, b in fr["ids"].items():
                seen.add(g)
                if g in last and last[g] != b:
                    switches += 1
                last[g] = b
        tracks += len(seen)
    return {"people_frames": frames, "matched_pct": 100.0 * matched / max(frames, 1), "false_positives": fps,
            "id_switches": switches, "people": tracks, "id_switches_per_person": switches / max(tracks, 1)}


def score_sequences(seqs: list[list[dict]], smoother: SkeletonSmoother | None) -> dict:
    """MPJPE, root-depth error and jitter (module docstring) of the predictions of
    :func:`predict_sequences`, smoothed per person by ``smoother`` (reset per sequence; None = raw).

    Returns:
        ``{"mpjpe_cm", "root_depth_cm", "rr_mpjpe_cm" (root-relative: the pose, where a lag behind
        moving limbs shows), "uv_error_px" (the 2D joints against the projected ground truth),
        "jitter_cm", "gt_jitter_cm", "people_frames"}``; jitter over
        the triples of consecutive frames in which a person was matched in all three; NaN where
        nothing was matched.
    """
    errs, roots, rr, px, jit, gjit = [], [], [], [], [], []
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
                rj, rg = body_root(j, KINECT14), body_root(gt, KINECT14)
                roots.append(abs(rj[2] - rg[2]))
                rr.append(np.linalg.norm((j[m] - rj) - (gt[m] - rg), axis=1).mean())
                px.append(np.linalg.norm(np.asarray(s.uv, np.float64)[m] - project(gt[m], fr["K"]), axis=1).mean())
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
    return {"mpjpe_cm": cm(errs), "root_depth_cm": cm(roots), "rr_mpjpe_cm": cm(rr),
            "uv_error_px": float(np.mean(px)) if px else float("nan"), "jitter_cm": cm(jit),
            "gt_jitter_cm": cm(gjit), "people_frames": len(errs)}
