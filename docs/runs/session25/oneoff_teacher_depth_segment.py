"""Session 25 one-off: can a depth-only segmentation remove the other people from a teacher crop?
The crop's person = the depth pixels within BAND m of the median depth of the crop's central window,
connected to that window (optionally split at depth edges > EDGE x z); grown by 3 px; the rest made
invalid. The shipped teacher on 480 validation frames' crops (box x 1.3), MPJPE / mAP@10 / PA-MPJPE.
Usage: FOLDER MAX_FRAMES"""
import sys
import cv2
import numpy as np
from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.train.trainer import evaluate

model, meta = load_checkpoint("models/pipose_teacher_kinect14.pt")
cfg = meta["spdh_config"]
data, info = person_crops(sys.argv[1], CropSpec(net_wh=(cfg.width, cfg.height), scale=(1.3, 1.3), shift=0, people_mask=True),
                          max_frames=int(sys.argv[2]), progress=False)

def isolate(d, band, edge, cw=0.15, ch=0.25):
    H, W = d.shape
    c = d[int(H*(0.5-ch)):int(H*(0.5+ch)), int(W*(0.5-cw)):int(W*(0.5+cw))]
    v = c[c > 0]
    if v.size < 5:
        return d
    z0 = np.median(v)
    m = (d > 0) & (np.abs(d - z0) < band)
    if edge > 0:
        dd = np.where(d > 0, d, 0).astype(np.float32)
        gx = np.abs(np.diff(dd, axis=1, prepend=dd[:, :1])); gy = np.abs(np.diff(dd, axis=0, prepend=dd[:1]))
        m &= np.maximum(gx, gy) < edge * max(z0, 1.0)
    n, lab = cv2.connectedComponents(m.astype(np.uint8), connectivity=8)
    centre = lab[int(H*(0.5-ch)):int(H*(0.5+ch)), int(W*(0.5-cw)):int(W*(0.5+cw))]
    ids, cnt = np.unique(centre[centre > 0], return_counts=True)
    if not len(ids):
        return d
    keep = np.isin(lab, ids[cnt >= max(3, 0.1 * cnt.max())])
    keep = cv2.dilate(keep.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    return np.where(keep, d, 0)

base = evaluate(model, "teacher", data, cfg, device="cpu")
print("rendered", round(base["mpjpe_cm"], 2), round(base["map@10"], 1), round(base["pa_mpjpe_cm"], 2))
for band in [0.5, 0.8, 1.2]:
    for edge in [0.0, 0.1]:
        s = data.subset(slice(None))
        for i in range(len(s.K)):
            d = s.depth_mm[i].astype(np.float32) * 1e-3
            s.depth_mm[i] = (isolate(d, band, edge) * 1000).astype(np.uint16)
        m = evaluate(model, "teacher", s, cfg, device="cpu")
        print(f"band {band} edge {edge}: {m['mpjpe_cm']:.2f} {m['map@10']:.1f} {m['pa_mpjpe_cm']:.2f}")
