import numpy as np
import pytest
from sensor_msgs.msg import CameraInfo, Image

from pipose_ros.camera import intrinsics_from_fov
from pipose_ros.msgs import (K_to_camera_info, camera_info_to_K, depth_to_image,
                                        image_to_depth_m, image_to_rgb, rgb_to_image)

RGB = np.random.default_rng(0).integers(0, 255, (6, 7, 3), np.uint8)


def _msg(arr, enc, pad=0, bigendian=False):
    m = Image()
    m.height, m.width = arr.shape[:2]
    m.encoding = enc
    m.is_bigendian = int(bigendian)
    row = arr.shape[1] * (arr.shape[2] if arr.ndim == 3 else 1) * arr.itemsize
    m.step = row + pad
    rows = np.zeros((arr.shape[0], row + pad), np.uint8)
    rows[:, :row] = np.ascontiguousarray(arr).view(np.uint8).reshape(arr.shape[0], row)
    m.data = rows.tobytes()
    return m


@pytest.mark.parametrize("pad", [0, 3])
def test_colour_encodings(pad):
    assert np.array_equal(image_to_rgb(_msg(RGB, "rgb8", pad)), RGB)
    assert np.array_equal(image_to_rgb(_msg(RGB[..., ::-1].copy(), "bgr8", pad)), RGB)
    rgba = np.concatenate([RGB, np.full(RGB.shape[:2] + (1,), 255, np.uint8)], 2)
    assert np.array_equal(image_to_rgb(_msg(rgba, "rgba8", pad)), RGB)
    bgra = np.concatenate([RGB[..., ::-1], np.full(RGB.shape[:2] + (1,), 255, np.uint8)], 2)
    assert np.array_equal(image_to_rgb(_msg(bgra, "bgra8", pad)), RGB)
    mono = RGB[..., 0].copy()
    out = image_to_rgb(_msg(mono, "mono8", pad))
    assert out.shape == RGB.shape and np.array_equal(out[..., 1], mono)


def test_roundtrip_writers():
    for enc in ("rgb8", "bgr8"):
        assert np.array_equal(image_to_rgb(rgb_to_image(RGB, enc)), RGB)
    assert image_to_rgb(rgb_to_image(RGB, "mono8")).shape == RGB.shape


@pytest.mark.parametrize("pad", [0, 2])
def test_depth_encodings(pad):
    mm = np.array([[0, 1000, 2500], [65535, 1, 4000]], np.uint16)
    d = image_to_depth_m(_msg(mm, "16UC1", pad))
    assert d.dtype == np.float32 and np.isnan(d[0, 0]) and d[0, 2] == pytest.approx(2.5)
    big = image_to_depth_m(_msg(mm.astype(">u2"), "16UC1", pad, bigendian=True))
    assert np.allclose(big, d, equal_nan=True)
    f = np.array([[np.nan, 1.25, 0.0]], np.float32)
    d2 = image_to_depth_m(_msg(f, "32FC1", pad))
    assert np.isnan(d2[0, 0]) and d2[0, 1] == 1.25 and np.isnan(d2[0, 2])
    assert np.allclose(image_to_depth_m(depth_to_image(mm)), d, equal_nan=True)


def test_bad_images_raise_clearly():
    with pytest.raises(ValueError, match="unsupported image encoding"):
        image_to_rgb(_msg(RGB, "yuv422"))
    with pytest.raises(ValueError, match="unsupported depth encoding"):
        image_to_depth_m(_msg(RGB, "rgb8"))
    empty = Image()
    empty.encoding = "rgb8"
    with pytest.raises(ValueError, match="empty image"):
        image_to_rgb(empty)
    short = _msg(RGB, "rgb8")
    short.data = short.data[:-5]
    with pytest.raises(ValueError, match="bytes"):
        image_to_rgb(short)


def test_camera_info():
    K = intrinsics_from_fov(640, 480, 60)
    K2, D, size, model, _ = camera_info_to_K(K_to_camera_info(K, 640, 480, D=[0.1, 0, 0, 0, 0]))
    assert np.allclose(K2, K) and size == (640, 480) and D[0] == pytest.approx(0.1)
    with pytest.raises(ValueError, match="all zeros"):
        camera_info_to_K(CameraInfo(width=640, height=480))
