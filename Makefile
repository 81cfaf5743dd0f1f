# The README's two commands: `make demo` (the main job) and `make test` (the whole suite).
# Needs python3.11 and a C compiler (gcc). Each first creates / updates the virtual environment in .venv (idempotent).
PY ?= python3.11
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.pipose-installed

.PHONY: venv demo test models results benchmark clean-venv

venv: $(STAMP)

$(STAMP): requirements.txt setup.py vendor/build_interfaces.sh
	@command -v $(PY) >/dev/null || { echo "need $(PY) (Python 3.11)"; exit 1; }
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

models: venv
	PATH=$(abspath $(VENV))/bin:$$PATH bash scripts/train_models.sh

clean-venv:
	rm -rf $(VENV)

results: venv
	$(VENV)/bin/pipose results --synthetic 500 --data-seed 1000

benchmark: venv
	$(VENV)/bin/pipose benchmark
