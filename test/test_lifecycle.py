"""pose_node as a managed (lifecycle) node, driven over its lifecycle services the way a lifecycle
manager or `ros2 lifecycle set` drives it (issue 12 item 3)."""

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

rclpy = pytest.importorskip("rclpy")
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus  # noqa: E402
from hri_msgs.msg import IdsList  # noqa: E402
from lifecycle_msgs.msg import Transition  # noqa: E402
from lifecycle_msgs.srv import ChangeState, GetState  # noqa: E402
from rclpy.executors import MultiThreadedExecutor  # noqa: E402
from rclpy.node import Node  # noqa: E402
from rclpy.parameter import Parameter  # noqa: E402
from rclpy.qos import qos_profile_sensor_data  # noqa: E402
from sensor_msgs.msg import CameraInfo, Image  # noqa: E402
from visualization_msgs.msg import MarkerArray  # noqa: E402

from pipose_ros.camera import intrinsics_from_fov  # noqa: E402
from pipose_ros.msgs import K_to_camera_info, rgb_to_image  # noqa: E402

from test_ros_node import wait  # noqa: E402

W, H = 320, 240
FRAME = "lifecycle_camera_optical_frame"


class Manager:
    """A pose_node in this process and a second node that talks to it only over ROS: lifecycle
    services, image/camera_info publishers, marker / ROS4HRI / diagnostics subscribers."""

    def __init__(self, **params):
        from pipose_ros.ros.node import PoseNode

        self.node = PoseNode(parameter_overrides=[Parameter(k, value=v) for k, v in params.items()])
        self.io = Node("lifecycle_manager_test")
        self.change = self.io.create_client(ChangeState, "/pose_node/change_state")
        self.get = self.io.create_client(GetState, "/pose_node/get_state")
        self.pub_img = self.io.create_publisher(Image, "image", qos_profile_sensor_data)
        self.pub_info = self.io.create_publisher(CameraInfo, "camera_info", qos_profile_sensor_data)
        self.markers, self.tracked, self.diag = [], [], []
        self.io.create_subscription(MarkerArray, "skeleton_markers", self.markers.append, 100)
        self.io.create_subscription(IdsList, "/humans/bodies/tracked", self.tracked.append, 100)
        self.io.create_subscription(DiagnosticArray, "/diagnostics", self.diag.append, 100)
        self.ex = MultiThreadedExecutor(num_threads=3)
        self.ex.add_node(self.node)
        self.ex.add_node(self.io)
        self.thread = threading.Thread(target=self.ex.spin, daemon=True)
        self.thread.start()
        assert self.change.wait_for_service(10.0) and self.get.wait_for_service(10.0)

    def _call(self, client, req):
        fut = client.call_async(req)
        assert wait(fut.done, 30), "lifecycle service did not answer"
        return fut.result()

    def transition(self, tid: int) -> bool:
        return self._call(self.change, ChangeState.Request(transition=Transition(id=tid))).success

    def state(self) -> str:
        return self._call(self.get, GetState.Request()).current_state.label

    def send(self, sec: float) -> None:
        info = K_to_camera_info(intrinsics_from_fov(W, H, 60), W, H, frame_id=FRAME)
        info.header.stamp = rclpy.time.Time(seconds=sec).to_msg()
        self.pub_info.publish(info)
        time.sleep(0.05)
        img = rgb_to_image(np.full((H, W, 3), 90, np.uint8), "rgb8")
        img.header.stamp = info.header.stamp
        img.header.frame_id = FRAME
        self.pub_img.publish(img)

    def got_frame(self, sec: float) -> bool:
        return any(m.header.stamp.sec == int(sec) for a in self.markers for m in a.markers)

    def close(self):
        self.ex.shutdown()
        if self.node.state != "finalized":
            self.node.trigger_shutdown()
        self.node.destroy_node()
        self.io.destroy_node()


def test_lifecycle_transitions_keep_the_model(ros_ctx, tiny_checkpoints):
    """autostart false: unconfigured, nothing loaded or subscribed; configure loads the model
    (still not subscribed); activate subscribes and estimates; deactivate unsubscribes, clears
    the ROS4HRI list and keeps the very same model; configure-time parameters are refused while
    configured and accepted after cleanup; shutdown finalises."""
    m = Manager(autostart=False, checkpoint=str(tiny_checkpoints["student"]), device="cpu", min_confidence=0.0,
                stats_period=0.0)
    n = m.node
    try:
        assert m.state() == "unconfigured" and n.est is None
        assert m.io.count_subscribers("image") == 0 and m.io.count_publishers("skeleton_markers") == 0
        assert m.transition(Transition.TRANSITION_CONFIGURE) and m.state() == "inactive"
        est = n.est
        assert est is not None and m.io.count_subscribers("image") == 0
        assert m.transition(Transition.TRANSITION_ACTIVATE) and m.state() == "active"
        assert wait(lambda: m.io.count_subscribers("image") > 0)
        m.send(9001.0)
        assert wait(lambda: m.got_frame(9001.0)), "no estimate while active"
        r = n.set_parameters([Parameter("checkpoint", value=str(tiny_checkpoints["baseline"]))])[0]
        assert not r.successful and "read-only while the node is configured" in r.reason
        assert m.transition(Transition.TRANSITION_DEACTIVATE) and m.state() == "inactive"
        assert wait(lambda: m.io.count_subscribers("image") == 0)
        assert wait(lambda: any(not t.ids for t in m.tracked)), "deactivate did not clear /humans/bodies/tracked"
        assert n.est is est, "deactivate must keep the model"
        assert m.transition(Transition.TRANSITION_ACTIVATE)
        assert wait(lambda: m.io.count_subscribers("image") > 0)
        m.send(9002.0)
        assert wait(lambda: m.got_frame(9002.0)) and n.est is est, "reactivated node did not estimate again"
        assert m.transition(Transition.TRANSITION_DEACTIVATE) and m.transition(Transition.TRANSITION_CLEANUP)
        assert m.state() == "unconfigured" and n.est is None
        assert n.set_parameters([Parameter("checkpoint", value=str(tiny_checkpoints["baseline"]))])[0].successful
        assert m.transition(Transition.TRANSITION_CONFIGURE) and n.est.meta["model"]["kind"] == "baseline"
        assert m.transition(Transition.TRANSITION_INACTIVE_SHUTDOWN) and m.state() == "finalized"
        assert n.est is None
    finally:
        m.close()


@pytest.mark.parametrize("content", [None, b"not a checkpoint"], ids=["missing", "corrupt"])
def test_bad_model_fails_configure_and_can_be_fixed(ros_ctx, tiny_checkpoints, tmp_path, content):
    """A missing or corrupt model file: configure fails with one line naming the file, the node
    stays unconfigured, /diagnostics says ERROR with the reason; after the parameter is fixed
    the same node configures and activates."""
    p = tmp_path / "model.pt"
    if content is not None:
        p.write_bytes(content)
    m = Manager(checkpoint=str(p), device="cpu", stats_period=0.0)  # autostart (default) tries and fails
    n = m.node
    try:
        assert m.state() == "unconfigured" and n.est is None
        assert n.configure_error and "model.pt" in n.configure_error and "\n" not in n.configure_error
        assert not m.transition(Transition.TRANSITION_CONFIGURE) and m.state() == "unconfigured"
        n._log_stats()
        assert wait(lambda: any(a.status[0].level == DiagnosticStatus.ERROR and "model.pt" in a.status[0].message
                                for a in m.diag))
        assert n.set_parameters([Parameter("checkpoint", value=str(tiny_checkpoints["student"]))])[0].successful
        assert m.transition(Transition.TRANSITION_CONFIGURE) and m.transition(Transition.TRANSITION_ACTIVATE)
        assert m.state() == "active" and n.configure_error is None
    finally:
        m.close()


def test_node_process_with_missing_model_logs_one_line(tmp_path):
    """`ros2 run pipose_ros pose_node` with a missing model: one error line, no traceback, the
    process keeps serving its lifecycle services, and exits 0 on Ctrl-C."""
    env = dict(os.environ, ROS_DOMAIN_ID=str(int(os.environ.get("ROS_DOMAIN_ID", "150")) + 20))
    proc = subprocess.Popen([sys.executable, "-m", "pipose_ros.ros.node", "--ros-args", "-p",
                             f"checkpoint:={tmp_path / 'absent.pt'}", "-p", "stats_period:=0.0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        time.sleep(8.0)
        assert proc.poll() is None, proc.communicate()[0]
    finally:
        proc.send_signal(signal.SIGINT)
        out = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0, out
    errors = [ln for ln in out.splitlines() if "ERROR" in ln]
    assert len(errors) == 1 and "absent.pt" in errors[0] and "configure failed" in errors[0], out
    assert "Traceback" not in out, out


def test_whole_body_detector_parameters(ros_ctx, tiny_checkpoints):
    """detector_body: read at configure (the person finder then holds the whole-body detector);
    detector_body_min_score: live; both refused / applied as the descriptors say."""
    m = Manager(autostart=False, checkpoint=str(tiny_checkpoints["student"]), device="cpu", detector="blazepose",
                detector_body=True, stats_period=0.0)
    n = m.node
    try:
        assert m.transition(Transition.TRANSITION_CONFIGURE) and m.state() == "inactive"
        body = n.detector.detector.body
        assert body is not None and body.min_score == 0.5
        assert n.set_parameters([Parameter("detector_body_min_score", value=0.7)])[0].successful
        assert body.min_score == 0.7
        r = n.set_parameters([Parameter("detector_body", value=False)])[0]
        assert not r.successful and "read-only while the node is configured" in r.reason
        assert m.transition(Transition.TRANSITION_CLEANUP)
        assert n.set_parameters([Parameter("detector_body", value=False)])[0].successful
        assert m.transition(Transition.TRANSITION_CONFIGURE) and n.detector.detector.body is None
    finally:
        m.close()
