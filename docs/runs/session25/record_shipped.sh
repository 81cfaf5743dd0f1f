#!/bin/bash
# Session 25: session 24's candidate (train_student_known_more.sh: the session-24 shipped student + 1500 more steps
# of --pe-mask known --pe-out-weight 20, seed 6) shipped as the node's student; its numbers recorded, then the card
# regenerated from them (ship-student of the shipped file itself), the ONNX re-exported and table-v2; as run.
set -ex
cd /work/main
P=.venv/bin/pipose
R=/work/runs/s24/student_known_w20_more/student.pt
M=models/pipose_student_kinect14.pt
S=~/.cache/pipose_ros/pipose-synth-v2
O=docs/runs/session25
$P curves $R --out docs/student224_s25_curves.png
$P ship-student $R --baseline models/pipose_rgb_baseline_kinect14.pt --curves docs/student224_s25_curves.png
$P export $M
$P evaluate --backend onnxruntime --data $S $M --record synth_v2.student_size_prior --json $O/student_shipped_synth_v2.json
$P evaluate --backend onnxruntime --data $S $M --size-prior-weight 0 --record synth_v2.student --json $O/student_shipped_no_size_prior_synth_v2.json
$P evaluate --backend onnxruntime --data $S $M --floor --record synth_v2.student_size_prior_floor --json $O/student_shipped_synth_v2_floor.json
$P realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $M --record --json $O/student_shipped_real2d.json
$P realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student $M --box-scales 0.8 0.9 1.0 1.1 1.25 --png demo_out/realcheck_depth.png --record --json $O/student_shipped_realcheck_depth.json
$P evaluate --backend onnxruntime --data ~/.cache/pipose_ros/distill-demo-s19/test $M --json $O/robot_test_shipped.json
$P ship-student $M --baseline models/pipose_rgb_baseline_kinect14.pt --curves docs/student224_s25_curves.png
$P export $M
$P table-v2
$P table-v2   # again after the teacher row names its backbone from its file (blazepose_full; it said SmallHRNet)
$P table-v2   # again: the gap closed of a row trained on more samples than the baseline is flagged (the student: 3.5x)
