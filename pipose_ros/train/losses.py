"""Losses of seed 000 §3.3."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def pose_loss(pred_uv: torch.Tensor, pred_uz: torch.Tensor, gt_uv: torch.Tensor,
              gt_uz: torch.Tensor, mask: torch.Tensor, fg_weight: float = 0.0,
              flip_pairs=(), lr_symmetric: float = 0.0) -> torch.Tensor:
    """L_PE, seed 000 eq. (2): masked heatmap loss.

    ``L_PE = 1/|J| Σ_j m_j Σ_pixels w (H_j − Ĥ_j)²`` over the uv and uz maps, averaged over the
    visible joints |J| of the batch, with the per-pixel weight ``w = 1 + fg_weight · H_j``.
    ``fg_weight = 0`` is seed 000's plain masked MSE. A positive weight (default 20 in
    training) up-weights the Gaussian's support: measured on our 128×96 grids, the plain loss
    sat on the all-zero plateau for 150+ steps (teacher MPJPE 322 cm on the first 200 training
    frames) where fg_weight = 20 reached 90 cm in the same 150 steps (2026-11-21, 2-core x86_64
    CPU; re-run: ``pipose train teacher --steps 150 --fg-weight 0|20 --out T.pt`` then
    ``pipose evaluate T.pt --synthetic 200 --data-seed 0``).

    Args:
        pred_*, gt_*: float [B, J, H, W].
        mask: float [B, J] (1 = joint inside the image, 0 = left out; another positive value weights
            that joint's uv map, e.g. ``--pe-out-weight`` for joints out of the crop, whose uv target
            is (nearly) empty: the uz map of a joint that counts always weighs 1 — a leg below the
            crop still has a uz target, and weighting it asks for depth the input does not show).
        flip_pairs: (left, right) joint-index pairs (``JointSet.flip_pairs``), for ``lr_symmetric``.
        lr_symmetric: in [0, 1]: this share of the loss counts each left/right pair of each sample
            with whichever assignment of the two targets to the two maps costs less (a loss that does
            not care which map holds which side); the rest is the anatomical L_PE. A depth network
            that cannot tell left from right otherwise learns to draw both sides in both maps and the
            two argmaxes land on one limb (docs/RESULTS.md, issue 9, session 25); with the symmetric
            part each map can commit to one limb. 0 = seed 000's L_PE.
    Returns:
        scalar: the weighted sum over joints / the number of joints that count (mask > 0).
    Raises:
        ValueError: ``lr_symmetric`` outside [0, 1], or > 0 without ``flip_pairs``.
    """
    if not 0.0 <= lr_symmetric <= 1.0 or (lr_symmetric > 0 and not len(flip_pairs)):
        raise ValueError(f"lr_symmetric must be in [0, 1] and needs flip_pairs, got {lr_symmetric}")
    m = mask.float()

    def per_joint(p_uv, p_uz, t_uv, t_uz, w):  # [B, n] weighted squared error of maps p against targets t
        se_uv = ((1.0 + fg_weight * t_uv) * (p_uv.float() - t_uv) ** 2).sum(dim=(2, 3))
        se_uz = ((1.0 + fg_weight * t_uz) * (p_uz.float() - t_uz) ** 2).sum(dim=(2, 3))
        return se_uv * w + se_uz * (w > 0)

    anat = per_joint(pred_uv, pred_uz, gt_uv, gt_uz, m)
    count = (m > 0).sum().clamp(min=1)
    if lr_symmetric == 0.0:
        return anat.sum() / count
    a = torch.tensor([p[0] for p in flip_pairs], device=gt_uv.device)
    b = torch.tensor([p[1] for p in flip_pairs], device=gt_uv.device)
    straight = anat[:, a] + anat[:, b]  # [B, pairs]: each map against its own side's target
    crossed = (per_joint(pred_uv[:, a], pred_uz[:, a], gt_uv[:, b], gt_uz[:, b], m[:, b])
               + per_joint(pred_uv[:, b], pred_uz[:, b], gt_uv[:, a], gt_uz[:, a], m[:, a]))
    sym = anat.sum() - straight.sum() + torch.minimum(straight, crossed).sum()
    return ((1.0 - lr_symmetric) * anat.sum() + lr_symmetric * sym) / count


def coord_loss(pred: torch.Tensor, gt: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Integral coordinate loss: mean 3D distance (metres) over the masked joints.

    Used with :func:`pipose_ros.train.targets.soft_decode` on the predicted maps, beside L_PE
    (heatmap + integral loss, Sun et al., ECCV 2018; a deviation from seed 000's L_PE-only
    training, off unless ``TrainConfig.coord_weight`` > 0). The distance is Euclidean (an MPJPE),
    not squared, so far-off joints do not dominate.

    Args:
        pred, gt: float [B, J, 3] metres, same camera frame. mask: float [B, J]: a joint counts,
            with weight 1, where it is > 0 (the batch's L_PE weights, ``--pe-out-weight``, do not
            scale this loss).
    """
    m = (mask > 0).float()
    d = torch.sqrt(((pred.float() - gt.float()) ** 2).sum(-1) + 1e-8)
    return (d * m).sum() / m.sum().clamp(min=1.0)


def pi_loss(f_teacher: torch.Tensor, f_hall: torch.Tensor, kind: str = "l2",
            sigmoid: bool = False, attention: torch.Tensor | None = None) -> torch.Tensor:
    """L_PI, seed 000 eq. (1): feature mimicry between the frozen teacher and F_hall.

    Args:
        f_teacher, f_hall: float [B, C, h, w] features.
        kind: ``l2`` (MSE, seed 000) or ``huber`` (seed 001 §4.2).
        sigmoid: map both through a sigmoid first (seed 001 §4.2, for pre-ReLU features).
        attention: optional float [B, 1, H, W] map in [0, 1] (seed 001 eq. 4.27), resized to
            (h, w) here; the per-pixel error is multiplied by it before averaging.
    Raises: ``ValueError`` for an unknown ``kind``.
    """
    a, b = f_hall.float(), f_teacher.detach().float()
    if sigmoid:
        a, b = torch.sigmoid(a), torch.sigmoid(b)
    if kind == "l2":
        e = (a - b) ** 2
    elif kind == "huber":
        e = F.smooth_l1_loss(a, b, reduction="none")
    else:
        raise ValueError(f"unknown L_PI kind {kind!r}")
    if attention is not None:
        e = e * F.interpolate(attention.float(), size=e.shape[-2:], mode="area")
    return e.mean()


def attention_map(uv: torch.Tensor, mask: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Artificial attention map of seed 001 eq. (4.26) from projected GT joints.

    ``A[u, v] = Σ_j exp(−((u − u_j)² + (v − v_j)²) / 5)`` over the joints inside the image,
    then divided by its maximum (→ [0, 1]).

    Args:
        uv: float [B, J, 2] projected joints, input pixels. mask: float [B, J]: a joint counts,
            with weight 1, where it is > 0 (L_PE's weights do not scale the map).
    Returns: float32 [B, 1, height, width].
    """
    us = torch.arange(width, device=uv.device, dtype=torch.float32)
    vs = torch.arange(height, device=uv.device, dtype=torch.float32)
    du = (us[None, None, None, :] - uv[..., 0, None, None]) ** 2
    dv = (vs[None, None, :, None] - uv[..., 1, None, None]) ** 2
    a = (torch.exp(-(du + dv) / 5.0) * (mask > 0).float()[..., None, None]).sum(1, keepdim=True)
    return a / a.amax(dim=(2, 3), keepdim=True).clamp(min=1e-6)


def mask_loss(features: torch.Tensor, foreground: torch.Tensor) -> torch.Tensor:
    """Foreground-mask loss of seed 003 eq. (3): ``‖A ⊙ M‖²`` with M = 1 off the person.

    Suppresses the RGB features' responses on the background. Returned as the mean over
    elements (so its scale does not depend on the feature size).

    Args:
        features: float [B, C, h, w]. foreground: float [B, 1, H, W], 1 on the person (from
            depth, :func:`pipose_ros.data.dataset.foreground_from_depth`), resized here.
    """
    m = 1.0 - F.interpolate(foreground.float(), size=features.shape[-2:], mode="area")
    return ((features.float() * m) ** 2).mean()
