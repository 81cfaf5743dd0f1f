#!/bin/bash
# Session 24: after `pipose ship-student /work/runs/s24/student_known_w20/student.pt --baseline
# models/pipose_rgb_baseline_kinect14.pt --curves docs/student224_s24_curves.png` and `pipose export
# models/pipose_student_kinect14.pt`: the shipped student's numbers recorded, then the card regenerated
# from them (ship-student of the shipped file itself) and table-v2; as run.
set -ex
cd /work/main
P=.venv/bin/pipose
M=models/pipose_student_kinect14.pt
S=~/.cache/pipose_ros/pipose-synth-v2
O=docs/runs/session24
$P evaluate --backend onnxruntime --data $S $M --record synth_v2.student_size_prior --json $O/student_shipped_synth_v2.json
$P evaluate --backend onnxruntime --data $S $M --size-prior-weight 0 --record synth_v2.student --json $O/student_shipped_no_size_prior_synth_v2.json
$P realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $M --record --json $O/student_shipped_real2d.json
$P realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student $M --box-scales 0.8 0.9 1.0 1.1 1.25 --png demo_out/realcheck_depth.png --record --json $O/student_shipped_realcheck_depth.json
$P evaluate --backend onnxruntime --data ~/.cache/pipose_ros/distill-demo-s19/test $M --json $O/robot_test_shipped.json
$P ship-student $M --baseline models/pipose_rgb_baseline_kinect14.pt --curves docs/student224_s24_curves.png
$P table-v2
$P evaluate --backend onnxruntime --data $S $M --floor --record synth_v2.student_size_prior_floor --json $O/student_shipped_synth_v2_floor.json
pipose export models/pipose_student_kinect14.pt   # after ship-student re-saved the file (the card's numbers in its summary)
# the card names the out-of-crop training (pipose_ros/study.py): card regenerated, ONNX re-exported
$P ship-student $M --baseline models/pipose_rgb_baseline_kinect14.pt --curves docs/student224_s24_curves.png
$P export $M
$P evaluate --backend onnxruntime --data $S $M --record synth_v2.student_size_prior --json $O/student_shipped_synth_v2.json   # again after the mend: its section's out-of-view line at the node's 0.4 (same numbers)
