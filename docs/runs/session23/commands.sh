#!/bin/bash
# Session 23 (2026-12-02), the same 2-core Intel Xeon as sessions 17-22, no device lent.
# Every number quoted from this session comes from one of these commands.

# the soft-argmax (integral) decode against the run-time decoder on the shipped teacher's maps, per beta
python docs/runs/session23/oneoff_soft_decode_beta.py > docs/runs/session23/oneoff_soft_decode_beta.log
# A/B: the integral 3D loss for the depth teacher (both arms side by side, one thread each; resumable)
bash docs/runs/session23/train_teacher_coord_ab.sh control & bash docs/runs/session23/train_teacher_coord_ab.sh coord; wait
for a in control coord; do
  pipose evaluate --data ~/.cache/pipose_ros/pipose-synth-v2 /work/runs/s23/teacher_$a/teacher.pt \
      --json docs/runs/session23/teacher_${a}_synth_v2.json
  pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher /work/runs/s23/teacher_$a/teacher.pt \
      --json docs/runs/session23/teacher_${a}_realdepth.json --png /tmp/realcheck_s23_$a.png
done
# what the teacher reads on the real frame beside training renders (contact sheet real_teacher_inputs.png)
python docs/runs/session23/oneoff_real_teacher_inputs.py models/pipose_teacher_kinect14.pt ~/.cache/pipose_ros/realdepth \
    docs/runs/session23/teacher_coord_realdepth.json ~/.cache/pipose_ros/anny-val-s1 docs/runs/session23/real_teacher_inputs.png
# A/B: the integral 3D loss for the RGB student (one arm after the other, both cores; resumable)
for a in control coord; do THREADS=2 bash docs/runs/session23/train_student_coord_ab.sh $a; done
for a in control coord; do
  pipose evaluate --backend onnxruntime --data ~/.cache/pipose_ros/pipose-synth-v2 /work/runs/s23/student_$a/student.pt \
      --json docs/runs/session23/student_${a}_synth_v2.json
done
pipose realcheck-2d ~/.cache/pipose_ros/realphotos --checkpoint /work/runs/s23/student_control/student.pt \
    --json docs/runs/session23/student_control_real2d.json
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt \
    --student /work/runs/s23/student_control/student.pt --json docs/runs/session23/student_control_realdepth.json --png /tmp/rc_sc.png
# the fresh-clone check (2026-12-02 04:45-05:11, the student's coord arm training beside it): .ci/run 251 passed in
# 10 min 56 s (16 min 26 s with the venv's install); make demo rc 0 (people: 2 per frame, ids stable; kinect_people:
# 4, ids stable; synthetic RGB-D: student 45.06, teacher 32.90, rgbd output 22.34 cm)
rm -rf /tmp/x; mkdir -p /tmp/x; git clone /work/main /tmp/x/main; ln -s /work/shared /tmp/x/shared
(cd /tmp/x/main && bash .ci/run && make demo)
# started at the session's end in the background (not finished this session): 6000 more steps of the coordinate-loss teacher
bash docs/runs/session23/train_teacher_coord_more.sh
