"""One-off (session 16): does recomputing the batch-norm statistics of a trained checkpoint
("precise BN": population statistics from forward passes over augmented training crops, no
gradient) close the gap between its train-mode and eval-mode error?
Usage: oneoff_precise_bn.py CKPT CAL_FOLDER EVAL_FOLDER [kind]"""
import sys
import numpy as np, torch
from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.data.dataset import AugmentedDataset
from pipose_ros.train.trainer import evaluate

ck, cal, evf = sys.argv[1:4]
kind = sys.argv[4] if len(sys.argv) > 4 else "teacher"
model, meta = load_checkpoint(ck)
cfg = meta["spdh_config"]
wh = (cfg.width, cfg.height)
ev, _ = person_crops(evf, CropSpec(net_wh=wh, scale=(1.3, 1.3), shift=0), progress=False)
cd, _ = person_crops(cal, CropSpec(net_wh=wh), progress=False)
def show(tag):
    m = evaluate(model, kind, ev, cfg, device="cpu")
    print(f"{tag:28s} MPJPE {m['mpjpe_cm']:6.2f}  PA {m['pa_mpjpe_cm']:5.2f}  RR {m['rr_mpjpe_cm']:5.2f}  mAP@10 {m['map@10']:5.1f}", flush=True)
show("shipped running stats")
ds = AugmentedDataset(cd, augment=True, z_shift=0.3 if kind == "teacher" else 0.0, canonical_fx=cfg.canonical_fx,
                      bg_dropout=0.2 if kind == "teacher" else 0.0)
bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
for m in bns:
    m.reset_running_stats(); m.momentum = None  # cumulative average
model.train()
order = np.random.default_rng(0).permutation(len(ds))
with torch.no_grad():
    for s in range(0, len(order) - 15, 16):
        it = [ds[int(i)] for i in order[s:s + 16]]
        x = torch.stack([t["depth" if kind == "teacher" else "rgb"] for t in it])
        model(x)
model.eval()
print(f"recalibrated on {len(order) // 16} batches of 16 ({len(order)} crops of {cal})")
show("precise-BN stats")
