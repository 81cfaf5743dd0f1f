"""Temporal smoothing (pipose_ros.smooth): the One-Euro filter and the per-body skeleton smoother."""

import numpy as np
import pytest

from pipose_ros.camera import intrinsics_from_fov, project
from pipose_ros.skeleton import KINECT14, Skeleton
from pipose_ros.smooth import OneEuroFilter, SkeletonSmoother


def test_one_euro_filter_smooths_noise_and_follows_motion():
    rng = np.random.default_rng(0)
    t = np.arange(300) / 30.0
    still = 2.0 + 0.05 * rng.standard_normal(300)
    f = OneEuroFilter(1.0, 0.0)
    out = np.array([f(np.array([x]), ti)[0] for x, ti in zip(still, t)])
    assert out[0] == still[0]                                  # the first sample passes through
    assert np.std(out[30:] - 2.0) < 0.4 * np.std(still[30:] - 2.0)
    ramp = 1.0 * t                                              # 1 unit/s: lag shrinks as beta grows
    lag = {}
    for beta in (0.0, 1.0, 10.0):
        f = OneEuroFilter(1.0, beta)
        lag[beta] = np.mean(np.abs([f(np.array([x]), ti)[0] - x for x, ti in zip(ramp, t)][60:]))
    assert lag[10.0] < lag[1.0] < lag[0.0]
    # a frame not newer than the last returns the last output unchanged
    f = OneEuroFilter(1.0, 0.0)
    a = f(np.array([1.0]), 1.0)
    b = f(np.array([5.0]), 1.2)
    assert np.allclose(f(np.array([100.0]), 1.1), b) and 1.0 < b[0] < 5.0 and a[0] == 1.0
    # NaN passes through and restarts its element
    f = OneEuroFilter(1.0, 0.0)
    f(np.array([1.0, 1.0]), 0.0)
    assert np.isnan(f(np.array([np.nan, 2.0]), 0.1)[0])
    assert f(np.array([3.0, 2.0]), 0.2)[0] == 3.0
    with pytest.raises(ValueError):
        OneEuroFilter(0.0, 0.1)


def _skel(root, noise, rng):
    j = np.array([[0, -0.65, 0], [0, -0.5, 0], [-0.2, -0.5, 0], [-0.25, -0.25, 0], [-0.25, 0, 0],
                  [0.2, -0.5, 0], [0.25, -0.25, 0], [0.25, 0, 0], [-0.1, 0, 0], [-0.1, 0.45, 0],
                  [-0.1, 0.9, 0], [0.1, 0, 0], [0.1, 0.45, 0], [0.1, 0.9, 0]], float) + root
    j *= np.exp(noise * rng.standard_normal())                 # distance noise along the rays
    return Skeleton(joints=j.astype(np.float32), confidence=np.ones(14, np.float32),
                    names=list(KINECT14.names), uv=np.zeros((14, 2), np.float32), box=np.array([1.0, 2, 3, 4]))


def test_skeleton_smoother_steadies_the_distance_and_keeps_2d_and_3d_one_skeleton():
    rng = np.random.default_rng(1)
    K = intrinsics_from_fov(640, 480, 60.0)
    sm = SkeletonSmoother(min_cutoff=1.0, beta=0.5)
    raw_z, smooth_z = [], []
    for k in range(90):
        a, b = _skel([0.0, 0.0, 3.0], 0.05, rng), _skel([1.0, 0.0, 4.0], 0.05, rng)
        out = sm(["a", "b"], [a, b], K, k / 30.0)
        if k == 0:
            assert np.allclose(out[0].joints, a.joints, atol=1e-5)   # a new body passes through
        assert np.allclose(out[0].uv, project(out[0].joints, K), atol=1e-3)
        assert np.array_equal(out[1].box, b.box) and np.array_equal(out[1].confidence, b.confidence)
        raw_z.append(a.joints[1, 2])
        smooth_z.append(out[0].joints[1, 2])
    assert np.std(smooth_z[30:]) < 0.4 * np.std(raw_z[30:])
    assert abs(np.mean(smooth_z[30:]) - 3.0) < 0.05
    # a body that left starts afresh
    c = _skel([0.0, 0.0, 5.0], 0.0, rng)
    out = sm(["a"], [c], K, 3.1, ended=["a"])
    assert np.allclose(out[0].joints, c.joints, atol=1e-5)
    with pytest.raises(ValueError):
        sm(["a"], [], K, 3.2)
