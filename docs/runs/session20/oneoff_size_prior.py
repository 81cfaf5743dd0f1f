"""One-off (session 20): does a body-size prior on the decoded skeleton read distance better than
the student's own uz maps? Validation renders only (anny-val-s1); nothing here is the benchmark.

For each matched person: bone lengths of the decoded 3D skeleton; factor = median over bones of
(reference length / decoded length), reference = the median true length of that bone over the
validation people; the skeleton scaled along its rays by factor**w (w = 0: as decoded)."""
import sys
import numpy as np
from pipose_ros.estimator import PoseEstimator
from pipose_ros.skeleton import KINECT14
from pipose_ros.train.multi_eval import collect_matches, match_metrics

ck, data = sys.argv[1], sys.argv[2]
flip = "--flip" in sys.argv
est = PoseEstimator.from_checkpoint(ck, device="cpu", min_confidence=0.1, flip_test=flip, size_prior_weight=0.0)
c = collect_matches(est, data, modality="depth" if est.kind == "teacher" else "rgb", progress=False)
pred, gt, mask = c["pred"].astype(np.float64), c["gt"].astype(np.float64), c["mask"]
bones = [b for b in KINECT14.bones]
def lengths(x):
    return np.stack([np.linalg.norm(x[:, a] - x[:, b], axis=-1) for a, b in bones], 1)  # [M, B]
known = (gt[..., 2] > 0)
gl = lengths(gt)
gk = np.stack([known[:, a] & known[:, b] for a, b in bones], 1)
ref = np.array([np.median(gl[gk[:, i], i]) for i in range(len(bones))])
print("reference bone lengths (m):", np.round(ref, 3))
pl = lengths(pred)
for sel in ("all", "in_image", "sum_all"):
    if sel == "all":
        use = np.ones_like(pl, bool)
    elif sel == "in_image":
        use = np.stack([mask[:, a] & mask[:, b] for a, b in bones], 1)
    elif sel == "sum_all":
        use = None
    else:
        names = KINECT14.names
        keep = [i for i, (a, b) in enumerate(bones) if "wrist" not in names[b] and "elbow" not in names[b]
                and names[b] != "nose" and names[a] != "nose"]
        use = np.zeros_like(pl, bool); use[:, keep] = True
        use &= np.stack([mask[:, a] & mask[:, b] for a, b in bones], 1)
    if use is None:
        fac = ref.sum() / np.maximum(pl.sum(1), 1e-6)
    else:
        ratio = np.where(use, ref[None] / np.maximum(pl, 1e-6), np.nan)
        fac = np.nanmedian(ratio, 1)
    fac = np.where(np.isfinite(fac), fac, 1.0)
    for w in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7):
        p2 = pred * (fac ** w)[:, None, None]
        m = match_metrics(c, p2.astype(np.float32))
        zr = np.abs(p2[:, 1, 2] / gt[:, 1, 2] - 1)
        ok = gt[:, 1, 2] > 0
        print(f"{sel:>10} w={w:.2f}: MPJPE {m['mpjpe_cm']:.2f}  mAP@10 {m['map@10']:.1f}  PA {m['pa_mpjpe_cm']:.2f}  "
              f"root depth median err {np.median(zr[ok])*100:.1f} %")
