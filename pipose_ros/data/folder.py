"""The pipose dataset folder: RGB + registered depth + K per frame + 3D joints (docs/DATASET.md).

Layout::

    OUT/
      dataset.yaml        format: pipose_dataset/1, joint_names, units, source, …
      frames.jsonl        one JSON object per frame (below), in time order
      rgb/000000.png      8-bit RGB (PNG or JPEG)
      depth/000000.png    16-bit PNG, millimetres, 0 = invalid, registered to rgb/ (same size, same K)

A ``frames.jsonl`` record::

    {"id": "000000", "rgb": "rgb/000000.png", "depth": "depth/000000.png",
     "K": [[fx, 0, cx], [0, fy, cy], [0, 0, 1]],      # pixels, of both images
     "stamp_ns": 1700000000000000000,                  # optional, ROS time of the RGB image
     "joints": [[x, y, z] | null, …] | null,           # metres, camera optical frame (REP-103),
                                                       # dataset.yaml joint_names order; null = no label
     "visible": [true, …] | null,                      # joint seen (not occluded / truncated)
     "label_source": "synthetic-gt" | "mediapipe+depth" | …,
     "people": [{"joints": …, "visible": …, "box": [x0, y0, x1, y1] | null, …}] # optional:
                                                       # several people (then "joints" is null)
     "meta": {…}}                                      # optional: camera height, pitch, …

Large sets are **sharded**: ``OUT/shard_00000/`` … each a dataset folder of its own (written
and completed independently, so rendering resumes shard by shard); ``OUT/dataset.yaml`` names
the shard count. :func:`read_folder` reads either layout and returns paths relative to ``OUT``.

A joint set to ``null`` is unknown (for example an auto-label rejected as unreliable): it is left
out of the loss and of the metrics. Frames with ``"joints": null`` are unlabelled (``pipose label``
fills them in). Anyone can produce this layout from their own RGB-D data.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import cv2
import numpy as np
import yaml

from ..camera import Letterbox, in_view, validate_K
from ..skeleton import KINECT14
from .dataset import SampleSet

FORMAT = "pipose_dataset/1"


class FolderWriter:
    """Write a dataset folder frame by frame (``frames.jsonl`` is appended as frames arrive).

    Args:
        root: output folder (created; an existing ``frames.jsonl`` raises ``FileExistsError``
            unless ``overwrite``).
        joint_names: order of the ``joints`` arrays (default KINECT14).
        info: extra keys for ``dataset.yaml`` (source bag, topics, …).
        ext: ``png`` (lossless, default) or ``jpg`` for the RGB images.
    """

    def __init__(self, root: str | Path, joint_names=None, info: dict | None = None,
                 overwrite: bool = False, ext: str = "png"):
        self.root = Path(root)
        (self.root / "rgb").mkdir(parents=True, exist_ok=True)
        (self.root / "depth").mkdir(parents=True, exist_ok=True)
        idx = self.root / "frames.jsonl"
        if idx.exists() and not overwrite:
            raise FileExistsError(f"{idx} exists (pass overwrite=True / --overwrite)")
        self.joint_names = list(joint_names or KINECT14.names)
        meta = {"format": FORMAT, "joint_names": self.joint_names, "depth_unit": "mm (uint16, 0 = invalid)",
                "joints_unit": "m", "joints_frame": "camera optical frame (REP-103), of the RGB image"}
        meta.update(info or {})
        self.meta = meta
        (self.root / "dataset.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
        self._f = open(idx, "w")
        self.ext = ext
        self.count = 0

    def add(self, rgb: np.ndarray, depth_mm: np.ndarray, K: np.ndarray, joints=None, visible=None,
            stamp_ns: int | None = None, label_source: str | None = None, people: list | None = None,
            meta: dict | None = None) -> str:
        """Append one frame.

        Args:
            rgb: uint8 [H, W, 3], RGB order.
            depth_mm: uint16 [H, W], millimetres, registered to ``rgb``.
            K: float [3, 3] intrinsics of both images.
            joints: float [J, 3] metres (NaN rows = unknown) or None (unlabelled).
            visible: bool [J] or None.
            people: several people instead of ``joints``: dicts with ``joints`` float [J, 3]
                (metres, optical frame), ``visible`` bool [J], ``box`` float [4] pixels or None,
                and any extra JSON-able keys (``visible_fraction``, ``family``).
            meta: extra JSON-able facts about the frame (camera height, pitch, …).
        Returns: the frame id. Raises ``ValueError`` for mismatched shapes or dtypes.
        """
        rgb = np.asarray(rgb)
        depth_mm = np.asarray(depth_mm)
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"rgb must be uint8 [H, W, 3], got {rgb.dtype} {rgb.shape}")
        if depth_mm.dtype != np.uint16 or depth_mm.shape != rgb.shape[:2]:
            raise ValueError(f"depth must be uint16 {rgb.shape[:2]}, got {depth_mm.dtype} {depth_mm.shape}")
        K = validate_K(K)
        fid = f"{self.count:06d}"
        rel_rgb, rel_d = f"rgb/{fid}.{self.ext}", f"depth/{fid}.png"
        cv2.imwrite(str(self.root / rel_rgb), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        cv2.imwrite(str(self.root / rel_d), depth_mm)
        rec = {"id": fid, "rgb": rel_rgb, "depth": rel_d, "K": np.asarray(K, float).tolist(),
               "stamp_ns": None if stamp_ns is None else int(stamp_ns),
               "joints": joints_to_json(joints), "visible": None if visible is None else [bool(v) for v in visible],
               "label_source": label_source}
        if people is not None:
            rec["people"] = [person_to_json(p) for p in people]
        if meta is not None:
            rec["meta"] = meta
        self._f.write(json.dumps(rec) + "\n")
        self._f.flush()
        self.count += 1
        return fid

    def update_info(self, **extra) -> None:
        """Add or replace keys of ``dataset.yaml`` (provenance known only at the end: fingerprint,
        conversion statistics); values must be plain YAML types."""
        self.meta.update(extra)
        (self.root / "dataset.yaml").write_text(yaml.safe_dump(self.meta, sort_keys=False))

    def close(self) -> None:
        """Close ``frames.jsonl`` (every frame already written and flushed by :meth:`add`)."""
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def person_to_json(p: dict) -> dict:
    """One person of a frame record (``people`` of frames.jsonl): ``joints`` float [J, 3] m (NaN
    rows → null), ``visible`` bool [J], ``box`` float [4] px or None, other keys as given."""
    box = p.get("box")
    out = {"joints": joints_to_json(p["joints"]), "visible": [bool(v) for v in p["visible"]],
           "box": None if box is None or not np.isfinite(box).all() else [round(float(b), 2) for b in box]}
    for k, v in p.items():
        if k not in out:
            out[k] = v.item() if hasattr(v, "item") else v
    return out


def frame_people(rec: dict, J: int) -> list[dict]:
    """The labelled people of a frame record: ``[{"joints": float32 [J, 3] (NaN = unknown),
    "visible": bool [J], "box": float [4] or None, …}]`` — from ``people``, or the single
    ``joints`` of a one-person record ([] when unlabelled)."""
    if rec.get("people") is not None:
        out = []
        for p in rec["people"]:
            q = dict(p)
            q["joints"] = joints_from_json(p.get("joints"), J)
            q["visible"] = np.asarray(p.get("visible") or [True] * J, bool)
            q["box"] = None if p.get("box") is None else np.asarray(p["box"], np.float64)
            out.append(q)
        return out
    if rec.get("joints") is None:
        return []
    return [{"joints": joints_from_json(rec["joints"], J),
             "visible": np.asarray(rec.get("visible") or [True] * J, bool), "box": None}]


def joints_to_json(joints) -> list | None:
    """float [J, 3] (NaN rows = unknown) → list of [x, y, z] or null per joint (m, rounded to 0.1 mm)."""
    if joints is None:
        return None
    out = []
    for p in np.asarray(joints, float):
        out.append(None if not np.isfinite(p).all() else [round(float(v), 4) for v in p])
    return out


def joints_from_json(rec_joints, J: int) -> np.ndarray:
    """Inverse of :func:`joints_to_json`: float32 [J, 3], NaN rows for unknown joints."""
    a = np.full((J, 3), np.nan, np.float32)
    if rec_joints is not None:
        for j, p in enumerate(rec_joints):
            if p is not None:
                a[j] = p
    return a


def read_info(root: str | Path) -> dict:
    """The ``dataset.yaml`` of a folder as a dict ({} when there is none)."""
    p = Path(root) / "dataset.yaml"
    return (yaml.safe_load(p.read_text()) or {}) if p.exists() else {}


def shard_dirs(root: str | Path) -> list[Path]:
    """The complete shards of a sharded dataset folder, in order ([] for a flat folder)."""
    root = Path(root)
    return [d for d in sorted(root.glob("shard_*")) if d.is_dir() and read_info(d).get("complete")]


def read_folder(root: str | Path) -> tuple[dict, list[dict]]:
    """(dataset.yaml contents, list of frame records) of a flat or sharded folder; in a sharded
    one, every complete shard's records with paths made relative to ``root``. Raises
    ``FileNotFoundError`` / ``ValueError`` for a folder that is not a pipose dataset."""
    root = Path(root)
    shards = shard_dirs(root)
    if shards and (root / "dataset.yaml").exists() and not (root / "frames.jsonl").exists():
        info = read_info(root)
        frames = []
        for d in shards:
            for r in read_folder(d)[1]:
                r = dict(r)
                r["id"] = f"{d.name}/{r['id']}"
                r["rgb"], r["depth"] = f"{d.name}/{r['rgb']}", f"{d.name}/{r['depth']}"
                frames.append(r)
        return info, frames
    if not (root / "dataset.yaml").exists() or not (root / "frames.jsonl").exists():
        raise FileNotFoundError(f"{root} is not a pipose dataset folder (needs dataset.yaml and frames.jsonl)")
    info = read_info(root)
    if info.get("format") != FORMAT:
        raise ValueError(f"{root}: format {info.get('format')!r}, expected {FORMAT!r}")
    frames = [json.loads(line) for line in (root / "frames.jsonl").read_text().splitlines() if line.strip()]
    return info, frames


def write_records(root: str | Path, frames: list[dict]) -> None:
    """Atomically replace ``frames.jsonl`` (used by ``pipose label``); the previous one is kept
    as ``frames.jsonl.bak``."""
    p = Path(root) / "frames.jsonl"
    shutil.copyfile(p, p.with_suffix(".jsonl.bak"))
    tmp = p.with_suffix(".jsonl.tmp")
    tmp.write_text("".join(json.dumps(r) + "\n" for r in frames))
    os.replace(tmp, p)


def read_depth(root: str | Path, rec: dict) -> np.ndarray:
    """depth uint16 [H, W] mm (0 = invalid) of one record, without its RGB; ``ValueError`` if
    unreadable or not uint16."""
    root = Path(root)
    d = cv2.imread(str(root / rec["depth"]), cv2.IMREAD_UNCHANGED)
    if d is None:
        raise ValueError(f"cannot read frame {rec.get('id')} in {root}")
    if d.dtype != np.uint16:
        raise ValueError(f"frame {rec.get('id')}: depth must be uint16 of the RGB size, got {d.dtype} {d.shape}")
    return d


def read_frame(root: str | Path, rec: dict) -> tuple[np.ndarray, np.ndarray]:
    """(rgb uint8 [H, W, 3] RGB, depth uint16 [H, W] mm) of one record; ``ValueError`` if unreadable."""
    root = Path(root)
    bgr = cv2.imread(str(root / rec["rgb"]), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"cannot read frame {rec.get('id')} in {root}")
    d = read_depth(root, rec)
    if d.shape != bgr.shape[:2]:
        raise ValueError(f"frame {rec.get('id')}: depth must be uint16 of the RGB size, got {d.dtype} {d.shape}")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), d


def load_folder(root: str | Path, net_wh=(128, 96), labelled_only: bool = True) -> SampleSet:
    """Load a dataset folder as a :class:`SampleSet` letterboxed to ``net_wh`` (the trainer's input).

    Unknown joints get zeros and ``in_image = False`` (out of the loss and the metrics).
    Raises ``ValueError`` when no frame is labelled or the joint names differ from KINECT14.
    """
    info, frames = read_folder(root)
    names = info.get("joint_names", list(KINECT14.names))
    if list(names) != list(KINECT14.names):
        raise ValueError(f"{root}: joint_names {names} differ from {KINECT14.names}")
    if labelled_only:
        frames = [r for r in frames if r.get("joints") is not None]
    if not frames:
        raise ValueError(f"{root}: no labelled frame (run `pipose label {root}`)")
    J = len(names)
    W, H = net_wh
    cols = {k: [] for k in ("rgb", "depth_mm", "K", "joints", "visible", "in_image")}
    for rec in frames:
        rgb, d = read_frame(root, rec)
        lb = Letterbox.fit(rgb.shape[1], rgb.shape[0], W, H)
        K = lb.apply_K(np.asarray(rec["K"], float))
        j = joints_from_json(rec.get("joints"), J)
        inside = in_view(j, K, W, H)
        j[~np.isfinite(j).all(1)] = 0
        vis = np.asarray(rec.get("visible") or [True] * J, bool) & inside
        cols["rgb"].append(lb.image(rgb))
        cols["depth_mm"].append(lb.depth(d.astype(np.float32)).astype(np.uint16))
        cols["K"].append(K)
        cols["joints"].append(j)
        cols["visible"].append(vis)
        cols["in_image"].append(inside)
    return SampleSet(**{k: np.stack(v) for k, v in cols.items()})
