import numpy as np
import pytest
import torch

from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.data.dataset import synthetic_set
from pipose_ros.estimator import PoseEstimator
from pipose_ros.model import ModelConfig, build_model
from pipose_ros.spdh import SPDHConfig
from pipose_ros.train.losses import pi_loss, pose_loss
from pipose_ros.train.metrics import out_of_view_metrics, pose_metrics, procrustes_align
from pipose_ros.train.trainer import TrainConfig, evaluate, train


@pytest.mark.parametrize("kind,cin", [("teacher", 1), ("baseline", 3), ("student", 3)])
def test_shapes(kind, cin):
    m = build_model(ModelConfig(kind=kind)).eval()
    with torch.no_grad():
        out = m(torch.zeros(2, cin, 96, 128))
    assert out["uv"].shape == (2, 14, 96, 128) and out["uz"].shape == (2, 14, 96, 128)
    assert out["f"].shape[2:] == (24, 32)


def test_student_hall_only_and_bad_kind():
    m = build_model(ModelConfig(kind="student", use_rgb=False))
    assert m.rgb is None
    with pytest.raises(ValueError):
        build_model(ModelConfig(kind="nope"))


def test_losses():
    gt = torch.zeros(1, 2, 4, 4)
    gt[0, 0, 1, 1] = 1
    pred = torch.zeros_like(gt)
    mask = torch.tensor([[1.0, 0.0]])
    assert pose_loss(pred, pred, gt, gt, mask).item() == pytest.approx(2.0)
    assert pose_loss(gt, gt, gt, gt, mask).item() == 0.0
    pred2 = pred.clone()
    pred2[0, 1] = 5  # masked joint: no effect
    assert pose_loss(pred2, pred2, gt, gt, mask).item() == pytest.approx(2.0)
    # a weighted joint (--pe-out-weight): its uv error × the weight, its uz error once, divided by the
    # joints that count (2)
    assert pose_loss(pred, pred, gt, gt, torch.tensor([[1.0, 3.0]])).item() == pytest.approx(1.0)
    pred3 = pred.clone()
    pred3[0, 1, 0, 0] = 1  # one wrong pixel in the weighted joint's uv and uz maps: (2 + 3 · 1 + 1) / 2
    assert pose_loss(pred3, pred3, gt, gt, torch.tensor([[1.0, 3.0]])).item() == pytest.approx(3.0)
    # --lr-symmetric: maps that hold a pair's two sides the other way round cost nothing in the
    # symmetric share and the full error in the anatomical one; both sides in both maps cost in both
    lr = torch.zeros(2, 3, 4, 4)  # two samples, joints: nose, left, right
    lr[:, 1, 0, 0] = 1
    lr[:, 2, 3, 3] = 1
    swapped = lr[:, [0, 2, 1]]
    m3 = torch.ones(2, 3)
    anat = pose_loss(swapped, swapped, lr, lr, m3)
    assert anat.item() == pytest.approx(2 * 2 * 2 * 2 / 6)  # 2 samples x 2 joints x (uv + uz) x (1 + 1) / 6
    assert pose_loss(swapped, swapped, lr, lr, m3, flip_pairs=((1, 2),), lr_symmetric=1.0).item() == 0.0
    assert pose_loss(swapped, swapped, lr, lr, m3, flip_pairs=((1, 2),), lr_symmetric=0.5).item() == pytest.approx(anat.item() / 2)
    assert pose_loss(lr, lr, lr, lr, m3, flip_pairs=((1, 2),), lr_symmetric=1.0).item() == 0.0
    both = 0.5 * (lr + swapped)
    assert pose_loss(both, both, lr, lr, m3, flip_pairs=((1, 2),), lr_symmetric=1.0).item() > 0
    with pytest.raises(ValueError):
        pose_loss(lr, lr, lr, lr, m3, lr_symmetric=0.5)  # no pairs
    f = torch.randn(2, 3, 4, 4)
    assert pi_loss(f, f).item() == 0.0 and pi_loss(f, f + 1).item() == pytest.approx(1.0)
    assert pi_loss(f, f + 1, "huber").item() == pytest.approx(0.5)


def test_metrics():
    rng = np.random.default_rng(0)
    gt = rng.normal(size=(5, 14, 3)) + [0, 0, 3]
    pred = gt + [0.05, 0, 0]  # 5 cm everywhere
    m = pose_metrics(pred, gt, np.ones((5, 14), bool))
    assert m["mpjpe_cm"] == pytest.approx(5.0) and m["map@6"] == 100.0 and m["map@10"] == 100.0
    assert m["rr_mpjpe_cm"] == pytest.approx(0.0, abs=1e-9) and m["pa_mpjpe_cm"] < 1e-6
    R = np.array([[0, -1, 0], [1, 0, 0], [0, 0, 1.0]])
    assert np.allclose(procrustes_align(2 * gt[0] @ R.T + 1, gt[0]), gt[0], atol=1e-9)


def test_training_reduces_loss_and_freezes_teacher(tmp_path):
    data = synthetic_set(31, 16, workers=1, progress=False)
    spdh = SPDHConfig(sigma_mm=100)
    cfg = TrainConfig(steps=30, batch_size=4, lr=1e-3)
    teacher, s = train("teacher", data, ModelConfig(), spdh, cfg, log=lambda *_: None)
    assert s["final_pe"] < 0.5 * s["initial_pe"]
    before = {k: v.clone() for k, v in teacher.state_dict().items()}
    student, s2 = train("student", data, ModelConfig(), spdh, TrainConfig(steps=3, batch_size=4, coord_weight=100),
                        teacher=teacher)
    assert s2["final_pi"] > 0
    assert s2["coord_weight"] == 100 and s2["final_coord_m"] > 0  # the integral 3D loss ran (metres)
    assert s["final_coord_m"] == 0  # off by default
    for k, v in teacher.state_dict().items():
        assert torch.equal(v, before[k]), f"teacher tensor {k} changed in stage 2"
    m = evaluate(student, "student", data, spdh)
    assert np.isfinite(m["mpjpe_cm"]) and m["n_frames"] == 16
    # a real training summary survives weights_only loading
    from pipose_ros.checkpoint import save_checkpoint
    from pipose_ros.preprocess import normalisation
    save_checkpoint(tmp_path / "s.pt", student, student.cfg, spdh, ["j"] * 14, normalisation(), {**s2, "eval": m})
    _, meta = load_checkpoint(tmp_path / "s.pt")
    assert meta["training"]["steps"] == 3 and meta["spdh_config"].sigma_mm == 100
    with pytest.raises(ValueError):
        train("student", data, ModelConfig(), spdh, cfg)


def test_checkpoint_and_estimator(tiny_checkpoints):
    model, meta = load_checkpoint(tiny_checkpoints["student"])
    assert meta["joint_names"][1] == "neck" and meta["input_size"] == [128, 96]
    est = PoseEstimator.from_checkpoint(tiny_checkpoints["student"], device="cpu", min_confidence=0.0,
                                        teacher_path=tiny_checkpoints["teacher"], min_depth_support=0.0)
    K = np.array([[500.0, 0, 319.5], [0, 500.0, 239.5], [0, 0, 1]])
    rgb = np.zeros((480, 640, 3), np.uint8)
    (s,) = est.estimate(rgb, K)
    assert s.joints.shape == (14, 3) and s.joints.dtype == np.float32
    assert s.confidence.dtype == np.float32 and ((0 <= s.confidence) & (s.confidence <= 1)).all()
    assert len(s.names) == 14 and s.uv.shape == (14, 2)
    # the decoded joint lies on the ray of its (source-image) pixel
    uvp = s.joints[:, :2] / s.joints[:, 2:] * 500.0 + [319.5, 239.5]
    assert np.allclose(uvp, s.uv, atol=0.05)
    d = np.full((480, 640), 2.0, np.float32)
    assert len(est.estimate_depth(d, K)) == 1 and est.unsupported == 0
    # depth support: a wall 60 m away (beyond the teacher's depth range) shows none of the joints the
    # teacher places, so with the default rule there is no teacher skeleton and it is counted
    wall = np.full((480, 640), 60.0, np.float32)
    est.teacher.min_depth_support = 0.3
    assert est.estimate_depth(wall, K) == [] and est.unsupported == 1
    est.teacher.min_depth_support = 0.0
    assert len(est.estimate_depth(wall, K)) == 1 and est.unsupported == 0
    with pytest.raises(ValueError):
        est.estimate(rgb[..., 0], K)
    with pytest.raises(ValueError):
        est.estimate(np.zeros((0, 0, 3), np.uint8), K)
    with pytest.raises(ValueError):
        est.estimate(rgb, np.zeros((3, 3)))
    with pytest.raises(ValueError):
        est.estimate_depth(np.full((480, 640), np.nan, np.float32), K)
    with pytest.raises(FileNotFoundError):
        PoseEstimator.from_checkpoint("/nonexistent.pt")
    with pytest.raises(ValueError):
        PoseEstimator.from_checkpoint(tiny_checkpoints["teacher"], device="cpu", min_depth_support=1.5)
    none = PoseEstimator.from_checkpoint(tiny_checkpoints["student"], device="cpu", min_confidence=1.01)
    assert none.estimate(rgb, K) == []


SHIPPED = sorted(__import__("pathlib").Path(__file__).resolve().parents[1].joinpath("models").glob("*.pt"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_checkpoints_load_and_run(path):
    from skimage import data as skdata

    from pipose_ros.camera import intrinsics_from_fov
    est = PoseEstimator.from_checkpoint(path, device="cpu", min_confidence=0.0, min_depth_support=0.0)
    K = intrinsics_from_fov(512, 512, 60)
    if est.kind == "teacher":
        out = est.estimate_depth(np.full((512, 512), 2.5, np.float32), K)
    else:
        out = est.estimate(skdata.astronaut(), K)
    assert len(out) == 1 and out[0].joints.shape == (14, 3) and np.isfinite(out[0].joints).all()
    assert est.meta["training"]["steps"] > 0 and "eval" in est.meta["training"]


def test_estimator_canonical_camera_scales_depth_with_focal_length(tmp_path):
    """Canonical SPDH: the same image seen through a lens of twice the focal length is a person
    twice as far away (Z = Z_c · f_x / f_c); uv does not change."""
    from pipose_ros.checkpoint import save_checkpoint
    from pipose_ros.preprocess import normalisation
    from pipose_ros.skeleton import KINECT14

    cfg = ModelConfig(kind="baseline")
    spdh = SPDHConfig(sigma_mm=100, z_min=0.3, z_max=7.8, canonical_fx=100.0)
    save_checkpoint(tmp_path / "b.pt", build_model(cfg), cfg, spdh, list(KINECT14.names), normalisation(), {})
    est = PoseEstimator.from_checkpoint(tmp_path / "b.pt", device="cpu", min_confidence=0.0)
    rgb = np.random.default_rng(0).integers(0, 255, (240, 320, 3), np.uint8)
    K1 = np.array([[250.0, 0, 159.5], [0, 250.0, 119.5], [0, 0, 1]])
    K2 = K1.copy()
    K2[0, 0] = K2[1, 1] = 500.0
    a, b = est.estimate(rgb, K1)[0], est.estimate(rgb, K2)[0]
    assert np.allclose(b.joints[:, 2], 2 * a.joints[:, 2], rtol=1e-4) and np.allclose(a.uv, b.uv)


def test_backbone_learning_rate_and_freezing():
    """--backbone-lr: backbones at a fraction of the head's rate; 0 freezes them (no gradient,
    batch norm kept in eval mode) while the SPDH head still learns."""
    from pipose_ros.train.trainer import param_groups, train_mode

    model = build_model(ModelConfig(kind="baseline"))
    groups = param_groups(model, 1e-3, 0.1)
    assert [g["lr"] for g in groups] == [1e-3, pytest.approx(1e-4)]
    n_back = sum(p.numel() for p in model.backbone.parameters())
    assert sum(p.numel() for p in groups[1]["params"]) == n_back
    assert sum(p.numel() for g in groups for p in g["params"]) == sum(p.numel() for p in model.parameters())
    with pytest.raises(ValueError):
        param_groups(model, 1e-3, -1.0)

    data = synthetic_set(32, 8, workers=1, progress=False)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    trained, s = train("baseline", data, ModelConfig(kind="baseline"), SPDHConfig(sigma_mm=100),
                       TrainConfig(steps=3, batch_size=4, backbone_lr=0.0), init=model, log=lambda *_: None)
    assert s["backbone_lr"] == 0.0
    assert not any(p.requires_grad for p in trained.backbone.parameters())
    changed = {k for k, v in trained.state_dict().items() if not torch.equal(v, before[k])}
    assert changed and all(k.startswith("head.") for k in changed), sorted(changed)[:5]
    train_mode(trained, 0.0)
    assert trained.head.training and not trained.backbone.training


def test_student_learns_from_a_teacher_trained_at_another_crop_size():
    """A 256×192 depth teacher teaches a 128×96 student: the teacher sees each crop resized to
    its size, its features are resized to the student's grid for L_PI; depth normalisation must
    agree (canonical f_c per pixel), else a clear error."""
    from pipose_ros.train.trainer import teacher_geometry

    teacher = build_model(ModelConfig(kind="teacher")).eval()
    student_spdh = SPDHConfig(width=128, height=96, canonical_fx=100, sigma_mm=100)
    with pytest.raises(ValueError, match="--canonical-fx 50"):
        teacher_geometry(teacher, SPDHConfig(width=256, height=192, canonical_fx=100), student_spdh)
    with pytest.raises(ValueError, match="aspect"):
        teacher_geometry(teacher, SPDHConfig(width=256, height=256, canonical_fx=200), student_spdh)
    teacher_geometry(teacher, SPDHConfig(width=256, height=192, canonical_fx=200), student_spdh)
    seen = []
    teacher.register_forward_pre_hook(lambda m, args: seen.append(tuple(args[0].shape[-2:])))
    data = synthetic_set(33, 4, workers=1, progress=False)
    student, s = train("student", data, ModelConfig(), student_spdh,
                       TrainConfig(steps=2, batch_size=2, backbone_lr=0.0), teacher=teacher, log=lambda *_: None)
    assert seen and set(seen) == {(192, 256)}
    assert np.isfinite(s["final_pi"]) and s["final_pi"] > 0
    # backbone_lr 0 freezes F_rgb; F_hall (it has to learn) still trains
    assert not any(p.requires_grad for p in student.rgb.parameters())
    assert all(p.requires_grad for p in student.hall.parameters())


def test_a_dominating_l_pi_is_reported_at_the_first_step():
    """α·L_PI ≫ L_PE at the start (a teacher whose features sit far from the student's, e.g. the
    BlazePose teacher's heatmap logits at stage 'last') is logged once as a warning."""
    teacher = build_model(ModelConfig(kind="teacher")).eval()
    data = synthetic_set(34, 4, workers=1, progress=False)
    spdh = SPDHConfig(width=128, height=96, sigma_mm=100)
    logs = []
    train("student", data, ModelConfig(), spdh, TrainConfig(steps=2, batch_size=2, alpha=1e9), teacher=teacher,
          log=logs.append)
    assert sum("warning: at the first step" in m and "--distill-stage" in m for m in logs) == 1
    logs.clear()
    train("student", data, ModelConfig(), spdh, TrainConfig(steps=1, batch_size=2, alpha=0.0), teacher=teacher,
          log=logs.append)
    assert not any("warning" in m for m in logs)


def test_depth_error_parts_splits_direction_distance_and_body_depth():
    from pipose_ros.skeleton import KINECT14
    from pipose_ros.train.metrics import depth_error_parts
    rng = np.random.default_rng(0)
    gt = np.concatenate([rng.uniform(-0.4, 0.4, (2, 14, 2)), 3.0 + rng.uniform(-0.1, 0.1, (2, 14, 1))], -1)
    gt[1] = gt[0] * 2.0  # a second person, twice as large and twice as far: the same image
    mask = np.ones((2, 14), bool)
    e = depth_error_parts(gt, gt, mask, KINECT14.bones)
    assert e["lateral_error_cm"] == e["root_depth_error_cm"] == e["relative_depth_error_cm"] == 0.0
    # sizes s and 2s: a median-size (1.5 s) assumption puts them at 1.5× and 0.75× their distance
    assert e["size_prior_root_error_pct"] == pytest.approx(37.5)
    assert e["size_prior_root_error_cm"] == pytest.approx((0.5 * gt[0, 1, 2] + 0.25 * gt[1, 1, 2]) / 2 * 100)
    far = depth_error_parts(gt * 1.1, gt, mask, KINECT14.bones)  # 10 % too far, along the rays
    assert far["lateral_error_cm"] == pytest.approx(0.0, abs=1e-9) and far["root_depth_error_pct"] == pytest.approx(10.0)
    assert far["root_depth_signed_pct"] == pytest.approx(10.0)
    near = depth_error_parts(gt * 0.8, gt, mask, KINECT14.bones)
    assert near["root_depth_signed_pct"] == pytest.approx(-20.0) and near["root_depth_error_pct"] == pytest.approx(20.0)
    flat = gt.copy()
    flat[..., :2] *= (gt[:, 1:2, 2] / gt[..., 2])[..., None]
    flat[..., 2] = gt[:, 1:2, 2]  # every joint at the root's depth, on its own ray
    f = depth_error_parts(flat, gt, mask, KINECT14.bones)
    assert f["lateral_error_cm"] == pytest.approx(0.0, abs=1e-9) and f["root_depth_error_cm"] == 0.0
    assert f["relative_depth_error_cm"] == pytest.approx(np.abs(gt[..., 2] - gt[:, 1:2, 2]).mean() * 100)
    # joints that do not count (outside the image) take no part, the spread included
    m2 = mask.copy()
    m2[:, 5:] = False
    p = depth_error_parts(flat, gt, m2, KINECT14.bones)
    zs = gt[:, :5, 2]
    assert p["true_depth_spread_cm"] == pytest.approx(np.abs(zs - np.median(zs, 1, keepdims=True)).mean() * 100)


def test_out_of_view_metrics_count_confident_joints_drawn_in_the_image():
    """Two people, four joints: in-image joints all more confident than out-of-image ones →
    AUROC 1; at 0.5 the in-image joints are kept, the one confident out-of-image joint drawn
    inside counts, the one drawn outside does not, an unlabelled joint counts nowhere."""
    conf = np.array([[0.9, 0.8, 0.6, 0.1], [0.7, 0.95, 0.55, 0.3]])
    in_image = np.array([[1, 1, 0, 0], [1, 1, 0, 0]], bool)
    known = np.array([[1, 1, 1, 1], [1, 1, 1, 0]], bool)
    drawn = np.array([[1, 1, 1, 1], [1, 1, 0, 1]], bool)
    o = out_of_view_metrics(conf, in_image, known, drawn, thresholds=(0.5, 0.99))
    assert o["joints_in"] == 4 and o["joints_out"] == 3
    assert o["auroc"] == pytest.approx(1.0)
    assert o["at"]["0.5"] == {"in_kept_pct": 100.0, "out_drawn_pct": pytest.approx(100 / 3)}
    assert o["at"]["0.99"] == {"in_kept_pct": 0.0, "out_drawn_pct": 0.0}
    flipped = out_of_view_metrics(1 - conf, in_image, known, drawn)
    assert flipped["auroc"] == pytest.approx(0.0)
    assert np.isnan(out_of_view_metrics(conf, np.ones_like(in_image), known, drawn)["auroc"])


def test_mean_pose_reference_is_zero_for_one_pose_and_positive_for_two():
    """The constant mean-pose PA-MPJPE: 0 when every person has the same body shape (PA removes
    scale, rotation and place), > 0 when their shapes differ — and the same whatever is predicted."""
    from pipose_ros.skeleton import KINECT14
    from pipose_ros.train.metrics import depth_error_parts, procrustes_align
    rng = np.random.default_rng(1)
    pose = np.concatenate([rng.uniform(-0.4, 0.4, (14, 2)), rng.uniform(-0.1, 0.1, (14, 1))], -1)
    same = np.stack([pose + [0, 0, 3.0], pose + [0.5, 0, 4.0]])
    mask = np.ones((2, 14), bool)
    assert depth_error_parts(same, same, mask, KINECT14.bones)["mean_pose_pa_mpjpe_cm"] == pytest.approx(0.0, abs=1e-6)
    other = pose.copy()
    other[[4, 7], 1] -= 0.5  # the second person raises both wrists
    two = np.stack([pose + [0, 0, 3.0], other + [0, 0, 4.0]])
    e = depth_error_parts(two * 1.1, two, mask, KINECT14.bones)
    mean = (two - two[:, 1:2]).mean(0)
    want = np.mean([np.linalg.norm(procrustes_align(two[i, 1] + mean, two[i]) - two[i], axis=-1).mean() for i in range(2)]) * 100
    assert e["mean_pose_pa_mpjpe_cm"] == pytest.approx(want) and want > 1.0
    assert depth_error_parts(two, two, mask, KINECT14.bones)["mean_pose_pa_mpjpe_cm"] == pytest.approx(want)


def test_column_depth_bins_branch_trains_reloads_and_exports(tmp_path):
    """The per-column depth-bin uz branch (ModelConfig.uz_bins): starts as the convolutional uz
    alone, its scores follow the uv maps' columns, it trains, reloads (weights_only) and exports
    to ONNX with the same maps; a wrong bin count is refused."""
    from pipose_ros.checkpoint import save_checkpoint
    from pipose_ros.model.export import export_onnx
    from pipose_ros.model.nets import ColumnDepthBins
    from pipose_ros.preprocess import normalisation
    from pipose_ros.skeleton import KINECT14

    spdh = SPDHConfig(width=64, height=64, sigma_mm=100, stride=2, canonical_fx=70.0, z_min=0.3, z_max=3.8)
    cfg = ModelConfig(kind="teacher", head_stride=2, uz_bins=32)
    torch.manual_seed(0)
    m = build_model(cfg).eval()
    x = torch.rand(2, 1, 64, 64) * 2 - 1
    with torch.no_grad():
        out = m(x)
        assert out["uz"].shape == (2, 14, 32, 32)
        plain = m.head.uz(out["f"])  # the convolutional branch alone
        assert torch.allclose(out["uz"], plain, atol=0.05)  # the column branch starts near zero
    # the branch's scores in a column change only with what the uv maps point at in that column
    col = ColumnDepthBins(cin=8, J=2, bins=6, stride=4, ch=4, hidden=4).eval()
    torch.nn.init.normal_(col.mlp[-1].weight)
    f = torch.randn(1, 8, 4, 4)
    uv = torch.zeros(1, 2, 4, 4)
    uv[0, 0, 1, 2] = 1.0  # joint 0 in column 2, row 1
    uv2 = uv.clone()
    uv2[0, 0, 1, 2], uv2[0, 0, 3, 2] = 0.0, 1.0  # ... now row 3 of the same column
    with torch.no_grad():
        a, b = col(f, uv), col(f, uv2)
    assert not torch.allclose(a[0, 0, :, 2], b[0, 0, :, 2])
    assert torch.allclose(a[0, 1], b[0, 1]) and torch.allclose(a[0, 0, :, 0], b[0, 0, :, 0])
    data = synthetic_set(16, 8, net_wh=(64, 64), workers=1, progress=False)
    net, s = train("teacher", data, cfg, spdh, TrainConfig(steps=3, batch_size=4), log=lambda *_: None)
    assert np.isfinite(s["final_pe"])
    m.train()
    m(x)["uz"].square().sum().backward()  # L_PE's gradient reaches every part of the branch
    assert all(p.grad is not None and float(p.grad.abs().sum()) > 0 for p in m.head.column.parameters())
    save_checkpoint(tmp_path / "c.pt", net, net.cfg, spdh, list(KINECT14.names), normalisation(), s)
    again, meta = load_checkpoint(tmp_path / "c.pt")
    assert meta["model"]["uz_bins"] == 32
    with torch.no_grad():
        ref = net.eval()(x)
        assert torch.allclose(ref["uz"], again(x)["uz"], atol=1e-5)
    import onnxruntime as ort
    sess = ort.InferenceSession(str(export_onnx(tmp_path / "c.pt", tmp_path / "c.onnx")), providers=["CPUExecutionProvider"])
    uv_o, uz_o = sess.run(None, {sess.get_inputs()[0].name: x.numpy()})
    assert np.allclose(uz_o, ref["uz"].numpy(), atol=1e-3) and np.allclose(uv_o, ref["uv"].numpy(), atol=1e-3)
    with pytest.raises(ValueError):
        build_model(ModelConfig(kind="teacher", head_stride=2, uz_bins=31)).eval()(x)


def test_flip_test_output_is_mirror_symmetric(tmp_path):
    """With the flip test the maps of a mirrored input are exactly the un-mirrored maps of the
    original (reversed along u, left and right channels swapped; without it an untrained network is
    not symmetric, so the check is not vacuous), and maps mirrored that way decode, in the mirrored
    camera, to the mirrored skeleton — x negated, u → W − 1 − u — at a stride-2 grid (the reversal,
    the channel swap and the grid's half-pixel convention together)."""
    import torch

    from pipose_ros.camera import flip_K
    from pipose_ros.checkpoint import save_checkpoint
    from pipose_ros.estimator import flip_channel_permutation
    from pipose_ros.preprocess import normalisation
    from pipose_ros.skeleton import KINECT14
    from pipose_ros.spdh import decode
    from pipose_ros.train.targets import encode

    torch.manual_seed(0)
    cfg = ModelConfig(kind="baseline", head_stride=2)
    spdh = SPDHConfig(sigma_mm=100, z_min=0.3, z_max=7.8, stride=2)
    save_checkpoint(tmp_path / "b.pt", build_model(cfg), cfg, spdh, list(KINECT14.names), normalisation(), {})
    est = PoseEstimator.from_checkpoint(tmp_path / "b.pt", device="cpu", min_confidence=0.0, flip_test=True)
    perm = KINECT14.flip_permutation
    assert (est.flip_perm == perm).all()
    x = np.random.default_rng(0).normal(size=(2, 3, 96, 128)).astype(np.float32)
    xm = np.ascontiguousarray(x[..., ::-1])

    def unmirror(m):
        return m[:, perm, :, ::-1]
    for a, b in zip(est.maps(x), est.maps(xm)):
        np.testing.assert_allclose(unmirror(b), a, atol=1e-6)
    est.set_flip_test(False)
    assert est.flip_test is False and est.flip_perm is None
    assert not np.allclose(unmirror(est.maps(xm)[0]), est.maps(x)[0], atol=1e-3)

    K = np.array([[[110.0, 0, 60.3], [0, 110.0, 50.1], [0, 0, 1]], [[90.0, 0, 70.0], [0, 90.0, 40.0], [0, 0, 1]]])
    joints = np.concatenate([np.random.default_rng(1).uniform(-0.4, 0.4, (2, 14, 2)), np.full((2, 14, 1), 3.0)], -1)
    uv, uz = (t.numpy() for t in encode(torch.tensor(joints, dtype=torch.float32), torch.tensor(K, dtype=torch.float32),
                                        spdh))
    Km = np.stack([flip_K(k, 128) for k in K])
    a, b = decode(uv, uz, K, spdh), decode(unmirror(uv), unmirror(uz), Km, spdh)
    np.testing.assert_allclose(b["joints"][:, perm] * [-1, 1, 1], a["joints"], atol=1e-4)
    np.testing.assert_allclose(127 - b["uv"][:, perm, 0], a["uv"][..., 0], atol=1e-3)
    with pytest.raises(ValueError):
        flip_channel_permutation(["nose", "left_hand"])
    assert flip_channel_permutation(["left_a", "nose", "right_a"]).tolist() == [2, 1, 0]
