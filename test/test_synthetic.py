import numpy as np
import torch

from pipose_ros.camera import project
from pipose_ros.data.dataset import AugmentedDataset, synthetic_set
from pipose_ros.data.synthetic import SyntheticHumans


def test_deterministic():
    a, b = SyntheticHumans(seed=3)[5], SyntheticHumans(seed=3)[5]
    assert np.array_equal(a.rgb, b.rgb) and np.array_equal(a.depth_mm, b.depth_mm)
    assert np.array_equal(a.joints, b.joints)
    c = SyntheticHumans(seed=4)[5]
    assert not np.array_equal(a.rgb, c.rgb)


def test_frame_format():
    f = SyntheticHumans(seed=0, width=160, height=120)[0]
    assert f.rgb.shape == (120, 160, 3) and f.rgb.dtype == np.uint8
    assert f.depth_mm.shape == (120, 160) and f.depth_mm.dtype == np.uint16
    assert f.joints.shape == (14, 3) and f.joints.dtype == np.float32
    assert (f.depth_mm == 0).any(), "the sensor model must leave holes"


def test_projected_joints_land_on_the_body():
    g = SyntheticHumans(seed=11, width=192, height=144, occluder_prob=0.0)
    hits = total = 0
    for i in range(30):
        f = g[i]
        uv = np.round(project(f.joints, f.K)).astype(int)
        for (u, v), vis in zip(uv, f.visible):
            if vis:
                total += 1
                hits += bool(f.mask[max(v - 1, 0):v + 2, max(u - 1, 0):u + 2].any())
        # where a visible joint lands on the body, the rendered depth is in front of the
        # joint within a body radius (a joint on the silhouette's edge may land on background)
        z = f.depth_mm.astype(float) / 1000
        for (u, v), vis, j in zip(uv, f.visible, f.joints):
            if vis and z[v, u] > 0 and f.mask[v, u]:
                assert z[v, u] < j[2] + 0.2
    assert total > 100 and hits / total > 0.95


def test_synthetic_set_and_augmentation_keep_geometry():
    s = synthetic_set(21, 8, net_wh=(128, 96), workers=1, progress=False)
    assert s.rgb.shape == (8, 96, 128, 3) and s.K.shape == (8, 3, 3)
    ds = AugmentedDataset(s, augment=True, z_shift=0.3, seed=1)
    for i in range(8):
        item = ds[i]
        K = item["K"].numpy().astype(np.float64)
        j = item["joints"].numpy()
        uv = project(j, K)
        m = item["mask"].numpy() > 0
        # augmented joints still project inside the image where the mask says so
        assert ((uv[m] >= -0.5) & (uv[m] <= [128.5, 96.5])).all()
    # flip with joint swap: un-augmented item vs the raw sample
    raw = AugmentedDataset(s, augment=False)[0]
    assert np.allclose(raw["joints"].numpy(), s.joints[0])


def test_bodies_keep_their_handedness():
    """The world→camera map is a rotation, not a mirror: with the body's forward direction
    (left shoulder − right shoulder) × (neck − mid-hip), the nose is always in front of the neck.
    A mirrored renderer swaps left and right for every detector trained on real people."""
    g = SyntheticHumans(seed=3, width=96, height=72)
    for i in range(30):
        j = g[i].joints.astype(np.float64)
        forward = np.cross(j[5] - j[2], j[1] - (j[8] + j[11]) / 2)
        assert np.dot(j[0] - j[1], forward) > 0, i


def test_visibility_mask_follows_the_flip():
    s = synthetic_set(23, 6, net_wh=(128, 96), workers=1, progress=False)
    s.visible[:] = False
    s.visible[:, 2] = True  # only the right shoulder is visible
    ds = AugmentedDataset(s, augment=True, seed=2, pe_mask="visible")
    seen = set()
    for ep in range(6):
        ds.epoch = ep
        for i in range(len(s)):
            m = ds[i]["mask"].numpy()
            assert m.sum() <= 1 and (m[2] == 1 or m[5] == 1 or m.sum() == 0)
            seen.add(int(np.argmax(m)) if m.sum() else -1)
    assert 2 in seen and 5 in seen  # flipped samples carry the shoulder as the left one


def test_known_mask_keeps_joints_out_of_view():
    """pe_mask="known": every labelled joint is in L_PE, also out of the input (its target is the
    Gaussian's part on the grid) with weight out_weight, so the network learns a low confidence
    there; the default masks it; an unlabelled joint (zeros) stays out of both."""
    s = synthetic_set(25, 4, net_wh=(128, 96), workers=1, progress=False)
    s.joints[0, 3] = (5.0, 0.0, 2.0)  # far right of the image: out of view
    s.joints[0, 4] = 0.0  # unlabelled
    for mask_kind, weight, expect in (("in_image", 5.0, 0.0), ("known", 1.0, 1.0), ("known", 5.0, 5.0)):
        ds = AugmentedDataset(s, augment=False, pe_mask=mask_kind, out_weight=weight)
        m = ds[0]["mask"].numpy()
        assert m[3] == expect and m[4] == 0.0, mask_kind
        assert set(m[[0, 1, 2]]) <= {0.0, 1.0}  # in view (or not) as before
    # the foreground mask grows from the joints in view only, whatever the L_PE mask holds
    fg = [AugmentedDataset(s, augment=False, pe_mask=k, with_foreground=True)[0]["fg"] for k in ("in_image", "known")]
    assert torch.equal(fg[0], fg[1])
    try:
        AugmentedDataset(s, pe_mask="everything")
    except ValueError as e:
        assert "known" in str(e)
    else:
        raise AssertionError("an unknown pe_mask must raise")


def test_zoom_augmentation_is_a_camera_with_another_focal_length():
    """zoom: the image is magnified about the principal point and K's focal lengths with it; the
    3D joints stay (the same person, nearer or farther inside the crop); a mark drawn at a joint's
    pixel lands at its projection with the new K; the magnification varies per epoch within
    [1/(1+zoom), 1+zoom]."""
    s = synthetic_set(24, 2, net_wh=(128, 96), workers=1, progress=False)
    uv0 = project(s.joints[0].astype(np.float64), s.K[0])
    j = int(np.argmin(np.linalg.norm(uv0 - [64, 48], axis=1)))  # a joint near the centre stays in view
    s.rgb[0][:] = 0
    u, v = np.round(uv0[j]).astype(int)
    s.rgb[0][v - 1:v + 2, u - 1:u + 2] = 255
    ds = AugmentedDataset(s, augment=True, rot_deg=0.0, tx=0.0, ty=0.0, flip=False, colour_jitter=False,
                          zoom=0.5, seed=3)
    mags = []
    for ep in range(8):
        ds.epoch = ep
        item = ds[0]
        K = item["K"].numpy().astype(np.float64)
        mag = K[0, 0] / s.K[0][0, 0]
        assert 1 / 1.5 - 1e-6 <= mag <= 1.5 + 1e-6 and np.isclose(K[1, 1] / s.K[0][1, 1], mag)
        assert np.allclose(K[:2, 2], s.K[0][:2, 2]) and np.allclose(item["joints"].numpy(), s.joints[0])
        img = item["rgb"].numpy().sum(0)
        img = np.where(img > img.min() + 0.5 * np.ptp(img), img - img.min(), 0)
        ys, xs = np.indices(img.shape)
        centroid = np.array([(xs * img).sum(), (ys * img).sum()]) / img.sum()
        expected = K[:2, 2] + mag * (np.array([u, v]) - K[:2, 2])  # the mark's centre, magnified
        assert np.linalg.norm(centroid - expected) < 0.5, (centroid, expected)
        # and the joint itself projects where its mark went (up to the mark's rounding, magnified)
        assert np.linalg.norm(project(s.joints[0][j].astype(np.float64), K) - expected) <= 0.71 * mag + 1e-6
        mags.append(mag)
    assert max(mags) / min(mags) > 1.2  # it does vary


def test_gray_augmentation_turns_some_samples_into_a_monochrome_camera():
    """gray: with that probability a sample's three channels become its luminance (mono8, as the
    node converts it); the others keep their colour; geometry untouched; gray=0 draws nothing extra,
    so the samples of older recipes stay the same."""
    from pipose_ros.preprocess import RGB_MEAN, RGB_STD

    s = synthetic_set(25, 4, net_wh=(128, 96), workers=1, progress=False)
    plain = AugmentedDataset(s, augment=True, seed=5)
    assert all(torch.equal(AugmentedDataset(s, augment=True, seed=5, gray=0.0)[i]["rgb"], plain[i]["rgb"])
               for i in range(len(s)))
    ds = AugmentedDataset(s, augment=True, seed=5, gray=0.5)
    grey, colour = 0, 0
    for ep in range(6):
        ds.epoch = plain.epoch = ep
        for i in range(len(s)):
            item, ref = ds[i], plain[i]
            rgb = item["rgb"].numpy() * np.array(RGB_STD)[:, None, None] + np.array(RGB_MEAN)[:, None, None]
            is_grey = np.allclose(rgb[0], rgb[1], atol=1e-5) and np.allclose(rgb[1], rgb[2], atol=1e-5)
            grey += is_grey
            colour += not is_grey
            assert torch.equal(item["K"], ref["K"]) and torch.equal(item["joints"], ref["joints"])
    assert grey >= 3 and colour >= 3, (grey, colour)
