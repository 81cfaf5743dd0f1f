"""MediaPipe Pose (BlazePose full, offline weights in the mediapipe==0.10.14 wheel) over images.

Standalone on purpose: it runs inside whichever interpreter has mediapipe — the main one, or
the separate ``.venv-label`` that ``make label-env`` builds, because mediapipe pulls
opencv-contrib-python and jax, which must not replace the main environment's packages.

    python mediapipe_worker.py ROOT < relative_image_paths > landmarks.jsonl

An input line may add a window after a tab, ``path<TAB>x0 y0 x1 y1`` (pixels): the pose is
then searched in that window only (BlazePose finds one person per image, so several windows
find several people) and the landmarks are still in the full image's pixels.

Output per input line: ``{"path": …, "window": [x0, y0, x1, y1] | null,
"landmarks": [[u_px, v_px, visibility] × 33] | null}``.
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
            rel, _, win = line.rstrip("\n").partition("\t")
            rel = rel.strip()
            if not rel:
                continue
            bgr = cv2.imread(f"{root}/{rel}", cv2.IMREAD_COLOR)
            x0 = y0 = 0
            window = [int(float(v)) for v in win.split()] if win.strip() else None
            out = {"path": rel, "window": window, "landmarks": None}
            if bgr is not None:
                if window is not None:
                    x0, y0, x1, y1 = window
                    bgr = bgr[max(0, y0):y1, max(0, x0):x1]
                    x0, y0 = max(0, x0), max(0, y0)
                h, w = bgr.shape[:2]
                r = pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)) if h and w else None
                if r is not None and r.pose_landmarks is not None:
                    out["landmarks"] = [[lm.x * w - 0.5 + x0, lm.y * h - 0.5 + y0, lm.visibility]
                                        for lm in r.pose_landmarks.landmark]
            sys.stdout.write(json.dumps(out) + "\n")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
