"""One-off (session 15): floor_from_depth on robot-domain test frames against their true mount."""
import sys, time
import numpy as np
from pipose_ros.data.folder import read_folder, read_frame
from pipose_ros.label.mount import floor_from_depth, mount_angles, measure_mount

root = sys.argv[1]
info, frames = read_folder(root)
errs = []
t0 = time.time()
for rec in frames[:int(sys.argv[2]) if len(sys.argv) > 2 else 40]:
    rgb, d = read_frame(root, rec)
    fit = floor_from_depth(d, np.array(rec["K"]))
    m = rec.get("meta", {})
    if fit is None:
        print(rec["id"], "no floor", m.get("camera_height_m"), m.get("pitch_deg")); continue
    p, r = mount_angles(fit[0])
    errs.append((fit[0].height - m["camera_height_m"], p - m["pitch_deg"], r))
    print(rec["id"], f"h {fit[0].height:.3f} vs {m['camera_height_m']:.3f}  pitch {p:.2f} vs {m['pitch_deg']:.2f} roll {r:.2f} share {fit[1]:.2f}")
e = np.array(errs)
print("n", len(e), "median |dh| cm", np.median(np.abs(e[:, 0])) * 100, "median |dpitch|", np.median(np.abs(e[:, 1])), "median |roll|", np.median(np.abs(e[:, 2])), "s/frame", (time.time() - t0) / len(frames[:40]))
