# one-off (session 22): what the pipeline's false positives are with the whole-body detector (validation)
import sys, numpy as np
sys.path.insert(0, __import__("os").path.dirname(__file__))
from oneoff_harness import Cached
from pipose_ros.estimator import PoseEstimator
from pipose_ros.detect import PersonDetector, PersonFinder, BodyDetector
from pipose_ros.track import BodyTracker
from pipose_ros.train.temporal_eval import _gt_boxes, _match
est = PoseEstimator.from_checkpoint("models/pipose_student_kinect14.onnx")
gen = Cached(sys.argv[1], int(sys.argv[2]))
pdet = PersonDetector(max_people=8, body=BodyDetector(sys.argv[3], min_score=0.5) if sys.argv[3] != "none" else None)
finder = PersonFinder(pdet, tracking=True, every=3, follow="hips", full_every=30)
last = []
orig_merge = pdet._merge
def merge(d):
    r = orig_merge(d); last[:] = r; return r
pdet._merge = merge
import collections
kinds = collections.Counter()
dup = bg = total = nbox = 0
for i in range(len(gen.files)):
    finder.reset(); prev = []
    for f in gen.sequence(i):
        last[:] = []
        boxes, _ = finder(f.rgb, prev)
        skels = est.estimate_people(f.rgb, f.K, boxes, 4) if boxes else []
        prev = skels
        H, W = f.rgb.shape[:2]
        anyone = _gt_boxes(list(f.joints), f.K, W, H, range(len(f.joints)))
        found = _match(skels, anyone, list(f.joints), list(f.in_image), f.K)
        matched = {id(s) for s in found.values()}
        nbox += len(boxes)
        for s in skels:
            if id(s) in matched: continue
            total += 1
            c = (s.box[:2] + s.box[2:]) / 2
            on = any(b[0] <= c[0] <= b[2] and b[1] <= c[1] <= b[3] for b in anyone.values())
            dup += on; bg += not on
            src = [d for d in last if np.allclose(d.box, s.box)]
            kinds[("dup" if on else "bg", "body" if src and src[0].keypoints is None else ("blaze" if src else "tracked"))] += 1
print(kinds); print("false positives", total, "centre on a person (duplicate or mismatched)", dup, "on background", bg, "boxes", nbox)
