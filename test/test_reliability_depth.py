"""The bad-input catalogue (issue 12, docs/RELIABILITY.md), depth side: rgbd mode, each bad
depth input skips the teacher's part with a message naming the topic while the student's skeleton
is still published, and a good frame brings the teacher back."""

from __future__ import annotations

import numpy as np
import pytest

rclpy = pytest.importorskip("rclpy")

from pipose_ros.msgs import depth_to_image  # noqa: E402

from test_reliability import Case, Sender, _depth_32f, _info_with, _run_case, _set  # noqa: E402
from test_ros_node import H, W, Harness, _markers_for, wait  # noqa: E402


def _depth_be16(mm):
    def f(m):
        d = depth_to_image(np.full((H, W), mm, np.uint16))
        d.header = m.header
        d.is_bigendian = 1
        d.data = np.full((H, W), mm, ">u2").tobytes()
        return d
    return f


RGBD_CASES = [
    Case("depth_16UC1_all_invalid", "no valid pixel", None, output=True,
         depth=lambda m: _set()(depth_to_image(np.zeros((H, W), np.uint16)))),
    Case("depth_32FC1_all_nan", "no valid pixel", None, output=True, depth=_depth_32f(np.nan)),
    Case("depth_32FC1_all_inf", "no valid pixel", None, output=True, depth=_depth_32f(np.inf)),
    Case("depth_32FC1_negative", "no valid pixel", None, output=True, depth=_depth_32f(-1.0)),
    Case("depth_wrong_size", "is 160x120 but its camera_info", None, output=True, depth=_depth_32f(2.0, (H // 2, W // 2))),
    Case("depth_unsupported_encoding", "unsupported depth encoding 'rgb8'", None, output=True,
         depth=lambda m: _set(encoding="rgb8")(m)),
    Case("depth_other_frame_unregistered", "unregistered depth", None, output=True,
         depth=lambda m: _set(**{"header.frame_id": "depth_optical_frame"})(m)),
    Case("depth_camera_info_K_zero", "depth/camera_info", None, output=True,
         depth_info=_info_with([], "", k=np.zeros((3, 3)))),
]



@pytest.fixture(scope="module")
def rgbd_harness(ros_ctx, tiny_checkpoints):
    h = Harness(tiny_checkpoints, "rgbd", min_confidence=0.0)
    s = Sender(h)
    s.sec = 5000.0
    yield h, s
    h.close()


@pytest.mark.parametrize("case", RGBD_CASES, ids=[c.name for c in RGBD_CASES])
def test_rgbd_catalogue(rgbd_harness, case):
    h, s = rgbd_harness
    _run_case(h, s, case, depth=True)


def test_bigendian_depth_is_read(rgbd_harness):
    """16UC1 with is_bigendian: decoded, the teacher runs (no warning)."""
    h, s = rgbd_harness
    h.node.recent_warnings.clear()
    sec = s.send(Case("be", None, depth=_depth_be16(2500)), depth=True)
    assert wait(lambda: any(m.ns.startswith("teacher/") for m in _markers_for(h, sec)), 10)
    assert not h.node.recent_warnings


