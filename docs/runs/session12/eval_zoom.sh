#!/bin/bash
# session 12: the --zoom fine-tune (train_student224_zoom.sh) against the shipped student, as run
set -ex
cd /work/main
P=.venv/bin/pipose
W=/work/runs/student224_zoom/student.pt
M=models/pipose_student_kinect14.pt
R=~/.cache/pipose_ros/distill-demo/test        # 400 robot-domain frames (pipose distill-demo's held-out set)
S=~/.cache/pipose_ros/pipose-synth-v2
O=docs/runs/session12
$P tune-decode $W --data ~/.cache/pipose_ros/anny-val-s1 --json $O/student224_zoom_tune_decode.json --write
for f in 0.85 1.0 1.15; do
  $P evaluate --backend onnxruntime --data $R $M $W --box-scale $f --json $O/robot_box$f.json
done
$P realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $W --json $O/student224_zoom_real2d.json
$P realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student $W --box-scales 0.8 0.9 1.0 1.1 1.25 --json $O/student224_zoom_realcheck_depth.json
$P evaluate --backend onnxruntime --data $S $W --json $O/student224_zoom_synth_v2.json
