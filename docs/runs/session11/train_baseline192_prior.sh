#!/bin/sh
# session 11, issue 10: the RGB baseline of docs/runs/session9/train_baseline192_1k.sh (same data,
# steps, seed) with --uv-prior: BlazePose's own joint heatmaps added to the uv maps, the head learns a
# residual — does the 2D on real photos keep what the pretrained network knows? resumable
cd /work/main
exec .venv/bin/pipose train baseline --backbone blazepose_full --backbone-lr 0 --uv-prior \
  --data /root/.cache/pipose_ros/anny-train-s0 --crops --size 192 192 --head-stride 4 --canonical-fx 200 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 1000 --batch-size 16 --lr 1e-3 \
  --val-data /root/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 1000 --save-every 100 \
  --seed 0 --out /work/runs/baseline192_prior/baseline.pt
