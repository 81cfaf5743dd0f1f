#!/usr/bin/env bash
# Trains the shipped checkpoints (see models/MODEL_CARD.md). CPU, 2 cores: ~75 min.
set -euo pipefail
STEPS=${STEPS:-800}
pipose data --synthetic 4000 --data-seed 0
pipose data --synthetic 500 --data-seed 1000
pipose train teacher  --steps $STEPS --out models/pipose_teacher_kinect14.pt  --eval-synthetic 500
pipose train baseline --steps $STEPS --out models/pipose_rgb_baseline_kinect14.pt --eval-synthetic 500
pipose train student  --steps $STEPS --teacher models/pipose_teacher_kinect14.pt --alpha ${ALPHA:-1.0} \
  --out models/pipose_student_kinect14.pt --eval-synthetic 500
