"""Session 25 one-off: does the depth teacher depend on the background its depth shows? The real Kinect
frame (outdoors) returns depth on the people only, several of them in one crop; training removes the
background in --bg-dropout's share of the crops, and with it every other person. Held-out person crops
(box x 1.3, no shift) scored four ways: the depth as rendered; only the frame's people kept (SampleSet
.people dilated by 3 px, as --bg-dropout does); only the crop's own person kept (foreground_from_depth,
today's --bg-dropout); everything but the other people (their pixels off the own person's mask made
invalid, floor and furniture kept). Usage: CKPT FOLDER [MAX_FRAMES]"""
import sys

import cv2
import numpy as np

from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.camera import in_view
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.data.dataset import foreground_from_depth
from pipose_ros.train.trainer import evaluate

model, meta = load_checkpoint(sys.argv[1])
cfg = meta["spdh_config"]
nmax = int(sys.argv[3]) if len(sys.argv) > 3 else 480
data, info = person_crops(sys.argv[2], CropSpec(net_wh=(cfg.width, cfg.height), scale=(1.3, 1.3), shift=0,
                                                people_mask=True), max_frames=nmax, progress=False)
k = np.ones((7, 7), np.uint8)
people_only = data.subset(slice(None))
own_only = data.subset(slice(None))
no_others = data.subset(slice(None))
others = 0
for i in range(len(data.K)):
    dm = data.depth_mm[i]
    keep = cv2.dilate(data.people[i], k) > 0
    people_only.depth_mm[i] = np.where(keep, dm, 0)
    own = foreground_from_depth(dm.astype(np.float32) * 1e-3, data.joints[i], data.K[i],
                                in_view(data.joints[i], data.K[i], cfg.width, cfg.height))
    own_only.depth_mm[i] = np.where(cv2.dilate(own, k) > 0, dm, 0)
    # the own person with every labelled joint (a body cut by the border too), grown as above
    own_all = cv2.dilate(foreground_from_depth(dm.astype(np.float32) * 1e-3, data.joints[i], data.K[i],
                                               data.joints[i][:, 2] > 0), k) > 0
    other = (data.people[i] > 0) & ~own_all
    no_others.depth_mm[i] = np.where(other, 0, dm)
    others += int(other.sum() > 20)
print(f"{sys.argv[1]} on {sys.argv[2]} ({nmax} frames): {len(data.K)} crops, {others} show another person "
      f"(> 20 px of the people mask off the crop's own person, grown by 3 px)")
for name, s in [("depth as rendered", data), ("people only", people_only), ("own person only", own_only),
                ("all but other people", no_others)]:
    m = evaluate(model, "teacher", s, cfg, device="cpu")
    valid = float(np.mean(s.depth_mm > 0)) * 100
    print(f"  {name:18s} MPJPE {m['mpjpe_cm']:6.2f} cm  mAP@10 {m['map@10']:5.1f} %  PA-MPJPE {m['pa_mpjpe_cm']:5.2f} cm"
          f"  (valid depth pixels {valid:.0f} %)")
