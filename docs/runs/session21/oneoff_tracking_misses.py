# Session 21 one-off: where the node pipeline misses people and switches ids on moving-people sequences
# (AnnyMotion seed 2, first 10 sequences): grouped = the person's 2D joint box overlaps another's (IoU > 0.2);
# facing / side / away from the shoulders' order in the image. Usage: python oneoff_tracking_misses.py WIDTH
import numpy as np, sys
from pipose_ros.estimator import PoseEstimator, CANDIDATES_PER_PERSON
from pipose_ros.data.anny_motion import AnnyMotion
from pipose_ros.detect import PersonDetector, PersonFinder
from pipose_ros.track import BodyTracker
from pipose_ros.camera import project, box_iou, points_box, in_view
from pipose_ros.train.temporal_eval import predict_motion, score_tracking
W = int(sys.argv[1]) if len(sys.argv) > 1 else 320
est = PoseEstimator.from_checkpoint("models/pipose_student_kinect14.onnx")
gen = AnnyMotion(seed=2, width=W, length=45, keep=0)
finder = PersonFinder(PersonDetector(max_people=8), tracking=True, every=3, follow="hips", full_every=30)
seqs = predict_motion(est, gen, 10, finder=finder, tracker_factory=lambda: BodyTracker(max_age_s=1.0), progress=False)
print(W, score_tracking(seqs))
alone_cat = {}; all_cat = {}
sw_group = sw_alone = 0; miss_group = miss_alone = 0
gaps = {"grouped": [], "alone": []}
for seq in seqs:
    last = {}
    last_k = {}
    for k, fr in enumerate(seq):
        K = fr["K"]
        boxes = {}
        for g, gt in enumerate(fr["gt"]):
            m = fr["mask"][g]
            if m.sum() >= 2:
                boxes[g] = points_box(project(gt[m], K))
        def grouped(g):
            return any(box_iou(boxes[g][None], boxes[h][None])[0, 0] > 0.2 for h in boxes if h != g)
        keep = [g for g, m in enumerate(fr["mask"]) if m.sum() >= 4]
        for g in keep:
            if g not in fr["ids"]:
                if grouped(g): miss_group += 1
                else:
                    miss_alone += 1
                    gt = fr["gt"][g]
                    away = gt[5, 0] < gt[2, 0]  # left shoulder left of right shoulder in the image: back to the camera
                    side = abs(gt[5, 0] - gt[2, 0]) < 0.12
                    cat = "side" if side else ("away" if away else "facing")
                    alone_cat[cat] = alone_cat.get(cat, 0) + 1
        for g in keep:
            gt = fr["gt"][g]
            away = gt[5, 0] < gt[2, 0]; side = abs(gt[5, 0] - gt[2, 0]) < 0.12
            cat = "side" if side else ("away" if away else "facing")
            all_cat[cat] = all_cat.get(cat, 0) + 1
        for g, b in fr["ids"].items():
            if g in last and last[g] != b:
                if grouped(g): sw_group += 1
                else: sw_alone += 1
                gaps["grouped" if grouped(g) else "alone"].append(k - last_k[g])
            last[g] = b
            last_k[g] = k
print("switches: grouped", sw_group, "alone", sw_alone, "| misses: grouped", miss_group, "alone", miss_alone)
print("alone misses by facing", alone_cat, "all kept people-frames", all_cat)
print("frames since the previous match at each id switch (15 = track_max_age at 15 Hz):", gaps)
