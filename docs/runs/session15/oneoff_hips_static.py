"""One-off (session 15): follow="hips" on a still image for 30 frames (detector every 3rd frame, one pass,
the node's defaults): do the held boxes stay put? Kinect frame (first pan position) and the astronaut pair."""
import numpy as np
from pipose_ros.tools.demo import _people_sequences
from pipose_ros.detect import PersonDetector, PersonFinder
from pipose_ros.estimator import PoseEstimator, CANDIDATES_PER_PERSON

est = PoseEstimator.from_checkpoint("models/pipose_student_kinect14.pt", "cpu", 0.1, backend="onnxruntime", same_person=0.05)
for name, seq in _people_sequences(10):
    f0 = seq[0]
    for follow in ("detections", "hips"):
        finder = PersonFinder(PersonDetector(min_score=0.5, max_people=CANDIDATES_PER_PERSON * 4, window_scales=(1.0, 0.6)),
                              tracking=True, every=3, follow=follow, full_every=30)
        prev, counts, centres = [], [], []
        for i in range(30):
            boxes, _ = finder(f0["rgb"], prev)
            prev = est.estimate_people(f0["rgb"], f0["K"], boxes, 4) if boxes else []
            counts.append(len(prev))
            centres.append(sorted(((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b in boxes))
        first = np.array(centres[1][:3]); last = np.array(centres[-1][:3])
        drift = np.abs(first - last).max() if first.shape == last.shape else float("nan")
        print(name, follow, "people per frame", counts, "max centre drift frame 1 -> 29 (px)", round(float(drift), 1))
