#!/bin/sh
# session 15, issue 10: the shipped student (session 14) trained on for 600 steps with grey samples (--gray 0.2:
# robots with monochrome cameras send mono8; the shipped student loses 5.4 points of PCK@0.2 on the real photos
# turned grey, one-off check); otherwise the session-14 recipe (L_PI at s4 against the shipped teacher, frozen
# BlazePose F_rgb, --zoom 0.25, lr 5e-4 with 10 % warm-up) and a new data order (seed 4); resumable
cd /work/main
exec .venv/bin/pipose train student --init models/pipose_student_kinect14.pt --keep-config \
  --backbone blazepose_full --backbone-lr 0 --teacher models/pipose_teacher_kinect14.pt --distill-stage s4 \
  --data /root/.cache/pipose_ros/anny-train-s0 --crops --size 224 224 --head-stride 4 --canonical-fx 233.33333333333334 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 600 --batch-size 16 --lr 5e-4 --warmup 0.1 --zoom 0.25 --gray 0.2 \
  --val-data /root/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 300 --save-every 50 \
  --seed 4 --out /work/runs/student224_gray/student.pt
