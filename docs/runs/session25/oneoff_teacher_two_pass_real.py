"""Session 25 one-off: `pipose realcheck-depth` on the real Kinect v2 frame with the two-pass teacher of
oneoff_teacher_two_pass.py (the estimator's estimate_depth patched in this process). Usage: RADIUS BAND [JSON]"""
import sys
from pathlib import Path

import numpy as np

from pipose_ros import estimator as E
from pipose_ros.cli import main

sys.path.insert(0, str(Path(__file__).parent))
from others import without_others  # noqa: E402

orig = E.PoseEstimator.estimate_depth
R, B = float(sys.argv[1]), float(sys.argv[2])

def two_pass(self, depth_m, K, boxes=None):
    if boxes is None or len(boxes) < 2 or self.teacher is not self:
        return orig(self, depth_m, K, boxes)
    dd = np.nan_to_num(np.asarray(depth_m, np.float32), nan=0.0)
    keep = self.min_depth_support
    self.min_depth_support = 0.0
    t1 = orig(self, dd, K, boxes)
    self.min_depth_support = keep
    out = []
    for s, di in zip(t1, without_others(dd, K, t1, R, B)):
        out += orig(self, di, K, [s.box])
    print(f"two-pass teacher: {len(boxes)} boxes -> {len(out)} skeletons", flush=True)
    return out

E.PoseEstimator.estimate_depth = two_pass
sys.exit(main(["realcheck-depth", str(__import__("pathlib").Path.home() / ".cache/pipose_ros/realdepth"), "--rgbd-pose3d",
               "--teacher", "models/pipose_teacher_kinect14.pt", "--png", "/tmp/real_others.png", "--json", sys.argv[3] if len(sys.argv) > 3 else "docs/runs/session25/teacher_two_pass_realdepth.json"]))
