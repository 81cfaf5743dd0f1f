"""One-off (session 16): PA-MPJPE of a constant mean pose on person crops (a floor for 'learnt
the body shape'): the mean root-relative skeleton of one folder, placed at each GT root, scored by
pose_metrics (Procrustes per person, visible-in-crop joints)."""
import sys
import numpy as np
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.train.metrics import pose_metrics
tr, _ = person_crops(sys.argv[1], CropSpec(net_wh=(128, 128), scale=(1.3, 1.3), shift=0), progress=False)
ev, _ = person_crops(sys.argv[2], CropSpec(net_wh=(128, 128), scale=(1.3, 1.3), shift=0), progress=False)
ok = (tr.joints[:, :, 2] > 0).all(1)
mean = (tr.joints[ok] - tr.joints[ok, 1:2]).mean(0)
pred = ev.joints[:, 1:2] + mean[None]
m = pose_metrics(pred, ev.joints, ev.in_image)
print(f"mean pose of {ok.sum()} people in {sys.argv[1]} on {len(ev.joints)} crops of {sys.argv[2]}: "
      f"PA-MPJPE {m['pa_mpjpe_cm']:.2f} cm, RR-MPJPE {m['rr_mpjpe_cm']:.2f} cm")
