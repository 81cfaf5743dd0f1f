#!/bin/bash
# Prepared in session 26, run in session 27 (2026-12-02, the 16 000-frame training set finished first): session 25's lr-symmetric teacher (docs/runs/session25/teacher_lr_sym2.pt: W 0.5 then
# W 0.25, 3000 steps each) 3000 more steps with W = 0.1 -- the symmetric share falling towards 0, so that the
# ordinary L_PE (which knows the sides) takes over once each map holds one limb. Same schedule (lr 2.5e-4, x0.1 at
# 50 % and 75 %), seed 8. One thread (the other is evaluating). Resumable (snapshot in /work/runs/s27).
OMP_NUM_THREADS=${THREADS:-1} nice -n 5 pipose train teacher --init docs/runs/session25/teacher_lr_sym2.pt --keep-config --backbone blazepose_full --backbone-lr 1.0 \
    --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 128 128 --head-stride 2 \
    --canonical-fx 133.33333333333334 --z-range 0.3 3.8 --sigma-mm 60 --bg-dropout 0.2 \
    --steps 3000 --batch-size 16 --lr 2.5e-4 --warmup 0.02 --seed 8 --lr-symmetric 0.1 \
    --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 500 \
    --out /work/runs/s27/teacher_lr_sym3/teacher.pt
