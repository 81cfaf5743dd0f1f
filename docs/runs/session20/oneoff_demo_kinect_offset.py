"""One-off (session 20): why do the skeletons in make demo's kinect_people.png sit left of the people?
For each of the 10 panned frames: the node's published student skeleton (the recorded /skeleton_markers,
SPHERE_LIST per body, camera optical frame) projected with that frame's own K, against the same network
run here on that frame with the frame's own K (BlazePose detector boxes). Usage: python THIS DEMO_OUT_DIR"""
import sys
from pathlib import Path

import numpy as np
from rosbags.highlevel import AnyReader

from pipose_ros.camera import project
from pipose_ros.detect import PersonDetector
from pipose_ros.estimator import PoseEstimator
from pipose_ros.tools.demo import _people_sequences

with AnyReader([Path(sys.argv[1]) / "bag"]) as r:
    msgs = [r.deserialize(raw, c.msgtype) for c, t, raw in r.messages() if c.topic == "/skeleton_markers"]
kin = [m for m in msgs if len({mk.ns for mk in m.markers if mk.action == 0 and mk.ns.startswith("student/")}) == 4]
seq = dict(_people_sequences())["kinect_people"]
est = PoseEstimator.from_checkpoint("models/pipose_student_kinect14.pt", "cpu", 0.1)
det = PersonDetector(max_people=8)
for i, m in enumerate(kin):
    f = seq[i]
    pub = sorted(project(np.array([[p.x, p.y, p.z] for p in mk.points]), f["K"])[1, 0]
                 for mk in m.markers if mk.action == 0 and mk.ns.startswith("student/") and mk.type == 7)
    fresh = sorted(s.uv[1, 0] for s in est.estimate_people(f["rgb"], f["K"], [d.box for d in det(f["rgb"])], 4))
    print(f"frame {i}: neck u published {np.round(pub).tolist()}  same network, frame's own K {np.round(fresh).tolist()}")
