#!/bin/bash
# Session 25 (2026-12-02): the shipped student (session 24's candidate, shipped this session) trained 1500 more
# steps of the same recipe (--pe-mask known --pe-out-weight 20), seed 7, lr 2.5e-4 (x0.1 at 50 % and 75 %).
# A candidate; resumable (its snapshot lives in /work/runs/s25, which a later session may not have).
OMP_NUM_THREADS=${THREADS:-2} nice -n 10 pipose train student --init models/pipose_student_kinect14.pt --keep-config \
  --backbone blazepose_full --backbone-lr 0 --teacher models/pipose_teacher_kinect14.pt --distill-stage s4 \
  --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 224 224 --head-stride 4 --canonical-fx 233.33333333333334 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 1500 --batch-size 16 --lr 2.5e-4 --warmup 0.02 --zoom 0.25 \
  --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 500 --save-every 50 \
  --seed 7 --pe-mask known --pe-out-weight 20 --out /work/runs/s25/student_known_more2/student.pt
