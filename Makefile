# The README's two commands: `make demo` (the main job) and `make test` (the whole suite).
# Needs python3.11 and a C compiler (gcc). Each first creates / updates the virtual environment in .venv (idempotent).
PY ?= python3.11
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.pipose-installed

.PHONY: venv demo test testset study report label-env bench-record benchmark clean-venv

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

test: venv
	$(VENV)/bin/python -m pytest -q test

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
