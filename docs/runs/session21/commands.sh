#!/bin/bash
# Session 21 (2026-12-01), the same 2-core Intel Xeon as sessions 17-20, no device lent.
# Every number quoted from this session comes from one of these commands.

# the demo after the detector's face rule and the node's camera_info pairing by stamp
# (people: 2 people in each of 10 frames, ids stable; kinect_people: 4, ids stable;
#  synthetic RGB-D sequence: student 45.06, teacher 32.90, rgbd output 22.34 cm)
make demo
# the duplicate on the border-cut astronaut, before/after (detections per frame, one-off)
.venv/bin/python docs/runs/session21/oneoff_people_boxes.py
