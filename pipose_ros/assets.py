"""Where the shipped files live (checkpoints, converted BlazePose networks).

ROS installs put ``models/`` under ``share/pipose_ros/models`` (``setup.py`` data_files); editable
and source-tree use reads the repository's ``models/``. No ROS import is required: the ament index
is consulted only when ``ament_index_python`` is importable.
"""

from __future__ import annotations

from pathlib import Path

REPO_MODELS = Path(__file__).resolve().parents[1] / "models"


def model_path(name: str) -> Path:
    """Path of ``models/<name>``: share/pipose_ros/models/<name> when the package is in the
    ament index and has it, else the source tree's (returned even when missing, so the caller's
    error names the expected place)."""
    try:
        from ament_index_python.packages import get_package_share_directory
        p = Path(get_package_share_directory("pipose_ros")) / "models" / name
        if p.exists():
            return p
    except Exception:  # not in the ament index (plain pip / editable install)
        pass
    return REPO_MODELS / name
