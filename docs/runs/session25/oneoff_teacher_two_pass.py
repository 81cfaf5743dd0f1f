"""Session 25 one-off: the depth teacher in two passes on full frames with ground-truth boxes (as `pipose
evaluate`): pass 1 on every box, then each box again on depth where the *other* skeletons' masks
(foreground_from_depth, radius,band), minus its own, are made invalid. 0,0 = one pass (today).
Usage: FOLDER MAX_FRAMES radius,band ..."""
import sys
from pathlib import Path

import numpy as np

from pipose_ros.estimator import PoseEstimator
from pipose_ros.train.multi_eval import collect_matches, match_metrics

sys.path.insert(0, str(Path(__file__).parent))
from others import without_others  # noqa: E402

folder, nmax = sys.argv[1], int(sys.argv[2])
variants = [(float(a), float(b)) for a, b in (v.split(",") for v in sys.argv[3:])]
t0 = PoseEstimator.from_checkpoint("models/pipose_teacher_kinect14.pt", device="cpu", backend="onnxruntime", min_depth_support=0.0)
t = PoseEstimator.from_checkpoint("models/pipose_teacher_kinect14.pt", device="cpu", backend="onnxruntime")

class Others:
    def __init__(self, radius, band):
        self.radius, self.band = radius, band
        self.unsupported = 0
    def estimate_depth(self, d, K, boxes=None):
        if self.radius <= 0:
            return t.estimate_depth(d, K, boxes=boxes)
        dd = np.nan_to_num(d, nan=0.0).astype(np.float32)
        t1 = t0.estimate_depth(dd, K, boxes=boxes)
        out = []
        for s, di in zip(t1, without_others(dd, K, t1, self.radius, self.band)):
            if not (di > 0).any():
                continue
            out += t.estimate_depth(di, K, boxes=[s.box])
        return out

for radius, band in variants:
    c = collect_matches(Others(radius, band), folder, modality="depth", max_frames=nmax, progress=False)
    m = match_metrics(c)
    print(f"others removed, radius {radius} band {band}: MPJPE {m['mpjpe_cm']:.2f} mAP@10 {m['map@10']:.1f} PA {m['pa_mpjpe_cm']:.2f} "
          f"matched {m['matched']} misses {m['misses']} fp {m['false_positives']}", flush=True)
