# The README's two commands: `make demo` (the main job) and `make test` (the whole suite).
# Needs python3.11 and a C compiler (gcc). Each first creates / updates the virtual environment in .venv (idempotent).
PY ?= python3.11
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.pipose-installed

.PHONY: venv demo test testset study report label-env bench-record benchmark clean-venv blazepose-tflite blazepose-onnx mediapipe-heavy runtime-venv

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

# MediaPipe Pose heavy for the benchmark: pose_landmark_heavy.tflite (Apache-2.0) from the npm package
# @mediapipe/pose, put where mediapipe 0.10.14 looks for it (it would otherwise download it at run time)
MP_NPM := @mediapipe/pose@0.5.1675469404
MP_HEAVY_SHA := 59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe
mediapipe-heavy: label-env
	@d=$$(.venv-label/bin/python -c "import mediapipe, os; print(os.path.dirname(mediapipe.__file__))")/modules/pose_landmark; \
	if [ ! -f $$d/pose_landmark_heavy.tflite ]; then \
	  mkdir -p $(HOME)/.cache/pipose_ros/npm && cd $(HOME)/.cache/pipose_ros/npm && \
	  { ls mediapipe-pose-*.tgz >/dev/null 2>&1 || npm pack -q $(MP_NPM) >/dev/null; } && \
	  tar xzf mediapipe-pose-*.tgz package/pose_landmark_heavy.tflite && \
	  echo "$(MP_HEAVY_SHA)  package/pose_landmark_heavy.tflite" | sha256sum -c --quiet && \
	  cp package/pose_landmark_heavy.tflite $$d/; fi

# Runtime-only install (issue 11): pose_node on ONNX Runtime without torch, measured by `pipose benchmark`.
# The interface packages the ROS wheels lack are built with the build-only wheels, which are removed after.
BUILD_ONLY := ros-kilted-ament-cmake==2.7.3 ros-kilted-ament-cmake-ros-core==0.14.5 \
  ros-kilted-ament-cmake-include-directories==2.7.3 ros-kilted-rosidl-default-generators==1.7.1 \
  ros-kilted-rosidl-core-generators==0.3.1 ros-kilted-ament-package==0.17.2 ros-python-cmake-module==0.11.1 \
  catkin-pkg==1.1.1 cmake==3.31.6
runtime-venv: .venv-runtime/.installed
.venv-runtime/.installed: requirements-runtime.txt setup.py $(wildcard pipose_ros/*.py pipose_ros/*/*.py models/*.onnx)
	[ -x .venv-runtime/bin/python ] || $(PY) -m venv .venv-runtime
	.venv-runtime/bin/python -m pip install -q --upgrade pip wheel
	.venv-runtime/bin/python -m pip install -q -r requirements-runtime.txt
	if ! .venv-runtime/bin/python -c "import tf2_msgs.msg, hri_msgs.msg" 2>/dev/null; then \
	  .venv-runtime/bin/python -m pip install -q $(BUILD_ONLY) && bash vendor/build_interfaces.sh .venv-runtime && \
	  .venv-runtime/bin/python -m pip uninstall -q -y $(foreach p,$(BUILD_ONLY),$(firstword $(subst ==, ,$(p)))); fi
	.venv-runtime/bin/python -m pip install -q --no-deps --no-build-isolation . && rm -rf build
	touch $@

bench-record: venv
	$(VENV)/bin/pipose bench-record

clean-venv:
	rm -rf $(VENV) .venv-label

benchmark: venv mediapipe-heavy
	$(VENV)/bin/pipose benchmark
