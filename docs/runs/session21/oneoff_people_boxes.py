# Session 21 one-off: the node's detector + tracking finder + student on the demo's multi-person sequences
# (no ROS): boxes and skeletons per frame. Before the face rule (git show 6e7db79^:pipose_ros/detect.py) the
# first "people" frames had 3 boxes (two on the astronaut cut by the right border); after it 2.
import numpy as np
from pipose_ros.tools.demo import _people_sequences
from pipose_ros.detect import PersonDetector, PersonFinder
from pipose_ros.estimator import PoseEstimator, CANDIDATES_PER_PERSON
from pipose_ros.camera import box_iou
est = PoseEstimator.from_checkpoint("models/pipose_student_kinect14.onnx")
for name, seq in _people_sequences():
    finder = PersonFinder(PersonDetector(min_score=0.5, max_people=CANDIDATES_PER_PERSON*4, window_scales=(1.0,0.6)),
                          tracking=True, every=3, follow="hips", full_every=30)
    prev = []
    for i, fr in enumerate(seq):
        boxes, scores = finder(fr["rgb"], prev)
        skels = est.estimate_people(fr["rgb"], fr["K"], boxes, 4) if boxes else []
        prev = skels
        print(name, i, "boxes", [np.round(b).astype(int).tolist() for b in boxes], np.round(scores,2).tolist())
        for s in skels:
            print("   skel box", np.round(s.box).astype(int).tolist(), "conf", round(float(np.mean(s.confidence)),2), "neck uv", np.round(s.uv[1]).astype(int).tolist())
