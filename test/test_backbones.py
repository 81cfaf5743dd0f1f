"""Pretrained backbones (issue 10): the converted BlazePose networks agree with the original TFLite
models run by LiteRT on a real photo; EfficientNet-Lite0 carries real ImageNet weights; every
registry backbone gives the stride-4 embedding the SPDH head and L_PI expect."""

from pathlib import Path

import cv2
import numpy as np
import pytest
import skimage.data
import torch

from pipose_ros.assets import model_path
from pipose_ros.model import ModelConfig, build_backbone, build_model
from pipose_ros.model.backbones import backbone_channels

BP_CACHE = Path.home() / ".cache" / "pipose_ros" / "blazepose"


def _litert(name: str, x: np.ndarray) -> dict[str, np.ndarray]:
    from ai_edge_litert.interpreter import Interpreter

    path = BP_CACHE / f"{name}.tflite"
    assert path.is_file(), f"{path} missing: `make blazepose-tflite` unpacks it (make test does)"
    it = Interpreter(model_path=str(path))
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    return {d["name"]: it.get_tensor(d["index"]) for d in it.get_output_details()}


def test_blazepose_landmark_torch_matches_litert_on_a_photo():
    import onnx
    from onnx2torch import convert

    img = cv2.resize(skimage.data.astronaut(), (256, 256)).astype(np.float32)[None] / 255.0
    ref = _litert("pose_landmark_full", img)
    full = convert(onnx.load(str(model_path("blazepose/pose_landmark_full.onnx")))).eval()
    with torch.no_grad():
        out = [o.numpy() for o in full(torch.from_numpy(img))]
    by_shape = {o.shape: o for o in out}
    lm, hm, world = ref["Identity"], ref["Identity_3"], ref["Identity_4"]
    assert np.abs(by_shape[lm.shape] - lm).max() < 1e-2          # 39 landmarks, 256-px crop pixels
    assert np.abs(by_shape[hm.shape] - hm).max() < 1e-3          # 64×64×39 heatmaps
    assert np.abs(by_shape[world.shape] - world).max() < 1e-3   # metric world landmarks
    # the person is found where she is: the nose landmark on the face (upper middle)
    nose = lm[0, :2]
    assert 60 < nose[0] < 160 and 20 < nose[1] < 110
    # the cut backbone keeps the same heatmaps (NCHW) and takes ImageNet-normalised input
    bb = build_backbone("blazepose_full").eval()
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    x = torch.from_numpy(((img[0] - mean) / std).astype(np.float32)).permute(2, 0, 1)[None]
    with torch.no_grad():
        f, feats = bb(x)
    assert f.shape == (1, 87, 64, 64) and [t.shape[-1] for t in feats] == [64, 32, 16, 8]
    assert np.abs(f[0, 48:].permute(1, 2, 0).numpy() - hm[0]).max() < 1e-3


def test_blazepose_detector_onnx_matches_litert_on_a_photo():
    from pipose_ros.detect import PersonDetector

    det = PersonDetector()
    img = skimage.data.astronaut()
    x, *_ = det._letterbox(img)
    ref = _litert("pose_detection", x[None].astype(np.float32))
    reg, logit = det.raw(img)
    assert np.abs(reg - ref["Identity"][0]).max() < 5e-3
    assert np.abs(logit - ref["Identity_1"][0, :, 0]).max() < 5e-3


def test_efficientnet_lite0_imagenet_weights_recognise_the_cat():
    import timm
    from pipose_ros.model.backbones import efficientnet_lite0_imagenet

    m = timm.create_model("efficientnet_lite0", pretrained=False).eval()
    m.load_state_dict(efficientnet_lite0_imagenet(m.state_dict()), strict=True)
    img = cv2.resize(skimage.data.chelsea(), (224, 224)).astype(np.float32) / 255.0
    x = torch.from_numpy(((img - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]).astype(np.float32))
    with torch.no_grad():
        top = m(x.permute(2, 0, 1)[None]).softmax(-1)[0].topk(3).indices.tolist()
    assert set(top) <= {281, 282, 283, 285, 287} and top[0] in (281, 282, 285)  # tabby / tiger / Egyptian cat


@pytest.mark.parametrize("name", ["hrnet_w18_small", "efficientnet_lite0", "blazepose_full"])
def test_registry_backbones_give_the_stride4_embedding(name):
    bb = build_backbone(name, pretrained=name != "hrnet_w18_small")
    f, feats = bb(torch.zeros(2, 3, 64, 96))
    chans, out = backbone_channels(name)
    assert f.shape == (2, out, 16, 24) and [t.shape[1] for t in feats] == chans
    assert [t.shape[-1] for t in feats] == [24, 12, 6, 3]


def test_backbones_refuse_depth_they_cannot_read_and_unknown_names():
    with pytest.raises(ValueError, match="RGB backbone"):
        build_backbone("efficientnet_lite0", in_chans=1)
    with pytest.raises(ValueError, match="in_chans"):
        build_backbone("blazepose_full", in_chans=2)
    with pytest.raises(ValueError, match="unknown backbone"):
        build_backbone("resnet50")


def test_depth_as_image_encodes_relief_distance_and_validity():
    """A person-like slab 0.5 m in front of a wall 4 m away, a hole: the relief channel is
    brighter on the slab, the distance channel follows 1 − Z / 8 m, holes are 0 everywhere."""
    from pipose_ros.model.backbones import DEPTH_ABS_MAX_M, depth_as_image
    from pipose_ros.preprocess import depth_input

    d = np.full((64, 64), 4.0, np.float32)
    d[16:48, 24:40] = 3.5
    d[0:4, 0:4] = 0.0  # no measurement
    img = depth_as_image(torch.from_numpy(depth_input(d)).reshape(1, 1, 64, 64))[0].numpy()
    assert img.shape == (3, 64, 64) and img.min() >= 0 and img.max() <= 1
    relief, dist, valid = img
    assert relief[30, 30] > relief[30, 5] + 0.2  # the slab stands out from the wall
    assert np.isclose(dist[30, 30], 1 - 3.5 / DEPTH_ABS_MAX_M, atol=1e-5)
    assert np.isclose(dist[30, 5], 1 - 4.0 / DEPTH_ABS_MAX_M, atol=1e-5)
    assert (img[:, 0:4, 0:4] == 0).all() and valid[10, 10] == 1


def test_blazepose_depth_teacher_trains_exports_and_round_trips(tmp_path):
    """A depth teacher on BlazePose's pretrained trunk (depth through depth_as_image): trains,
    reloads to the same outputs (weights_only), and exports to ONNX with the same maps."""
    from pipose_ros.checkpoint import load_checkpoint, save_checkpoint
    from pipose_ros.data.dataset import synthetic_set
    from pipose_ros.model.export import export_onnx
    from pipose_ros.preprocess import normalisation
    from pipose_ros.skeleton import KINECT14
    from pipose_ros.spdh import SPDHConfig
    from pipose_ros.train.trainer import TrainConfig, train

    data = synthetic_set(16, 8, workers=1, progress=False)
    spdh = SPDHConfig(sigma_mm=100, stride=4)
    cfg = ModelConfig(kind="teacher", backbone="blazepose_full", head_stride=4, pretrained=True)
    teacher, s = train("teacher", data, cfg, spdh, TrainConfig(steps=2, batch_size=4), log=lambda *_: None)
    assert s["final_pe"] > 0
    save_checkpoint(tmp_path / "t.pt", teacher, teacher.cfg, spdh, list(KINECT14.names), normalisation(), s)
    again, meta = load_checkpoint(tmp_path / "t.pt")
    assert meta["model"]["backbone"] == "blazepose_full" and meta["model"]["kind"] == "teacher"
    x = torch.rand(1, 1, spdh.height, spdh.width) * 2 - 1
    with torch.no_grad():
        ref = teacher.eval()(x)
        assert torch.allclose(ref["uz"], again(x)["uz"], atol=1e-5)
    onnx_path = export_onnx(tmp_path / "t.pt", tmp_path / "t.onnx")
    import onnxruntime as ort

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    uv, uz = sess.run(None, {sess.get_inputs()[0].name: x.numpy()})
    assert np.allclose(uz, ref["uz"].numpy(), atol=1e-3) and np.allclose(uv, ref["uv"].numpy(), atol=1e-3)


def test_student_adaptation_layer_maps_to_the_teacher_channels():
    cfg = ModelConfig(kind="student", backbone="blazepose_full", teacher_channels=240, head_stride=2)
    m = build_model(cfg)
    out = m(torch.zeros(1, 3, 64, 64))
    assert out["distill"].shape == (1, 240, 16, 16) and out["f"].shape == (1, 87, 16, 16)
    assert out["uv"].shape == (1, 14, 32, 32) and out["embedding"].shape == (1, 174, 16, 16)


def test_blazepose_student_distils_from_the_hrnet_teacher_and_round_trips(tmp_path):
    """Stage 2 with a pretrained backbone: the adaptation layer appears because the channels
    differ, the student starts from BlazePose's weights, and its checkpoint reloads to the same
    outputs (weights_only)."""
    from pipose_ros.checkpoint import load_checkpoint, save_checkpoint
    from pipose_ros.data.dataset import synthetic_set
    from pipose_ros.preprocess import normalisation
    from pipose_ros.skeleton import KINECT14
    from pipose_ros.spdh import SPDHConfig
    from pipose_ros.train.trainer import TrainConfig, train

    data = synthetic_set(32, 8, workers=1, progress=False)
    spdh = SPDHConfig(sigma_mm=100)
    teacher = build_model(ModelConfig(kind="teacher")).eval()
    cfg = ModelConfig(kind="student", backbone="blazepose_full", pretrained=True)
    student, s = train("student", data, cfg, spdh, TrainConfig(steps=2, batch_size=4), teacher=teacher,
                       log=lambda *_: None)
    assert student.cfg.teacher_channels == 240 and s["final_pi"] > 0
    save_checkpoint(tmp_path / "s.pt", student, student.cfg, spdh, list(KINECT14.names), normalisation(), s)
    again, meta = load_checkpoint(tmp_path / "s.pt")
    assert meta["model"]["backbone"] == "blazepose_full" and meta["model"]["pretrained"]
    x = torch.rand(1, 3, spdh.height, spdh.width)
    with torch.no_grad():
        assert torch.allclose(student.eval()(x)["uv"], again(x)["uv"], atol=1e-5)


def test_s4_stage_distils_blazepose_decoder_features_without_heatmap_logits():
    """L_PI at ``s4`` between a BlazePose student and a BlazePose depth teacher: both give their 48
    stride-4 decoder channels (not the 39 heatmap logits of ``last``), no adaptation layer is
    needed, and one distillation step runs with a finite L_PI."""
    from pipose_ros.data.dataset import synthetic_set
    from pipose_ros.model.nets import distill_features, stage_channels
    from pipose_ros.spdh import SPDHConfig
    from pipose_ros.train.trainer import TrainConfig, train

    ch, out_ch = backbone_channels("blazepose_full")
    assert stage_channels(ch, out_ch, "s4") == 48 and stage_channels(ch, out_ch, "last") == 87
    teacher = build_model(ModelConfig(kind="teacher", backbone="blazepose_full", head_stride=4)).eval()
    with torch.no_grad():
        t_out = teacher(torch.zeros(1, 1, 64, 64))
    assert distill_features(t_out, "s4").shape == (1, 48, 16, 16)
    assert torch.equal(distill_features(t_out, "s4"), t_out["f"][:, :48])  # the decoder part of f
    data = synthetic_set(16, 8, workers=1, progress=False)
    cfg = ModelConfig(kind="student", backbone="blazepose_full", distill_stage="s4", head_stride=4)
    student, s = train("student", data, cfg, SPDHConfig(sigma_mm=100, stride=4), TrainConfig(steps=1, batch_size=4),
                       teacher=teacher, log=lambda *_: None)
    assert student.cfg.teacher_channels == 0 and student.adapt is None
    assert 0 < s["final_pi"] < float("inf")
    from pipose_ros.cli import _default_stage  # `pipose train` without --distill-stage
    assert _default_stage("blazepose_full") == "s4" and _default_stage("hrnet_w18_small") == "last"


def test_blazepose_graph_constants_come_from_the_onnx_not_the_checkpoint():
    """onnx2torch names the graph's constants by initializer order, which a re-conversion may
    change: loading must keep the ONNX's own constants (pads, resize scales)."""
    m = build_model(ModelConfig(kind="baseline", backbone="blazepose_full")).eval()
    x = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        ref = m(x)["uv"]
    sd = m.state_dict()
    consts = [k for k in sd if ".initializers." in k]
    assert consts
    bad = {k: (v + 7 if k in consts else v) for k, v in sd.items()}
    m.load_state_dict(bad)
    with torch.no_grad():
        assert torch.equal(m(x)["uv"], ref)


def test_uv_heatmap_prior_starts_the_uv_maps_at_blazepose_heatmaps(tmp_path):
    """--uv-prior (issue 10): each single-landmark KINECT14 joint's uv map starts as sigmoid of its
    BlazePose landmark's heatmap (the residual predictors start near zero), the neck gets no prior;
    a model without it initialises one with it (the uv predictors restart); other backbones refuse."""
    from pipose_ros.data.dataset import synthetic_set
    from pipose_ros.model.nets import HeatmapPrior
    from pipose_ros.preprocess import rgb_input
    from pipose_ros.skeleton import BLAZEPOSE_TO_KINECT14, KINECT14
    from pipose_ros.spdh import SPDHConfig
    from pipose_ros.train.trainer import TrainConfig, train

    logits = torch.full((1, 39, 6, 8), -20.0)
    logits[0, 14, 2, 5] = 3.0  # BlazePose landmark 14 = right elbow
    logits[0, 11, 1, 1] = 3.0  # left shoulder: also half of the neck, which gets no prior
    p = HeatmapPrior(14)(logits, (12, 16))
    re, ls, neck = KINECT14.index("right_elbow"), KINECT14.index("left_shoulder"), KINECT14.index("neck")
    assert BLAZEPOSE_TO_KINECT14["right_elbow"] == (14,)
    assert p.shape == (1, 14, 12, 16) and p[0, neck].abs().max() == 0
    assert np.unravel_index(int(p[0, re].argmax()), (12, 16)) in {(4, 10), (4, 11), (5, 10), (5, 11)}
    assert p[0, ls].max() > 0.5 and p[0, re].max() > 0.5 and p.min() >= 0
    with pytest.raises(ValueError):
        build_model(ModelConfig(kind="baseline", backbone="hrnet_w18_small", uv_prior=True))

    cfg = ModelConfig(kind="baseline", backbone="blazepose_full", head_stride=4, uv_prior=True, pretrained=True)
    m = build_model(cfg, pretrained=True).eval()
    x = torch.from_numpy(rgb_input(cv2.resize(skimage.data.astronaut(), (192, 192))[None]))
    with torch.no_grad():
        out = m(x)
        prior = m.prior(m.backbone(x)[0][:, -39:], out["uv"].shape[-2:])
    assert torch.allclose(out["uv"], prior + m.head.uv(m.backbone(x)[0]), atol=1e-6)
    assert prior.max() > 0.5  # the astronaut's landmarks

    plain = build_model(ModelConfig(kind="baseline", backbone="blazepose_full", head_stride=4)).eval()
    for q in plain.head.uv.pred.parameters():
        torch.nn.init.constant_(q, 0.5)  # a trained model's predictors: whole heatmaps
    data = synthetic_set(8, 8, workers=1, progress=False)
    spdh = SPDHConfig(sigma_mm=100, stride=4)
    new, _ = train("baseline", data, ModelConfig(kind="baseline", backbone="blazepose_full", head_stride=4,
                                                 uv_prior=True), spdh,
                   TrainConfig(steps=1, batch_size=4, lr=1e-9), init=plain, log=lambda *_: None)
    assert all(q.abs().max() < 0.1 for q in new.head.uv.pred.parameters())
    assert torch.allclose(new.head.uv.stem[0].weight, plain.head.uv.stem[0].weight, atol=1e-6)
