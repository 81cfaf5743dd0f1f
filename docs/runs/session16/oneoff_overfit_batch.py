"""One-off (session 16): can the shipped depth teacher fit ONE fixed batch of 16 person crops?
No augmentation, constant lr. Reports L_PE in train and eval mode, and decoded MPJPE / PA-MPJPE /
2D pixel error on that batch in eval mode. Separates 'cannot fit' (design) from 'under-trained'."""
import sys, time
import numpy as np, torch
from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.data.dataset import AugmentedDataset
from pipose_ros.train.targets import encode
from pipose_ros.train.losses import pose_loss
from pipose_ros.train.metrics import pose_metrics
from pipose_ros.train.trainer import param_groups
from pipose_ros.spdh import decode

ck = sys.argv[1]; steps = int(sys.argv[2]); lr = float(sys.argv[3]); blr = float(sys.argv[4])
ncrops = int(sys.argv[5]) if len(sys.argv) > 5 else 16  # > 16: random batches of 16 from the first ncrops; eval on the first 64
torch.manual_seed(0)
model, meta = load_checkpoint(ck)
cfg = meta["spdh_config"]
data, _ = person_crops(sys.argv[7] if len(sys.argv) > 7 else "/work/study16/of48", CropSpec(net_wh=(cfg.width, cfg.height), scale=(1.3, 1.3), shift=0), progress=False)
ds = AugmentedDataset(data, augment=False, canonical_fx=cfg.canonical_fx)
ncrops = min(ncrops, len(ds))
items = [ds[i] for i in range(ncrops)]
allb = {k: torch.stack([it[k] for it in items]) for k in items[0]}
b = {k: v[:64] for k, v in allb.items()}
gt_uv, gt_uz = encode(b["joints"], b["K"], cfg)
rng = np.random.default_rng(0)
def train_batch():
    if ncrops <= 16:
        return allb
    idx = torch.from_numpy(rng.choice(ncrops, 16, replace=False))
    return {k: v[idx] for k, v in allb.items()}
print(f"{ncrops} crops")
frozen_bn = len(sys.argv) > 6 and sys.argv[6] == "frozen_bn"
def set_train():
    model.train()
    if frozen_bn:  # batch-norm layers use (and keep) their running statistics: train = eval
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.eval()
opt = torch.optim.Adam(param_groups(model, lr, blr), lr=lr)
def ev():
    model.eval()
    with torch.no_grad():
        out = model(b["depth"])
        le = pose_loss(out["uv"], out["uz"], gt_uv, gt_uz, b["mask"], 20.0).item()
        dec = decode(out["uv"].numpy(), out["uz"].numpy(), b["K"].numpy(), cfg)
    m = pose_metrics(dec["joints"], b["joints"].numpy(), b["mask"].numpy() > 0)
    K = b["K"].numpy(); j = b["joints"].numpy(); z = np.maximum(j[..., 2], 1e-3)
    uvg = np.stack([K[:, None, 0, 0] * j[..., 0] / z + K[:, None, 0, 2], K[:, None, 1, 1] * j[..., 1] / z + K[:, None, 1, 2]], -1)
    px = np.linalg.norm(dec["uv"] - uvg, axis=-1)[b["mask"].numpy() > 0].mean()
    dz = np.abs(dec["joints"][..., 2] - j[..., 2])[b["mask"].numpy() > 0].mean() * 100
    return le, m["mpjpe_cm"], m["pa_mpjpe_cm"], px, dz
t0 = time.time()
print("step  lpe_train lpe_eval  mpjpe  pa  2d_px  |dz|cm")
for s in range(steps + 1):
    if s % 25 == 0:
        le, mp, pa, px, dz = ev()
        print(f"{s:4d} {ltr if s else float('nan'):9.2f} {le:8.2f} {mp:6.2f} {pa:5.2f} {px:6.2f} {dz:6.2f}  {time.time()-t0:.0f}s", flush=True)
    if s == steps: break
    set_train()
    tb = train_batch()
    tu, tz = encode(tb["joints"], tb["K"], cfg)
    out = model(tb["depth"])
    loss = pose_loss(out["uv"], out["uz"], tu, tz, tb["mask"], 20.0)
    opt.zero_grad(); loss.backward(); opt.step(); ltr = loss.item()
