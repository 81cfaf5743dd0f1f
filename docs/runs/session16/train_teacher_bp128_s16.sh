#!/bin/bash
# Session 16 (2026-12-01): 5000 more steps of the shipped depth teacher (session 13's BlazePose-trunk run,
# models/pipose_teacher_kinect14.pt) with F_depth at the full learning rate (--backbone-lr 1): at 128 px the
# trunk keeps nothing of BlazePose's RGB knowledge worth protecting (docs/RESULTS.md session 16), and a
# fixed batch is fitted fastest at the full rate (oneoff_overfit_batch.log). Same data, crops and SPDH as
# train_teacher_bp128{,_cont}.sh; a new schedule (x0.1 at 50 % and 75 %, 2 % warm-up). 2-core CPU.
# Resumable: re-run the same command.
pipose train teacher --init models/pipose_teacher_kinect14.pt --keep-config --backbone blazepose_full --backbone-lr 1.0 \
    --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 128 128 --head-stride 2 \
    --canonical-fx 133.33333333333334 --z-range 0.3 3.8 --sigma-mm 60 --bg-dropout 0.2 \
    --steps 5000 --batch-size 16 --lr 5e-4 --warmup 0.02 --seed 2 \
    --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 1000 \
    --out /work/runs/teacher_bp128_s16/teacher.pt
