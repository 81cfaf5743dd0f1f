# one-off (session 22): full-detection recall / false detections per frame on cached motion sequences:
# BlazePose alone vs + the whole-body detector at several score thresholds. A person (>= 4 visible joints)
# is found when a detection's centre point (BlazePose: mid-hip) lies in their ground-truth box and the box
# heights agree within 2x; a detection that finds nobody with any in-image joint is a false detection.
import sys, numpy as np, collections
sys.path.insert(0, __import__("os").path.dirname(__file__))
from oneoff_harness import Cached
from pipose_ros.detect import PersonDetector, BodyDetector
from pipose_ros.camera import project, points_box
from pipose_ros.train.temporal_eval import _gt_boxes
d, n, every, onnx = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
det = PersonDetector(max_people=8)
body = BodyDetector(onnx, min_score=0.2)
gen = Cached(d, n)
THR = [None, 0.3, 0.4, 0.5, 0.6, "body-only-0.4"]
stat = {t: collections.defaultdict(lambda: [0, 0]) for t in THR}
fps = {t: 0 for t in THR}
def hits(b, x):
    return b[0] <= x.hip[0] <= b[2] and b[1] <= x.hip[1] <= b[3] and 0.5 < (x.box[3] - x.box[1]) / (b[3] - b[1]) < 2
for i in range(len(gen.files)):
    for k, f in enumerate(gen.sequence(i)):
        if k % every: continue
        H, W = f.rgb.shape[:2]
        masks = f.in_image & f.visible
        keep = [g for g in range(len(f.joints)) if masks[g].sum() >= 4]
        boxes = _gt_boxes(list(f.joints), f.K, W, H, keep)
        anyone = _gt_boxes(list(f.joints), f.K, W, H, range(len(f.joints)))
        bl = det(f.rgb); bd = body(f.rgb)
        for t in THR:
            if t is None: dets = bl
            elif t == "body-only-0.4": dets = [x for x in bd if x.score >= 0.4]
            else: dets = det._merge(bl + [x for x in bd if x.score >= t])
            fps[t] += sum(not any(hits(b, x) for b in anyone.values()) for x in dets)
            for g, b in boxes.items():
                gt = f.joints[g]
                side = abs(gt[5, 0] - gt[2, 0]) < 0.12
                cat = "side" if side else ("away" if gt[5, 0] < gt[2, 0] else "facing")
                z = gt[[8, 11], 2].mean()
                dist = "<2.5m" if z < 2.5 else ("2.5-4m" if z < 4 else ">4m")
                head = "head_in_view" if masks[g][0] or masks[g][1] else "head_out"
                hit = any(hits(b, x) for x in dets)
                for key in (cat, dist, head, "all"):
                    stat[t][key][0] += int(hit); stat[t][key][1] += 1
for t in THR:
    s = stat[t]
    print(f"{str(t):14s} false {fps[t]:4d} | " + " ".join(f"{k} {100*h/tt:.1f}% ({tt})" for k, (h, tt) in sorted(s.items())))
