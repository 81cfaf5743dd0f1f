"""``pipose label --teacher CKPT FOLDER``: 3D labels for an RGB-D dataset folder from the depth
teacher (issue 13: distil on your own robot).

Per frame, as in the node: BlazePose's person detector finds the people in the RGB image
(:class:`pipose_ros.detect.PersonDetector`), each box becomes a crop of the registered depth (a
virtual camera K_crop = S·K), and the depth teacher estimates each person's 3D joints in the
camera optical frame (:meth:`pipose_ros.estimator.PoseEstimator.estimate_depth`). The teacher
sees metric depth, so its labels are absolute 3D — what a MediaPipe-based labeller (2D keypoints
lifted with depth at one pixel) cannot give for occluded or self-occluded joints.

What is kept (every rule is counted in the label report, ``label_report.json`` in the folder):

* a person is **rejected** when less than ``min_valid_depth`` of their box has valid depth
  (the teacher would guess), when the measured depth does not show the teacher's skeleton (under
  ``min_depth_support`` of its in-image joints, as in the node: :class:`pipose_ros.estimator.PoseEstimator`),
  when the teacher's mean joint confidence is under ``min_confidence``, or when fewer than
  ``min_joints`` joints are confident;
* a joint under ``joint_min_confidence`` is **masked** (``null``: left out of every loss);
* a kept joint is ``visible`` when it projects into the image and the measured depth there is
  not more than ``occlusion_m`` in front of it (else something occludes it).

**Depth anchoring** (``anchor``, on by default; :func:`pipose_ros.anchor.anchor_to_depth`): the teacher's skeleton
is moved along the camera rays so that its joints agree with the measured depth where they are
seen — the median of (lifted depth at the joint's pixel + the joint's surface offset − the
teacher's depth) over the joints within ``anchor_gate_m`` of it — and each joint whose lifted depth
is then within ``snap_m`` takes that depth. The teacher's relative depths fill in the rest
(occluded joints, holes, depth edges). Measured on the robot-domain recording of
``pipose distill-demo`` (docs/FINETUNE.md, session 12): the shipped teacher's labels' mean joint
error 29.9 cm (median 25.9) without, 25.8 cm (median 20.2) with anchoring.

**2D from the RGB student** (``student``, ``pipose label --teacher T --student S``): the depth
teacher's 2D is its weak part (lateral error 18.7 cm on that recording, against 8.1 cm for the
shipped 224 × 224 student with the BlazePose heatmap prior, measured with a one-off script), so
the student — run on the same crops — gives each kept joint's pixel and the teacher (anchored to
the measured depth, sampled at the student's pixels) its depth: mean joint error 17.4 cm (median
8.6) on the same recording, for every person the teacher keeps (MediaPipe + depth: 12.4 cm, but
for 42 % of the visible joints against 75 %). The student's 2D then teaches the student nothing new; the depth — the part it gets wrong on
a new robot (root-depth error 39 cm on that recording) — comes from the teacher and the sensor.

Each labelled person is written to ``people`` of ``frames.jsonl`` with its ``box`` (the crop the
student will be trained on), per-joint ``confidence``, the detector's ``detector_box`` (the crop
the teacher and the student labelled) and ``score``; the frame's
``label_source`` is ``teacher:<checkpoint file name>``. The ``box`` follows the training renders'
convention — the box of the person's in-image joints grown 15 % (:func:`label_box`; all of the
student's 2D joints with ``student``, else all of the teacher's) — not the detector's box: on the
robot-domain recording of ``pipose distill-demo`` the detector's boxes were a median 0.89× that
convention's (p10 0.72, p90 1.22; one-off script, session 14), and a student reads part of a
person's distance from the crop box (docs/RESULTS.md, session 12), so crops from the detector's
boxes taught the loop's students to place everyone about 6 % nearer under the convention's boxes.

``combine`` (``pipose label --teacher CKPT --combine``) adds MediaPipe Pose: its one person per
frame, lifted with the recorded depth (:func:`pipose_ros.label.lift.lift`), replaces the teacher's
joints of the person it falls on (most of its confident keypoints inside that person's box)
wherever the lift is reliable; the teacher keeps every other joint and every other person. A
MediaPipe person no teacher label covers is added with the box of its keypoints. Why: measured on
the robot-domain recording of ``pipose distill-demo`` (docs/FINETUNE.md), MediaPipe's lifted
joints were far more accurate where they exist (median 5 cm against the shipped teacher's 26 cm)
but covered 42 % of the visible joints against the teacher's 74 %.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..anchor import AnchorConfig, anchor_to_depth
from ..camera import backproject, points_box, project, uv_in_image
from ..data.folder import person_to_json, read_folder, read_frame, write_records
from ..skeleton import KINECT14


@dataclass
class TeacherLabelConfig:
    """Thresholds of :func:`teacher_label_folder` (defaults: the values this project uses)."""

    min_confidence: float = 0.3  # mean joint confidence of a kept person
    joint_min_confidence: float = 0.2  # a joint under it is masked (null)
    min_joints: int = 6  # confident joints of a kept person
    min_valid_depth: float = 0.3  # fraction of the person box with valid depth
    min_depth_support: float = 0.3  # share of the teacher skeleton's joints the measured depth must show
    occlusion_m: float = 0.25  # measured depth this much in front of a joint = occluded
    max_people: int = 8
    detector_min_score: float = 0.5
    anchor: bool = True  # move each skeleton along the rays onto the measured depth (module docstring)
    anchor_gate_m: float = 0.4  # joints whose lifted depth is this far from the teacher's are not used
    anchor_min_joints: int = 3  # joints with usable lifted depth needed to anchor a person
    snap_m: float = 0.3  # after the shift, a joint within this of its lifted depth takes it
    flip_test: bool = False  # teacher and student also run on the mirrored crops, outputs averaged (estimator)


def _visible(joints: np.ndarray, K: np.ndarray, depth_m: np.ndarray, occlusion_m: float) -> np.ndarray:
    """bool [J]: in the image and not behind a nearer surface (5×5 median of the valid depth)."""
    h, w = depth_m.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        uv = project(np.nan_to_num(joints, nan=1.0), K)
    vis = np.zeros(len(joints), bool)
    for j, (u, v) in enumerate(uv):
        if not np.isfinite(joints[j]).all() or not (0 <= u < w and 0 <= v < h) or joints[j, 2] <= 0:
            continue
        x0, y0 = int(u), int(v)
        patch = depth_m[max(0, y0 - 2):y0 + 3, max(0, x0 - 2):x0 + 3]
        patch = patch[np.isfinite(patch) & (patch > 0)]
        vis[j] = patch.size == 0 or float(np.median(patch)) >= joints[j, 2] - occlusion_m
    return vis


def label_box(uv: np.ndarray, shape: tuple[int, int], fallback) -> np.ndarray:
    """The training box of a labelled person (module docstring): :func:`pipose_ros.camera.points_box`
    of the joints ``uv`` float [J, 2] (pixels) that lie inside the image of ``shape`` (H, W) — the
    convention of the training renders' boxes — or ``fallback`` (the detector's box) with fewer
    than two such joints. Returns float64 [4] (x0, y0, x1, y1) pixels."""
    h, w = shape[:2]
    uv = np.asarray(uv, np.float64).reshape(-1, 2)
    inside = uv_in_image(uv, w, h)
    if inside.sum() < 2:
        return np.asarray(fallback, np.float64)
    return points_box(uv[inside])


def _box_valid_fraction(depth_m: np.ndarray, box) -> float:
    h, w = depth_m.shape
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(w, int(np.ceil(box[2]))), min(h, int(np.ceil(box[3])))
    if x1 <= x0 or y1 <= y0:
        return 0.0
    d = depth_m[y0:y1, x0:x1]
    return float((np.isfinite(d) & (d > 0)).mean())


def _merge_mediapipe(people: list[dict], lm, depth_m: np.ndarray, K: np.ndarray, counts: Counter) -> None:
    """``combine``: put MediaPipe's lifted joints into the teacher person they fall on (in place)."""
    from ..camera import points_box
    from .lift import lift, mediapipe_to_joints

    uv, score = mediapipe_to_joints(lm)
    joints, vis, _ = lift(uv, score, np.nan_to_num(depth_m, nan=0.0), K)
    ok = np.isfinite(joints).all(1)
    if not ok.any():
        return
    conf_uv = uv[score >= 0.5]
    best, best_frac = None, 0.0
    for p in people:
        x0, y0, x1, y1 = p["box"]
        frac = float(np.mean((conf_uv[:, 0] >= x0) & (conf_uv[:, 0] <= x1) & (conf_uv[:, 1] >= y0)
                             & (conf_uv[:, 1] <= y1))) if len(conf_uv) else 0.0
        if frac > best_frac:
            best, best_frac = p, frac
    if best is not None and best_frac >= 0.6:
        best["joints"][ok] = joints[ok]
        best["visible"][ok] = vis[ok]
        best["from_mediapipe"] = [bool(v) for v in ok]
        counts["people_with_mediapipe_joints"] += 1
        counts["joints_from_mediapipe"] += int(ok.sum())
    elif ok.sum() >= 6:
        people.append({"joints": joints.astype(np.float64), "visible": vis, "box": points_box(uv[ok]),
                       "confidence": [float(c) for c in score], "score": float(np.mean(score[ok])),
                       "from_mediapipe": [bool(v) for v in ok]})
        counts["mediapipe_only_people"] += 1
        counts["joints_from_mediapipe"] += int(ok.sum())


def teacher_label_folder(root: str | Path, checkpoint: str | Path, cfg: TeacherLabelConfig | None = None,
                         relabel: bool = False, backend: str = "auto", device: str = "auto",
                         progress: bool = True, log=print, combine: bool = False,
                         student: str | Path | None = None) -> dict:
    """Label the unlabelled frames of a dataset folder with the depth teacher (module docstring).

    Args:
        root: dataset folder (docs/DATASET.md) with registered depth.
        checkpoint: depth teacher, ``.pt`` or ``.onnx`` (``kind: teacher``).
        relabel: also label frames that already have labels (their old labels are replaced).
        combine: also run MediaPipe Pose and use its lifted joints where it has them (module
            docstring); needs ``make label-env``.
        student: an RGB student checkpoint (``.pt``/``.onnx``) whose 2D, on the same crops of the
            RGB image, gives the labels' pixels (module docstring, "2D from the RGB student").
    Returns: the label report (also written to ``root/label_report.json``): frames, people
        detected / kept, joints kept / masked, rejections by reason, the per-joint confidence
        histogram (10 bins over [0, 1]), the fraction of each joint kept, thresholds, seconds.
    Raises: ``ValueError`` when the checkpoint is not a depth teacher (or ``student`` not an RGB
        student); ``FileNotFoundError`` for a
        missing folder or checkpoint; ``RuntimeError`` (with the install hint) for ``combine``
        without MediaPipe.
    """
    from tqdm import tqdm

    from ..detect import PersonDetector
    from ..estimator import PoseEstimator

    cfg = cfg or TeacherLabelConfig()
    root, checkpoint = Path(root), Path(checkpoint)
    info, recs = read_folder(root)
    teacher = PoseEstimator.from_checkpoint(checkpoint, device, 0.0, backend=backend,
                                            min_depth_support=cfg.min_depth_support, flip_test=cfg.flip_test)
    if teacher.kind != "teacher":
        raise ValueError(f"{checkpoint} is a {teacher.kind} checkpoint, not a depth teacher")
    rgb_net = None
    if student is not None:
        rgb_net = PoseEstimator.from_checkpoint(Path(student), device, 0.0, backend=backend, flip_test=cfg.flip_test)
        if rgb_net.kind == "teacher":
            raise ValueError(f"{student} is a depth teacher, not an RGB student (--student)")
    det = PersonDetector(min_score=cfg.detector_min_score, max_people=cfg.max_people)
    anchor_cfg = AnchorConfig(cfg.anchor_gate_m, cfg.anchor_min_joints, cfg.snap_m)
    J = len(KINECT14.names)
    todo = [r for r in recs if relabel or (r.get("joints") is None and r.get("people") is None)]
    lms, merged = {}, Counter()
    if combine:
        from . import run_mediapipe
        lms = run_mediapipe(root, todo, log)
    reasons: Counter = Counter()
    conf_all: list[np.ndarray] = []
    kept_per_joint = np.zeros(J)
    rep = {"teacher": checkpoint.name, "frames": len(todo), "frames_with_people": 0, "people_detected": 0,
           "people_kept": 0, "joints_kept": 0, "joints_masked": 0, "joints_visible": 0,
           "anchor": {"people_anchored": 0, "people_not_anchored": 0, "joints_on_measured_depth": 0}
           if cfg.anchor else None, "student_2d": Path(student).name if student is not None else None,
           "people_with_student_2d": 0}
    t0 = time.perf_counter()
    for rec in tqdm(todo, desc="teacher labels", unit="frame", disable=not progress):
        rgb, dmm = read_frame(root, rec)
        K = np.asarray(rec["K"], float)
        depth_m = dmm.astype(np.float32) * 1e-3
        depth_m[dmm == 0] = np.nan
        people = []
        dets = det(rgb)
        rep["people_detected"] += len(dets)
        if not dets:
            reasons["frame: no person detected"] += 1
        boxes = []
        for d in dets:
            if _box_valid_fraction(depth_m, d.box) < cfg.min_valid_depth:
                reasons[f"person: under {cfg.min_valid_depth:.0%} valid depth in the box"] += 1
            else:
                boxes.append((d.box, d.score))
        skels = teacher.estimate_depth(depth_m, K, [b for b, _ in boxes]) if boxes else []
        if boxes and teacher.unsupported:
            reasons[f"person: the depth does not show the teacher's skeleton (under {teacher.min_depth_support:.0%} "
                    "of its joints on measured depth)"] += teacher.unsupported
        score_of = {tuple(np.round(b, 3)): sc for b, sc in boxes}
        uv_of = {}
        if rgb_net is not None and skels:
            uv_of = {tuple(np.round(r.box, 3)): r.uv for r in rgb_net.estimate(rgb, K, [s.box for s in skels])}
        for s in skels:
            box, score = s.box, score_of.get(tuple(np.round(s.box, 3)), 1.0)
            conf = np.asarray(s.confidence, np.float32)
            conf_all.append(conf)
            ok = conf >= cfg.joint_min_confidence
            if float(conf.mean()) < cfg.min_confidence:
                reasons[f"person: teacher unsure (mean confidence < {cfg.min_confidence})"] += 1
                continue
            if int(ok.sum()) < cfg.min_joints:
                reasons[f"person: under {cfg.min_joints} confident joints"] += 1
                continue
            joints = np.asarray(s.joints, np.float64).copy()
            joints[~ok] = np.nan
            uv = uv_of.get(tuple(np.round(s.box, 3)))
            if uv is not None:
                rep["people_with_student_2d"] += 1
                uv_all = np.asarray(uv, np.float64)
            else:
                with np.errstate(invalid="ignore", divide="ignore"):
                    uv = project(joints, K)
                    uv_all = project(np.asarray(s.joints, np.float64), K)  # every joint, unsure ones too
            if cfg.anchor:
                joints, on_depth = anchor_to_depth(joints, np.asarray(uv, np.float64), K, depth_m, anchor_cfg)
                rep["anchor"]["people_anchored" if on_depth >= 0 else "people_not_anchored"] += 1
                rep["anchor"]["joints_on_measured_depth"] += max(on_depth, 0)
            elif rgb_net is not None:
                joints = backproject(uv, joints[:, 2], K)
            vis = _visible(joints, K, depth_m, cfg.occlusion_m) & ok
            people.append({"joints": joints, "visible": vis, "box": label_box(uv_all, depth_m.shape, box),
                           "detector_box": [round(float(b), 2) for b in box],
                           "confidence": [round(float(c), 3) for c in conf], "score": round(float(score), 3)})
            rep["people_kept"] += 1
            rep["joints_kept"] += int(ok.sum())
            rep["joints_masked"] += int((~ok).sum())
            rep["joints_visible"] += int(vis.sum())
            kept_per_joint += ok
        if combine and lms.get(rec["rgb"]) is not None:
            _merge_mediapipe(people, lms[rec["rgb"]], depth_m, K, merged)
        if people:
            rep["frames_with_people"] += 1
        rec["people"] = [person_to_json(p) for p in people]
        rec["joints"], rec["visible"] = None, None
        rec["label_source"] = f"teacher:{checkpoint.name}" + ("+mediapipe" if combine else "")
    conf = np.concatenate(conf_all) if conf_all else np.zeros(0)
    counts, edges = np.histogram(conf, bins=10, range=(0.0, 1.0))
    rep.update({
        "rejected": dict(reasons),
        "confidence_histogram": {"edges": [round(float(e), 2) for e in edges], "counts": counts.tolist()},
        "joint_kept_pct": {n: round(100.0 * k / max(rep["people_kept"], 1), 1)
                           for n, k in zip(KINECT14.names, kept_per_joint)},
        "thresholds": asdict(cfg), "backend": teacher.backend,
        **({"combined_with_mediapipe": dict(merged)} if combine else {}),
        "seconds": round(time.perf_counter() - t0, 1)})
    write_records(root, recs)
    (root / "label_report.json").write_text(json.dumps(rep, indent=1))
    log(report_text(rep))
    return rep


def report_text(rep: dict) -> str:
    """The label report as a few readable lines (the CLI prints them)."""
    h = rep["confidence_histogram"]
    peak = max(h["counts"]) or 1
    bars = "\n".join(f"  {h['edges'][i]:.1f}–{h['edges'][i + 1]:.1f} {'#' * round(30 * c / peak):<30} {c}"
                     for i, c in enumerate(h["counts"]))
    rej = "\n".join(f"  {k}: {v}" for k, v in sorted(rep["rejected"].items())) or "  none"
    return (f"teacher {rep['teacher']} ({rep['backend']}): {rep['frames']} frames, {rep['frames_with_people']} with "
            f"labelled people; people detected {rep['people_detected']}, kept {rep['people_kept']}; joints kept "
            f"{rep['joints_kept']} (visible {rep['joints_visible']}), masked {rep['joints_masked']}; "
            f"{rep['seconds']} s" + _anchor_line(rep) + f"\nrejected:\n{rej}\nper-joint teacher confidence:\n{bars}")


def _anchor_line(rep: dict) -> str:
    a, out = rep.get("anchor"), ""
    if a:
        out += (f"\ndepth anchoring: {a['people_anchored']} people on the measured depth ({a['joints_on_measured_depth']} "
                f"joints take it), {a['people_not_anchored']} with too little depth (teacher's depths kept)")
    if rep.get("student_2d"):
        out += f"\n2D from the student {rep['student_2d']}: {rep['people_with_student_2d']} people"
    return out
