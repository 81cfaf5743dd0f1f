"""Where the shipped files live (checkpoints, converted BlazePose networks, config files).

ROS installs put ``models/`` under ``share/pipose_ros/models`` (``setup.py`` data_files), found
through the ament index, or under ``<venv>/share/pipose_ros`` for a plain ``pip install .``;
editable and source-tree use reads the repository's ``models/``. No ROS import is required: the ament index
is consulted only when ``ament_index_python`` is importable.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REPO_MODELS = REPO / "models"


def _shared(kind: str, name: str) -> Path:
    try:
        from ament_index_python.packages import get_package_share_directory
        p = Path(get_package_share_directory("pipose_ros")) / kind / name
        if p.exists():
            return p
    except Exception:  # not in the ament index (plain pip / editable install)
        pass
    installed = Path(sys.prefix) / "share" / "pipose_ros" / kind / name  # `pip install .` (data_files)
    if installed.exists() and not (REPO / kind / name).exists():
        return installed
    return REPO / kind / name


def model_path(name: str) -> Path:
    """Path of ``models/<name>``: share/pipose_ros/models/<name> when the package is in the
    ament index and has it, else the source tree's (returned even when missing, so the caller's
    error names the expected place)."""
    return _shared("models", name)


def config_path(name: str) -> Path:
    """Path of ``config/<name>`` (as :func:`model_path`), e.g. the Fast DDS profile."""
    return _shared("config", name)
