"""``pipose label``: 3D joint labels for a dataset folder from RGB-D (issue 4).

2D keypoints come from MediaPipe Pose (optional extra, :mod:`.mediapipe_worker`), from a
keypoints file of your own detector, or — to measure the lifting alone — from the ground truth
already in the folder; :mod:`.lift` turns them into 3D with the registered depth.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from ..data.folder import joints_from_json, joints_to_json, read_folder, read_frame, write_records
from ..camera import in_view, project
from ..skeleton import KINECT14
from .lift import LiftConfig, lift, mediapipe_to_joints

WORKER = Path(__file__).with_name("mediapipe_worker.py")
INSTALL_HINT = ("MediaPipe is not installed. It is an optional extra kept in its own environment "
                "(it brings opencv-contrib and jax): run `make label-env` (creates .venv-label with "
                "mediapipe==0.10.14), or `pip install 'pipose_ros[label]'` in a separate venv and set "
                "PIPOSE_MEDIAPIPE_PYTHON to its python; or pass --keypoints FILE with your own 2D keypoints.")


def mediapipe_python() -> str | None:
    """An interpreter that can ``import mediapipe``: $PIPOSE_MEDIAPIPE_PYTHON, this one, or the
    ``.venv-label`` next to this environment / in the working directory. None if there is none."""
    cands = [os.environ.get("PIPOSE_MEDIAPIPE_PYTHON"), sys.executable,
             str(Path(sys.prefix).parent / ".venv-label" / "bin" / "python"),
             str(Path.cwd() / ".venv-label" / "bin" / "python")]
    for c in cands:
        if c and Path(c).exists():
            r = subprocess.run([c, "-c", "import mediapipe"], capture_output=True)
            if r.returncode == 0:
                return c
    return None


def run_mediapipe_lines(root: Path, lines: list[str], python: str) -> list[dict]:
    """The :mod:`.mediapipe_worker` output records for its input ``lines`` (``path`` or
    ``path<TAB>x0 y0 x1 y1``). Raises ``RuntimeError`` when the worker fails."""
    env = dict(os.environ, GLOG_minloglevel="2", TF_CPP_MIN_LOG_LEVEL="2")
    r = subprocess.run([python, str(WORKER), str(root)], input="\n".join(lines) + "\n",
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"MediaPipe worker failed: {r.stderr[-2000:]}")
    return [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]


def run_mediapipe(root: Path, recs: list[dict], log=print) -> dict[str, list | None]:
    """MediaPipe Pose on the RGB images of the frame records ``recs`` of the dataset folder
    ``root`` (see :mod:`.mediapipe_worker`): {rgb path: 33 landmarks [[u, v, visibility], …] in
    pixels, or None}. Raises ``RuntimeError`` with the install hint when MediaPipe is not
    installed, or when the worker fails."""
    py = mediapipe_python()
    if py is None:
        raise RuntimeError(INSTALL_HINT)
    log(f"MediaPipe Pose ({py}) on {len(recs)} frames…")
    return {d["path"]: d["landmarks"] for d in run_mediapipe_lines(root, [r["rgb"] for r in recs], py)}


def _keypoints_file(path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{frame id: (uv [J, 2], score [J])} from a JSONL file of
    ``{"id": "000000", "uv": [[u, v] | null, …], "score": [..] (optional)}`` (KINECT14 order)."""
    out = {}
    for line in Path(path).read_text().splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        uv = np.array([[np.nan, np.nan] if p is None else p for p in d["uv"]], np.float64)
        score = np.asarray(d.get("score") or np.isfinite(uv).all(1).astype(float), np.float64)
        out[d["id"]] = (uv, score)
    return out


def label_folder(root: str | Path, keypoints: str = "mediapipe", evaluate: bool = False,
                 relabel: bool = False, cfg: LiftConfig | None = None, log=print) -> dict:
    """Label the frames of a dataset folder (or, with ``evaluate``, compare against its GT).

    Args:
        keypoints: ``mediapipe``, ``gt`` (project the folder's own joints; evaluation of the
            lifting alone) or a path to a keypoints JSONL (:func:`_keypoints_file`).
        evaluate: do not write; report the error of the auto-labels against the GT joints.
        relabel: also label frames that already have joints.
    Returns: a report dict (frames, joints labelled, rejection reasons, and with ``evaluate``
        the error in cm: mean, median, p90, per joint). Raises ``RuntimeError`` with install
        instructions when MediaPipe is requested and not available.
    """
    root = Path(root)
    info, recs = read_folder(root)
    todo = [r for r in recs if evaluate or relabel or r.get("joints") is None]
    if evaluate and any(r.get("joints") is None for r in todo):
        raise ValueError("--evaluate needs ground-truth joints on every frame")
    J = len(KINECT14.names)
    source = keypoints
    if keypoints == "mediapipe":
        lms = run_mediapipe(root, todo, log)
        source = "mediapipe+depth"
    elif keypoints != "gt":
        kp = _keypoints_file(Path(keypoints))
        source = f"keypoints:{Path(keypoints).name}+depth"
    reasons: Counter = Counter()
    errs, per_joint = [], [[] for _ in range(J)]
    gt_joints_total = 0
    detected = 0
    for rec in todo:
        rgb, dmm = read_frame(root, rec)
        K = np.asarray(rec["K"], float)
        depth_m = dmm.astype(np.float32) * 1e-3
        if keypoints == "mediapipe":
            lm = lms.get(rec["rgb"])
            if lm is None:
                uv, score = np.full((J, 2), np.nan), np.zeros(J)
            else:
                uv, score = mediapipe_to_joints(lm)
                detected += 1
        elif keypoints == "gt":
            gt = joints_from_json(rec["joints"], J)
            with np.errstate(invalid="ignore", divide="ignore"):
                uv = project(np.nan_to_num(gt, nan=1.0), K)
            score = np.asarray(rec.get("visible") or [True] * J, float) * np.isfinite(gt).all(1)
            detected += 1
        else:
            uv, score = kp.get(rec["id"], (np.full((J, 2), np.nan), np.zeros(J)))
            detected += rec["id"] in kp
        joints, vis, why = lift(uv, score, depth_m, K, cfg)
        reasons.update(why)
        if evaluate:
            gt = joints_from_json(rec["joints"], J)
            in_img = in_view(gt, K, depth_m.shape[1], depth_m.shape[0])
            gt_joints_total += int(in_img.sum())
            ok = in_img & np.isfinite(joints).all(1)
            e = np.linalg.norm(joints[ok] - gt[ok], axis=1) * 100
            errs.extend(e)
            for j, ej in zip(np.flatnonzero(ok), e):
                per_joint[j].append(float(ej))
        else:
            rec["joints"] = joints_to_json(joints)
            rec["visible"] = [bool(v) for v in vis]
            rec["label_source"] = source
    rep = {"frames": len(todo), "keypoints": source, "frames_with_keypoints": detected,
           "joints_labelled": int(sum(v for k, v in reasons.items() if k == "ok")),
           "reasons": dict(reasons)}
    if evaluate:
        e = np.asarray(errs)
        rep.update({"gt_joints_in_image": gt_joints_total,
                    "coverage_pct": 100.0 * len(e) / max(gt_joints_total, 1),
                    "error_cm": {"mean": float(e.mean()) if e.size else float("nan"),
                                 "median": float(np.median(e)) if e.size else float("nan"),
                                 "p90": float(np.percentile(e, 90)) if e.size else float("nan"),
                                 "within_10cm_pct": float((e < 10).mean() * 100) if e.size else float("nan")},
                    "per_joint_median_cm": {KINECT14.names[j]: (float(np.median(v)) if v else None)
                                            for j, v in enumerate(per_joint)}})
    else:
        write_records(root, recs)
    return rep
