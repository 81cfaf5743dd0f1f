"""Session 25 one-off: the teacher's own first-pass skeleton as the person mask (foreground_from_depth with
radius / band), then a second pass on the masked crop. 480 validation frames' crops (box x 1.3).
Usage: FOLDER MAX_FRAMES"""
import sys
import cv2
import numpy as np
from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.data.dataset import foreground_from_depth
from pipose_ros.train.trainer import predict
from pipose_ros.train.metrics import pose_metrics

model, meta = load_checkpoint("models/pipose_teacher_kinect14.pt")
cfg = meta["spdh_config"]
data, info = person_crops(sys.argv[1], CropSpec(net_wh=(cfg.width, cfg.height), scale=(1.3, 1.3), shift=0),
                          max_frames=int(sys.argv[2]), progress=False)
p1 = predict(model, "teacher", data, cfg, device="cpu")
def score(p, name):
    m = pose_metrics(p, data.joints, data.in_image, root=1)
    print(f"{name}: {m['mpjpe_cm']:.2f} {m['map@10']:.1f} {m['pa_mpjpe_cm']:.2f}", flush=True)
score(p1, "pass 1")
allj = np.ones(14, bool)
for radius, band in [(0.22, 0.3), (0.3, 0.5), (0.4, 0.8)]:
    s = data.subset(slice(None))
    for i in range(len(s.K)):
        d = s.depth_mm[i].astype(np.float32) * 1e-3
        fg = foreground_from_depth(d, p1[i], s.K[i], allj, band_m=band, radius_m=radius)
        s.depth_mm[i] = np.where(cv2.dilate(fg, np.ones((7, 7), np.uint8)) > 0, s.depth_mm[i], 0)
    score(predict(model, "teacher", s, cfg, device="cpu"), f"self-isolated r {radius} band {band}")
