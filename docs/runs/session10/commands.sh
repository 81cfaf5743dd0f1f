#!/bin/bash
# Session 10 (2026-11-30, 2 CPU cores, no GPU), as run. 1) the relative-depth gain of each model,
# chosen on the validation set anny-val-s1 (never on the benchmark), stored in its checkpoint:
set -ex
pipose tune-decode models/pipose_student_kinect14.pt --data ~/.cache/pipose_ros/anny-val-s1 --json docs/runs/session10/student192_tune_decode.json --write
pipose tune-decode models/pipose_rgb_baseline_kinect14.pt --data ~/.cache/pipose_ros/anny-val-s1 --json docs/runs/session10/baseline192_1k_tune_decode.json   # then stored with set_decode (= --write)
pipose tune-decode /work/runs/control192/student.pt --data ~/.cache/pipose_ros/anny-val-s1 --json docs/runs/session10/control192_tune_decode.json     # idem
pipose tune-decode models/pipose_teacher_kinect14.pt --data ~/.cache/pipose_ros/anny-val-s1 --json docs/runs/session10/teacher_tune_decode.json     # idem
pipose export models/pipose_teacher_kinect14.pt --precision fp32
# 2) every pipose-synth-v2 row again with its model's gain
S=~/.cache/pipose_ros/pipose-synth-v2
pipose evaluate --backend onnxruntime --data $S models/pipose_student_kinect14.pt --record synth_v2.student --json docs/runs/session10/student192_synth_v2.json
pipose evaluate --backend onnxruntime --data $S models/pipose_rgb_baseline_kinect14.pt --record synth_v2.baseline --json docs/runs/session10/baseline192_1k_synth_v2.json
pipose evaluate --backend onnxruntime --data $S /work/runs/control192/student.pt --record synth_v2.control --json docs/runs/session10/control192_synth_v2.json
pipose evaluate --backend onnxruntime --data $S models/pipose_teacher_kinect14.pt --record synth_v2.teacher --json docs/runs/session10/teacher_synth_v2.json
