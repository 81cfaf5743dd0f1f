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
$P evaluate --backend onnxruntime --data $S /work/runs/s25/student_known_more2/student.pt --json $D/known_more2_synth_v2.json
#    -> 62.53 cm against the shipped 62.93 (validation 87.58 -> 84.60): not shipped (a candidate; /work/runs/s25)
# 5. does the teacher tell left from right? (every teacher this project trained; old ones from git history:
#    git show aaaf6f1:models/pipose_teacher_kinect14.pt > /tmp/tch/teacher_s10.pt, 6a30a4d: ... teacher_s13.pt)
.venv/bin/python $D/oneoff_teacher_left_right.py $V 480 /tmp/tch/teacher_s10.pt /tmp/tch/teacher_s13.pt models/pipose_teacher_kinect14.pt docs/runs/session21/teacher_bp128_s21.pt /work/runs/s23/teacher_control/teacher.pt /work/runs/s23/teacher_coord/teacher.pt > $D/oneoff_teacher_left_right.log
.venv/bin/python $D/oneoff_teacher_lr_decode.py real models/pipose_teacher_kinect14.pt $D/teacher_lr_split_realdepth.json /tmp/teacher_lr_real.png > $D/oneoff_teacher_lr_decode.log
.venv/bin/python $D/oneoff_teacher_lr_decode.py $V models/pipose_teacher_kinect14.pt $D/teacher_lr_split_val.json >> $D/oneoff_teacher_lr_decode.log
# 6. the loss instead: half of L_PE symmetric in left and right (session 23's control arm otherwise), then evaluated
THREADS=1 bash $D/train_teacher_lr_sym.sh
# 7. the lr-symmetric teacher evaluated (= /work/runs/s25/eval_lr_sym.sh; the real frame's overlay in /tmp, looked at)
T=/work/runs/s25/teacher_lr_sym/teacher.pt
.venv/bin/python $D/oneoff_teacher_left_right.py $V 480 $T > $D/oneoff_teacher_left_right_lr_sym.log
$P realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher $T --png /tmp/teacher_lr_sym_real.png --json $D/teacher_lr_sym_realdepth.json
$P evaluate --backend onnxruntime --data $S $T --json $D/teacher_lr_sym_synth_v2.json
# 8. fresh clone at 7da3ac1 (git clone + ../shared link): bash .ci/run -> 255 passed in 7 min 01 s (10 min 27 s with the
#    install; the teacher run beside it); make demo -> rc 0 (1 min 39 s): people [2 x 10] ids stable, kinect_people
#    [4 x 10] ids stable; synthetic RGB-D student 45.56 / teacher 32.90 / rgbd output 22.91 cm. Looked at astronaut.png,
#    people.png, kinect_people.png, camera.png.
# 9. started at the end (resumable; evaluate next session with the three lines of step 7 on its checkpoint)
bash $D/train_teacher_lr_sym2.sh
T2=/work/runs/s25/teacher_lr_sym2/teacher.pt   # committed as docs/runs/session25/teacher_lr_sym2.pt
.venv/bin/python $D/oneoff_teacher_left_right.py $V 480 $T2 > $D/oneoff_teacher_left_right_lr_sym2.log
$P realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher $T2 --png /tmp/teacher_lr_sym2_real.png --json $D/teacher_lr_sym2_realdepth.json
$P evaluate --backend onnxruntime --data $S $T2 --json $D/teacher_lr_sym2_synth_v2.json
