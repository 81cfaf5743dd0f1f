"""``pipose export``: a checkpoint → ONNX for ONNX Runtime / TensorRT (issue 11).

The exported graph is the network only: input ``image`` float32 [B, C, H, W] (normalised as the
checkpoint says; C = 3 RGB, 1 depth), outputs ``uv`` and ``uz`` float32 [B, J, H', W'] (SPDH
maps), batch dynamic so all person crops of a frame run as one call. Crops, K and SPDH decoding
stay in numpy (:mod:`pipose_ros.estimator`), identical for every backend. The checkpoint's
metadata (joint names, input size, SPDH geometry, normalisation, crop, training summary) is
embedded as JSON under the ``pipose_ros`` metadata key, with the licence, the parameter count,
the precision and the SHA-256 of the source checkpoint (a stale export is detected and never
used). fp16: the fp32 graph converted by onnxconverter-common with float32 inputs/outputs kept.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import torch

from ..backends import META_KEY, input_shape, model_files, sha256
from ..checkpoint import load_checkpoint
from ..preprocess import depth_input, rgb_input
from ..spdh import canonical_scale, decode

OPSET = 17
LICENCE = ("Apache-2.0 (pipose_ros); networks with a blazepose_full backbone contain fine-tuned "
           "MediaPipe BlazePose GHUM weights, Copyright Google LLC, Apache-2.0 (models/blazepose/LICENSE)")


class _Maps(torch.nn.Module):
    """The network with tensor outputs (uv, uz) instead of a dict."""

    def __init__(self, net: torch.nn.Module):
        super().__init__()
        self.net = net

    def forward(self, x):
        out = self.net(x)
        return out["uv"], out["uz"]


def export_onnx(ckpt: str | Path, out: str | Path | None = None, fp16: bool = False,
                opset: int = OPSET) -> Path:
    """Write the ONNX export of a checkpoint; returns its path.

    Args:
        ckpt: ``.pt`` checkpoint.
        out: output path; default beside the checkpoint (``X.onnx`` / ``X.fp16.onnx``).
        fp16: weights and activations in float16 (inputs/outputs stay float32), for CUDA.
        opset: ONNX opset (≥ 17).
    Raises:
        FileNotFoundError / ValueError: see :func:`pipose_ros.checkpoint.load_checkpoint`.
    """
    import onnx

    ckpt = Path(ckpt)
    model, meta = load_checkpoint(ckpt)
    out = Path(out) if out else model_files(ckpt)[2 if fp16 else 1]
    out.parent.mkdir(parents=True, exist_ok=True)
    x = torch.zeros(2, *input_shape(meta))
    tmp = out.with_name(out.name + ".tmp")
    with warnings.catch_warnings():
        # onnx2torch's BlazePose modules read their (constant) pads and resize scales as Python
        # values while tracing; they are graph constants, and the export is checked at other batch
        # sizes than the traced one (compare(), test/test_runtime.py)
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", message="Constant folding - Only steps=1")
        torch.onnx.export(_Maps(model).eval(), (x,), str(tmp), input_names=["image"], output_names=["uv", "uz"],
                          dynamic_axes={"image": {0: "batch"}, "uv": {0: "batch"}, "uz": {0: "batch"}},
                          opset_version=opset, dynamo=False)
    m = onnx.load(str(tmp))
    if fp16:
        from onnxconverter_common import float16

        with warnings.catch_warnings():  # it reports each weight below fp16's range it rounds
            warnings.filterwarnings("ignore", message="the float32 number")
            m = float16.convert_float_to_float16(m, keep_io_types=True)
    info = {k: v for k, v in meta.items() if k != "spdh_config"}
    info.update(source=ckpt.name, source_sha256=sha256(ckpt), licence=LICENCE, precision="fp16" if fp16 else "fp32",
                parameters=int(sum(p.numel() for p in model.parameters())), opset=opset)
    del m.metadata_props[:]
    for k, v in ((META_KEY, json.dumps(info)), ("licence", LICENCE)):
        m.metadata_props.add(key=k, value=v)
    m.producer_name = "pipose_ros"
    onnx.save(m, str(out))
    tmp.unlink()
    return out


def probe_input(meta: dict, batch: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A deterministic, image-like network input for comparing backends: (x float32
    [B, C, H, W] normalised, K float64 [B, 3, 3] of the input). RGB: scikit-image's astronaut
    photo resized to the input; depth: a person-sized blob 2.5 m away on a wall 4 m away."""
    import cv2

    c, h, w = input_shape(meta)
    fx = 0.9 * w
    K = np.array([[fx, 0, (w - 1) / 2], [0, fx, (h - 1) / 2], [0, 0, 1]], np.float64)
    Kb = np.repeat(K[None], batch, 0)
    if c == 1:  # a depth teacher
        yy, xx = np.mgrid[0:h, 0:w]
        d = np.full((h, w), 4.0, np.float32)
        d[((xx - w / 2) / (0.18 * w)) ** 2 + ((yy - h / 2) / (0.45 * h)) ** 2 < 1] = 2.5
        s = canonical_scale(Kb, meta["spdh_config"])
        return depth_input(np.repeat(d[None], batch, 0), meta["normalisation"], scale=s), Kb
    from skimage import data

    img = cv2.resize(data.astronaut(), (w, h), interpolation=cv2.INTER_AREA)
    imgs = np.stack([img if i % 2 == 0 else img[:, ::-1] for i in range(batch)])
    return rgb_input(imgs, meta["normalisation"]), Kb


def compare(net_a, net_b, batch: int = 3) -> dict:
    """Max |a − b| of two :class:`pipose_ros.backends.Network` on :func:`probe_input`:
    ``uv`` / ``uz`` heatmaps (map units, peak 1) and decoded joints in millimetres."""
    x, K = probe_input(net_a.meta, batch)
    a, b = net_a(x), net_b(x)
    cfg = net_a.meta["spdh_config"]
    ja, jb = decode(*a, K, cfg)["joints"], decode(*b, K, cfg)["joints"]
    return {"uv_max_abs": float(np.abs(a[0] - b[0]).max()), "uz_max_abs": float(np.abs(a[1] - b[1]).max()),
            "joints_max_abs_mm": float(np.abs(ja - jb).max() * 1000.0)}
