# one-off: render AnnyMotion sequences once to /tmp/s22/motion_s{seed}_w{w}/seq{i}.npz
import sys, numpy as np, time, os
from pipose_ros.data.anny_motion import AnnyMotion
seed, W, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
out = f"/tmp/s22/motion_s{seed}_w{W}"; os.makedirs(out, exist_ok=True)
gen = AnnyMotion(seed=seed, width=W, length=45, keep=0)
t0 = time.time()
for i in range(n):
    p = f"{out}/seq{i}.npz"
    if os.path.exists(p): continue
    fr = gen.sequence(i)
    np.savez(p, rgb=np.stack([f.rgb for f in fr]), K=np.stack([f.K for f in fr]), joints=np.stack([f.joints for f in fr]),
             in_image=np.stack([f.in_image for f in fr]), visible=np.stack([f.visible for f in fr]), t=np.array([f.meta["t"] for f in fr]))
    print(i, round(time.time()-t0,1), flush=True)
