#!/bin/sh
# session 11, issue 10: the shipped RGB baseline (docs/runs/session9/train_baseline192_1k.sh) fine-tuned
# at 224x224 crops with the BlazePose heatmap prior (--uv-prior; its uv predictors restart near zero):
# the BlazePose heatmaps score higher on real photos at larger crops (docs/BACKBONES.md); canonical f_c
# 233.33 at 224 px = 100 at 96 px (the teacher's); 400 steps x 16, lr 5e-4 with 10 % warm-up; resumable
cd /work/main
exec .venv/bin/pipose train baseline --init models/pipose_rgb_baseline_kinect14.pt --keep-config --uv-prior \
  --backbone blazepose_full --backbone-lr 0 \
  --data /root/.cache/pipose_ros/anny-train-s0 --crops --size 224 224 --head-stride 4 --canonical-fx 233.33333333333334 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 400 --batch-size 16 --lr 5e-4 --warmup 0.1 \
  --val-data /root/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 400 --save-every 50 \
  --seed 1 --out /work/runs/baseline224_prior/baseline.pt
