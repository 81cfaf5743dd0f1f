"""One-off (session 15): does re-centring a detector box on the student's mid-hip (follow="hips") move
the 3D? pipose-synth-v2, first N frames: the detector's boxes vs the same boxes moved to the mid-hip the
student found in them (one second pass), each matched to the ground truth."""
import sys
from types import SimpleNamespace
import numpy as np
from pipose_ros.detect import PersonDetector, PersonFinder
from pipose_ros.estimator import PoseEstimator
from pipose_ros.train.multi_eval import collect_matches, match_metrics

data, n = sys.argv[1], int(sys.argv[2])
est = PoseEstimator.from_checkpoint("models/pipose_student_kinect14.pt", "cpu", 0.1, backend="onnxruntime")
det = PersonDetector(max_people=8)
finder = PersonFinder(det, follow="hips")

def recentred(rgb):
    dets = det(rgb)
    if not dets:
        return []
    sk = est.estimate(rgb, np.array([[rgb.shape[1], 0, rgb.shape[1] / 2], [0, rgb.shape[1], rgb.shape[0] / 2], [0, 0, 1.0]]),
                      boxes=[d.box for d in dets])
    h, w = rgb.shape[:2]
    return [SimpleNamespace(box=np.clip(finder._follow(s, w, h), 0, [w - 1, h - 1, w - 1, h - 1])) for s in sk]

for name, d in (("detector boxes", det), ("re-centred on the student's mid-hip", recentred)):
    m = match_metrics(collect_matches(est, data, "rgb", max_frames=n, detector=d, progress=False))
    e = m["error_parts"]
    print(f"{name}: people {m['people']} matched {m['matched']} MPJPE {m['mpjpe_cm']:.2f} PA {m['pa_mpjpe_cm']:.2f} "
          f"root {e['root_depth_error_pct']:.2f} % signed {e['root_depth_signed_pct']:.2f} %", flush=True)
