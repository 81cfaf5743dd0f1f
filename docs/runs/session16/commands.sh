#!/bin/bash
# Session 16 (2026-12-01), x86_64 (AMD EPYC, a fresh machine: every cache rebuilt with the documented
# commands below), 2 CPU cores, Python 3.11.7, no GPU lent. Every number in docs/ from this session comes
# from these commands (JSONs and logs beside).
#
# One-off scripts (numbers reported as such, logs beside), all on held-out person crops (box x 1.3):
#   oneoff_overfit_batch.py CKPT STEPS LR BACKBONE_LR [N [frozen_bn]] - can the teacher fit a fixed set of N
#       crops without augmentation? (train-mode vs eval-mode L_PE, MPJPE, PA-MPJPE, 2D px, |dZ|)
#   oneoff_precise_bn.py     - the shipped teacher with its batch-norm statistics recomputed
#   oneoff_mean_pose.py      - PA-MPJPE of one constant mean pose
#   oneoff_blazepose_on_depth.py FOLDER SIZE - BlazePose GHUM (pretrained, not trained by us) on RGB and on
#       depth shown as an image (depth_as_image, relief, clay shading): 2D PCK@0.2
#   oneoff_teacher_2d.py     - the shipped teacher's 2D PCK@0.2, the same metric
#   oneoff_teacher_lift.py   - the teacher's joint depths from its uz maps vs read off its input depth
set -ex
# caches (fresh machine)
pipose data --synthetic 16000 --data-seed 0 --out ~/.cache/pipose_ros/anny-train-s0     # 6 min
pipose data --synthetic 480 --data-seed 1 --out ~/.cache/pipose_ros/anny-val-s1
pipose testset --v2                                                                      # fingerprint c1afd8a6... here
S=/work/study16
pipose data --synthetic 48 --data-seed 11 --out $S/of48      # a small set to fit
pipose data --synthetic 100 --data-seed 12 --out $S/val100   # held-out crops for the one-offs
pipose data --synthetic 300 --data-seed 13 --out $S/cal300   # batch-norm recalibration / mean pose
# the shipped models on pipose-synth-v2 with the new mean-pose reference in the error parts
pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/pipose-synth-v2 models/pipose_teacher_kinect14.pt \
    models/pipose_student_kinect14.pt models/pipose_rgb_baseline_kinect14.pt --json docs/runs/session16/shipped_synth_v2_mean_pose.json
# can the teacher learn? (one-offs)
pipose train teacher --init models/pipose_teacher_kinect14.pt --keep-config --backbone blazepose_full --backbone-lr 0.3 \
    --data $S/of48 --crops --size 128 128 --head-stride 2 --canonical-fx 133.33333333333334 --z-range 0.3 3.8 --sigma-mm 60 \
    --steps 800 --batch-size 16 --lr 5e-4 --warmup 0.02 --seed 3 --val-data $S/of48 --val-frames 48 --val-every 200 \
    --out $S/of_teacher/teacher.pt    # -> overfit48_cli_validation.log
D=docs/runs/session16
python $D/oneoff_overfit_batch.py models/pipose_teacher_kinect14.pt 200 1e-3 1.0 > $D/oneoff_overfit_batch.log
python $D/oneoff_overfit_batch.py models/pipose_teacher_kinect14.pt 400 1e-3 1.0 200 > $D/oneoff_overfit_100.log
python $D/oneoff_overfit_batch.py models/pipose_teacher_kinect14.pt 400 1e-3 1.0 200 frozen_bn > $D/oneoff_overfit_100_frozenbn.log
python $D/oneoff_precise_bn.py models/pipose_teacher_kinect14.pt $S/cal300 $S/val100 > $D/oneoff_precise_bn_teacher.log
python $D/oneoff_mean_pose.py $S/cal300 $S/val100 > $D/oneoff_mean_pose.log
for s in 128 192 256; do python $D/oneoff_blazepose_on_depth.py $S/val100 $s > $D/oneoff_blazepose_on_depth_$s.log; done
python $D/oneoff_teacher_2d.py models/pipose_teacher_kinect14.pt $S/val100 > $D/oneoff_teacher_2d.log
python $D/oneoff_teacher_lift.py models/pipose_teacher_kinect14.pt $S/val100 > $D/oneoff_teacher_lift.log
# 5000 more teacher steps, F_depth at the full learning rate
bash $D/train_teacher_bp128_s16.sh
R=/work/runs/teacher_bp128_s16/teacher.pt
pipose evaluate --data ~/.cache/pipose_ros/pipose-synth-v2 $R --json $D/teacher_bp128_s16_synth_v2.json
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher $R --json $D/teacher_bp128_s16_realdepth.json
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt   # session 13's, before shipping: 25.84 cm (reproduced)
cp /work/runs/teacher_bp128_s16/teacher.log.csv $D/teacher_bp128_s16.log.csv; cp /work/runs/teacher_bp128_s16/teacher.val.csv $D/teacher_bp128_s16.val.csv
pipose tune-decode $R --data ~/.cache/pipose_ros/anny-val-s1 --write --json $D/teacher_bp128_s16_tune_decode.json
pipose curves $R --out docs/teacher_bp128_s16_curves.png
pipose ship-teacher $R --curves docs/teacher_bp128_s16_curves.png && pipose export models/pipose_teacher_kinect14.pt
pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/pipose-synth-v2 models/pipose_teacher_kinect14.pt --record synth_v2.teacher --json $D/teacher_shipped_synth_v2.json
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student models/pipose_student_kinect14.pt \
    --box-scales 0.8 0.9 1.0 1.1 1.25 --png demo_out/realcheck_depth.png --json $D/teacher_shipped_realcheck_depth.json --record --note "…"
pipose ship-teacher $R --curves docs/teacher_bp128_s16_curves.png && pipose export models/pipose_teacher_kinect14.pt   # again: the card's metrics from the recorded numbers
