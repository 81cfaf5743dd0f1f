#!/bin/bash
# Session 23 (2026-12-02): A/B of the integral 3D loss (--coord-weight) for the RGB student. Both arms
# continue the shipped student (session 14's recipe: docs/runs/session14/train_student224_t13.sh, frozen
# BlazePose F_rgb, L_PI at s4 from the shipped teacher) for 1000 steps at lr 2.5e-4 (x0.1 at 50 % and
# 75 %), same seed and data; they differ only in --coord-weight (0 = control, 100). One
# after the other with both cores (THREADS=2: two 224-px crop sets do not fit in 23 GB together). Resumable.
ARM=$1   # control | coord
W=0; [ "$ARM" = coord ] && W=100
OMP_NUM_THREADS=${THREADS:-1} pipose train student --init models/pipose_student_kinect14.pt --keep-config \
  --backbone blazepose_full --backbone-lr 0 --teacher models/pipose_teacher_kinect14.pt --distill-stage s4 \
  --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 224 224 --head-stride 4 --canonical-fx 233.33333333333334 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 1000 --batch-size 16 --lr 2.5e-4 --warmup 0.02 --zoom 0.25 \
  --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 250 --save-every 50 \
  --seed 5 --coord-weight $W --out /work/runs/s23/student_$ARM/student.pt
