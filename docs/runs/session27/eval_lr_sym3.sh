#!/bin/bash
# Session 27: the W = 0.1 continuation (train_teacher_lr_sym3.sh) measured as session 25/26 measured its parents:
# its decoding gain on the validation renders (tune-decode; the rule of every shipped model), the left/right
# one-off on 480 validation frames' crops, the real Kinect frame, pipose-synth-v2 (the shipped teacher's command).
set -x
cd /work/main
D=docs/runs/session27
T=/work/runs/s27/teacher_lr_sym3/teacher.pt
export OMP_NUM_THREADS=2
cp /work/runs/s27/teacher_lr_sym3/teacher.val.csv $D/teacher_lr_sym3.val.csv
cp /work/runs/s27/teacher_lr_sym3/teacher.log.csv $D/teacher_lr_sym3.log.csv
.venv/bin/pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/pipose-synth-v2 $T --json $D/teacher_lr_sym3_synth_v2.json 2>&1 | tr '\r' '\n' | grep -v "it/s" | head -5
.venv/bin/pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher $T --png /tmp/teacher_lr_sym3_real.png --json $D/teacher_lr_sym3_realdepth.json 2>&1 | tr '\r' '\n' | grep -v "it/s"
.venv/bin/pipose tune-decode $T --data ~/.cache/pipose_ros/anny-val-s1 --gains 0.5 0.75 1.0 --json $D/teacher_lr_sym3_tune_decode.json 2>&1 | tr '\r' '\n' | grep -v "it/s"
.venv/bin/python docs/runs/session25/oneoff_teacher_left_right.py ~/.cache/pipose_ros/anny-val-s1 480 $T > $D/oneoff_teacher_left_right_lr_sym3.log 2>&1
