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
    h = Harness(tiny_checkpoints, "rgbd", min_confidence=0.0, teacher_min_depth_support=0.0)  # untrained teacher
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




def test_sync_starving_is_diagnosed_with_the_offset(rgbd_harness):
    """Depth stamped 300 ms after its colour image (slop 50 ms): no pair forms; /diagnostics says
    the synchroniser is starving, with the measured offset, and the log says so naming both
    topics; good pairs clear it."""
    import time

    from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus

    h, s = rgbd_harness
    got = []
    sub = h.io.create_subscription(DiagnosticArray, "/diagnostics", got.append, 10)
    try:
        h.node._log_stats()  # the baseline of this period
        h.node.recent_warnings.clear()
        for _ in range(4):
            frame = s.send(None, depth=False)  # image + camera_info only
            d = depth_to_image(np.full((H, W), 2500, np.uint16))
            d.header.frame_id = "test_camera_optical_frame"
            d.header.stamp = rclpy.time.Time(seconds=frame + 0.3).to_msg()
            h.pub_depth.publish(d)
            time.sleep(0.1)
        assert wait(lambda: h.node._raw_count["depth"] >= 2 and h.node._raw_count["image"] >= 2, 10)
        h.node._log_stats()
        assert wait(lambda: any(a.status[0].level == DiagnosticStatus.WARN and "sync starving" in a.status[0].message
                                for a in got), 10), [a.status[0].message for a in got]
        msg = next(a.status[0] for a in got if "sync starving" in a.status[0].message)
        offset = float(next(v.value for v in msg.values if v.key == "sync_offset_ms"))
        assert 250 <= offset <= 350 and "/image" in msg.message and "/depth/image" in msg.message, msg
        assert any("sync starving" in w for w in h.node.recent_warnings)
        for _ in range(2):
            good = s.send(None, depth=True)
        assert wait(lambda: _markers_for(h, good), 10)
        got.clear()
        h.node._log_stats()
        assert wait(lambda: got, 10) and "sync starving" not in got[-1].status[0].message
    finally:
        h.io.destroy_subscription(sub)
