"""One-off (session 18): the depth teacher's 2D PCK@0.2 (torso) on held-out person crops
(scale 1.3, no shift) split by the crop's case (truncated, occluded, people in the frame, pose
family), and a contact sheet of the crops it gets best and worst (depth as the teacher reads it,
green truth, red prediction). Usage: CKPT FOLDER OUT.png [MAX_FRAMES]"""
import sys
from collections import defaultdict
import cv2
import numpy as np, torch
from pipose_ros.camera import project
from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.data.dataset import AugmentedDataset
from pipose_ros.label.realcheck2d import pck, torso_size
from pipose_ros.model.backbones import depth_as_image
from pipose_ros.spdh import decode
model, meta = load_checkpoint(sys.argv[1]); cfg = meta["spdh_config"]
nmax = int(sys.argv[4]) if len(sys.argv) > 4 else 100
data, info = person_crops(sys.argv[2], CropSpec(net_wh=(cfg.width, cfg.height), scale=(1.3, 1.3), shift=0),
                          max_frames=nmax, progress=False)
ds = AugmentedDataset(data, augment=False, canonical_fx=cfg.canonical_fx)
x = torch.stack([ds[i]["depth"] for i in range(len(ds))])
with torch.no_grad():
    out = model(x)
uv = decode(out["uv"].numpy(), out["uz"].numpy(), data.K, cfg)["uv"]
rows = []
for i in range(len(data.K)):
    K = data.K[i]; j = data.joints[i]; m = data.in_image[i]; z = np.maximum(j[:, 2], 1e-3)
    gt = project(np.concatenate([j[:, :2], z[:, None]], 1), K)  # z clamped: out-of-view joints stay finite
    ref = torso_size(gt, m)
    if not ref:
        continue
    rows.append((i, float(np.nanmean(pck(uv[i], gt, m, ref))), gt, m))
print(f"{sys.argv[1]}: PCK@0.2 {np.nanmean([r[1] for r in rows]) * 100:.1f} % over {len(rows)} crops")
groups = defaultdict(list)
for i, p, _, _ in rows:
    d = info[i]
    groups["truncated" if d.get("truncated") else "not truncated"].append(p)
    groups["occluded" if d.get("occluded") else "not occluded"].append(p)
    groups[f"people {min(int(d.get('n_people', 1)), 3)}{'+' if int(d.get('n_people', 1)) >= 3 else ''}"].append(p)
    groups[f"family {d.get('family', '?')}"].append(p)
    if not d.get("truncated") and not d.get("occluded"):
        groups["clean (neither)"].append(p)
for k in sorted(groups):
    print(f"  {k:24s} {np.nanmean(groups[k]) * 100:5.1f} %  ({len(groups[k])})")
print("metadata keys:", sorted(info[0].keys()))
img = (depth_as_image(x).numpy().transpose(0, 2, 3, 1) * 255).astype(np.uint8)
order = sorted(rows, key=lambda r: r[1])
pick = order[:8] + order[len(order) // 2 - 4: len(order) // 2 + 4] + order[-8:]
tiles = []
for i, p, gt, m in pick:
    t = cv2.resize(np.ascontiguousarray(img[i]), (256, 256), interpolation=cv2.INTER_NEAREST)
    s = 256 / cfg.width
    for a, b in [(gt, (0, 255, 0)), (uv[i], (255, 0, 0))]:
        for q, ok in zip(a, m):
            if ok:
                cv2.circle(t, (int(q[0] * s), int(q[1] * s)), 3, b, -1)
    cv2.putText(t, f"{p * 100:.0f}%", (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 0), 1)
    tiles.append(t)
sheet = np.concatenate([np.concatenate(tiles[r * 8:(r + 1) * 8], 1) for r in range(3)], 0)
cv2.imwrite(sys.argv[3], cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
print("rows: worst 8, middle 8, best 8 ->", sys.argv[3])
