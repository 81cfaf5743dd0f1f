"""Session 25 one-off: how close can a monocular estimator that cannot tell a person's size get on a
benchmark? An oracle with the *true* skeleton (true 2D, true root-relative shape) is placed along its
rays at the distance where its bones have a reference person's lengths (`apply_size_prior`, weight 1)
-- what the best monocular estimator does when it reads distance from apparent size alone. Scored like
`pipose evaluate` (people with >= 4 visible joints and a box; joints in the image; `pose_metrics`).
Usage: python oneoff_size_oracle.py FOLDER MODEL.pt   (MODEL's decode.size_prior gives the reference)
"""
import sys

import numpy as np
import torch

from pipose_ros.camera import in_view
from pipose_ros.data.crops import person_box
from pipose_ros.data.folder import frame_people, read_folder, read_frame
from pipose_ros.skeleton import KINECT14
from pipose_ros.spdh import apply_size_prior
from pipose_ros.train.metrics import pose_metrics

root, model = sys.argv[1], sys.argv[2]
sp = torch.load(model, map_location="cpu", weights_only=True)["decode"]["size_prior"]
bones, ref = np.asarray(sp["bones"]), np.asarray(sp["bone_lengths_m"])
_, frames = read_folder(root)
H, W = read_frame(root, frames[0])[1].shape
J = len(KINECT14)
gts, masks, inview_bones_pred, all_bones_pred, own_lengths = [], [], [], [], []
for rec in frames:
    K = np.asarray(rec["K"], np.float64)
    for p in frame_people(rec, J):
        if int(np.sum(p["visible"])) < 4 or person_box(p, K, W, H) is None:
            continue
        g = np.nan_to_num(p["joints"], nan=0.0).astype(np.float32)
        m = in_view(p["joints"], K, W, H)
        gts.append(g)
        masks.append(m)
        j_all = np.where(np.isfinite(p["joints"]), p["joints"], np.nan)[None]
        all_bones_pred.append(np.nan_to_num(apply_size_prior(j_all, bones, ref, 1.0)[0], nan=0.0))
        j_in = np.where(m[:, None], j_all[0], np.nan)[None]  # only bones between joints in the image
        inview_bones_pred.append(np.nan_to_num(apply_size_prior(j_in, bones, ref, 1.0)[0], nan=0.0))
        own_lengths.append(np.linalg.norm(j_all[0, bones[:, 0]] - j_all[0, bones[:, 1]], axis=-1))
gt, mask = np.stack(gts), np.stack(masks)
med_ref = np.nanmedian(np.stack(own_lengths), axis=0)
med_pred = []
for g, m in zip(gts, masks):
    j = np.where(m[:, None], g, np.nan)[None]
    med_pred.append(np.nan_to_num(apply_size_prior(j, bones, med_ref, 1.0)[0], nan=0.0))
rows = [("reference = the model file's (validation renders' median bones); bones between in-image joints", inview_bones_pred),
        ("reference = the model file's; every labelled bone (in the image or not)", all_bones_pred),
        ("reference = this benchmark's own median bones; bones between in-image joints", med_pred)]
print(f"{root}: {len(gt)} people (>= 4 visible joints), {len(frames)} frames, {W}x{H}")
r = KINECT14.root
for name, pred in rows:
    pred = np.stack(pred)
    m = pose_metrics(pred, gt, mask, root=r)
    dist = np.abs(np.linalg.norm(pred[:, r], axis=-1) / np.maximum(np.linalg.norm(gt[:, r], axis=-1), 1e-6) - 1) * 100
    ok = mask[:, r]
    print(f"{name}: MPJPE {m['mpjpe_cm']:.2f} cm, mAP@10 {m['map@10']:.1f} %, PA-MPJPE {m['pa_mpjpe_cm']:.2f} cm, "
          f"median root-distance error {np.median(dist[ok]):.1f} %")
