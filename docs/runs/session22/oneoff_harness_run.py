# one-off (session 22): the node pipeline on cached validation sequences, detector variants; tracking + MPJPE
import sys, json
sys.path.insert(0, __import__("os").path.dirname(__file__))
from oneoff_harness import Cached, lost_vs_never
from pipose_ros.estimator import PoseEstimator
from pipose_ros.detect import PersonDetector, PersonFinder, BodyDetector
from pipose_ros.track import BodyTracker
from pipose_ros.train.temporal_eval import predict_motion, score_tracking, score_sequences
d, n, onnx = sys.argv[1], int(sys.argv[2]), sys.argv[3]
variants = sys.argv[4].split(",")
est = PoseEstimator.from_checkpoint("models/pipose_student_kinect14.onnx")
for v in variants:
    name, thr, keep = v.split(":") if ":" in v else (v, "0", "1")
    body = None if name == "blazepose" else BodyDetector(onnx, min_score=float(thr))
    finder = PersonFinder(PersonDetector(max_people=8, body=body), tracking=keep != "full", every=3, follow="hips", full_every=30,
                          )
    seqs = predict_motion(est, Cached(d, n), n, finder=finder, tracker_factory=lambda: BodyTracker(max_age_s=1.0, depth_noise=0.15),
                          progress=False)
    sc = score_tracking(seqs); raw = score_sequences(seqs, None)
    print(v, {k: round(x, 2) if isinstance(x, float) else x for k, x in sc.items()}, lost_vs_never(seqs),
          {k: round(raw[k], 2) for k in raw if isinstance(raw[k], float)}, flush=True)
