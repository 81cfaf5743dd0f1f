#!/bin/sh
# session 9, issue 10: the RGB baseline of the shipped 192x192 student's recipe at the student's
# budget (1000 steps; session 8's baseline had 3000), so that student vs baseline isolates L_PI +
# the second backbone; otherwise identical to docs/runs/session8/train_baseline192.sh; resumable
cd /work/main
exec .venv/bin/pipose train baseline --backbone blazepose_full --backbone-lr 0 \
  --data /root/.cache/pipose_ros/anny-train-s0 --crops --size 192 192 --head-stride 4 --canonical-fx 200 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 1000 --batch-size 16 --lr 1e-3 \
  --val-data /root/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 1000 --save-every 100 \
  --seed 0 --out /work/runs/baseline192_1k/baseline.pt
