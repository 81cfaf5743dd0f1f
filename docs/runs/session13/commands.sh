#!/bin/bash
# Session 13 (2026-11-30), x86_64 (AMD EPYC), 2 CPU cores, Python 3.11.7, no GPU lent. A new machine: the
# caches were rebuilt with the documented commands first (fingerprints differ from earlier machines'
# renders — Mesa/llvmpipe on another CPU; see docs/SYNTHETIC.md):
pipose testset --v2            # pipose-synth-v2 here: fingerprint 6dc5441a21308b89…
pipose data --synthetic 480 --data-seed 1 --out ~/.cache/pipose_ros/anny-val-s1
pipose data --synthetic 16000 --data-seed 0 --out ~/.cache/pipose_ros/anny-train-s0
# the depth teacher on BlazePose's pretrained trunk (issue 9)
bash docs/runs/session13/train_teacher_bp128.sh        # 3000 steps, 19 min
bash docs/runs/session13/train_teacher_bp128_cont.sh   # 5000 more steps, ~35 min
pipose tune-decode /work/runs/teacher_bp128_cont/teacher.pt --data ~/.cache/pipose_ros/anny-val-s1 --write --json docs/runs/session13/teacher_bp128_tune_decode.json
pipose tune-decode models/pipose_teacher_kinect14.pt --data ~/.cache/pipose_ros/anny-val-s1   # (session 10's teacher, before shipping) gain 0.5: 40.48 cm
pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/pipose-synth-v2 models/pipose_teacher_kinect14.pt --json docs/runs/session13/teacher_session10_synth_v2.json   # before shipping
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --json docs/runs/session13/teacher_session10_realdepth.json   # before shipping
pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/pipose-synth-v2 /work/runs/teacher_bp128_cont/teacher.pt --record synth_v2.teacher --json docs/runs/session13/teacher_bp128_cont_synth_v2.json
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher /work/runs/teacher_bp128_cont/teacher.pt --record --json docs/runs/session13/teacher_bp128_cont_realdepth.json
pipose curves /work/runs/teacher_bp128_cont/teacher.pt --out docs/teacher_bp128_curves.png
pipose ship-teacher /work/runs/teacher_bp128_cont/teacher.pt --curves docs/teacher_bp128_curves.png
pipose export models/pipose_teacher_kinect14.pt
pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/pipose-synth-v2 models/pipose_teacher_kinect14.pt --record synth_v2.teacher --json docs/runs/session13/teacher_shipped_synth_v2.json
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student models/pipose_student_kinect14.pt --box-scales 0.8 0.9 1.0 1.1 1.25 --png demo_out/realcheck_depth.png --json docs/runs/session13/teacher_shipped_realcheck_depth.json --record --note "…"
pipose table-v2
pipose benchmark                      # make benchmark; output docs/runs/session13/benchmark.log
pipose distill-demo --work ~/.cache/pipose_ros/distill-demo-s13 --no-record   # 1457 s; numbers: distill_demo_new_teacher.json
