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
# 3) the real Kinect frame (teacher gain 0.5, student gain 0.25; NOTE = session 9's verdict on the overlay, 2D unchanged by the gain — looked at again)
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student models/pipose_student_kinect14.pt --box-scales 0.8 0.9 1.0 1.1 1.25 --png demo_out/realcheck_depth.png --json docs/runs/session10/student192_realcheck_depth.json --record --note "$NOTE"
pipose table-v2
pipose ship-student models/pipose_student_kinect14.pt --baseline models/pipose_rgb_baseline_kinect14.pt --curves docs/student192_curves.png
pipose export models/pipose_student_kinect14.pt --precision fp32
# 4) the student as decoded (gain 1), for the error parts before the decoding step (not recorded)
pipose evaluate --backend onnxruntime --data $S models/pipose_student_kinect14.pt --relative-depth-gain 1 --json docs/runs/session10/student192_gain1_synth_v2.json
# 5) the baseline again: its first record (part 2) was written before depth_error_parts' true spread ignored out-of-image joints (NaN)
pipose evaluate --backend onnxruntime --data $S models/pipose_rgb_baseline_kinect14.pt --record synth_v2.baseline --json docs/runs/session10/baseline192_1k_synth_v2.json
# 6) the crop-scale fine-tune (docs/runs/session10/train_student192_wide.sh, 17 min), evaluated as run
#    (before the teacher got its gain; only the student numbers are cited; outputs written to a scratch
#    folder, then copied here as student192_wide_*.json):
W=/work/runs/student192_wide/student.pt
pipose evaluate --backend onnxruntime --data $S $W --relative-depth-gain 1 --json docs/runs/session10/student192_wide_synth_v2_g1.json
pipose tune-decode $W --data ~/.cache/pipose_ros/anny-val-s1 --json docs/runs/session10/student192_wide_tune.json
pipose evaluate --backend onnxruntime --data $S $W --relative-depth-gain 0.25 --json docs/runs/session10/student192_wide_synth_v2_g.json
pipose realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $W --json docs/runs/session10/student192_wide_real2d.json
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student $W --box-scales 0.8 0.9 1.0 1.1 1.25 --json docs/runs/session10/student192_wide_realdepth.json
# 7) issue 13 with the 192 student (stream/record/labels of the earlier run linked into the work folder; see docs/FINETUNE.md)
pipose distill-demo --work ~/.cache/pipose_ros/distill-demo-192 --no-record && pipose distill-demo --work ~/.cache/pipose_ros/distill-demo-192
