"""Network input normalisation (numpy; run time and training share it).

The statistics are stored in every checkpoint and exported model (``normalisation``), so a
network is always fed as it was trained: RGB with the ImageNet mean/std (seed 000 §4; what the
pretrained backbones expect), depth in metres standardised around 3 m with invalid pixels set to
a constant below any valid value.
"""

from __future__ import annotations

import numpy as np

RGB_MEAN = (0.485, 0.456, 0.406)
RGB_STD = (0.229, 0.224, 0.225)
DEPTH_MEAN_M = 3.0
DEPTH_STD_M = 2.0
DEPTH_INVALID = -2.0


def normalisation() -> dict:
    """Input normalisation stored in checkpoints (RGB ImageNet statistics; depth in metres)."""
    return {"rgb_mean": list(RGB_MEAN), "rgb_std": list(RGB_STD), "depth_mean_m": DEPTH_MEAN_M,
            "depth_std_m": DEPTH_STD_M, "depth_invalid": DEPTH_INVALID}


def rgb_input(rgb: np.ndarray, norm: dict | None = None) -> np.ndarray:
    """uint8 [..., H, W, 3] RGB → float32 [..., 3, H, W] normalised (contiguous)."""
    n = norm or normalisation()
    scale = (1.0 / (255.0 * np.asarray(n["rgb_std"], np.float32))).astype(np.float32)
    bias = (-np.asarray(n["rgb_mean"], np.float32) / np.asarray(n["rgb_std"], np.float32)).astype(np.float32)
    x = np.asarray(rgb, dtype=np.float32) * scale + bias
    return np.ascontiguousarray(np.moveaxis(x, -1, -3))


def depth_input(depth_m: np.ndarray, norm: dict | None = None, scale=1.0) -> np.ndarray:
    """float metres [..., H, W] (0 or NaN = invalid) → float32 [..., 1, H, W] normalised, with
    invalid pixels set to ``depth_invalid``.

    ``scale``: depth factor applied first — a float, or float [B] for a batch [B, H, W]; the
    canonical-camera factor f_c / f_x of :func:`pipose_ros.spdh.canonical_scale`.
    """
    n = norm or normalisation()
    d = np.asarray(depth_m, dtype=np.float32)
    scale = np.asarray(scale, dtype=np.float32)
    if scale.ndim == 1:
        scale = scale[:, None, None]
    d = d * scale
    with np.errstate(invalid="ignore"):
        valid = np.isfinite(d) & (d > 0)
        x = np.where(valid, (d - n["depth_mean_m"]) / n["depth_std_m"], n["depth_invalid"])
    return np.expand_dims(x.astype(np.float32), -3)
