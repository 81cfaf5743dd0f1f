#!/bin/bash
# One-off (session 20): the loop's teacher labels (depth teacher + the student's 2D, anchored) on session 19's
# from-bag dataset, without and with --flip-test, scored against the stream's ground truth afterwards
# (pipose_ros.tools.distill_demo.label_error; the labeller never reads it).
set -e
cd /work/main
W=~/.cache/pipose_ros/distill-demo-s19
for f in "" "--flip-test"; do
  out=/work/runs/s20/ds_label${f:+_flip}
  rm -rf $out; cp -r $W/ds $out
  /usr/bin/time -f "%e s" .venv/bin/pipose label $out --teacher models/pipose_teacher_kinect14.onnx \
      --student models/pipose_student_kinect14.onnx $f 2>&1 | grep -av "it/s\]" | tail -3
  .venv/bin/python -c "
import json; from pathlib import Path
from pipose_ros.tools.distill_demo import label_error
print('$f' or 'no flip', json.dumps(label_error(Path('$out'), Path('$W/stream_gt.jsonl'))))"
done
