# Session 19 (2026-12-01), 2-core Intel Xeon (x86_64, Python 3.11.7), no GPU, no device lent.
# Every number in RESULTS/README/FINETUNE from session 19 comes from these commands, in order.
set -e
D=docs/runs/session19
V=~/.cache/pipose_ros/pipose-synth-v2

# (1) which depth-support rule separates people the depth shows from those it does not (shipped teacher,
#     validation renders, every skeleton kept): chose 0.3 at 0.5 m
.venv/bin/python $D/oneoff_depth_support.py ~/.cache/pipose_ros/anny-val-s1 480 > $D/oneoff_depth_support.log

# (2) the shipped teacher on pipose-synth-v2: the old rule (every skeleton) reproduces 35.03 cm; the default (0.3)
pipose evaluate --backend onnxruntime --data $V models/pipose_teacher_kinect14.pt --min-depth-support 0 \
    --record synth_v2.teacher_every_skeleton --json $D/teacher_shipped_support0_synth_v2.json
pipose evaluate --backend onnxruntime --data $V models/pipose_teacher_kinect14.pt \
    --record synth_v2.teacher --json $D/teacher_shipped_support03_synth_v2.json
# session 18's teacher (trained without the people depth does not show; /work/runs, not shipped) under the rule
pipose evaluate --backend onnxruntime --data $V /work/runs/teacher_bp128_s18/teacher.pt \
    --json $D/teacher_s18_support03_synth_v2.json                                  # 29.90 cm
# the real Kinect frame: the rule keeps all four people for both teachers (numbers as in sessions 16 / 18)
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt   # 21.02 cm
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher /work/runs/teacher_bp128_s18/teacher.pt   # 26.37 cm

# (3) issue 13: the whole distillation loop with today's shipped teacher and the depth-support rule
#     (writes docs/FINETUNE.md's table and results.json robot_domain.*; an evaluation ran beside it, niced)
pipose distill-demo --work ~/.cache/pipose_ros/distill-demo-s19
cp ~/.cache/pipose_ros/distill-demo-s19/eval.json $D/distill_eval.json
cp ~/.cache/pipose_ros/distill-demo-s19/eval_floor.json $D/distill_eval_floor.json
cp ~/.cache/pipose_ros/distill-demo-s19/eval_measured_floor.json $D/distill_eval_measured_floor.json
cp ~/.cache/pipose_ros/distill-demo-s19/ds_teacher/label_report.json $D/distill_label_report.json

# (4) the node's rgbd output (depth_anchor): the student's 2D with the teacher's depths anchored to the measured depth
pipose evaluate --backend onnxruntime --data $V models/pipose_student_kinect14.pt \
    --rgbd-anchor models/pipose_teacher_kinect14.pt --record synth_v2.rgbd_output --json $D/student_rgbd_anchor_synth_v2.json
pipose ship-teacher models/pipose_teacher_kinect14.pt --card-only --curves docs/teacher_bp128_s16_curves.png   # the model card's teacher section with the depth-support numbers (the .pt unchanged)

# (5) which anchoring thresholds for the rgbd output: variants scored on the validation renders (chosen there:
#     gate 0.8 m, snap 0.5 m) and, for the record, on the first 800 benchmark frames (not used to choose)
.venv/bin/python $D/oneoff_anchor_variants.py ~/.cache/pipose_ros/anny-val-s1 480 > $D/oneoff_anchor_variants_val.log
.venv/bin/python $D/oneoff_anchor_variants.py $V 800 > $D/oneoff_anchor_variants.log   # ran before the last three variants were added
# the rgbd output with the chosen defaults (replaces (4)'s record)
pipose evaluate --backend onnxruntime --data $V models/pipose_student_kinect14.pt \
    --rgbd-anchor models/pipose_teacher_kinect14.pt --record synth_v2.rgbd_output --json $D/student_rgbd_anchor_synth_v2.json
make demo   # synthetic RGB-D: student, teacher, rgbd output MPJPE (demo_out/summary.json)

# (6) the rgbd output on the robot domain's held-out test frames of (3), against the student alone
pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/distill-demo-s19/test models/pipose_student_kinect14.pt \
    --rgbd-anchor models/pipose_teacher_kinect14.pt --record robot_domain.rgbd_output --json $D/robot_test_rgbd_anchor.json   # 19.28 cm (first run without --record)
pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/distill-demo-s19/test models/pipose_student_kinect14.pt \
    --json $D/robot_test_student.json                                                          # 47.34 cm

# (7) the rgbd output on the real Kinect v2 frame (pseudo ground truth lifted from the same depth: checks 2D + anchoring)
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt \
    --student models/pipose_student_kinect14.pt --json $D/realdepth_rgbd_output.json                  # 3.79 cm
