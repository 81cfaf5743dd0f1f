#!/bin/bash
# Session 18 (2026-12-01), x86_64 (Intel Xeon, the same machine as session 17: its caches were still there),
# 2 CPU cores, Python 3.11, no GPU lent (device status: not drawn). Every number in docs/ from this session
# comes from these commands (JSONs and logs beside).
set -ex
D=docs/runs/session18
# where does the shipped depth teacher fail? 2D PCK@0.2 by case, and a contact sheet of its worst/middle/best crops
python $D/oneoff_teacher_2d_cases.py models/pipose_teacher_kinect14.pt ~/.cache/pipose_ros/anny-val-s1 $D/teacher_2d_cases.png 100 > $D/oneoff_teacher_2d_cases.log
# how many crops show their person in depth at all (crops' depth_seen), and the teacher's PCK by that
python $D/oneoff_depth_seen.py ~/.cache/pipose_ros/anny-val-s1 480 models/pipose_teacher_kinect14.pt > $D/oneoff_depth_seen_val.log
# A/B from the shipped teacher, 6000 steps each, people not seen in depth left out of training:
bash $D/train_teacher_bp128_s18.sh      # the convolutional uz branch (as shipped)
bash $D/train_teacher_bp128_col.sh      # + ColumnDepthBins (--column-uz)
for r in s18 col; do cp /work/runs/teacher_bp128_$r/teacher.val.csv $D/teacher_bp128_$r.val.csv; cp /work/runs/teacher_bp128_$r/teacher.log.csv $D/teacher_bp128_$r.log.csv; done
R=/work/runs/teacher_bp128_s18/teacher.pt
pipose tune-decode $R --data ~/.cache/pipose_ros/anny-val-s1 --write --json $D/teacher_bp128_s18_tune_decode.json   # gain 0.75
python $D/oneoff_depth_seen.py ~/.cache/pipose_ros/anny-val-s1 480 $R > $D/oneoff_depth_seen_val_s18.log
pipose evaluate --data ~/.cache/pipose_ros/pipose-synth-v2 $R --json $D/teacher_bp128_s18_synth_v2.json                 # 36.21 cm
pipose evaluate --data ~/.cache/pipose_ros/pipose-synth-v2 models/pipose_teacher_kinect14.pt --json $D/teacher_shipped_synth_v2.json   # 35.03 cm (as session 17), now with the seen-in-depth cases
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher $R --png /work/runs/realcheck_s18.png --json $D/teacher_bp128_s18_realdepth.json   # 26.37 cm
# the A/B partner, stopped at step 4000 (validation rows 1000-4000 in teacher_bp128_col.val.csv)
bash $D/train_teacher_bp128_col.sh    # killed after the step-4000 validation
# checks: fresh clone of main (../shared beside it): bash .ci/run; make demo
