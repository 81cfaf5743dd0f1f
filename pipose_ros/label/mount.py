"""The camera's mount above the floor, measured from recorded depth (for the ground-plane prior).

The node's ground-plane prior (:mod:`pipose_ros.floor`) needs the camera optical frame's height
above the floor and its pitch and roll. A robot with a URDF knows them from TF (the node's
``floor_frame``); a camera on a tripod, or a robot without a calibrated head, does not — but its
RGB-D recording for distillation (docs/FINETUNE.md) sees the floor. Per frame, the floor is the
largest plane whose normal is within ``max_tilt_deg`` of the image's "up" (−y of the optical
frame, REP-103) and that lies below the camera, found by RANSAC (``skimage.measure.ransac``) on
the back-projected depth and refined by least squares on its inliers; over a recording, the mount
is the median of the frames' estimates and its spread (how much the mount moved, or how unsure a
frame's fit is) becomes the prior's angular uncertainty.

Frames: optical frame of the depth image (REP-103, metres). A registered depth image (aligned to
colour, as ``pipose dataset from-bag`` writes it) has the colour camera's frame.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..camera import depth_to_metres
from ..floor import Floor

UP_GUESS = np.array([0.0, -1.0, 0.0])  # optical frame: y points down the image, so "up" is about −y
ANGLE_FLOOR_DEG = float(np.rad2deg(0.01))  # the prior's default angular uncertainty (pipose_ros.floor)


class _Plane:
    """A plane n·X + d = 0 (|n| = 1) for ``skimage.measure.ransac``."""

    def __init__(self, n: np.ndarray | None = None, d: float = 0.0):
        self.n, self.d = n, d

    def __bool__(self) -> bool:
        return self.n is not None

    @classmethod
    def from_estimate(cls, X: np.ndarray) -> "_Plane":
        c = X.mean(0)
        try:
            _, s, vt = np.linalg.svd(X - c, full_matrices=False)
        except np.linalg.LinAlgError:
            return cls()
        if len(X) >= 3 and s[1] < 1e-6:  # collinear sample
            return cls()
        n = vt[-1] / np.linalg.norm(vt[-1])
        return cls(n, -float(n @ c))

    def residuals(self, X: np.ndarray) -> np.ndarray:
        return np.abs(X @ self.n + self.d)


def floor_from_depth(depth_mm: np.ndarray, K: np.ndarray, max_points: int = 6000, threshold_m: float = 0.03,
                     max_tilt_deg: float = 50.0, min_share: float = 0.1, max_range_m: float = 8.0,
                     seed: int = 0) -> tuple[Floor, float] | None:
    """The floor seen in one depth image.

    Args:
        depth_mm: uint16 [H, W] millimetres, 0 = invalid (REP-118 ``16UC1``).
        K: float [3, 3] intrinsics of the depth image, pixels.
        max_points: valid pixels sampled (evenly, at random) for the fit.
        threshold_m: inlier distance to the plane, metres (sensor noise at a few metres).
        max_tilt_deg: the floor's normal is within this angle of the optical frame's −y (a camera
            pitched or rolled by more sees no floor here).
        min_share: the floor's inliers must be at least this share of the sampled points (a
            table top seen without the floor is smaller; a frame where furniture dominates is
            outvoted by the median over a recording, :func:`measure_mount`).
        max_range_m: points farther than this are ignored (noisy).
        seed: RANSAC's random generator seed.

    Returns:
        (the :class:`pipose_ros.floor.Floor`, the share of sampled points on it), or None when no
        plane qualifies (no floor in view, too few valid pixels).
    Raises:
        ValueError: a depth image that is not 2-D or a K that is not 3×3.
    """
    from skimage.measure import ransac

    if np.ndim(depth_mm) != 2 or np.shape(K) != (3, 3):
        raise ValueError(f"need a 2-D depth image and a 3x3 K, got {np.shape(depth_mm)} and {np.shape(K)}")
    z = depth_to_metres(np.asarray(depth_mm), "16UC1")
    v, u = np.nonzero((z > 0.1) & (z < max_range_m) & np.isfinite(z))
    if len(u) < 100:
        return None
    rng = np.random.default_rng(seed)
    if len(u) > max_points:
        i = rng.choice(len(u), max_points, replace=False)
        u, v = u[i], v[i]
    zz = z[v, u].astype(np.float64)
    K = np.asarray(K, np.float64)
    X = np.stack([(u - K[0, 2]) * zz / K[0, 0], (v - K[1, 2]) * zz / K[1, 1], zz], 1)
    cos_tilt = np.cos(np.deg2rad(max_tilt_deg))

    def horizontal_below(model: _Plane, sample: np.ndarray) -> bool:
        up = model.n if model.n @ UP_GUESS > 0 else -model.n
        return bool(abs(model.n @ UP_GUESS) >= cos_tilt and (sample @ up).mean() < -0.1)  # below the camera

    model, inliers = ransac(X, _Plane, min_samples=3, residual_threshold=threshold_m, max_trials=300,
                            is_model_valid=horizontal_below, rng=rng)
    if not model or inliers is None or inliers.sum() < max(50, min_share * len(X)):
        return None
    P = X[inliers]
    refined = _Plane.from_estimate(P)
    if not refined or abs(refined.n @ UP_GUESS) < cos_tilt:
        return None
    up = refined.n if refined.n @ UP_GUESS > 0 else -refined.n
    height = -float((P @ up).mean())  # the camera centre is this far above the plane
    if height <= 0.05:
        return None
    return Floor(up, height), float(inliers.mean())


def mount_angles(floor: Floor) -> tuple[float, float]:
    """(pitch, roll) in degrees of a floor's camera, as :meth:`pipose_ros.floor.Floor.from_mount`
    takes them (pitch negative = looking down; roll positive = clockwise as the camera sees)."""
    up = floor.up
    pitch = float(np.rad2deg(np.arcsin(np.clip(up[2], -1.0, 1.0))))
    roll = float(np.rad2deg(np.arctan2(-up[0], -up[1])))
    return pitch, roll


@dataclass
class Mount:
    """A camera mount measured over a recording (the ``floor_camera_*`` node parameters).

    Attributes:
        height_m: median camera height above the floor, metres.
        pitch_deg, roll_deg: median pitch and roll, degrees (``Floor.from_mount``'s convention).
        angle_sigma_deg: the ground-plane prior's angular uncertainty for this mount, degrees:
            the frames' pitch and roll spread (robust: 1.4826 × MAD) on top of the prior's
            default 0.57° (0.01 rad).
        height_sigma_m: the frames' height spread (1.4826 × MAD), metres.
        frames: frames with a floor; frames_without: frames where none qualified.
    """

    height_m: float
    pitch_deg: float
    roll_deg: float
    angle_sigma_deg: float
    height_sigma_m: float
    frames: int
    frames_without: int

    def floor(self) -> Floor:
        """The median mount's :class:`pipose_ros.floor.Floor`."""
        return Floor.from_mount(self.height_m, self.pitch_deg, self.roll_deg)

    def ros_params(self, node: str = "/**") -> str:
        """A ROS 2 parameters YAML for the node (``--params-file`` / ``params:=``)."""
        return (f"{node}:\n  ros__parameters:\n"
                f"    floor_camera_height: {self.height_m:.3f}\n"
                f"    floor_camera_pitch: {_r2(self.pitch_deg):.2f}\n"
                f"    floor_camera_roll: {_r2(self.roll_deg):.2f}\n"
                f"    floor_angle_sigma: {max(_r2(self.angle_sigma_deg), 0.01):.2f}\n")

    def summary(self) -> str:
        """One line for people: height, pitch, roll, their spread and how many frames."""
        return (f"camera {self.height_m:.3f} m above the floor (spread {self.height_sigma_m * 100:.1f} cm), pitch "
                f"{_r2(self.pitch_deg):.2f}°, roll {_r2(self.roll_deg):.2f}° (angular uncertainty "
                f"{_r2(self.angle_sigma_deg):.2f}°), from {self.frames} frames ({self.frames_without} without a floor)")


def _r2(v: float) -> float:
    """``v`` rounded to 2 decimals, without a negative zero (no "-0.00" in what is written)."""
    return round(float(v), 2) + 0.0


def measure_mount(frames) -> tuple[Mount | None, list]:
    """The mount over frames.

    Args:
        frames: iterable of (depth_mm uint16 [H, W], K float [3, 3]).

    Returns:
        (:class:`Mount`, or None when no frame shows a floor; per frame the (height_m, pitch_deg,
        roll_deg, inlier share) of its fit, or None).
    """
    per = []
    for depth, K in frames:
        fit = floor_from_depth(depth, K)
        if fit is None:
            per.append(None)
            continue
        p, r = mount_angles(fit[0])
        per.append((fit[0].height, p, r, fit[1]))
    ok = np.array([x[:3] for x in per if x is not None], np.float64).reshape(-1, 3)
    if not len(ok):
        return None, per
    med = np.median(ok, 0)
    mad = 1.4826 * np.median(np.abs(ok - med), 0)
    ang = float(np.sqrt(ANGLE_FLOOR_DEG ** 2 + mad[1] ** 2 + mad[2] ** 2))
    return Mount(float(med[0]), float(med[1]), float(med[2]), ang, float(mad[0]), len(ok), len(per) - len(ok)), per


def measure_folder(root, every: int = 1, max_frames: int | None = None, progress: bool = True) -> dict:
    """``pipose floor``: the mount over a dataset folder's depth (docs/DATASET.md; e.g. made by
    ``pipose dataset from-bag``), written to ``ROOT/floor.json`` and ``ROOT/floor_params.yaml``
    (the node's ``floor_camera_*`` and ``floor_angle_sigma`` parameters).

    Args:
        root: the folder; every: use every n-th frame; max_frames: at most this many frames.

    Returns:
        the report: ``mount`` (:class:`Mount` as a dict, None when no frame shows a floor),
        ``frames`` (per frame: id, and height_m / pitch_deg / roll_deg / inlier_share or null).
    Raises:
        ValueError: an unreadable folder or frame; ``every`` < 1.
    """
    import json
    from pathlib import Path

    from tqdm import tqdm

    from ..data.folder import read_depth, read_folder

    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    root = Path(root)
    _, recs = read_folder(root)
    recs = recs[::every][:max_frames]

    def depth_frames():
        for rec in tqdm(recs, desc="floor", unit="frame", disable=not progress):
            yield read_depth(root, rec), np.asarray(rec["K"], np.float64)

    mount, per = measure_mount(depth_frames())
    keys = ("height_m", "pitch_deg", "roll_deg", "inlier_share")
    report = {"mount": None if mount is None else asdict(mount), "every": every,
              "frames": [{"id": r.get("id"), **(dict(zip(keys, (round(float(v), 4) for v in x))) if x else {})}
                         for r, x in zip(recs, per)]}
    (root / "floor.json").write_text(json.dumps(report, indent=1))
    if mount is not None:
        (root / "floor_params.yaml").write_text(mount.ros_params())
    return report


def read_mount(path) -> Mount:
    """A :class:`Mount` from a ``floor.json`` that :func:`measure_folder` wrote. Raises
    ``ValueError`` when it holds none (no floor was seen)."""
    import json
    from pathlib import Path

    m = json.loads(Path(path).read_text()).get("mount")
    if not m:
        raise ValueError(f"{path}: no mount measured (no frame showed a floor)")
    return Mount(**m)
