"""Session 25 one-off: the depth teacher with its left/right pairs split at decoding (lr_peaks.py), end to end:
`pipose evaluate` on FOLDER (full frames, ground-truth boxes) or, with FOLDER = real, `pipose realcheck-depth` on
the real Kinect v2 frame -- the estimator's maps patched in this process. Usage: FOLDER|real CKPT JSON [PNG]"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from lr_peaks import separate_mirrored_peaks  # noqa: E402

from pipose_ros import estimator as E  # noqa: E402
from pipose_ros.cli import main  # noqa: E402

orig = E.PoseEstimator.maps
moved = {"joints": 0, "views": 0}


def maps(self, x):
    uv, uz = orig(self, x)
    if self.kind == "teacher":
        uv, uz, n = separate_mirrored_peaks(uv, uz)
        moved["joints"] += n
        moved["views"] += len(uv)
    return uv, uz


E.PoseEstimator.maps = maps
folder, ck, js = sys.argv[1:4]
if folder == "real":
    rc = main(["realcheck-depth", str(Path.home() / ".cache/pipose_ros/realdepth"), "--rgbd-pose3d", "--teacher", ck,
               "--png", sys.argv[4] if len(sys.argv) > 4 else "/tmp/teacher_lr_real.png", "--json", js])
else:
    rc = main(["evaluate", "--backend", "onnxruntime", "--data", folder, ck, "--json", js])
print(f"pairs split: {moved['joints']} joints moved in {moved['views']} crops", flush=True)
sys.exit(rc)
