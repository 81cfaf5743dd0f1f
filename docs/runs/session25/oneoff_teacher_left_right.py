"""Session 25 one-off: does the depth teacher tell a person's left from their right? On held-out person crops
(box x 1.3, no shift) of FOLDER's first MAX_FRAMES frames, for each checkpoint: how often the two joints of a
left/right pair share their uv argmax (within 3 grid cells; the ground-truth maps: how often the joints
really are that close), how often the decoded pair has the right side where its two joints are > 5 cm apart
(50 % = a guess), and MPJPE / mAP@10 / PA-MPJPE as decoded, with the pairs separated (separate_mirrored_peaks
below: each map's second local maximum near the shared peak), and with an oracle choosing each pair's side.
Usage: FOLDER MAX_FRAMES CKPT [CKPT ...]"""
import sys

import numpy as np
import torch

from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.data.dataset import AugmentedDataset
from pipose_ros.spdh import decode
from pipose_ros.train.metrics import pose_metrics
from pipose_ros.train.targets import encode

PAIRS = [(2, 5), (3, 6), (4, 7), (8, 11), (9, 12), (10, 13)]
ORDER = (((2, 5), None), ((8, 11), None), ((3, 6), (2, 5)), ((9, 12), (8, 11)), ((4, 7), (3, 6)), ((10, 13), (9, 12)))


def local_maxima(m):
    p = np.pad(m, 1, constant_values=-np.inf)
    H, W = m.shape
    return np.all([m >= p[1 + dy:1 + dy + H, 1 + dx:1 + dx + W] for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx], 0)


def separate_mirrored_peaks(uv, uz, radius=3, min_ratio=0.5, max_sep=0.25):
    """A pair sharing its argmax: the joint whose map has a second local maximum (>= min_ratio x its peak,
    within max_sep x the map size of the shared peak) moves there; which one: nearer its own side's parent
    (parents apart), else the maps' preference. Returns edited copies and the count moved."""
    uv, uz = uv.copy(), uz.copy()
    B, J, H, W = uv.shape
    yy, xx = np.mgrid[0:H, 0:W]
    moved = 0
    for b in range(B):
        pos = {j: np.array(np.unravel_index(int(np.argmax(uv[b, j])), (H, W))[::-1], float) for j in range(J)}
        for (l, r), parent in ORDER:
            a = pos[l]
            if np.abs(pos[r] - a).max() > radius:
                continue
            second, ratio, disc = {}, {}, {}
            for j in (l, r):
                disc[j] = (xx - pos[j][0]) ** 2 + (yy - pos[j][1]) ** 2 <= radius ** 2
                search = ~disc[j] & ((xx - a[0]) ** 2 + (yy - a[1]) ** 2 <= (max_sep * max(H, W)) ** 2)
                m = np.where(search & local_maxima(uv[b, j]), uv[b, j], -np.inf)
                iy, ix = np.unravel_index(int(np.argmax(m)), (H, W))
                second[j] = np.array([ix, iy], float)
                first = float(uv[b, j].max())
                ratio[j] = float(m[iy, ix]) / first if first > 0 and np.isfinite(m[iy, ix]) else 0.0
            can = [j for j in (l, r) if ratio[j] >= min_ratio]
            if not can:
                continue
            if parent is not None and np.abs(pos[parent[0]] - pos[parent[1]]).max() > radius:
                pl, pr = pos[parent[0]], pos[parent[1]]
                cost = {l: np.linalg.norm(second[l] - pl) + np.linalg.norm(a - pr),
                        r: np.linalg.norm(a - pl) + np.linalg.norm(second[r] - pr)}
                j = min(can, key=lambda q: cost[q])
            else:
                other = {l: r, r: l}
                j = max(can, key=lambda q: uv[b, q][int(second[q][1]), int(second[q][0])] + uv[b, other[q]][int(a[1]), int(a[0])])
            uv[b, j][disc[j]] = 0.0
            if abs(second[j][0] - pos[j][0]) > radius:
                uz[b, j][:, np.abs(np.arange(W) - pos[j][0]) <= radius] = 0.0
            pos[j] = second[j]
            moved += 1
    return uv, uz, moved


def share(uv, m):
    B, J, H, W = uv.shape
    iy, ix = np.divmod(uv.reshape(B, J, -1).argmax(-1), W)
    out = []
    for a, b in PAIRS:
        ok = m[:, a] & m[:, b]
        d = np.maximum(abs(ix[:, a] - ix[:, b]), abs(iy[:, a] - iy[:, b]))
        out.append(100 * np.mean(d[ok] <= 3))
    return out


folder, nmax = sys.argv[1], int(sys.argv[2])
for ck in sys.argv[3:]:
    model, meta = load_checkpoint(ck)
    cfg = meta["spdh_config"]
    data, _ = person_crops(folder, CropSpec(net_wh=(cfg.width, cfg.height), scale=(1.3, 1.3), shift=0), max_frames=nmax,
                           progress=False)
    ds = AugmentedDataset(data, augment=False, canonical_fx=cfg.canonical_fx)
    x = torch.stack([ds[i]["depth"] for i in range(len(ds))])
    uvs, uzs = [], []
    with torch.no_grad():
        for s in range(0, len(x), 64):
            o = model(x[s:s + 64])
            uvs.append(o["uv"].float().numpy())
            uzs.append(o["uz"].float().numpy())
    uv, uz = np.concatenate(uvs), np.concatenate(uzs)
    gt, m = data.joints, data.in_image
    gu, _ = encode(torch.tensor(gt), torch.tensor(data.K, dtype=torch.float32), cfg)
    print(f"{ck} ({len(gt)} crops of {folder}, {cfg.width} px, grid {uv.shape[-1]})")
    print("  pair argmax shared (pred / truth): " + "; ".join(
        f"{a},{b}: {p:.0f} / {t:.0f} %" for (a, b), p, t in zip(PAIRS, share(uv, m), share(gu.numpy(), m))))
    plain = decode(uv, uz, data.K, cfg)["joints"]
    u2, z2, n = separate_mirrored_peaks(uv, uz)
    sep = decode(u2, z2, data.K, cfg)["joints"]
    for name, j in [("as decoded", plain), (f"pairs separated ({n} joints moved)", sep)]:
        right = []
        best = j.copy()
        for a, b in PAIRS:
            ok = m[:, a] & m[:, b]
            apart = np.linalg.norm(j[:, a] - j[:, b], axis=-1) > 0.05
            ea = np.linalg.norm(j[:, [a, b]] - gt[:, [a, b]], axis=-1).sum(1)
            eb = np.linalg.norm(j[:, [b, a]] - gt[:, [a, b]], axis=-1).sum(1)
            right.append(f"{100 * np.mean(ea[ok & apart] <= eb[ok & apart]):.0f}")
            best[eb < ea, a], best[eb < ea, b] = j[eb < ea, b], j[eb < ea, a]
        r0, r1 = pose_metrics(j, gt, m, root=1), pose_metrics(best, gt, m, root=1)
        print(f"  {name}: MPJPE {r0['mpjpe_cm']:.2f} cm, mAP@10 {r0['map@10']:.1f} %, PA-MPJPE {r0['pa_mpjpe_cm']:.2f} cm; "
              f"right side where apart (%, per pair) {'/'.join(right)}; with an oracle's sides: MPJPE {r1['mpjpe_cm']:.2f}, "
              f"mAP@10 {r1['map@10']:.1f}, PA-MPJPE {r1['pa_mpjpe_cm']:.2f}", flush=True)
