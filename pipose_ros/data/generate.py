"""Render Anny scenes into a sharded dataset folder, in worker processes, resumably.

``pipose data --synthetic N --out DIR`` and ``pipose testset --v2`` call :func:`write_scenes`.
The folder (``docs/DATASET.md``) holds ``DIR/dataset.yaml`` and ``DIR/shard_00000/`` … each a
dataset folder of ``shard_size`` frames (several people per frame in ``people``). A shard is
marked ``complete`` in its own ``dataset.yaml`` only after its last frame is written, so an
interrupted run resumes at the first incomplete shard; nothing is held in memory beyond one
shard per worker, so N = 100 000 works (about 2.5 GB of JPEG + PNG at 320 px width).

The fingerprint is a SHA-256 over the shards' own SHA-256s (each over the frames' decoded
arrays as stored: RGB, depth, K, joints, visibility), in shard order: the same on a machine
with the same Mesa / numpy versions (rendering is deterministic per frame index).
"""

from __future__ import annotations

import hashlib
import os
from multiprocessing import get_context
from pathlib import Path

import cv2
import numpy as np
import yaml
from tqdm import tqdm

from ..skeleton import KINECT14
from .folder import FORMAT, FolderWriter, frame_people, read_folder, read_frame, read_info

BENCHMARK_V2 = {
    "name": "pipose-synth-v2",
    "generator": "anny",
    "stream_seed": 7002,  # never a training seed (training uses 0, 1, …)
    "frames": 3200,
    "width": 320,
    "people": [1, 4],
    "dist_range_m": [0.8, 7.0],
    "occluder_prob": 0.5,
    "views": 4,
    "ext": "png",
}


def _spec_scenes(spec: dict):
    from .anny_scene import AnnyScenes

    return AnnyScenes(seed=spec["stream_seed"], width=spec["width"], people=tuple(spec["people"]),
                      dist_range=tuple(spec["dist_range_m"]), occluder_prob=spec["occluder_prob"],
                      views=spec["views"], domain=spec.get("domain", "train"))


def _render_shard(args) -> tuple[int, str, int]:
    root, k, start, stop, spec = args
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    gen = _spec_scenes(spec)
    d = Path(root) / f"shard_{k:05d}"
    h = hashlib.sha256()
    with FolderWriter(d, info={"source": "anny-synthetic", "shard": k, "first_frame": start},
                      overwrite=True, ext=spec.get("ext", "jpg")) as w:
        for i in range(start, stop):
            f = gen[i]
            people = [{"joints": f.joints[p], "visible": f.visible[p] & f.in_image[p], "box": f.boxes[p],
                       "visible_fraction": round(float(f.visible_fraction[p]), 4), "family": f.families[p]}
                      for p in range(len(f.joints))]
            meta = dict(f.meta, frame=i, people=len(people))
            w.add(f.rgb, f.depth_mm, f.K, people=people, meta=meta, label_source="synthetic-gt")
        w.close()
        # hash what was stored (JPEG RGB is lossy): read it back
        for rec in read_folder(d)[1]:
            rgb, dep = read_frame(d, rec)
            h.update(rgb.tobytes())
            h.update(dep.tobytes())
            h.update(np.asarray(rec["K"], np.float64).tobytes())
            for p in frame_people(rec, len(KINECT14)):
                h.update(p["joints"].tobytes())
                h.update(p["visible"].tobytes())
        w.update_info(complete=True, frames=stop - start, sha256=h.hexdigest())
    return k, h.hexdigest(), stop - start


def write_scenes(root: str | Path, spec: dict, workers: int | None = None, shard_size: int = 200,
                 progress: bool = True) -> str:
    """Render ``spec["frames"]`` frames of ``spec`` (keys of :data:`BENCHMARK_V2`) into ``root``.

    Resumes: complete shards are kept (a different ``spec`` in ``root`` raises ``ValueError``).
    Returns the fingerprint (hex SHA-256). ``workers`` defaults to the CPU count (max 16).
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    shard_size = max(spec["views"], shard_size - shard_size % spec["views"])
    info_p = root / "dataset.yaml"
    info = {"format": FORMAT, "source": "anny-synthetic", "spec": dict(spec), "shard_size": shard_size,
            "shards": -(-spec["frames"] // shard_size)}
    if info_p.exists():
        old = read_info(root)
        if old.get("spec") != info["spec"] or old.get("shard_size") != shard_size:
            raise ValueError(f"{root} holds another synthetic set ({old.get('spec')}); use another folder")
    info_p.write_text(yaml.safe_dump(info, sort_keys=False))
    n = spec["frames"]
    tasks, done = [], {}
    for k in range(info["shards"]):
        start, stop = k * shard_size, min(n, (k + 1) * shard_size)
        si = read_info(root / f"shard_{k:05d}")
        if si.get("complete") and si.get("frames") == stop - start:
            done[k] = si["sha256"]
        else:
            tasks.append((str(root), k, start, stop, spec))
    workers = max(1, min(workers or os.cpu_count() or 1, 16, max(1, len(tasks))))
    bar = tqdm(total=n, initial=sum(min(n, (k + 1) * shard_size) - k * shard_size for k in done),
               desc=spec.get("name", "anny"), unit="frame", disable=not progress)
    if tasks:
        with get_context("spawn").Pool(workers) as pool:
            for k, hx, cnt in pool.imap_unordered(_render_shard, tasks):
                done[k] = hx
                bar.update(cnt)
    bar.close()
    h = hashlib.sha256("".join(done[k] for k in sorted(done)).encode())
    info["fingerprint_sha256"] = h.hexdigest()
    info_p.write_text(yaml.safe_dump(info, sort_keys=False))
    return h.hexdigest()


def preview(root: str | Path, out: str | Path, n: int = 8) -> None:
    """A contact sheet of the first ``n`` frames (RGB above depth, joints and boxes drawn)."""
    from ..camera import project

    info, frames = read_folder(root)
    tiles = []
    for rec in frames[:n]:
        rgb, dep = read_frame(root, rec)
        img = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        K = np.asarray(rec["K"])
        for p in frame_people(rec, len(KINECT14)):
            uv = project(np.nan_to_num(p["joints"], nan=1.0), K)
            for (a, b) in KINECT14.bones:
                if p["visible"][a] and p["visible"][b]:
                    cv2.line(img, tuple(np.round(uv[a]).astype(int)), tuple(np.round(uv[b]).astype(int)), (0, 255, 0), 1)
            if p["box"] is not None:
                x0, y0, x1, y1 = np.round(p["box"]).astype(int)
                cv2.rectangle(img, (x0, y0), (x1, y1), (255, 255, 0), 1)
        dv = cv2.applyColorMap((np.clip(dep / 8000.0, 0, 1) * 255).astype(np.uint8), cv2.COLORMAP_JET)
        dv[dep == 0] = 0
        t = np.concatenate([cv2.resize(img, (320, 240)), cv2.resize(dv, (320, 240), interpolation=cv2.INTER_NEAREST)], 0)
        tiles.append(t)
    while len(tiles) % 4:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.concatenate(tiles[i:i + 4], 1) for i in range(0, len(tiles), 4)]
    cv2.imwrite(str(out), np.concatenate(rows, 0))


def _warm(width: int) -> None:
    from .anny_scene import AnnyScenes
    AnnyScenes(seed=999, width=width)[0]  # Anny model, EGL context, first-frame compile


def _render_range(args) -> int:
    seed, start, stop, width = args
    from .anny_scene import AnnyScenes
    g = AnnyScenes(seed=seed, width=width)
    for i in range(start, stop):
        g[i]
    return stop - start


def render_benchmark(frames: int = 400, workers: int = 2, width: int = 320, seed: int = 424242) -> dict:
    """Rendering throughput: ``frames`` RGB-D frames (people, meshes, both images, sensor model;
    no file writing) over ``workers`` processes after one warm-up group each. Returns
    ``{"render_fps", "frames", "workers", "width", "seconds"}``."""
    import time

    per = -(-frames // workers)
    per += (-per) % 4  # whole groups of views
    chunks = [(seed, k * per, (k + 1) * per, width) for k in range(workers)]
    with get_context("spawn").Pool(workers, initializer=_warm, initargs=(width,)) as pool:
        pool.map(_render_range, [(seed + 1, 0, 4, width)] * workers)  # every worker warmed up
        t0 = time.perf_counter()
        n = sum(pool.map(_render_range, chunks))
        dt = time.perf_counter() - t0
    return {"render_fps": n / dt, "frames": n, "workers": workers, "width": width, "seconds": dt}
