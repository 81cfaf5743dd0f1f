#!/bin/bash
# Session 18 (2026-12-01), the A/B partner of train_teacher_bp128_s18.sh — identical but for --column-uz: 6000 more steps of the shipped depth teacher (models/pipose_teacher_kinect14.pt:
# BlazePose trunk, 128-px depth crops, 13 000 steps over sessions 13 and 16) on crops whose depth shows their
# person: --min-depth-seen 0.5 leaves out the people of whose visible joints the depth image shows fewer than
# half (beyond the sensor's far limit or lost to its artefacts; 10 % of the validation crops, on which the
# shipped teacher's 2D PCK@0.2 is 11-33 %: oneoff_depth_seen_val.log). Otherwise session 16's settings
# (train_teacher_bp128_s16.sh): F_depth at the full rate, x0.1 at 50 % and 75 %, 2 % warm-up. Validation on all
# 480 held-out frames' crops, as before (comparable with session 16's rows). 2-core CPU. Resumable: re-run.
# --column-uz adds pipose_ros.model.nets.ColumnDepthBins to the uz maps (starts near zero; every other tensor
# loads from the shipped teacher): per image column, features pooled where the uv maps put each joint turned into
# depth-bin scores, instead of the conv branch carrying a joint's depth from its image row to its depth row.
pipose train teacher --init models/pipose_teacher_kinect14.pt --keep-config --backbone blazepose_full --backbone-lr 1.0 \
    --data ~/.cache/pipose_ros/anny-train-s0 --crops --min-depth-seen 0.5 --column-uz --size 128 128 --head-stride 2 \
    --canonical-fx 133.33333333333334 --z-range 0.3 3.8 --sigma-mm 60 --bg-dropout 0.2 \
    --steps ${STEPS:-6000} --batch-size 16 --lr 5e-4 --warmup 0.02 --seed 18 \
    --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 1000 --save-every 100 \
    --out /work/runs/teacher_bp128_col/teacher.pt
