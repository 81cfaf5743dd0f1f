"""pose_node over real rclpy / Fast DDS (in-process nodes, real publishers and subscribers)."""

import threading
import time

import numpy as np
import pytest

rclpy = pytest.importorskip("rclpy")
from rclpy.executors import MultiThreadedExecutor  # noqa: E402
from rclpy.node import Node  # noqa: E402
from rclpy.parameter import Parameter  # noqa: E402
from rclpy.qos import qos_profile_sensor_data  # noqa: E402
from sensor_msgs.msg import CameraInfo, Image  # noqa: E402
from tf2_msgs.msg import TFMessage  # noqa: E402
from visualization_msgs.msg import Marker, MarkerArray  # noqa: E402

from pipose_ros.camera import intrinsics_from_fov  # noqa: E402
from pipose_ros.ros.conversions import K_to_camera_info, depth_to_image, rgb_to_image  # noqa: E402
from pipose_ros.ros.node import PoseNode  # noqa: E402

W, H = 320, 240
K = intrinsics_from_fov(W, H, 60)
FRAME = "test_camera_optical_frame"


class Harness:
    def __init__(self, ck, mode, **params):
        over = [Parameter("checkpoint", value=str(ck["student"])),
                Parameter("teacher_checkpoint", value=str(ck["teacher"])),
                Parameter("mode", value=mode), Parameter("warn_throttle", value=0.0),
                Parameter("stats_period", value=0.0), Parameter("device", value="cpu")]
        over += [Parameter(k, value=v) for k, v in params.items()]
        self.node = PoseNode(parameter_overrides=over)
        self.io = Node("pose_node_test_io")
        q = qos_profile_sensor_data
        self.pub_img = self.io.create_publisher(Image, "image", q)
        self.pub_info = self.io.create_publisher(CameraInfo, "camera_info", q)
        self.pub_depth = self.io.create_publisher(Image, "depth/image", q)
        self.pub_dinfo = self.io.create_publisher(CameraInfo, "depth/camera_info", q)
        self.tf, self.markers = [], []
        self.io.create_subscription(TFMessage, "/tf", self.tf.append, 100)
        self.io.create_subscription(MarkerArray, "skeleton_markers", self.markers.append, 100)
        self.ex = MultiThreadedExecutor(num_threads=3)
        self.ex.add_node(self.node)
        self.ex.add_node(self.io)
        self.thread = threading.Thread(target=self.ex.spin, daemon=True)
        self.thread.start()
        assert wait(lambda: self.io.count_subscribers("image") > 0 and
                    self.io.count_publishers("skeleton_markers") > 0 and
                    self.io.count_subscribers("camera_info") > 0)

    def stamp(self, sec):
        return rclpy.time.Time(seconds=sec).to_msg()

    def send(self, sec, rgb=None, enc="rgb8", info_K=K, info_size=(W, H), depth=None, depth_size=None):
        info = K_to_camera_info(info_K, *info_size, frame_id=FRAME)
        info.header.stamp = self.stamp(sec)
        self.pub_info.publish(info)
        if depth is not None:
            dinfo = K_to_camera_info(K, *(depth_size or (W, H)), frame_id=FRAME)
            self.pub_dinfo.publish(dinfo)
        time.sleep(0.05)
        img = rgb_to_image(rgb if rgb is not None else np.full((H, W, 3), 90, np.uint8),
                           enc if enc in ("rgb8", "bgr8", "mono8") else "rgb8")
        if enc not in ("rgb8", "bgr8", "mono8"):
            img.encoding = enc
        img.header.stamp = self.stamp(sec)
        img.header.frame_id = FRAME
        if depth is not None:
            d = depth_to_image(depth)
            d.header = img.header
            self.pub_depth.publish(d)
        self.pub_img.publish(img)
        return sec

    def close(self):
        self.ex.shutdown()
        self.node.stop()
        self.node.destroy_node()
        self.io.destroy_node()


def wait(cond, timeout=20.0):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if cond():
            return True
        time.sleep(0.02)
    return False


def _stamp_s(h):
    return h.stamp.sec + h.stamp.nanosec * 1e-9


@pytest.fixture(scope="module")
def ros_ctx():
    rclpy.init()
    yield
    rclpy.try_shutdown()


@pytest.fixture
def rgb_node(ros_ctx, tiny_checkpoints):
    h = Harness(tiny_checkpoints, "rgb", min_confidence=0.0)
    yield h
    h.close()


def _markers_for(h, sec):
    return [m for arr in h.markers for m in arr.markers if abs(_stamp_s(m.header) - sec) < 1e-6]


def test_tf_and_markers_frames_and_stamps(rgb_node):
    h = rgb_node
    sec = h.send(100.25)
    assert wait(lambda: any(abs(_stamp_s(t.header) - sec) < 1e-6 for m in h.tf for t in m.transforms))
    tfs = [t for m in h.tf for t in m.transforms if abs(_stamp_s(t.header) - sec) < 1e-6]
    assert {t.header.frame_id for t in tfs} == {FRAME}
    names = {t.child_frame_id for t in tfs}
    assert "body_0" in names and "left_wrist_0" in names and "nose_0" in names and len(names) == 15
    assert all(t.transform.rotation.w == 1.0 for t in tfs)
    assert wait(lambda: len(_markers_for(h, sec)) >= 2)
    ms = _markers_for(h, sec)
    spheres = [m for m in ms if m.type == Marker.SPHERE_LIST]
    lines = [m for m in ms if m.type == Marker.LINE_LIST]
    assert spheres and lines and spheres[0].ns == "student/body_0" and len(spheres[0].points) == 14
    assert all(m.header.frame_id == FRAME for m in ms)
    assert all(0.0 <= c <= 1.0 for c in (spheres[0].color.r, spheres[0].color.g, spheres[0].color.b, spheres[0].color.a))
    # joint TF = marker point (same skeleton)
    nose = next(t for t in tfs if t.child_frame_id == "nose_0").transform.translation
    assert np.allclose([nose.x, nose.y, nose.z], [spheres[0].points[0].x, spheres[0].points[0].y,
                                                  spheres[0].points[0].z], atol=1e-5)
    # the same stamp again: markers yes, TF never re-sent
    n_before = len(h.markers)
    h.send(100.25)
    assert wait(lambda: len(h.markers) > n_before)
    time.sleep(0.3)
    assert sum(1 for m in h.tf for t in m.transforms if t.child_frame_id == "body_0"
               and abs(_stamp_s(t.header) - sec) < 1e-6) == 1
    assert any("not newer" in w for w in h.node.recent_warnings)


def test_bad_inputs_are_logged_and_node_keeps_running(rgb_node):
    h = rgb_node
    cases = [
        (dict(enc="yuv422"), "unsupported image encoding"),
        (dict(info_size=(640, 480)), "camera_info says 640x480"),
        (dict(info_K=np.zeros((3, 3))), "all zeros"),
        (dict(rgb=np.zeros((0, 0, 3), np.uint8)), "empty image"),
    ]
    sec = 200.0
    for kwargs, text in cases:
        sec += 1
        h.node.recent_warnings.clear()
        h.send(sec, **kwargs)
        assert wait(lambda: any(text in w for w in h.node.recent_warnings)), (text, list(h.node.recent_warnings))
    # still alive: a good frame gives TF
    sec += 1
    h.send(sec)
    assert wait(lambda: any(abs(_stamp_s(t.header) - sec) < 1e-6 for m in h.tf for t in m.transforms))
    # the three bad images are dropped and counted; the bad camera_info is rejected on receipt
    # (whether the image sent after it still finds the previous K depends on arrival order)
    assert h.node.stats["dropped"] >= 3


def test_diagnostics(ros_ctx, tiny_checkpoints):
    from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus
    h = Harness(tiny_checkpoints, "rgb", min_confidence=0.0, stats_period=0.3)
    got = []
    h.io.create_subscription(DiagnosticArray, "/diagnostics", got.append, 10)
    try:
        assert wait(lambda: any(a.status and a.status[0].level == DiagnosticStatus.WARN for a in got))
        h.send(500.0)
        assert wait(lambda: any(a.status[0].level == DiagnosticStatus.OK and
                                {kv.key: kv.value for kv in a.status[0].values}.get("frames_out") == "1"
                                for a in got))
    finally:
        h.close()


def test_nobody_gives_deleteall(ros_ctx, tiny_checkpoints):
    h = Harness(tiny_checkpoints, "rgb", min_confidence=1.01)
    try:
        h.send(300.0)
        assert wait(lambda: _markers_for(h, 300.0))
        ms = _markers_for(h, 300.0)
        assert ms[0].action == Marker.DELETEALL and len(ms) == 1
        time.sleep(0.2)
        assert not h.tf
    finally:
        h.close()


def test_rgbd_teacher_markers_and_bad_depth(ros_ctx, tiny_checkpoints):
    h = Harness(tiny_checkpoints, "rgbd", min_confidence=0.0)
    try:
        depth = np.full((H, W), 2500, np.uint16)
        h.send(400.0, depth=depth)
        assert wait(lambda: any(m.ns == "teacher/body_0" for m in _markers_for(h, 400.0)))
        assert any(m.ns == "student/body_0" for m in _markers_for(h, 400.0))
        # 32FC1 all NaN: teacher skipped with a warning, student still published
        h.send(401.0, depth=np.full((H, W), np.nan, np.float32))
        assert wait(lambda: any("no valid pixel" in w for w in h.node.recent_warnings))
        assert wait(lambda: any(m.ns == "student/body_0" for m in _markers_for(h, 401.0)))
        # depth of the wrong size
        h.send(402.0, depth=np.full((H // 2, W // 2), 2000, np.uint16), depth_size=(W, H))
        assert wait(lambda: any("depth is 160x120" in w for w in h.node.recent_warnings))
        h.send(403.0, depth=depth)
        assert wait(lambda: any(m.ns == "teacher/body_0" for m in _markers_for(h, 403.0)))
    finally:
        h.close()
