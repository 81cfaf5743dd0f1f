"""In-memory RGB-D pose samples at network resolution, and the stage-1/2 augmentation.

A :class:`SampleSet` holds N samples already letterboxed to the network input (same code path
as inference, :class:`pipose_ros.camera.Letterbox`):

==========  ===================  ===========================================================
key         dtype, shape         meaning
==========  ===================  ===========================================================
rgb         uint8 [N, H, W, 3]   RGB order
depth_mm    uint16 [N, H, W]     registered depth, millimetres, 0 = invalid (REP-118 16UC1)
K           float64 [N, 3, 3]    intrinsics of the network-resolution images
joints      float32 [N, J, 3]    metres, camera optical frame (REP-103)
visible     bool [N, J]          joint seen (inside the image, not occluded)
in_image    bool [N, J]          joint projects inside the image (the L_PE mask)
people      uint8 [N, H, W]      optional (None): 1 on any person of the source frame (the union of
                                 :func:`foreground_from_depth` over its labelled people; person
                                 crops with ``CropSpec.people_mask``)
==========  ===================  ===========================================================

It is saved as one ``.npz`` (``SampleSet.save`` / ``SampleSet.load``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import cv2
import numpy as np
import torch
from tqdm import tqdm

from ..camera import Letterbox, flip_K, in_view, project
from ..msgs import mono8_view
from ..preprocess import depth_input, rgb_input
from ..skeleton import KINECT14, JointSet
from .synthetic import SyntheticHumans

PE_MASKS = ("in_image", "visible", "known")  # AugmentedDataset's L_PE joint masks


def rgb_to_tensor(rgb: np.ndarray, norm: dict | None = None) -> torch.Tensor:
    """uint8 [..., H, W, 3] RGB → float32 tensor [..., 3, H, W] (:func:`pipose_ros.preprocess.rgb_input`)."""
    return torch.from_numpy(rgb_input(rgb, norm))


def depth_to_tensor(depth_m, norm: dict | None = None, scale=1.0) -> torch.Tensor:
    """float metres [..., H, W] → float32 tensor [..., 1, H, W] (:func:`pipose_ros.preprocess.depth_input`)."""
    return torch.from_numpy(depth_input(np.asarray(depth_m), norm, scale))


@dataclass
class SampleSet:
    """See the module docstring for the arrays."""

    rgb: np.ndarray
    depth_mm: np.ndarray
    K: np.ndarray
    joints: np.ndarray
    visible: np.ndarray
    in_image: np.ndarray
    people: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.rgb)

    def _arrays(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def save(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, **self._arrays())

    def subset(self, idx) -> "SampleSet":
        """The samples at ``idx`` (int array or slice), copied."""
        return SampleSet(**{k: np.asarray(v)[idx].copy() for k, v in self._arrays().items()})

    @staticmethod
    def load(path: str | Path) -> "SampleSet":
        with np.load(path) as z:
            return SampleSet(**{k: z[k] for k in ("rgb", "depth_mm", "K", "joints", "visible", "in_image", "people")
                                if k in z.files})


def concat_sets(sets: list[SampleSet]) -> SampleSet:
    """One :class:`SampleSet` of all samples of ``sets`` in order; ``people`` only when every set
    has it (else None). Raises ``ValueError`` when the network input sizes (rgb shapes) differ."""
    shapes = {s.rgb.shape[1:] for s in sets if len(s)}
    if len(shapes) > 1:
        raise ValueError(f"cannot mix samples of different input sizes: {sorted(shapes)}")
    keys = [k for k in sets[0].__dict__ if all(getattr(s, k) is not None for s in sets)]
    return SampleSet(**{k: np.concatenate([getattr(s, k) for s in sets]) for k in keys})


def _synth_one(args):
    seed, i, render_wh, net_wh, dist_range, occ = args
    g = SyntheticHumans(seed=seed, width=render_wh[0], height=render_wh[1], dist_range=dist_range,
                        occluder_prob=occ)
    f = g[i]
    lb = Letterbox.fit(render_wh[0], render_wh[1], *net_wh)
    K = lb.apply_K(f.K)
    rgb = lb.image(f.rgb)
    dm = lb.depth(f.depth_mm.astype(np.float32)).astype(np.uint16)
    return rgb, dm, K, f.joints, f.visible, f.in_image & in_view(f.joints, K, *net_wh)


def synthetic_set(seed: int, n: int, net_wh=(128, 96), render_wh=(192, 144),
                  dist_range=(1.0, 5.0), occluder_prob: float = 0.15, workers: int | None = None,
                  cache_dir: str | Path | None = None, progress: bool = True) -> SampleSet:
    """Render frames 0…n−1 of synthetic stream ``seed`` and letterbox them to ``net_wh``.

    Deterministic in (seed, n, sizes). With ``cache_dir``, the result is stored as
    ``synth_s{seed}_n{n}_{W}x{H}.npz`` there and reused.
    """
    if cache_dir is not None:
        p = Path(cache_dir) / f"synth_s{seed}_n{n}_{net_wh[0]}x{net_wh[1]}_r{render_wh[0]}x{render_wh[1]}.npz"
        if p.exists():
            return SampleSet.load(p)
    args = [(seed, i, render_wh, net_wh, dist_range, occluder_prob) for i in range(n)]
    workers = workers or min(2, os.cpu_count() or 1)
    if workers > 1:
        with Pool(workers) as pool:
            out = list(tqdm(pool.imap(_synth_one, args, chunksize=16), total=n, desc=f"synth s{seed}",
                            disable=not progress))
    else:
        out = [_synth_one(a) for a in tqdm(args, desc=f"synth s{seed}", disable=not progress)]
    cols = list(zip(*out))
    in_img = np.stack(cols[5])
    s = SampleSet(rgb=np.stack(cols[0]), depth_mm=np.stack(cols[1]), K=np.stack(cols[2]),
                  joints=np.stack(cols[3]).astype(np.float32), visible=np.stack(cols[4]) & in_img,
                  in_image=in_img)
    if cache_dir is not None:
        s.save(p)
    return s


def foreground_from_depth(depth_m: np.ndarray, joints: np.ndarray, K: np.ndarray, mask: np.ndarray,
                          band_m: float = 0.3, radius_m: float = 0.22,
                          joint_set: JointSet = KINECT14) -> np.ndarray:
    """Person mask from registered depth, the privileged foreground of seed 003 §3.3.

    The skeleton's bones are sampled in 3D and drawn as discs of ``radius_m`` (projected to
    pixels at each sample's depth) carrying that depth; a pixel is foreground when a disc covers
    it and its measured depth is within ``band_m`` of the disc's depth (so floor, wall and
    occluders inside the silhouette's reach are rejected).

    Args:
        depth_m: float32 [H, W] metres (0 = invalid). joints: float [J, 3] metres, camera
        optical frame. K: float [3, 3]. mask: bool [J], joints to use.
    Returns: float32 [H, W], 1 on the person (all zeros when no joint is usable).
    """
    H, W = depth_m.shape
    m = np.asarray(mask, bool) & (joints[:, 2] > 0.1)
    zref = np.zeros((H, W), np.float32)
    fx = float(K[0, 0])
    pts = [joints[j] for j in np.flatnonzero(m)]
    for a, b in joint_set.bones:
        if m[a] and m[b]:
            pts += [joints[a] + t * (joints[b] - joints[a]) for t in np.linspace(0.1, 0.9, 6)]
    if not pts:
        return zref
    pts = np.array(pts, np.float64)
    uv = project(pts, K)
    for (u, v), z in sorted(zip(uv, pts[:, 2]), key=lambda p: -p[1]):  # near samples drawn last
        r = max(1, int(round(radius_m * fx / z)))
        cv2.circle(zref, (int(round(u)), int(round(v))), r, float(z), -1)
    fg = (zref > 0) & (depth_m > 0) & (np.abs(depth_m - zref) < band_m)
    return fg.astype(np.float32)


class AugmentedDataset(torch.utils.data.Dataset):
    """Torch dataset over a :class:`SampleSet` with the augmentation of seed 000 §4.3.

    Per sample: rotation ±``rot_deg`` about the principal point (3D joints rotated about the
    optical axis), with ``zoom`` > 0 a magnification m drawn log-uniformly in [1/(1+zoom), 1+zoom]
    about the principal point (K's focal lengths × m, the 3D joints unchanged: the same person
    nearer or farther inside the crop — a detector's box that is tighter or looser — so that the
    distance has to come from the person's size in the image, not from the crop's K alone),
    translation up to ``tx``·W and ``ty``·H (K's principal point shifted),
    horizontal flip with left/right joint swap (K mirrored, x → −x), and — stage 1 only —
    a shift of the depth image along Z by ±``z_shift`` m (joints moved along their rays so the
    uv heatmaps stay put) and, with probability ``bg_dropout`` (stage 1 only), the loss of every
    depth pixel off the person (outside :func:`foreground_from_depth` grown by 3 px) — the
    outdoor / sunlight case of real ToF and structured-light sensors, where only the people
    return depth. With ``colour_jitter``, per-channel gains U(0.7, 1.3) and an offset U(−20, 20);
    with probability ``gray``, the RGB replaced by its luminance in all three channels (a
    monochrome camera's ``mono8``, as the node converts it). ``augment=False`` returns the samples
    unchanged.

    Items: dict with ``rgb`` float32 [3, H, W], ``depth`` float32 [1, H, W] (normalised, in
    canonical depth when ``canonical_fx`` > 0), ``K`` float32 [3, 3], ``joints`` float32 [J, 3]
    (m), ``mask`` float32 [J] (the L_PE mask: label known and inside the image; with
    ``pe_mask="visible"`` also not occluded, seed 000's visibility mask; with ``pe_mask="known"``
    every labelled joint, in view or not — a joint out of the input gets the part of its Gaussian
    that falls on the grid, none when it is far out, so the network learns to give it a low uv
    peak, i.e. a low confidence, instead of a confident guess inside the image; such a joint's entry
    is ``out_weight``, an in-view joint's 1: a weight in L_PE) and, with ``with_foreground``, ``fg``
    float32 [1, H, W] (:func:`foreground_from_depth`).
    """

    def __init__(self, data: SampleSet, augment: bool = True, rot_deg: float = 5.0,
                 tx: float = 0.15, ty: float = 0.02, flip: bool = True, z_shift: float = 0.0,
                 colour_jitter: bool = True, joint_set: JointSet = KINECT14, seed: int = 0,
                 canonical_fx: float = 0.0, with_foreground: bool = False, pe_mask: str = "in_image",
                 bg_dropout: float = 0.0, zoom: float = 0.0, gray: float = 0.0, out_weight: float = 1.0):
        if pe_mask not in PE_MASKS:
            raise ValueError(f"pe_mask must be one of {PE_MASKS}, got {pe_mask!r}")
        self.pe_mask = pe_mask
        self.out_weight = float(out_weight)
        self.bg_dropout = bg_dropout
        self.zoom = zoom
        self.gray = gray
        self.d = data
        self.canonical_fx = canonical_fx
        self.with_foreground = with_foreground
        self.augment = augment
        self.rot_deg, self.tx, self.ty, self.flip, self.z_shift = rot_deg, tx, ty, flip, z_shift
        self.colour_jitter = colour_jitter
        self.perm = joint_set.flip_permutation
        self.seed = seed
        self.epoch = 0

    def __len__(self) -> int:
        return len(self.d)

    def __getitem__(self, i: int) -> dict:
        rgb = self.d.rgb[i]
        depth = self.d.depth_mm[i].astype(np.float32) * 1e-3
        K = self.d.K[i].copy()
        joints = self.d.joints[i].astype(np.float64).copy()
        visible = self.d.visible[i].copy()
        H, W = rgb.shape[:2]
        if self.augment:
            rng = np.random.default_rng([self.seed, self.epoch, i])
            if self.flip and rng.random() < 0.5:
                rgb = rgb[:, ::-1]
                depth = depth[:, ::-1]
                K = flip_K(K, W)
                joints = joints[self.perm]
                visible = visible[self.perm]
                joints[:, 0] *= -1
            ang = rng.uniform(-self.rot_deg, self.rot_deg)
            dx = rng.uniform(-self.tx, self.tx) * W
            dy = rng.uniform(-self.ty, self.ty) * H
            mag = float(np.exp(rng.uniform(-np.log1p(self.zoom), np.log1p(self.zoom)))) if self.zoom > 0 else 1.0
            M = cv2.getRotationMatrix2D((float(K[0, 2]), float(K[1, 2])), ang, mag)
            M[:, 2] += (dx, dy)
            rgb = cv2.warpAffine(np.ascontiguousarray(rgb), M, (W, H), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=0)
            depth = cv2.warpAffine(np.ascontiguousarray(depth), M, (W, H), flags=cv2.INTER_NEAREST,
                                   borderMode=cv2.BORDER_CONSTANT, borderValue=0)
            a = np.deg2rad(ang)
            c, s = np.cos(a), np.sin(a)
            x, y = joints[:, 0].copy(), joints[:, 1].copy()
            joints[:, 0] = c * x + s * y
            joints[:, 1] = -s * x + c * y
            K[0, 0] *= mag
            K[1, 1] *= mag
            K[0, 2] += dx
            K[1, 2] += dy
            if self.z_shift > 0:
                dz = rng.uniform(-self.z_shift, self.z_shift)
                valid = depth > 0
                depth = np.where(valid, np.maximum(depth + dz, 0.05), 0).astype(np.float32)
                known = joints[:, 2] > 0  # unknown joints are stored as zeros and stay zero
                joints[known] *= ((joints[known, 2] + dz) / joints[known, 2])[:, None]
            if self.bg_dropout > 0 and rng.random() < self.bg_dropout:
                fg = foreground_from_depth(depth, joints, K, in_view(joints, K, W, H))
                fg = cv2.dilate(fg, np.ones((7, 7), np.uint8)) > 0
                depth = np.where(fg | (rng.random(depth.shape) < 0.01), depth, 0).astype(np.float32)
            if self.colour_jitter:
                rgb = rgb.astype(np.float32) * rng.uniform(0.7, 1.3, 3) + rng.uniform(-20, 20)
                rgb = np.clip(rgb, 0, 255).astype(np.uint8)
            if self.gray > 0 and rng.random() < self.gray:  # a monochrome camera (mono8 input: grey in 3 channels)
                rgb = mono8_view(rgb)
        seen = in_view(joints, K, W, H)  # unknown joints are zeros: never in view
        if self.pe_mask == "visible":
            seen &= visible
        mask = seen
        if self.pe_mask == "known":  # out of view too (weight out_weight): targets the maps' tails or empty
            mask = np.where(seen, 1.0, np.where(joints[:, 2] > 1e-3, self.out_weight, 0.0))
        s = self.canonical_fx / K[0, 0] if self.canonical_fx > 0 else 1.0
        item = {"rgb": rgb_to_tensor(rgb), "depth": depth_to_tensor(depth, scale=s),
                "K": torch.tensor(K, dtype=torch.float32),
                "joints": torch.tensor(joints, dtype=torch.float32),
                "mask": torch.tensor(mask, dtype=torch.float32)}
        if self.with_foreground:
            item["fg"] = torch.from_numpy(foreground_from_depth(depth, joints, K, seen))[None]
        return item
