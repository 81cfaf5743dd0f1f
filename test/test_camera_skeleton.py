import numpy as np
import pytest

from pipose_ros.camera import (Letterbox, Undistorter, backproject, crop_K, depth_to_metres, flip_K,
                               intrinsics_from_fov, metres_to_mm16, project, scale_K, validate_K)
from pipose_ros.skeleton import KINECT14, Skeleton, flip_joints_x, get_joint_set, suppress_duplicates


def test_joint_set():
    assert len(KINECT14) == 14 and KINECT14.names[KINECT14.root] == "neck"
    perm = KINECT14.flip_permutation
    assert (perm[perm] == np.arange(14)).all()
    assert KINECT14.names[perm[KINECT14.index("left_wrist")]] == "right_wrist"
    with pytest.raises(KeyError):
        get_joint_set("coco99")


def test_flip_involution_and_projection():
    rng = np.random.default_rng(0)
    j = rng.uniform([-1, -1, 1], [1, 1, 4], (14, 3)).astype(np.float32)
    assert np.allclose(flip_joints_x(flip_joints_x(j)), j)
    W, H = 640, 480
    K = intrinsics_from_fov(W, H, 60)
    K[0, 2] += 13.0  # off-centre principal point
    uv = project(j, K)
    uv_f = project(flip_joints_x(j), flip_K(K, W))
    # mirrored pixel of joint n is where the flipped set puts its left/right partner
    assert np.allclose(uv_f[KINECT14.flip_permutation][:, 0], W - 1 - uv[:, 0], atol=1e-6)
    assert np.allclose(uv_f[KINECT14.flip_permutation][:, 1], uv[:, 1], atol=1e-6)


@pytest.mark.parametrize("src", [(640, 480), (512, 512), (1280, 720), (300, 500)])
def test_letterbox_K_follows_resize(src):
    K = intrinsics_from_fov(*src, 70)
    lb = Letterbox.fit(*src, 128, 96)
    Kn = lb.apply_K(K)
    p = np.array([[0.3, -0.2, 2.0], [-0.5, 0.4, 3.5]])
    uv_src, uv_net = project(p, K), project(p, Kn)
    assert np.allclose(lb.to_source(uv_net), uv_src, atol=1e-6)
    assert np.allclose(backproject(uv_net, p[:, 2], Kn), p, atol=1e-9)
    # a pixel-accurate check on a real resize: a bright dot lands where K says
    img = np.zeros(src[::-1], np.float32)
    u, v = int(src[0] * 0.4), int(src[1] * 0.6)
    img[v - 8:v + 9, u - 8:u + 9] = 1.0
    out = lb.image(img)
    ys, xs = np.nonzero(out > 0.5)
    c = lb.to_source(np.array([xs.mean(), ys.mean()]))
    assert abs(c[0] - u) < 1.0 / lb.scale and abs(c[1] - v) < 1.0 / lb.scale


def test_scale_and_crop_K():
    K = intrinsics_from_fov(640, 480, 60)
    K2 = crop_K(scale_K(K, 0.5, 0.5), 10, 20)
    p = np.array([0.1, 0.2, 2.0])
    u, v = project(p, K)
    u2, v2 = project(p, K2)
    assert np.isclose(u2, (u + 0.5) * 0.5 - 0.5 - 10) and np.isclose(v2, (v + 0.5) * 0.5 - 0.5 - 20)


def test_validate_K():
    with pytest.raises(ValueError):
        validate_K(np.zeros((3, 3)))
    with pytest.raises(ValueError):
        validate_K(np.eye(2))
    validate_K(intrinsics_from_fov(10, 10, 60))


def test_depth_units():
    mm = np.array([[0, 1500], [65535, 1]], np.uint16)
    m = depth_to_metres(mm, "16UC1")
    assert np.isnan(m[0, 0]) and m[0, 1] == pytest.approx(1.5)
    f = np.array([[np.nan, 2.0], [0.0, np.inf]], np.float32)
    mf = depth_to_metres(f, "32FC1")
    assert np.isnan(mf).sum() == 3 and mf[0, 1] == 2.0
    assert (metres_to_mm16(np.array([1.5, np.nan, -1])) == [1500, 0, 0]).all()
    with pytest.raises(ValueError):
        depth_to_metres(mm, "8UC1")
    with pytest.raises(ValueError):
        depth_to_metres(f, "16UC1")


def test_undistorter():
    K = intrinsics_from_fov(64, 48, 60)
    img = np.random.default_rng(0).integers(0, 255, (48, 64, 3), np.uint8)
    und = Undistorter()
    assert und(img, K, np.zeros(5)) is img
    out = und(img, K, np.array([-0.2, 0.05, 0, 0, 0]))
    assert out.shape == img.shape and not np.array_equal(out, img)


def test_in_view():
    from pipose_ros.camera import in_view
    K = np.array([[100.0, 0, 49.5], [0, 100.0, 39.5], [0, 0, 1]])
    pts = np.array([[0, 0, 2.0],            # centre
                    [np.nan, 0, 2.0],       # unknown
                    [0, 0, 0.0],            # unknown stored as zeros
                    [0, 0, -2.0],           # behind
                    [0.99, 0, 2.0],         # u = 99.0: last column
                    [1.0, 0, 2.0]])         # u = 99.5: outside
    assert in_view(pts, K, 100, 80).tolist() == [True, False, False, False, True, False]


def test_undistorter_fisheye_model_moves_points_back():
    """equidistant (fisheye) D: a dot drawn where cv2.fisheye puts an ideal pixel comes back to
    that pixel after undistortion; the same D read as plumb_bob would not."""
    import cv2

    from pipose_ros.camera import intrinsics_from_fov

    K = intrinsics_from_fov(320, 240, 90)
    D = np.array([0.2, 0.05, 0.0, 0.0])
    ideal = np.array([[250.0, 60.0]])
    norm = (ideal - K[:2, 2]) / np.diag(K)[:2]
    dist = cv2.fisheye.distortPoints(norm[None], K, D)[0, 0]
    img = np.zeros((240, 320), np.uint8)
    cv2.circle(img, (int(round(dist[0])), int(round(dist[1]))), 2, 255, -1)
    for model, ok in (("equidistant", True), ("plumb_bob", False)):
        out = Undistorter()(img, K, D, model=model)
        ys, xs = np.nonzero(out > 64)
        err = np.hypot(xs.mean() - ideal[0, 0], ys.mean() - ideal[0, 1]) if xs.size else np.inf
        assert (err < 2.0) == ok, (model, err)


def _person(uv, conf):
    uv = np.asarray(uv, np.float32)
    return Skeleton(joints=np.ones((len(uv), 3), np.float32), confidence=np.full(len(uv), conf, np.float32),
                    names=list(KINECT14.names), uv=uv)


def test_suppress_duplicates_keeps_one_skeleton_per_person():
    """Pose NMS: a near-copy (one person, two detector boxes) goes, the more confident copy stays;
    a second person beside the first, and one half hiding behind them, stay; order is kept."""
    rng = np.random.default_rng(3)
    a = rng.uniform([100, 50], [180, 350], (14, 2))  # a person ~300 px tall: diagonal ~310 px
    diag = np.hypot(*(a.max(0) - a.min(0)))
    copy = a + rng.normal(0, 0.01 * diag, a.shape)  # median offset ~1 % of the diagonal
    beside = a + [0.3 * diag, 0]
    behind = a + [0.12 * diag, 0.02 * diag]  # overlapping people: measured ≥ 0.1 apart on a real frame
    sk = [_person(copy, 0.4), _person(beside, 0.5), _person(a, 0.6), _person(behind, 0.3)]
    out = suppress_duplicates(sk, 0.05)
    assert [s.confidence[0] for s in out] == pytest.approx([0.5, 0.6, 0.3])  # the 0.4 copy dropped
    assert len(suppress_duplicates(sk, 0.0)) == 4  # switched off
    assert len(suppress_duplicates(sk, 0.2)) == 2  # a loose threshold merges the half-hidden person too
