#!/bin/bash
# Session 25 (2026-12-02), x86_64 (the 2-core Intel Xeon of sessions 17-24, caches kept), 2 CPU cores,
# Python 3.11.7, no GPU lent (device status: not drawn). Every number in docs/ from this session comes from
# these commands, in this order (JSONs and logs beside this file).
set -ex
cd /work/main
P=.venv/bin/pipose
S=~/.cache/pipose_ros/pipose-synth-v2
V=~/.cache/pipose_ros/anny-val-s1
D=docs/runs/session25
# 1. session 24's candidate (docs/runs/session24/train_student_known_more.sh, /work/runs/s24) shipped and recorded
bash $D/record_shipped.sh
# 2. what reading a person's size from the image costs a perfect estimator (synth-v2; the robot domain of issue 13)
.venv/bin/python $D/oneoff_size_oracle.py $S models/pipose_student_kinect14.pt > $D/oneoff_size_oracle.log
.venv/bin/python $D/oneoff_size_oracle.py ~/.cache/pipose_ros/distill-demo-s19/test models/pipose_student_kinect14.pt >> $D/oneoff_size_oracle.log
# 3. the depth teacher and what else its crop shows (CropSpec.people_mask), then run-time attempts to remove it
.venv/bin/python $D/oneoff_teacher_bg.py models/pipose_teacher_kinect14.pt $V 480 > $D/oneoff_teacher_bg.log
bash $D/oneoffs.sh   # the five lines below, one thread each, nice 19
#   oneoff_teacher_depth_segment.py $V 480; oneoff_teacher_self_isolate.py $V 480;
#   oneoff_teacher_two_pass.py $V 480 0,0 0.22,0.3 0.15,0.2; oneoff_rgbd_own_mask.py $V 480 0,0 0.22,0.3 0.3,0.5;
#   oneoff_teacher_two_pass_real.py 0.15 0.2   (-> teacher_two_pass_realdepth.json)
# 4. a candidate: 1500 more steps of the shipped recipe, seed 7 (38 min), then evaluated
bash $D/train_student_known_more2.sh
