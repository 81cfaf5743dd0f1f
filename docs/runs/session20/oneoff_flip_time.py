"""One-off (session 20): network time of the shipped student and teacher (ONNX Runtime, this CPU) per call
with 1 and 4 person crops, without and with the flip test (median of 30 calls after 5 warm-up calls)."""
import time

import numpy as np

from pipose_ros.estimator import PoseEstimator

rng = np.random.default_rng(0)
for name in ("pipose_student_kinect14.onnx", "pipose_teacher_kinect14.onnx"):
    est = PoseEstimator.from_checkpoint(f"models/{name}", "cpu", 0.0, backend="onnxruntime")
    c = 1 if est.kind == "teacher" else 3  # the teacher reads one depth channel
    for n in (1, 4):
        x = rng.normal(size=(n, c, est.input_h, est.input_w)).astype(np.float32)
        row = []
        for flip in (False, True):
            est.set_flip_test(flip)
            for _ in range(5):
                est.maps(x)
            t = []
            for _ in range(30):
                t0 = time.perf_counter()
                est.maps(x)
                t.append((time.perf_counter() - t0) * 1e3)
            row.append(float(np.median(t)))
        print(f"{name}: {n} crop(s) {est.input_w}x{est.input_h}: {row[0]:.1f} ms, flip test {row[1]:.1f} ms (x{row[1] / row[0]:.2f})")
