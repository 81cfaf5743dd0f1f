"""Session 25 one-off: does the depth teacher tell a person's left from their right? On held-out person crops
(box x 1.3, no shift) of FOLDER's first MAX_FRAMES frames, for each checkpoint: how often the two joints of a
left/right pair share their uv argmax (within 3 grid cells; the ground-truth maps: how often the joints
really are that close), how often the decoded pair has the right side where its two joints are > 5 cm apart
(50 % = a guess), and MPJPE / mAP@10 / PA-MPJPE as decoded, with the pairs separated (lr_peaks.separate_mirrored_peaks:
each map's second local maximum near the shared peak), and with an oracle choosing each pair's side.
Usage: FOLDER MAX_FRAMES CKPT [CKPT ...]"""
import sys
from pathlib import Path

import numpy as np
import torch

from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.data.dataset import AugmentedDataset
from pipose_ros.spdh import decode
from pipose_ros.train.metrics import pose_metrics
from pipose_ros.train.targets import encode

sys.path.insert(0, str(Path(__file__).parent))
from lr_peaks import PAIRS, separate_mirrored_peaks  # noqa: E402


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
