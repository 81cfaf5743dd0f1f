"""The whole-body person detector (session 22): targets, training (resumable), ONNX export, the
run-time detector, and the shipped model on a render BlazePose misses."""

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from pipose_ros.camera import box_iou
from pipose_ros.data.folder import FolderWriter, read_folder
from pipose_ros.data.synthetic import SyntheticHumans
from pipose_ros.detect import BodyDetector, PersonDetector, letterbox_params

ROOT = Path(__file__).resolve().parents[1]


def _folder(root, n=6):
    g = SyntheticHumans(seed=5, width=160, height=120)
    with FolderWriter(root, info={"source": "test"}) as w:
        for i in range(n):
            f = g[i]
            w.add(f.rgb, f.depth_mm, f.K, joints=f.joints, visible=f.visible, label_source="synthetic-gt")


def test_targets_hold_the_training_crops_boxes(tmp_path):
    from pipose_ros.train.body_detector import DetectionSamples, _boxes_of_targets, frame_boxes, make_targets
    _folder(tmp_path)
    ds = DetectionSamples(tmp_path, size=128, augment=False)
    _, recs = read_folder(tmp_path)
    n = 0
    for i in range(len(ds)):
        x, t = ds[i]
        assert x.shape == (3, 128, 128) and x.dtype == torch.float32 and 0 <= float(x.min()) and float(x.max()) <= 255
        pos, _ = frame_boxes(recs[i], 160, 120)
        s, x0, y0 = letterbox_params(160, 120, 128)
        want = pos * s + [x0, y0, x0, y0]  # clipped to the image's part of the input
        want = np.clip(want, [x0, y0, x0, y0], [x0 + 160 * s, y0 + 120 * s] * 2)
        got = _boxes_of_targets({k: v[None] for k, v in t.items()}, 0, 128)
        assert len(got) == len(want)
        assert np.allclose(got, want, atol=1e-3)
        assert float(t["heat"].max()) == (1.0 if len(want) else 0.0)
        n += len(want)
    assert n >= 3
    # an ignored person's area weighs nothing, a positive's centre always counts
    t = make_targets(np.array([[8.0, 8, 40, 100]]), np.array([[0.0, 0, 60, 120], [70, 10, 120, 120]]), 128)
    assert t["weight"][6, 3] == 1.0 and t["weight"][14, 1] == 0.0 and t["weight"][5, 12] == 0.0 and t["weight"][0, 14] == 1.0


def test_augmented_samples_keep_boxes_on_their_people(tmp_path):
    from pipose_ros.train.body_detector import DetectionSamples, _boxes_of_targets
    _folder(tmp_path, 3)
    ds = DetectionSamples(tmp_path, size=128, augment=True, seed=1)
    for epoch in range(4):
        ds.epoch = epoch
        for i in range(len(ds)):
            x, t = ds[i]
            boxes = _boxes_of_targets({k: v[None] for k, v in t.items()}, 0, 128)
            assert ((boxes >= -1e-3) & (boxes <= 128 + 1e-3)).all()
            img = x.numpy().transpose(1, 2, 0)
            for b in boxes:  # a capsule figure is brighter than SyntheticHumans' dark room
                inner = img[int(b[1]):int(np.ceil(b[3])), int(b[0]):int(np.ceil(b[2]))]
                assert inner.size and inner.std() > 1.0


def test_training_resumes_exports_and_runs(tmp_path):
    from pipose_ros.train.body_detector import BodyDetectorNet, export_body_detector, train_body_detector
    _folder(tmp_path / "d")
    out = tmp_path / "det.pt"
    row = train_body_detector(tmp_path / "d", tmp_path / "d", out, steps=2, batch=2, size=64, val_every=2,
                              progress=False)
    assert set(row) == {"loss", "recall", "precision"} and np.isfinite(row["loss"])
    ck = torch.load(out, map_location="cpu", weights_only=True)
    assert ck["step"] == 2 and ck["size"] == 64 and ck["kind"] == "pipose_body_detector"
    train_body_detector(tmp_path / "d", tmp_path / "d", out, steps=3, batch=2, size=64, val_every=2, progress=False)
    assert torch.load(out, map_location="cpu", weights_only=True)["step"] == 3
    assert len(out.with_suffix(".log.csv").read_text().splitlines()) == 1 + 3  # header + steps, none repeated
    onnx = export_body_detector(out, tmp_path / "det.onnx")
    net = BodyDetectorNet()
    net.load_state_dict(torch.load(out, map_location="cpu", weights_only=True)["state_dict"])
    net.eval()
    x = torch.rand(1, 3, 64, 64) * 255
    import onnxruntime as ort
    got = ort.InferenceSession(str(onnx), providers=["CPUExecutionProvider"]).run(None, {"rgb": x.numpy()})
    with torch.no_grad():
        want = net(x)
    for g, w in zip(got, want):
        assert np.allclose(g, w.numpy(), atol=1e-4)
    det = BodyDetector(onnx, min_score=0.0)
    assert det.size == 64
    dets = det(np.full((120, 160, 3), 90, np.uint8))
    for d in dets:
        assert d.keypoints is None and 0 <= d.box[0] < d.box[2] <= 159 and 0 <= d.box[1] < d.box[3] <= 119


def test_shipped_body_detector_finds_a_person_whose_head_is_out_of_view():
    """A render of the validation stream (AnnyMotion seed 1, sequence 9, frame 0, 640 px → 320 px):
    a low camera looking down sees a person's legs and hips; BlazePose's detector needs a face."""
    if not (ROOT / "models" / "body_detector.onnx").is_file():
        pytest.skip("models/body_detector.onnx not shipped")
    img = cv2.cvtColor(cv2.imread(str(ROOT / "test" / "data" / "head_out_of_view.jpg")), cv2.COLOR_BGR2RGB)
    truth = np.array([118.3, 0.0, 161.8, 59.4])  # the box of the visible joints, 320 px
    assert PersonDetector(max_people=4)(img) == []
    dets = BodyDetector()(img)
    assert len(dets) == 1
    assert box_iou(dets[0].box, truth[None])[0, 0] > 0.5
    both = PersonDetector(max_people=4, body=BodyDetector())(img)
    assert len(both) == 1 and both[0].keypoints is None
