#!/bin/bash
# Session 9 (2026-11-30, 2 CPU cores, no GPU): the 192 x 192 models of session 8
# (docs/runs/session8/train_*.sh; logs and curves there and in docs/*192_curves.png) shipped as
# the node's default, then every record re-made against the shipped files. NOTE = the teacher
# overlay note of realcheck-depth (unchanged teacher, unchanged frame; see docs/RESULTS.md).
set -ex
pipose ship-student /work/runs/student192/student.pt --baseline /work/runs/baseline192/baseline.pt \
    --curves docs/student192_curves.png            # (first shipped from models/candidates/, same files)
pipose curves /work/runs/student192/student.pt --out docs/student192_curves.png
pipose curves /work/runs/baseline192/baseline.pt --out docs/baseline192_curves.png
pipose evaluate --data ~/.cache/pipose_ros/pipose-synth-v2 models/pipose_student_kinect14.pt --record synth_v2.student --json docs/runs/session9/student192_synth_v2.json
pipose evaluate --data ~/.cache/pipose_ros/pipose-synth-v2 models/pipose_rgb_baseline_kinect14.pt --record synth_v2.baseline --json docs/runs/session9/baseline192_synth_v2.json
pipose realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint models/pipose_student_kinect14.pt --record --json docs/runs/session9/student192_realcheck_2d.json
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student models/pipose_student_kinect14.pt --png demo_out/realcheck_depth.png --json docs/runs/session9/student192_realcheck_depth.json --record --note "$NOTE"
pipose ship-student models/pipose_student_kinect14.pt --baseline models/pipose_rgb_baseline_kinect14.pt --curves docs/student192_curves.png
pipose export models/pipose_student_kinect14.pt --precision fp32
pipose benchmark
# then the equal-budget baseline (docs/runs/session9/train_baseline192_1k.sh) and:
# (/work/runs/post9.sh, as run)
pipose curves /work/runs/baseline192_1k/baseline.pt --out docs/baseline192_1k_curves.png
pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/pipose-synth-v2 /work/runs/baseline192/baseline.pt --record synth_v2.baseline_3000steps --json docs/runs/session9/baseline192_3000steps_synth_v2.json
pipose ship-student models/pipose_student_kinect14.pt --baseline /work/runs/baseline192_1k/baseline.pt --curves docs/student192_curves.png
pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/pipose-synth-v2 models/pipose_rgb_baseline_kinect14.pt --record synth_v2.baseline --json docs/runs/session9/baseline192_synth_v2.json
pipose ship-student models/pipose_student_kinect14.pt --baseline models/pipose_rgb_baseline_kinect14.pt --curves docs/student192_curves.png
pipose table-v2
pipose benchmark      # again: the node now keeps spare candidate boxes (estimate_people)
# the RGB-teacher control (docs/runs/session9/train_control192.sh), then (/work/runs/post9b.sh, as run):
pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/pipose-synth-v2 /work/runs/control192/student.pt --record synth_v2.control --json docs/runs/session9/control192_synth_v2.json
pipose table-v2
pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/pipose-synth-v2 models/pipose_student_kinect14.pt --detector blazepose --record synth_v2.student_detector --json docs/runs/session9/student192_synth_v2_detector.json
