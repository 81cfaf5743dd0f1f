#!/bin/bash
# Session 24 (2026-12-02): the RGB student learns a low confidence for joints out of its crop.
# Session 23's control arm (docs/runs/session23/train_student_coord_ab.sh control: the shipped student,
# 1000 more steps of session 14's recipe) with one change: --pe-mask known (L_PE on every labelled joint,
# in view or not; the default masks joints outside the crop, so the network places them anywhere with
# any confidence — the astronaut's hips drawn on her suit). Same data, seed and steps. Resumable.
# W=20 (environment): such joints' uv maps weigh 20 in L_PE (--pe-out-weight; W=1 was the first run, too weak:
# oneoff_out_of_view.log; a first W=20 run that weighed their uz maps too, stopped at step 316: validation 151 cm at
# step 250 against 91); output in /work/runs/s24/student_known_w20.
OMP_NUM_THREADS=${THREADS:-2} nice -n 5 pipose train student --init models/pipose_student_kinect14.pt --keep-config \
  --backbone blazepose_full --backbone-lr 0 --teacher models/pipose_teacher_kinect14.pt --distill-stage s4 \
  --data ~/.cache/pipose_ros/anny-train-s0 --crops --size 224 224 --head-stride 4 --canonical-fx 233.33333333333334 \
  --z-range 0.3 3.8 --sigma-mm 60 --steps 1000 --batch-size 16 --lr 2.5e-4 --warmup 0.02 --zoom 0.25 \
  --val-data ~/.cache/pipose_ros/anny-val-s1 --val-frames 480 --val-every 250 --save-every 50 \
  --seed 5 --pe-mask known --pe-out-weight ${W:-1} --out /work/runs/s24/student_known${W:+_w$W}/student.pt
