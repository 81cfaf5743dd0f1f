#!/bin/bash
# Session 17 (2026-12-01), x86_64 (Intel Xeon, a fresh machine: every cache rebuilt with the documented
# commands below), 2 CPU cores, Python 3.11, no GPU lent (device status: not drawn). Every number in docs/
# from this session comes from these commands (JSONs and logs beside).
set -ex
# caches (fresh machine)
make test                                                                                # 13 min 51 s (venv + 220 tests in 10 min 14 s)
pipose data --synthetic 16000 --data-seed 0 --out ~/.cache/pipose_ros/anny-train-s0     # 7 min 40 s
pipose data --synthetic 480 --data-seed 1 --out ~/.cache/pipose_ros/anny-val-s1
pipose testset --v2                                                                      # 1 min 53 s; fingerprint cff9ca13... here
# a depth teacher at 192 px from BlazePose's weights with its heatmaps as the uv prior
bash docs/runs/session17/train_teacher_bp192_prior.sh
R=/work/runs/teacher_bp192_prior/teacher.pt; D=docs/runs/session17
cp /work/runs/teacher_bp192_prior/teacher.log.csv $D/teacher_bp192_prior.log.csv; cp /work/runs/teacher_bp192_prior/teacher.val.csv $D/teacher_bp192_prior.val.csv
pipose curves $R --out $D/teacher_bp192_prior_curves.png
# 2D PCK@0.2 on 100 held-out frames' person crops (session 16's one-off script)
pipose data --synthetic 100 --data-seed 12 --out /work/study17/val100
python docs/runs/session16/oneoff_teacher_2d.py $R /work/study17/val100 > $D/oneoff_teacher_2d_bp192.log
python docs/runs/session16/oneoff_teacher_2d.py models/pipose_teacher_kinect14.pt /work/study17/val100 > $D/oneoff_teacher_2d_shipped.log
pipose evaluate --data ~/.cache/pipose_ros/pipose-synth-v2 $R --json $D/teacher_bp192_prior_synth_v2.json     # decode gain 0 (as trained): 36.48 cm
make label-env   # MediaPipe for the real frame's pseudo ground truth
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher models/pipose_teacher_kinect14.pt --png /work/study17/realcheck_shipped.png --json $D/teacher_shipped_realdepth.json   # 21.02 cm, reproduced
pipose tune-decode $R --data ~/.cache/pipose_ros/anny-val-s1 --write --json $D/teacher_bp192_prior_tune_decode.json   # gain 0.5
pipose evaluate --data ~/.cache/pipose_ros/pipose-synth-v2 $R --json $D/teacher_bp192_prior_gain05_synth_v2.json
pipose realcheck-depth ~/.cache/pipose_ros/realdepth --rgbd-pose3d --teacher $R --png /work/study17/realcheck_bp192.png --json $D/teacher_bp192_prior_gain05_realdepth.json   # 31.09 cm (30.68 at gain 0)
pipose evaluate --data ~/.cache/pipose_ros/pipose-synth-v2 models/pipose_teacher_kinect14.pt --json $D/teacher_shipped_synth_v2.json   # 35.03 cm, reproduced
# is the SPDH grid a floor? encode/decode round trip of the two teachers' settings
for a in "--size 128 128 --head-stride 2 --canonical-fx 133.33333333333334" "--size 192 192 --head-stride 4 --canonical-fx 200"; do
    pipose spdh-roundtrip $a --z-range 0.3 3.8 --sigma-mm 60 --n 5000; done > $D/spdh_roundtrip_teachers.log
# under- or over-fitting? the first 480 training frames (identical renders) against the validation frames
pipose data --synthetic 480 --data-seed 0 --out /work/study17/train480     # = anny-train-s0's first 480 frames (cmp: same bytes)
for d in /work/study17/train480 ~/.cache/pipose_ros/anny-val-s1; do
    pipose evaluate --data $d models/pipose_teacher_kinect14.pt $R --json $D/fit_$(basename $d).json; done
# what a device run would have to carry (sizes; no device was lent)
git ls-files -z | xargs -0 du -cb | tail -1          # 86 545 574 bytes tracked
pip wheel --no-deps -w /tmp/whl anny==0.6.2 roma==1.8.0 pyrender==0.1.45 PyOpenGL==3.1.0 trimesh==5.2.0 pyglet==2.1.19 onnx2torch==1.5.15
pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp --platform manylinux_2_17_x86_64 -d /tmp/whl freetype-py==2.5.1
strace -f -e trace=openat -o /tmp/strace.log python -c "from pipose_ros.data.anny_scene import AnnyScenes; s = AnnyScenes(seed=5); [s[i] for i in range(4)]"
bash tools/device_payload.sh      # .device/: 13.1 MB (du -sb)
mkdir -p /tmp/nowarp && echo 'raise ImportError("warp-lang hidden for this test")' > /tmp/nowarp/warp.py
PYTHONPATH=/tmp/nowarp:$PWD/.device/site ANNY_CACHE_DIR=$PWD/.device/anny_cache python -c "import anny; print(anny.__file__); from pipose_ros.data.anny_scene import AnnyScenes; s = AnnyScenes(seed=5); [s[i] for i in range(4)]"
bash tools/device_payload.sh park && bash tools/device_payload.sh restore   # 17 368 269 bytes of tracked files left while parked
# checks: fresh clone of main (../shared beside it): bash .ci/run -> 220 passed (9 min 57 s); make demo rc 0 (1 min 15 s)
