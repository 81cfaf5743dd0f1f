#!/bin/bash
# Session 26: session 25's lr-symmetric teacher (docs/runs/session25/teacher_lr_sym2.pt, decoding gain 0.75 from
# tune-decode) shipped as the node's depth teacher; its numbers recorded, then the card regenerated from them.
set -ex
cd /work/main
P=.venv/bin/pipose
T=docs/runs/session25/teacher_lr_sym2.pt
M=models/pipose_teacher_kinect14.pt
ST=models/pipose_student_kinect14.pt
S=~/.cache/pipose_ros/pipose-synth-v2
O=docs/runs/session26
$P ship-teacher $T --curves docs/teacher_lr_sym_s25_curves.png
$P export $M
$P evaluate --backend onnxruntime --data $S $M --record synth_v2.teacher --json $O/teacher_shipped_synth_v2.json
$P evaluate --backend onnxruntime --data $S $M --min-depth-support 0 --record synth_v2.teacher_every_skeleton --json $O/teacher_shipped_every_skeleton_synth_v2.json
$P realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher $M --student $ST --box-scales 0.8 0.9 1.0 1.1 1.25 --png demo_out/realcheck_depth.png --record --json $O/teacher_shipped_realcheck_depth.json
$P evaluate --backend onnxruntime --data $S $ST --rgbd-anchor $M --record synth_v2.rgbd_output --json $O/rgbd_output_synth_v2.json
$P ship-teacher $T --curves docs/teacher_lr_sym_s25_curves.png   # again: the recorded numbers into its summary and card
$P export $M
