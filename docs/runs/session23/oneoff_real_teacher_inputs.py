"""One-off (session 23): what the depth teacher reads on the real Kinect v2 frame (the block-median
densified depth, as `pipose realcheck-depth` feeds it) beside held-out training renders' crops, with
its 2D joints (red). Usage: CKPT REALDEPTH_DIR REALCHECK_JSON VAL_FOLDER OUT.png"""
import json
import sys

import cv2
import numpy as np
import torch

from pipose_ros.camera import scale_K
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.data.dataset import AugmentedDataset
from pipose_ros.estimator import PoseEstimator
from pipose_ros.label.realcheck import densify
from pipose_ros.model.backbones import depth_as_image
from pipose_ros.preprocess import depth_input
from pipose_ros.spdh import canonical_scale

est = PoseEstimator.from_checkpoint(sys.argv[1], device="cpu", min_confidence=0.0)
t = est.teacher or est
cfg = t.spdh
depth = cv2.imread(f"{sys.argv[2]}/depth.png", cv2.IMREAD_UNCHANGED)
res = json.load(open(sys.argv[3]))
fx, fy, cx, cy = res["K"]
K = np.array([[fx, 0, cx], [0, fy, cy], [0, 0, 1]], np.float64)
dense = densify(depth, res["densify_block"])
H, W = depth.shape
sx = dense.shape[1] / W
Kd = scale_K(K, sx, dense.shape[0] / H)
boxes = np.array([[(b + 0.5) * sx - 0.5 for b in p["box"]] for p in res["people"]])
views = t._views(dense.shape, boxes)
K_net = np.stack([v.apply_K(Kd) for v in views])
x = depth_input(np.stack([v.depth(dense) for v in views]), t.norm, scale=canonical_scale(K_net, cfg))
skels = t.estimate_depth(dense, Kd, boxes=boxes)
xt = torch.as_tensor(x)
real = (depth_as_image(xt).numpy().transpose(0, 2, 3, 1) * 255).astype(np.uint8)
data, _ = person_crops(sys.argv[4], CropSpec(net_wh=(cfg.width, cfg.height), scale=(1.3, 1.3), shift=0),
                       max_frames=6, progress=False)
ds = AugmentedDataset(data, augment=False, canonical_fx=cfg.canonical_fx)
xs = torch.stack([ds[i]["depth"] for i in range(min(4, len(ds)))])
synth = (depth_as_image(xs).numpy().transpose(0, 2, 3, 1) * 255).astype(np.uint8)
tiles = []
for i, img in enumerate(real):
    tile = cv2.resize(np.ascontiguousarray(img), (256, 256), interpolation=cv2.INTER_NEAREST)
    if i < len(skels):  # the skeleton projected with this view's camera (input pixels)
        j = skels[i].joints
        uv = (K_net[i][:2, :2] @ (j[:, :2] / j[:, 2:3]).T).T + K_net[i][:2, 2]
        for q in uv * 256 / cfg.width:
            cv2.circle(tile, (int(q[0]), int(q[1])), 3, (255, 0, 0), -1)
    tiles.append(tile)
tiles += [cv2.resize(np.ascontiguousarray(s), (256, 256), interpolation=cv2.INTER_NEAREST) for s in synth]
print("real valid share per crop:", [round(float((v.depth(dense) > 0).mean()), 3) for v in views])
print("synthetic valid share per crop:", [round(float((data.depth_mm[i] > 0).mean()), 3) for i in range(len(synth))])
cv2.imwrite(sys.argv[5], cv2.cvtColor(np.concatenate([np.concatenate(tiles[:4], 1), np.concatenate(tiles[4:8], 1)], 0),
                                      cv2.COLOR_RGB2BGR))
