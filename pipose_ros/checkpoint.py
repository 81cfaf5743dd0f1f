"""The checkpoint format (one source of truth).

A checkpoint is a ``torch.save`` of a plain dict that ``torch.load(..., weights_only=True)``
reads: ``format`` (``"pipose_ros/1"``), ``model`` (:class:`ModelConfig` dict), ``spdh``
(:class:`SPDHConfig` dict), ``joint_names``, ``input_size`` ([W, H] pixels), ``normalisation``,
``training`` (summary: data, steps, wall-clock, machine, metrics), optionally ``crop`` (a model
trained on person crops: ``{"scale": [lo, hi], "shift": f, "min_visible": n}`` — the estimator
then crops each person box by the middle of that scale range), optionally ``decode`` (decoding
choices made after training: ``relative_depth_gain``, see :func:`pipose_ros.spdh.shrink_relative_depth`;
``size_prior`` = ``{"weight": w, "bones": [[a, b], …], "bone_lengths_m": [...]}``, see
:func:`pipose_ros.spdh.apply_size_prior`) and ``state_dict``.
"""

from __future__ import annotations

from pathlib import Path

import torch

from .model import ModelConfig, build_model
from .spdh import SPDHConfig

FORMAT = "pipose_ros/1"


def save_checkpoint(path: str | Path, model: torch.nn.Module, model_cfg: ModelConfig,
                    spdh_cfg: SPDHConfig, joint_names: list[str], normalisation: dict,
                    training: dict, crop: dict | None = None, decode: dict | None = None) -> None:
    """Write a self-contained checkpoint (weights in float32 on the CPU); ``crop`` and ``decode``
    as in the module docstring (omitted when None)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    sd = {k: v.detach().float().cpu() if v.is_floating_point() else v.detach().cpu()
          for k, v in model.state_dict().items()}
    torch.save({"format": FORMAT, "model": model_cfg.to_dict(), "spdh": spdh_cfg.to_dict(),
                "joint_names": list(joint_names), "input_size": [spdh_cfg.width, spdh_cfg.height],
                "normalisation": normalisation, "training": training, "state_dict": sd,
                **({"crop": crop} if crop else {}), **({"decode": decode} if decode else {})}, path)


def pick_device(device: str = "auto") -> torch.device:
    """``auto`` → CUDA if available, else CPU; otherwise ``torch.device(device)``."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def _read(path: Path, map_location="cpu") -> dict:
    """The checkpoint's dict (``weights_only=True``); FileNotFoundError / ValueError as
    :func:`load_checkpoint`."""
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    ck = torch.load(path, map_location=map_location, weights_only=True)
    if not isinstance(ck, dict) or ck.get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} checkpoint")
    return ck


def load_checkpoint(path: str | Path, map_location="cpu") -> tuple[torch.nn.Module, dict]:
    """Load a checkpoint with ``weights_only=True``; returns (model in eval mode, metadata).

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: not a pipose_ros checkpoint.
    """
    path = Path(path)
    ck = _read(path, map_location)
    mcfg, spdh = ModelConfig(**ck["model"]), SPDHConfig(**ck["spdh"])
    if mcfg.head_stride != spdh.stride:
        raise ValueError(f"{path}: head stride {mcfg.head_stride} differs from the SPDH grid stride {spdh.stride}")
    model = build_model(mcfg)
    model.load_state_dict(ck["state_dict"])
    model.eval()
    meta = {k: v for k, v in ck.items() if k != "state_dict"}
    meta["spdh_config"] = spdh
    return model, meta


def set_decode(path: str | Path, values: dict, replace: bool = False) -> dict:
    """Merge ``values`` into a checkpoint's ``decode`` settings (run-time decoding choices made
    after training, e.g. ``relative_depth_gain`` and ``size_prior`` from ``pipose tune-decode``) and
    rewrite the file in place (atomically); ``replace`` drops the old settings first (a new choice
    of them all). Returns the new ``decode`` dict.

    Raises:
        FileNotFoundError / ValueError: as :func:`load_checkpoint`.
    """
    path = Path(path)
    ck = _read(path)
    ck["decode"] = {**({} if replace else (ck.get("decode") or {})), **values}
    tmp = path.with_name(path.name + ".tmp")
    torch.save(ck, tmp)
    tmp.replace(path)
    return ck["decode"]
