"""One-off (session 16): the depth teacher's joint depths from its own uz maps, against reading
them off its input depth at its own 2D joints (pipose label's robust lifting + surface offsets).
Person crops (scale 1.3, no shift) of FOLDER. Usage: CKPT FOLDER"""
import sys
import numpy as np, torch
from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.data.dataset import AugmentedDataset
from pipose_ros.label.lift import LiftConfig, SURFACE_OFFSET_M, lift_joint
from pipose_ros.skeleton import KINECT14
from pipose_ros.spdh import decode, shrink_relative_depth
from pipose_ros.train.metrics import depth_error_parts, pose_metrics
model, meta = load_checkpoint(sys.argv[1]); cfg = meta["spdh_config"]
data, _ = person_crops(sys.argv[2], CropSpec(net_wh=(cfg.width, cfg.height), scale=(1.3, 1.3), shift=0), progress=False)
ds = AugmentedDataset(data, augment=False, canonical_fx=cfg.canonical_fx)
x = torch.stack([ds[i]["depth"] for i in range(len(ds))])
with torch.no_grad():
    out = model(x)
dec = decode(out["uv"].numpy(), out["uz"].numpy(), data.K, cfg)
J = dec["joints"]; uv = dec["uv"]
lc = LiftConfig(window_px=10)  # half window 2 px at 128 px
lifted = J.copy(); n_ok = 0
for i in range(len(J)):
    dm = data.depth_mm[i].astype(np.float32) * 1e-3
    K = data.K[i]
    for j in range(14):
        z, why = lift_joint(dm, uv[i, j, 0], uv[i, j, 1], lc)
        if why != "ok":
            continue
        z += SURFACE_OFFSET_M[KINECT14.names[j]]
        lifted[i, j] = [(uv[i, j, 0] - K[0, 2]) / K[0, 0] * z, (uv[i, j, 1] - K[1, 2]) / K[1, 1] * z, z]
        n_ok += 1
gt, m = data.joints, data.in_image
for name, p in (("uz maps", J), ("uz maps, relative depth gain 0.5", shrink_relative_depth(J, 0.5)),
                ("depth read at the teacher's 2D", lifted)):
    r = pose_metrics(p, gt, m); e = depth_error_parts(p, gt, m, KINECT14.bones)
    print(f"{name:34s} MPJPE {r['mpjpe_cm']:6.2f}  PA {r['pa_mpjpe_cm']:5.2f}  RR {r['rr_mpjpe_cm']:5.2f}  mAP@10 {r['map@10']:5.1f}  "
          f"2D {e['lateral_error_cm']:5.1f}  root {e['root_depth_error_cm']:5.1f}  in-body {e['relative_depth_error_cm']:5.1f} (spread {e['true_depth_spread_cm']:.1f})  mean-pose PA {e['mean_pose_pa_mpjpe_cm']:.1f}")
print(f"lifted {n_ok} of {J.shape[0] * 14} joints ({len(J)} crops of {sys.argv[2]})")
