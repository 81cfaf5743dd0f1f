#!/bin/bash
# Session 11 (2026-11-30, x86_64, 2 CPU cores, no GPU lent), as run.
# 1) the heatmap prior at the shipped baseline's recipe (192 x 192, 1000 steps from BlazePose; 12 min)
set -ex
sh docs/runs/session11/train_baseline192_prior.sh
pipose realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint /work/runs/baseline192_prior/baseline.pt --json docs/runs/session11/baseline192_prior_real2d.json
# 2) fine-tunes of the shipped student and baseline at 224 x 224 with the prior (400 steps each)
sh docs/runs/session11/train_student224_prior.sh
sh docs/runs/session11/train_baseline224_prior.sh
# 3) the fine-tuned student: real photos, real Kinect frame (as decoded, gain 1: before tune-decode), its
#    decoding gain on the validation set, then pipose-synth-v2 (recorded)
W=/work/runs/student224_prior/student.pt
S=~/.cache/pipose_ros/pipose-synth-v2
pipose realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $W --json docs/runs/session11/student224_prior_real2d.json
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student $W --box-scales 0.8 0.9 1.0 1.1 1.25 --json /work/study11/student224_realdepth_g1.json   # scratch, gain 1
pipose tune-decode $W --data ~/.cache/pipose_ros/anny-val-s1 --json docs/runs/session11/student224_prior_tune_decode.json --write
pipose evaluate --backend onnxruntime --data $S $W --record synth_v2.student --json docs/runs/session11/student224_prior_synth_v2.json
# 4) the fine-tuned baseline: real photos, decoding gain, pipose-synth-v2 (recorded)
B=/work/runs/baseline224_prior/baseline.pt
pipose realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $B --json docs/runs/session11/baseline224_prior_real2d.json
pipose tune-decode $B --data ~/.cache/pipose_ros/anny-val-s1 --json docs/runs/session11/baseline224_prior_tune_decode.json --write
pipose evaluate --backend onnxruntime --data $S $B --record synth_v2.baseline --json docs/runs/session11/baseline224_prior_synth_v2.json
# 5) the control fine-tuned the same way (L_PI against the fine-tuned baseline); a first start alongside the
#    evaluations was stopped at step 4 (before any snapshot) and restarted from scratch on an idle machine after 6)
pipose curves /work/runs/student224_prior/student.pt --out docs/student224_prior_curves.png --title "student fine-tuned at 224 with the heatmap prior (session 11)"
# 6) records for the shipped student (run path), the table, shipping, ONNX
pipose realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $W --record --json docs/runs/session11/student224_prior_real2d.json
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student $W --box-scales 0.8 0.9 1.0 1.1 1.25 --png demo_out/realcheck_depth.png --json docs/runs/session11/student224_prior_realcheck_depth.json --record --note "$NOTE"   # NOTE: the teacher's overlay verdict, teacher unchanged
pipose table-v2
pipose ship-student $W --baseline $B --curves docs/student224_prior_curves.png
pipose export models/pipose_student_kinect14.pt --precision fp32
# 7) the control (see 5), then its decoding gain and pipose-synth-v2 row
sh docs/runs/session11/train_control224_prior.sh
C=/work/runs/control224_prior/student.pt
pipose tune-decode $C --data ~/.cache/pipose_ros/anny-val-s1 --json docs/runs/session11/control224_prior_tune_decode.json --write
pipose evaluate --backend onnxruntime --data $S $C --record synth_v2.control --json docs/runs/session11/control224_prior_synth_v2.json
pipose realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint $C --json docs/runs/session11/control224_prior_real2d.json
pipose table-v2
pipose benchmark > docs/runs/session11/benchmark_run1.log   # idle machine, 5.5 min
# 8) the records re-made against the shipped files (models/...): identical numbers
pipose evaluate --backend onnxruntime --data $S models/pipose_student_kinect14.pt --record synth_v2.student --json docs/runs/session11/student_shipped_synth_v2.json
pipose evaluate --backend onnxruntime --data $S models/pipose_rgb_baseline_kinect14.pt --record synth_v2.baseline --json docs/runs/session11/baseline_shipped_synth_v2.json
pipose realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint models/pipose_student_kinect14.pt --record --json docs/runs/session11/student_shipped_real2d.json
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --student models/pipose_student_kinect14.pt --box-scales 0.8 0.9 1.0 1.1 1.25 --png demo_out/realcheck_depth.png --json docs/runs/session11/student_shipped_realcheck_depth.json --record --note "$NOTE"
pipose table-v2
pipose benchmark > docs/runs/session11/benchmark_run2.log   # second run, idle machine; its table is the one in docs/BENCHMARKS.md
