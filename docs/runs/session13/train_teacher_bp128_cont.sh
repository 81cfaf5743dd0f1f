#!/bin/bash
# Session 13 (2026-11-30): 5000 more steps of the BlazePose-trunk depth teacher (train_teacher_bp128.sh),
# a new schedule (x0.1 at 50 % and 75 % of the steps, 2 % warm-up) from half the learning rate. Resumable: re-run the same command.
pipose train teacher --init /work/runs/teacher_bp128/teacher.pt --keep-config --backbone blazepose_full --backbone-lr 0.3 \
    --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 128 128 --head-stride 2 \
    --canonical-fx 133.33333333333334 --z-range 0.3 3.8 --sigma-mm 60 --bg-dropout 0.2 \
    --steps 5000 --batch-size 16 --lr 5e-4 --warmup 0.02 --seed 1 \
    --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 1000 \
    --out /work/runs/teacher_bp128_cont/teacher.pt
