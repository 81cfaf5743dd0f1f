#!/bin/sh
# session 11, issue 10: the RGB-teacher control (docs/runs/session9/train_control192.sh) fine-tuned as the
# student was (docs/runs/session11/train_student224_prior.sh: 224x224, --uv-prior, 400 steps, lr 5e-4),
# L_PI against the equally fine-tuned RGB baseline (docs/runs/session11/train_baseline224_prior.sh) instead
# of the depth teacher; resumable
cd /work/main
exec .venv/bin/pipose train student --init /work/runs/control192/student.pt --keep-config --uv-prior \
  --backbone blazepose_full --backbone-lr 0 --teacher /work/runs/baseline224_prior/baseline.pt \
  --data /root/.cache/pipose_ros/anny-train-s0 --crops --size 224 224 --head-stride 4 --canonical-fx 233.33333333333334 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 400 --batch-size 16 --lr 5e-4 --warmup 0.1 \
  --val-data /root/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 400 --save-every 50 \
  --seed 1 --out /work/runs/control224_prior/student.pt
