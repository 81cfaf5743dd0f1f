#!/bin/sh
# session 8, issue 10: RGB baseline F_rgb on 192x192 person crops (BlazePose's pretrained heatmaps are
# useless at 96 px: PCK@0.2 6.9 % vs 75.2 % at 192 px, /work/notes/probe_bp_heatmaps.py), frozen
# BlazePose trunk (--backbone-lr 0), stride-4 SPDH head; resumable: re-run the same command
cd /work/main
exec .venv/bin/pipose train baseline --backbone blazepose_full --backbone-lr 0 \
  --data /root/.cache/pipose_ros/anny-train-s0 --crops --size 192 192 --head-stride 4 --canonical-fx 200 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 3000 --batch-size 16 --lr 1e-3 \
  --val-data /root/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 1000 --save-every 100 \
  --seed 0 --out /work/runs/baseline192/baseline.pt
