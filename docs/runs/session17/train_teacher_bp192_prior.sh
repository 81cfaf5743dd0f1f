#!/bin/bash
# Session 17 (2026-12-01): a depth teacher at 192 x 192 person crops from BlazePose GHUM's pretrained trunk
# with its own joint heatmaps as the uv prior (--uv-prior) — the recommendation of docs/RESULTS.md session 16:
# at 128 px untrained BlazePose finds 3.3 % of joints on depth-as-image, at 192 px 22.8 %, so a 192-px
# teacher starts from what the pretrained trunk sees instead of learning its 2D from scratch.
# Canonical f_c 200 at 192 px = the 128-px teacher's 133.33 (same canonical camera); stride-4 SPDH head
# (48 x 48 maps, as the 224-px students' 56 x 56). F_depth at the full learning rate (session 16's finding).
# 2-core CPU. Resumable: re-run the same command.
pipose train teacher --backbone blazepose_full --backbone-lr 1.0 --uv-prior \
    --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 192 192 --head-stride 4 \
    --canonical-fx 200 --z-range 0.3 3.8 --sigma-mm 60 --bg-dropout 0.2 \
    --steps ${STEPS:-6000} --batch-size 16 --lr 5e-4 --warmup 0.05 --seed 17 \
    --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 500 --save-every 100 \
    --out /work/runs/teacher_bp192_prior/teacher.pt
