#!/bin/bash
# Session 21 (2026-12-01), the same 2-core Intel Xeon as sessions 17-20, no device lent.
# Every number quoted from this session comes from one of these commands.

# the demo after the detector's face rule and the node's camera_info pairing by stamp
# (people: 2 people in each of 10 frames, ids stable; kinect_people: 4, ids stable;
#  synthetic RGB-D sequence: student 45.06, teacher 32.90, rgbd output 22.34 cm)
make demo
# the duplicate on the border-cut astronaut, before/after (detections per frame, one-off)
.venv/bin/python docs/runs/session21/oneoff_people_boxes.py

# temporal smoothing (pipose_ros.smooth, node parameter `smoothing`): the grid on validation renders,
# then the chosen setting (pipose_ros.smooth.DEFAULTS) on pipose-synth-v2, recorded (RESULTS "Jitter")
pipose evaluate-temporal models/pipose_student_kinect14.onnx --data ~/.cache/pipose_ros/anny-val-s1 --grid \
    --json docs/runs/session21/temporal_val_grid.json
pipose evaluate-temporal models/pipose_student_kinect14.onnx --data ~/.cache/pipose_ros/pipose-synth-v2 --sequences 60 \
    --record temporal.student --json docs/runs/session21/temporal_synth_v2.json --note "Settings: the node's defaults (pipose_ros.smooth.DEFAULTS), the lowest-MPJPE setting at min_cutoff ≥ 1 Hz of the grid on validation renders (anny-val-s1, 40 sequences: raw 74.85 cm / jitter 41.86, smoothed 73.01 / 9.40; docs/runs/session21/temporal_val_grid.json). Not measured here: people who move (limbs, walking), whose lag the filter's speed term bounds but this benchmark does not show."
