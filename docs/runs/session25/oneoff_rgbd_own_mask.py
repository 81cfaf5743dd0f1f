"""Session 25 one-off: the node's rgbd output (student 2D + teacher depths anchored to the depth) with a second
teacher pass on depth kept only around each person's anchored skeleton (foreground_from_depth, radius,band);
0,0 = today's rgbd output. Usage: FOLDER MAX_FRAMES radius,band ..."""
import sys
import cv2
import numpy as np
from pipose_ros.anchor import anchor_people
from pipose_ros.data.dataset import foreground_from_depth
from pipose_ros.estimator import PoseEstimator
from pipose_ros.train.multi_eval import collect_matches, match_metrics

folder, nmax = sys.argv[1], int(sys.argv[2])
variants = [(float(a), float(b)) for a, b in (v.split(",") for v in sys.argv[3:])]
student = PoseEstimator.from_checkpoint("models/pipose_student_kinect14.pt", device="cpu", backend="onnxruntime")
teacher = PoseEstimator.from_checkpoint("models/pipose_teacher_kinect14.pt", device="cpu", backend="onnxruntime")


class Stash:
    def __init__(self, est):
        self.est, self.last = est, []
    def estimate(self, rgb, K, boxes=None):
        self.last = self.est.estimate(rgb, K, boxes=boxes)
        return self.last


class Iso:
    def __init__(self, stash, radius, band):
        self.stash, self.radius, self.band = stash, radius, band
    def estimate_depth(self, d, K, boxes=None):
        t1 = teacher.estimate_depth(d, K, boxes=boxes)
        if self.radius <= 0:
            return t1
        sk, _ = anchor_people(self.stash.last, t1, d, K)
        out = []
        dd = np.nan_to_num(d, nan=0.0)
        for s in sk:
            fg = foreground_from_depth(dd, np.asarray(s.joints, np.float64), K, np.ones(14, bool),
                                       band_m=self.band, radius_m=self.radius)
            keep = cv2.dilate(fg, np.ones((5, 5), np.uint8)) > 0
            di = np.where(keep, dd, 0).astype(np.float32)
            if not (di > 0).any():
                continue
            out += teacher.estimate_depth(di, K, boxes=[s.box])
        return out


st = Stash(student)
for radius, band in variants:
    c = collect_matches(st, folder, modality="rgb", max_frames=nmax, progress=False, anchor_teacher=Iso(st, radius, band))
    m = match_metrics(c)
    print(f"radius {radius} band {band}: MPJPE {m['mpjpe_cm']:.2f} mAP@10 {m['map@10']:.1f} PA {m['pa_mpjpe_cm']:.2f} "
          f"matched {m['matched']} misses {m['misses']} fp {m['false_positives']}", flush=True)
