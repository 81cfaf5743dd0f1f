"""One-off (session 18): how many person crops show their person in the *depth* image at all.
Uses the crops' ``depth_seen`` (pipose_ros.data.crops.depth_seen_fraction: a visible joint
counts as seen when a valid depth pixel within ±2 px of its projection lies within 0.25 m of its
depth). Prints the distribution of that fraction, and (with CKPT) the depth teacher's 2D PCK@0.2 per bin.
Usage: FOLDER MAX_FRAMES [CKPT]"""
import sys
import numpy as np, torch
from pipose_ros.camera import project
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.data.dataset import AugmentedDataset
from pipose_ros.label.realcheck2d import pck, torso_size

size = 128
data, info = person_crops(sys.argv[1], CropSpec(net_wh=(size, size), scale=(1.3, 1.3), shift=0),
                          max_frames=int(sys.argv[2]), progress=False)
fr = np.array([m["depth_seen"] for m in info])  # pipose_ros.data.crops.depth_seen_fraction of the visible joints
dist = np.array([np.median(data.joints[i][data.in_image[i], 2]) for i in range(len(data.K))])
bins = [(-0.01, 0.0), (0.0, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 1.0)]
print(f"{sys.argv[1]}: {len(fr)} crops from {sys.argv[2]} frames")
for lo, hi in bins:
    s = (fr > lo) & (fr <= hi)
    print(f"  joints seen in depth ({lo:.2f}, {hi:.2f}]: {s.mean() * 100:5.1f} % of crops, median distance {np.median(dist[s]) if s.any() else float('nan'):.2f} m")
for d0, d1 in [(0, 3), (3, 4.5), (4.5, 6), (6, 9)]:
    s = (dist >= d0) & (dist < d1)
    print(f"  person at {d0}-{d1} m: {s.sum():4d} crops, mean fraction seen {np.nanmean(fr[s]) if s.any() else float('nan'):.2f}, none seen {np.mean(fr[s] == 0) * 100 if s.any() else 0:.0f} %")
if len(sys.argv) > 3:
    from pipose_ros.checkpoint import load_checkpoint
    from pipose_ros.spdh import decode
    model, meta = load_checkpoint(sys.argv[3]); cfg = meta["spdh_config"]
    assert cfg.width == size
    ds = AugmentedDataset(data, augment=False, canonical_fx=cfg.canonical_fx)
    x = torch.stack([ds[i]["depth"] for i in range(len(ds))])
    with torch.no_grad():
        out = model(x)
    uv = decode(out["uv"].numpy(), out["uz"].numpy(), data.K, cfg)["uv"]
    p = np.full(len(fr), np.nan)
    for i in range(len(fr)):
        K = data.K[i]; j = data.joints[i]; m = data.in_image[i]; z = np.maximum(j[:, 2], 1e-3)
        gt = project(np.concatenate([j[:, :2], z[:, None]], 1), K)  # z clamped: out-of-view joints stay finite
        ref = torso_size(gt, m)
        if ref:
            p[i] = np.nanmean(pck(uv[i], gt, m, ref))
    print(f"  teacher {sys.argv[3]}: PCK@0.2 {np.nanmean(p) * 100:.1f} % in all")
    for lo, hi in bins:
        s = (fr > lo) & (fr <= hi) & np.isfinite(p)
        print(f"    seen ({lo:.2f}, {hi:.2f}]: PCK@0.2 {np.mean(p[s]) * 100 if s.any() else float('nan'):5.1f} % ({s.sum()} crops)")
