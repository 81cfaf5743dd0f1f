#!/bin/bash
# Session 22 (2026-12-02, x86_64, 2 CPU cores, no device lent): the whole-body person detector.
# Every number in docs/RESULTS.md "Session 22", docs/BACKBONES.md "Whole-body detector", README and the model card.
set -e
cd "$(dirname "$0")/../../.."  # the repository root
# 1. training (57 min; resumable), then shipped as models/body_detector.onnx
.venv/bin/pipose train-detector --data ~/.cache/pipose_ros/anny-train-s0 --val ~/.cache/pipose_ros/anny-val-s1 \
    --out /work/runs/s22/body_detector.pt          # -> body_detector.{log,val}.csv (copied here), .onnx
cp /work/runs/s22/body_detector.onnx models/body_detector.onnx
# 2. the moving-people streams, rendered once (validation seed 1: 16 sequences; test seed 2: 30), 640 px
python docs/runs/session22/oneoff_render_cache.py 1 640 16; python docs/runs/session22/oneoff_render_cache.py 2 640 30
# 3. detection per frame (full detection every 3rd frame): BlazePose alone / + body at several scores
python docs/runs/session22/oneoff_det_recall2.py /tmp/s22/motion_s1_w640 16 3 models/body_detector.onnx > docs/runs/session22/oneoff_det_recall2.log
python docs/runs/session22/oneoff_det_recall2.py /tmp/s22/motion_s2_w640 30 3 models/body_detector.onnx > docs/runs/session22/oneoff_det_recall2_test.log
# 4. real photos: 4 COCO images of open-mmlab/mmpose tests/data in ~/.cache/pipose_ros/realphotos/coco (git-ignored cache)
#    and the real Kinect v2 frame; box heights against COCO's boxes
python docs/runs/session22/oneoff_realdet.py models/body_detector.onnx > docs/runs/session22/oneoff_realdet.log
python docs/runs/session22/oneoff_realbox.py models/body_detector.onnx > docs/runs/session22/oneoff_realbox.log
# 5. the node's pipeline on the validation stream (tracking-rule choices; see the log's header), false positives
python docs/runs/session22/oneoff_harness_run.py /tmp/s22/motion_s1_w640 16 models/body_detector.onnx "blazepose:0:1,body:0.5:1"
python docs/runs/session22/oneoff_fp_diag.py /tmp/s22/motion_s1_w640 6 models/body_detector.onnx
# 6. the node's pipeline on the test stream. The BlazePose run was made with an interim flag
#    (--no-body-detector) that is the default now; its numbers equal session 21's record.
.venv/bin/pipose evaluate-temporal models/pipose_student_kinect14.onnx --motion --seed 2 --sequences 30 --length 45 \
    --width 640 --tracking --json docs/runs/session22/temporal_motion_blazepose.json
.venv/bin/pipose evaluate-temporal models/pipose_student_kinect14.onnx --motion --seed 2 --sequences 30 --length 45 \
    --width 640 --tracking --body-detector --json docs/runs/session22/temporal_motion_body.json
# 7. cost and the two real photos the demo uses; the rejected zoom fine-tune
python docs/runs/session22/oneoff_body_timing.py > docs/runs/session22/oneoff_body_timing.log
.venv/bin/pipose train-detector --data ~/.cache/pipose_ros/anny-train-s0 --val ~/.cache/pipose_ros/anny-val-s1 \
    --out /work/runs/s22/body_detector_zoom.pt --init /work/runs/s22/body_detector.pt --zoom 0.4 4.0 --steps 600 --lr 5e-4 --seed 1
python docs/runs/session22/oneoff_realdet.py /work/runs/s22/body_detector_zoom.onnx > docs/runs/session22/oneoff_realdet_zoom.log
