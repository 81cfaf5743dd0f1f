#!/bin/sh
# session 14, issues 10/13: the shipped 224x224 student (docs/runs/session12/train_student224_zoom.sh)
# distilled again, now from the depth teacher shipped in session 13 (BlazePose trunk on depth, 87
# channels): L_PI at the new stage s4 = the 48 stride-4 decoder channels of both (the teacher's 39 heatmap
# logits sit at -30...-125 and made L_PI ~2000 at the default alpha 20: session 13's loop re-run), no
# adaptation layer; the old
# adapter to session 10's 240-channel teacher is dropped). 1000 steps x 16, lr 5e-4 with 10 % warm-up,
# --zoom 0.25, frozen BlazePose F_rgb; otherwise the shipped recipe; resumable
cd /work/main
exec .venv/bin/pipose train student --init models/pipose_student_kinect14.pt --keep-config \
  --backbone blazepose_full --backbone-lr 0 --teacher models/pipose_teacher_kinect14.pt --distill-stage s4 \
  --data /root/.cache/pipose_ros/anny-train-s0 --crops --size 224 224 --head-stride 4 --canonical-fx 233.33333333333334 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 1000 --batch-size 16 --lr 5e-4 --warmup 0.1 --zoom 0.25 \
  --val-data /root/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 500 --save-every 50 \
  --seed 3 --out /work/runs/student224_t13/student.pt
