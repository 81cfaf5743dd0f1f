#!/bin/sh
# session 8, issue 10: RGB student F_rgb || F_hall on 192x192 person crops; F_rgb = BlazePose frozen
# (--backbone-lr 0), F_hall = BlazePose init trained with L_PI against the shipped 96x96 Anny depth
# teacher (crop resized to 96 for it, features resized to 48x48; canonical f_c 200 at 192 = 100 at 96)
# + L_PE; same data and schedule (1000 steps, not 3000: 2.75 s/step on 2 cores) as /work/runs/train_baseline192.sh; resumable
cd /work/main
exec .venv/bin/pipose train student --backbone blazepose_full --backbone-lr 0 \
  --teacher models/pipose_teacher_kinect14.pt \
  --data /root/.cache/pipose_ros/anny-train-s0 --crops --size 192 192 --head-stride 4 --canonical-fx 200 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 1000 --batch-size 16 --lr 1e-3 \
  --val-data /root/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 1000 --save-every 100 \
  --seed 0 --out /work/runs/student192/student.pt
