"""One-off (session 15): the shipped student's PCK@0.2 on the real labelled photos, colour vs grayscale."""
import sys
import cv2
import numpy as np
import pipose_ros.label.realcheck2d as rc
from pipose_ros.estimator import PoseEstimator

est = PoseEstimator.from_checkpoint(sys.argv[2] if len(sys.argv) > 2 else "models/pipose_student_kinect14.pt",
                                    device="cpu", backend="onnxruntime")
col = rc.run(sys.argv[1], est)
orig = cv2.cvtColor
def gray_read(code_img, code):
    out = orig(code_img, code)
    if code == cv2.COLOR_BGR2RGB:
        g = orig(code_img, cv2.COLOR_BGR2GRAY)
        out = np.repeat(g[..., None], 3, -1)
    return out
cv2.cvtColor = gray_read
gr = rc.run(sys.argv[1], est)
print("colour", col["student"]["pck02"], "gray", gr["student"]["pck02"])
for a, b in zip(col["per_person"], gr["per_person"]):
    print(a["image"], round(a["student_pck02"], 1), round(b["student_pck02"], 1))
