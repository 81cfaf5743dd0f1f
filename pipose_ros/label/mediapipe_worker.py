"""MediaPipe Pose (BlazePose full, offline weights in the mediapipe==0.10.14 wheel) over images.

Standalone on purpose: it runs inside whichever interpreter has mediapipe — the main one, or
the separate ``.venv-label`` that ``make label-env`` builds, because mediapipe pulls
opencv-contrib-python and jax, which must not replace the main environment's packages.

    python mediapipe_worker.py ROOT < relative_image_paths > landmarks.jsonl

Output per input line: ``{"path": …, "landmarks": [[u_px, v_px, visibility] × 33] | null}``.
"""

import json
import sys


def main() -> int:
    import cv2
    import mediapipe as mp

    root = sys.argv[1]
    with mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1,
                                min_detection_confidence=0.5) as pose:
        for line in sys.stdin:
            rel = line.strip()
            if not rel:
                continue
            bgr = cv2.imread(f"{root}/{rel}", cv2.IMREAD_COLOR)
            out = {"path": rel, "landmarks": None}
            if bgr is not None:
                h, w = bgr.shape[:2]
                r = pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                if r.pose_landmarks is not None:
                    out["landmarks"] = [[lm.x * w - 0.5, lm.y * h - 0.5, lm.visibility]
                                        for lm in r.pose_landmarks.landmark]
            sys.stdout.write(json.dumps(out) + "\n")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
