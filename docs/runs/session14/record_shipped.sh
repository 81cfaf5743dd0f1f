#!/bin/bash
# session 14: after `pipose ship-student /work/runs/student224_t13/student.pt --baseline models/pipose_rgb_baseline_kinect14.pt`
# and `pipose export models/pipose_student_kinect14.pt`: the shipped student's numbers recorded, then the card
# regenerated from them (ship-student of the shipped file itself), table-v2; as run
set -ex
cd /work/main
P=.venv/bin/pipose
M=models/pipose_student_kinect14.pt
S=~/.cache/pipose_ros/pipose-synth-v2
O=docs/runs/session14
$P evaluate --backend onnxruntime --data $S $M --record synth_v2.student --json $O/student_shipped_synth_v2.json
$P realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $M --record --json $O/student_shipped_real2d.json
$P realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student $M --box-scales 0.8 0.9 1.0 1.1 1.25 --png demo_out/realcheck_depth.png --record --json $O/student_shipped_realcheck_depth.json
$P ship-student $M --baseline models/pipose_rgb_baseline_kinect14.pt --curves docs/student224_t13_curves.png
$P export $M
$P table-v2
# the ground-plane prior (pipose_ros.floor) on the benchmark: each frame's camera mount from its meta
$P evaluate --backend onnxruntime --data $S $M --floor --record synth_v2.student_floor --json $O/student_shipped_synth_v2_floor.json
