"""The bad-input catalogue (issue 12, docs/RELIABILITY.md), colour side (depth side:
test_reliability_depth.py): each case is one bad input sent to a
live pose_node over DDS, checked for its message (naming the problem and the topic), for being
dropped and counted (or processed, where that is the right answer), and followed by a good frame
that must give a skeleton again — the node never stops."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pytest

rclpy = pytest.importorskip("rclpy")
from rclpy.parameter import Parameter  # noqa: E402

from pipose_ros.camera import intrinsics_from_fov  # noqa: E402
from pipose_ros.msgs import K_to_camera_info, depth_to_image, rgb_to_image, stamp_ns  # noqa: E402
from pipose_ros.smooth import DEFAULTS as SMOOTHING_DEFAULTS  # noqa: E402

from test_ros_node import FRAME, H, W, Harness, _markers_for, _stamp_s, wait  # noqa: E402

K = intrinsics_from_fov(W, H, 60)


@dataclass
class Case:
    """One catalogue entry. ``image`` / ``info`` / ``depth``: changes applied to a good message
    (a function of the message, or None = the good one); ``expect``: text the warning contains;
    ``dropped``: the frame is dropped and counted under that reason; ``output``: a skeleton is
    still published for this frame."""

    name: str
    expect: str | None
    dropped: str | None = None
    output: bool = False
    image: object = None
    info: object = None
    depth: object = None
    depth_info: object = None
    rgb: np.ndarray | None = None
    stamp_offset: float | None = None  # seconds relative to the last good frame (None: newer)
    extra: dict = field(default_factory=dict)


def _set(**kw):
    def f(m):
        for k, v in kw.items():
            obj = m
            *path, last = k.split(".")
            for p in path:
                obj = getattr(obj, p)
            setattr(obj, last, v)
        return m
    return f


def _info_with(D, model, size=(W, H), k=None):
    def f(_):
        m = K_to_camera_info(K if k is None else k, *size, D=D, frame_id=FRAME)
        m.distortion_model = model
        return m
    return f


def _depth_32f(value, shape=(H, W)):
    def f(m):
        d = depth_to_image(np.full(shape, value, np.float32))
        d.header = m.header
        return d
    return f


BIG = np.full((1800, 2400, 3), 90, np.uint8)
BIG_K = intrinsics_from_fov(2400, 1800, 60)

RGB_CASES = [
    Case("encoding_unsupported", "unsupported image encoding 'yuv422'", "bad-image", image=_set(encoding="yuv422")),
    Case("encoding_depth_on_colour_topic", "unsupported image encoding '16UC1'", "bad-image",
         image=_set(encoding="16UC1")),
    Case("step_too_small", "image step", "bad-image", image=_set(step=W)),
    Case("data_too_short", "bytes, expected", "bad-image", image=lambda m: _set(data=bytes(m.data)[: W * 3 * 10])(m)),
    Case("image_empty_0x0", "too small to hold a person", "too-small", rgb=np.zeros((0, 0, 3), np.uint8)),
    Case("image_1x1", "is 1x1, too small", "too-small", rgb=np.zeros((1, 1, 3), np.uint8), info=_info_with([], "", (1, 1))),
    Case("image_thin_20x400", "is 20x400, too small", "too-small", rgb=np.zeros((400, 20, 3), np.uint8),
         info=_info_with([], "", (20, 400))),
    Case("image_size_differs_from_camera_info", "camera_info says 640x480", "size", info=_info_with([], "", (640, 480))),
    Case("image_frame_id_empty", "has an empty frame_id", "no-frame-id", image=_set(**{"header.frame_id": ""})),
    Case("camera_info_frame_id_differs", "differs from the frame_id", None, output=True,
         info=lambda m: _set(**{"header.frame_id": "other_optical_frame"})(m)),
    Case("camera_info_K_zero", "K is all zeros", None, info=_info_with([], "", k=np.zeros((3, 3)))),
    Case("camera_info_K_nan", "K", None, info=_info_with([], "", k=np.full((3, 3), np.nan))),
    Case("camera_info_negative_focal", "focal", None, info=_info_with([], "", k=np.diag([-100.0, 100.0, 1.0]))),
    Case("camera_info_zero_size", "zero width/height", None, info=_info_with([], "", (0, 0))),
    Case("distortion_unknown_model", "distortion_model 'kannala_brandt' is not supported", None,
         info=_info_with([0.1, 0.01, 0.0, 0.0], "kannala_brandt")),
    Case("distortion_plumb_bob_wrong_length", "needs 4, 5, 8, 12 or 14 coefficients, got 3", None,
         info=_info_with([0.1, 0.01, 0.0], "plumb_bob")),
    Case("distortion_equidistant_wrong_length", "fisheye) distortion needs 4 coefficients, got 5", None,
         info=_info_with([0.1, 0.01, 0.0, 0.0, 0.0], "equidistant")),
    Case("distortion_nan", "non-finite", None, info=_info_with([np.nan, 0.0, 0.0, 0.0, 0.0], "plumb_bob")),
    Case("distortion_plumb_bob", None, None, output=True, info=_info_with([-0.2, 0.05, 0.001, 0.0, 0.0], "plumb_bob")),
    Case("distortion_rational_polynomial", None, None, output=True,
         info=_info_with([-0.2, 0.05, 0.001, 0.0, 0.0, 0.01, 0.0, 0.0], "rational_polynomial")),
    Case("distortion_equidistant", None, None, output=True, info=_info_with([0.05, 0.01, 0.0, 0.0], "equidistant")),
    Case("distortion_unknown_model_zero_D", None, None, output=True, info=_info_with([0.0] * 5, "unknown")),
    Case("image_very_large", "downscaled to 1920x1440", None, output=True, rgb=BIG,
         info=_info_with([], "", (2400, 1800), k=BIG_K)),
    Case("stamp_zero", "zero stamp", None, stamp_offset=0.0, extra={"absolute": 0.0}),
    Case("stamp_backwards", "not newer than the last published TF", None, stamp_offset=-5.0),
]

class Sender:
    """Sends one frame (image, camera_info, optionally depth) with changes from a Case."""

    def __init__(self, h: Harness):
        self.h = h
        self.sec = 1000.0

    def send(self, case: Case | None = None, depth: bool = False) -> float:
        c = case or Case("good", None)
        if c.extra.get("absolute") is not None:
            sec = c.extra["absolute"]
        elif c.stamp_offset is not None:
            sec = self.sec + c.stamp_offset
        else:
            self.sec += 1.0
            sec = self.sec
        stamp = rclpy.time.Time(seconds=sec).to_msg()
        info = K_to_camera_info(K, W, H, frame_id=FRAME)
        if c.info is not None:
            info = c.info(info)
        info.header.stamp = stamp
        self.h.pub_info.publish(info)
        img = rgb_to_image(c.rgb if c.rgb is not None else np.full((H, W, 3), 90, np.uint8), "rgb8")
        img.header.stamp = stamp
        img.header.frame_id = FRAME
        if depth:
            dinfo = K_to_camera_info(K, W, H, frame_id=FRAME)
            if c.depth_info is not None:
                dinfo = c.depth_info(dinfo)
            self.h.pub_dinfo.publish(dinfo)
            d = depth_to_image(np.full((H, W), 2500, np.uint16))
            d.header.stamp, d.header.frame_id = stamp, FRAME
            if c.depth is not None:
                d = c.depth(d)
                d.header.stamp = stamp
                if not d.header.frame_id:
                    d.header.frame_id = FRAME
        time.sleep(0.05)
        if c.image is not None:
            img = c.image(img)
        if depth:
            self.h.pub_depth.publish(d)
        self.h.pub_img.publish(img)
        return sec


def _tf_at(h, sec):
    return [t for m in h.tf for t in m.transforms if abs(_stamp_s(t.header) - sec) < 1e-6]


def _run_case(h: Harness, s: Sender, c: Case, depth: bool):
    h.node.recent_warnings.clear()
    before = dict(h.node.drop_counts)
    sec = s.send(c, depth)
    if c.expect:
        assert wait(lambda: any(c.expect in w for w in h.node.recent_warnings), 10), \
            (c.name, list(h.node.recent_warnings))
        # a message names the topic it is about
        msg = next(w for w in h.node.recent_warnings if c.expect in w)
        assert "/" in msg, msg
    if c.dropped:
        assert wait(lambda: h.node.drop_counts.get(c.dropped, 0) > before.get(c.dropped, 0), 10), c.name
    if c.output:
        assert wait(lambda: _markers_for(h, sec), 10), c.name
        if depth and c.expect:  # the teacher's part is skipped, the student's skeleton is published
            assert any(m.ns.startswith("student/") for m in _markers_for(h, sec))
    if c.expect is None:
        time.sleep(0.2)
        assert not [w for w in h.node.recent_warnings if "dropped" in w], (c.name, list(h.node.recent_warnings))
    # recovery: the next good frame gives a skeleton (TF) again
    good = s.send(None, depth)
    assert wait(lambda: _tf_at(h, good), 10), (c.name, "no output after the bad input", list(h.node.recent_warnings))


@pytest.fixture(scope="module")
def rgb_harness(ros_ctx, tiny_checkpoints):
    h = Harness(tiny_checkpoints, "rgb", min_confidence=0.0)
    yield h, Sender(h)
    h.close()


@pytest.mark.parametrize("case", RGB_CASES, ids=[c.name for c in RGB_CASES])
def test_rgb_catalogue(rgb_harness, case):
    h, s = rgb_harness
    _run_case(h, s, case, depth=False)


def test_large_image_skeleton_in_its_pixels_and_frame(rgb_harness):
    """A downscaled large image: its skeleton's TF is in the image's own frame."""
    h, s = rgb_harness
    sec = s.send(Case("big", None, rgb=BIG, info=_info_with([], "", (2400, 1800), k=BIG_K)))
    assert wait(lambda: _tf_at(h, sec), 10)
    assert {t.header.frame_id for t in _tf_at(h, sec)} == {FRAME}


def test_camera_info_missing_is_a_diagnostics_error(ros_ctx, tiny_checkpoints):
    """Images without any camera_info: frames dropped with a message naming camera_info, and
    /diagnostics reports ERROR (camera_info_timeout)."""
    from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus

    h = Harness(tiny_checkpoints, "rgb", min_confidence=0.0, stats_period=0.3, camera_info_timeout=0.5)
    got = []
    h.io.create_subscription(DiagnosticArray, "/diagnostics", got.append, 10)
    try:
        for k in range(8):
            img = rgb_to_image(np.full((H, W, 3), 90, np.uint8), "rgb8")
            img.header.stamp = rclpy.time.Time(seconds=7000.0 + k).to_msg()
            img.header.frame_id = FRAME
            h.pub_img.publish(img)
            time.sleep(0.15)
        assert wait(lambda: any("no valid camera_info" in w for w in h.node.recent_warnings))
        assert wait(lambda: any(a.status[0].level == DiagnosticStatus.ERROR and "camera_info" in a.status[0].message
                                for a in got), 10), [a.status[0].message for a in got]
    finally:
        h.close()


def test_qos_mismatch_is_named(ros_ctx, tiny_checkpoints):
    """reliability:=reliable while the camera publishes best effort (no image can arrive), and a
    subscriber asking transient-local markers the node offers volatile: both logged with the topic."""
    from rclpy.node import Node
    from rclpy.qos import QoSDurabilityPolicy, QoSProfile, QoSReliabilityPolicy, qos_profile_sensor_data
    from sensor_msgs.msg import Image
    from visualization_msgs.msg import MarkerArray

    h = Harness(tiny_checkpoints, "rgb", min_confidence=0.0, reliability="reliable")
    other = Node("qos_other_side")
    try:
        other.create_publisher(Image, "image", qos_profile_sensor_data)
        other.create_subscription(MarkerArray, "skeleton_markers", lambda m: None,
                                  QoSProfile(depth=1, reliability=QoSReliabilityPolicy.RELIABLE,
                                             durability=QoSDurabilityPolicy.TRANSIENT_LOCAL))
        h.ex.add_node(other)
        assert wait(lambda: any("QoS mismatch on /image" in w and "RELIABILITY" in w for w in h.node.recent_warnings))
        assert wait(lambda: any("QoS mismatch on /skeleton_markers" in w and "DURABILITY" in w
                                for w in h.node.recent_warnings))
    finally:
        h.ex.remove_node(other)
        other.destroy_node()
        h.close()


def test_catalogue_is_documented():
    """docs/RELIABILITY.md lists every catalogue case with its test, and only existing tests."""
    import re
    from pathlib import Path

    import test_reliability_depth as depth

    doc = (Path(__file__).resolve().parents[1] / "docs" / "RELIABILITY.md").read_text()
    for c in RGB_CASES:
        assert f"test_rgb_catalogue[{c.name}]" in doc, c.name
    for c in depth.RGBD_CASES:
        assert f"test_rgbd_catalogue[{c.name}]" in doc, c.name
    here = Path(__file__).parent
    for f, name in re.findall(r"`(test_[a-z0-9_]+\.py)::(test_[a-z0-9_]+)", doc):
        assert f"def {name}(" in (here / f).read_text(), (f, name)
    assert len(re.findall(r"^\| `", doc, re.M)) >= 40


def test_late_camera_info_with_other_intrinsics_is_reported(rgb_harness):
    """A camera_info that arrives after its image was decoded with another K (the newest then) is
    counted in /diagnostics (late_camera_info_changed) with a throttled warning; the same K arriving
    late — any camera with fixed intrinsics — is not reported."""
    h, s = rgb_harness
    node = h.node
    sec = s.send()
    assert wait(lambda: _markers_for(h, sec), 10)
    before = node.stats["late_info"]
    stamp = rclpy.time.Time(seconds=sec).to_msg()
    same = K_to_camera_info(K, W, H, frame_id=FRAME)
    same.header.stamp = stamp
    node._on_info("image", same)
    assert node.stats["late_info"] == before
    K2 = K.copy()
    K2[0, 2] += 12.0
    other = K_to_camera_info(K2, W, H, frame_id=FRAME)
    other.header.stamp = stamp
    node._on_info("image", other)
    assert node.stats["late_info"] == before + 1
    node._on_info("image", same)  # the harness's camera_info again for the next tests


def test_each_image_is_decoded_with_the_camera_info_of_its_stamp(rgb_harness):
    """Intrinsics that change per frame (a zoom, a moving region of interest): an image is decoded
    with the camera_info of its own stamp, not the newest; an image whose stamp has no camera_info
    gets the newest (a driver that stamps camera_info differently or sends it once)."""
    h, s = rgb_harness
    node = h.node
    sec = s.send()
    assert wait(lambda: _markers_for(h, sec), 10)
    K2 = K.copy()
    K2[0, 2] += 12.0
    t1, t2 = sec + 0.5, sec + 0.6
    for t, k in ((t1, K), (t2, K2)):  # K for t1 arrives first, then K2 for t2: the newest is K2
        info = K_to_camera_info(k, W, H, frame_id=FRAME)
        info.header.stamp = rclpy.time.Time(seconds=t).to_msg()
        node._on_info("image", info)
    paired = node.stats["info_by_stamp"]
    newest = node.stats["info_newest"]
    for t in (t1, sec + 0.7):
        img = rgb_to_image(np.full((H, W, 3), 90, np.uint8), "rgb8")
        img.header.stamp = rclpy.time.Time(seconds=t).to_msg()
        img.header.frame_id = FRAME
        h.pub_img.publish(img)
        assert wait(lambda: _markers_for(h, t), 10)
    with node._used_K_lock:
        used = {s_: k for s_, k in node._used_K}
    ns = [stamp_ns(rclpy.time.Time(seconds=t).to_msg()) for t in (t1, sec + 0.7)]
    assert np.allclose(used[ns[0]], K)  # its own stamp's, though K2 was newer
    assert np.allclose(used[ns[1]], K2)  # no camera_info of its stamp: the newest
    assert node.stats["info_by_stamp"] == paired + 1 and node.stats["info_newest"] == newest + 1
    node._on_info("image", K_to_camera_info(K, W, H, frame_id=FRAME))  # the harness's K again
    s.sec = sec + 1.0


def test_smoothing_filters_each_body_and_its_parameters_are_live(rgb_harness):
    """Each published body goes through the One-Euro smoother (one filter per body id) while
    ``smoothing`` is on; a new setting starts every body afresh; off, the smoother is not used."""
    h, s = rgb_harness
    node = h.node
    assert node.p["smoothing"]
    sec = s.send()
    assert wait(lambda: _markers_for(h, sec), 10)
    assert set(node.smoother._f) and set(node.smoother._f) <= set(node.tracker.live_ids)
    assert node.set_parameters([Parameter("smoothing_beta", value=2.0)])[0].successful
    assert node.smoother.beta == 2.0 and not node.smoother._f
    assert not node.set_parameters([Parameter("smoothing_min_cutoff", value=0.0)])[0].successful  # range
    try:
        assert node.set_parameters([Parameter("smoothing", value=False)])[0].successful
        sec = s.send()
        assert wait(lambda: _markers_for(h, sec), 10)
        assert not node.smoother._f
    finally:
        assert node.set_parameters([Parameter("smoothing", value=True)])[0].successful
        assert node.set_parameters([Parameter("smoothing_beta", value=SMOOTHING_DEFAULTS[1])])[0].successful


def test_parameters_validated_and_live_changes_applied(rgb_harness):
    """Bad values are refused with a reason, configure-time parameters stay as they are while the
    node is configured, and live ones apply at once (publish_tf off: markers continue, no TF)."""
    from rcl_interfaces.msg import ParameterType

    h, s = rgb_harness
    node = h.node
    for name, value, why in (("min_confidence", 2.0, "range"), ("detector_every", 0, "range"),
                             ("max_image_size", 10, "range"), ("mode", "rgbd", "read-only"),
                             ("backend", "torch", "read-only"), ("min_confidence", "high", "type")):
        r = node.set_parameters([Parameter(name, value=value)])[0]
        assert not r.successful and why in r.reason.lower(), (name, r.reason)  # the reasons are rclpy's
    assert node.get_parameter("mode").value == "rgb" and node.p["min_confidence"] == 0.0
    d = node.describe_parameters(["min_confidence", "mode", "reliability"])
    assert d[0].floating_point_range[0].to_value == 1.0 and not d[0].read_only and d[0].type == ParameterType.PARAMETER_DOUBLE
    assert "read at configure" in d[1].description and "rgbd" in d[1].additional_constraints
    assert "system_default" in d[2].additional_constraints
    assert node.describe_parameters(["stats_period"])[0].read_only  # read at start only
    assert node.set_parameters([Parameter("publish_tf", value=False)])[0].successful
    try:
        sec = s.send()
        assert wait(lambda: _markers_for(h, sec), 10)
        time.sleep(0.3)
        assert not _tf_at(h, sec)
    finally:
        assert node.set_parameters([Parameter("publish_tf", value=True)])[0].successful
    assert node.set_parameters([Parameter("min_confidence", value=0.0)])[0].successful and node.est.min_confidence == 0.0
    # relative_depth_gain: live on the RGB model; negative = the model file's value (none here: 1)
    assert node.set_parameters([Parameter("relative_depth_gain", value=0.25)])[0].successful
    assert node.est.relative_depth_gain == 0.25
    assert node.set_parameters([Parameter("relative_depth_gain", value=-1.0)])[0].successful
    assert node.est.relative_depth_gain == 1.0
    assert not node.set_parameters([Parameter("relative_depth_gain", value=1.5)])[0].successful
    # size_prior_weight: live; this model file has no reference bone lengths, so only 0 / the file's (0)
    assert not node.set_parameters([Parameter("size_prior_weight", value=0.5)])[0].successful
    assert node.set_parameters([Parameter("size_prior_weight", value=0.0)])[0].successful
    assert node.set_parameters([Parameter("size_prior_weight", value=-1.0)])[0].successful
    assert node.est.size_prior_weight == 0.0
    # flip_test: live, on the student and (rgbd) its teacher; frames keep flowing with it on
    assert node.set_parameters([Parameter("flip_test", value=True)])[0].successful and node.est.flip_test
    try:
        sec = s.send()
        assert wait(lambda: _markers_for(h, sec), 10)
    finally:
        assert node.set_parameters([Parameter("flip_test", value=False)])[0].successful and not node.est.flip_test
    # the ground-plane prior (pipose_ros.floor): live, 0 m = off; frames keep flowing with it on
    from pipose_ros.floor import Floor
    assert node.floor is None
    assert all(r.successful for r in node.set_parameters([Parameter("floor_camera_height", value=1.1),
                                                          Parameter("floor_camera_pitch", value=-10.0)]))
    assert node.floor.height == 1.1 and np.allclose(node.floor.up, Floor.from_mount(1.1, -10.0).up)
    assert not node.set_parameters([Parameter("floor_camera_height", value=-1.0)])[0].successful
    assert node.set_parameters([Parameter("floor_angle_sigma", value=4.5)])[0].successful  # a mount known to ±4.5°
    assert not node.set_parameters([Parameter("floor_angle_sigma", value=0.0)])[0].successful
    try:
        sec = s.send()
        assert wait(lambda: _tf_at(h, sec), 10)
        # the people went through the prior, counted per outcome for /diagnostics (floor_prior_<reason>)
        assert sum(node.floor_counts.values()) > 0, node.floor_counts
    finally:
        assert node.set_parameters([Parameter("floor_camera_height", value=0.0)])[0].successful
    assert node.floor is None
    sec = s.send()
    assert wait(lambda: _tf_at(h, sec), 10)
    _floor_from_tf(h, s)


def _floor_from_tf(h, s):
    """floor_frame: the camera's mount looked up in /tf_static per image (live); before the robot's
    TF arrives the people keep the network's distance, counted and said (floor_prior_no_tf)."""
    from geometry_msgs.msg import TransformStamped
    from rclpy.qos import QoSDurabilityPolicy, QoSProfile, QoSReliabilityPolicy
    from scipy.spatial.transform import Rotation
    from tf2_msgs.msg import TFMessage

    from pipose_ros.floor import Floor

    node = h.node
    assert node.set_parameters([Parameter("floor_frame", value="base_footprint")])[0].successful
    assert [x.topic_name for x in node._tf_subs] == ["/tf", "/tf_static"]
    try:
        node.recent_warnings.clear()
        sec = s.send()
        assert wait(lambda: _tf_at(h, sec), 10)
        assert node.floor_counts.get("no tf", 0) > 0
        assert any("no camera mount for" in w and "base_footprint" in w for w in node.recent_warnings)
        static = h.io.create_publisher(TFMessage, "/tf_static", QoSProfile(
            depth=10, reliability=QoSReliabilityPolicy.RELIABLE, durability=QoSDurabilityPolicy.TRANSIENT_LOCAL))

        def tr(parent, child, t, q):
            m = TransformStamped()
            m.header.frame_id, m.child_frame_id = parent, child
            m.transform.translation.x, m.transform.translation.y, m.transform.translation.z = t
            m.transform.rotation.x, m.transform.rotation.y, m.transform.rotation.z, m.transform.rotation.w = q
            return m

        # camera_link 1.1 m up, pitched 10° down (+y), and the optical frame the images are in
        look_down = tuple(float(v) for v in Rotation.from_euler("y", 10, degrees=True).as_quat())
        static.publish(TFMessage(transforms=[tr("base_footprint", "camera_link", (0.0, 0.0, 1.1), look_down),
                                             tr("camera_link", FRAME, (0.0, 0.0, 0.0), (-0.5, 0.5, -0.5, 0.5))]))
        assert wait(lambda: FRAME in node.tf_buffer.frames(), 10)
        before = dict(node.floor_counts)
        sec = s.send()
        assert wait(lambda: _tf_at(h, sec), 10)
        assert sum(node.floor_counts.values()) > sum(before.values())
        assert node.floor_counts.get("no tf") == before.get("no tf")  # every person went through the prior
        f = Floor.from_transform(*node.tf_buffer.lookup("base_footprint", FRAME, sec))
        assert f.height == pytest.approx(1.1) and np.allclose(f.up, Floor.from_mount(1.1, -10.0).up)
        assert not any(f.startswith("body_") for f in node.tf_buffer.frames())  # its own skeleton frames: skipped
        h.io.destroy_publisher(static)
    finally:
        assert node.set_parameters([Parameter("floor_frame", value="")])[0].successful
    assert node._tf_subs == []
    assert not node.set_parameters([Parameter("floor_frame", value="base footprint")])[0].successful
    assert not node.set_parameters([Parameter("floor_frame", value="/base_footprint")])[0].successful


@pytest.mark.parametrize("name, value", [("mode", "rgbx"), ("backend", "tensorflow"), ("device", "gpu"),
                                         ("detector_windows", [1.0, 0.0]), ("slop", -1.0)])
def test_bad_parameter_at_start_is_one_clear_error(ros_ctx, tiny_checkpoints, name, value):
    from pipose_ros.ros.node import PoseNode

    with pytest.raises(Exception) as e:
        PoseNode(parameter_overrides=[Parameter("checkpoint", value=str(tiny_checkpoints["student"])),
                                      Parameter(name, value=value)])
    assert name in str(e.value)


def test_soak_30s_at_60hz():
    """The CI-sized overload soak: 30 s of 60 Hz input to a node in its own process — it keeps
    up its output, skips (newest frame only), keeps latency bounded, logs no error and exits
    cleanly (the 10-minute run and its numbers: `pipose soak`, docs/RELIABILITY.md)."""
    from pipose_ros.tools.soak import soak

    r = soak(seconds=30, rate=60.0, period=10)
    assert r["exit_code"] == 0 and not r["errors"], (r.get("errors"), r.get("log"))
    assert len(r["periods"]) >= 3 and all(p["out_hz"] > 1.0 for p in r["periods"]), r["periods"]
    assert r["skipped"] > 0 and r["frames_out"] > 0
    assert all(p["latency_p95_ms"] < 2000 for p in r["periods"])  # bounded: no queue builds up
