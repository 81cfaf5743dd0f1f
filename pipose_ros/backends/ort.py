"""ONNX Runtime backend (no torch): an exported pipose_ros model (``pipose export``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort

from ..spdh import SPDHConfig
from . import CACHE, input_shape, meta_from_props, onnx_meta

PROVIDERS = {
    "cpu": ["CPUExecutionProvider"],
    "cuda": ["CUDAExecutionProvider", "CPUExecutionProvider"],
    "tensorrt": ["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"],
}


def session_options(threads: int = 0):
    """ONNX Runtime session options for a node that shares its cores.

    Intra-op worker threads do not busy-wait between operators (``allow_spinning`` 0): with
    spinning on, the student's and the detector's thread pools and the DDS receive threads fight
    for 2 cores: the live node of ``pipose benchmark`` gave 17.5 Hz output and latency p95 127 ms
    with spinning on, 26.2 Hz and 83 ms with it off (2026-11-30, 2 CPU cores, docs/BENCHMARKS.md).

    Args:
        threads: intra-op threads (0 = ONNX Runtime's default, one per core).
    """
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if threads:
        so.intra_op_num_threads = int(threads)
    so.log_severity_level = 3
    return so


class OrtNetwork:
    """An exported model on ONNX Runtime.

    Args:
        path: ``.onnx`` written by :func:`pipose_ros.model.export.export_onnx` (input ``image``
            float32 [B, C, H, W], outputs ``uv``, ``uz`` float32 [B, J, H', W'], dynamic B).
        providers: ``cpu``, ``cuda`` or ``tensorrt`` (TensorRT with fp16 and an engine cache
            in ``~/.cache/pipose_ros/trt``; batch profile 1–8 crops).
        threads: intra-op threads (0 = ONNX Runtime's default, one per core).
    Raises:
        ValueError: the file is not a pipose_ros export.
        RuntimeError: the providers asked for are not available.
    """

    def __init__(self, path: str | Path, providers: str = "cpu", threads: int = 0):
        so = session_options(threads)
        plist = list(PROVIDERS[providers])
        missing = [p for p in plist[:-1] if p not in ort.get_available_providers()]
        if missing:
            raise RuntimeError(f"ONNX Runtime here lacks {', '.join(missing)}")
        self.session = ort.InferenceSession(str(path), so, providers=self._options(plist, path))
        meta = meta_from_props(self.session.get_modelmeta().custom_metadata_map, path)
        meta["spdh_config"] = SPDHConfig(**meta["spdh"])
        self.meta = meta
        self.parameters = int(meta.get("parameters", 0))
        self.path = Path(path)
        used = self.session.get_providers()[0]
        self.input_dtype = np.float16 if self.session.get_inputs()[0].type == "tensor(float16)" else np.float32
        prec = meta.get("precision", "fp32") + (" (TensorRT fp16)" if used.startswith("Tensorrt") else "")
        self.description = f"onnxruntime {ort.__version__} {used} {prec}, {self.path.name}"

    @staticmethod
    def _options(plist: list[str], path) -> list:
        out = []
        for p in plist:
            if p == "TensorrtExecutionProvider":
                cache = CACHE / "trt"
                cache.mkdir(parents=True, exist_ok=True)
                # the optimisation profile: 1–8 crops of the export's input shape
                chw = "x".join(map(str, input_shape(onnx_meta(path))))
                out.append((p, {"trt_fp16_enable": True, "trt_engine_cache_enable": True,
                                "trt_engine_cache_path": str(cache),
                                "trt_profile_min_shapes": f"image:1x{chw}",
                                "trt_profile_opt_shapes": f"image:4x{chw}",
                                "trt_profile_max_shapes": f"image:8x{chw}"}))
            else:
                out.append(p)
        return out

    def __call__(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x float32 [B, C, H, W] → (uv, uz) float32 [B, J, H', W']."""
        uv, uz = self.session.run(["uv", "uz"], {"image": np.ascontiguousarray(x, self.input_dtype)})
        return uv.astype(np.float32, copy=False), uz.astype(np.float32, copy=False)

