#!/bin/bash
# Session 27 (2026-12-02), x86_64 (AMD EPYC), 2 CPU cores, Python 3.11.7, no GPU lent (device status: not drawn).
# The same machine as session 26 (its caches were still there). Every number in docs/ from this session comes
# from these commands, in this order (JSONs and logs beside this file).
set -ex
cd /work/main
P=.venv/bin/pipose
S=~/.cache/pipose_ros/pipose-synth-v2
V=~/.cache/pipose_ros/anny-val-s1
D=docs/runs/session27
# 0. the training set session 26 stopped at 7400 frames, finished (resumes its shards; 5.5 min, 25 frames/s)
$P data --synthetic 16000 --data-seed 0 --out ~/.cache/pipose_ros/anny-train-s0   # fingerprint c203bda4...
# 1. side by side, one thread each:
#    (a) the teacher continuation session 26 prepared (W = 0.1)
THREADS=1 bash $D/train_teacher_lr_sym3.sh
#    (b) issue 13's MediaPipe-labels arm, which session 26 did not run (the work folder resumes: only that
#        training and the evaluation run; then the FINETUNE table and robot_domain.* are written from one run)
OMP_NUM_THREADS=1 nice -n 5 $P distill-demo --work ~/.cache/pipose_ros/distill-demo-s26
#    -> FINETUNE table / robot_domain.*: before 43.52, loop 43.71, no L_PI 43.83, MediaPipe labels 42.82 cm
#       (eval JSONs copied here: distill_eval*.json). (a) was restarted at step 1100 with two threads
#       (THREADS=2, resumed from its snapshot) once (b) had finished.
# 2. the continuation measured (synth-v2 29.09 cm / 20.0 % / PA 21.39; real frame 21.13 cm, 4/4; gain 0.75 kept)
bash $D/eval_lr_sym3.sh
$P curves /work/runs/s27/teacher_lr_sym3/teacher.pt --out $D/teacher_lr_sym3_curves.png
#    not shipped (docs/RESULTS.md, issue 9, session 27)
# 3. the node's rgbd output on the robot's held-out frames with today's student and teacher (55 s): 18.57 cm, mAP@10 52.9 %
$P evaluate --backend onnxruntime --data ~/.cache/pipose_ros/distill-demo-s26/test models/pipose_student_kinect14.pt --rgbd-anchor models/pipose_teacher_kinect14.pt --record robot_domain.rgbd_output --json $D/robot_test_rgbd_anchor.json
# 4. fresh clone (../shared beside it): .ci/run -> 257 passed in 532 s; make demo -> rc 0, people 2x10 and
#    kinect_people 4x10 ids stable, synthetic RGB-D student 45.56 / teacher 32.06 / rgbd output 22.93 cm
rm -rf /tmp/x; mkdir -p /tmp/x; git clone /work/main /tmp/x/main; ln -s /work/shared /tmp/x/shared
(cd /tmp/x/main && bash .ci/run && make demo)
