"""``pipose realcheck-depth DIR``: the depth teacher on a real registered RGB-D frame of people.

Input: ``DIR/color.png`` (any size; resized to the depth's size), ``DIR/depth.png`` (uint16
millimetres registered to the colour camera, 0 = invalid) and the colour camera's intrinsics
(``--K fx fy cx cy`` at the depth image's size, or ``DIR/K.txt`` holding those four numbers).
The reference frame is the one of the public repository ``lmb-freiburg/rgbd-pose3d``
(Kinect v2, 4 people outdoors, 1920×1080; no licence: keep it in ``~/.cache/pipose_ros``,
never commit it): :data:`RGBD_POSE3D_K` are the intrinsics of its ``forward_pass.py``.

Steps (docs/RESULTS.md reports the run):

1. **People and pseudo ground truth.** MediaPipe Pose (BlazePose full, one person per image)
   runs on overlapping full-height windows (30 % and 15 % of the width, every 5 %); each
   detection maps to the full image, duplicates of one person (median keypoint distance under
   10 % of the person's height) keep the most confident, and a person needs 8 of 14 KINECT14
   joints with visibility ≥ 0.5. Its 2D joints are lifted with the real depth by
   :func:`pipose_ros.label.lift.lift` (window median, hole and depth-edge rejection); the lifted
   point lies on the body's **surface**, so ``lift`` adds the per-joint surface-to-centre offsets
   (3–8 cm, measured on synthetic bodies, ``label/lift.py``) along the ray. The remaining bias is
   reported as the mean signed z difference (teacher − pseudo GT).
2. **Densified depth.** Kinect v2 depth warped to 1920×1080 is sparse (about 10 % valid
   pixels: each 512×424 sensor pixel lands on one of ~14 colour pixels). The teacher gets the
   median of the valid pixels of each ``block``×``block`` block (default 4: 480×270, near the
   sensor's own resolution), a block without valid pixels staying invalid; K is scaled with it
   (:func:`pipose_ros.camera.scale_K`).
3. **Teacher on crops.** Each person's box (its MediaPipe joints grown by 15 %) is a crop — a
   virtual camera with its own K (:class:`pipose_ros.camera.CropView`) — of the densified depth.
4. **Score.** Each teacher skeleton is matched to its person (:func:`match_people`); a person is
   *found* when matched with mean confidence ≥ ``min_confidence``. Per person: the median and
   mean 3D error over the joints that have pseudo ground truth. An overlay PNG draws the
   teacher's skeletons (colour per person, id) over the image, pseudo ground truth as dots.
"""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from ..anchor import anchor_people
from ..camera import in_view, points_box, project, scale_boxes, scale_K
from ..skeleton import KINECT14
from ..train.multi_eval import match_people
from . import mediapipe_python, run_mediapipe_lines
from .lift import LiftConfig, lift, mediapipe_to_joints

# fx, fy, cx, cy of lmb-freiburg/rgbd-pose3d forward_pass.py: the Kinect v2 depth intrinsics
# (512×424) scaled by (1920/512, 1080/424) to the 1920×1080 image the depth is warped to
RGBD_POSE3D_K = (371.32019636619111 * 1920 / 512, 370.95047063504268 * 1080 / 424,
                 251.85416982679811 * 1920 / 512, 214.63524817996452 * 1080 / 424)


def densify(depth_mm: np.ndarray, block: int = 4) -> np.ndarray:
    """Median of the valid (> 0) pixels of each ``block``×``block`` block → float32 metres
    [H // block, W // block], 0 where a block has none (see the module docstring)."""
    H, W = depth_mm.shape
    h, w = H // block, W // block
    b = depth_mm[:h * block, :w * block].astype(np.float32).reshape(h, block, w, block)
    b = b.transpose(0, 2, 1, 3).reshape(h, w, block * block)
    b = np.where(b > 0, b, np.nan)
    with warnings.catch_warnings():  # a block without valid pixels: "All-NaN slice"
        warnings.simplefilter("ignore", RuntimeWarning)
        m = np.nanmedian(b, axis=2)
    return np.nan_to_num(m * 1e-3, nan=0.0).astype(np.float32)


def _windows(W: int, H: int, widths=(0.3, 0.15), stride: float = 0.05) -> list[list[int]]:
    """Full-height windows of each width (fraction of W) every ``stride`` · W, plus the image."""
    out = [[0, 0, W, H]]
    for width in widths:
        ww = int(W * width)
        xs = list(range(0, max(1, W - ww) + 1, max(1, int(W * stride))))
        if xs[-1] + ww < W:
            xs.append(W - ww)
        out += [[x, 0, x + ww, H] for x in xs]
    return out


def detect_people(image_path: Path, python: str, min_joints: int = 8) -> list[dict]:
    """MediaPipe people in one image (module docstring, step 1): list of
    ``{"uv": float [14, 2], "score": float [14], "box": float [4]}``."""
    bgr = cv2.imread(str(image_path))
    H, W = bgr.shape[:2]
    lines = [f"{image_path.name}\t{' '.join(map(str, w))}" for w in _windows(W, H)]
    out = [d for d in run_mediapipe_lines(image_path.parent, lines, python) if d["landmarks"] is not None]
    people = []
    for d in out:
        uv, score = mediapipe_to_joints(d["landmarks"])
        ok = score >= 0.5
        if ok.sum() < min_joints:
            continue
        people.append({"uv": uv, "score": score, "box": points_box(uv[ok]),
                       "conf": float(score[ok].mean()), "window": d["window"]})
    # one person seen by several windows: keep the most confident
    people.sort(key=lambda p: -p["conf"])
    kept: list[dict] = []
    for p in people:
        ok = p["score"] >= 0.5
        hgt = p["box"][3] - p["box"][1]
        dup = False
        for q in kept:
            both = ok & (q["score"] >= 0.5)
            if both.sum() >= 4 and np.median(np.linalg.norm(p["uv"][both] - q["uv"][both], axis=1)) < 0.1 * hgt:
                dup = True
                break
        if not dup:
            kept.append(p)
    kept.sort(key=lambda p: p["box"][0])
    return kept


def realcheck_depth(folder: str | Path, estimator, K4=None, block: int = 4, out_png: str | Path | None = None,
                    min_confidence: float = 0.1, python: str | None = None, student=None,
                    box_scales=()) -> dict:
    """Run the depth teacher on a real RGB-D frame and score it (module docstring).

    Args:
        folder: holds ``color.png`` and ``depth.png`` (uint16 mm, registered to colour).
        estimator: a :class:`pipose_ros.estimator.PoseEstimator` with a depth teacher.
        K4: (fx, fy, cx, cy) at the depth image's size; default ``folder/K.txt``.
    Returns: dict with ``people`` (per person: box, found, confidence, median / mean error cm,
        joints with pseudo GT), ``people_found``, ``people_detected``, ``median_error_cm`` (median
        over all pseudo-GT joints of found people), ``mean_signed_dz_cm``, ``depth_valid_fraction``,
        ``densify_block``. With ``student`` (an RGB :class:`PoseEstimator`): the student also runs
        on the colour image with the same boxes, and each person's row gets ``student_root``: the
        neck's distance from the camera, student (RGB only) vs pseudo ground truth, and the
        relative error in % (the absolute-3D check of issue 10); ``student_root_rel_error_pct``
        is the median over people. ``box_scales`` (with ``student``): the same check with every
        person box grown or shrunk by each factor — ``student_root_by_box_scale``: factor →
        {per-person signed error %, median absolute error %}; a crop is a virtual camera, so an
        ideal network's distance would not move with the box (it does with ours: docs/RESULTS.md).
        Also with ``student``: the node's rgbd output (:func:`pipose_ros.anchor.anchor_people`: the
        student's 2D, the teacher's depths anchored to the densified depth) per person
        (``rgbd_output``: median error cm, joints on measured depth) and ``rgbd_output_median_error_cm``
        over all pseudo-GT joints — read with care: the pseudo ground truth is lifted from the same
        depth, so only the 2D and the anchoring are really checked.
    Raises: FileNotFoundError (missing images, no K), RuntimeError (no MediaPipe).
    """
    folder = Path(folder)
    depth = cv2.imread(str(folder / "depth.png"), cv2.IMREAD_UNCHANGED)
    color = cv2.imread(str(folder / "color.png"), cv2.IMREAD_COLOR)
    if depth is None or color is None:
        raise FileNotFoundError(f"{folder} needs color.png and depth.png (uint16 mm registered to colour)")
    if depth.dtype != np.uint16:
        raise ValueError(f"depth.png must be 16-bit millimetres, got {depth.dtype}")
    H, W = depth.shape
    if color.shape[:2] != (H, W):
        color = cv2.resize(color, (W, H), interpolation=cv2.INTER_LINEAR)
    if K4 is None:
        kp = folder / "K.txt"
        if not kp.exists():
            raise FileNotFoundError(f"no intrinsics: pass --K fx fy cx cy or write {kp}")
        K4 = [float(v) for v in kp.read_text().split()[:4]]
    fx, fy, cx, cy = K4
    K = np.array([[fx, 0, cx], [0, fy, cy], [0, 0, 1.0]])
    python = python or mediapipe_python()
    if python is None:
        from . import INSTALL_HINT
        raise RuntimeError(INSTALL_HINT)
    with tempfile.TemporaryDirectory() as td:
        p = Path(td) / "color.png"
        cv2.imwrite(str(p), color)
        people = detect_people(p, python)
    depth_m = depth.astype(np.float32) * 1e-3
    dense = densify(depth, block)
    Kd = scale_K(K, dense.shape[1] / W, dense.shape[0] / H)
    sx = dense.shape[1] / W
    boxes = np.array([[(b + 0.5) * sx - 0.5 for b in p["box"]] for p in people]) if people else np.zeros((0, 4))
    skels = estimator.estimate_depth(dense, Kd, boxes=boxes) if len(boxes) else []
    # pseudo ground truth on the raw depth: the window holds ~10 % valid pixels, so min_valid is low
    cfg = LiftConfig(window_px=5, min_valid=0.03)
    gts = []
    for p in people:
        j, vis, _ = lift(p["uv"], p["score"], depth_m, K, cfg)
        gts.append((j, vis))
    gt_uv = np.stack([p["uv"] for p in people]) if people else np.zeros((0, 14, 2))
    gmask = np.stack([p["score"] >= 0.5 for p in people]) if people else np.zeros((0, 14), bool)
    scale = np.array([np.hypot(p["box"][2] - p["box"][0], p["box"][3] - p["box"][1]) for p in people])
    pred_uv = np.stack([(s.uv + 0.5) / sx - 0.5 for s in skels]) if skels else np.zeros((0, 14, 2))
    pairs = dict(match_people(gt_uv, gmask, scale, pred_uv, max_match=0.2))
    rows, all_err, dz = [], [], []
    for i, p in enumerate(people):
        j_gt, vis = gts[i]
        row = {"id": i, "box": [round(float(b), 1) for b in p["box"]], "mediapipe_confidence": round(p["conf"], 3),
               "pseudo_gt_joints": int(vis.sum()), "found": False}
        if i in pairs:
            s = skels[pairs[i]]
            row["found"] = bool(s.confidence.mean() >= min_confidence)
            row["confidence"] = round(float(s.confidence.mean()), 3)
            if vis.any():
                e = np.linalg.norm(s.joints[vis] - j_gt[vis], axis=1) * 100
                row["median_error_cm"] = round(float(np.median(e)), 2)
                row["mean_error_cm"] = round(float(e.mean()), 2)
                row["per_joint_cm"] = {KINECT14.names[k]: round(float(np.linalg.norm(s.joints[k] - j_gt[k]) * 100), 1)
                                       for k in np.flatnonzero(vis)}
                row["neck_z_m"] = {"teacher": round(float(s.joints[1, 2]), 3),
                                   "pseudo_gt": None if not vis[1] else round(float(j_gt[1, 2]), 3)}
                if row["found"]:
                    all_err.extend(e.tolist())
                    dz.extend(((s.joints[vis, 2] - j_gt[vis, 2]) * 100).tolist())
        rows.append(row)
    root_err, by_scale, rgbd_err = [], {}, []
    if student is not None and people:
        rgb, boxes_mp = cv2.cvtColor(color, cv2.COLOR_BGR2RGB), np.array([p["box"] for p in people])

        def student_roots(ss: list) -> dict[int, tuple[float, float]]:
            """person index → (student's neck distance, pseudo-GT neck distance) in metres, from the
            student's skeletons ``ss`` on (possibly scaled) person boxes."""
            s_uv = np.stack([s.uv for s in ss]) if ss else np.zeros((0, 14, 2))
            spairs = dict(match_people(gt_uv, gmask, scale, s_uv, max_match=0.2))
            return {i: (float(np.linalg.norm(ss[spairs[i]].joints[KINECT14.root])),
                        float(np.linalg.norm(gts[i][0][KINECT14.root])))
                    for i in range(len(people)) if i in spairs and gts[i][1][KINECT14.root]}

        on_boxes = student.estimate(rgb, K, boxes=boxes_mp)
        for i, (d_s, d_gt) in student_roots(on_boxes).items():
            rows[i]["student_root"] = {"distance_m": round(d_s, 3), "pseudo_gt_m": round(d_gt, 3),
                                       "rel_error_pct": round(100 * abs(d_s - d_gt) / d_gt, 1)}
            root_err.append(rows[i]["student_root"]["rel_error_pct"])
        for f in box_scales:
            signed = {i: round(100 * (d_s - d_gt) / d_gt, 1)
                      for i, (d_s, d_gt) in student_roots(student.estimate(rgb, K, boxes=scale_boxes(boxes_mp, f))).items()}
            by_scale[f"{float(f):g}"] = {"signed_error_pct": signed, "median_abs_error_pct":
                                         round(float(np.median(np.abs(list(signed.values())))), 2) if signed else None}
        # the rgbd output: the student's skeleton on each person's box, its 2D in the densified depth's
        # pixels and its box the teacher's (the same person's box there), anchored with the teacher's
        person_of = [next(k for k, b in enumerate(boxes_mp) if np.array_equal(b, s.box)) for s in on_boxes]
        dense_students = [replace(s, uv=((s.uv + 0.5) * sx - 0.5).astype(np.float32), box=boxes[i])
                          for i, s in zip(person_of, on_boxes)]
        rgbd, _ = anchor_people(dense_students, skels, dense, Kd)
        for i, s in zip(person_of, rgbd):
            j_gt, vis = gts[i]
            if vis.any():
                e = np.linalg.norm(s.joints[vis] - j_gt[vis], axis=1) * 100
                rows[i]["rgbd_output"] = {"median_error_cm": round(float(np.median(e)), 2)}
                rgbd_err.extend(e.tolist())
    res = {"image_size": [W, H], "K": [fx, fy, cx, cy], "densify_block": block,
           "student_root_by_box_scale": by_scale,
           "student_root_rel_error_pct": round(float(np.median(root_err)), 2) if root_err else None,
           "student_root_people": len(root_err),
           "rgbd_output_median_error_cm": round(float(np.median(rgbd_err)), 2) if rgbd_err else None,
           "depth_valid_fraction": round(float((depth > 0).mean()), 4),
           "dense_valid_fraction": round(float((dense > 0).mean()), 4),
           "people_detected": len(people), "people_found": int(sum(r["found"] for r in rows)),
           "median_error_cm": round(float(np.median(all_err)), 2) if all_err else None,
           "mean_error_cm": round(float(np.mean(all_err)), 2) if all_err else None,
           "mean_signed_dz_cm": round(float(np.mean(dz)), 2) if dz else None, "people": rows,
           "boxes": "MediaPipe Pose 2D (windows)", "teacher": str(estimator.meta.get("training", {}).get("data", ""))}
    if out_png is not None:
        _overlay(color, people, gts, skels, pairs, K, sx, out_png)
    return res


def _overlay(color, people, gts, skels, pairs, K, sx, out_png) -> None:
    img = color.copy()
    palette = [(0, 200, 255), (255, 80, 80), (80, 255, 80), (255, 0, 255), (0, 255, 255), (255, 255, 0)]
    H, W = img.shape[:2]
    lw = max(2, W // 400)
    for i, p in enumerate(people):
        col = palette[i % len(palette)]
        x0, y0, x1, y1 = np.round(p["box"]).astype(int)
        cv2.rectangle(img, (x0, y0), (x1, y1), col, 1)
        j_gt, vis = gts[i]
        for k in np.flatnonzero(vis):
            u, v = project(j_gt[k], K)
            cv2.circle(img, (int(u), int(v)), 2 * lw, (255, 255, 255), -1)
        if i in pairs:
            s = skels[pairs[i]]
            uv = project(s.joints, K)
            ok = in_view(s.joints, K, W, H)
            for a, b in KINECT14.bones:
                if ok[a] and ok[b]:
                    cv2.line(img, tuple(np.round(uv[a]).astype(int)), tuple(np.round(uv[b]).astype(int)), col, lw)
            for k in np.flatnonzero(ok):
                cv2.circle(img, tuple(np.round(uv[k]).astype(int)), lw + 1, col, -1)
        cv2.putText(img, f"id {i}", (x0, max(15, y0 - 6)), cv2.FONT_HERSHEY_SIMPLEX, 0.5 * lw, col, lw)
    Path(out_png).parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out_png), img)
