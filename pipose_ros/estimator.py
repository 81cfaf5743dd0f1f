"""PoseEstimator: checkpoint → numpy in, skeletons out (no ROS).

The main API other code calls::

    est = PoseEstimator.from_checkpoint("models/pipose_student_kinect14.pt", device="auto")
    skeletons = est.estimate(rgb, K)          # rgb uint8 [H, W, 3] RGB, K float64 [3, 3]
    teacher_view = est.estimate_depth(depth_m, K)   # needs a teacher checkpoint

Images of any size are letterboxed to the network input and K follows the resize
(:class:`pipose_ros.camera.Letterbox`); joints come back in metres in the camera optical frame
of the *given* image (REP-103), uv in its pixels. The method is single-person (one SPDH map per
joint, seed 000): at most one skeleton per image, returned only when its mean joint confidence
reaches ``min_confidence``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from .camera import Letterbox, validate_K
from .checkpoint import load_checkpoint
from .data.dataset import depth_to_tensor, rgb_to_tensor
from .skeleton import Skeleton
from .spdh import canonical_scale, decode
from .train.trainer import pick_device


class PoseEstimator:
    """Runs one checkpoint (student/baseline on RGB, or teacher on depth).

    Args:
        model: network in eval mode.
        meta: checkpoint metadata (see :mod:`pipose_ros.checkpoint`).
        device: ``auto`` (CUDA with fp16 when present, else CPU), ``cpu`` or ``cuda[:i]``.
        min_confidence: mean uv-peak confidence below which no skeleton is reported.
        teacher: optional (model, meta) of a depth teacher for :meth:`estimate_depth`.
    """

    def __init__(self, model: torch.nn.Module, meta: dict, device: str = "auto",
                 min_confidence: float = 0.1, teacher: tuple | None = None):
        self.device = pick_device(device)
        self.half = self.device.type == "cuda"
        self.model = model.to(self.device).eval()
        if self.half:
            self.model.half()
        self.meta = meta
        self.kind = meta["model"]["kind"]
        self.spdh = meta["spdh_config"]
        self.names = list(meta["joint_names"])
        self.input_w, self.input_h = meta["input_size"]
        self.norm = meta["normalisation"]
        self.min_confidence = float(min_confidence)
        self.teacher = None
        if teacher is not None:
            self.teacher = PoseEstimator(teacher[0], teacher[1], device, min_confidence)
        elif self.kind == "teacher":
            self.teacher = self

    @classmethod
    def from_checkpoint(cls, path: str | Path, device: str = "auto", min_confidence: float = 0.1,
                        teacher_path: str | Path | None = None) -> "PoseEstimator":
        """Load a checkpoint (``weights_only=True``). Raises ``FileNotFoundError`` /
        ``ValueError`` for a missing or foreign file."""
        model, meta = load_checkpoint(path)
        teacher = load_checkpoint(teacher_path) if teacher_path else None
        return cls(model, meta, device, min_confidence, teacher)

    def _run(self, x: torch.Tensor, K_net: np.ndarray) -> dict[str, np.ndarray]:
        x = x.to(self.device)
        if self.half:
            x = x.half()
        with torch.inference_mode():
            out = self.model(x[None])
            d = decode(out["uv"], out["uz"], torch.tensor(K_net[None], dtype=torch.float32,
                                                          device=self.device), self.spdh)
        return {k: v[0].float().cpu().numpy() for k, v in d.items()}

    def _skeletons(self, d: dict, lb: Letterbox) -> list[Skeleton]:
        conf = d["confidence"].astype(np.float32)
        if not np.isfinite(conf).all() or conf.mean() < self.min_confidence:
            return []
        uv = lb.to_source(d["uv"]).astype(np.float32)
        return [Skeleton(joints=d["joints"].astype(np.float32), confidence=conf,
                         names=list(self.names), uv=uv)]

    def estimate(self, rgb: np.ndarray, K: np.ndarray) -> list[Skeleton]:
        """3D skeletons from one RGB image.

        Args:
            rgb: uint8 [H, W, 3], RGB order (undistorted, or with negligible distortion).
            K: float64 [3, 3] intrinsics of ``rgb``.
        Returns:
            list of :class:`Skeleton` (0 or 1 for this single-person method); joints float32
            [J, 3] metres in the camera optical frame, confidence float32 [J] in [0, 1].
        Raises:
            ValueError: wrong shape/dtype, empty image, unusable K, or a depth-only checkpoint.
        """
        if self.kind == "teacher":
            raise ValueError("this is a depth teacher checkpoint: use estimate_depth()")
        rgb = np.asarray(rgb)
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"rgb must be uint8 [H, W, 3], got {rgb.dtype} {rgb.shape}")
        if rgb.shape[0] == 0 or rgb.shape[1] == 0:
            raise ValueError("empty image")
        K = validate_K(K)
        lb = Letterbox.fit(rgb.shape[1], rgb.shape[0], self.input_w, self.input_h)
        x = rgb_to_tensor(lb.image(rgb), self.norm)
        return self._skeletons(self._run(x, lb.apply_K(K)), lb)

    def estimate_depth(self, depth_m: np.ndarray, K: np.ndarray) -> list[Skeleton]:
        """3D skeletons from one depth image with the depth teacher (seed 000 §3.1.1).

        Args:
            depth_m: float32 [H, W] metres, NaN or 0 = invalid, registered to K.
            K: float64 [3, 3] intrinsics of the depth image.
        Raises:
            ValueError: no teacher loaded, wrong shape, empty or all-invalid depth, unusable K.
        """
        if self.teacher is None:
            raise ValueError("no depth teacher loaded (pass teacher_path)")
        if self.teacher is not self:
            return self.teacher.estimate_depth(depth_m, K)
        depth_m = np.asarray(depth_m, np.float32)
        if depth_m.ndim != 2 or depth_m.size == 0:
            raise ValueError(f"depth must be float32 [H, W], got shape {depth_m.shape}")
        valid = np.isfinite(depth_m) & (depth_m > 0)
        if not valid.any():
            raise ValueError("depth image has no valid pixel")
        K = validate_K(K)
        lb = Letterbox.fit(depth_m.shape[1], depth_m.shape[0], self.input_w, self.input_h)
        K_net = lb.apply_K(K)
        scale = canonical_scale(torch.tensor(K_net[None]), self.spdh)
        x = depth_to_tensor(lb.depth(depth_m), self.norm, scale=float(scale[0]))
        return self._skeletons(self._run(x, K_net), lb)
