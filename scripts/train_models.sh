#!/usr/bin/env bash
# Trains the shipped checkpoints (see models/MODEL_CARD.md): CPU, 2 cores, about 70 min.
# Data: synthetic stream seed 0 (4000 frames) for training; seed 1000 (500 frames) held out.
set -euo pipefail
STEPS=${STEPS:-800}
ALPHA=${ALPHA:-1.0}
pipose data --synthetic 4000 --data-seed 0
pipose data --synthetic 500 --data-seed 1000
[ -f models/pipose_teacher_kinect14.pt ] || \
  pipose train teacher  --steps $STEPS --out models/pipose_teacher_kinect14.pt  --eval-synthetic 500
[ -f models/pipose_rgb_baseline_kinect14.pt ] || \
  pipose train baseline --steps $STEPS --out models/pipose_rgb_baseline_kinect14.pt --eval-synthetic 500
[ -f models/pipose_student_kinect14.pt ] || \
  pipose train student  --steps $STEPS --teacher models/pipose_teacher_kinect14.pt --alpha $ALPHA \
    --out models/pipose_student_kinect14.pt --eval-synthetic 500
