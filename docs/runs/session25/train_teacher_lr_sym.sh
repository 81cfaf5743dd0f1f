#!/bin/bash
# Session 25 (2026-12-02): the shipped depth teacher, 3000 more steps with half of L_PE symmetric in left and right
# (--lr-symmetric 0.5: each pair counted with the cheaper assignment of its two targets to its two maps), otherwise
# session 23's control arm exactly (train_teacher_coord_ab.sh control: lr 2.5e-4, x0.1 at 50 % and 75 %, seed 5,
# same data, crops and SPDH), so that arm's numbers are the comparison. One thread (the CPU is shared). Resumable.
OMP_NUM_THREADS=${THREADS:-1} nice -n 5 pipose train teacher --init models/pipose_teacher_kinect14.pt --keep-config --backbone blazepose_full --backbone-lr 1.0 \
    --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 128 128 --head-stride 2 \
    --canonical-fx 133.33333333333334 --z-range 0.3 3.8 --sigma-mm 60 --bg-dropout 0.2 \
    --steps 3000 --batch-size 16 --lr 2.5e-4 --warmup 0.02 --seed 5 --lr-symmetric 0.5 \
    --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 500 \
    --out /work/runs/s25/teacher_lr_sym/teacher.pt
