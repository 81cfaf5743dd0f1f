# one-off (session 22): whole-body box height / COCO box height on the 12 labelled people of the 4 COCO
# photos (training rule: the joints' box grown 15 %, so about 1.1-1.2 x a tight box is right)
import sys, json, numpy as np, cv2, os
from pipose_ros.detect import BodyDetector, PersonDetector
root = os.path.expanduser("~/.cache/pipose_ros/realphotos/coco")
d = json.load(open(f"{root}/test_coco.json"))
body = BodyDetector(sys.argv[1], min_score=0.3); bp = PersonDetector(max_people=8)
rb, rp = [], []
for im in d["images"]:
    rgb = cv2.cvtColor(cv2.imread(f"{root}/{im['file_name']}"), cv2.COLOR_BGR2RGB)
    dets = body(rgb); bl = bp(rgb)
    for a in d["annotations"]:
        if a["image_id"] != im["id"] or a["num_keypoints"] < 12: continue
        x, y, w, h = a["bbox"]
        for lst, r in ((dets, rb), (bl, rp)):
            m = [t for t in lst if x <= t.hip[0] <= x + w and y <= t.hip[1] <= y + h]
            if m: r.append((m[0].box[3] - m[0].box[1]) / h)
print("body box h / COCO h:", np.round(sorted(rb), 2), "median", round(float(np.median(rb)), 2))
print("BlazePose box h / COCO h:", np.round(sorted(rp), 2), "median", round(float(np.median(rp)), 2))
