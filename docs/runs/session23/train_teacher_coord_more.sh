#!/bin/bash
# Session 23 (2026-12-02), started at the end of the session in the background (nice 19) for a later session:
# the coordinate-loss teacher of train_teacher_coord_ab.sh (3000 steps past the shipped teacher) trained
# 6000 more steps, lr 2.5e-4 (x0.1 at 50 % and 75 %), --coord-weight 100, both cores. Resumable: re-run
# (the snapshot lives in /work/runs/s23, which a later session may not have; then start again from
# /work/runs/s23/teacher_coord/teacher.pt, which is not committed either: re-run the A/B's coord arm).
nice -n 19 pipose train teacher --init /work/runs/s23/teacher_coord/teacher.pt --keep-config --backbone blazepose_full --backbone-lr 1.0 \
    --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 128 128 --head-stride 2 \
    --canonical-fx 133.33333333333334 --z-range 0.3 3.8 --sigma-mm 60 --bg-dropout 0.2 \
    --steps 6000 --batch-size 16 --lr 2.5e-4 --warmup 0.02 --seed 6 --coord-weight 100 \
    --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 1000 \
    --out /work/runs/s23/teacher_coord_more/teacher.pt
