#!/bin/sh
# session 10, issue 10: the shipped 192x192 student fine-tuned 400 steps with a wider crop-scale range
# (1.0-1.8 x the box, was 1.15-1.45): teaches absolute depth from apparent size (session 9's
# --box-scales finding: root error 36.7 % at boxes x0.8, 30.2 % at x1.25); same teacher, L_PI + L_PE; resumable
cd /work/main
exec .venv/bin/pipose train student --init models/pipose_student_kinect14.pt \
  --teacher models/pipose_teacher_kinect14.pt \
  --data /root/.cache/pipose_ros/anny-train-s0 --crops --crop-scale 1.0 1.8 --size 192 192 --head-stride 4 --canonical-fx 200 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 400 --batch-size 16 --lr 5e-4 \
  --val-data /root/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 400 --save-every 50 \
  --seed 1 --out /work/runs/student192_wide/student.pt
