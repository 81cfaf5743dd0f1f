"""Person crops as virtual cameras: dataset folder → :class:`SampleSet` of one person per sample.

Each labelled person of a frame (``people`` of ``frames.jsonl``, or the single ``joints``) with
a box and at least ``min_visible`` visible joints becomes one sample: the crop
:meth:`pipose_ros.camera.CropView.around` its box (``scale`` × the box's larger side, centre
shifted by up to ``shift`` of the crop size; both drawn per person from ``seed`` — the
training-time stand-in for a detector's box noise), resized to the network input, with
K_crop = S·K. The joints stay in the image's optical frame; ``in_image`` and ``visible`` are
recomputed for the crop. Other people inside the crop stay in it (the network must pick the
centred one). A person without a box gets the box of its in-image joints grown by 15 %.

Each crop's metadata also says how much of its person's visible joints the *depth* image shows
(``depth_seen``, :func:`pipose_ros.camera.depth_seen_fraction`): a person beyond the sensor's far limit, or lost to
its artefacts, is in the colour image but not in the depth one, and a depth teacher trained to
place joints its input does not show learns a guess (session 18: 7.4 % of the validation crops
show none of their person's visible joints in depth; the shipped teacher's 2D PCK@0.2 on them is
12 % against 48.7 % on crops that show ≥ 75 %). ``min_depth_seen`` keeps such people out of a
depth teacher's training.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ..camera import CropView, depth_seen_fraction, in_view, points_box, project
from ..skeleton import KINECT14
from .dataset import SampleSet, foreground_from_depth
from .folder import frame_people, read_folder, read_frame


@dataclass
class CropSpec:
    """How crops are drawn (stored in a checkpoint's training summary)."""

    net_wh: tuple[int, int] = (96, 96)
    min_visible: int = 4
    scale: tuple[float, float] = (1.15, 1.45)
    shift: float = 0.08
    seed: int = 0
    min_depth_seen: float = 0.0  # keep a person only if depth shows this fraction of its visible joints
    people_mask: bool = False  # also crop the frame's people mask (SampleSet.people; frame_people_mask)


def frame_people_mask(depth_mm: np.ndarray, K: np.ndarray, people: list[dict]) -> np.ndarray:
    """Where a frame's depth image shows any of its labelled people.

    The union over ``people`` (:func:`pipose_ros.data.folder.frame_people` dicts) of
    :func:`pipose_ros.data.dataset.foreground_from_depth` with every labelled joint (in the image or
    not: a body cut by the border still covers its in-image part). Used to measure what the depth
    teacher makes of the other people and occluders in a crop (session 25, docs/RESULTS.md).

    Args:
        depth_mm: uint16 [H, W] millimetres, 0 = invalid. K: float [3, 3]. people: dicts with
            ``joints`` float [J, 3] metres, camera optical frame, NaN = unknown.
    Returns:
        uint8 [H, W], 1 on a person.
    """
    d = depth_mm.astype(np.float32) * 1e-3
    out = np.zeros(d.shape, bool)
    for p in people:
        known = np.isfinite(p["joints"]).all(1)
        if known.any():
            out |= foreground_from_depth(d, np.nan_to_num(p["joints"], nan=0.0), K, known) > 0
    return out.astype(np.uint8)


def person_box(p: dict, K: np.ndarray, W: int, H: int) -> np.ndarray | None:
    """The person's box: the stored one, else the box of its in-image joints grown by 15 %."""
    if p.get("box") is not None and np.isfinite(p["box"]).all():
        return np.asarray(p["box"], np.float64)
    j = p["joints"]
    ok = in_view(j, K, W, H)
    if ok.sum() < 2:
        return None
    return points_box(project(j[ok], K))


def _frame_crops(args):
    root, idx, rec, spec = args
    rgb, dep = read_frame(root, rec)
    H, W = dep.shape
    K = np.asarray(rec["K"], np.float64)
    out = []
    people = frame_people(rec, len(KINECT14))
    everyone = frame_people_mask(dep, K, people).astype(np.float32) if spec.people_mask else None
    for pi, p in enumerate(people):
        if int(np.sum(p["visible"])) < spec.min_visible:
            continue
        box = person_box(p, K, W, H)
        if box is None or box[2] - box[0] < 2 or box[3] - box[1] < 2:
            continue
        rng = np.random.default_rng([spec.seed, idx, pi])
        lo, hi = spec.scale
        cv = CropView.around(box, *spec.net_wh, scale=rng.uniform(lo, hi) if hi > lo else lo,
                             shift=tuple(rng.uniform(-spec.shift, spec.shift, 2)) if spec.shift > 0 else (0.0, 0.0))
        Kc = cv.apply_K(K)
        j = np.nan_to_num(p["joints"].astype(np.float32), nan=0.0)
        inside = in_view(p["joints"], Kc, *spec.net_wh)
        in_frame = in_view(p["joints"], K, W, H)
        seen = depth_seen_fraction(dep, K, j, in_frame & p["visible"])
        if spec.min_depth_seen > 0 and not seen >= spec.min_depth_seen:
            continue
        d = cv.depth(dep.astype(np.float32)).astype(np.uint16)
        meta = {"frame": idx, "person": pi, "box": box.tolist(), "family": p.get("family"),
                "visible_fraction": p.get("visible_fraction"), "n_people": len(rec.get("people") or [1]),
                "camera_height_m": (rec.get("meta") or {}).get("camera_height_m"),
                "truncated": bool((np.isfinite(p["joints"]).all(1) & ~in_frame).any()),
                "occluded": bool((in_frame & ~p["visible"]).any()), "depth_seen": seen}
        pm = (cv.depth(everyone) > 0.5).astype(np.uint8) if everyone is not None else None
        out.append((cv.image(rgb), d, Kc, j, p["visible"] & inside, inside, meta, pm))
    return out


def person_crops(root: str | Path, spec: CropSpec = CropSpec(), max_frames: int | None = None,
                 workers: int | None = None, progress: bool = True) -> tuple[SampleSet, list[dict]]:
    """All person crops of a dataset folder (flat or sharded).

    Returns (SampleSet of N crops at ``spec.net_wh`` — with ``people``, the frame's people mask
    cropped alike, when ``spec.people_mask`` — N metadata dicts: frame index, person index, source
    box, pose family, people in the frame, camera height, truncated, occluded).
    Raises ``ValueError`` when no person qualifies.
    """
    info, frames = read_folder(root)
    if max_frames:
        frames = frames[:max_frames]
    args = [(str(root), i, rec, spec) for i, rec in enumerate(frames)]
    workers = workers or min(2, os.cpu_count() or 1)
    it = (Pool(workers).imap(_frame_crops, args, chunksize=32) if workers > 1 else map(_frame_crops, args))
    rows = []
    for r in tqdm(it, total=len(args), desc="person crops", disable=not progress):
        rows.extend(r)
    if not rows:
        raise ValueError(f"{root}: no person with a box and {spec.min_visible}+ visible joints")
    cols = list(zip(*rows))
    data = SampleSet(rgb=np.stack(cols[0]), depth_mm=np.stack(cols[1]), K=np.stack(cols[2]),
                     joints=np.stack(cols[3]).astype(np.float32), visible=np.stack(cols[4]),
                     in_image=np.stack(cols[5]), people=np.stack(cols[7]) if spec.people_mask else None)
    return data, list(cols[6])
