"""One-off (session 16): 2D PCK@0.2 (torso) of a depth-teacher checkpoint's uv maps on person crops
(scale 1.3, no shift), the same metric as oneoff_blazepose_on_depth.py. Usage: CKPT FOLDER"""
import sys
import numpy as np, torch
from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.data.dataset import AugmentedDataset
from pipose_ros.label.realcheck2d import pck, torso_size
from pipose_ros.spdh import decode
model, meta = load_checkpoint(sys.argv[1]); cfg = meta["spdh_config"]
data, _ = person_crops(sys.argv[2], CropSpec(net_wh=(cfg.width, cfg.height), scale=(1.3, 1.3), shift=0), progress=False)
ds = AugmentedDataset(data, augment=False, canonical_fx=cfg.canonical_fx)
x = torch.stack([ds[i]["depth"] for i in range(len(ds))])
with torch.no_grad():
    out = model(x)
uv = decode(out["uv"].numpy(), out["uz"].numpy(), data.K, cfg)["uv"]
rows, err = [], []
for i in range(len(data.K)):
    K = data.K[i]; j = data.joints[i]; m = data.in_image[i]; z = np.maximum(j[:, 2], 1e-3)
    gt = np.stack([K[0, 0] * j[:, 0] / z + K[0, 2], K[1, 1] * j[:, 1] / z + K[1, 2]], -1)
    ref = torso_size(gt, m)
    if not ref:
        continue
    rows.append(pck(uv[i], gt, m, ref)); err.append(np.linalg.norm(uv[i] - gt, axis=1)[m].mean() / cfg.width * 100)
print(f"{sys.argv[1]}: PCK@0.2 {np.nanmean(rows) * 100:.1f} %, mean 2D error {np.mean(err):.1f} % of the crop ({len(rows)} people, {cfg.width}px)")
