"""Session 19 one-off: does a depth-teacher skeleton's own *depth support* (the share of its in-image
joints with measured depth within 2 px and tol metres of the joint's depth) tell the people the depth
image shows (ground truth: >= half of their visible joints, session 18) from those it does not?
The shipped teacher on the validation renders' ground-truth boxes, every skeleton kept (support 0).
Run: .venv/bin/python docs/runs/session19/oneoff_depth_support.py ~/.cache/pipose_ros/anny-val-s1 480
Error column: mean 3D distance over the person's in-image joints (metres; no alignment)."""
import numpy as np, sys
from pipose_ros.data.folder import read_folder, read_frame, frame_people
from pipose_ros.data.crops import person_box
from pipose_ros.camera import depth_seen_fraction, depth_to_metres, in_view
from pipose_ros.estimator import PoseEstimator
from pipose_ros.skeleton import KINECT14
root = sys.argv[1]
est = PoseEstimator.from_checkpoint("models/pipose_teacher_kinect14.onnx", backend="onnxruntime", min_confidence=0.0,
                                    min_depth_support=0.0)
_, frames = read_folder(root)
rows = []
for rec in frames[:int(sys.argv[2])]:
    rgb, dep = read_frame(root, rec)
    H, W = dep.shape; K = np.asarray(rec["K"], float)
    d = depth_to_metres(dep, "16UC1")
    ps, boxes = [], []
    for p in frame_people(rec, len(KINECT14)):
        box = person_box(p, K, W, H)
        if box is None or p["visible"].sum() < 4: continue
        ps.append(p); boxes.append(box)
    if not ps: continue
    est.same_person = 0.0
    sk = est.estimate_depth(d, K, boxes)
    assert len(sk) == len(ps)
    for p, s, box in zip(ps, sk, boxes):
        inside = in_view(p["joints"], K, W, H)
        seen = depth_seen_fraction(dep, K, np.nan_to_num(p["joints"], nan=0.0), inside & p["visible"])
        if not np.isfinite(seen): continue
        pin = in_view(s.joints.astype(float), K, W, H)
        f = [depth_seen_fraction(dep, K, s.joints.astype(float), pin, tol_m=t) for t in (0.25, 0.5, 1.0)]
        err = np.linalg.norm(s.joints - np.nan_to_num(p["joints"]), axis=1)[inside].mean()
        rows.append((seen, *f, err, s.confidence.mean()))
a = np.array(rows)
seen = a[:, 0] >= 0.5
print("people", len(a), "seen", seen.sum(), "not", (~seen).sum())
print("mean err seen %.1f not %.1f cm" % (a[seen,4].mean()*100, a[~seen,4].mean()*100))
for c, name in ((1, "pred tol .25"), (2, "pred tol .5"), (3, "pred tol 1")):
  for t in (0.1, 0.2, 0.3, 0.5):
    g = a[:, c] < t
    print(f"{name} gate {t}: drops seen {int((g & seen).sum())} ({(g&seen).sum()/seen.sum():.1%}) not-seen {int((g & ~seen).sum())} ({(g&~seen).sum()/(~seen).sum():.1%}); kept err {a[~g,4].mean()*100:.1f} cm, dropped-seen err {a[g&seen,4].mean()*100 if (g&seen).any() else 0:.1f}")
