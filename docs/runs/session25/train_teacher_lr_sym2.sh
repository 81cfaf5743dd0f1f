#!/bin/bash
# Session 25 (2026-12-02), started near the end: the --lr-symmetric 0.5 teacher (train_teacher_lr_sym.sh) 3000 more
# steps with W = 0.25 -- the maps have committed to one limb each; a larger anatomical share to learn the sides.
# Same schedule (lr 2.5e-4, x0.1 at 50 % and 75 %), seed 6. Resumable (snapshot in /work/runs/s25, which a later
# session may not have: then re-run train_teacher_lr_sym.sh first).
OMP_NUM_THREADS=${THREADS:-2} nice -n 5 pipose train teacher --init /work/runs/s25/teacher_lr_sym/teacher.pt --keep-config --backbone blazepose_full --backbone-lr 1.0 \
    --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 128 128 --head-stride 2 \
    --canonical-fx 133.33333333333334 --z-range 0.3 3.8 --sigma-mm 60 --bg-dropout 0.2 \
    --steps 3000 --batch-size 16 --lr 2.5e-4 --warmup 0.02 --seed 6 --lr-symmetric 0.25 \
    --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 500 \
    --out /work/runs/s25/teacher_lr_sym2/teacher.pt
