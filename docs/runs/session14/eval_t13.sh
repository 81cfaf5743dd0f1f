#!/bin/bash
# session 14: the student distilled again from session 13's teacher (train_student224_t13.sh) against the
# shipped student, as run
set -ex
cd /work/main
P=.venv/bin/pipose
W=/work/runs/student224_t13/student.pt
R=~/.cache/pipose_ros/distill-demo-s13/test   # 400 robot-domain frames (pipose distill-demo's held-out set)
S=~/.cache/pipose_ros/pipose-synth-v2
O=docs/runs/session14
$P tune-decode $W --data ~/.cache/pipose_ros/anny-val-s1 --json $O/student224_t13_tune_decode.json --write
$P realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $W --json $O/student224_t13_real2d.json
$P realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student $W --box-scales 0.8 0.9 1.0 1.1 1.25 --json $O/student224_t13_realcheck_depth.json
$P evaluate --backend onnxruntime --data $R models/pipose_student_kinect14.pt $W --json $O/robot_test_t13.json
$P evaluate --backend onnxruntime --data $S $W --json $O/student224_t13_synth_v2.json
