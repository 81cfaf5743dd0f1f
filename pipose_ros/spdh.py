"""SPDH — semi-perspective decoupled heatmaps (seed 000 §3.2, after Simoni et al., RA-L 2022).

Each joint n gets two maps on the H×W output grid (the network input resolution):

* **uv map** — a Gaussian at the projected pixel (u_n, v_n) with a pixel sigma that shrinks
  with depth, ``σ_px = max(σ_mm · f_x / Z_n, min_sigma_px)``.
* **uz map** — rows are metric depth bins ``Z_k = z_min + k·ΔZ`` (k = 0 … H−1,
  ``ΔZ = (z_max − z_min)/(H − 1)``), columns are image columns u. The value is
  ``exp(−((X(u,k) − X_n)² + (Z_k − Z_n)²) / 2σ_mm²)`` with ``X(u,k) = (u − c_x)·Z_k / f_x``:
  Gaussian in metric X–Z, perspective along u.

**Canonical camera** (``canonical_fx > 0``; deviation from seed 000, after Metric3D's
canonical camera space, Yin et al., ICCV 2023): the uz map's depth axis holds the *canonical*
depth ``Z_c = Z · f_c / f_x`` — the depth the joint would have seen through a camera of focal
``f_c`` with the same pixel. Apparent size then maps to one Z_c whatever the real camera, so an
RGB network can learn absolute depth from images of many cameras; the decoder divides by the same
factor. The depth teacher's input is scaled the same way (:func:`canonical_scale`). Pixel
coordinates and the uv maps are unchanged. ``canonical_fx = 0`` is the paper's metric SPDH.

Decoding: (û, v̂) from the uv map, Ẑ from the uz map's depth row, then
``[X, Y, Z] = Ẑ · K⁻¹ [û, v̂, 1]``. Both peaks are refined to sub-pixel / sub-bin precision with
a local soft-argmax (weighted centroid of the positive values in a (2r+1)² window around the
integer argmax); ``refine=False`` gives the reference integer argmax. The round-trip error of
both is measured by ``pipose spdh-roundtrip`` and tested in ``test/test_spdh.py``.

All tensors here are torch tensors so the same code builds training targets on the batch and
decodes network outputs; K is the intrinsics of the *output grid*.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class SPDHConfig:
    """SPDH geometry (stored in every checkpoint).

    Attributes:
        width, height: network input size in pixels; the output grid is
            ``(width // stride, height // stride)``.
        z_min, z_max: metric range of the uz depth bins, metres.
        sigma_mm: Gaussian sigma in millimetres (seed 000: ≈ 50 mm).
        min_sigma_px: lower bound of the uv sigma in pixels, so that far joints on a coarse
            grid still cover a pixel (deviation from the paper needed at low resolution).
        canonical_fx: canonical focal length f_c in network-input pixels; 0 = metric depth
            bins (seed 000), > 0 = z_min/z_max are canonical depths (see the module docstring).
        stride: output grid stride (1 = heatmaps at the input resolution, seed 000; 2 = half:
            the head skips its last upsampling stage, about 2× cheaper to train on a CPU, and
            the uz map has height // 2 depth bins). Callers always pass the input's K: the
            grid's K is derived here (:func:`grid_K`) and decoded uv are in input pixels.
    """

    width: int = 128
    height: int = 96
    z_min: float = 0.5
    z_max: float = 6.2
    sigma_mm: float = 50.0
    min_sigma_px: float = 1.0
    canonical_fx: float = 0.0
    stride: int = 1

    @property
    def grid_w(self) -> int:
        """Output grid width (pixels of the heatmaps)."""
        return self.width // self.stride

    @property
    def grid_h(self) -> int:
        """Output grid height = number of uz depth bins."""
        return self.height // self.stride

    @property
    def dz(self) -> float:
        """Depth-bin size ΔZ in metres."""
        return (self.z_max - self.z_min) / (self.grid_h - 1)

    def to_dict(self) -> dict:
        return asdict(self)


def _as_t(x, dtype=torch.float32, device=None) -> torch.Tensor:
    return torch.as_tensor(x, dtype=dtype, device=device)


def canonical_scale(K: torch.Tensor, cfg: SPDHConfig) -> torch.Tensor:
    """Depth scale s = f_c / f_x per image (float32 [B]); all ones when ``canonical_fx`` is 0.

    ``K``: float [B, 3, 3] intrinsics of the network input. Multiply metric depths (the teacher's
    input image, joint Z) by ``s`` to get canonical depths.
    """
    K = _as_t(K)
    if cfg.canonical_fx <= 0:
        return torch.ones(K.shape[0], dtype=torch.float32, device=K.device)
    return cfg.canonical_fx / K[:, 0, 0]


def grid_K(K: torch.Tensor, cfg: SPDHConfig) -> torch.Tensor:
    """Intrinsics float [B, 3, 3] of the output grid given those of the network input (the
    resize ``u_g = (u + ½) / stride − ½``, as :func:`pipose_ros.camera.scale_K`)."""
    if cfg.stride == 1:
        return K
    Kg = K.clone()
    Kg[:, :2, :2] = K[:, :2, :2] / cfg.stride
    Kg[:, :2, 2] = (K[:, :2, 2] + 0.5) / cfg.stride - 0.5
    return Kg


def _to_canonical(joints: torch.Tensor, K: torch.Tensor, cfg: SPDHConfig):
    """(joints with Z·s, grid K with f·s, s): same pixels, canonical depth. ``K``: input's."""
    s = canonical_scale(K, cfg)
    K = grid_K(K, cfg)
    if cfg.canonical_fx <= 0:
        return joints, K, s
    Kc = K.clone()
    Kc[:, 0, 0] = K[:, 0, 0] * s
    Kc[:, 1, 1] = K[:, 1, 1] * s
    jc = joints.clone()
    jc[..., 2] = joints[..., 2] * s[:, None]
    return jc, Kc, s


def encode(joints: torch.Tensor, K: torch.Tensor, cfg: SPDHConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """Build SPDH targets.

    Args:
        joints: float [B, J, 3] metres, camera optical frame of the network input's camera.
        K: float [B, 3, 3] intrinsics of the network input (pixels).
        cfg: grid and depth-bin geometry.
    Returns:
        (uv, uz): float32 [B, J, H/stride, W/stride] each, peak 1 at the joint. Joints with
        Z ≤ 0 give all-zero maps (mask them out of the loss).
    """
    joints = _as_t(joints)
    K = _as_t(K, device=joints.device)
    joints, K, _ = _to_canonical(joints, K, cfg)
    B, J, _ = joints.shape
    H, W = cfg.grid_h, cfg.grid_w
    dev = joints.device
    X, Y, Z = joints[..., 0], joints[..., 1], joints[..., 2]
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


def _refine_peak(hm: torch.Tensor, radius: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Integer argmax of [N, H, W] maps, then the weighted centroid of the positive values in a
    (2r+1)² window. Returns (x, y, peak) float32 [N] each (pixel / bin units)."""
    N, H, W = hm.shape
    flat = hm.reshape(N, -1)
    peak, idx = flat.max(dim=1)
    iy = torch.div(idx, W, rounding_mode="floor")
    ix = idx - iy * W
    if radius <= 0:
        return ix.float(), iy.float(), peak
    offs = torch.arange(-radius, radius + 1, device=hm.device)
    yy = (iy[:, None] + offs[None, :]).clamp(0, H - 1)  # [N, k]
    xx = (ix[:, None] + offs[None, :]).clamp(0, W - 1)
    win = hm[torch.arange(N, device=hm.device)[:, None, None], yy[:, :, None], xx[:, None, :]]
    # keep the window's genuine in-bounds cells only (clamped duplicates get zero weight)
    inb_y = ((iy[:, None] + offs[None, :]) >= 0) & ((iy[:, None] + offs[None, :]) < H)
    inb_x = ((ix[:, None] + offs[None, :]) >= 0) & ((ix[:, None] + offs[None, :]) < W)
    w = win.clamp(min=0) * (inb_y[:, :, None] & inb_x[:, None, :]).float()
    s = w.sum(dim=(1, 2)).clamp(min=1e-12)
    x = (w * xx[:, None, :].float()).sum(dim=(1, 2)) / s
    y = (w * yy[:, :, None].float()).sum(dim=(1, 2)) / s
    return x, y, peak


def decode(uv: torch.Tensor, uz: torch.Tensor, K: torch.Tensor, cfg: SPDHConfig,
           refine: bool = True, radius: int = 3) -> dict[str, torch.Tensor]:
    """Decode SPDH heatmaps to absolute 3D joints.

    Args:
        uv, uz: float [B, J, H, W] predicted maps.
        K: float [B, 3, 3] intrinsics of the network input (the grid's are derived).
        refine: local soft-argmax refinement (True) or integer argmax (False, reference code).
        radius: half window of the refinement, pixels / bins.
    Returns:
        dict with ``joints`` float32 [B, J, 3] metres (optical frame), ``uv`` float32 [B, J, 2]
        network-input pixels, ``confidence`` float32 [B, J] (uv peak clipped to [0, 1]).
    """
    uv = uv.float()
    uz = uz.float()
    B, J, H, W = uv.shape
    K = _as_t(K, device=uv.device)
    s = canonical_scale(K, cfg)
    K = grid_K(K, cfg)
    r = radius if refine else 0
    u, v, peak = _refine_peak(uv.reshape(B * J, H, W), r)
    _, k, _ = _refine_peak(uz.reshape(B * J, H, W), r)
    Z = cfg.z_min + k * cfg.dz
    u, v, Z, peak = (t.reshape(B, J) for t in (u, v, Z, peak))
    Z = Z / s[:, None]  # canonical → metric (no-op for metric SPDH)
    fx, fy = K[:, 0, 0, None], K[:, 1, 1, None]
    cx, cy = K[:, 0, 2, None], K[:, 1, 2, None]
    X = (u - cx) / fx * Z
    Y = (v - cy) / fy * Z
    st = cfg.stride
    return {
        "joints": torch.stack([X, Y, Z], dim=-1),
        "uv": torch.stack([(u + 0.5) * st - 0.5, (v + 0.5) * st - 0.5], dim=-1),
        "confidence": peak.clamp(0.0, 1.0),
    }


def roundtrip_error_mm(cfg: SPDHConfig, n: int = 2000, seed: int = 0, refine: bool = True,
                       hfov_deg: float = 60.0) -> np.ndarray:
    """Encode random joints (in view, *canonical* Z uniform in [z_min + 0.3, z_max − 0.3]) and
    decode them, with a camera of ``hfov_deg`` horizontal field of view.

    Returns float64 [n] 3D errors in millimetres; used by the tests and ``pipose spdh-roundtrip``.
    """
    from .camera import intrinsics_from_fov

    rng = np.random.default_rng(seed)
    K = intrinsics_from_fov(cfg.width, cfg.height, hfov_deg)
    Z = rng.uniform(cfg.z_min + 0.3, cfg.z_max - 0.3, n)
    if cfg.canonical_fx > 0:
        Z = Z * K[0, 0] / cfg.canonical_fx
    u = rng.uniform(3, cfg.width - 4, n)
    v = rng.uniform(3, cfg.height - 4, n)
    X = (u - K[0, 2]) / K[0, 0] * Z
    Y = (v - K[1, 2]) / K[1, 1] * Z
    j = torch.tensor(np.stack([X, Y, Z], -1), dtype=torch.float32)[:, None]
    Kt = torch.tensor(K, dtype=torch.float32)[None].expand(n, 3, 3)
    errs = []
    for s in range(0, n, 256):
        huv, huz = encode(j[s:s + 256], Kt[s:s + 256], cfg)
        out = decode(huv, huz, Kt[s:s + 256], cfg, refine=refine)
        errs.append((out["joints"] - j[s:s + 256]).norm(dim=-1).squeeze(1).numpy())
    return np.concatenate(errs) * 1000.0


def resize_heatmaps(hm: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Bilinear resize of [B, J, h, w] maps to ``size`` = (H, W)."""
    return F.interpolate(hm, size=size, mode="bilinear", align_corners=False)
