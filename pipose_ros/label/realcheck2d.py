"""``pipose realcheck-2d DIR``: 2D joints on real labelled photographs, side by side with
MediaPipe Pose (issue 10).

Input: a folder laid out like open-mmlab/mmpose ``tests/data`` (real COCO and MPII photos with
2D keypoint labels; research terms — keep them in a git-ignored cache, never commit them)::

    DIR/coco/test_coco.json + images      (COCO keypoints, 17 per person)
    DIR/mpii/test_mpii.json + images      (MPII, 16 per person; center / scale boxes)

Every labelled person with both the left shoulder and the right hip visible counts. Each
method sees the same window around the person's ground-truth box (top-down with an oracle box:
this scores 2D pose, not detection): the student via ``PoseEstimator.estimate(boxes=…)``;
MediaPipe Pose (``model_complexity`` 1 = BlazePose GHUM full, the ``mediapipe==0.10.14`` wheel,
``make label-env``) on the box grown by 25 %. Scored joints: the 12 limb joints both label sets
have (shoulders, elbows, wrists, hips, knees, ankles; COCO also the nose). A joint is correct
when it lies within 0.2 × the torso size (left shoulder to right hip, LSP's PCK) of the label:
PCK@0.2, overall and per joint.

The intrinsics of these photos are unknown: the student decodes with the K of a 60° horizontal
field of view (2D joints do not depend on it).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..camera import intrinsics_from_fov
from ..msgs import mono8_view
from ..skeleton import KINECT14

# label index of each KINECT14 joint in COCO-17 and MPII-16 (neck: not labelled alike → skipped)
COCO = {"nose": 0, "left_shoulder": 5, "right_shoulder": 6, "left_elbow": 7, "right_elbow": 8,
        "left_wrist": 9, "right_wrist": 10, "left_hip": 11, "right_hip": 12, "left_knee": 13,
        "right_knee": 14, "left_ankle": 15, "right_ankle": 16}
MPII = {"right_ankle": 0, "right_knee": 1, "right_hip": 2, "left_hip": 3, "left_knee": 4, "left_ankle": 5,
        "right_wrist": 10, "right_elbow": 11, "right_shoulder": 12, "left_shoulder": 13,
        "left_elbow": 14, "left_wrist": 15}


def load_people(folder: str | Path) -> list[dict]:
    """Labelled people of ``folder`` (layout in the module docstring): dicts with ``image``
    (path), ``box`` float [4] (x0, y0, x1, y1 pixels), ``uv`` float [14, 2] and ``valid`` bool
    [14] in KINECT14 order, ``set`` (coco / mpii). Raises FileNotFoundError when neither json
    exists."""
    folder = Path(folder)
    people = []
    cj, mj = folder / "coco" / "test_coco.json", folder / "mpii" / "test_mpii.json"
    if not cj.exists() and not mj.exists():
        raise FileNotFoundError(f"{folder} has neither coco/test_coco.json nor mpii/test_mpii.json")
    if cj.exists():
        d = json.loads(cj.read_text())
        files = {im["id"]: im["file_name"] for im in d["images"]}
        for a in d["annotations"]:
            kp = np.asarray(a["keypoints"], np.float64).reshape(-1, 3)
            if a.get("iscrowd") or a.get("num_keypoints", 0) == 0:
                continue
            uv, valid = _to_kinect(kp[:, :2], kp[:, 2] > 0, COCO)
            x, y, w, h = a["bbox"]
            people.append({"image": cj.parent / files[a["image_id"]], "box": np.array([x, y, x + w, y + h]),
                           "uv": uv, "valid": valid, "set": "coco"})
    if mj.exists():
        for a in json.loads(mj.read_text()):
            kp = np.asarray(a["joints"], np.float64)
            vis = np.asarray(a["joints_vis"], bool) & (kp[:, 0] > 0)
            uv, valid = _to_kinect(kp, vis, MPII)
            c, s = np.asarray(a["center"], np.float64), float(a["scale"]) * 200.0  # MPII: ~ person height
            people.append({"image": mj.parent / a["image"], "box": np.array([c[0] - s / 2, c[1] - s / 2,
                                                                           c[0] + s / 2, c[1] + s / 2]),
                           "uv": uv, "valid": valid, "set": "mpii"})
    return people


def _to_kinect(kp: np.ndarray, vis: np.ndarray, table: dict) -> tuple[np.ndarray, np.ndarray]:
    uv = np.zeros((len(KINECT14.names), 2))
    valid = np.zeros(len(KINECT14.names), bool)
    for j, n in enumerate(KINECT14.names):
        if n in table:
            uv[j], valid[j] = kp[table[n]], vis[table[n]]
    return uv, valid


def torso_size(uv: np.ndarray, valid: np.ndarray) -> float | None:
    """Left shoulder to right hip distance in pixels (LSP's PCK reference), None if either is
    not labelled."""
    a, b = KINECT14.index("left_shoulder"), KINECT14.index("right_hip")
    return float(np.linalg.norm(uv[a] - uv[b])) if valid[a] and valid[b] else None


def pck(pred: np.ndarray | None, uv: np.ndarray, valid: np.ndarray, ref: float, thr: float = 0.2) -> np.ndarray:
    """Per-joint correctness float [14] (1 / 0, NaN where not labelled); a missing prediction
    (None, or NaN joints) counts as wrong."""
    out = np.full(len(uv), np.nan)
    if pred is None:
        out[valid] = 0.0
        return out
    d = np.linalg.norm(pred - uv, axis=1)
    out[valid] = (np.nan_to_num(d[valid], nan=np.inf) <= thr * ref).astype(float)
    return out


def _summary(rows: np.ndarray) -> dict:
    names = KINECT14.names
    return {"pck02": float(np.nanmean(rows) * 100),
            "per_joint": {n: (float(np.nanmean(rows[:, j]) * 100) if np.isfinite(rows[:, j]).any() else None)
                          for j, n in enumerate(names)}}


def run(folder: str | Path, estimator, mediapipe_python: str | None = None, gray: bool = False) -> dict:
    """Score ``estimator`` (and MediaPipe Pose full when an interpreter with mediapipe is given)
    on the labelled people of ``folder``; returns {"people": n, "student": {pck02, per_joint},
    "mediapipe_full": {…} | None, "per_person": [...]} (PCK in %). ``gray``: the photos turned
    grey first (luminance in all three channels: a monochrome camera's mono8 as the node converts
    it); the student only (``mediapipe_python`` must be None)."""
    if gray and mediapipe_python:
        raise ValueError("gray photos are scored for the estimator only (MediaPipe reads the files itself)")
    import cv2

    from . import run_mediapipe_lines
    from .lift import mediapipe_to_joints

    folder = Path(folder)
    people = [p for p in load_people(folder) if torso_size(p["uv"], p["valid"])]
    rows_s, rows_m, per = [], [], []
    cache: dict[Path, np.ndarray] = {}
    for p in people:
        if p["image"] not in cache:
            bgr = cv2.imread(str(p["image"]), cv2.IMREAD_COLOR)
            if bgr is None:
                raise FileNotFoundError(p["image"])
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            cache[p["image"]] = mono8_view(rgb) if gray else rgb
    mp = {}
    if mediapipe_python:
        lines = []
        for i, p in enumerate(people):
            x0, y0, x1, y1 = p["box"]
            g = 0.125 * max(x1 - x0, y1 - y0)
            rel = p["image"].relative_to(folder)
            lines.append(f"{rel}\t{x0 - g:.0f} {y0 - g:.0f} {x1 + g:.0f} {y1 + g:.0f}")
        recs = run_mediapipe_lines(folder, lines, mediapipe_python)
        for i, r in enumerate(recs):
            if r["landmarks"] is not None:
                mp[i] = mediapipe_to_joints(r["landmarks"])[0]
    for i, p in enumerate(people):
        rgb = cache[p["image"]]
        h, w = rgb.shape[:2]
        ref = torso_size(p["uv"], p["valid"])
        sk = estimator.estimate(rgb, intrinsics_from_fov(w, h, 60.0), boxes=[p["box"]])
        pred = sk[0].uv.astype(np.float64) if sk else None
        rs = pck(pred, p["uv"], p["valid"], ref)
        rows_s.append(rs)
        row = {"image": p["image"].name, "set": p["set"], "box": np.round(p["box"], 1).tolist(),
               "student_pck02": float(np.nanmean(rs) * 100)}
        if mediapipe_python:
            rm = pck(mp.get(i), p["uv"], p["valid"], ref)
            rows_m.append(rm)
            row["mediapipe_full_pck02"] = float(np.nanmean(rm) * 100)
        per.append(row)
    return {"people": len(people), "threshold": "0.2 x torso (left shoulder - right hip)",
            "student": _summary(np.array(rows_s)),
            "mediapipe_full": _summary(np.array(rows_m)) if rows_m else None,
            "per_person": per}


def pretrained_heatmaps(folder: str | Path, sizes=(96, 128, 160, 192, 256), scale: float = 1.25) -> dict:
    """PCK@0.2 of BlazePose GHUM's own joint heatmaps — the pretrained network, no training —
    on square person crops of each size in ``sizes`` (pixels, multiples of 32): how much of what
    the pretrained backbone knows about real people survives a given crop size (issue 10).

    Each labelled person's crop is :meth:`pipose_ros.camera.CropView.around` its box (``scale``
    × the larger side, as the student's crops); each of the 33 landmarks is the arg-max of its
    heatmap (stride 4), mapped back to the photo, and the joints come from the landmarks as
    MediaPipe's do (:func:`pipose_ros.label.lift.mediapipe_to_joints`). Returns {"people": n, "sizes": {size: {pck02,
    per_joint}}}. Needs the converted BlazePose network (``make blazepose-onnx``) and torch.
    """
    import cv2
    import torch

    from ..camera import CropView
    from ..model.backbones import BlazePoseBackbone
    from ..preprocess import rgb_input
    from .lift import mediapipe_to_joints

    net = BlazePoseBackbone().eval()
    people = [p for p in load_people(folder) if torso_size(p["uv"], p["valid"])]
    images: dict[Path, np.ndarray] = {}
    out = {}
    for size in sizes:
        rows = []
        for p in people:
            if p["image"] not in images:
                images[p["image"]] = cv2.cvtColor(cv2.imread(str(p["image"]), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
            view = CropView.around(p["box"], size, size, scale=scale)
            with torch.no_grad():
                f, _ = net(torch.from_numpy(rgb_input(view.image(images[p["image"]])[None])))
            hm = f[0, BlazePoseBackbone.OUT_CHANNELS - 39:].numpy()  # 39 heatmaps (33 landmarks first), stride 4
            h, w = hm.shape[1:]
            y, x = np.divmod(hm[:33].reshape(33, -1).argmax(1), w)
            uv = view.to_source(np.stack([(x + 0.5) * size / w - 0.5, (y + 0.5) * size / h - 0.5], -1))
            pred, _ = mediapipe_to_joints(np.concatenate([uv, np.ones((33, 1))], 1))
            rows.append(pck(pred, p["uv"], p["valid"], torso_size(p["uv"], p["valid"])))
        out[int(size)] = _summary(np.array(rows))
    return {"people": len(people), "threshold": "0.2 x torso (left shoulder - right hip)", "crop_scale": scale,
            "sizes": out}
