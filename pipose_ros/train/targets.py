"""SPDH training targets on a torch batch (seed 000 §3.2), and the codec's round-trip check.

The geometry and the decoder live in :mod:`pipose_ros.spdh` (numpy, shared with run time); this
is the encoder's half, which needs torch because targets are built on the batch, on the training
device.
"""

from __future__ import annotations

import numpy as np
import torch

from ..camera import intrinsics_from_fov
from ..spdh import SPDHConfig, canonical_grid, canonical_scale, decode, grid_K


def encode(joints: torch.Tensor, K: torch.Tensor, cfg: SPDHConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """Build SPDH targets (the maps described in :mod:`pipose_ros.spdh`).

    Args:
        joints: float [B, J, 3] metres, camera optical frame of the network input's camera.
        K: float [B, 3, 3] intrinsics of the network input (pixels).
        cfg: grid and depth-bin geometry.
    Returns:
        (uv, uz): float32 [B, J, H/stride, W/stride] each on ``joints``' device, peak 1 at the
        joint. Joints with Z ≤ 0 give all-zero maps (mask them out of the loss).
    """
    joints = torch.as_tensor(joints, dtype=torch.float32)
    dev = joints.device
    Kc, s = canonical_grid(torch.as_tensor(K).detach().cpu().numpy(), cfg)
    K = torch.as_tensor(Kc, dtype=torch.float32, device=dev)
    s = torch.as_tensor(s, device=dev)
    B, J, _ = joints.shape
    H, W = cfg.grid_h, cfg.grid_w
    X, Y, Z = joints[..., 0], joints[..., 1], joints[..., 2] * s[:, None]  # canonical depth
    valid = Z > 1e-3
    Zs = torch.where(valid, Z, torch.ones_like(Z))
    fx = K[:, 0, 0, None]
    fy = K[:, 1, 1, None]
    cx = K[:, 0, 2, None]
    cy = K[:, 1, 2, None]
    u = fx * X / Zs + cx
    v = fy * Y / Zs + cy
    s_m = cfg.sigma_mm * 1e-3
    sig_px = torch.clamp(s_m * fx / Zs, min=cfg.min_sigma_px)  # [B, J]
    us = torch.arange(W, device=dev, dtype=torch.float32)
    vs = torch.arange(H, device=dev, dtype=torch.float32)
    gu = torch.exp(-((us[None, None, :] - u[..., None]) ** 2) / (2 * sig_px[..., None] ** 2))
    gv = torch.exp(-((vs[None, None, :] - v[..., None]) ** 2) / (2 * sig_px[..., None] ** 2))
    uv = gv[..., :, None] * gu[..., None, :]
    zk = cfg.z_min + cfg.dz * vs  # [H]
    # X(u, k) = (u - cx) Zk / fx  -> [B, 1, H, W]
    Xuk = (us[None, None, :] - cx[..., None]) / fx[..., None] * zk[None, :, None]
    Xuk = Xuk[:, None]
    d2 = (Xuk - X[..., None, None]) ** 2 + (zk[None, None, :, None] - Z[..., None, None]) ** 2
    uz = torch.exp(-d2 / (2 * s_m**2))
    m = valid[..., None, None].float()
    return uv * m, uz * m


def roundtrip_error_mm(cfg: SPDHConfig, n: int = 2000, seed: int = 0, refine: bool = True,
                       hfov_deg: float = 60.0) -> np.ndarray:
    """Encode random joints (in view, *canonical* Z uniform in [z_min + 0.3, z_max − 0.3]) and
    decode them with the run-time decoder, with a camera of ``hfov_deg`` horizontal field of view.

    Returns float64 [n] 3D errors in millimetres; used by the tests and ``pipose spdh-roundtrip``.
    """
    rng = np.random.default_rng(seed)
    K = intrinsics_from_fov(cfg.width, cfg.height, hfov_deg)
    Z = rng.uniform(cfg.z_min + 0.3, cfg.z_max - 0.3, n)
    if cfg.canonical_fx > 0:
        Z = Z * K[0, 0] / cfg.canonical_fx
    u = rng.uniform(3, cfg.width - 4, n)
    v = rng.uniform(3, cfg.height - 4, n)
    X = (u - K[0, 2]) / K[0, 0] * Z
    Y = (v - K[1, 2]) / K[1, 1] * Z
    j = np.stack([X, Y, Z], -1).astype(np.float32)[:, None]
    Kb = np.broadcast_to(K, (n, 3, 3))
    errs = []
    for s in range(0, n, 256):
        huv, huz = encode(torch.from_numpy(j[s:s + 256]), torch.from_numpy(Kb[s:s + 256].copy()), cfg)
        out = decode(huv.numpy(), huz.numpy(), Kb[s:s + 256], cfg, refine=refine)
        errs.append(np.linalg.norm(out["joints"] - j[s:s + 256], axis=-1)[:, 0])
    return np.concatenate(errs).astype(np.float64) * 1000.0


def soft_decode(uv: torch.Tensor, uz: torch.Tensor, K: torch.Tensor, cfg: SPDHConfig,
                beta: float = 20.0) -> torch.Tensor:
    """Differentiable SPDH decode: integral (soft-argmax) regression over the whole maps.

    Each map becomes a distribution ``p = softmax(β·H)`` over its cells; (û, v̂) is the expected
    cell of the uv map, the depth bin k̂ the expected row of the uz map, and the joint is lifted
    as in :func:`pipose_ros.spdh.decode` (canonical depth divided by ``s = f_c/f_x``). The
    training-time counterpart of the run-time decoder (which keeps the argmax and its local
    centroid), for a coordinate loss on top of L_PE — Sun et al., "Integral Human Pose
    Regression", ECCV 2018: heatmap and integral losses together train faster than either. β
    sets how peaked ``p`` is on maps trained towards peak-1 Gaussians: too low and the expected
    cell is pulled towards the map's centre by the near-zero background.

    Args:
        uv, uz: float [B, J, H, W] predicted maps (the grid; H = depth bins for uz).
        K: float [B, 3, 3] intrinsics of the network input (torch or numpy).
        beta: softmax inverse temperature (20: docs/runs/session23/oneoff_soft_decode_beta.log).
    Returns:
        float32 [B, J, 3] joints in metres, the input camera's optical frame; differentiable in
        ``uv`` and ``uz``.
    """
    B, J, H, W = uv.shape
    dev = uv.device
    Kn = torch.as_tensor(K).detach().cpu().numpy()
    Kg = torch.as_tensor(grid_K(Kn, cfg), dtype=torch.float32, device=dev)
    s = torch.as_tensor(canonical_scale(Kn, cfg), dtype=torch.float32, device=dev)
    cols = torch.arange(W, device=dev, dtype=torch.float32)
    rows = torch.arange(H, device=dev, dtype=torch.float32)

    def expect(h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        p = torch.softmax(beta * h.float().reshape(B, J, H * W), dim=-1).reshape(B, J, H, W)
        return (p.sum(2) * cols).sum(-1), (p.sum(3) * rows).sum(-1)

    u, v = expect(uv)
    _, k = expect(uz)
    Z = (cfg.z_min + k * cfg.dz) / s[:, None]  # canonical → metric depth, as the run-time decoder
    X = (u - Kg[:, 0, 2, None]) / Kg[:, 0, 0, None] * Z
    Y = (v - Kg[:, 1, 2, None]) / Kg[:, 1, 1, None] * Z
    return torch.stack([X, Y, Z], -1)
