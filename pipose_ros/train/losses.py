"""Losses of seed 000 §3.3."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def pose_loss(pred_uv: torch.Tensor, pred_uz: torch.Tensor, gt_uv: torch.Tensor,
              gt_uz: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """L_PE, seed 000 eq. (2): masked heatmap loss.

    ``L_PE = 1/|J| Σ_j m_j ‖H_j − Ĥ_j‖²`` summed over the pixels of each map, over the uv and uz
    maps, averaged over the visible joints |J| of the batch.

    Args:
        pred_*, gt_*: float [B, J, H, W].
        mask: float [B, J] (1 = joint inside the image).
    """
    m = mask.float()
    se = ((pred_uv.float() - gt_uv) ** 2).sum(dim=(2, 3)) + ((pred_uz.float() - gt_uz) ** 2).sum(dim=(2, 3))
    return (se * m).sum() / m.sum().clamp(min=1.0)


def pi_loss(f_teacher: torch.Tensor, f_hall: torch.Tensor, kind: str = "l2",
            sigmoid: bool = False) -> torch.Tensor:
    """L_PI, seed 000 eq. (1): feature mimicry between frozen F_depth and F_hall.

    Args:
        f_teacher, f_hall: float [B, C, h, w] features.
        kind: ``l2`` (MSE, seed 000) or ``huber`` (seed 001 §4.2).
        sigmoid: map both through a sigmoid first (seed 001 §4.2, for pre-ReLU features).
    """
    a, b = f_hall.float(), f_teacher.detach().float()
    if sigmoid:
        a, b = torch.sigmoid(a), torch.sigmoid(b)
    if kind == "l2":
        return F.mse_loss(a, b)
    if kind == "huber":
        return F.smooth_l1_loss(a, b)
    raise ValueError(f"unknown L_PI kind {kind!r}")
