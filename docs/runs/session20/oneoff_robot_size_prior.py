"""One-off (session 20): the distill-demo students of session 19 (~/.cache/pipose_ros/distill-demo-s19)
with the body-size prior that a fine-tuned student now inherits from --init (decode settings, chosen on the
Anny validation renders by `pipose tune-decode` for the shipped student; the training does not depend on them).
Writes copies with the shipped student's decode into OUT; evaluate them with `pipose evaluate` (commands.sh)."""
import sys
import shutil
from pathlib import Path

from pipose_ros.checkpoint import load_checkpoint, set_decode

work, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
decode = load_checkpoint("models/pipose_student_kinect14.pt")[1]["decode"]
for name in ("after", "no_pi", "mp"):
    dst = out / f"{name}.pt"
    shutil.copy(work / f"{name}.pt", dst)
    old = load_checkpoint(dst)[1].get("decode") or {}
    new = set_decode(dst, {"size_prior": decode["size_prior"], "inherited_from": "models/pipose_student_kinect14.pt (session 20)"})
    print(name, "relative_depth_gain", old.get("relative_depth_gain"), "->", new.get("relative_depth_gain"),
          "size prior weight", new["size_prior"]["weight"])
