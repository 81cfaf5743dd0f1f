"""Dataset folder format, the versioned benchmark, canonical SPDH and the PI variants' maps."""

import numpy as np
import pytest
import torch

from pipose_ros.camera import intrinsics_from_fov
from pipose_ros.data.benchmark import BENCHMARK_V1, case_masks, write_benchmark
from pipose_ros.data.dataset import AugmentedDataset, foreground_from_depth
from pipose_ros.data.folder import FolderWriter, load_folder, read_folder
from pipose_ros.data.synthetic import SyntheticHumans
from pipose_ros.spdh import SPDHConfig, canonical_scale, decode
from pipose_ros.train.targets import encode, roundtrip_error_mm
from pipose_ros.train.losses import attention_map, mask_loss


def _write(root, n=4, unknown=None):
    g = SyntheticHumans(seed=5, width=160, height=120)
    frames = [g[i] for i in range(n)]
    with FolderWriter(root, info={"source": "test"}) as w:
        for i, f in enumerate(frames):
            j = f.joints.copy()
            if unknown is not None and i == 0:
                j[unknown] = np.nan
            w.add(f.rgb, f.depth_mm, f.K, joints=j, visible=f.visible, stamp_ns=1000 + i,
                  label_source="synthetic-gt")
        w.add(frames[0].rgb, frames[0].depth_mm, frames[0].K)  # an unlabelled frame
    return frames


def test_folder_round_trip(tmp_path):
    frames = _write(tmp_path, unknown=[4, 7])
    info, recs = read_folder(tmp_path)
    assert info["format"] == "pipose_dataset/1" and info["source"] == "test" and len(recs) == 5
    assert recs[0]["joints"][4] is None and recs[4]["joints"] is None and recs[1]["stamp_ns"] == 1001
    s = load_folder(tmp_path, net_wh=(128, 96))
    assert len(s) == 4 and s.rgb.shape == (4, 96, 128, 3) and s.depth_mm.dtype == np.uint16
    # 160x120 -> 128x96 is a pure 0.8 scale: K follows, joints are unchanged
    assert np.allclose(s.K[1][:2, :2], frames[1].K[:2, :2] * 0.8)
    assert np.allclose(s.joints[1], frames[1].joints, atol=1e-4)
    assert not s.in_image[0, 4] and not s.in_image[0, 7] and (s.joints[0, 4] == 0).all()
    # unknown joints stay out of the loss through every augmentation, and never become NaN
    ds = AugmentedDataset(s, augment=True, z_shift=0.3, seed=3, with_foreground=True)
    for ep in range(3):
        ds.epoch = ep
        it = ds[0]
        assert torch.isfinite(it["joints"]).all() and it["mask"][4] == 0 and it["mask"][7] == 0
        assert it["fg"].shape == (1, 96, 128)


def test_folder_rejects_bad_input(tmp_path):
    with FolderWriter(tmp_path / "a") as w:
        with pytest.raises(ValueError):
            w.add(np.zeros((4, 4, 3), np.uint8), np.zeros((4, 5), np.uint16), np.eye(3) * 5)
    with pytest.raises(FileExistsError):
        FolderWriter(tmp_path / "a")
    with pytest.raises(ValueError, match="no labelled frame"):
        load_folder(tmp_path / "a")
    with pytest.raises(FileNotFoundError):
        read_folder(tmp_path / "missing")


def test_benchmark_is_reproducible(tmp_path):
    spec = dict(BENCHMARK_V1, frames=6, name="tiny")
    a = write_benchmark(tmp_path / "a", spec, workers=1)
    b = write_benchmark(tmp_path / "b", spec, workers=2)
    assert a == b and len(a) == 64
    s = load_folder(tmp_path / "a")
    c = case_masks(s)
    assert set(c) >= {"truncated", "occluded", "dist 1-2 m", "dist 4-5 m"}
    assert sum(int(c[f"dist {d}-{d + 1} m"].sum()) for d in (1, 2, 3, 4)) <= 6


def test_canonical_spdh_round_trip_for_any_camera():
    cfg = SPDHConfig(sigma_mm=100, z_min=0.3, z_max=7.8, canonical_fx=100.0)
    for fov in (50.0, 65.0, 80.0):
        e = roundtrip_error_mm(cfg, n=500, hfov_deg=fov)
        assert e.mean() < 15.0, fov
    # the same pixel and metric depth seen by two focal lengths encode to different uz rows
    j = torch.tensor([[[0.0, 0.0, 3.0]]])
    K1 = torch.tensor(intrinsics_from_fov(128, 96, 50), dtype=torch.float32)[None]
    K2 = torch.tensor(intrinsics_from_fov(128, 96, 80), dtype=torch.float32)[None]
    r1 = encode(j, K1, cfg)[1][0, 0].amax(1).argmax()
    r2 = encode(j, K2, cfg)[1][0, 0].amax(1).argmax()
    assert r1 != r2
    assert float(canonical_scale(K1, cfg)[0]) == pytest.approx(100.0 / K1[0, 0, 0].item())
    for K in (K1, K2):
        out = decode(*encode(j, K, cfg), K, cfg)["joints"]
        assert np.allclose(out, j.numpy(), atol=0.03)
    assert float(canonical_scale(K1, SPDHConfig())[0]) == 1.0


def test_attention_and_mask_loss():
    uv = torch.tensor([[[10.0, 20.0], [50.0, 40.0]]])
    a = attention_map(uv, torch.tensor([[1.0, 0.0]]), 48, 64)
    assert a.shape == (1, 1, 48, 64) and a.max() == pytest.approx(1.0)
    assert a[0, 0, 20, 10] == pytest.approx(1.0) and a[0, 0, 40, 50] < 1e-6  # masked joint
    both = attention_map(uv, torch.tensor([[1.0, 20.0]]), 48, 64)  # L_PE weights do not scale it
    assert both[0, 0, 20, 10] == pytest.approx(both[0, 0, 40, 50]) == pytest.approx(1.0)
    f = torch.ones(1, 4, 12, 16)
    assert mask_loss(f, torch.ones(1, 1, 48, 64)).item() == 0.0
    assert mask_loss(f, torch.zeros(1, 1, 48, 64)).item() == pytest.approx(1.0)


def test_foreground_from_depth_finds_the_person():
    g = SyntheticHumans(seed=2, width=160, height=120, occluder_prob=0.0)
    ious = []
    for i in range(8):
        f = g[i]
        fg = foreground_from_depth(f.depth_mm * 1e-3, f.joints, f.K, f.in_image) > 0
        inter, union = (fg & f.mask).sum(), (fg | f.mask).sum()
        ious.append(inter / max(union, 1))
    assert np.median(ious) > 0.5, ious
