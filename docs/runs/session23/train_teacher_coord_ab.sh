#!/bin/bash
# Session 23 (2026-12-02): A/B of the integral 3D loss (--coord-weight, soft-argmax of the SPDH maps
# lifted to metres; Sun et al. 2018) for the depth teacher. Both arms continue the shipped teacher
# (13 000 steps) for 3000 steps at lr 2.5e-4 (x0.1 at 50 % and 75 %), same seed, data, crops and SPDH as
# session 21's run; they differ only in --coord-weight (0 = control, 100 = the loss in metres x 100,
# about a quarter of the loss at the start). Run side by side, one thread each, on the 2-core CPU.
# Resumable: re-run.
ARM=$1   # control | coord
W=0; [ "$ARM" = coord ] && W=100
OMP_NUM_THREADS=1 pipose train teacher --init models/pipose_teacher_kinect14.pt --keep-config --backbone blazepose_full --backbone-lr 1.0 \
    --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 128 128 --head-stride 2 \
    --canonical-fx 133.33333333333334 --z-range 0.3 3.8 --sigma-mm 60 --bg-dropout 0.2 \
    --steps 3000 --batch-size 16 --lr 2.5e-4 --warmup 0.02 --seed 5 --coord-weight $W \
    --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 500 \
    --out /work/runs/s23/teacher_$ARM/teacher.pt
