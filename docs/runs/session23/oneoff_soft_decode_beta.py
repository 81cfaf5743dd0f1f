"""Session 23 one-off: how well the soft-argmax (integral) decode reads a trained teacher's maps, per beta.

Loads the shipped depth teacher, runs it on the validation renders' person crops (the trainer's
validation crops: box x 1.3, no shift), and scores the run-time decoder (argmax + local centroid)
against soft_decode at several beta; also soft_decode on the ground-truth SPDH targets (its bias).
"""
import sys

import numpy as np
import torch

from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.data.dataset import depth_to_tensor
from pipose_ros.spdh import canonical_scale, decode
from pipose_ros.train.targets import encode, soft_decode

ckpt = sys.argv[1] if len(sys.argv) > 1 else "models/pipose_teacher_kinect14.pt"
model, meta = load_checkpoint(ckpt)
cfg = meta["spdh_config"]
model.eval()
data, _ = person_crops(sys.argv[2] if len(sys.argv) > 2 else "/root/.cache/pipose_ros/anny-val-s1",
                       CropSpec(net_wh=(cfg.width, cfg.height), scale=(1.3, 1.3), shift=0.0), max_frames=160)
print(f"{ckpt}: {len(data)} crops")
betas = (5.0, 10.0, 20.0, 40.0)
err = {"hard": []} | {b: [] for b in betas} | {f"gt{b}": [] for b in betas}
torch.set_grad_enabled(False)
for s in range(0, len(data), 32):
    sl = slice(s, s + 32)
    K = data.K[sl]
    x = depth_to_tensor(data.depth_mm[sl].astype(np.float32) * 1e-3, scale=canonical_scale(K, cfg))
    out = model(x)
    gt = data.joints[sl]
    m = data.in_image[sl].astype(bool)
    hard = decode(out["uv"].numpy(), out["uz"].numpy(), K, cfg)["joints"]
    err["hard"].append(np.linalg.norm(hard - gt, axis=-1)[m])
    guv, guz = encode(torch.from_numpy(gt), torch.from_numpy(K), cfg)
    for b in betas:
        p = soft_decode(out["uv"], out["uz"], K, cfg, beta=b).numpy()
        err[b].append(np.linalg.norm(p - gt, axis=-1)[m])
        g = soft_decode(guv, guz, K, cfg, beta=b).numpy()
        err[f"gt{b}"].append(np.linalg.norm(g - gt, axis=-1)[m])
for k, v in err.items():
    v = np.concatenate(v) * 100
    print(f"{str(k):>8}: mean joint error {v.mean():7.2f} cm, median {np.median(v):6.2f} cm")
