"""Session 24 one-off: per-joint confidence of each student on the astronaut photo (scikit-image,
public domain; a close-up whose hips, knees and ankles are below the image), BlazePose detector's
box as in the node, the demo's K. Usage: python oneoff_astronaut_conf.py CKPT [CKPT ...]"""
import sys

import numpy as np
from skimage import data

from pipose_ros.camera import intrinsics_from_fov
from pipose_ros.detect import PersonDetector
from pipose_ros.estimator import PoseEstimator

rgb = data.astronaut()
K = intrinsics_from_fov(512, 512, 60.0)
boxes = [d.box for d in PersonDetector(max_people=4)(rgb)]
print("boxes", [np.round(b).astype(int).tolist() for b in boxes])
for ck in sys.argv[1:]:
    est = PoseEstimator.from_checkpoint(ck, device="cpu", backend="onnxruntime")
    for s in est.estimate(rgb, K, boxes=boxes[:1]):
        print(ck)
        for n, c, uv in zip(s.names, s.confidence, s.uv):
            print(f"  {n:15s} {c:.2f}  uv ({uv[0]:6.1f}, {uv[1]:6.1f})")
