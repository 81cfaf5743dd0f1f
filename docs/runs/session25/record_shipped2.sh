#!/bin/bash
# Session 25, second ship: train_student_known_more2.sh (the student shipped earlier this session + 1500 more steps
# of the same recipe, seed 7) shipped as the node's student; its numbers recorded, the card regenerated from them
# (ship-student of the shipped file itself), the ONNX re-exported and table-v2; as run.
set -ex
cd /work/main
mkdir -p docs/runs/session25/ship2
P=.venv/bin/pipose
R=/work/runs/s25/student_known_more2/student.pt
M=models/pipose_student_kinect14.pt
S=~/.cache/pipose_ros/pipose-synth-v2
O=docs/runs/session25/ship2
$P curves $R --out docs/student224_s25b_curves.png
$P ship-student $R --baseline models/pipose_rgb_baseline_kinect14.pt --curves docs/student224_s25b_curves.png
$P export $M
$P evaluate --backend onnxruntime --data $S $M --record synth_v2.student_size_prior --json $O/student_shipped_synth_v2.json
$P evaluate --backend onnxruntime --data $S $M --size-prior-weight 0 --record synth_v2.student --json $O/student_shipped_no_size_prior_synth_v2.json
$P evaluate --backend onnxruntime --data $S $M --floor --record synth_v2.student_size_prior_floor --json $O/student_shipped_synth_v2_floor.json
$P realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $M --record --json $O/student_shipped_real2d.json
$P realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student $M --box-scales 0.8 0.9 1.0 1.1 1.25 --png demo_out/realcheck_depth.png --record --json $O/student_shipped_realcheck_depth.json
$P evaluate --backend onnxruntime --data ~/.cache/pipose_ros/distill-demo-s19/test $M --json $O/robot_test_shipped.json
$P ship-student $M --baseline models/pipose_rgb_baseline_kinect14.pt --curves docs/student224_s25b_curves.png
$P export $M
$P table-v2
