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

This module is the run-time half of the codec and imports numpy only (no torch): the geometry
(:class:`SPDHConfig`, :func:`canonical_scale`, :func:`grid_K`) and the decoder, vectorised over
people and joints, which every backend (ONNX Runtime, PyTorch) and the evaluation share. The
encoder that builds training targets on a torch batch is :func:`pipose_ros.train.targets.encode`.
K is always the intrinsics of the *network input*; the grid's are derived here.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import numpy as np


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


def canonical_scale(K, cfg: SPDHConfig) -> np.ndarray:
    """Depth scale s = f_c / f_x per image (float32 [B]); all ones when ``canonical_fx`` is 0.

    ``K``: float [B, 3, 3] intrinsics of the network input (numpy, or anything ``np.asarray``
    reads, e.g. a CPU tensor). Multiply metric depths (the teacher's input image, joint Z) by
    ``s`` to get canonical depths.
    """
    K = np.asarray(K, dtype=np.float64)
    if cfg.canonical_fx <= 0:
        return np.ones(K.shape[0], np.float32)
    return (cfg.canonical_fx / K[:, 0, 0]).astype(np.float32)


def grid_K(K, cfg: SPDHConfig) -> np.ndarray:
    """Intrinsics float64 [B, 3, 3] of the output grid given those of the network input (the
    resize ``u_g = (u + ½) / stride − ½``, as :func:`pipose_ros.camera.scale_K`)."""
    Kg = np.asarray(K, dtype=np.float64).copy()
    if cfg.stride != 1:
        Kg[:, :2, :2] /= cfg.stride
        Kg[:, :2, 2] = (Kg[:, :2, 2] + 0.5) / cfg.stride - 0.5
    return Kg


def canonical_grid(K, cfg: SPDHConfig) -> tuple[np.ndarray, np.ndarray]:
    """(grid K with f·s, s): the camera the uz map's canonical depth axis is laid out for —
    same pixels, depth multiplied by s = :func:`canonical_scale`. float64 [B, 3, 3], float32 [B]."""
    s = canonical_scale(K, cfg)
    Kc = grid_K(K, cfg)
    Kc[:, 0, 0] *= s
    Kc[:, 1, 1] *= s
    return Kc, s


def _refine_peak(hm: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integer argmax of [N, H, W] maps, then the weighted centroid of the positive values in a
    (2r+1)² window. Returns (x, y, peak) float32 [N] each (pixel / bin units)."""
    N, H, W = hm.shape
    flat = hm.reshape(N, -1)
    idx = flat.argmax(axis=1)
    peak = flat[np.arange(N), idx]
    iy, ix = np.divmod(idx, W)
    if radius <= 0:
        return ix.astype(np.float32), iy.astype(np.float32), peak
    offs = np.arange(-radius, radius + 1)
    yr, xr = iy[:, None] + offs, ix[:, None] + offs  # [N, k]
    yy, xx = yr.clip(0, H - 1), xr.clip(0, W - 1)
    win = hm[np.arange(N)[:, None, None], yy[:, :, None], xx[:, None, :]]
    # keep the window's genuine in-bounds cells only (clamped duplicates get zero weight)
    inb = ((yr >= 0) & (yr < H))[:, :, None] & ((xr >= 0) & (xr < W))[:, None, :]
    w = np.where(inb, np.clip(win, 0.0, None), 0.0)
    s = np.maximum(w.sum(axis=(1, 2)), 1e-12)
    x = (w * xx[:, None, :]).sum(axis=(1, 2)) / s
    y = (w * yy[:, :, None]).sum(axis=(1, 2)) / s
    return x.astype(np.float32), y.astype(np.float32), peak


def decode(uv, uz, K, cfg: SPDHConfig, refine: bool = True, radius: int = 3) -> dict[str, np.ndarray]:
    """Decode SPDH heatmaps to absolute 3D joints (numpy; vectorised over people and joints).

    Args:
        uv, uz: float [B, J, H, W] predicted maps (numpy, or CPU tensors ``np.asarray`` reads).
        K: float [B, 3, 3] intrinsics of the network input (the grid's are derived).
        refine: local soft-argmax refinement (True) or integer argmax (False, reference code).
        radius: half window of the refinement, pixels / bins.
    Returns:
        dict with ``joints`` float32 [B, J, 3] metres (optical frame), ``uv`` float32 [B, J, 2]
        network-input pixels, ``confidence`` float32 [B, J] (uv peak clipped to [0, 1]; NaN maps
        give NaN, which callers reject).
    """
    uv = np.asarray(uv, dtype=np.float32)
    uz = np.asarray(uz, dtype=np.float32)
    B, J, H, W = uv.shape
    s = canonical_scale(K, cfg)
    Kg = grid_K(K, cfg)
    r = radius if refine else 0
    u, v, peak = _refine_peak(uv.reshape(B * J, H, W), r)
    _, k, _ = _refine_peak(uz.reshape(B * J, H, W), r)
    Z = cfg.z_min + k * cfg.dz
    u, v, Z, peak = (t.reshape(B, J) for t in (u, v, Z, peak))
    Z = Z / s[:, None]  # canonical → metric (no-op for metric SPDH)
    fx, fy = Kg[:, 0, 0, None], Kg[:, 1, 1, None]
    cx, cy = Kg[:, 0, 2, None], Kg[:, 1, 2, None]
    X = (u - cx) / fx * Z
    Y = (v - cy) / fy * Z
    st = cfg.stride
    return {
        "joints": np.stack([X, Y, Z], axis=-1).astype(np.float32),
        "uv": np.stack([(u + 0.5) * st - 0.5, (v + 0.5) * st - 0.5], axis=-1).astype(np.float32),
        "confidence": np.clip(peak, 0.0, 1.0).astype(np.float32),
    }


def shrink_relative_depth(joints, gain: float) -> np.ndarray:
    """Pull each skeleton's per-joint depths towards its median depth, along the joints' rays.

    SPDH decodes every joint's depth Z_n from its own uz map, independently. Where that relative
    depth is noisier than the body's true depth spread (the RGB students on pipose-synth-v2: the
    "depth within the body" error of ``pipose evaluate``'s error parts, docs/RESULTS.md session 10),
    ``Z_n ← m + gain·(Z_n − m)`` with m = the median of the skeleton's Z_n is a better estimate;
    the median is also a steadier body distance than any one joint. Each joint stays on its camera
    ray, so the 2D skeleton (uv) does not move. A post-processing prior, not learnt: the gain is
    chosen per model on validation data, never on the benchmark reported.

    Args:
        joints: float [B, J, 3] metres, camera optical frame, Z > 0 (decoded skeletons).
        gain: 1 = unchanged, 0 = every joint at the median depth (a flat body facing the camera);
            chosen per model on validation data (``pipose tune-decode``).
    Returns:
        float32 [B, J, 3] metres, same frame.
    Raises:
        ValueError: gain outside [0, 1].
    """
    if not 0.0 <= gain <= 1.0:
        raise ValueError(f"relative depth gain must be in [0, 1], got {gain}")
    j = np.asarray(joints, np.float32)
    if gain == 1.0 or j.size == 0:
        return j.copy()
    Z = j[..., 2]
    m = np.median(Z, axis=-1, keepdims=True)
    Zn = m + gain * (Z - m)
    ratio = np.where(Z > 0, Zn / np.where(Z > 0, Z, 1.0), 1.0)
    return (j * ratio[..., None]).astype(np.float32)


def apply_size_prior(joints, bones, bone_lengths_m, weight: float) -> np.ndarray:
    """Move each skeleton along its rays towards the distance at which its bones have a typical
    person's lengths (a body-size prior on the decoded distance).

    A monocular network reads a person's distance from their apparent size, through its uz maps.
    Here the same cue is read geometrically from the decoded skeleton: its bones' lengths scale with
    the decoded distance (X, Y = (u, v)·Z / f), so ``r = median_b(L_b / ℓ_b)`` — ``L_b`` the reference
    length of bone b, ``ℓ_b`` the decoded one — is the factor that would give this person the
    reference body's size. Every joint is multiplied by ``r ** weight`` (a log-linear blend of the two
    distance readings: 0 = as decoded, 1 = the reference size exactly); the 2D skeleton does not move.
    The bone-length analogue of RootNet's area prior (Moon et al., ICCV 2019, k = √(A_real / A_img)·f).
    A post-processing prior, not learnt: ``weight`` and the reference lengths (the median true bone
    lengths of the tuning folder's people) are chosen per model on validation data by
    ``pipose tune-decode`` and stored in the model file; it assumes people of the reference's size
    (Anny's sampling: teenagers to elders), so a person much taller or smaller is placed too near or
    too far by up to ``weight`` × their size difference.

    Args:
        joints: float [B, J, 3] metres, camera optical frame, Z > 0 (decoded skeletons).
        bones: int [N, 2] joint-index pairs (the joint set's bones).
        bone_lengths_m: float [N] reference length of each bone, metres (> 0).
        weight: in [0, 1].
    Returns:
        float32 [B, J, 3] metres, same frame (a copy; skeletons without a usable bone unchanged).
    Raises:
        ValueError: weight outside [0, 1], or ``bones`` and ``bone_lengths_m`` of different lengths.
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"size prior weight must be in [0, 1], got {weight}")
    j = np.asarray(joints, np.float32)
    bones = np.asarray(bones, np.int64).reshape(-1, 2)
    ref = np.asarray(bone_lengths_m, np.float64).reshape(-1)
    if len(bones) != len(ref):
        raise ValueError(f"{len(bones)} bones but {len(ref)} reference lengths")
    if weight == 0.0 or j.size == 0 or not len(bones):
        return j.copy()
    d = np.linalg.norm(j[..., bones[:, 0], :].astype(np.float64) - j[..., bones[:, 1], :], axis=-1)  # [B, N]
    ratio = np.where(np.isfinite(d) & (d > 1e-6), ref / np.maximum(d, 1e-6), np.nan)
    with warnings.catch_warnings():  # a skeleton without a usable bone: all-NaN row, kept as decoded
        warnings.simplefilter("ignore", RuntimeWarning)
        r = np.nanmedian(ratio, axis=-1)
    r = np.where(np.isfinite(r) & (r > 0), r, 1.0)
    return (j * (r ** weight)[..., None, None]).astype(np.float32)
