# one-off (session 22): person detection on real photos with person boxes: the 4 COCO images of
# open-mmlab/mmpose tests/data (12 people with >= 12 labelled keypoints; 2 unlabelled ones ignored)
# and the real Kinect v2 frame of lmb-freiburg/rgbd-pose3d (4 people; boxes by hand from its
# people's extent are not available, so there: the count and a drawing). Found = a detection's centre
# point (BlazePose: mid-hip) in the labelled box, box heights within 2x; false = finds nobody labelled.
import sys, json, numpy as np, cv2, os
from pipose_ros.detect import PersonDetector, BodyDetector
onnx = sys.argv[1]; out = sys.argv[2] if len(sys.argv) > 2 else None
root = os.path.expanduser("~/.cache/pipose_ros/realphotos/coco")
d = json.load(open(f"{root}/test_coco.json"))
det = PersonDetector(max_people=8)
body = BodyDetector(onnx, min_score=0.2)
THR = [None, 0.3, 0.4, 0.5, "body-only-0.4"]
res = {str(t): [0, 0, 0] for t in THR}
def hits(b, x):
    return b[0] <= x.hip[0] <= b[2] and b[1] <= x.hip[1] <= b[3] and 0.5 < (x.box[3] - x.box[1]) / (b[3] - b[1]) < 2
for im in d["images"]:
    rgb = cv2.cvtColor(cv2.imread(f"{root}/{im['file_name']}"), cv2.COLOR_BGR2RGB)
    anns = [a for a in d["annotations"] if a["image_id"] == im["id"]]
    lab = [np.array([a["bbox"][0], a["bbox"][1], a["bbox"][0] + a["bbox"][2], a["bbox"][1] + a["bbox"][3]]) for a in anns if a["num_keypoints"] >= 12]
    allb = [np.array([a["bbox"][0], a["bbox"][1], a["bbox"][0] + a["bbox"][2], a["bbox"][1] + a["bbox"][3]]) for a in anns]
    bl, bd = det(rgb), body(rgb)
    for t in THR:
        dets = bl if t is None else ([x for x in bd if x.score >= 0.4] if t == "body-only-0.4" else det._merge(bl + [x for x in bd if x.score >= t]))
        r = res[str(t)]
        r[0] += sum(any(hits(b, x) for x in dets) for b in lab); r[1] += len(lab)
        r[2] += sum(not any(hits(b, x) for b in allb) for x in dets)
    if out:
        vis = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        for b in allb: cv2.rectangle(vis, tuple(int(v) for v in b[:2]), tuple(int(v) for v in b[2:]), (0, 255, 0), 1)
        for x in bl: cv2.rectangle(vis, tuple(int(v) for v in x.box[:2]), tuple(int(v) for v in x.box[2:]), (255, 0, 0), 2)
        for x in bd:
            c = (0, 0, 255) if x.score >= 0.4 else (0, 128, 255)
            cv2.rectangle(vis, tuple(int(v) for v in x.box[:2]), tuple(int(v) for v in x.box[2:]), c, 2)
            cv2.putText(vis, f"{x.score:.2f}", (int(x.box[0]), int(x.box[1]) + 12), 0, 0.4, c, 1)
        cv2.imwrite(f"{out}/{im['file_name'][:-4]}.png", vis)
for t, (h, n, f) in res.items():
    print(f"COCO {t:14s}: found {h}/{n}, false {f}")
k = os.path.expanduser("~/.cache/pipose_ros/realdepth/color.png")
rgb = cv2.cvtColor(cv2.imread(k), cv2.COLOR_BGR2RGB)
bl, bd = det(rgb), body(rgb)
print("Kinect frame: BlazePose", len(bl), "body >=0.4", sum(x.score >= 0.4 for x in bd), "scores", [round(x.score, 2) for x in bd],
      "merged@0.4", len(det._merge(bl + [x for x in bd if x.score >= 0.4])))
if out:
    vis = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    for x in bl: cv2.rectangle(vis, tuple(int(v) for v in x.box[:2]), tuple(int(v) for v in x.box[2:]), (255, 0, 0), 2)
    for x in bd:
        c = (0, 0, 255) if x.score >= 0.4 else (0, 128, 255)
        cv2.rectangle(vis, tuple(int(v) for v in x.box[:2]), tuple(int(v) for v in x.box[2:]), c, 2)
        cv2.putText(vis, f"{x.score:.2f}", (int(x.box[0]), int(x.box[1]) + 12), 0, 0.4, c, 1)
    cv2.imwrite(f"{out}/kinect.png", vis)
