"""Multi-person evaluation: match each ground-truth person to a prediction, then seed 000's metrics.

Per frame, the estimator runs on the frame's person boxes: the ground-truth boxes of the people
that count (an oracle detector, scoring pose alone), or with ``detector`` the boxes a person
detector finds in the RGB image (:class:`pipose_ros.detect.PersonDetector`: detection and pose
end to end, as in the node). Its skeletons (those above ``min_confidence``) are matched to the ground-truth people
by the Hungarian algorithm (``scipy.optimize.linear_sum_assignment``) on the mean 2D distance
of the ground truth's in-image joints, in units of the person's box diagonal; a pair counts
when that distance is below ``max_match`` (default 0.2). Unmatched people are **misses**,
unmatched skeletons **false positives**. MPJPE, mAP@6/8/10, PA-MPJPE and root-relative MPJPE
(:func:`pipose_ros.train.metrics.pose_metrics`) are over the matched pairs' in-image joints, and so
is the split of the error into direction, body distance and depth within the body
(``error_parts``, :func:`pipose_ros.train.metrics.depth_error_parts`).

People that count: at least ``min_visible`` visible joints (4) and a box. Cases: distance of
the neck (0.8–2, 2–3, 3–4, 4–5, 5–7 m), truncated (a joint outside the image), occluded (an
in-image joint hidden), pose family, camera height (< 0.8, 0.8–1.3, > 1.3 m), people in the
frame (1 or several), and whether the depth image shows the person (``seen in depth``: at least
half of its visible joints, :func:`pipose_ros.camera.depth_seen_fraction`; ``not seen in
depth``: a person beyond the sensor's range or lost to its artefacts, whom no depth model can place).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment
from tqdm import tqdm

from ..anchor import anchor_people
from ..camera import depth_seen_fraction, depth_to_metres, in_view, project, scale_boxes, uv_in_image
from ..data.crops import person_box
from ..data.folder import frame_people, read_folder, read_frame
from ..floor import Floor, place_on_floor
from ..skeleton import KINECT14
from .metrics import depth_error_parts, out_of_view_metrics, pose_metrics


def match_people(gt_uv: np.ndarray, gt_mask: np.ndarray, scale: np.ndarray, pred_uv: np.ndarray,
                 max_match: float = 0.2) -> list[tuple[int, int]]:
    """Hungarian matching of G ground-truth people to P predictions in the image.

    Args:
        gt_uv: float [G, J, 2] pixels. gt_mask: bool [G, J] joints to compare (in the image).
        scale: float [G] pixels (box diagonal) normalising each person's distances.
        pred_uv: float [P, J, 2] pixels.
        max_match: largest normalised mean distance of a match.
    Returns: list of (g, p) index pairs.
    """
    G, P = len(gt_uv), len(pred_uv)
    if G == 0 or P == 0:
        return []
    cost = np.full((G, P), 1e6)
    for g in range(G):
        m = gt_mask[g]
        if not m.any():
            continue
        d = np.linalg.norm(pred_uv[:, m] - gt_uv[g, m][None], axis=-1).mean(1)
        cost[g] = d / max(float(scale[g]), 1e-6)
    rows, cols = linear_sum_assignment(cost)
    return [(int(g), int(p)) for g, p in zip(rows, cols) if cost[g, p] < max_match]


DEPTH_SEEN_CASE = 0.5  # a person whose depth shows less than this fraction of its visible joints


def _case_names(rec: dict, p: dict, K: np.ndarray, W: int, H: int, depth_mm: np.ndarray) -> list[str]:
    z = float(p["joints"][KINECT14.root, 2])
    out = []
    for a, b in ((0.8, 2), (2, 3), (3, 4), (4, 5), (5, 7)):
        if a <= z < b:
            out.append(f"dist {a:g}-{b:g} m")
    known = np.isfinite(p["joints"]).all(1)
    inside = in_view(p["joints"], K, W, H)
    if (known & ~inside).any():
        out.append("truncated")
    if (inside & ~p["visible"]).any():
        out.append("occluded")
    if p.get("family"):
        out.append(f"pose {p['family']}")
    h = (rec.get("meta") or {}).get("camera_height_m")
    if h is not None:
        out.append("camera < 0.8 m" if h < 0.8 else "camera 0.8-1.3 m" if h < 1.3 else "camera > 1.3 m")
    out.append("single person" if len(rec.get("people") or [1]) == 1 else "several people")
    seen = depth_seen_fraction(depth_mm, K, np.nan_to_num(p["joints"], nan=0.0), inside & p["visible"])
    if np.isfinite(seen):  # beyond the depth sensor's range or lost to its artefacts: no depth model sees them
        out.append("seen in depth" if seen >= DEPTH_SEEN_CASE else "not seen in depth")
    return out


def _frame_floor(rec: dict) -> Floor:
    """The floor of a synthetic frame's camera mount (its ``meta``); ``ValueError`` without one."""
    meta = rec.get("meta") or {}
    if "camera_height_m" not in meta or "pitch_deg" not in meta:
        raise ValueError(f"frame {rec.get('id')}: no camera mount in its meta (camera_height_m, pitch_deg): "
                         "the floor prior needs it")
    return Floor.from_mount(float(meta["camera_height_m"]), float(meta["pitch_deg"]), float(meta.get("roll_deg", 0.0)))


def collect_matches(estimator, root: str | Path, modality: str = "depth", min_visible: int = 4,
                    max_match: float = 0.2, max_frames: int | None = None, progress: bool = True,
                    detector=None, box_scale: float = 1.0, floor: dict | None = None,
                    mount: Floor | None = None, anchor_teacher=None) -> dict:
    """Run a :class:`pipose_ros.estimator.PoseEstimator` on a (multi-person) dataset folder and
    match its skeletons to the ground truth (the first half of :func:`evaluate_folder`).
    ``box_scale``: the ground-truth boxes grown (> 1) or shrunk about their centres before they
    are cropped (how much a detector's looser or tighter box moves the estimate; matching still
    uses the true boxes' size). ``floor``: keyword arguments of
    :func:`pipose_ros.floor.place_on_floor` (``{}`` for its defaults): every skeleton's distance is
    refined with the floor of the frame's camera mount (``meta.camera_height_m``, ``meta.pitch_deg``
    of synthetic folders — what a robot knows from its URDF); ``ValueError`` for a frame without them.
    ``mount``: with ``floor``, this one floor for every frame instead (a mount measured once, e.g.
    by ``pipose floor`` from a recording's depth: :mod:`pipose_ros.label.mount`).
    ``anchor_teacher``: with ``modality`` ``rgb``, a depth-teacher :class:`PoseEstimator` — the
    node's rgbd output: its skeletons on the same boxes of the frame's depth, and
    :func:`pipose_ros.anchor.anchor_people` puts the student's skeletons on the measured depth.

    Returns:
        dict: ``pred``, ``gt`` float [M, J, 3] metres (optical frame) and ``mask`` bool [M, J]
        (in-image joints) of the M matched people, ``confidence`` float32 [M, J] (the skeletons'),
        ``known`` bool [M, J] (labelled joints, in the image or not), ``drawn_inside`` bool [M, J]
        (the predicted joint projects into the image), ``case_of`` (M lists of case names),
        ``case_people`` (case → people that count), ``frames``, ``people``, ``misses``,
        ``false_positives``, ``max_match``, ``min_visible``.
    """
    _, frames = read_folder(root)
    if max_frames:
        frames = frames[:max_frames]
    J = len(KINECT14)
    preds, gts, masks, case_of, confs, knowns, drawn = [], [], [], [], [], [], []
    n_people = misses = fps = 0
    case_people: dict[str, int] = {}
    for rec in tqdm(frames, desc="evaluate", disable=not progress):
        rgb, dep = read_frame(root, rec)
        H, W = dep.shape
        K = np.asarray(rec["K"], np.float64)
        people, boxes = [], []
        for p in frame_people(rec, J):
            box = person_box(p, K, W, H)
            if int(np.sum(p["visible"])) >= min_visible and box is not None:
                people.append(p)
                boxes.append(box)
        if not people:
            continue
        run_boxes = scale_boxes(np.array(boxes), box_scale) if box_scale != 1.0 else np.array(boxes)
        if detector is not None:
            run_boxes = np.array([d.box for d in detector(rgb)]).reshape(-1, 4)
        if modality == "depth":
            d = depth_to_metres(dep, "16UC1")
            if not np.isfinite(d).any():
                misses += len(people)
                n_people += len(people)
                continue
            sk = estimator.estimate_depth(d, K, boxes=run_boxes) if len(run_boxes) else []
        else:
            sk = estimator.estimate(rgb, K, boxes=run_boxes) if len(run_boxes) else []
            if anchor_teacher is not None and sk:
                d = depth_to_metres(dep, "16UC1")
                if np.isfinite(d).any():
                    t = anchor_teacher.estimate_depth(d, K, boxes=[s.box for s in sk])
                    sk = anchor_people(sk, t, d, K)[0]
        if floor is not None and sk:
            fl = mount if mount is not None else _frame_floor(rec)
            sk = [place_on_floor(s, fl, (W, H), **floor)[0] for s in sk]
        gt_uv = np.stack([project(np.nan_to_num(p["joints"], nan=1.0), K) for p in people])
        gmask = np.stack([in_view(p["joints"], K, W, H) for p in people])
        scale = np.array([np.hypot(b[2] - b[0], b[3] - b[1]) for b in boxes])
        pred_uv = np.stack([s.uv for s in sk]) if sk else np.zeros((0, J, 2))
        pairs = match_people(gt_uv, gmask, scale, pred_uv, max_match)
        n_people += len(people)
        misses += len(people) - len(pairs)
        fps += len(sk) - len(pairs)
        matched = {g: q for g, q in pairs}
        for g, p in enumerate(people):
            names = _case_names(rec, p, K, W, H, dep)
            for c in names:
                case_people[c] = case_people.get(c, 0) + 1
            if g in matched:
                s = sk[matched[g]]
                preds.append(s.joints)
                gts.append(np.nan_to_num(p["joints"], nan=0.0))
                masks.append(gmask[g])
                case_of.append(names)
                confs.append(np.asarray(s.confidence, np.float32))
                knowns.append(np.isfinite(p["joints"]).all(1))
                drawn.append(uv_in_image(np.asarray(s.uv, np.float64), W, H))
    return {"pred": np.stack(preds) if preds else np.zeros((0, J, 3)),
            "gt": np.stack(gts) if gts else np.zeros((0, J, 3)),
            "mask": np.stack(masks) if masks else np.zeros((0, J), bool), "case_of": case_of,
            "confidence": np.stack(confs) if confs else np.zeros((0, J), np.float32),
            "known": np.stack(knowns) if knowns else np.zeros((0, J), bool),
            "drawn_inside": np.stack(drawn) if drawn else np.zeros((0, J), bool),
            "case_people": case_people, "frames": len(frames), "people": n_people, "misses": misses,
            "false_positives": fps, "max_match": max_match, "min_visible": min_visible}


def match_metrics(c: dict, pred: np.ndarray | None = None) -> dict:
    """Metrics of :func:`collect_matches`' output (``pred`` replaces its predictions, e.g. after
    another decoding step): see :func:`evaluate_folder`."""
    pred = c["pred"] if pred is None else pred
    gt, mask, case_of, case_people = c["gt"], c["mask"], c["case_of"], c["case_people"]
    out = {"frames": c["frames"], "people": c["people"], "matched": len(pred), "misses": c["misses"],
           "false_positives": c["false_positives"], "max_match": c["max_match"], "min_visible": c["min_visible"]}
    if len(pred):
        out.update(pose_metrics(pred, gt, mask, root=KINECT14.root))
        out["error_parts"] = depth_error_parts(pred, gt, mask, KINECT14.bones, root=KINECT14.root)
        if "confidence" in c:
            out["out_of_view"] = out_of_view_metrics(c["confidence"], mask, c["known"], c["drawn_inside"])
        cases = {}
        for name in sorted(case_people):
            sel = np.array([name in names for names in case_of])
            row = {"people": case_people[name], "matched": int(sel.sum())}
            if sel.any() and mask[sel].any():
                m = pose_metrics(pred[sel], gt[sel], mask[sel], root=KINECT14.root)
                row.update(mpjpe_cm=m["mpjpe_cm"], **{"map@10": m["map@10"]})
            cases[name] = row
        out["cases"] = cases
    return out


def evaluate_folder(estimator, root: str | Path, modality: str = "depth", min_visible: int = 4,
                    max_match: float = 0.2, max_frames: int | None = None, progress: bool = True,
                    detector=None, box_scale: float = 1.0, floor: dict | None = None,
                    mount: Floor | None = None, anchor_teacher=None) -> dict:
    """Evaluate a :class:`pipose_ros.estimator.PoseEstimator` on a (multi-person) dataset folder.

    Args:
        modality: ``depth`` (``estimate_depth``, the teacher) or ``rgb`` (``estimate``).
        detector: callable rgb → detections with ``.box`` (None: ground-truth boxes).
        box_scale: ground-truth boxes grown or shrunk by this factor (:func:`collect_matches`).
        floor: the ground-plane prior's settings, None = off (:func:`collect_matches`).
        mount: with ``floor``, one floor for every frame instead of each frame's (:func:`collect_matches`).
        anchor_teacher: the rgbd output with this depth teacher (:func:`collect_matches`).
    Returns:
        dict with the :func:`pose_metrics` keys over matched people, ``people`` (that count),
        ``matched``, ``misses``, ``false_positives``, ``frames``, ``error_parts``
        (:func:`pipose_ros.train.metrics.depth_error_parts`), ``out_of_view``
        (:func:`pipose_ros.train.metrics.out_of_view_metrics`: does the confidence tell joints
        out of the image?) and ``cases`` (name → people, matched, MPJPE cm, mAP@10).
    """
    return match_metrics(collect_matches(estimator, root, modality, min_visible, max_match, max_frames,
                                         progress, detector, box_scale, floor, mount, anchor_teacher))
