"""Session 24 one-off: are the in-image joints a confidence threshold hides the wrong ones? For each
student, on the first N frames of pipose-synth-v2 (GT boxes, ONNX Runtime; multi_eval.collect_matches),
in-image joints split at each threshold into kept / hidden with their mean 2D error in metres at the
true depth (the angle between the predicted and the true ray × the true distance: what the joint's
position in the image is off by, independent of the body's distance).
Usage: python oneoff_hidden_joints.py DATA N CKPT [CKPT ...]"""
import sys

import numpy as np

from pipose_ros.estimator import PoseEstimator
from pipose_ros.train.multi_eval import collect_matches

root, n = sys.argv[1], int(sys.argv[2])
for ck in sys.argv[3:]:
    est = PoseEstimator.from_checkpoint(ck, device="cpu", backend="onnxruntime")
    c = collect_matches(est, root, "rgb", max_frames=n, progress=False)
    p, g, m, conf = c["pred"], c["gt"], c["mask"], c["confidence"]
    ray = lambda x: x[..., :2] / np.where(np.abs(x[..., 2:]) > 1e-9, x[..., 2:], 1.0)  # noqa: E731
    err = np.linalg.norm(ray(p) - ray(g), axis=-1) * g[..., 2] * 100  # cm
    e, cf = err[m], conf[m]
    print(f"{ck}: {len(e)} in-image joints, mean 2D error {e.mean():.1f} cm")
    for t in (0.2, 0.3, 0.4, 0.5):
        k = cf >= t
        print(f"  t {t}: kept {100 * k.mean():5.1f} % mean {e[k].mean():5.1f} cm (median {np.median(e[k]):4.1f}); "
              f"hidden {100 * (~k).mean():4.1f} % mean {e[~k].mean() if (~k).any() else float('nan'):5.1f} cm "
              f"(median {np.median(e[~k]) if (~k).any() else float('nan'):4.1f})")
