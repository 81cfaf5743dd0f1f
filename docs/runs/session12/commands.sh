#!/bin/bash
# Session 12 (2026-11-30, x86_64, 2 CPU cores, no GPU lent), as run.
set -ex
# 1) the --zoom fine-tune of the shipped student and its measurements (box-scale sensitivity on the
#    robot-domain test frames of pipose distill-demo, real photos, real Kinect frame, synth-v2)
sh docs/runs/session12/train_student224_zoom.sh
bash docs/runs/session12/eval_zoom.sh
# 2) the distillation loop with the shipped 224 student; the recorded stream, its from-bag dataset,
#    the MediaPipe labels and the test/mix renders reused from the session-10 run of the same command
#    (~/.cache/pipose_ros/distill-demo: same seeds, student-independent), linked into the new work folder
#    with their .done.json files; the teacher labels (now with the student's 2D, anchored) made again
pipose distill-demo --work ~/.cache/pipose_ros/distill-demo-224 --no-record   # a first start was stopped during
#    its first training run to give the CPU to 1); restarted after 1), resuming after the label steps
pipose distill-demo --work ~/.cache/pipose_ros/distill-demo-224               # every step done: writes docs/FINETUNE.md, results.json
pipose evaluate --backend onnxruntime --detector blazepose --data ~/.cache/pipose_ros/distill-demo-224/test models/pipose_student_kinect14.pt ~/.cache/pipose_ros/distill-demo-224/{after,no_pi,mp}.pt --json docs/runs/session12/distill_detector_boxes.json
cp ~/.cache/pipose_ros/distill-demo-224/eval.json docs/runs/session12/distill_eval.json
