#!/usr/bin/env bash
# Builds the interface packages the ROS 2 Kilted PyPI wheels lack (tf2_msgs, and hri_msgs for
# the ROS4HRI topics of REP-155: hri_msgs 2.0.0 from github.com/ros4hri/hri_msgs branch humble-devel,
# commit dd03e79, BSD licence in vendor/hri_msgs/LICENSE) into the virtual
# environment given as $1, on machines without ROS 2. Idempotent. Never used in a ROS workspace
# (this folder carries COLCON_IGNORE).
set -euo pipefail
VENV=$(cd "${1:?usage: build_interfaces.sh VENV}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
PY="$VENV/bin/python"
"$PY" -c "import tf2_msgs.msg, hri_msgs.msg" 2>/dev/null && exit 0
inc=$("$PY" -c 'import sysconfig;print(sysconfig.get_paths()["include"])')
npinc=$("$PY" -c 'import numpy;print(numpy.get_include())')
# The wheels' CMake exports name their build machine's include dirs: point them at this venv's.
{ grep -rl "/opt/python/cp311-cp311" "$VENV/share" --include="*.cmake" 2>/dev/null || true; } | while read -r f; do
  sed -i -e "s#/opt/python/cp311-cp311/include/python3.11#$inc#g" \
         -e "s#/opt/python/cp311-cp311/lib/python3.11/site-packages/numpy/_core/include#$npinc#g" "$f"
done
export AMENT_PREFIX_PATH="$VENV"
export PATH="$VENV/bin:$PATH"
B=$(mktemp -d)
trap 'rm -rf "$B"' EXIT
for pkg in tf2_msgs hri_msgs; do
  "$PY" -c "import $pkg.msg" 2>/dev/null && continue
  mkdir -p "$B/$pkg"
  (cd "$B/$pkg" && cmake "$HERE/$pkg" -DCMAKE_PREFIX_PATH="$VENV" -DCMAKE_INSTALL_PREFIX="$VENV" \
      -DPython3_EXECUTABLE="$PY" -DBUILD_TESTING=OFF > cmake.log 2>&1 \
    && make -j2 > make.log 2>&1 && make install > install.log 2>&1) \
    || { echo "building $pkg failed:"; tail -30 "$B/$pkg"/*.log; exit 1; }
done
"$PY" -c "import tf2_msgs.msg, hri_msgs.msg; tf2_msgs.msg.TFMessage(); hri_msgs.msg.Skeleton2D()" \
  && echo "tf2_msgs, hri_msgs built into $VENV"
