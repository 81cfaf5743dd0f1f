"""PyTorch backend: a ``.pt`` checkpoint (fp16 on CUDA). The only backend that imports torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ..checkpoint import load_checkpoint, pick_device


class TorchNetwork:
    """A checkpoint in PyTorch.

    Args:
        path: ``.pt`` checkpoint (``weights_only=True``; :mod:`pipose_ros.checkpoint`).
        device: ``auto`` (CUDA when available), ``cpu`` or ``cuda[:i]``; CUDA runs in fp16.
    Raises:
        FileNotFoundError / ValueError: see :func:`pipose_ros.checkpoint.load_checkpoint`.
        RuntimeError: ``cuda`` asked for and not available.
    """

    def __init__(self, path: str | Path, device: str = "auto"):
        self.device = pick_device(device)
        if self.device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError("torch here has no CUDA")
        model, self.meta = load_checkpoint(path)
        self.half = self.device.type == "cuda"
        self.model = model.to(self.device).eval()
        if self.half:
            self.model.half()
        self.parameters = sum(p.numel() for p in model.parameters())
        self.description = f"torch {torch.__version__} {self.device}{' fp16' if self.half else ' fp32'}, {Path(path).name}"

    @torch.inference_mode()
    def __call__(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x float32 [B, C, H, W] → (uv, uz) float32 [B, J, H', W']."""
        t = torch.from_numpy(np.ascontiguousarray(x, np.float32)).to(self.device)
        out = self.model(t.half() if self.half else t)
        return out["uv"].float().cpu().numpy(), out["uz"].float().cpu().numpy()
