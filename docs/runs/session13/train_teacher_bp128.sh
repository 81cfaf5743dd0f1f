#!/bin/bash
# Session 13 (2026-11-30): the depth teacher on BlazePose GHUM's pretrained trunk (depth read through
# pipose_ros.model.backbones.depth_as_image), 128 x 128 person crops, stride-2 SPDH head; 2-core CPU.
# Resumable: re-run the same command.
pipose train teacher --backbone blazepose_full --backbone-lr 0.3 \
    --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 128 128 --head-stride 2 \
    --canonical-fx 133.33333333333334 --z-range 0.3 3.8 --sigma-mm 60 --bg-dropout 0.2 \
    --steps 3000 --batch-size 16 --lr 1e-3 \
    --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 1000 \
    --out /work/runs/teacher_bp128/teacher.pt
