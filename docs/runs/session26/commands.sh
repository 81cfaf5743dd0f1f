#!/bin/bash
# Session 26 (2026-12-02), x86_64, 2 CPU cores, Python 3.11.7, no GPU lent (device status: not drawn). A new machine:
# caches rebuilt with the documented commands (make test, make label-env, pipose data ..., pipose testset --v2,
# the real photos / Kinect frame from the fetched repositories as README says). Every number in docs/ from this
# session comes from these commands, in this order (JSONs and logs beside this file).
set -ex
cd /work/main
P=.venv/bin/pipose
S=~/.cache/pipose_ros/pipose-synth-v2
V=~/.cache/pipose_ros/anny-val-s1
D=docs/runs/session26
# 0. caches (first renders of a new machine build Anny's and warp's caches: run one render job at a time)
$P data --synthetic 480 --data-seed 1 --out $V                        # 58 s, fingerprint feb03d4c...
$P testset --v2
# 1. provenance fixes before the teacher is replaced (model card reads them)
.venv/bin/python $D/oneoff_student_teacher_provenance.py models/pipose_student_kinect14.pt dd9ef9a
.venv/bin/python $D/oneoff_teacher_chain_lr_sym.py docs/runs/session25/teacher_lr_sym2.pt 0.5
# 2. the shipped (session 16) teacher on this machine's synth-v2 render (fingerprint 9017eca2..., another than
#    the recorded cff9ca13...): 31.04 cm / 17.1 % / 4570 matched -- the recorded numbers, reproduced
$P evaluate --backend onnxruntime --data $S models/pipose_teacher_kinect14.pt --json $D/teacher_s16_synth_v2.json
$P evaluate --backend onnxruntime --data $S docs/runs/session25/teacher_lr_sym2.pt --json $D/teacher_lr_sym2_synth_v2.json
#    (anny-train-s0 started and stopped at 800 frames: 2 frames/s beside the evaluations would have taken 2 h;
#     no training this session, so it is left for the next one -- pipose data resumes its shards)
# 3. its decoding gain on the validation renders (the rule of every shipped model: lowest MPJPE there):
#    0.75 (29.28 cm) against 0.5 (29.34) -- written into the file before shipping
$P tune-decode docs/runs/session25/teacher_lr_sym2.pt --data $V --json $D/teacher_lr_sym2_tune_decode.json
$P tune-decode docs/runs/session25/teacher_lr_sym2.pt --data $V --gains 0.75 --size-weights 0 --write
.venv/bin/pipose curves docs/runs/session25/teacher_lr_sym2.pt --out docs/teacher_lr_sym_s25_curves.png
.venv/bin/pipose export models/pipose_student_kinect14.pt   # its ONNX records the .pt's digest: re-exported after (1)
# 4. shipped and recorded (make test had run meanwhile: 253 passed, the 2 ONNX-staleness tests failed until this export)
bash $D/record_teacher.sh
#    -> synth-v2 29.59 cm / 19.3 % / PA 21.07 (gain 0.5 gave 29.54 / 19.1 / 21.15); every skeleton 34.18 cm / 18.3 %;
#       real frame 20.94 cm, 4/4 (gain 0.5 gave 19.70); rgbd output synth-v2 28.72 cm (the record it replaces,
#       31.82, was session 19's student with session 16's teacher). Looked at demo_out/realcheck_depth.png.
# 5. issue 13's loop again with the shipped student (session 25's) and this teacher, every step from scratch
$P distill-demo --work ~/.cache/pipose_ros/distill-demo-s26
#    (beside it, at nice 19 until the training runs began: pipose data --synthetic 16000 --data-seed 0 --out
#     ~/.cache/pipose_ros/anny-train-s0, stopped at 7400 frames -- no time to train the teacher further this session)
$P table-v2            # the teacher row is the new teacher's; gap closed by the student 20.7 % (unmatched)
$P ship-student models/pipose_student_kinect14.pt --baseline models/pipose_rgb_baseline_kinect14.pt --curves docs/student224_s25_curves.png   # card only: the .pt bytes unchanged (sha256 cec6b13b...); it now names its teacher's version
#    (killed during the third arm at 15:01 for time: the issue-13 loop then resumed without the MediaPipe arm)
$P distill-demo --work ~/.cache/pipose_ros/distill-demo-s26 --no-mediapipe --no-record
# 6. fresh clone (git clone + ../shared link) at c307714: bash .ci/run -> 256 passed, 1 failed
#    (test_soak_30s_at_60hz: the node process exited early during the run, beside the loop's training; the harness
#    then failed reading /proc of the exited process, hiding why) -> bench.py reports an early exit; passes alone.
make demo   # beside the CI and the loop: rc 0; looked at kinect_people.png, people.png, synthetic_010.png
#    -> before 43.52 cm, the loop 43.71, no L_PI 43.83 (distill_eval.json, copied from the work folder)
cp ~/.cache/pipose_ros/distill-demo-s26/eval.json $D/distill_eval.json
cp ~/.cache/pipose_ros/distill-demo-s26/ds_teacher/label_report.json $D/distill_label_report.json
# 7. fresh clone at 4e7458c: bash .ci/run -> 257 passed in 15 min 02 s (beside the loop's last arm)
make demo   # again, alone: rc 0; people [2 x 10] and kinect_people [4 x 10] ids stable; synthetic RGB-D student
            # 45.56 / teacher 32.06 / rgbd output 22.93 cm
