"""``pose_node``: RGB (or RGB-D) images in, 3D skeletons out as TF frames and RViz markers.

A managed (lifecycle) node: *configure* loads the model(s), *activate* subscribes, *deactivate*
unsubscribes and keeps the model, *cleanup* releases it; ``autostart`` (default true) does
configure + activate at start. ``ros2 lifecycle set /pose_node <transition>`` or any lifecycle
manager drives it; a model that cannot be loaded fails configure with a one-line error.

Subscriptions (relative, remappable): ``image`` + ``camera_info`` (each image decoded with the
camera_info of its own stamp when one has arrived by the time the image is processed, else the
newest: :class:`pipose_ros.ros.sync.InfoByStamp`; counted in /diagnostics as
``camera_info_by_stamp`` / ``camera_info_newest``); in ``rgbd`` mode also
``depth/image`` + ``depth/camera_info`` (depth paired with the image by
message_filters.ApproximateTimeSynchronizer where installed, else
:class:`pipose_ros.ros.sync.ApproxPairSync`, same policy). All with SensorDataQoS (best effort,
keep last 5) unless ``reliability`` overrides it. With ``floor_frame`` set, also ``/tf`` and
``/tf_static`` (tf2's QoS) for the ground-plane prior's camera mount (:mod:`pipose_ros.tf_buffer`).

People: with a person detector (``detector``; BlazePose's, :mod:`pipose_ros.detect`) every
detected person is one crop — a virtual camera K_crop = S·K — and all crops of a frame run as one
batch; each skeleton gets a ROS4HRI body id that stays the same while the person moves
(:class:`pipose_ros.track.BodyTracker`). Without one, the whole image is one view (one person).

Publications: ``/tf`` (tf2_msgs/TFMessage; ``body_<id>`` placed and oriented as REP-155 says and
``<joint>_<id>`` frames, see :mod:`pipose_ros.ros.output`; parent = the image's frame_id, stamp =
the image's stamp, never twice the same stamp), ``skeleton_markers``
(visualization_msgs/MarkerArray; namespace ``student/body_<id>``, and in rgbd mode
``teacher/body_<id>`` for the depth teacher's skeleton on the same crops of the registered depth)
and the ROS4HRI topics (REP-155): ``/humans/bodies/tracked`` (hri_msgs/IdsList) and per body
``/humans/bodies/<id>/roi`` (hri_msgs/NormalizedRegionOfInterest2D) and
``/humans/bodies/<id>/skeleton2d`` (hri_msgs/Skeleton2D); a body's topics go when it leaves.

rgbd mode (``depth_anchor``, default on): each person's published skeleton is the student's 2D with
the depth teacher's joint depths anchored to the measured depth (:func:`pipose_ros.anchor.anchor_people`);
a person the depth does not show (``teacher_min_depth_support``) keeps the student's skeleton.

Only the newest frame is processed: a frame that arrives while inference runs replaces the
waiting one (counted as ``skipped`` in the periodic stats log, never silently). Bad input —
unknown encoding, size mismatch with camera_info, unusable K, invalid depth — is logged with a
throttled warning naming the problem, the frame is dropped and counted, the node keeps running.
"""

from __future__ import annotations

import math
import re
import signal
import threading
import time
from collections import deque

import numpy as np
import rclpy
from rcl_interfaces.msg import FloatingPointRange, IntegerRange, ParameterDescriptor, SetParametersResult
from rclpy.event_handler import PublisherEventCallbacks, SubscriptionEventCallbacks
from rclpy.executors import ExternalShutdownException
from rclpy.lifecycle import LifecycleNode, TransitionCallbackReturn
from rclpy.qos import (QoSProfile, QoSReliabilityPolicy, QoSDurabilityPolicy, QoSHistoryPolicy,
                       qos_profile_sensor_data)
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from sensor_msgs.msg import CameraInfo, Image
from visualization_msgs.msg import MarkerArray

from ..anchor import anchor_people, match_teachers
from ..assets import model_path
import cv2

from ..camera import Undistorter, points_box, scale_K
from ..estimator import CANDIDATES_PER_PERSON, PoseEstimator
from ..floor import Floor, place_on_floor
from ..tf_buffer import TransformBuffer, TransformError
from ..smooth import SkeletonSmoother
from ..skeleton import get_joint_set
from ..params import PARAMS, body_tracker, person_finder
from ..msgs import camera_info_to_K, image_to_depth_m, image_to_rgb, stamp_ns
from .output import body_roi, ids_list, marker_array, skeleton2d, skeleton_transforms
from .sync import ApproxPairSync, InfoByStamp

try:  # present in every ROS 2 install; absent from the PyPI wheels
    import message_filters
except ImportError:  # pragma: no cover - depends on the machine
    message_filters = None

try:
    from hri_msgs.msg import IdsList, NormalizedRegionOfInterest2D, Skeleton2D
    from tf2_msgs.msg import TFMessage
except ImportError as e:  # pragma: no cover
    raise ImportError("tf2_msgs and hri_msgs are required (ROS 2, or `make venv` builds them)") from e


def default_model(name: str) -> str:
    """Path of a shipped checkpoint (:func:`pipose_ros.assets.model_path`)."""
    return str(model_path(name))


def _gain(value: float) -> float | None:
    """The ``relative_depth_gain`` / ``size_prior_weight`` parameter → PoseEstimator's argument
    (negative: the file's)."""
    return None if float(value) < 0 else float(value)


def _smoother(p: dict) -> SkeletonSmoother:
    """The ``smoothing_*`` parameters' per-body skeleton smoother (used while ``smoothing`` is on)."""
    return SkeletonSmoother(p["smoothing_min_cutoff"], p["smoothing_beta"], p["smoothing_beta_depth"])


def _floor(p: dict) -> Floor | None:
    """The floor of the ``floor_camera_*`` parameters, None while ``floor_camera_height`` is 0."""
    if float(p["floor_camera_height"]) <= 0:
        return None
    return Floor.from_mount(float(p["floor_camera_height"]), float(p["floor_camera_pitch"]),
                            float(p["floor_camera_roll"]))


def check_parameter(name: str, value) -> str | None:
    """Why ``value`` is not allowed for the node parameter ``name`` (None when it is)."""
    rules = PARAMS[name][2]
    if "choices" in rules and value not in rules["choices"]:
        return f"{name} must be one of {', '.join(map(str, rules['choices']))}, got {value!r}"
    if "range" in rules and not rules["range"][0] <= value <= rules["range"][1]:
        return f"{name} must be in [{rules['range'][0]}, {rules['range'][1]}], got {value!r}"
    if "pattern" in rules and not re.fullmatch(rules["pattern"], str(value)):
        return f"{name} must match {rules['pattern']}, got {value!r}"
    if "each" in rules and not all(rules["each"][0] <= float(v) <= rules["each"][1] for v in value):
        return f"every {name} value must be in [{rules['each'][0]}, {rules['each'][1]}], got {list(value)}"
    return None


def check_parameters(values: dict) -> None:
    """Raise ``ValueError`` naming the first parameter in ``values`` ({name: value}) whose value
    :func:`check_parameter` refuses."""
    for name, value in values.items():
        err = check_parameter(name, value)
        if err:
            raise ValueError(f"parameter {err}")


def _descriptor(name: str) -> ParameterDescriptor:
    default, desc, rules = PARAMS[name]
    note = "" if rules.get("live") else (" (read at start only)" if rules.get("start") else
                                         " (read at configure: change it while the node is unconfigured)")
    d = ParameterDescriptor(description=desc + note, read_only=bool(rules.get("start")))
    if "choices" in rules:
        d.additional_constraints = "one of: " + ", ".join(rules["choices"])
    if "range" in rules:  # only on int and float parameters
        lo, hi = rules["range"]
        if isinstance(default, int):
            d.integer_range = [IntegerRange(from_value=int(lo), to_value=int(hi), step=1)]
        else:
            d.floating_point_range = [FloatingPointRange(from_value=float(lo), to_value=float(hi), step=0.0)]
    return d


# per-frame stages timed in the diagnostics (ms): image conversion + undistortion, person boxes,
# crops + normalisation, the network, SPDH decoding, the depth teacher (rgbd), publishing, all
STAGES = ("convert", "detect", "crop", "network", "decode", "teacher", "publish", "total")


class PoseNode(LifecycleNode):
    """The ROS 2 node, a managed (lifecycle) node; see the module docstring.

    States (ROS 2 managed nodes, design.ros2.org/articles/node_lifecycle.html): *configure* reads
    the parameters and loads the model(s), the detector and the publishers; *activate* creates
    the subscriptions and starts the inference thread; *deactivate* stops both and keeps the
    model; *cleanup* releases the model. A model that cannot be loaded fails the configure
    transition with a one-line error (logged, on /diagnostics as ERROR, in
    :attr:`configure_error`), and the node stays unconfigured. With ``autostart`` (default) the
    node configures and activates itself at start. Raises ``ValueError`` at construction for a
    parameter value its rules refuse.
    """

    def __init__(self, **kwargs):
        super().__init__("pose_node", **kwargs)
        self._configured = False  # between a successful configure and cleanup
        self.add_on_set_parameters_callback(self._on_set_parameters)
        for name, (default, _, _) in PARAMS.items():
            self.declare_parameter(name, default, _descriptor(name))
        # kept current by _on_set_parameters from here on (configure reads it)
        self.p = {n: self.get_parameter(n).value for n in PARAMS}
        check_parameters(self.p)  # overrides that skipped the callback (e.g. from a YAML file)
        self.est = None  # the loaded model(s): set by configure, released by cleanup
        self.detector = None
        self.configure_error: str | None = None  # why the last configure failed (None: it did not)
        self._last_warn: dict[str, float] = {}
        self.recent_warnings: deque[str] = deque(maxlen=50)  # every warning, for tests / introspection
        self._reset_counters()
        self._last_tf_stamp = -1  # kept over re-activations: a TF stamp is never sent twice
        self._subs: list = []
        self._tf_subs: list = []  # /tf and /tf_static while floor_frame is set and the node is active
        self.tf_buffer = TransformBuffer()  # what /tf and /tf_static said (the floor_frame lookups)
        self._pubs: list = []  # lifecycle publishers, created by configure
        self.hri_body_pubs: dict[str, tuple] = {}  # body id → (roi, skeleton2d) publishers
        self._pending = None
        self._cv = threading.Condition()
        self._running = False
        self._worker = None
        self.diag_pub = self._pub(DiagnosticArray, "/diagnostics", 10)  # in every state (a failed configure too)
        if self.p["stats_period"] > 0:
            self.create_timer(self.p["stats_period"], self._log_stats)
        if self.p["autostart"] and self.trigger_configure() == TransitionCallbackReturn.SUCCESS:
            self.trigger_activate()

    @property
    def state(self) -> str:
        """The lifecycle state's label: unconfigured, inactive, active or finalized."""
        return self._state_machine.current_state[1]

    def _reset_counters(self) -> None:
        self._info_time: dict[str, float] = {}  # monotonic time of the last valid camera_info per stream
        self._image_time = None  # monotonic time of the last image
        self.drop_counts: dict[str, int] = {}  # dropped frames per reason (diagnostics)
        self.floor_counts: dict[str, int] = {}  # ground-plane prior: people per FloorFit.reason (diagnostics)
        self.stats = {"in": 0, "out": 0, "skipped": 0, "dropped": 0, "persons": 0, "anchored": 0, "unsupported": 0,
                      "late_info": 0, "info_by_stamp": 0, "info_newest": 0}
        self._infos = {"image": InfoByStamp(), "depth": InfoByStamp()}  # valid camera_infos by stamp
        self._used_K: deque = deque(maxlen=64)  # (image stamp ns, K it was decoded with): _check_late_info
        self._used_K_lock = threading.Lock()
        self.stage_ms = {k: deque(maxlen=300) for k in STAGES}  # the last frames' per-stage times
        self._previous: list = []  # the last frame's skeletons (tracking mode)
        self._raw_stamps = {"image": deque(maxlen=30), "depth": deque(maxlen=30)}  # rgbd, before pairing
        self._raw_count = {"image": 0, "depth": 0}
        self._raw_reported = {"image": 0, "depth": 0, "pairs": 0}

    # ---- lifecycle -----------------------------------------------------------------------
    def on_configure(self, state) -> TransitionCallbackReturn:
        """Read the parameters, load the model(s) and detector, create the publishers. A model
        or parameter that cannot be used: one-line error, FAILURE (back to unconfigured)."""
        try:
            self._load()
        except Exception as e:  # noqa: BLE001 - any load error fails the transition, with its reason
            self.configure_error = f"configure failed: {type(e).__name__}: {e}".splitlines()[0]
            self.get_logger().error(self.configure_error + " — the node stays unconfigured (fix the parameter, "
                                    f"then `ros2 lifecycle set {self.get_fully_qualified_name()} configure`)")
            self._release()
            return TransitionCallbackReturn.FAILURE
        self.configure_error = None
        self._configured = True
        return super().on_configure(state)

    def on_activate(self, state) -> TransitionCallbackReturn:
        """Subscribe and start the inference thread; the person finder starts afresh (the first
        frame gets a full detection: the scene may have changed while the node was inactive)."""
        ret = super().on_activate(state)  # lifecycle publishers first: the first frame can publish
        self._reset_counters()
        if self.detector is not None:
            self.detector.reset()
        self._running = True
        self._worker = threading.Thread(target=self._work, name="pipose_infer", daemon=True)
        self._worker.start()
        self._subscribe()
        self._listen_tf()
        self.get_logger().info("active: subscribed to " + ", ".join(s.topic_name for s in self._subs + self._tf_subs))
        return ret

    def on_deactivate(self, state) -> TransitionCallbackReturn:
        """Unsubscribe and stop the inference thread; the model stays loaded. Consumers are told
        that nobody is tracked any more (empty ROS4HRI list, markers deleted)."""
        self._unsubscribe()
        self.stop()
        ended = list(self.tracker.live_ids)
        self.tracker = body_tracker(self.p, self.joint_set)
        self.smoother = _smoother(self.p)
        self._previous = []
        header = Image().header
        header.stamp = self.get_clock().now().to_msg()
        if self.p["publish_markers"] and ended:
            self.marker_pub.publish(marker_array({}, header, self.joint_set, clear_all=True))
        if self.p["publish_hri"]:
            self.hri_tracked_pub.publish(ids_list([], header))
        for pubs in self.hri_body_pubs.values():
            for pub in pubs:
                self.destroy_publisher(pub)
        self.hri_body_pubs.clear()
        return super().on_deactivate(state)

    def on_cleanup(self, state) -> TransitionCallbackReturn:
        """Release the model(s), the detector and the publishers."""
        self._release()
        return TransitionCallbackReturn.SUCCESS

    def on_shutdown(self, state) -> TransitionCallbackReturn:
        """From any state: stop, unsubscribe, release."""
        self._unsubscribe()
        self.stop()
        self._release()
        return TransitionCallbackReturn.SUCCESS

    def on_error(self, state) -> TransitionCallbackReturn:
        """An exception in a transition: release everything and go back to unconfigured."""
        self.get_logger().error(f"lifecycle error in state {state.label}: releasing everything, now unconfigured")
        return self.on_shutdown(state)

    def _load(self) -> None:
        """configure: the model(s), detector, tracker and publishers from ``self.p``."""
        p = self.p
        self.joint_set = get_joint_set(p["joint_set"])
        ck = p["checkpoint"] or default_model("pipose_student_kinect14.pt")
        tck = None
        if p["mode"] == "rgbd":
            tck = p["teacher_checkpoint"] or default_model("pipose_teacher_kinect14.pt")
        self.est = PoseEstimator.from_checkpoint(ck, p["device"], p["min_confidence"], tck, backend=p["backend"],
                                                 logger=self.get_logger().info, same_person=p["same_person"],
                                                 relative_depth_gain=_gain(p["relative_depth_gain"]),
                                                 size_prior_weight=_gain(p["size_prior_weight"]), flip_test=p["flip_test"],
                                                 min_depth_support=p["teacher_min_depth_support"])
        self.get_logger().info(
            f"loaded {ck} ({self.est.meta['model']['kind']}, input {self.est.input_w}x{self.est.input_h}; "
            f"{self.est.backend})" + (f"; teacher {tck}" if tck else ""))
        self.detector = person_finder(p, bool(self.est.meta.get("crop")))
        self.tracker = body_tracker(p, self.joint_set)
        self.smoother = _smoother(p)
        self.floor = _floor(p)
        if p["floor_frame"]:
            self.get_logger().info(f"ground-plane prior on: the camera's mount from TF, floor = z = 0 of "
                                   f"{p['floor_frame']!r}")
        elif self.floor is not None:
            self.get_logger().info(f"ground-plane prior on: camera {self.floor.height:.2f} m above the floor, pitch "
                                   f"{p['floor_camera_pitch']:g}°, roll {p['floor_camera_roll']:g}°")
        det = "none" if self.detector is None else (
            "blazepose + whole-body" if self.detector.detector.body is not None else "blazepose")
        self.get_logger().info(f"person detector: {det}" + (f" (max {p['max_people']} people)" if self.detector else
                                                             " (whole image, one person)"))
        self.undistorter = Undistorter()
        tf_qos = QoSProfile(depth=100, reliability=QoSReliabilityPolicy.RELIABLE,
                            durability=QoSDurabilityPolicy.VOLATILE)
        self.tf_pub = self._pub(TFMessage, "/tf", tf_qos, managed=True)
        self.marker_pub = self._pub(MarkerArray, "skeleton_markers", 10, managed=True)
        self.hri_tracked_pub = self._pub(IdsList, "/humans/bodies/tracked", 10, managed=True)

    def _release(self) -> None:
        """cleanup: drop the model(s) and publishers (idempotent)."""
        for pub in self._pubs:
            self.destroy_lifecycle_publisher(pub)
        self._pubs.clear()
        self.est = None
        self.detector = None
        self._configured = False

    def _input_qos(self) -> QoSProfile:
        qos = QoSProfile(history=QoSHistoryPolicy.KEEP_LAST, depth=qos_profile_sensor_data.depth,
                         reliability=qos_profile_sensor_data.reliability,
                         durability=qos_profile_sensor_data.durability)
        rel = self.p["reliability"]
        if rel == "reliable":
            qos.reliability = QoSReliabilityPolicy.RELIABLE
        elif rel == "system_default":
            qos.reliability = QoSReliabilityPolicy.SYSTEM_DEFAULT
        return qos

    def _subscribe(self) -> None:
        """activate: the input subscriptions (and the image/depth pairing in rgbd mode)."""
        p, qos = self.p, self._input_qos()
        self._subs.append(self._sub(CameraInfo, "camera_info", lambda m: self._on_info("image", m), qos))
        if p["mode"] == "rgb":
            self._subs.append(self._sub(Image, "image", lambda m: self._enqueue(m, None), qos))
            return
        self._subs.append(self._sub(CameraInfo, "depth/camera_info", lambda m: self._on_info("depth", m), qos))
        if message_filters is not None:
            subs = [message_filters.Subscriber(self, Image, "image", qos_profile=qos),
                    message_filters.Subscriber(self, Image, "depth/image", qos_profile=qos)]
            self.sync = message_filters.ApproximateTimeSynchronizer(subs, p["queue_size"], p["slop"])
            self.sync.registerCallback(self._enqueue)
            subs[0].registerCallback(lambda m: self._note_stamp("image", m))
            subs[1].registerCallback(lambda m: self._note_stamp("depth", m))
            self._subs += [s.sub for s in subs]
            sync_name = "message_filters.ApproximateTimeSynchronizer"
        else:
            self.sync = ApproxPairSync(self._enqueue, p["queue_size"], p["slop"])
            self._subs.append(self._sub(Image, "image", lambda m: (self._note_stamp("image", m), self.sync.add(0, m)),
                                        qos))
            self._subs.append(self._sub(Image, "depth/image",
                                        lambda m: (self._note_stamp("depth", m), self.sync.add(1, m)), qos))
            sync_name = "pipose_ros ApproxPairSync (message_filters not installed)"
        self.get_logger().info(f"rgbd mode: image/depth pairing by {sync_name}, slop {p['slop']} s")

    def _unsubscribe(self) -> None:
        for sub in self._subs + self._tf_subs:
            self.destroy_subscription(sub)
        self._subs.clear()
        self._tf_subs.clear()

    def _listen_tf(self) -> None:
        """While ``floor_frame`` is set (and the node active): /tf and /tf_static into
        :attr:`tf_buffer`, with tf2's QoS (reliable; /tf_static transient local, so a late joiner
        still gets the robot's static mount); unset: unsubscribe."""
        if not self.p["floor_frame"]:
            for sub in self._tf_subs:
                self.destroy_subscription(sub)
            self._tf_subs.clear()
            return
        if self._tf_subs:
            return
        qos = QoSProfile(depth=100, reliability=QoSReliabilityPolicy.RELIABLE, durability=QoSDurabilityPolicy.VOLATILE)
        static_qos = QoSProfile(depth=100, reliability=QoSReliabilityPolicy.RELIABLE,
                                durability=QoSDurabilityPolicy.TRANSIENT_LOCAL)
        self._tf_subs = [self._sub(TFMessage, "/tf", lambda m: self._on_tf(m, False), qos),
                         self._sub(TFMessage, "/tf_static", lambda m: self._on_tf(m, True), static_qos)]

    def _on_tf(self, msg, static: bool) -> None:
        """A TFMessage into the buffer; skeleton frames (this node's, or another pipose node's:
        their first transform is a ``body_<id>``) are skipped, they never lead to the floor."""
        if msg.transforms and msg.transforms[0].child_frame_id.startswith(self.p["frame_prefix"] + "body_"):
            return
        for tr in msg.transforms:
            t, q = tr.transform.translation, tr.transform.rotation
            try:
                self.tf_buffer.set_transform(tr.header.frame_id, tr.child_frame_id, stamp_ns(tr) * 1e-9,
                                             (t.x, t.y, t.z), (q.x, q.y, q.z, q.w), static)
            except ValueError as e:
                self._warn("bad-tf", f"ignoring a transform on {'/tf_static' if static else '/tf'}: {e}")

    def _frame_floor(self, camera_frame: str, stamp: int, n_people: int) -> Floor | None:
        """The floor for one image: from TF at its stamp when ``floor_frame`` is set (None, with a
        throttled warning and the people counted as ``floor_prior_no_tf``, when TF cannot say),
        else the ``floor_camera_*`` one."""
        if not self.p["floor_frame"]:
            return self.floor
        try:
            return Floor.from_transform(*self.tf_buffer.lookup(self.p["floor_frame"], camera_frame, stamp * 1e-9))
        except (TransformError, ValueError) as e:
            self.floor_counts["no tf"] = self.floor_counts.get("no tf", 0) + n_people
            self._warn("floor-tf", f"ground-plane prior: no camera mount for {camera_frame!r} in "
                                   f"{self.p['floor_frame']!r}: {e}; these people keep the network's distance")
            return None

    # ---- parameters ----------------------------------------------------------------------
    def _on_set_parameters(self, params) -> SetParametersResult:
        """Validate every change (declaration included) against PARAMS' rules. Live parameters
        apply at once; the others are read when the node is configured, so they may change only
        while it is unconfigured (start-only ones never: their descriptor is read-only)."""
        for prm in params:
            if prm.name in PARAMS:
                err = check_parameter(prm.name, prm.value)
                if err:
                    return SetParametersResult(successful=False, reason=err)
                if self._configured and not PARAMS[prm.name][2].get("live"):
                    return SetParametersResult(successful=False, reason=(
                        f"{prm.name} is read-only while the node is configured (read at configure): deactivate, "
                        "cleanup, set it, configure, activate"))
                if prm.name == "size_prior_weight" and self._configured and prm.value > 0 and not self.est.has_size_prior:
                    return SetParametersResult(successful=False, reason=(
                        "size_prior_weight > 0: this model file has no reference bone lengths (run pipose "
                        "tune-decode --write on it)"))
        for prm in params:
            if prm.name in PARAMS and hasattr(self, "p"):
                self._apply(prm.name, prm.value)
                self.get_logger().info(f"parameter {prm.name} set to {prm.value!r}")
        return SetParametersResult(successful=True)

    def _apply(self, name: str, value) -> None:
        """A parameter's new value; a live one also where the configured node keeps a copy."""
        self.p[name] = value
        if not self._configured:
            return
        if name in ("min_confidence", "same_person"):
            for est in (self.est, self.est.teacher):  # the teacher may be self.est itself: harmless
                if est is not None:
                    setattr(est, name, float(value))
        elif name == "relative_depth_gain":
            self.est.set_relative_depth_gain(_gain(value))
        elif name == "size_prior_weight":
            self.est.set_size_prior_weight(_gain(value))
        elif name == "flip_test":
            self.est.set_flip_test(bool(value))
        elif name == "teacher_min_depth_support" and self.est.teacher is not None:
            self.est.teacher.min_depth_support = float(value)
        elif name in ("floor_camera_height", "floor_camera_pitch", "floor_camera_roll"):
            self.floor = _floor(self.p)
        elif name == "floor_frame" and self.state == "active":
            self._listen_tf()
        elif name == "track_max_age":
            self.tracker.max_age_s = float(value)
        elif name.startswith("smoothing"):  # new settings, or smoothing switched: every body starts afresh
            self.smoother = _smoother(self.p)
        elif self.detector is not None and name in ("max_people", "detector_min_score", "tracking", "detector_every",
                                                    "tracking_follow", "detector_full_every", "detector_body_min_score"):
            if name == "max_people":
                self.detector.detector.max_people = CANDIDATES_PER_PERSON * int(value)
            elif name == "detector_min_score":
                self.detector.detector.min_score = float(value)
            elif name == "detector_body_min_score":
                if self.detector.detector.body is not None:
                    self.detector.detector.body.min_score = float(value)
            elif name == "tracking":
                self.detector.tracking = bool(value)
            elif name == "tracking_follow":
                self.detector.follow = str(value)
            elif name == "detector_full_every":
                self.detector.full_every = int(value)
            else:
                self.detector.every = int(value)

    # ---- QoS: say when the other side cannot be matched ---------------------------------
    def _sub(self, msg_type, topic: str, cb, qos):
        """create_subscription that logs an incompatible publisher (as `ros2 topic info -v` shows)."""
        name = self.resolve_topic_name(topic)
        ev = SubscriptionEventCallbacks(incompatible_qos=lambda info: self._warn(
            f"qos-{name}", f"QoS mismatch on {name}: a publisher offers an incompatible "
                           f"{info.last_policy_kind.name} (this subscription: {qos.reliability.name.lower()}, "
                           f"{qos.durability.name.lower()}); no messages will arrive — set the `reliability` "
                           f"parameter to match, see `ros2 topic info -v {name}`"))
        return self.create_subscription(msg_type, topic, cb, qos, event_callbacks=ev)

    def _pub(self, msg_type, topic: str, qos, managed: bool = False):
        """create_publisher that logs an incompatible subscriber; ``managed``: a lifecycle
        publisher (publishes only while the node is active, destroyed by cleanup)."""
        name = self.resolve_topic_name(topic)
        ev = PublisherEventCallbacks(incompatible_qos=lambda info: self._warn(
            f"qos-{name}", f"QoS mismatch on {name}: a subscriber requests an incompatible "
                           f"{info.last_policy_kind.name} than this node offers; it receives nothing — "
                           f"see `ros2 topic info -v {name}`"))
        if managed:
            pub = self.create_lifecycle_publisher(msg_type, topic, qos, event_callbacks=ev)
            self._pubs.append(pub)
            return pub
        return self.create_publisher(msg_type, topic, qos, event_callbacks=ev)

    # ---- input -------------------------------------------------------------------------
    def _warn(self, key: str, text: str) -> None:
        """Throttled warning, one throttle per problem ``key``."""
        self.recent_warnings.append(text)
        now = time.monotonic()
        if now - self._last_warn.get(key, -1e9) >= self.p["warn_throttle"]:
            self._last_warn[key] = now
            self.get_logger().warning(text)

    def _on_info(self, which: str, msg: CameraInfo) -> None:
        try:
            info = camera_info_to_K(msg)
            self._infos[which].add(stamp_ns(msg), info)
            self._info_time[which] = time.monotonic()
            if which == "image":
                self._check_late_info(stamp_ns(msg), info[0])
        except ValueError as e:
            self._infos[which].clear()
            topic = "camera_info" if which == "image" else "depth/camera_info"
            self._warn(f"info-{which}", f"ignoring {self.resolve_topic_name(topic)}: {e}; no estimate until a valid one arrives")

    def _check_late_info(self, stamp: int, K: np.ndarray) -> None:
        """A camera_info that arrives after the image of its stamp was decoded, with another K than the
        one that image was decoded with (no camera_info of its stamp had arrived, so the newest then,
        :class:`InfoByStamp`): that frame's 3D used old intrinsics.
        Harmless for a camera whose K never changes (nothing is reported then); for one whose K changes
        (zoom, a moving region of interest) a throttled warning and the ``late_camera_info_changed``
        count in /diagnostics say so (session 20: the demo's first panned sequence)."""
        with self._used_K_lock:
            used = next((k for s, k in self._used_K if s == stamp), None)
        if used is not None and not np.allclose(used, K, rtol=0, atol=1e-6):
            self.stats["late_info"] += 1
            self._warn("late-info", f"camera_info stamped {stamp * 1e-9:.3f} s arrived after its image on "
                                    f"{self.resolve_topic_name('image')}, which was decoded with an older camera_info "
                                    f"of other intrinsics (c_x {used[0, 2]:.1f} against {K[0, 2]:.1f} px): its 3D used "
                                    "the old K; intrinsics that change per frame need each camera_info to arrive "
                                    "before the node processes its image")

    def _enqueue(self, img: Image, depth: Image | None) -> None:
        self._image_time = time.monotonic()
        if depth is not None:  # a pair formed: the offsets of interest are those after it
            for q in self._raw_stamps.values():
                q.clear()
        with self._cv:
            self.stats["in"] += 1
            if self._pending is not None:
                self.stats["skipped"] += 1  # an older frame waiting: replaced by the newest
            self._pending = (img, depth)
            self._cv.notify()

    # ---- processing --------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            with self._cv:
                while self._pending is None and self._running:
                    self._cv.wait(0.5)
                if not self._running:
                    return
                img, depth = self._pending
                self._pending = None
            try:
                self._process(img, depth)
            except Exception as e:  # keep the node alive; log what went wrong
                if not rclpy.ok():  # shutting down: publishers are gone, nothing to report
                    return
                self._drop("exception", f"frame on {self.resolve_topic_name('image')}: {type(e).__name__}: {e}")

    def _drop(self, key: str, text: str) -> None:
        self.stats["dropped"] += 1
        self.drop_counts[key] = self.drop_counts.get(key, 0) + 1
        self._warn(key, text + " (frame dropped)")

    def _process(self, img: Image, depth: Image | None) -> None:
        info, exact = self._infos["image"].lookup(stamp_ns(img))  # its own stamp's, else the newest
        if info is None:
            self._drop("no-info", f"no valid camera_info on {self.resolve_topic_name('camera_info')} yet")
            return
        self.stats["info_by_stamp" if exact else "info_newest"] += 1
        K, D, (w, h), model, info_frame = info
        with self._used_K_lock:
            self._used_K.append((stamp_ns(img), K))  # for _check_late_info
        topic = self.resolve_topic_name("image")
        frame = img.header.frame_id
        if not frame:
            self._drop("no-frame-id", f"image on {topic} has an empty frame_id: its skeleton would have no TF parent")
            return
        if info_frame and info_frame != frame:
            self._warn("frame-mismatch", f"camera_info frame_id {info_frame!r} differs from the frame_id {frame!r} of "
                                         f"the image on {topic}; publishing in the image's frame")
        if min(int(img.width), int(img.height)) < self.p["min_image_size"]:
            self._drop("too-small", f"image on {topic} is {img.width}x{img.height}, too small to hold a person "
                                    f"(min_image_size {self.p['min_image_size']})")
            return
        t_conv = time.perf_counter()
        try:
            rgb = image_to_rgb(img)
        except ValueError as e:
            self._drop("bad-image", f"bad image on {topic}: {e}")
            return
        if rgb.shape[1] != w or rgb.shape[0] != h:
            self._drop("size", f"image on {topic} is {rgb.shape[1]}x{rgb.shape[0]} but camera_info says {w}x{h}")
            return
        if max(w, h) > self.p["max_image_size"]:
            s = self.p["max_image_size"] / max(w, h)
            nw, nh = max(1, round(w * s)), max(1, round(h * s))
            self._warn("large", f"image on {topic} is {w}x{h}: downscaled to {nw}x{nh} first (max_image_size)")
            rgb = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA)
            K = scale_K(K, nw / w, nh / h)
            w, h = nw, nh
        if self.p["undistort"]:
            rgb = self.undistorter(rgb, K, D, model=model)
        t_det = time.perf_counter()
        boxes, scores = None, None
        if self.detector is not None:
            boxes, scores = self.detector(rgb, self._previous)
        t_est = time.perf_counter()
        self.est.timing = {}
        if boxes is None:
            skels = self.est.estimate(rgb, K)
        else:
            skels = self.est.estimate_people(rgb, K, boxes, self.p["max_people"]) if boxes else []
        stage = {"convert": (t_det - t_conv) * 1e3, "detect": (t_est - t_det) * 1e3, **self.est.timing}
        self._previous = skels
        for s in skels:
            if s.box is None:  # whole-image view: the box of its 2D joints
                s.box = points_box(s.uv)
            elif scores is not None:
                s.score = scores[next(i for i, b in enumerate(boxes) if np.array_equal(b, s.box))]
        floor = self._frame_floor(frame, stamp_ns(img), len(skels)) if skels else None
        if floor is not None:
            sigma = math.radians(self.p["floor_angle_sigma"])
            placed = [place_on_floor(s, floor, (w, h), sigma_angle=sigma) for s in skels]
            skels = [sk for sk, _ in placed]
            for _, fit in placed:
                self.floor_counts[fit.reason] = self.floor_counts.get(fit.reason, 0) + 1
        t_teacher = time.perf_counter()
        # the teacher sees the boxes of the people the student reports (not the spare candidates)
        t_boxes = None if boxes is None else [s.box for s in skels]
        teacher = None
        if depth is not None:
            teacher, dm = self._teacher(depth, t_boxes, frame, (w, h))
            if teacher and self.p["depth_anchor"]:  # the rgbd output: the student's 2D on the measured depth
                skels, placed = anchor_people(skels, teacher, dm, K)
                self.stats["anchored"] += placed
            stage["teacher"] = (time.perf_counter() - t_teacher) * 1e3
        t_pub = time.perf_counter()
        self.stats["persons"] += len(skels)
        t_img = stamp_ns(img) * 1e-9
        ids, ended = self.tracker.update(skels, [s.box for s in skels], t_img)
        if self.p["smoothing"]:
            skels = self.smoother(ids, skels, K, t_img, ended)
        per_source = {"student": list(zip(ids, skels))}
        if teacher is not None:
            per_source["teacher"] = self._teacher_ids(teacher, skels, ids)
        header = img.header
        if self.p["publish_tf"] and skels:
            st = stamp_ns(img)
            if st == 0:
                self._warn("zero-stamp", f"image on {topic} has a zero stamp (is the driver setting stamps?): "
                                         "TF not sent, markers only")
            elif st > self._last_tf_stamp:
                self._last_tf_stamp = st
                tfs = skeleton_transforms(per_source["student"], header, self.joint_set,
                                          self.p["frame_prefix"], self.p["joint_min_confidence"])
                self.tf_pub.publish(TFMessage(transforms=tfs))
            else:
                self._warn("stamp", f"image on {topic}: stamp not newer than the last published TF "
                                    "(no TF_REPEATED_DATA): TF not re-sent, markers only")
        if self.p["publish_markers"]:
            self.marker_pub.publish(marker_array(per_source, header, self.joint_set,
                                                 self.p["marker_lifetime"], self.p["joint_min_confidence"],
                                                 ended=ended, clear_all=not self.tracker.live_ids))
        if self.p["publish_hri"]:
            self._publish_hri(per_source["student"], ended, header, w, h)
        stage["publish"] = (time.perf_counter() - t_pub) * 1e3
        stage["total"] = (time.perf_counter() - t_conv) * 1e3
        for k, v in stage.items():
            self.stage_ms[k].append(v)
        self.stats["out"] += 1

    @staticmethod
    def _teacher_ids(teacher: list, skels: list, ids: list[str]) -> list:
        """The teacher's skeletons paired with the student's body ids (same crop boxes; the
        single whole-image skeleton when there are no boxes: :func:`pipose_ros.anchor.match_teachers`)."""
        return [(i, t) for i, t in zip(ids, match_teachers(skels, teacher)) if t is not None]

    def _publish_hri(self, bodies: list, ended: list[str], header, w: int, h: int) -> None:
        """ROS4HRI (REP-155): tracked ids, then each body's roi and skeleton2d; the publishers of
        the bodies that ended are destroyed."""
        for bid in ended:
            for pub in self.hri_body_pubs.pop(bid, ()):
                self.destroy_publisher(pub)
        self.hri_tracked_pub.publish(ids_list(self.tracker.live_ids, header))
        for bid, s in bodies:
            if bid not in self.hri_body_pubs:
                base = f"/humans/bodies/{bid}"
                self.hri_body_pubs[bid] = (self._pub(NormalizedRegionOfInterest2D, base + "/roi", 10),
                                           self._pub(Skeleton2D, base + "/skeleton2d", 10))
            roi_pub, sk_pub = self.hri_body_pubs[bid]
            roi_pub.publish(body_roi(s.box, w, h, header, s.score))
            sk_pub.publish(skeleton2d(s, w, h, header))

    def _teacher(self, depth: Image, boxes, frame: str, size: tuple[int, int]) -> tuple[list, np.ndarray | None]:
        """rgbd: the depth teacher's skeletons on ``boxes`` of the registered depth, and that depth
        (float32 [h, w] metres at the colour image's ``size``); ([], None) with a throttled warning
        when the depth cannot be used."""
        dtopic = self.resolve_topic_name("depth/image")
        if depth.header.frame_id and depth.header.frame_id != frame:
            self._warn("depth-frame", f"depth on {dtopic} is in frame {depth.header.frame_id!r}, the colour image in "
                                      f"{frame!r}: unregistered depth, teacher skipped (register it to the colour camera)")
            return [], None
        info = self._infos["depth"].lookup(stamp_ns(depth))[0] or self._infos["image"].lookup(stamp_ns(depth))[0]
        K, D, (w, h), _, _ = info
        try:
            dm = image_to_depth_m(depth)
        except ValueError as e:
            self._warn("bad-depth", f"bad depth on {dtopic}: {e}; teacher skipped")
            return [], None
        if dm.shape != (h, w):
            self._warn("depth-size", f"depth on {dtopic} is {dm.shape[1]}x{dm.shape[0]} but its camera_info says "
                                     f"{w}x{h}; teacher skipped")
            return [], None
        if (w, h) != size:  # the colour image was downscaled (max_image_size): the same for the depth
            dm = cv2.resize(dm, size, interpolation=cv2.INTER_NEAREST)
            K = scale_K(K, size[0] / w, size[1] / h)
        if not np.isfinite(dm).any():
            self._warn("depth-empty", f"depth on {dtopic} has no valid pixel (all 0, NaN, inf or negative); "
                                      "teacher skipped")
            return [], None
        if boxes is not None and not boxes:
            return [], None
        out = self.est.estimate_depth(dm, K, boxes)
        self.stats["unsupported"] += self.est.unsupported
        if self.est.unsupported:
            self._warn("teacher-unsupported", f"teacher: {self.est.unsupported} person(s) not shown by the depth on "
                                              f"{dtopic} (under {self.p['teacher_min_depth_support']:.0%} of their "
                                              "joints on measured depth: beyond the sensor's range?): no teacher "
                                              "skeleton for them, the student's stays")
        return out, dm

    def _log_stats(self) -> None:
        """Periodic stats: one log line and a diagnostic_msgs/DiagnosticArray on /diagnostics.
        Levels: ERROR when configure failed or images arrive without a valid camera_info for
        ``camera_info_timeout``; WARN while frames are dropped for bad input, no frame has
        arrived, or (rgbd) images arrive but none pairs with a depth image within ``slop`` (with
        the measured offset); STALE while unconfigured or inactive; else OK."""
        st = DiagnosticStatus(name=f"{self.get_name()}: pose estimation",
                              hardware_id=self.est.backend if self.est is not None else "")
        if self.state != "active":
            st.level = DiagnosticStatus.ERROR if self.configure_error else DiagnosticStatus.STALE
            st.message = self.configure_error or f"{self.state} (lifecycle): not subscribed, no estimates"
            st.values = [KeyValue(key="lifecycle_state", value=self.state)]
            self._publish_diagnostics(st)
            return
        s = self.stats
        p50 = {k: float(np.median(v)) if v else float("nan") for k, v in self.stage_ms.items()}
        self.get_logger().info(
            f"frames in {s['in']} out {s['out']} skipped(newer frame arrived) {s['skipped']} "
            f"dropped(bad input) {s['dropped']}; people found {s['persons']}; processing p50 {p50['total']:.1f} ms ("
            + ", ".join(f"{k} {p50[k]:.1f}" for k in STAGES if k != "total" and self.stage_ms[k]) + ")")
        new_drops = s["dropped"] - s.get("dropped_reported", 0)
        s["dropped_reported"] = s["dropped"]
        starving = self._sync_starving()
        now = time.monotonic()
        info_age = now - self._info_time.get("image", -1e18)
        if self._image_time is not None and now - self._image_time < 2 * self.p["stats_period"] + 1.0 \
                and info_age > self.p["camera_info_timeout"]:
            st.level = DiagnosticStatus.ERROR
            st.message = (f"images arrive but no valid camera_info on {self.resolve_topic_name('camera_info')} "
                          + ("ever" if info_age > 1e17 else f"for {info_age:.0f} s") + ": no estimates")
        elif starving:
            st.level, st.message = DiagnosticStatus.WARN, starving
        elif s["in"] == 0:
            st.level, st.message = DiagnosticStatus.WARN, "no image received yet"
        elif new_drops:
            st.level, st.message = DiagnosticStatus.WARN, f"{new_drops} frames dropped (bad input), see log"
        else:
            st.level, st.message = DiagnosticStatus.OK, "ok"
        st.values = [KeyValue(key=k, value=str(v)) for k, v in (
            ("lifecycle_state", self.state),
            ("frames_in", s["in"]), ("frames_out", s["out"]), ("skipped_newer_frame", s["skipped"]),
            ("dropped_bad_input", s["dropped"]), ("people_found", s["persons"]),
            ("late_camera_info_changed", s["late_info"]),
            ("camera_info_by_stamp", s["info_by_stamp"]), ("camera_info_newest", s["info_newest"]),
            *((f"{k}_p50_ms", f"{p50[k]:.1f}") for k in STAGES if self.stage_ms[k]),
            *((f"dropped_{k}", n) for k, n in sorted(self.drop_counts.items())),
            *((f"floor_prior_{k.replace(' ', '_')}", n) for k, n in sorted(self.floor_counts.items())),
            *((("sync_offset_ms", f"{self._sync_offset_ms():.1f}"), ("people_on_measured_depth", s["anchored"]),
               ("teacher_people_not_in_depth", s["unsupported"])) if self.p["mode"] == "rgbd" else ()),
            ("backend", self.est.backend), ("mode", self.p["mode"]))]
        self._publish_diagnostics(st)

    def _publish_diagnostics(self, status: DiagnosticStatus) -> None:
        arr = DiagnosticArray(status=[status])
        arr.header.stamp = self.get_clock().now().to_msg()
        self.diag_pub.publish(arr)

    # ---- rgbd pairing: is the synchroniser starving? --------------------------------------
    def _note_stamp(self, which: str, msg: Image) -> None:
        """rgbd: remember the stamps of the last images and depth images as they arrive (before
        pairing), to measure their offset when nothing pairs."""
        self._raw_stamps[which].append(stamp_ns(msg))
        self._raw_count[which] += 1

    def _sync_offset_ms(self) -> float:
        """Smallest |stamp(image) − stamp(depth)| over the arrivals since the last pair, ms (nan:
        a stream was silent since)."""
        a, b = list(self._raw_stamps["image"]), list(self._raw_stamps["depth"])
        if not a or not b:
            return float("nan")
        return float(np.min(np.abs(np.subtract.outer(np.array(a, np.int64), np.array(b, np.int64))))) * 1e-6

    def _sync_starving(self) -> str | None:
        """rgbd: why no image/depth pair formed since the last stats period while images arrived
        (None when pairs formed or nothing arrived); the reason is also logged, throttled."""
        if self.p["mode"] != "rgbd":
            return None
        seen = dict(self._raw_count)
        last = self._raw_reported
        self._raw_reported = {**seen, "pairs": self.stats["in"]}
        if seen["image"] == last["image"] or self.stats["in"] > last["pairs"]:
            return None
        img, dep = self.resolve_topic_name("image"), self.resolve_topic_name("depth/image")
        if seen["depth"] == last["depth"]:
            why = f"sync starving: images on {img} arrive but no depth on {dep}: no image/depth pair, no estimate"
        else:
            why = (f"sync starving: no image on {img} pairs with a depth image on {dep}: nearest stamps "
                   f"{self._sync_offset_ms():.1f} ms apart, slop {self.p['slop'] * 1e3:.0f} ms (stamps from another "
                   "clock, or a driver delay? raise `slop` or fix the stamps)")
        self._warn("sync-starving", why)
        return why

    def stop(self) -> None:
        """Stop the inference thread (idempotent; deactivate and shutdown call it)."""
        with self._cv:
            self._running = False
            self._pending = None
            self._cv.notify()
        if self._worker is not None:
            self._worker.join(timeout=5.0)
            self._worker = None


def main(args=None) -> int:
    """Entry point of ``pose_node`` (``ros2 run pipose_ros pose_node``)."""
    rclpy.init(args=args)
    node = None
    interrupted = False
    try:
        try:
            node = PoseNode()
        except ValueError as e:  # a parameter its rules refuse: one line, no traceback
            rclpy.logging.get_logger("pose_node").fatal(str(e))
            return 1
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        interrupted = True
    finally:
        # a terminal Ctrl-C reaches both `ros2 launch` and this process, and launch then sends
        # its own SIGINT: ignore repeats so clean-up finishes without a traceback (exit 0)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if node is not None:
            # the shutdown transition publishes a transition event, which needs a living context.
            # After a signal rclpy shuts the context down from its own thread — possibly in the
            # middle of the transition ("Failed to complete transition 7 … finalized", seen in the
            # soak test) — so then only stop() and destroy_node() release everything
            if not interrupted and rclpy.ok() and node.state in ("unconfigured", "inactive", "active"):
                node.trigger_shutdown()
            node.stop()
            node.destroy_node()
        rclpy.try_shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
