#!/bin/bash
# Session 15 (2026-12-01), x86_64 (AMD EPYC, the machine of sessions 13-14, caches kept), 2 CPU cores,
# Python 3.11.7, no GPU lent. Every number in docs/ from this session comes from these commands (JSONs and
# logs beside). W = the distillation demo's work folder of session 14 (its steps are reused as they were).
#
# One-off scripts (numbers reported as such): oneoff_mount_check.py — floor_from_depth on 40 held-out
# robot-domain frames against each frame's true mount (.log beside).
set -ex
W=~/.cache/pipose_ros/distill-demo-s14b
# why the loop does not move the distance: the students on their own training frames, against the labels
pipose evaluate models/pipose_student_kinect14.pt $W/after.pt --data $W/ds_teacher --json docs/runs/session15/distill_eval_on_training_labels.json
# the robot's mount from the recording's depth (pipose floor), then the two new steps of distill-demo
# (measure_floor, evaluate_measured_floor); the other steps are session 14's, skipped as done
pipose floor $W/ds && cp $W/ds/floor.json docs/runs/session15/robot_recording_floor.json
pipose distill-demo --work $W
cp $W/eval_measured_floor.json docs/runs/session15/distill_eval_measured_floor.json
# the same mount with the prior's default angular uncertainty (a calibrated camera's) instead of the measured spread
pipose evaluate models/pipose_student_kinect14.pt --data $W/test --floor --floor-mount $W/ds/floor.json --floor-sigma 0.57 --json docs/runs/session15/distill_eval_measured_floor_sigma057_before.json
python docs/runs/session15/oneoff_mount_check.py $W/test 40 > docs/runs/session15/oneoff_mount_check.log
# a student for monochrome cameras (not shipped: RESULTS.md, session 15 (3))
pipose realcheck-2d ~/.cache/pipose_ros/realphotos --gray --record --json docs/runs/session15/student_shipped_real2d_gray.json
sh docs/runs/session15/train_student224_gray.sh                 # 12 min
bash docs/runs/session15/eval_gray.sh > docs/runs/session15/eval_gray.log 2>&1
cp /work/runs/student224_gray/student.log.csv docs/runs/session15/student224_gray.log.csv
cp /work/runs/student224_gray/student.val.csv docs/runs/session15/student224_gray.val.csv
# tracked crops that follow the mid-hip (tracking_follow: hips, the new default); one-off scripts, logs beside
python docs/runs/session15/oneoff_hips_second_pass.py ~/.cache/pipose_ros/pipose-synth-v2 400 > docs/runs/session15/oneoff_hips_second_pass.log
for m in detections hips; do echo "== follow=$m"; python docs/runs/session15/oneoff_kinect_pan.py models/pipose_student_kinect14.pt $m; done > docs/runs/session15/oneoff_kinect_pan.log
python docs/runs/session15/oneoff_hips_static.py > docs/runs/session15/oneoff_hips_static.log
# the loop with 1000 training steps instead of 300 (no MediaPipe run): a copy of W's student-independent steps
# and labels (renders, recording, from-bag, floor, labels) in ~/.cache/pipose_ros/distill-demo-s15-1000, then
pipose distill-demo --work ~/.cache/pipose_ros/distill-demo-s15-1000 --steps 1000 --no-mediapipe --no-record
for f in eval eval_floor eval_measured_floor; do cp ~/.cache/pipose_ros/distill-demo-s15-1000/$f.json docs/runs/session15/distill1000_$f.json; done
# after the border rule of follow="hips" (the first version walked the astronaut's box onto her helmet in make demo): the three one-offs again
python docs/runs/session15/oneoff_hips_second_pass.py ~/.cache/pipose_ros/pipose-synth-v2 400 > docs/runs/session15/oneoff_hips_second_pass.log
for m in detections hips; do echo "== follow=$m"; python docs/runs/session15/oneoff_kinect_pan.py models/pipose_student_kinect14.pt $m; done > docs/runs/session15/oneoff_kinect_pan.log
python docs/runs/session15/oneoff_hips_static.py > docs/runs/session15/oneoff_hips_static.log
make demo    # kinect_people: 4 people in every frame, ids stable; people: 2, stable (demo_out/summary.json)
