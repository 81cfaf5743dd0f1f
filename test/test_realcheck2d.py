"""realcheck-2d scoring (PCK@0.2 of the torso) and the mmpose tests/data label formats."""

import json

import cv2
import numpy as np
import pytest

from pipose_ros.label.realcheck2d import load_people, pck, run, torso_size
from pipose_ros.skeleton import KINECT14


def _write_set(root):
    (root / "coco").mkdir()
    (root / "mpii").mkdir()
    cv2.imwrite(str(root / "coco" / "a.jpg"), np.full((100, 80, 3), 90, np.uint8))
    cv2.imwrite(str(root / "mpii" / "b.jpg"), np.full((100, 80, 3), 90, np.uint8))
    kp = np.zeros((17, 3))
    kp[5] = (30, 20, 2)   # left shoulder
    kp[12] = (50, 60, 2)  # right hip
    kp[0] = (40, 10, 1)   # nose
    (root / "coco" / "test_coco.json").write_text(json.dumps({
        "images": [{"id": 1, "file_name": "a.jpg"}],
        "annotations": [{"image_id": 1, "keypoints": kp.ravel().tolist(), "num_keypoints": 3, "iscrowd": 0,
                         "bbox": [20, 5, 40, 90]},
                        {"image_id": 1, "keypoints": [0] * 51, "num_keypoints": 0, "iscrowd": 0, "bbox": [0, 0, 5, 5]}]}))
    joints = np.zeros((16, 2))
    joints[13] = (30, 20)  # left shoulder
    joints[2] = (50, 60)   # right hip
    vis = [0] * 16
    vis[13] = vis[2] = 1
    (root / "mpii" / "test_mpii.json").write_text(json.dumps([
        {"image": "b.jpg", "joints": joints.tolist(), "joints_vis": vis, "center": [40, 50], "scale": 0.4}]))


def test_load_people_maps_coco_and_mpii_to_kinect14(tmp_path):
    _write_set(tmp_path)
    people = load_people(tmp_path)
    assert [p["set"] for p in people] == ["coco", "mpii"]  # the unlabelled COCO person is skipped
    c, m = people
    ls, rh = KINECT14.index("left_shoulder"), KINECT14.index("right_hip")
    assert np.allclose(c["uv"][ls], (30, 20)) and c["valid"][KINECT14.index("nose")]
    assert np.allclose(c["box"], (20, 5, 60, 95))
    assert np.allclose(m["uv"][rh], (50, 60)) and m["valid"].sum() == 2 and not m["valid"][KINECT14.index("neck")]
    assert np.allclose(m["box"], (0, 10, 80, 90))  # centre ± scale·200 / 2
    assert abs(torso_size(c["uv"], c["valid"]) - np.hypot(20, 40)) < 1e-9


def test_pck_counts_misses_and_ignores_unlabelled_joints():
    uv = np.zeros((14, 2))
    valid = np.zeros(14, bool)
    valid[:3] = True
    pred = uv.copy()
    pred[1] = (2.1, 0)      # beyond 0.2 × 10 px
    pred[2] = (np.nan, 0)   # not predicted
    r = pck(pred, uv, valid, ref=10.0)
    assert r[0] == 1 and r[1] == 0 and r[2] == 0 and np.isnan(r[3:]).all()
    assert (pck(None, uv, valid, 10.0)[:3] == 0).all()


def test_run_scores_an_estimator_on_the_boxes(tmp_path):
    _write_set(tmp_path)

    class Perfect:  # returns the labels: PCK 100 %
        def __init__(self, people):
            self.people = people

        def estimate(self, rgb, K, boxes):
            p = next(p for p in self.people if np.allclose(p["box"], boxes[0]))
            from pipose_ros.skeleton import Skeleton
            return [Skeleton(joints=np.ones((14, 3), np.float32), confidence=np.ones(14, np.float32),
                             names=list(KINECT14.names), uv=p["uv"].astype(np.float32))]

    res = run(tmp_path, Perfect(load_people(tmp_path)))
    assert res["people"] == 2 and res["student"]["pck02"] == 100.0 and res["mediapipe_full"] is None

    class Grey(Perfect):  # --gray: the estimator sees the photos as a monochrome camera gives them
        def estimate(self, rgb, K, boxes):
            assert np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 1], rgb[..., 2])
            return super().estimate(rgb, K, boxes)

    cv2.imwrite(str(tmp_path / "coco" / "a.jpg"), np.dstack([np.full((100, 80), v, np.uint8) for v in (20, 90, 200)]))
    assert run(tmp_path, Grey(load_people(tmp_path)), gray=True)["student"]["pck02"] == 100.0
    with pytest.raises(ValueError, match="estimator only"):
        run(tmp_path, Grey(load_people(tmp_path)), "python3", gray=True)


def test_pretrained_heatmaps_maps_heatmap_peaks_back_to_the_photo(tmp_path, monkeypatch):
    """--blazepose-heatmaps: a landmark's heatmap arg-max (stride 4, in the person's crop) lands
    at the right photo pixel and is scored with the labels (fake network: every peak at the
    centre cell; the left shoulder is labelled there, the right hip far away)."""
    import torch

    from pipose_ros.camera import CropView
    from pipose_ros.label import realcheck2d
    from pipose_ros.model import backbones

    class Fake(torch.nn.Module):
        OUT_CHANNELS = 48 + 39

        def forward(self, x):
            b, _, h, w = x.shape
            f = torch.zeros(b, self.OUT_CHANNELS, h // 4, w // 4)
            f[:, :, h // 8, w // 8] = 1.0
            return f, []

    monkeypatch.setattr(backbones, "BlazePoseBackbone", Fake)
    (tmp_path / "coco").mkdir()
    cv2.imwrite(str(tmp_path / "coco" / "a.jpg"), np.full((200, 160, 3), 90, np.uint8))
    box = [40, 40, 60, 120]  # x, y, w, h
    view = CropView.around([40, 40, 100, 160], 64, 64, scale=1.25)
    centre = view.to_source(np.array([(8 + 0.5) * 4 - 0.5, (8 + 0.5) * 4 - 0.5]))
    kp = np.zeros((17, 3))
    kp[5] = (*centre, 2)   # left shoulder: at the peak
    kp[12] = (95, 155, 2)  # right hip: far from it
    (tmp_path / "coco" / "test_coco.json").write_text(json.dumps({
        "images": [{"id": 1, "file_name": "a.jpg"}],
        "annotations": [{"image_id": 1, "keypoints": kp.ravel().tolist(), "num_keypoints": 2, "iscrowd": 0,
                         "bbox": box}]}))
    res = realcheck2d.pretrained_heatmaps(tmp_path, sizes=(64,))
    assert res["people"] == 1
    pj = res["sizes"][64]["per_joint"]
    assert pj["left_shoulder"] == 100.0 and pj["right_hip"] == 0.0 and pj["neck"] is None
    assert res["sizes"][64]["pck02"] == 50.0
