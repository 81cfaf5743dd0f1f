"""Pinhole intrinsics, projection, letterbox resize / crop / flip of K, and depth units.

Conventions: pixel centres at integer coordinates (OpenCV); K is float64 [3, 3]; 3D points are
in the camera optical frame (REP-103: x right, y down, z forward) in metres. Depth images
follow REP-118: ``16UC1`` in millimetres with 0 = invalid, ``32FC1`` in metres with NaN (or 0)
= invalid. Every resize / crop / flip of an image must be mirrored on K with the functions here.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


def validate_K(K: np.ndarray) -> np.ndarray:
    """Return K as float64 [3, 3] or raise ``ValueError`` if it is not a usable pinhole matrix.

    Usable means finite, fx > 0, fy > 0 and K[2] == [0, 0, 1].
    """
    K = np.asarray(K, dtype=np.float64)
    if K.shape != (3, 3) or not np.all(np.isfinite(K)):
        raise ValueError(f"K must be a finite 3x3 matrix, got shape {K.shape}")
    if K[0, 0] <= 0 or K[1, 1] <= 0:
        raise ValueError(f"K has non-positive focal lengths fx={K[0, 0]}, fy={K[1, 1]}")
    if not np.allclose(K[2], [0.0, 0.0, 1.0]):
        raise ValueError(f"K's last row must be [0, 0, 1], got {K[2].tolist()}")
    return K


def intrinsics_from_fov(width: int, height: int, hfov_deg: float) -> np.ndarray:
    """K (float64 [3, 3]) of an ideal camera with square pixels and the principal point at the
    image centre, for a horizontal field of view ``hfov_deg`` in degrees."""
    fx = (width / 2.0) / np.tan(np.deg2rad(hfov_deg) / 2.0)
    return np.array([[fx, 0, (width - 1) / 2.0], [0, fx, (height - 1) / 2.0], [0, 0, 1]], np.float64)


def project(points: np.ndarray, K: np.ndarray) -> np.ndarray:
    """Project [..., 3] points (metres, optical frame, z > 0) to [..., 2] pixels (u, v)."""
    p = np.asarray(points, dtype=np.float64)
    z = p[..., 2:3]
    uv1 = (p / z) @ np.asarray(K, np.float64).T
    return uv1[..., :2]


def uv_in_image(uv: np.ndarray, width: int, height: int, margin: float = 0.0) -> np.ndarray:
    """Which pixels lie inside the image: bool [...] for uv [..., 2] (pixels) on
    [margin, width − 1 − margin] × [margin, height − 1 − margin]; NaN pixels are not inside."""
    uv = np.asarray(uv, np.float64)
    with np.errstate(invalid="ignore"):
        return ((uv[..., 0] >= margin) & (uv[..., 0] <= width - 1 - margin)
                & (uv[..., 1] >= margin) & (uv[..., 1] <= height - 1 - margin))


def in_view(points: np.ndarray, K: np.ndarray, width: int, height: int) -> np.ndarray:
    """Which points a camera sees: bool [...] for points [..., 3] (metres, optical frame) that are
    finite, at least 0.1 m in front of the camera and project inside the image, i.e. onto
    [0, width − 1] × [0, height − 1] pixels. Unknown points (NaN, or zeros) are not in view."""
    p = np.asarray(points, np.float64)
    front = np.isfinite(p).all(-1) & (p[..., 2] > 0.1)
    uv = project(np.where(front[..., None], p, [0.0, 0.0, 1.0]), K)
    return front & uv_in_image(uv, width, height)


def backproject(uv: np.ndarray, z: np.ndarray, K: np.ndarray) -> np.ndarray:
    """Lift pixels [..., 2] with depths [...] (metres) to optical-frame points [..., 3]:
    ``X = Z · K⁻¹ [u, v, 1]`` (seed 000 §3.2, SPDH decoding)."""
    uv = np.asarray(uv, np.float64)
    z = np.asarray(z, np.float64)
    x = (uv[..., 0] - K[0, 2]) / K[0, 0]
    y = (uv[..., 1] - K[1, 2]) / K[1, 1]
    return np.stack([x * z, y * z, z], axis=-1)


def scale_K(K: np.ndarray, sx: float, sy: float) -> np.ndarray:
    """K after resizing the image by (sx, sy), pixel-centre convention ``u' = s(u + ½) − ½``."""
    K2 = np.array(K, np.float64, copy=True)
    K2[0, 0] *= sx
    K2[0, 1] *= sx
    K2[0, 2] = sx * (K[0, 2] + 0.5) - 0.5
    K2[1, 1] *= sy
    K2[1, 2] = sy * (K[1, 2] + 0.5) - 0.5
    return K2


def crop_K(K: np.ndarray, x0: float, y0: float) -> np.ndarray:
    """K after cropping the image at top-left (x0, y0) pixels (negative = padding)."""
    K2 = np.array(K, np.float64, copy=True)
    K2[0, 2] -= x0
    K2[1, 2] -= y0
    return K2


def flip_K(K: np.ndarray, width: int) -> np.ndarray:
    """K of the horizontally mirrored image (``u' = W − 1 − u``), paired with x → −x in 3D."""
    K2 = np.array(K, np.float64, copy=True)
    K2[0, 2] = width - 1 - K[0, 2]
    return K2


def yaw_rotation(theta: float) -> np.ndarray:
    """float64 [3, 3] rotation by ``theta`` radians about the optical frame's y axis (image down,
    REP-103 camera optical frame): the camera turning right for θ > 0. A point X of the old camera
    frame is Rᵀ·X in the turned one."""
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def turned_view(img: np.ndarray, K: np.ndarray, theta: float, K_out: np.ndarray | None = None,
                width: int | None = None) -> np.ndarray:
    """What a pinhole camera sees after turning about its optical centre by yaw ``theta``
    (:func:`yaw_rotation`): ``img`` warped by the homography K_out·Rᵀ·K⁻¹ (exact for a rotation about
    the optical centre), bilinear, black outside ``img``.

    Args:
        img: [H, W, ...] image of the camera with intrinsics ``K`` (float [3, 3], pixels).
        theta: yaw, radians. K_out: the turned view's intrinsics (default ``K``).
        width: the turned view's width in pixels (default W); its height is H.
    Returns:
        the turned view, ``img``'s dtype, [H, width, ...].
    """
    K = np.asarray(K, np.float64)
    K_out = K if K_out is None else np.asarray(K_out, np.float64)
    h, w = img.shape[:2]
    H = K_out @ yaw_rotation(theta).T @ np.linalg.inv(K)
    return cv2.warpPerspective(img, H, (w if width is None else int(width), h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT)


@dataclass(frozen=True)
class Letterbox:
    """A resize-then-pad mapping from a source image to the network input.

    ``u_net = scale · (u_src + ½) − ½ + pad_x`` (same for v with pad_y).
    """

    scale: float
    pad_x: int
    pad_y: int
    out_w: int
    out_h: int
    src_w: int
    src_h: int

    @staticmethod
    def fit(src_w: int, src_h: int, out_w: int, out_h: int) -> "Letterbox":
        """Largest aspect-preserving resize of (src_w, src_h) into (out_w, out_h), centred."""
        if src_w <= 0 or src_h <= 0:
            raise ValueError(f"empty source image {src_w}x{src_h}")
        s = min(out_w / src_w, out_h / src_h)
        rw, rh = int(round(src_w * s)), int(round(src_h * s))
        return Letterbox(s, (out_w - rw) // 2, (out_h - rh) // 2, out_w, out_h, src_w, src_h)

    @property
    def resized_size(self) -> tuple[int, int]:
        """(width, height) of the resized image before padding."""
        return int(round(self.src_w * self.scale)), int(round(self.src_h * self.scale))

    def apply_K(self, K: np.ndarray) -> np.ndarray:
        """K of the network input, given K of the source image."""
        rw, rh = self.resized_size
        return crop_K(scale_K(K, rw / self.src_w, rh / self.src_h), -self.pad_x, -self.pad_y)

    def image(self, img: np.ndarray, interpolation: int = cv2.INTER_AREA, fill=0) -> np.ndarray:
        """Resize and pad ``img`` ([H, W] or [H, W, C], any dtype cv2 accepts)."""
        rw, rh = self.resized_size
        r = cv2.resize(img, (rw, rh), interpolation=interpolation)
        out_shape = (self.out_h, self.out_w) + img.shape[2:]
        out = np.full(out_shape, fill, dtype=img.dtype)
        out[self.pad_y:self.pad_y + rh, self.pad_x:self.pad_x + rw] = r
        return out

    def depth(self, depth_m: np.ndarray) -> np.ndarray:
        """Resize float32 metric depth with nearest-neighbour sampling (never blends across
        edges or holes); invalid stays 0 and the padding is 0 (invalid)."""
        d = np.nan_to_num(depth_m.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        return self.image(d, interpolation=cv2.INTER_NEAREST, fill=0.0)

    def to_source(self, uv: np.ndarray) -> np.ndarray:
        """Map network-input pixels [..., 2] back to source-image pixels."""
        rw, rh = self.resized_size
        uv = np.asarray(uv, np.float64)
        u = (uv[..., 0] - self.pad_x + 0.5) * (self.src_w / rw) - 0.5
        v = (uv[..., 1] - self.pad_y + 0.5) * (self.src_h / rh) - 0.5
        return np.stack([u, v], axis=-1)


@dataclass(frozen=True)
class CropView:
    """A person crop as a virtual camera (``shared/DESIGN.md``: a crop + resize is a camera).

    The integer source window [x0, x0 + w) × [y0, y0 + h) (it may extend past the image; the
    outside is filled) is resized to (out_w, out_h) with ``w / h == out_w / out_h``:
    ``u_out = s · (u_src − x0 + ½) − ½`` with s = out_w / w. The crop's K is
    ``scale_K(crop_K(K, x0, y0), s, s)``; the optical frame is the source camera's, so 3D joints
    decoded with the crop's K are already in the image's optical frame (REP-103), metres.
    Same interface as :class:`Letterbox` (``apply_K``, ``image``, ``depth``, ``to_source``).
    """

    x0: int
    y0: int
    w: int
    h: int
    out_w: int
    out_h: int

    @staticmethod
    def around(box, out_w: int, out_h: int, scale: float = 1.25, shift=(0.0, 0.0)) -> "CropView":
        """The crop of aspect out_w:out_h centred on ``box`` (x0, y0, x1, y1 pixels) covering
        ``scale`` × its larger side; ``shift`` moves the centre by fractions of the crop size.
        Raises ``ValueError`` for a non-finite or empty box."""
        x0, y0, x1, y1 = (float(b) for b in box)
        if not np.isfinite([x0, y0, x1, y1]).all() or x1 <= x0 or y1 <= y0:
            raise ValueError(f"bad box {box}")
        aspect = out_w / out_h
        bw, bh = (x1 - x0) * scale, (y1 - y0) * scale
        w = max(bw, bh * aspect, 4.0)
        h = w / aspect
        cx = 0.5 * (x0 + x1) + shift[0] * w
        cy = 0.5 * (y0 + y1) + shift[1] * h
        wi = max(int(round(w)), 2)
        hi = max(int(round(wi / aspect)), 2)
        return CropView(int(round(cx - wi / 2)), int(round(cy - hi / 2)), wi, hi, out_w, out_h)

    @property
    def scale(self) -> tuple[float, float]:
        """(sx, sy) of the resize."""
        return self.out_w / self.w, self.out_h / self.h

    def apply_K(self, K: np.ndarray) -> np.ndarray:
        """K of the crop, given K of the source image."""
        return scale_K(crop_K(K, self.x0, self.y0), *self.scale)

    def _window(self, img: np.ndarray, fill) -> np.ndarray:
        H, W = img.shape[:2]
        out = np.full((self.h, self.w) + img.shape[2:], fill, dtype=img.dtype)
        sx0, sy0 = max(self.x0, 0), max(self.y0, 0)
        sx1, sy1 = min(self.x0 + self.w, W), min(self.y0 + self.h, H)
        if sx1 > sx0 and sy1 > sy0:
            out[sy0 - self.y0:sy1 - self.y0, sx0 - self.x0:sx1 - self.x0] = img[sy0:sy1, sx0:sx1]
        return out

    def image(self, img: np.ndarray, interpolation: int = cv2.INTER_AREA, fill=0) -> np.ndarray:
        """Crop (filling outside the image with ``fill``) and resize ``img`` [H, W(, C)]."""
        interp = interpolation if self.w >= self.out_w else (
            cv2.INTER_LINEAR if interpolation == cv2.INTER_AREA else interpolation)
        return cv2.resize(self._window(img, fill), (self.out_w, self.out_h), interpolation=interp)

    def depth(self, depth_m: np.ndarray) -> np.ndarray:
        """Crop and resize float32 metric depth with nearest-neighbour sampling; invalid and
        outside the image = 0."""
        d = np.nan_to_num(depth_m.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        return self.image(d, interpolation=cv2.INTER_NEAREST, fill=0.0)

    def to_source(self, uv: np.ndarray) -> np.ndarray:
        """Map crop pixels [..., 2] back to source-image pixels."""
        sx, sy = self.scale
        uv = np.asarray(uv, np.float64)
        return np.stack([(uv[..., 0] + 0.5) / sx - 0.5 + self.x0, (uv[..., 1] + 0.5) / sy - 0.5 + self.y0], -1)


def depth_to_metres(depth: np.ndarray, encoding: str) -> np.ndarray:
    """Convert a REP-118 depth image to float32 metres with NaN = invalid.

    Args:
        depth: [H, W] uint16 (``16UC1``, millimetres, 0 = invalid) or float32 (``32FC1``,
            metres, NaN/0/inf = invalid).
        encoding: ``"16UC1"``/``"mono16"`` or ``"32FC1"``.
    Raises:
        ValueError: unknown encoding or wrong dtype for it.
    """
    if encoding in ("16UC1", "mono16"):
        if depth.dtype != np.uint16:
            raise ValueError(f"{encoding} depth must be uint16, got {depth.dtype}")
        out = depth.astype(np.float32) * 1e-3
        out[depth == 0] = np.nan
        return out
    if encoding == "32FC1":
        if depth.dtype != np.float32:
            raise ValueError(f"32FC1 depth must be float32, got {depth.dtype}")
        out = depth.astype(np.float32, copy=True)
        out[~np.isfinite(out) | (out <= 0)] = np.nan
        return out
    raise ValueError(f"unsupported depth encoding {encoding!r} (expected 16UC1 or 32FC1)")


DEPTH_SEEN_TOL_M = 0.25  # a valid depth pixel this close to a joint's depth shows the joint
DEPTH_SEEN_RADIUS_PX = 2  # searched within ± this many pixels of the joint's projection


def depth_seen_fraction(depth: np.ndarray, K: np.ndarray, joints: np.ndarray, mask: np.ndarray,
                        radius: int = DEPTH_SEEN_RADIUS_PX, tol_m: float = DEPTH_SEEN_TOL_M) -> float:
    """Fraction of a person's joints that the depth image shows.

    A joint is shown when a valid depth pixel within ± ``radius`` pixels of its projection
    measures a depth within ``tol_m`` of the joint's Z (a joint lies a few centimetres behind the
    body surface the sensor sees). Used on ground truth (which training crops and evaluation
    people a depth image shows; session 18) and on a depth teacher's own skeleton (whether the
    measured depth supports it: :class:`pipose_ros.estimator.PoseEstimator`, session 19).

    Args:
        depth: [H, W] registered depth of the image (or crop) — uint16 millimetres with 0 =
            invalid (REP-118 ``16UC1``), or float metres with NaN / ≤ 0 = invalid.
        K: float [3, 3] intrinsics of that image (pixels).
        joints: float [J, 3] metres, the image's camera optical frame.
        mask: bool [J], the joints to count (e.g. the visible joints inside the image).
        radius: search half-width, pixels. tol_m: depth tolerance, metres.
    Returns:
        float in [0, 1]; NaN when ``mask`` selects no joint with Z > 0.
    """
    H, W = depth.shape
    scale = 1e-3 if depth.dtype == np.uint16 else 1.0
    idx = np.flatnonzero(np.asarray(mask, bool) & (np.nan_to_num(joints[:, 2]) > 1e-3))
    if idx.size == 0:
        return float("nan")
    uv = project(joints[idx], K)
    seen = 0
    for (u, v), z in zip(uv, joints[idx, 2]):
        x, y = int(round(u)), int(round(v))
        w = depth[max(0, y - radius):max(0, min(H, y + radius + 1)),
                  max(0, x - radius):max(0, min(W, x + radius + 1))].astype(np.float64) * scale
        with np.errstate(invalid="ignore"):
            seen += bool(np.any((w > 0) & (np.abs(w - z) < tol_m)))
    return seen / idx.size


def metres_to_mm16(depth_m: np.ndarray) -> np.ndarray:
    """float metres (NaN/≤0 = invalid) → uint16 millimetres with 0 = invalid (REP-118 16UC1);
    values beyond 65.535 m are clipped."""
    d = np.nan_to_num(np.asarray(depth_m, np.float64), nan=0.0)
    d = np.clip(np.round(d * 1000.0), 0, 65535)
    return d.astype(np.uint16)


class Undistorter:
    """Undistorts images, keeping K as the intrinsics of the output: plumb-bob /
    rational-polynomial D with ``cv2.initUndistortRectifyMap``, ``equidistant`` (fisheye) D with
    ``cv2.fisheye.initUndistortRectifyMap``; maps cached per (K, D, model, size). ``needed`` is
    False when all coefficients are zero."""

    def __init__(self):
        self._key = None
        self._maps = None

    @staticmethod
    def needed(D) -> bool:
        D = np.asarray(D, np.float64).ravel()
        return D.size > 0 and bool(np.any(np.abs(D) > 1e-12))

    def __call__(self, img: np.ndarray, K: np.ndarray, D, interpolation: int = cv2.INTER_LINEAR,
                 model: str = "plumb_bob") -> np.ndarray:
        """Return ``img`` undistorted (same size and dtype), or ``img`` itself if D is zero.
        Use ``interpolation=cv2.INTER_NEAREST`` for depth (never blends across edges).
        ``model``: the CameraInfo distortion_model (``equidistant`` = fisheye)."""
        if not self.needed(D):
            return img
        h, w = img.shape[:2]
        D = np.asarray(D, np.float64).ravel()
        key = (K.tobytes(), D.tobytes(), model, w, h)
        if key != self._key:
            if model == "equidistant":
                self._maps = cv2.fisheye.initUndistortRectifyMap(K, D[:4], np.eye(3), K, (w, h), cv2.CV_16SC2)
            else:
                self._maps = cv2.initUndistortRectifyMap(K, D, None, K, (w, h), cv2.CV_16SC2)
            self._key = key
        return cv2.remap(img, self._maps[0], self._maps[1], interpolation=interpolation)


def points_box(uv: np.ndarray, grow: float = 0.15) -> np.ndarray:
    """Box (x0, y0, x1, y1) of pixel points float [N, 2], grown on every side by ``grow`` ×
    its larger side (a joints' box → a person box)."""
    x0, y0 = uv.min(0)
    x1, y1 = uv.max(0)
    g = grow * max(x1 - x0, y1 - y0)
    return np.array([x0 - g, y0 - g, x1 + g, y1 + g])


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU matrix float [N, M] of boxes a [N, 4] and b [M, 4] (x0, y0, x1, y1)."""
    a, b = np.asarray(a, np.float64).reshape(-1, 4), np.asarray(b, np.float64).reshape(-1, 4)
    x0 = np.maximum(a[:, None, 0], b[None, :, 0])
    y0 = np.maximum(a[:, None, 1], b[None, :, 1])
    x1 = np.minimum(a[:, None, 2], b[None, :, 2])
    y1 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = lambda r: (r[:, 2] - r[:, 0]) * (r[:, 3] - r[:, 1])  # noqa: E731
    return inter / np.maximum(area(a)[:, None] + area(b)[None, :] - inter, 1e-12)


def scale_boxes(boxes: np.ndarray, factor: float) -> np.ndarray:
    """Boxes float [P, 4] (x0, y0, x1, y1 pixels) grown (``factor`` > 1) or shrunk about their
    centres; float64 [P, 4] (the realcheck and evaluation box-size checks)."""
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    c, half = (b[:, :2] + b[:, 2:]) / 2, (b[:, 2:] - b[:, :2]) / 2 * float(factor)
    return np.concatenate([c - half, c + half], 1)
