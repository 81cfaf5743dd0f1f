# The README's two commands: `make demo` (the main job) and `make test` (the whole suite).
# Needs python3.11 and a C compiler (gcc). Each first creates / updates the virtual environment in .venv (idempotent).
PY ?= python3.11
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.pipose-installed

.PHONY: venv demo test testset study report label-env bench-record benchmark clean-venv blazepose-tflite blazepose-onnx

venv: $(STAMP)

# Debian packages for headless CPU rendering (Mesa EGL + llvmpipe) of the synthetic people
DEB_PKGS := libegl1 libegl-mesa0 libgl1-mesa-dri libgl1 libgbm1

$(STAMP): requirements.txt setup.py vendor/build_interfaces.sh
	@command -v $(PY) >/dev/null || { echo "need $(PY) (Python 3.11)"; exit 1; }
	@missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "missing Debian packages: $$missing (run: sudo apt-get install $$missing)"; exit 1; fi; fi
	[ -x $(VPY) ] || $(PY) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip wheel
	$(VPY) -m pip install -q -r requirements.txt
	$(VPY) -m pip install -q --no-deps --no-build-isolation -e .
	bash vendor/build_interfaces.sh $(VENV)
	touch $(STAMP)

demo: venv
	$(VENV)/bin/pipose demo --out demo_out

test: venv blazepose-tflite
	$(VENV)/bin/python -m pytest -q test

# BlazePose (Apache-2.0) from the mediapipe==0.10.14 wheel, unpacked into a cache: the originals the
# converted models/blazepose/*.onnx are tested against (LiteRT). Idempotent.
BP_CACHE ?= $(HOME)/.cache/pipose_ros/blazepose
BP_TFLITE := $(BP_CACHE)/pose_landmark_full.tflite $(BP_CACHE)/pose_detection.tflite

blazepose-tflite: $(BP_CACHE)/.unpacked

$(BP_CACHE)/.unpacked: $(STAMP)
	mkdir -p $(BP_CACHE)/wheel
	ls $(BP_CACHE)/wheel/mediapipe-0.10.14-*.whl >/dev/null 2>&1 || \
	  $(VPY) -m pip download -q --no-deps --only-binary=:all: mediapipe==0.10.14 -d $(BP_CACHE)/wheel
	$(VPY) -c "import glob, os, zipfile; z = zipfile.ZipFile(glob.glob('$(BP_CACHE)/wheel/mediapipe-0.10.14-*.whl')[0]); \
	  [open(os.path.join('$(BP_CACHE)', os.path.basename(n)), 'wb').write(z.read(n)) for n in ( \
	  'mediapipe/modules/pose_detection/pose_detection.tflite', \
	  'mediapipe/modules/pose_landmark/pose_landmark_full.tflite', 'mediapipe-0.10.14.dist-info/LICENSE')]"
	touch $@

# The one conversion command (docs/BACKBONES.md): TFLite → ONNX with tf2onnx in a throw-away venv
# (TensorFlow is needed at conversion time only) → models/blazepose/*.onnx, which are shipped.
CONVERT_VENV ?= $(HOME)/.cache/pipose_ros/convert-venv

blazepose-onnx: blazepose-tflite
	[ -x $(CONVERT_VENV)/bin/python ] || $(PY) -m venv $(CONVERT_VENV)
	$(CONVERT_VENV)/bin/python -m pip install -q tensorflow-cpu==2.21.0 tf2onnx==1.17.0
	mkdir -p models/blazepose
	for m in pose_landmark_full pose_detection; do \
	  $(CONVERT_VENV)/bin/python tools/blazepose_to_onnx.py $(BP_CACHE)/$$m.tflite models/blazepose/$$m.onnx || exit 1; done
	cp $(BP_CACHE)/LICENSE models/blazepose/LICENSE

# issue 3: the benchmark, the resumable PI study (hours on a 2-core CPU) and its report
testset: venv
	$(VENV)/bin/pipose testset

study: testset
	$(VENV)/bin/pipose study run

report: venv
	$(VENV)/bin/pipose study report

# optional: MediaPipe Pose for `pipose label`, in its own venv (it brings opencv-contrib and jax)
label-env: .venv-label/.installed

.venv-label/.installed: requirements-label.txt
	[ -x .venv-label/bin/python ] || $(PY) -m venv .venv-label
	.venv-label/bin/python -m pip install -q -r requirements-label.txt
	touch $@

bench-record: venv
	$(VENV)/bin/pipose bench-record

clean-venv:
	rm -rf $(VENV) .venv-label

benchmark: venv
	$(VENV)/bin/pipose benchmark
