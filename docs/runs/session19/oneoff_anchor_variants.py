"""Session 19 one-off: which depth anchoring makes the best rgbd output? The shipped student (RGB,
ground-truth boxes) and the shipped teacher (depth support 0.3) run once per frame of the first N
frames of pipose-synth-v2; then variants of pipose_ros.anchor are scored on the same matched people
(MPJPE over in-image joints, cm; mean and median per person).
Run: .venv/bin/python docs/runs/session19/oneoff_anchor_variants.py ~/.cache/pipose_ros/pipose-synth-v2 800"""
import sys
from dataclasses import replace

import numpy as np

from pipose_ros.anchor import AnchorConfig, anchor_to_depth
from pipose_ros.camera import depth_to_metres, in_view, project
from pipose_ros.data.crops import person_box
from pipose_ros.data.folder import frame_people, read_folder, read_frame
from pipose_ros.estimator import PoseEstimator
from pipose_ros.skeleton import KINECT14
from pipose_ros.train.multi_eval import match_people

root, n = sys.argv[1], int(sys.argv[2])
st = PoseEstimator.from_checkpoint("models/pipose_student_kinect14.onnx", backend="onnxruntime", min_confidence=0.1)
te = PoseEstimator.from_checkpoint("models/pipose_teacher_kinect14.onnx", backend="onnxruntime", min_confidence=0.1)
_, frames = read_folder(root)
items = []  # (student skel, teacher skel or None, depth, K, gt joints, mask)
for rec in frames[:n]:
    rgb, dep = read_frame(root, rec)
    H, W = dep.shape
    K = np.asarray(rec["K"], float)
    people, boxes = [], []
    for p in frame_people(rec, len(KINECT14)):
        b = person_box(p, K, W, H)
        if int(np.sum(p["visible"])) >= 4 and b is not None:
            people.append(p)
            boxes.append(b)
    if not people:
        continue
    d = depth_to_metres(dep, "16UC1")
    sk = st.estimate(rgb, K, boxes=np.array(boxes))
    tk = te.estimate_depth(d, K, boxes=[s.box for s in sk]) if sk else []
    gt_uv = np.stack([project(np.nan_to_num(p["joints"], nan=1.0), K) for p in people])
    gm = np.stack([in_view(p["joints"], K, W, H) for p in people])
    scale = np.array([np.hypot(b[2] - b[0], b[3] - b[1]) for b in boxes])
    pairs = match_people(gt_uv, gm, scale, np.stack([s.uv for s in sk]) if sk else np.zeros((0, 14, 2)))
    for g, q in pairs:
        s = sk[q]
        t = next((t for t in tk if np.array_equal(t.box, s.box)), None)
        items.append((s, t, d, K, np.nan_to_num(people[g]["joints"]), gm[g]))
print(f"{len(items)} matched people in {n} frames; {sum(t is not None for _, t, *_ in items)} with a teacher skeleton")


def score(fn, name):
    e = np.array([np.linalg.norm(fn(s, t, d, K) - gt, axis=1)[m].mean() for s, t, d, K, gt, m in items]) * 100
    has_t = np.array([t is not None for _, t, *_ in items])
    print(f"{name:58s} MPJPE {e.mean():6.2f} cm (median {np.median(e):5.2f}); with teacher {e[has_t].mean():6.2f}, "
          f"without {e[~has_t].mean() if (~has_t).any() else float('nan'):6.2f}")


def variant(cfg=AnchorConfig(), depths="teacher", anchor_student_alone=False):
    def fn(s, t, d, K):
        if t is None:
            if not anchor_student_alone:
                return s.joints
            return anchor_to_depth(s.joints, s.uv, K, d, cfg)[0]
        z_from = t.joints if depths == "teacher" else s.joints
        if depths == "student_at_teacher_root":  # the student's body shape at the teacher's distance
            z_from = s.joints * (np.median(t.joints[:, 2]) / np.median(s.joints[:, 2]))
        return anchor_to_depth(z_from, s.uv, K, d, cfg)[0]
    return fn


score(lambda s, t, d, K: s.joints, "student alone")
score(lambda s, t, d, K: s.joints if t is None else t.joints, "teacher where it reports, else student")
score(variant(), "rgbd output (shipped: teacher depths, gate .4, snap .3)")
score(variant(depths="student"), "student's own depths anchored")
score(variant(depths="student_at_teacher_root"), "student's body shape at the teacher's distance, anchored")
score(variant(AnchorConfig(snap_m=0.0)), "no snapping (shift only)")
score(variant(AnchorConfig(snap_m=0.15)), "snap .15")
score(variant(AnchorConfig(snap_m=0.5)), "snap .5")
score(variant(AnchorConfig(gate_m=0.25)), "gate .25")
score(variant(AnchorConfig(gate_m=0.8)), "gate .8")
score(variant(AnchorConfig(min_joints=5)), "min joints 5")
score(variant(anchor_student_alone=True), "also anchor students without a teacher skeleton")
score(variant(AnchorConfig(gate_m=0.8, snap_m=0.5)), "gate .8, snap .5")
score(variant(AnchorConfig(gate_m=0.6, snap_m=0.5)), "gate .6, snap .5")
score(variant(AnchorConfig(gate_m=0.8, snap_m=0.8)), "gate .8, snap .8")
