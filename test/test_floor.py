"""Ground-plane prior (pipose_ros.floor): the floor seen from a mounted camera, and a skeleton's
distance refined so that its lower ankle stands on it, without moving its 2D joints."""

import numpy as np
import pytest

from pipose_ros.camera import project
from pipose_ros.floor import ANKLE_HEIGHT_M, Floor, place_on_floor
from pipose_ros.skeleton import KINECT14, Skeleton

K = np.array([[300.0, 0, 160], [0, 300.0, 120], [0, 0, 1]])
W, H = 320, 240


def _camera(height: float, pitch_deg: float):
    """World (z up, floor z = 0) → optical frame of a camera at ``height`` looking along +y,
    pitched by ``pitch_deg`` (the convention of pipose_ros.data.anny_scene)."""
    p = np.deg2rad(pitch_deg)
    z_opt = np.array([0.0, np.cos(p), np.sin(p)])
    x_opt = np.array([1.0, 0.0, 0.0])
    R_wc = np.stack([x_opt, np.cross(z_opt, x_opt), z_opt], 1)  # columns: optical axes in the world
    c = np.array([0.0, 0.0, height])
    return R_wc, c, (lambda Xw: (np.asarray(Xw) - c) @ R_wc)


def _standing(distance: float, height: float = 1.1, pitch: float = -12.0):
    """A 1.7 m person standing upright ``distance`` metres ahead (ankles at ANKLE_HEIGHT_M), as a
    Skeleton in the optical frame with its uv, plus the camera's pose."""
    R_wc, c, to_cam = _camera(height, pitch)
    z = {"nose": 1.62, "neck": 1.45, "shoulder": 1.42, "elbow": 1.12, "wrist": 0.85, "hip": 0.95, "knee": 0.52,
         "ankle": ANKLE_HEIGHT_M}
    z = {n: z[n.split("_")[-1]] for n in KINECT14.names}
    x = {n: (-0.2 if n.startswith("right_") else 0.2 if n.startswith("left_") else 0.0) for n in KINECT14.names}
    Xw = np.array([[x[n], distance, z[n]] for n in KINECT14.names])
    X = to_cam(Xw)
    uv = project(X, K)
    box = np.array([uv[:, 0].min() - 10, uv[:, 1].min() - 10, uv[:, 0].max() + 10, uv[:, 1].max() + 10])
    sk = Skeleton(X.astype(np.float32), np.full(14, 0.9, np.float32), list(KINECT14.names), uv.astype(np.float32), box)
    return sk, R_wc, c


def test_floor_from_mount_and_from_transform_agree_with_the_scene_camera():
    R_wc, c, to_cam = _camera(1.2, -15.0)
    floor = Floor.from_mount(1.2, -15.0)
    pts_w = np.array([[0.3, 2.0, 0.0], [-1.0, 4.0, 0.0], [0.0, 3.0, 1.0]])
    assert np.allclose(floor.height_of(to_cam(pts_w)), pts_w[:, 2], atol=1e-9)
    same = Floor.from_transform(R_wc, c)  # optical → floor frame rotation, camera origin there
    assert np.allclose(same.up, floor.up) and same.height == pytest.approx(1.2)
    rolled = Floor.from_mount(1.2, -15.0, roll_deg=10.0)
    assert np.linalg.norm(rolled.up) == pytest.approx(1.0) and rolled.up[0] != 0.0
    with pytest.raises(ValueError):
        Floor.from_mount(0.0, -10.0)
    with pytest.raises(ValueError):
        Floor(np.zeros(3), 1.0)


def test_a_skeleton_placed_too_far_comes_back_to_the_floor_without_moving_its_2d():
    sk, _, _ = _standing(3.0)
    floor = Floor.from_mount(1.1, -12.0)
    wrong = Skeleton(sk.joints * 1.25, sk.confidence, sk.names, sk.uv, sk.box)  # 25 % too far
    # the floor alone (a network that knows nothing about distance) restores the true scale
    fixed, fit = place_on_floor(wrong, floor, (W, H), sigma_net=100.0)
    assert fit.reason == "fused" and fit.floor_scale == pytest.approx(0.8, rel=1e-6)
    assert np.allclose(fixed.joints, sk.joints, atol=1e-4)
    assert np.allclose(project(fixed.joints.astype(np.float64), K), sk.uv, atol=1e-3)  # 2D unchanged
    # fused with a confident network: part of the way, in log-distance by the variances
    part, fit2 = place_on_floor(wrong, floor, (W, H))
    assert 0.0 < fit2.weight < 1.0 and 0.8 < fit2.scale < 1.0
    assert fit2.scale == pytest.approx(0.8 ** fit2.weight, rel=1e-6)
    # a correct skeleton is left where it is
    same, fit3 = place_on_floor(sk, floor, (W, H))
    assert fit3.scale == pytest.approx(1.0, abs=1e-6) and np.allclose(same.joints, sk.joints, atol=1e-5)


def test_the_floor_weighs_less_as_the_ankle_ray_flattens():
    floor = Floor.from_mount(1.1, -12.0)
    weights = []
    for d in (2.0, 3.5, 6.0):
        sk, _, _ = _standing(d)
        weights.append(place_on_floor(Skeleton(sk.joints * 1.1, sk.confidence, sk.names, sk.uv, sk.box),
                                      floor, (W, H))[1].weight)
    assert weights[0] > weights[1] > weights[2] > 0


def test_skeletons_that_cannot_use_the_floor_keep_their_distance():
    floor = Floor.from_mount(1.1, -12.0)
    sk, _, _ = _standing(3.0)
    far = Skeleton(sk.joints * 1.1, sk.confidence, sk.names, sk.uv, sk.box)
    cut = Skeleton(far.joints, far.confidence, far.names, far.uv, np.array([*far.box[:3], H - 1.0]))
    assert place_on_floor(cut, floor, (W, H))[1].reason == "feet cut"
    unsure = far.confidence.copy()
    unsure[[10, 13]] = 0.1
    out, fit = place_on_floor(Skeleton(far.joints, unsure, far.names, far.uv, far.box), floor, (W, H))
    assert fit.reason == "no ankle" and out is not None and np.array_equal(out.joints, far.joints)
    outside = far.uv.copy()
    outside[[10, 13], 1] = H + 5
    assert place_on_floor(Skeleton(far.joints, far.confidence, far.names, outside, None), floor,
                          (W, H))[1].reason == "no ankle"
    # a camera below the ankles' height: their rays never meet the floor
    assert place_on_floor(far, Floor(floor.up, 0.05), (W, H))[1].reason == "ankle above horizon"
    # a body 2.5 times as far as the floor says (a foot on a table, a wrong ankle): gated out
    assert place_on_floor(Skeleton(sk.joints * 2.5, sk.confidence, sk.names, sk.uv, sk.box), floor,
                          (W, H))[1].reason == "disagrees"
    with pytest.raises(ValueError):
        place_on_floor(sk, floor, sigma_angle=0.0)


# ---- the camera mount from TF (pipose_ros.tf_buffer): base_footprint → camera_link → optical -----
OPTICAL_IN_LINK = (-0.5, 0.5, -0.5, 0.5)  # x, y, z, w: REP-103 optical frame in a camera_link (x forward, z up)


def _head_tree(buf, height=1.1, pitch_deg=-10.0, stamp=0.0, static=True):
    """A robot whose camera_link is ``height`` m above base_footprint, pitched down by
    −``pitch_deg`` degrees (TF: +y rotation looks down), with the usual optical child frame."""
    from scipy.spatial.transform import Rotation

    q = Rotation.from_euler("y", -pitch_deg, degrees=True).as_quat()
    buf.set_transform("base_footprint", "camera_link", stamp, (0.05, 0.0, height), q, static=static)
    buf.set_transform("camera_link", "camera_optical", 0.0, (0, 0, 0), OPTICAL_IN_LINK, static=True)


def test_the_floor_from_a_static_tf_tree_is_the_mount_it_describes():
    from pipose_ros.tf_buffer import TransformBuffer

    buf = TransformBuffer()
    _head_tree(buf, 1.1, -10.0)
    R, t = buf.lookup("base_footprint", "camera_optical", 123.4)
    assert np.allclose(R @ [0, 0, 1], [np.cos(np.deg2rad(10)), 0, -np.sin(np.deg2rad(10))])  # looks ahead, down
    f, ref = Floor.from_transform(R, t), Floor.from_mount(1.1, -10.0)
    assert f.height == pytest.approx(1.1) and np.allclose(f.up, ref.up)
    R2, t2 = buf.lookup("camera_optical", "base_footprint", 0.0)  # the other way: the inverse
    assert np.allclose(R2 @ R, np.eye(3)) and np.allclose(R2 @ t + t2, 0)
    R3, t3 = buf.lookup("camera_link", "camera_link", 0.0)
    assert np.allclose(R3, np.eye(3)) and np.allclose(t3, 0)


def test_a_moving_head_is_interpolated_held_briefly_and_refused_when_stale():
    from pipose_ros.tf_buffer import HOLD_S, TransformBuffer, TransformError

    buf = TransformBuffer()
    _head_tree(buf, 1.1, 0.0, stamp=10.0, static=False)
    _head_tree(buf, 1.3, -20.0, stamp=11.0, static=False)
    f = Floor.from_transform(*buf.lookup("base_footprint", "camera_optical", 10.5))
    assert f.height == pytest.approx(1.2) and np.allclose(f.up, Floor.from_mount(1.2, -10.0).up)  # halfway
    f = Floor.from_transform(*buf.lookup("base_footprint", "camera_optical", 11.0 + HOLD_S / 2))
    assert np.allclose(f.up, Floor.from_mount(1.3, -20.0).up)  # TF a little behind the image: its newest
    with pytest.raises(TransformError, match="newest transform is 0.500 s older"):
        buf.lookup("base_footprint", "camera_optical", 11.5)
    with pytest.raises(TransformError, match="older than the oldest"):
        buf.lookup("base_footprint", "camera_optical", 9.0)
    _head_tree(buf, 1.3, -20.0, stamp=30.0, static=False)  # history beyond cache_s is dropped
    with pytest.raises(TransformError, match="older than the oldest"):
        buf.lookup("base_footprint", "camera_optical", 10.5)


def test_unconnected_or_bad_frames_are_clear_errors():
    from pipose_ros.tf_buffer import TransformBuffer, TransformError

    buf = TransformBuffer()
    _head_tree(buf)
    buf.set_transform("map", "odom", 0.0, (0, 0, 0), (0, 0, 0, 1), static=True)
    with pytest.raises(TransformError, match="two trees.*'base_footprint'.*'map'"):
        buf.lookup("odom", "camera_optical", 0.0)
    with pytest.raises(TransformError, match="'camera' never received"):
        buf.lookup("base_footprint", "camera", 0.0)
    for bad in (("a", "a", (0, 0, 0), (0, 0, 0, 1)), ("a", "b", (0, np.nan, 0), (0, 0, 0, 1)),
                ("a", "b", (0, 0, 0), (0, 0, 0, 0)), ("", "b", (0, 0, 0), (0, 0, 0, 1))):
        with pytest.raises(ValueError):
            buf.set_transform(bad[0], bad[1], 0.0, bad[2], bad[3])
    assert buf.frames() == {"base_footprint", "camera_link", "camera_optical", "map", "odom"}


# ---- the mount measured from depth (pipose_ros.label.mount, `pipose floor`) -------------------------
def _room_depth(height, pitch, roll, seed=0, floor_visible=True):
    """uint16 mm depth of a room seen by a camera ``height`` m up, pitched/rolled (degrees): a floor,
    a back wall 5 m ahead, a 0.75 m high table top in front; 1 % noise, 10 % of pixels invalid."""
    rng = np.random.default_rng(seed)
    f = Floor.from_mount(height, pitch, roll)
    u, v = np.meshgrid(np.arange(W) + 0.5, np.arange(H) + 0.5)
    d = np.stack([(u - K[0, 2]) / K[0, 0], (v - K[1, 2]) / K[1, 1], np.ones_like(u)], -1)  # rays with z = 1
    fwd = np.array([0.0, 0.0, 1.0]) - f.up[2] * f.up
    fwd /= np.linalg.norm(fwd)
    side = np.cross(f.up, fwd)
    z = np.full((H, W), np.inf)
    down = d @ f.up
    if floor_visible:
        t = np.where(down < -1e-6, -height / np.minimum(down, -1e-6), np.inf)
        z = np.minimum(z, t)
    t_wall = np.where(d @ fwd > 1e-6, 5.0 / np.maximum(d @ fwd, 1e-6), np.inf)
    z = np.minimum(z, t_wall)
    t_tab = np.where(down < -1e-6, -(height - 0.75) / np.minimum(down, -1e-6), np.inf)
    P = d * np.where(np.isfinite(t_tab), t_tab, 0.0)[..., None]
    on = np.isfinite(t_tab) & (P @ fwd > 1.5) & (P @ fwd < 2.2) & (np.abs(P @ side) < 0.5)
    z = np.where(on, np.minimum(z, t_tab), z)
    z = z * (1 + 0.01 * rng.standard_normal(z.shape))
    mm = np.where(np.isfinite(z) & (z < 10), np.round(z * 1000), 0).astype(np.uint16)
    mm[rng.random(mm.shape) < 0.1] = 0
    return mm


@pytest.mark.parametrize("height, pitch, roll", [(1.15, -14.0, 0.0), (0.5, 5.0, 3.0), (1.7, -28.0, -4.0)])
def test_the_mount_is_measured_from_a_depth_image_of_a_room(height, pitch, roll):
    from pipose_ros.label.mount import floor_from_depth, mount_angles

    fit = floor_from_depth(_room_depth(height, pitch, roll), K)
    assert fit is not None
    p, r = mount_angles(fit[0])
    assert fit[0].height == pytest.approx(height, abs=0.02) and p == pytest.approx(pitch, abs=0.5)
    assert r == pytest.approx(roll, abs=0.5) and 0.05 < fit[1] < 1
    assert np.allclose(mount_angles(Floor.from_mount(height, pitch, roll)), (pitch, roll))  # the convention


def test_no_floor_in_view_gives_none_and_a_recording_gives_one_mount_with_its_spread():
    from pipose_ros.label.mount import floor_from_depth, measure_mount

    assert floor_from_depth(_room_depth(1.1, -10.0, 0.0, floor_visible=False), K) is None  # the table is too small
    assert floor_from_depth(np.zeros((H, W), np.uint16), K) is None
    with pytest.raises(ValueError):
        floor_from_depth(np.zeros((H, W, 3), np.uint16), K)
    pitches = [-10.0, -12.0, -14.0, -16.0, -18.0]
    frames = [(_room_depth(1.1, p, 0.0, seed=i), K) for i, p in enumerate(pitches)]
    frames.append((np.zeros((H, W), np.uint16), K))
    m, per = measure_mount(frames)
    assert m.frames == 5 and m.frames_without == 1 and per[-1] is None
    assert m.height_m == pytest.approx(1.1, abs=0.02) and m.pitch_deg == pytest.approx(-14.0, abs=0.5)
    assert 2.0 < m.angle_sigma_deg < 4.0  # the pitches' spread (1.4826 × MAD = 2.97°) over the default 0.57°
    assert "floor_camera_height: 1.1" in m.ros_params() and "floor_angle_sigma:" in m.ros_params()
    assert np.allclose(m.floor().up, Floor.from_mount(m.height_m, m.pitch_deg, m.roll_deg).up)
