"""Session 24 one-off: joints out of the image, split by where the network's crop has them — in the
crop (its padding beyond the image: supervised in training whatever --pe-mask) or out of the crop
(masked by the default --pe-mask in_image, trained towards empty maps by --pe-mask known). Per split:
count, median confidence, share drawn inside the image; and in-image joints' median confidence.
Ground-truth boxes, the first N frames of pipose-synth-v2, ONNX Runtime.
Usage: python oneoff_out_of_view.py DATA N CKPT [CKPT ...]"""
import sys

import numpy as np

from pipose_ros.camera import in_view, project, uv_in_image
from pipose_ros.data.crops import person_box
from pipose_ros.data.folder import frame_people, read_folder, read_frame
from pipose_ros.estimator import PoseEstimator
from pipose_ros.preprocess import rgb_input
from pipose_ros.skeleton import KINECT14

root, n = sys.argv[1], int(sys.argv[2])
_, frames = read_folder(root)
for ck in sys.argv[3:]:
    est = PoseEstimator.from_checkpoint(ck, device="cpu", backend="onnxruntime")
    rows = {"in_image": [], "out_in_crop": [], "out_of_crop": []}
    for rec in frames[:n]:
        rgb, dep = read_frame(root, rec)
        H, W = dep.shape
        K = np.asarray(rec["K"], np.float64)
        people = [p for p in frame_people(rec, len(KINECT14)) if int(np.sum(p["visible"])) >= 4
                  and person_box(p, K, W, H) is not None]
        if not people:
            continue
        boxes = [person_box(p, K, W, H) for p in people]
        views = est._views(rgb.shape[:2], boxes)
        Kn = np.stack([v.apply_K(K) for v in views])
        d = est._run(rgb_input(np.stack([v.image(rgb) for v in views]), est.norm), Kn)
        for i, (p, v) in enumerate(zip(people, views)):
            known = np.isfinite(p["joints"]).all(1)
            inimg = in_view(p["joints"], K, W, H)
            incrop = in_view(p["joints"], Kn[i], est.input_w, est.input_h)
            drawn = uv_in_image(v.to_source(d["uv"][i]), W, H)
            for j in np.nonzero(known)[0]:
                key = "in_image" if inimg[j] else ("out_in_crop" if incrop[j] else "out_of_crop")
                rows[key].append((float(d["confidence"][i, j]), bool(drawn[j])))
    print(ck)
    for k, r in rows.items():
        a = np.array(r) if r else np.zeros((0, 2))
        print(f"  {k:12s} joints {len(a):6d}  median confidence {np.median(a[:, 0]) if len(a) else float('nan'):.3f}  "
              f"p90 {np.percentile(a[:, 0], 90) if len(a) else float('nan'):.3f}  drawn inside the image "
              f"{100 * a[:, 1].mean() if len(a) else float('nan'):.1f} %")
