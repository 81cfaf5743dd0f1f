"""One-off (session 15): the demo's kinect_people pan, outside ROS, with the node's defaults; who drops and why."""
import sys
import numpy as np, cv2
from pathlib import Path
from pipose_ros.tools.demo import _people_sequences
from pipose_ros.detect import PersonDetector, PersonFinder
from pipose_ros.estimator import PoseEstimator, CANDIDATES_PER_PERSON
from pipose_ros.track import BodyTracker
from pipose_ros.skeleton import suppress_duplicates

ck = sys.argv[1] if len(sys.argv) > 1 else "models/pipose_student_kinect14.pt"
seq = dict(_people_sequences(10))["kinect_people"]
est = PoseEstimator.from_checkpoint(ck, "cpu", 0.1, backend="onnxruntime", same_person=0.05)
finder = PersonFinder(PersonDetector(min_score=0.5, max_people=CANDIDATES_PER_PERSON * 4, window_scales=(1.0, 0.6)),
                      tracking=True, every=3, follow=sys.argv[2] if len(sys.argv) > 2 else "detections", full_every=30)
tr = BodyTracker(max_age_s=1.0)
prev = []
for i, f in enumerate(seq):
    rgb, K = f["rgb"], f["K"]
    boxes, scores = finder(rgb, prev)
    # what each candidate gives, before NMS / confidence
    est_all = PoseEstimator.from_checkpoint(ck, "cpu", 0.0, backend="onnxruntime", same_person=0.0) if i == 0 else est_all
    raw = est_all.estimate(rgb, K, boxes) if boxes else []
    sk = est.estimate_people(rgb, K, boxes, 4) if boxes else []
    ids, ended = tr.update(sk, [s.box for s in sk], float(i))
    prev = sk
    print(i, "boxes", len(boxes), [tuple(np.round(b).astype(int)) for b in boxes], "scores", np.round(scores, 2) if scores is not None else None)
    print("   raw conf", [round(float(np.mean(s.confidence)), 2) for s in raw], "kept", len(sk), ids)
