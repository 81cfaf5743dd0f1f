#!/bin/bash
# Session 21 (2026-12-01): 7000 more steps of the shipped depth teacher (session 16's, 13 000 steps) at the
# full learning rate for the first half (x0.1 at 50 % and 75 %), batch 16, on the 2-core CPU in the
# background (nice 19) while other work ran — session 17's "more steps at a constant rate" as far as one
# session allows. Same data, crops and SPDH as train_teacher_bp128_s16.sh; seed 3. Resumable: re-run.
pipose train teacher --init models/pipose_teacher_kinect14.pt --keep-config --backbone blazepose_full --backbone-lr 1.0 \
    --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 128 128 --head-stride 2 \
    --canonical-fx 133.33333333333334 --z-range 0.3 3.8 --sigma-mm 60 --bg-dropout 0.2 \
    --steps 7000 --batch-size 16 --lr 5e-4 --warmup 0.02 --seed 3 \
    --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 1000 \
    --out /work/runs/teacher_bp128_s21/teacher.pt
