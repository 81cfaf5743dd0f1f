set -x
cd /work/main
D=docs/runs/session25
T=/work/runs/s25/teacher_lr_sym/teacher.pt
export OMP_NUM_THREADS=2
cp /work/runs/s25/teacher_lr_sym/teacher.val.csv $D/teacher_lr_sym.val.csv
cp /work/runs/s25/teacher_lr_sym/teacher.log.csv $D/teacher_lr_sym.log.csv
.venv/bin/python $D/oneoff_teacher_left_right.py ~/.cache/pipose_ros/anny-val-s1 480 $T > $D/oneoff_teacher_left_right_lr_sym.log 2>&1
.venv/bin/pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher $T --png /tmp/teacher_lr_sym_real.png --json $D/teacher_lr_sym_realdepth.json 2>&1 | tr '\r' '\n' | grep -v "it/s"
.venv/bin/pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/pipose-synth-v2 $T --json $D/teacher_lr_sym_synth_v2.json 2>&1 | tr '\r' '\n' | grep -v "it/s" | head -5
