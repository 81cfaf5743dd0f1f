# one-off (session 22): the whole-body detector's time per run (640x480 frame, ONNX Runtime CPU, default threads)
# and BlazePose's whole-image run for comparison; and the Kinect frame / astronaut with both detectors merged.
import time, numpy as np, cv2, os, skimage.data
from pipose_ros.detect import BodyDetector, PersonDetector
body = BodyDetector(); det = PersonDetector(max_people=8)
img = cv2.resize(skimage.data.astronaut(), (640, 480))
def t(f, n=100):
    for _ in range(10): f()
    ts = []
    for _ in range(n):
        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1000)
    return round(float(np.median(ts)), 2), round(float(np.percentile(ts, 95)), 2)
print("whole-body detector run, 640x480 -> 256x256: p50, p95 ms", t(lambda: body(img)))
print("BlazePose detector run (whole image -> 224x224): p50, p95 ms", t(lambda: det._detect(img, 0, 0, (480, 640))))
both = PersonDetector(max_people=8, body=body)
k = cv2.cvtColor(cv2.imread(os.path.expanduser("~/.cache/pipose_ros/realdepth/color.png")), cv2.COLOR_BGR2RGB)
for name, im in (("Kinect frame (4 people)", k), ("astronaut (1)", skimage.data.astronaut())):
    a, b = det(im), both(im)
    print(name, "BlazePose:", len(a), "BlazePose + body:", len(b), "added by body:", sum(x.keypoints is None for x in b))
