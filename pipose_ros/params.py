"""The node's parameters and the person pipeline they build, without ROS (run-time core).

:data:`PARAMS` is ``pose_node``'s parameter table (name: (default, description, rules); the node
declares it, ``config/pose.yaml`` lists it); :func:`person_finder` and :func:`body_tracker` build the
detector → crops → ids pipeline from a parameter dict, so that the node and the evaluations that
measure it (``pipose evaluate-temporal --tracking``) run the same pipeline with the same defaults.
"""

from __future__ import annotations

from .detect import BODY_MIN_SCORE, FOLLOW, BodyDetector, PersonDetector, PersonFinder
from .estimator import CANDIDATES_PER_PERSON
from .smooth import DEFAULTS as SMOOTHING_DEFAULTS
from .track import BodyTracker

# name: (default, description, rules). Rules: "choices" or "range" (validated at start and on
# every change, shown by `ros2 param describe`), "live": may change while running (applied at
# once), "start": read at start only (read-only descriptor); every other parameter is read at
# configure and may change only while the node is unconfigured (lifecycle).
LIVE = {"live": True}
START = {"start": True}
PARAMS = {
    "autostart": (True, "configure and activate at start; false = stay unconfigured until a lifecycle manager or "
                        "`ros2 lifecycle set /pose_node configure` / `activate` does it", START),
    "mode": ("rgb", "rgb: student on RGB only; rgbd: also the depth teacher on registered depth",
             {"choices": ("rgb", "rgbd")}),
    "checkpoint": ("", "student model: a .pt checkpoint or its .onnx export; empty = the shipped "
                       "models/pipose_student_kinect14", {}),
    "teacher_checkpoint": ("", "depth teacher model (.pt or .onnx) for rgbd mode; empty = the shipped one", {}),
    "depth_anchor": (True, "rgbd: each person's published skeleton (TF, markers, ROS4HRI) is the student's 2D with the "
                           "depth teacher's joint depths, anchored to the measured depth (pipose_ros.anchor); people "
                           "without a teacher skeleton keep the student's; false = the student's skeletons as in rgb mode",
                     LIVE),
    "teacher_min_depth_support": (0.3, "rgbd: the teacher reports a person only when the measured depth shows at least "
                                       "this share of its in-image joints (within 0.5 m of their depth): a person beyond "
                                       "the sensor's range is in the colour image but not in the depth; 0 = off "
                                       "(pipose_ros.estimator)", {"range": (0.0, 1.0), **LIVE}),
    "backend": ("auto", "inference backend: auto (fastest that loads: TensorRT, ONNX Runtime CUDA, torch CUDA, "
                        "ONNX Runtime CPU, torch CPU), onnxruntime, torch, tensorrt (pipose_ros.backends)",
                {"choices": ("auto", "onnxruntime", "torch", "tensorrt")}),
    "device": ("auto", "auto (CUDA if present, else CPU), cpu, cuda, cuda:N", {"pattern": r"auto|cpu|cuda(:\d+)?"}),
    "joint_set": ("kinect14", "joint set of the checkpoint", {"choices": ("kinect14",)}),
    "min_confidence": (0.1, "mean joint confidence below which no person is reported", {"range": (0.0, 1.0), **LIVE}),
    "joint_min_confidence": (0.4, "joints below this confidence get no TF frame or marker (0.4: the shipped student "
                                  "hides most joints that lie out of the image; 0 = every joint)",
                             {"range": (0.0, 1.0), **LIVE}),
    "same_person": (0.05, "pose NMS: a skeleton whose 2D joints lie within this fraction of a more confident one's "
                          "size (median distance / joint-extent diagonal) is the same person and is dropped (one "
                          "person given two detector boxes); 0 = off", {"range": (0.0, 1.0), **LIVE}),
    "relative_depth_gain": (-1.0, "each skeleton's joint depths pulled towards its median depth along their rays: "
                                  "1 = as decoded, 0 = a flat body at its median depth, negative (-1) = the model file's value "
                                  "(chosen on validation data by pipose tune-decode; pipose_ros.spdh."
                                  "shrink_relative_depth); the RGB model only, the teacher keeps its own",
                            {"range": (-1.0, 1.0), **LIVE}),
    "size_prior_weight": (-1.0, "body-size prior on each skeleton's distance: the skeleton moved along its rays by "
                                "(reference bone lengths / its own)^w; 0 = the network's distance alone, 1 = every person "
                                "has the reference (median) size, negative (-1) = the model file's value (chosen on "
                                "validation data by pipose tune-decode; pipose_ros.spdh.apply_size_prior); the RGB model only",
                          {"range": (-1.0, 1.0), **LIVE}),
    "flip_test": (False, "run every person crop also mirrored and average the two outputs (the flip test: a little "
                         "more accurate, twice the network time; pipose_ros.estimator); the teacher too", LIVE),
    "floor_camera_height": (0.0, "ground-plane prior: the camera optical centre's height above a flat floor, metres "
                                 "(from the URDF: the optical frame's z in base_footprint); > 0 refines each "
                                 "person's distance so that a visible ankle stands on the floor, fused with the "
                                 "network's by their uncertainties, 2D unchanged (pipose_ros.floor); 0 = off",
                            {"range": (0.0, 10.0), **LIVE}),
    "floor_camera_pitch": (0.0, "ground-plane prior: camera pitch, degrees, negative = looking down",
                           {"range": (-89.0, 89.0), **LIVE}),
    "floor_camera_roll": (0.0, "ground-plane prior: camera roll about its optical axis, degrees (x towards y)",
                          {"range": (-89.0, 89.0), **LIVE}),
    "floor_angle_sigma": (0.57, "ground-plane prior: the angular uncertainty of a ray from the camera to an ankle, "
                                "degrees: the 2D error plus how well the mount is known (0.57 = 0.01 rad, for a "
                                "calibrated mount; `pipose floor` measures it for a recording; a mount off by 6° with "
                                "0.57 here makes distances worse than no prior, docs/RESULTS.md)",
                          {"range": (0.01, 30.0), **LIVE}),
    "floor_frame": ("", "ground-plane prior from TF: a frame whose z = 0 plane is the floor, z up (base_footprint, "
                        "REP-105/REP-120); the camera's mount is looked up in /tf and /tf_static at each image's "
                        "stamp (a pan-tilt head is followed) and replaces floor_camera_*; '' = use floor_camera_*; "
                        "no leading '/' (tf2 frame ids have none)",
                    {"pattern": r"([^\s/][^\s]*)?", **LIVE}),
    "slop": (0.05, "rgbd: max stamp difference between image and depth, seconds", {"range": (0.0, 1.0)}),
    "queue_size": (5, "rgbd: synchroniser queue per stream", {"range": (1, 100)}),
    "reliability": ("best_effort", "QoS reliability of the inputs: best_effort (SensorDataQoS), reliable, system_default",
                    {"choices": ("best_effort", "reliable", "system_default")}),
    "undistort": (True, "undistort images whose camera_info has non-zero D", LIVE),
    "detector": ("auto", "person detector: blazepose (one crop per detected person, several people), "
                         "none (the whole image is one view, one person), auto (blazepose when the "
                         "checkpoint was trained on person crops, else none)", {"choices": ("auto", "blazepose", "none")}),
    "max_people": (4, "at most this many people per frame (detector on)", {"range": (1, 32), **LIVE}),
    "detector_min_score": (0.5, "person detections below this score are ignored", {"range": (0.0, 1.0), **LIVE}),
    "detector_body": (False, "also the whole-body detector (models/body_detector.onnx, one run on the whole image): "
                             "finds people turned away or with their head out of view, whom BlazePose's face-anchored "
                             "detector misses; off by default: the student's skeletons of those people are mostly "
                             "too poor to count yet, and in tracking mode it costs id switches (docs/RESULTS.md, "
                             "'Whole-body detector')", {}),
    "detector_body_min_score": (BODY_MIN_SCORE, "whole-body detections below this score are ignored",
                                {"range": (0.0, 1.0), **LIVE}),
    "detector_windows": ([1.0, 0.6], "the detector also runs on square windows of these fractions of the image's "
                                     "short side (finds people far away or close together; [] = whole image only, "
                                     "fastest; docs/BACKBONES.md)", {"each": (0.1, 1.0)}),
    "tracking": (True, "crops from each person's joints in the previous frame, and one detector run per frame "
                       "cycling through the image and its windows (bounded cost); false = full detection every frame",
                 LIVE),
    "tracking_follow": ("hips", "tracking: a tracked person's next crop is their last detection box moved to their "
                                "mid-hip in the previous frame, its size kept (hips: follows walking people and a "
                                "turning robot; held where the hips are unsure or the person is cut by the "
                                "image's border), held where it was until the "
                                "detector sees them again (detections), or the box of their joints in the previous "
                                "frame (joints: also the size, which moves the distance)",
                        {"choices": FOLLOW, **LIVE}),
    "detector_every": (3, "tracking: while people are tracked the detector runs on every n-th frame only (the frames "
                          "between cost the crops alone); 1 = every frame", {"range": (1, 100), **LIVE}),
    "detector_full_every": (30, "tracking: a full detection (every window) on the first frame and then every n-th "
                                "frame, so that people only a small window finds (far away, half hidden) are found "
                                "within n frames; 0 = one detector pass per run only", {"range": (0, 10000), **LIVE}),
    "track_max_age": (1.0, "seconds a body keeps its id while unseen (short occlusions)", {"range": (0.0, 60.0), **LIVE}),
    "smoothing": (True, "temporal smoothing of each body's skeleton over its frames: the One-Euro filter on each joint's "
                        "ray direction and log depth (pipose_ros.smooth; on turning-camera sequences of pipose-synth-v2 "
                        "jitter -78 %, MPJPE -2.2 cm; docs/RESULTS.md 'Jitter')", LIVE),
    "smoothing_min_cutoff": (SMOOTHING_DEFAULTS[0], "smoothing: the One-Euro cut-off at rest, Hz (lower = steadier, "
                                                    "more lag)", {"range": (0.01, 30.0), **LIVE}),
    "smoothing_beta": (SMOOTHING_DEFAULTS[1], "smoothing: the One-Euro speed coefficient of the joints' image "
                                              "direction (higher = less lag on fast motion)", {"range": (0.0, 1000.0), **LIVE}),
    "smoothing_beta_depth": (SMOOTHING_DEFAULTS[2], "smoothing: the One-Euro speed coefficient of the joints' log "
                                                    "depth", {"range": (0.0, 1000.0), **LIVE}),
    "publish_hri": (True, "publish the ROS4HRI topics /humans/bodies/tracked, .../<id>/roi, .../<id>/skeleton2d", LIVE),
    "publish_tf": (True, "publish body_<id> and <joint>_<id> TF frames", LIVE),
    "publish_markers": (True, "publish the skeleton_markers MarkerArray", LIVE),
    "frame_prefix": ("", "prefix of the published TF frame names", {}),
    "marker_lifetime": (0.5, "marker lifetime, seconds", {"range": (0.0, 60.0), **LIVE}),
    "min_image_size": (32, "images whose width or height is below this many pixels are dropped (too small for a "
                           "person)", {"range": (1, 4096), **LIVE}),
    "max_image_size": (1920, "images larger than this many pixels on their longer side are downscaled first (K "
                             "follows)", {"range": (64, 16384), **LIVE}),
    "camera_info_timeout": (5.0, "seconds of images without a valid camera_info before /diagnostics reports ERROR",
                            {"range": (0.1, 3600.0), **LIVE}),
    "warn_throttle": (5.0, "seconds between two identical bad-input warnings", {"range": (0.0, 3600.0), **LIVE}),
    "stats_period": (10.0, "seconds between stats log lines and /diagnostics messages (0 = off)",
                     {"range": (0.0, 3600.0), **START}),
}


def defaults() -> dict:
    """{parameter name: default} of :data:`PARAMS`."""
    return {k: v[0] for k, v in PARAMS.items()}


def person_finder(p: dict, crop_model: bool) -> PersonFinder | None:
    """The person boxes' source of a parameter dict (:data:`PARAMS` names): None for ``detector``
    none, or auto with a whole-image model (``crop_model`` False); else BlazePose's detector (with
    the whole-body detector when ``detector_body``) in a :class:`pipose_ros.detect.PersonFinder`. It
    keeps ``CANDIDATES_PER_PERSON`` × ``max_people`` candidate boxes: estimate_people fills places a
    duplicate box or an unconfident crop freed with the next candidates.

    Raises:
        FileNotFoundError: a detector's ONNX file is missing.
    """
    det = p["detector"]
    if det == "auto":
        det = "blazepose" if crop_model else "none"
    if det == "none":
        return None
    body = BodyDetector(min_score=p["detector_body_min_score"]) if p["detector_body"] else None
    return PersonFinder(PersonDetector(min_score=p["detector_min_score"], max_people=CANDIDATES_PER_PERSON * p["max_people"],
                                       window_scales=tuple(p["detector_windows"]), body=body),
                        tracking=p["tracking"], every=p["detector_every"], follow=p["tracking_follow"],
                        full_every=p["detector_full_every"])


def body_tracker(p: dict, joint_set=None) -> BodyTracker:
    """The ids' tracker of a parameter dict (``track_max_age``)."""
    kw = {} if joint_set is None else {"joint_set": joint_set}
    return BodyTracker(max_age_s=p["track_max_age"], **kw)
