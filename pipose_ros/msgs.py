"""sensor_msgs ↔ numpy conversions (REP-118 depth, common colour encodings) and CameraInfo → K.

cv_bridge is not required: these functions handle the encodings pipose_ros supports and raise
``ValueError`` with a clear message for anything else, which the node logs (throttled) before
dropping the frame.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .camera import depth_to_metres, validate_K

COLOUR_ENCODINGS = ("rgb8", "bgr8", "rgba8", "bgra8", "mono8")
DEPTH_ENCODINGS = ("16UC1", "mono16", "32FC1")


def stamp_ns(msg) -> int:
    """A stamp in integer nanoseconds: of a message with a header, a header, or a
    builtin_interfaces/Time itself (rclpy or rosbags messages)."""
    s = getattr(msg, "header", msg)
    s = getattr(s, "stamp", s)
    return int(s.sec) * 1_000_000_000 + int(s.nanosec)


def _as_array(msg, dtype, channels: int) -> np.ndarray:
    """View ``msg.data`` as [H, W(, C)] of ``dtype`` (give multi-byte dtypes an explicit byte
    order matching ``msg.is_bigendian``), honouring ``msg.step`` row padding."""
    h, w = int(msg.height), int(msg.width)
    if h == 0 or w == 0:
        raise ValueError(f"empty image ({w}x{h})")
    row = w * channels * np.dtype(dtype).itemsize
    step = int(msg.step) or row
    if step < row:
        raise ValueError(f"image step {step} < width*channels*bytes {row}")
    buf = np.frombuffer(msg.data, dtype=np.uint8)
    if buf.size < step * h:
        raise ValueError(f"image data has {buf.size} bytes, expected {step * h} ({w}x{h}, step {step})")
    rows = np.ascontiguousarray(buf[: step * h].reshape(h, step)[:, :row])
    arr = rows.view(dtype)
    return arr.reshape(h, w, channels) if channels > 1 else arr.reshape(h, w)


def _check_encoding(enc: str, supported: tuple[str, ...], what: str) -> None:
    if enc not in supported:
        raise ValueError(f"unsupported {what} encoding {enc!r} (supported: {', '.join(supported)})")


def image_to_rgb(msg) -> np.ndarray:
    """sensor_msgs/Image (rgb8, bgr8, rgba8, bgra8, mono8) → uint8 [H, W, 3] RGB.

    Raises:
        ValueError: unsupported encoding, empty image, or inconsistent size / step / data.
    """
    enc = msg.encoding
    _check_encoding(enc, COLOUR_ENCODINGS, "image")
    ch = {"rgb8": 3, "bgr8": 3, "rgba8": 4, "bgra8": 4, "mono8": 1}[enc]
    a = _as_array(msg, np.uint8, ch)
    if enc == "rgb8":
        return a
    if enc == "bgr8":
        return np.ascontiguousarray(a[..., ::-1])
    if enc == "rgba8":
        return np.ascontiguousarray(a[..., :3])
    if enc == "bgra8":
        return np.ascontiguousarray(a[..., 2::-1])
    return np.repeat(a[..., None], 3, axis=2)


def mono8_view(rgb: np.ndarray) -> np.ndarray:
    """What the node gets from a monochrome camera seeing ``rgb``: uint8 [H, W, 3] RGB → the
    luminance (ITU-R BT.601, OpenCV's rounding) in all three channels, as :func:`image_to_rgb`
    turns ``mono8`` into RGB."""
    import cv2

    return np.repeat(cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2)


def image_to_depth_m(msg) -> np.ndarray:
    """sensor_msgs/Image depth (16UC1/mono16 mm, 32FC1 m) → float32 [H, W] metres, NaN = invalid.

    Raises:
        ValueError: unsupported encoding, empty image, or inconsistent size / step / data.
    """
    enc = msg.encoding
    _check_encoding(enc, DEPTH_ENCODINGS, "depth")
    if enc == "32FC1":
        raw = _as_array(msg, np.dtype(">f4") if msg.is_bigendian else np.dtype("<f4"), 1)
        return depth_to_metres(raw.astype(np.float32), "32FC1")
    raw = _as_array(msg, np.dtype(">u2") if msg.is_bigendian else np.dtype("<u2"), 1)
    return depth_to_metres(raw.astype(np.uint16), "16UC1")


def rgb_to_image(rgb: np.ndarray, encoding: str = "rgb8"):
    """uint8 [H, W, 3] RGB → sensor_msgs/Image in ``rgb8``, ``bgr8`` or ``mono8`` (header unset)."""
    from sensor_msgs.msg import Image

    if encoding == "rgb8":
        a = rgb
    elif encoding == "bgr8":
        a = rgb[..., ::-1]
    elif encoding == "mono8":
        a = (rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)).astype(np.uint8)
    else:
        raise ValueError(f"cannot write encoding {encoding!r}")
    a = np.ascontiguousarray(a)
    m = Image()
    m.height, m.width = a.shape[:2]
    m.encoding = encoding
    m.is_bigendian = 0
    m.step = a.shape[1] * (1 if a.ndim == 2 else a.shape[2])
    m.data = a.tobytes()
    return m


def depth_to_image(depth: np.ndarray):
    """uint16 mm → ``16UC1`` or float32 m → ``32FC1`` sensor_msgs/Image (header unset)."""
    from sensor_msgs.msg import Image

    if depth.dtype == np.uint16:
        enc = "16UC1"
    elif depth.dtype == np.float32:
        enc = "32FC1"
    else:
        raise ValueError(f"depth must be uint16 (mm) or float32 (m), got {depth.dtype}")
    a = np.ascontiguousarray(depth)
    m = Image()
    m.height, m.width = a.shape
    m.encoding = enc
    m.is_bigendian = 0
    m.step = a.shape[1] * a.itemsize
    m.data = a.tobytes()
    return m


DISTORTION_MODELS = ("plumb_bob", "rational_polynomial", "equidistant")


class CameraModel(NamedTuple):
    """A validated sensor_msgs/CameraInfo: K float64 [3, 3], D float64 [n], size (width,
    height) pixels, distortion_model (one of :data:`DISTORTION_MODELS`, or "" with D all zero),
    frame_id."""

    K: np.ndarray
    D: np.ndarray
    size: tuple[int, int]
    distortion_model: str
    frame_id: str


def camera_info_to_K(msg) -> CameraModel:
    """sensor_msgs/CameraInfo → :class:`CameraModel`.

    The distortion models ROS uses (REP-104 / camera_calibration_parsers) are all understood:
    ``plumb_bob`` and ``rational_polynomial`` (OpenCV's model, D of 4, 5, 8, 12 or 14) and
    ``equidistant`` (OpenCV's fisheye model, D of 4). A non-zero D with any other model is
    refused, never silently ignored.

    Raises:
        ValueError: K unusable (all zeros, non-positive focal length, ...), zero size, an
            unsupported distortion model with non-zero D, or a D of the wrong length.
    """
    K = np.asarray(msg.k, np.float64).reshape(3, 3)
    if not np.any(K):
        raise ValueError("camera_info K is all zeros (uncalibrated camera)")
    K = validate_K(K)
    if int(msg.width) == 0 or int(msg.height) == 0:
        raise ValueError("camera_info has zero width/height")
    D = np.asarray(msg.d, np.float64).ravel()
    model = str(getattr(msg, "distortion_model", "") or "")
    if D.size and not np.all(np.isfinite(D)):
        raise ValueError(f"camera_info D has non-finite coefficients {D.tolist()}")
    if np.any(D != 0):
        if model not in DISTORTION_MODELS:
            raise ValueError(f"camera_info distortion_model {model!r} is not supported with non-zero D "
                             f"(supported: {', '.join(DISTORTION_MODELS)}); refusing it rather than ignoring D")
        if model == "equidistant" and D.size != 4:
            raise ValueError(f"equidistant (fisheye) distortion needs 4 coefficients, got {D.size}")
        if model != "equidistant" and D.size not in (4, 5, 8, 12, 14):
            raise ValueError(f"{model} distortion needs 4, 5, 8, 12 or 14 coefficients, got {D.size}")
    return CameraModel(K, D, (int(msg.width), int(msg.height)), model, str(msg.header.frame_id))


def K_to_camera_info(K: np.ndarray, width: int, height: int, D=None, frame_id: str = ""):
    """A plumb-bob sensor_msgs/CameraInfo for K (float64 [3, 3]) and an image size."""
    from sensor_msgs.msg import CameraInfo

    m = CameraInfo()
    m.header.frame_id = frame_id
    m.width, m.height = int(width), int(height)
    m.distortion_model = "plumb_bob"
    m.d = [float(x) for x in (D if D is not None else np.zeros(5))]
    m.k = [float(x) for x in np.asarray(K, np.float64).ravel()]
    m.r = [1.0, 0, 0, 0, 1.0, 0, 0, 0, 1.0]
    P = np.zeros((3, 4))
    P[:, :3] = K
    m.p = [float(x) for x in P.ravel()]
    return m
