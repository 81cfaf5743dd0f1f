#!/bin/bash
# Build .device/ (git-ignored): what a run on the lent GPU machine (the `device` tool: Python 3.12 with
# torch, timm, onnxruntime, opencv, scikit-image; nothing can be installed from the network there) must
# carry to render Anny scenes and train with pipose, in a few MB instead of the 48 MB anny wheel:
#   .device/wheels/      pure-Python wheels (and freetype-py's manylinux one) of the renderer stack and
#                        onnx2torch, at the versions installed in .venv (built here by pip from the
#                        package index it uses, as `make test` installs them)
#   .device/site/anny    anny's code without its data/ (a warm model cache never opens it) + its dist-info
#                        (anny reads its own version from it)
#   .device/anny_cache/  the warm model cache (ANNY_CACHE_DIR): the one file that rendering opens
# On the device: pip install --target /tmp/site .device/wheels/*.whl; then
#   PYTHONPATH=/tmp/site:.device/site:$PWD ANNY_CACHE_DIR=$PWD/.device/anny_cache python3 -m pipose_ros.cli ...
# (pyrender also needs the EGL libraries the device README describes: PYOPENGL_PLATFORM=egl).
# Needs `make test` first (the venv) and one rendered frame (the anny cache). Prints the sizes.
#
# The device tool sends at most 64 MiB of working tree and the tracked files are ~86 MB (models/), so
#   tools/device_payload.sh park [FILE...]   moves models/ files out of what travels into the git-ignored
#                                            .device-park/ — all but BlazePose's landmark network (the
#                                            pretrained trunk) and the FILEs named (e.g. the teacher .pt a
#                                            student run distils from) — and prints what would travel;
#   tools/device_payload.sh restore          moves them back (run it before committing anything).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = park ]; then
    shift
    [ -e .device-park ] && { echo "device_payload: .device-park exists; run 'restore' first" >&2; exit 1; }
    keep=" models/blazepose/pose_landmark_full.onnx models/blazepose/LICENSE models/MODEL_CARD.md $* "
    for f in $(git ls-files models); do
        case "$keep" in *" $f "*) continue ;; esac
        mkdir -p ".device-park/$(dirname "$f")"; mv "$f" ".device-park/$f"
    done
    echo "parked $(du -sh .device-park | cut -f1) in .device-park; tracked files left: $(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1) bytes (+ .device, $(du -sb .device 2>/dev/null | cut -f1) bytes, when carried)"
    exit 0
fi
if [ "${1:-}" = restore ]; then
    [ -d .device-park ] || { echo "device_payload: nothing parked" >&2; exit 1; }
    (cd .device-park && find . -type f) | while read -r f; do mkdir -p "$(dirname "$f")"; mv ".device-park/$f" "$f"; done
    rm -rf .device-park
    git status --short models
    exit 0
fi
PY="$PWD/.venv/bin/python"
D=.device
[ -x "$PY" ] || { echo "device_payload: run 'make test' first (no .venv)" >&2; exit 1; }
CACHE=$("$PY" -c "from pipose_ros.data.anny_bodies import _cache_dir; print(_cache_dir())")  # ANNY_CACHE_DIR or its default
ls "$CACHE"/v*/build_compact_model_data_*.safetensors >/dev/null 2>&1 || {
    echo "device_payload: no warm anny cache in $CACHE; render one frame first (pipose data --synthetic 1 --out /tmp/one)" >&2; exit 1; }
ver() { "$PY" -c "import importlib.metadata as m; print(m.version('$1'))"; }
rm -rf "$D"; mkdir -p "$D/wheels" "$D/site" "$D/anny_cache"
PKGS=""
for p in roma pyrender PyOpenGL trimesh pyglet onnx2torch; do PKGS="$PKGS $p==$(ver $p)"; done
"$PY" -m pip wheel -q --no-deps -w "$D/wheels" $PKGS
"$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux1_x86_64 \
    -d "$D/wheels" "freetype-py==$(ver freetype-py)"
ANNY=$("$PY" -c "import anny, os; print(os.path.dirname(anny.__file__))")
SITE=$(dirname "$ANNY")
(cd "$SITE" && tar -cf - --exclude='anny/data' --exclude='__pycache__' anny "anny-$(ver anny).dist-info") | tar -xf - -C "$D/site"
(cd "$CACHE" && tar -cf - v*/build_compact_model_data_*.safetensors) | tar -xf - -C "$D/anny_cache"
du -sh "$D"/*; du -sh "$D"
