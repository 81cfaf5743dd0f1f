#!/bin/bash
# session 15: the student trained on with grey samples (train_student224_gray.sh) against the shipped one, as run
set -ex
cd /work/main
P=.venv/bin/pipose
W=/work/runs/student224_gray/student.pt
R=~/.cache/pipose_ros/distill-demo-s14b/test   # 400 robot-domain frames (pipose distill-demo's held-out set)
S=~/.cache/pipose_ros/pipose-synth-v2
O=docs/runs/session15
$P tune-decode $W --data ~/.cache/pipose_ros/anny-val-s1 --json $O/student224_gray_tune_decode.json --write
$P realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $W --json $O/student224_gray_real2d.json
$P realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $W --gray --json $O/student224_gray_real2d_gray.json
$P realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student $W --box-scales 0.8 0.9 1.0 1.1 1.25 --json $O/student224_gray_realcheck_depth.json
$P evaluate --backend onnxruntime --data $R models/pipose_student_kinect14.pt $W --json $O/robot_test_gray.json
$P evaluate --backend onnxruntime --data $S $W --json $O/student224_gray_synth_v2.json
