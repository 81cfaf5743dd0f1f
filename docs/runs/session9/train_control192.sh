#!/bin/sh
# session 9, issue 10: the RGB-teacher control of the shipped 192x192 student (seed 001 §6.2.2):
# the same recipe as docs/runs/session8/train_student192.sh (F_rgb frozen || F_hall, L_PI alpha 20
# + L_PE, 1000 steps x 16), but L_PI against the equal-budget RGB baseline
# (docs/runs/session9/train_baseline192_1k.sh) instead of the depth teacher; resumable
cd /work/main
exec .venv/bin/pipose train student --backbone blazepose_full --backbone-lr 0 \
  --teacher /work/runs/baseline192_1k/baseline.pt \
  --data /root/.cache/pipose_ros/anny-train-s0 --crops --size 192 192 --head-stride 4 --canonical-fx 200 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 1000 --batch-size 16 --lr 1e-3 \
  --val-data /root/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 1000 --save-every 100 \
  --seed 0 --out /work/runs/control192/student.pt
