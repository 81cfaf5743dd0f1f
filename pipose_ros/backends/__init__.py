"""Inference backends behind one switch: ``auto | onnxruntime | torch | tensorrt``.

A backend turns a model file into a :class:`Network`: normalised input float32 [B, C, H, W] →
SPDH maps (uv, uz) float32 [B, J, H', W'], plus the model's metadata (the checkpoint's: joint
names, input size, SPDH geometry, normalisation, crop). Everything around the network —
crops, K, decoding — is shared numpy code (:mod:`pipose_ros.estimator`), so the backends differ
only in how the maps are computed.

==============  =================================================================  ===========
backend         runs                                                               needs torch
==============  =================================================================  ===========
onnxruntime     the exported ONNX (``pipose export``) on ONNX Runtime: CPU, or      no
                the CUDA execution provider with the fp16 export when CUDA is used
tensorrt        the exported ONNX on ONNX Runtime's TensorRT execution provider     no
                (fp16, engine cache in ``~/.cache/pipose_ros/trt``)
torch           the ``.pt`` checkpoint in PyTorch (CUDA: fp16)                       yes
auto            the first that loads of: tensorrt, onnxruntime+CUDA (when ONNX       no on CPU
                Runtime offers them), torch on CUDA (when an NVIDIA device node
                exists), onnxruntime on CPU, torch on CPU
==============  =================================================================  ===========

Model files: a checkpoint ``X.pt`` and its exports ``X.onnx`` / ``X.fp16.onnx`` sit side by
side; either name may be given. An export records the SHA-256 of the checkpoint it came from: a
stale export (the checkpoint changed since) is never used — ``onnxruntime`` / ``tensorrt``
then re-export into ``~/.cache/pipose_ros/onnx`` when torch is installed, ``auto`` uses torch.
Only the backend modules chosen are imported (``torch`` stays unimported with ONNX Runtime).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

BACKENDS = ("auto", "onnxruntime", "torch", "tensorrt")
META_KEY = "pipose_ros"  # ONNX metadata_props key holding the checkpoint metadata as JSON
CACHE = Path(os.environ.get("PIPOSE_CACHE", Path.home() / ".cache" / "pipose_ros"))

log = logging.getLogger("pipose_ros.backends")


class Network(Protocol):
    """What the estimator needs from a backend."""

    meta: dict          # checkpoint metadata; ``spdh_config`` is a :class:`pipose_ros.spdh.SPDHConfig`
    description: str    # e.g. "onnxruntime CPUExecutionProvider fp32"
    parameters: int     # number of network parameters

    def __call__(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x float32 [B, C, H, W] normalised → (uv, uz) float32 [B, J, H', W']."""


def sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (remembered while the file's size and mtime stay the same:
    loading a model checks its export against the checkpoint more than once)."""
    st = os.stat(path)
    return _sha256(str(Path(path).resolve()), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=16)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_shape(meta: dict) -> tuple[int, int, int]:
    """(C, H, W) of a network's input from its checkpoint metadata: 1 channel (normalised depth)
    for a depth teacher, 3 (RGB) otherwise; H, W pixels."""
    w, h = meta["input_size"]
    return (1 if meta["model"]["kind"] == "teacher" else 3), int(h), int(w)


def model_files(path: str | Path) -> tuple[Path, Path, Path]:
    """(checkpoint ``X.pt``, fp32 export ``X.onnx``, fp16 export ``X.fp16.onnx``) for any of the
    three names."""
    p = Path(path)
    stem = p.name
    for suffix in (".fp16.onnx", ".onnx", ".pt"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return p.with_name(stem + ".pt"), p.with_name(stem + ".onnx"), p.with_name(stem + ".fp16.onnx")


def _varint(buf, i: int) -> tuple[int, int]:
    v = shift = 0
    while True:
        b = buf[i]
        i += 1
        v |= (b & 0x7F) << shift
        if b < 0x80:
            return v, i
        shift += 7


def _metadata_props(path: str | Path) -> dict[str, str]:
    """ModelProto.metadata_props (field 14) of an ONNX file, read from its protobuf wire format
    without parsing the graph (the onnx package would build the whole model in memory, ~20 MB
    of the node's resident set for a 14 MB file)."""
    import mmap

    props: dict[str, str] = {}
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        i, n = 0, len(buf)
        while i < n:
            key, i = _varint(buf, i)
            field, wire = key >> 3, key & 7
            if wire == 0:
                _, i = _varint(buf, i)
            elif wire == 1:
                i += 8
            elif wire == 5:
                i += 4
            elif wire == 2:
                size, i = _varint(buf, i)
                if field == 14:  # StringStringEntryProto: key = 1, value = 2
                    entry, j, end = {}, i, i + size
                    while j < end:
                        k, j = _varint(buf, j)
                        ln, j = _varint(buf, j)
                        entry[k >> 3] = bytes(buf[j:j + ln]).decode("utf-8")
                        j += ln
                    props[entry.get(1, "")] = entry.get(2, "")
                i += size
            else:
                raise ValueError(f"{path}: not an ONNX model (protobuf wire type {wire})")
        if i != n:
            raise ValueError(f"{path}: truncated ONNX model")
    return props


def onnx_meta(path: str | Path) -> dict:
    """The checkpoint metadata embedded in an export (without loading the network).

    Raises ``ValueError`` when the file is not a pipose_ros export."""
    try:
        props = _metadata_props(path)
    except (IndexError, UnicodeDecodeError) as e:
        raise ValueError(f"{path} is not an ONNX model") from e
    return meta_from_props(props, path)


def meta_from_props(props: dict[str, str], path: str | Path) -> dict:
    """The checkpoint metadata in an export's metadata_props (``{key: value}``).

    Raises ``ValueError`` when they are not a pipose_ros export's."""
    if META_KEY not in props:
        raise ValueError(f"{path} is not a pipose_ros ONNX export (no '{META_KEY}' metadata)")
    return json.loads(props[META_KEY])


def _fresh_export(ckpt: Path, onnx_path: Path) -> bool:
    """True when ``onnx_path`` exists and was exported from ``ckpt`` as it is now (or there is no
    checkpoint to compare with)."""
    if not onnx_path.is_file():
        return False
    if not ckpt.is_file():
        return True
    try:
        return onnx_meta(onnx_path).get("source_sha256") == sha256(ckpt)
    except Exception:  # unreadable file: not usable
        return False


def _has_torch() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def _nvidia_device() -> bool:
    """An NVIDIA GPU device node (desktop driver or Jetson), checked without importing torch."""
    return any(Path(p).exists() for p in ("/dev/nvidia0", "/dev/nvhost-ctrl-gpu", "/dev/nvgpu"))


def _onnx_for(path: Path, fp16: bool) -> Path:
    """An up-to-date export of ``path`` (beside it, or re-exported into the cache)."""
    ckpt, f32, f16 = model_files(path)
    for cand in ((f16, f32) if fp16 else (f32,)):
        if _fresh_export(ckpt, cand):
            return cand
    if not ckpt.is_file():
        raise FileNotFoundError(f"no model file: {path} (looked for {f32.name}{' / ' + f16.name if fp16 else ''} "
                                f"and {ckpt.name})")
    if not _has_torch():
        raise FileNotFoundError(f"no up-to-date ONNX export of {ckpt} and torch is not installed to make one "
                                f"(run `pipose export {ckpt}` on a full install)")
    from ..model.export import export_onnx

    out = CACHE / "onnx" / f"{ckpt.stem}-{sha256(ckpt)[:12]}{'.fp16' if fp16 else ''}.onnx"
    if not _fresh_export(ckpt, out):
        log.warning("no up-to-date ONNX export beside %s: exporting to %s", ckpt, out)
        export_onnx(ckpt, out, fp16=fp16)
    return out


def _open_ort(path: Path, providers: str, fp16: bool) -> Network:
    from .ort import OrtNetwork

    return OrtNetwork(_onnx_for(path, fp16), providers)


def _open_torch(path: Path, device: str) -> Network:
    ckpt = model_files(path)[0]
    if not ckpt.is_file():
        raise FileNotFoundError(f"the torch backend needs the checkpoint {ckpt}")
    from .pytorch import TorchNetwork

    return TorchNetwork(ckpt, device)


def open_network(path: str | Path, backend: str = "auto", device: str = "auto",
                 logger: Callable[[str], None] | None = None) -> Network:
    """Load a model file with a backend (see the module docstring for the rules).

    Args:
        path: ``X.pt``, ``X.onnx`` or ``X.fp16.onnx``.
        backend: one of :data:`BACKENDS`.
        device: ``auto``, ``cpu`` or ``cuda[:i]``; ``cpu`` keeps every backend on the CPU.
        logger: called with one line naming the backend chosen (and, for ``auto``, why others
            did not load); default: this module's logger at INFO.
    Raises:
        ValueError: unknown backend or device, or a file that is not a pipose_ros model.
        FileNotFoundError: no usable model file for the backend.
        RuntimeError: the backend's runtime is missing or cannot run here (e.g. ``tensorrt``
            without the TensorRT execution provider).
    """
    say = logger or log.info
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if not (device in ("auto", "cpu") or device.startswith("cuda")):
        raise ValueError(f"device must be auto, cpu or cuda[:i], got {device!r}")
    path = Path(path)
    ckpt, f32, f16 = model_files(path)
    if not (ckpt.is_file() or f32.is_file() or f16.is_file()):
        raise FileNotFoundError(f"model not found: {path}")
    gpu = device != "cpu"
    if backend == "onnxruntime":
        net = _open_ort(path, "cuda" if gpu and _ort_has("CUDAExecutionProvider") else "cpu",
                        fp16=gpu and _ort_has("CUDAExecutionProvider"))
    elif backend == "tensorrt":
        if not _ort_has("TensorrtExecutionProvider"):
            raise RuntimeError("backend tensorrt: ONNX Runtime here has no TensorrtExecutionProvider "
                               "(install onnxruntime-gpu with TensorRT)")
        net = _open_ort(path, "tensorrt", fp16=False)
    elif backend == "torch":
        net = _open_torch(path, device)
    else:
        net = _auto(path, gpu, say)
    say(f"backend {backend}: {net.description}")
    return net


def _ort_has(provider: str) -> bool:
    try:
        import onnxruntime as ort
    except ImportError:
        return False
    return provider in ort.get_available_providers()


def _auto(path: Path, gpu: bool, say) -> Network:
    ckpt, f32, f16 = model_files(path)
    exported = _fresh_export(ckpt, f32) or _fresh_export(ckpt, f16)
    tries: list[tuple[str, Callable[[], Network]]] = []
    if gpu and _ort_has("TensorrtExecutionProvider"):
        tries.append(("tensorrt", lambda: _open_ort(path, "tensorrt", fp16=False)))
    if gpu and _ort_has("CUDAExecutionProvider"):
        tries.append(("onnxruntime cuda", lambda: _open_ort(path, "cuda", fp16=True)))
    if gpu and _nvidia_device() and ckpt.is_file() and _has_torch():
        tries.append(("torch cuda", lambda: _open_torch(path, "cuda")))
    if exported or (ckpt.is_file() and not _has_torch()):
        tries.append(("onnxruntime cpu", lambda: _open_ort(path, "cpu", fp16=False)))
    if ckpt.is_file() and _has_torch():
        if not exported:
            say(f"no up-to-date ONNX export beside {ckpt}: using torch (run `pipose export {ckpt}` "
                f"for the faster ONNX Runtime backend)")
        tries.append(("torch cpu", lambda: _open_torch(path, "cpu")))
    errors = []
    for name, make in tries:
        try:
            return make()
        except Exception as e:  # try the next one, say why at the end
            errors.append(f"{name}: {e}")
    raise RuntimeError("no backend could load " + str(path) + ("; " + "; ".join(errors) if errors else ""))
