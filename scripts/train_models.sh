#!/usr/bin/env bash
# Trains the shipped checkpoints (see models/MODEL_CARD.md) on this repo's synthetic data.
# Measured on the 2-core CPU development machine: teacher ~28 min, baseline ~14 min, student ~25 min.
# Data: synthetic stream seed 0 (4000 frames) for training; seed 1000 (500 frames) held out.
set -euo pipefail
pipose data --synthetic 4000 --data-seed 0
pipose data --synthetic 500 --data-seed 1000
[ -f models/pipose_teacher_kinect14.pt ] || \
  pipose train teacher  --steps 800 --out models/pipose_teacher_kinect14.pt --eval-synthetic 500
[ -f models/pipose_rgb_baseline_kinect14.pt ] || \
  pipose train baseline --steps 600 --out models/pipose_rgb_baseline_kinect14.pt --eval-synthetic 500
[ -f models/pipose_student_kinect14.pt ] || \
  pipose train student  --steps 600 --teacher models/pipose_teacher_kinect14.pt --alpha 20 --alpha-ramp 0.1 \
    --out models/pipose_student_kinect14.pt --eval-synthetic 500
pipose results
