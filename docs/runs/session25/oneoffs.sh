set -x
cd /work/main
D=docs/runs/session25
V=~/.cache/pipose_ros/anny-val-s1
export OMP_NUM_THREADS=1
nice -n 19 .venv/bin/python $D/oneoff_teacher_depth_segment.py $V 480 > $D/oneoff_teacher_depth_segment.log 2>&1
nice -n 19 .venv/bin/python $D/oneoff_teacher_self_isolate.py $V 480 > $D/oneoff_teacher_self_isolate.log 2>&1
nice -n 19 .venv/bin/python $D/oneoff_teacher_two_pass.py $V 480 0,0 0.22,0.3 0.15,0.2 > $D/oneoff_teacher_two_pass.log 2>&1
nice -n 19 .venv/bin/python $D/oneoff_rgbd_own_mask.py $V 480 0,0 0.22,0.3 0.3,0.5 > $D/oneoff_rgbd_own_mask.log 2>&1
nice -n 19 .venv/bin/python $D/oneoff_teacher_two_pass_real.py 0.15 0.2 2>&1 | tr '\r' '\n' | grep -v "it/s" > $D/oneoff_teacher_two_pass_real.log
