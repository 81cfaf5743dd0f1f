"""Ground-plane prior for a person's distance (monocular 3D on a robot with a known camera mount).

A single RGB camera sees a body's shape and its 2D position, but its *distance* only through its
apparent size — for the shipped student about ±12 % (docs/RESULTS.md). A robot usually knows more:
its camera is mounted at a known height and pitch above a flat floor (URDF / TF: the camera optical
frame relative to ``base_footprint``, whose z = 0 plane is the floor, REP-105/REP-120), and standing,
walking, sitting or crouching people have a foot on that floor. The ray through a visible ankle
then meets the floor at a distance fixed by geometry alone (the classic ground-plane constraint of
pedestrian detection).

:func:`place_on_floor` scales a skeleton about the camera centre — which keeps every joint's 2D
projection, so the 2D pose and the body's shape are untouched — towards the scale that puts its
lower ankle at ankle height above the floor. The two distance estimates are fused in log-distance
by their variances: the network's (``sigma_net``, relative) and the floor's, which grows as the
ankle's ray flattens: ``sigma_angle / tan(depression)``, ``sigma_angle`` being the angular
uncertainty of the ankle's ray (2D error plus mount calibration). A far person seen by a low camera
therefore keeps most of the network's distance; a near one gets most of the floor's.

Frames: everything is in the camera optical frame (REP-103: x right, y down, z forward), metres.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .camera import uv_in_image
from .skeleton import Skeleton

ANKLE_HEIGHT_M = 0.10  # the lower ankle joint above the floor (Anny bodies in pipose-synth scenes: median 0.10 m)


@dataclass(frozen=True)
class Floor:
    """The floor plane seen from the camera.

    Attributes:
        up: float64 [3], unit vector: the floor's normal (world up) in the camera optical frame.
        height: the camera's height above the floor, metres (> 0).

    A point X (optical frame, metres) lies ``height + up · X`` metres above the floor.
    """

    up: np.ndarray
    height: float

    def __post_init__(self):
        up = np.asarray(self.up, np.float64).reshape(3)
        n = float(np.linalg.norm(up))
        if not np.isfinite(n) or n < 1e-9:
            raise ValueError(f"floor normal must be a non-zero vector, got {self.up}")
        if not np.isfinite(self.height) or self.height <= 0:
            raise ValueError(f"camera height above the floor must be > 0 m, got {self.height}")
        object.__setattr__(self, "up", up / n)
        object.__setattr__(self, "height", float(self.height))

    @classmethod
    def from_mount(cls, height_m: float, pitch_deg: float, roll_deg: float = 0.0) -> "Floor":
        """A camera ``height_m`` above the floor, pitched by ``pitch_deg`` (negative = looking
        down) and rolled by ``roll_deg`` about its optical axis (positive = clockwise as seen by
        the camera). Raises ``ValueError`` for height ≤ 0."""
        p, r = np.deg2rad(pitch_deg), np.deg2rad(roll_deg)
        up = np.array([0.0, -np.cos(p), np.sin(p)])  # roll 0: world up = -y tilted by the pitch
        c, s = np.cos(r), np.sin(r)
        up = np.array([c * up[0] + s * up[1], -s * up[0] + c * up[1], up[2]])
        return cls(up, height_m)

    @classmethod
    def from_transform(cls, rotation: np.ndarray, translation: np.ndarray) -> "Floor":
        """From the camera optical frame's pose in a floor frame whose z = 0 plane is the floor and
        z points up (``base_footprint``, REP-120): ``rotation`` float [3, 3] maps optical-frame
        vectors into the floor frame, ``translation`` float [3] is the camera origin there
        (metres). Raises ``ValueError`` when the camera is not above the floor."""
        R = np.asarray(rotation, np.float64).reshape(3, 3)
        t = np.asarray(translation, np.float64).reshape(3)
        return cls(R[2, :], float(t[2]))  # floor z axis in optical coordinates = third row of R

    def height_of(self, points: np.ndarray) -> np.ndarray:
        """Height above the floor, metres, of points float [..., 3] (optical frame)."""
        return self.height + np.asarray(points, np.float64) @ self.up


@dataclass(frozen=True)
class FloorFit:
    """What :func:`place_on_floor` did to one skeleton.

    Attributes:
        scale: the factor applied to every joint (1.0 = unchanged).
        floor_scale: the factor that would put the lower ankle exactly at ankle height (nan when
            no ankle qualified).
        weight: the floor's share in the fused log-distance, [0, 1] (0 = the network's distance).
        reason: ``fused``, or why the skeleton kept its distance: ``feet cut`` (the person's box
            reaches the bottom of the image), ``no ankle`` (none confident and inside the image),
            ``ankle above horizon`` (its ray does not meet the floor), ``disagrees`` (the two
            distances differ by more than ``gate`` standard deviations of their difference: the
            ankle is not on the floor — a foot on a chair, a person lying on a table — or its 2D is
            wrong).
    """

    scale: float
    floor_scale: float
    weight: float
    reason: str


def place_on_floor(sk: Skeleton, floor: Floor, image_wh: tuple[int, int] | None = None,
                   ankle_height: float = ANKLE_HEIGHT_M, min_confidence: float = 0.3,
                   sigma_net: float = 0.17, sigma_angle: float = 0.01,
                   ankles: tuple[str, str] = ("right_ankle", "left_ankle"), margin_px: float = 2.0,
                   gate: float = 4.0) -> tuple[Skeleton, FloorFit]:
    """Refine one skeleton's distance with the floor (module docstring).

    Args:
        sk: a skeleton in the camera optical frame (metres) with ``uv`` pixels and ``confidence``.
        floor: the floor seen from this camera.
        image_wh: (width, height) of the image ``uv`` lives in; ankles within ``margin_px`` of its
            border or outside it do not count, and a skeleton whose ``box`` reaches within
            ``margin_px`` of the image's bottom edge keeps its distance (its feet may be out of view:
            the network then places the ankles inside the crop, too high). None = no check.
        ankle_height: height of the ankle joint above the floor when the foot stands on it, metres.
        min_confidence: ankles under this confidence do not count.
        sigma_net: the network's relative distance uncertainty (1σ of log-distance).
        sigma_angle: angular uncertainty of the ankle's ray, radians.
        ankles: names of the ankle joints in ``sk.names`` (KINECT14's; a joint set without them
            gives ``no ankle``).
        gate: reject the floor when |log(floor scale)| exceeds this many σ of the difference.

    The defaults (``sigma_net`` 0.17, ``sigma_angle`` 0.01, ``gate`` 4) were chosen on validation
    renders (anny-val-s1, session 11's student, ground-truth boxes: MPJPE 81.0 → 52.7 cm; a flat
    optimum, 52.7–56 cm over σ_net 0.17–0.3, σ_angle 0.0075–0.015, gate 4–∞), never on a benchmark
    that is reported; re-checked with session 14's student: 76.1 → 52.4 cm, the grid's best 51.8
    (docs/RESULTS.md, session 14).

    Returns:
        (the skeleton with every joint scaled about the camera centre — a new object; ``uv``,
        ``confidence``, ``box`` unchanged — and a :class:`FloorFit`).
    Raises:
        ValueError: ``sigma_net`` or ``sigma_angle`` not > 0.
    """
    if sigma_net <= 0 or sigma_angle <= 0:
        raise ValueError(f"sigma_net and sigma_angle must be > 0, got {sigma_net}, {sigma_angle}")
    X = np.asarray(sk.joints, np.float64)
    conf = np.asarray(sk.confidence, np.float64)
    uv = np.asarray(sk.uv, np.float64)
    if image_wh is not None and sk.box is not None and float(sk.box[3]) >= image_wh[1] - 1 - margin_px:
        return sk, FloorFit(1.0, float("nan"), 0.0, "feet cut")
    cand = []
    for j in (sk.names.index(n) for n in ankles if n in sk.names):
        if j >= len(X) or not np.all(np.isfinite(X[j])) or X[j, 2] <= 0 or conf[j] < min_confidence:
            continue
        if image_wh is not None and len(uv) > j and not uv_in_image(uv[j], *image_wh, margin=margin_px):
            continue
        cand.append(j)
    if not cand:
        return sk, FloorFit(1.0, float("nan"), 0.0, "no ankle")
    j = min(cand, key=lambda k: float(X[k] @ floor.up))  # the lower ankle stands on the floor
    below = -float(X[j] @ floor.up)  # how far below the camera the ankle is, at the network's scale
    rise = floor.height - ankle_height  # how far below the camera the ankle should be
    sin_dep = below / float(np.linalg.norm(X[j]))
    if rise <= 0 or sin_dep <= np.sin(np.deg2rad(0.5)):
        return sk, FloorFit(1.0, float("nan"), 0.0, "ankle above horizon")
    s_floor = rise / below
    tan_dep = sin_dep / np.sqrt(max(1.0 - sin_dep ** 2, 1e-12))
    var_floor = (sigma_angle / tan_dep) ** 2
    if abs(np.log(s_floor)) > gate * np.sqrt(sigma_net ** 2 + var_floor):
        return sk, FloorFit(1.0, float(s_floor), 0.0, "disagrees")
    w = sigma_net ** 2 / (sigma_net ** 2 + var_floor)
    s = float(np.exp(w * np.log(s_floor)))
    out = replace(sk, joints=(X * s).astype(np.float32))
    return out, FloorFit(s, float(s_floor), float(w), "fused")
