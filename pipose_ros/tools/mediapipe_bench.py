"""Time MediaPipe Pose in tracking mode (``static_image_mode=False``) on frames from an .npz.

Standalone on purpose (like :mod:`pipose_ros.label.mediapipe_worker`): it runs in the
interpreter that has mediapipe (``.venv-label``). ``pipose benchmark`` calls it with the same
frames it times pipose on.

    python mediapipe_bench.py FRAMES.npz COMPLEXITY N WARMUP  → one JSON line per frame key

COMPLEXITY: 1 = BlazePose GHUM full (in the mediapipe wheel), 2 = heavy (``make
mediapipe-heavy`` puts ``pose_landmark_heavy.tflite`` from npm ``@mediapipe/pose`` beside it;
mediapipe would otherwise try to download it). Each frame key is a video of N + WARMUP copies of
that frame, timed per ``Pose.process`` call (tracking: the detector runs only when the pose is
lost).
"""

import json
import sys
import time


def main() -> int:
    import mediapipe as mp
    import numpy as np

    path, complexity, n, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    frames = np.load(path)
    for key in frames.files:
        rgb = np.ascontiguousarray(frames[key])
        with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=complexity,
                                    min_detection_confidence=0.5, min_tracking_confidence=0.5) as pose:
            ts, found = [], 0
            for i in range(n + warmup):
                t0 = time.perf_counter()
                r = pose.process(rgb)
                dt = (time.perf_counter() - t0) * 1000.0
                if i >= warmup:
                    ts.append(dt)
                    found += r.pose_landmarks is not None
        print(json.dumps({"frame": key, "complexity": complexity, "p50_ms": float(np.median(ts)),
                          "p95_ms": float(np.percentile(ts, 95)), "mean_ms": float(np.mean(ts)),
                          "found": found / n}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
