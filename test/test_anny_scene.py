"""Anny bodies, the CPU renderer, the sharded synthetic writer, person crops and matching (issue 9)."""

import numpy as np
import pytest

from pipose_ros.camera import CropView, intrinsics_from_fov, project
from pipose_ros.skeleton import KINECT14


@pytest.fixture(scope="module")
def anny_bodies():
    from pipose_ros.data.anny_bodies import bodies
    return bodies()


def test_kinect14_rule_on_the_rig(anny_bodies):
    """Joints are the documented bone heads; neck = mid-shoulders; nose = a head vertex in front."""
    import torch

    from pipose_ros.data.anny_bodies import _JOINT_BONES, POSE_FAMILIES
    B = anny_bodies
    rng = np.random.default_rng(0)
    bl = B.sample(rng, len(POSE_FAMILIES), list(POSE_FAMILIES))
    for b in bl:
        assert np.isfinite(b.joints).all() and b.joints.shape == (14, 3)
        assert np.allclose(b.joints[1], 0.5 * (b.joints[2] + b.joints[5]), atol=1e-6)
        assert 0.08 < np.linalg.norm(b.joints[0] - b.joints[1]) < 0.4  # the nose is on the head
        if b.family in ("standing", "walking", "waving", "pointing"):
            assert b.joints[0, 2] > b.joints[1, 2] > b.joints[8, 2] > b.joints[9, 2] > b.joints[10, 2]
        if b.family != "sitting":
            assert abs(float(b.vertices[:, 2].min())) < 1e-5  # standing on the floor
    # the rule itself, on an unposed body: joints are bone heads of the rest pose
    with torch.no_grad():
        out = B.model()
    heads = out["bone_poses"][0, :, :3, 3].numpy()
    for j, bone in _JOINT_BONES.items():
        assert np.allclose(heads[B.idx[bone]], B.rest_heads[B.idx[bone]], atol=1e-6)
    assert B.rest_heads[B.idx["upperarm01.L"], 0] > 0  # x = the body's left
    nose = B.rest_vertices[B.nose_vertex]
    assert abs(nose[0]) < 0.01 and nose[1] < B.rest_heads[B.idx["eye.L"], 1]  # in front of the eyes


def test_pose_family_semantics(anny_bodies):
    from pipose_ros.data.anny_bodies import sample_pose
    rng = np.random.default_rng(1)
    b = anny_bodies.sample(rng, 1, ["waving"])[0]
    # one hand above the head
    assert max(b.joints[4, 2], b.joints[7, 2]) > b.joints[0, 2] - 0.1
    b = anny_bodies.sample(rng, 1, ["crouching"])[0]
    assert b.joints[1, 2] < 1.2  # neck low
    with pytest.raises(ValueError):
        sample_pose(rng, "flying", anny_bodies.rest_dir)


def test_render_matches_K_and_ground_truth():
    import pyrender
    import trimesh

    from pipose_ros.data.anny_scene import AnnyScenes, _renderer
    # a sphere at a known point lands where K says (pixel-centre convention)
    W, H = 160, 120
    K = intrinsics_from_fov(W, H, 70)
    K[0, 2] += 3.3
    s = pyrender.Scene(ambient_light=[1, 1, 1.0], bg_color=[0, 0, 0, 1.0])
    X = np.array([0.2, -0.1, 3.0])
    m = trimesh.creation.icosphere(radius=0.3, subdivisions=4)
    m.apply_translation([X[0], -X[1], -X[2]])
    s.add(pyrender.Mesh.from_trimesh(m))
    s.add(pyrender.IntrinsicsCamera(K[0, 0], K[1, 1], K[0, 2] + 0.5, K[1, 2] + 0.5, znear=0.05, zfar=50), pose=np.eye(4))
    colour, depth = _renderer(W, H).render(s)
    ys, xs = np.nonzero(depth > 0)
    u, v = project(X, K)
    assert abs(xs.mean() - u) < 0.3 and abs(ys.mean() - v) < 0.3
    # a scene: shapes, units, and visible joints sit on the rendered surface
    g = AnnyScenes(seed=3, width=160, views=2)
    frames = [g[0], g[1]]
    for f in frames:
        H, W = f.depth_mm.shape
        assert f.rgb.shape == (H, W, 3) and f.rgb.dtype == np.uint8 and f.depth_mm.dtype == np.uint16
        assert W == 160 and f.joints.shape[1:] == (14, 3) and len(f.joints) >= 1
        assert (f.depth_mm == 0).any() and (f.depth_mm > 0).any()
        assert f.visible.sum() <= f.in_image.sum()
    # the two views of a group see the same people, from different cameras
    assert len(frames[0].joints) == len(frames[1].joints)
    assert not np.allclose(frames[0].K, frames[1].K) or frames[0].meta != frames[1].meta
    # determinism
    g2 = AnnyScenes(seed=3, width=160, views=2)
    assert np.array_equal(g2[1].depth_mm, frames[1].depth_mm) and np.array_equal(g2[1].joints, frames[1].joints)


def test_degrade_depth_like_a_sensor():
    from pipose_ros.data.anny_scene import degrade_depth
    rng = np.random.default_rng(0)
    H, W = 120, 160
    K = intrinsics_from_fov(W, H, 70)
    z = np.full((H, W), 2.0)
    z[:, :40] = 12.0  # beyond every far range
    z[40:80, 80:120] = 1.0  # a box in front: depth edges
    lum = np.full((H, W), 120.0)
    lum[:, 140:] = 2.0  # a black surface
    d = degrade_depth(rng, z, K, lum)
    assert (d[:, :40] == 0).all()
    assert (d[:, 140:] == 0).mean() > 0.25
    inner = d[5:35, 50:130]
    ok = inner > 0
    assert ok.mean() > 0.6 and abs(np.median(inner[ok]) - 2.0) < 0.02
    edge = np.zeros((H, W), bool)
    edge[38:42, 80:120] = True
    assert (d[edge] != z[edge]).mean() > 0.2  # missing or flying pixels at depth edges


def test_crop_view_is_a_camera():
    K = intrinsics_from_fov(640, 480, 70)
    cv = CropView.around([300, 100, 360, 330], 96, 96, scale=1.3, shift=(0.05, -0.02))
    Kc = cv.apply_K(K)
    p = np.array([[0.1, -0.2, 3.0], [0.05, 0.3, 2.5]])
    assert np.allclose(cv.to_source(project(p, Kc)), project(p, K), atol=1e-6)
    img = np.zeros((480, 640), np.float32)
    u, v = project(p[0], K)
    img[int(v) - 2:int(v) + 3, int(u) - 2:int(u) + 3] = 1
    out = cv.image(img)
    ys, xs = np.nonzero(out > 0.3)
    uc, vc = project(p[0], Kc)
    assert abs(xs.mean() - uc) < 1.0 and abs(ys.mean() - vc) < 1.0
    # a window past the border is filled
    cv2_ = CropView.around([-50, -50, 30, 60], 32, 32)
    assert cv2_.depth(np.ones((480, 640), np.float32))[0, 0] == 0
    with pytest.raises(ValueError):
        CropView.around([10, 10, 5, 40], 96, 96)


def test_sharded_writer_resumes_and_crops(tmp_path, monkeypatch, tiny_checkpoints):
    from pipose_ros.data.crops import CropSpec, person_crops
    from pipose_ros.data.folder import read_folder, shard_dirs
    from pipose_ros.data.generate import BENCHMARK_V2, write_scenes
    spec = dict(BENCHMARK_V2, name="t", stream_seed=11, frames=8, width=128, views=2, ext="jpg")
    root = tmp_path / "set"
    fp = write_scenes(root, spec, workers=2, shard_size=4, progress=False)
    assert len(shard_dirs(root)) == 2
    info, frames = read_folder(root)
    assert len(frames) == 8 and all(r["people"] for r in frames) and frames[4]["rgb"].startswith("shard_00001/")
    # resume: a removed shard is rendered again, identically
    import shutil
    shutil.rmtree(root / "shard_00001")
    assert write_scenes(root, spec, workers=1, shard_size=4, progress=False) == fp
    with pytest.raises(ValueError):
        write_scenes(root, dict(spec, stream_seed=12), workers=1, shard_size=4, progress=False)
    data, meta = person_crops(root, CropSpec(net_wh=(64, 64), min_visible=2), workers=1, progress=False)
    assert data.rgb.shape[1:] == (64, 64, 3) and len(data) == len(meta) > 0
    # the crop's K puts the person's in-crop joints where the 3D joints project
    i = int(np.argmax(data.in_image.sum(1)))
    assert data.in_image[i].sum() >= 2
    uv = project(data.joints[i][data.in_image[i]], data.K[i])
    assert (uv >= 0).all() and (uv <= 63).all()
    # min_depth_seen keeps exactly the people whose depth shows that fraction of their joints
    seen = np.array([m["depth_seen"] for m in meta])
    assert np.isfinite(seen).all() and ((seen >= 0) & (seen <= 1)).all()
    cut = float(np.median(seen))
    kept, kept_meta = person_crops(root, CropSpec(net_wh=(64, 64), min_visible=2, min_depth_seen=cut),
                                   workers=1, progress=False)
    assert len(kept) == int((seen >= cut).sum()) and all(m["depth_seen"] >= cut for m in kept_meta)
    # the frame's people mask, cropped alike: on the crop's own person where its depth shows it
    from pipose_ros.data.dataset import SampleSet, concat_sets, foreground_from_depth
    assert data.people is None
    pm, _ = person_crops(root, CropSpec(net_wh=(64, 64), min_visible=2, people_mask=True), workers=1, progress=False)
    assert pm.people.shape == (len(pm), 64, 64) and pm.people.dtype == np.uint8 and np.array_equal(pm.rgb, data.rgb)
    own = np.stack([foreground_from_depth(d.astype(np.float32) * 1e-3, j, K, m) > 0
                    for d, j, K, m in zip(pm.depth_mm, pm.joints, pm.K, pm.in_image)])
    assert own.any() and (pm.people[own] == 1).mean() > 0.9  # nearest-neighbour crop of the frame's mask
    assert (pm.people[pm.depth_mm == 0] == 0).all()  # a person is where the depth shows one
    pm.save(tmp_path / "pm.npz")
    back = SampleSet.load(tmp_path / "pm.npz")
    assert np.array_equal(back.people, pm.people) and SampleSet.load(tmp_path / "pm.npz").subset([0]).people.shape == (1, 64, 64)
    assert concat_sets([pm, pm]).people.shape[0] == 2 * len(pm) and concat_sets([pm, data]).people is None
    # multi-person evaluation of a (random) crop teacher: every person counted once
    import torch

    from pipose_ros.checkpoint import save_checkpoint
    from pipose_ros.preprocess import normalisation
    from pipose_ros.estimator import PoseEstimator
    from pipose_ros.model import ModelConfig, build_model
    from pipose_ros.spdh import SPDHConfig
    from pipose_ros.train.multi_eval import evaluate_folder
    torch.manual_seed(0)
    cfg = ModelConfig(kind="teacher", head_stride=2)
    spdh = SPDHConfig(width=64, height=64, z_min=0.3, z_max=3.8, canonical_fx=70.0, stride=2)
    ck = tmp_path / "t.pt"
    save_checkpoint(ck, build_model(cfg), cfg, spdh, list(KINECT14.names), normalisation(), {},
                    crop={"scale": [1.3, 1.3], "shift": 0.0, "min_visible": 2})
    est = PoseEstimator.from_checkpoint(ck, device="cpu", min_confidence=0.0, min_depth_support=0.0)
    m = evaluate_folder(est, root, modality="depth", min_visible=2, progress=False)
    assert m["people"] == m["matched"] + m["misses"] > 0 and m["frames"] == 8
    assert m["false_positives"] == (m["people"] - m["matched"])  # one skeleton per box
    if m["matched"]:
        assert np.isfinite(m["mpjpe_cm"]) and ("several people" in m["cases"] or "single person" in m["cases"])
    # every person is either seen in depth or not (the depth-visibility case)
    from pipose_ros.train.multi_eval import collect_matches
    cp = collect_matches(est, root, modality="depth", min_visible=2, progress=False)["case_people"]
    assert cp.get("seen in depth", 0) + cp.get("not seen in depth", 0) == m["people"]
    # with a detector the boxes are its own: one that finds nobody turns everyone into a miss
    m0 = evaluate_folder(est, root, modality="depth", min_visible=2, progress=False, detector=lambda rgb: [])
    assert m0["people"] == m["people"] and m0["misses"] == m0["people"] and m0["false_positives"] == 0
    # box_scale: the crops are taken from ground-truth boxes grown about their centres
    seen = {}
    run = est.estimate_depth

    def spy(depth, K, boxes=None):
        seen.setdefault(spy.f, []).append(np.asarray(boxes, float))
        return run(depth, K, boxes=boxes)
    est.estimate_depth = spy
    for f in (1.0, 1.25):
        spy.f = f
        evaluate_folder(est, root, modality="depth", min_visible=2, progress=False, box_scale=f, max_frames=2)
    a, b = np.concatenate(seen[1.0]), np.concatenate(seen[1.25])
    assert np.allclose((b[:, 2:] - b[:, :2]), 1.25 * (a[:, 2:] - a[:, :2])) and np.allclose(b[:, :2] + b[:, 2:], a[:, :2] + a[:, 2:])
    est.estimate_depth = run
    # `pipose evaluate --backend onnxruntime`: a fresh run is exported (to the cache) and scored on
    # ONNX Runtime with the same result as PyTorch
    import json

    from pipose_ros import backends
    from pipose_ros.cli import main
    monkeypatch.setattr(backends, "CACHE", tmp_path / "cache")
    rows = {}
    for b in ("torch", "onnxruntime"):
        assert main(["evaluate", "--data", str(root), str(ck), "--backend", b, "--min-confidence", "0",
                     "--min-depth-support", "0",
                     "--json", str(tmp_path / f"{b}.json")]) == 0
        rows[b] = json.loads((tmp_path / f"{b}.json").read_text())[str(ck)]
    assert rows["onnxruntime"]["backend"].startswith("onnxruntime") and rows["torch"]["backend"].startswith("torch")
    assert rows["onnxruntime"]["matched"] == rows["torch"]["matched"]
    if rows["torch"]["matched"]:
        assert abs(rows["onnxruntime"]["mpjpe_cm"] - rows["torch"]["mpjpe_cm"]) < 0.05
    # the node's rgbd output (anchor_teacher, `pipose evaluate --rgbd-anchor`): a "student" with perfect 2D
    # and every person 40 % too far, a "teacher" 20 cm too far, anchored on the measured depth: the same
    # people matched (2D unchanged), nearer the truth than either; a student is refused as the teacher
    from pipose_ros.data.folder import frame_people, read_frame
    from pipose_ros.data.crops import person_box
    from pipose_ros.skeleton import Skeleton
    _, recs = read_folder(root)
    truth = {}
    for rec in recs:
        K = np.asarray(rec["K"], float)
        H, W = read_frame(root, rec)[1].shape
        for p in frame_people(rec, 14):
            b = person_box(p, K, W, H)
            if b is not None:
                truth[tuple(np.round(b, 3))] = np.nan_to_num(p["joints"], nan=1.0)

    class FarStudent:
        kind = "student"

        def estimate(self, rgb, K, boxes):
            out = []
            for b in boxes:
                j = truth[tuple(np.round(b, 3))]
                out.append(Skeleton(joints=(j * 1.4).astype(np.float32), confidence=np.ones(14, np.float32),
                                    names=list(KINECT14.names), uv=project(j, K).astype(np.float32), box=np.asarray(b)))
            return out
    class NearTeacher:
        def estimate_depth(self, depth, K, boxes):
            return [Skeleton(joints=(truth[tuple(np.round(b, 3))] + [0, 0, 0.2]).astype(np.float32),
                             confidence=np.ones(14, np.float32), names=list(KINECT14.names), box=b) for b in boxes]
    alone = evaluate_folder(FarStudent(), root, modality="rgb", min_visible=2, progress=False)
    anchored = evaluate_folder(FarStudent(), root, modality="rgb", min_visible=2, progress=False,
                               anchor_teacher=NearTeacher())
    assert anchored["matched"] == alone["matched"] > 0
    assert anchored["error_parts"]["root_depth_error_cm"] < min(20.0, alone["error_parts"]["root_depth_error_cm"])
    with pytest.raises(SystemExit, match="not a depth teacher"):
        main(["evaluate", "--data", str(root), str(tiny_checkpoints["student"]), "--rgbd-anchor",
              str(tiny_checkpoints["student"])])


def test_match_people():
    from pipose_ros.train.multi_eval import match_people
    gt = np.zeros((2, 14, 2))
    gt[0] += [100, 100]
    gt[1] += [300, 100]
    gt += np.random.default_rng(0).normal(0, 5, gt.shape)
    mask = np.ones((2, 14), bool)
    pred = np.stack([gt[1] + 2, gt[0] - 3, gt[0] + 400])  # swapped order plus a stray
    pairs = match_people(gt, mask, np.array([100.0, 100.0]), pred)
    assert sorted(pairs) == [(0, 1), (1, 0)]
    assert match_people(gt, mask, np.array([100.0, 100.0]), pred[2:]) == []


def test_estimator_runs_one_crop_per_box(tmp_path):
    import torch

    from pipose_ros.checkpoint import save_checkpoint
    from pipose_ros.preprocess import normalisation
    from pipose_ros.estimator import PoseEstimator
    from pipose_ros.model import ModelConfig, build_model
    from pipose_ros.spdh import SPDHConfig
    torch.manual_seed(0)
    cfg = ModelConfig(kind="teacher")
    spdh = SPDHConfig(width=64, height=64, z_min=0.3, z_max=3.8, canonical_fx=100.0)
    p = tmp_path / "t.pt"
    save_checkpoint(p, build_model(cfg), cfg, spdh, list(KINECT14.names), normalisation(), {},
                    crop={"scale": [1.2, 1.4], "shift": 0.0, "min_visible": 4})
    est = PoseEstimator.from_checkpoint(p, device="cpu", min_confidence=0.0, min_depth_support=0.0)
    assert abs(est.crop_scale - 1.3) < 1e-9
    K = intrinsics_from_fov(320, 240, 70)
    d = np.full((240, 320), 2.0, np.float32)
    boxes = np.array([[20, 30, 90, 200], [200, 40, 260, 230]], float)
    sk = est.estimate_depth(d, K, boxes=boxes)
    assert len(sk) == 2
    for s, b in zip(sk, boxes):
        cv = CropView.around(b, 64, 64, scale=1.3)
        assert (s.uv[:, 0] >= cv.x0 - 1).all() and (s.uv[:, 0] <= cv.x0 + cv.w).all()
        assert np.allclose(project(s.joints, K), s.uv, atol=0.05)  # uv and 3D agree in the image
    assert len(est.estimate_depth(d, K)) == 1  # no boxes: the whole image
    assert est.estimate_depth(d, K, boxes=np.zeros((0, 4))) == []


def test_densify_block_median():
    from pipose_ros.label.realcheck import densify
    d = np.zeros((8, 8), np.uint16)
    d[0, 0], d[1, 1], d[2, 3] = 1000, 3000, 2000
    out = densify(d, 4)
    assert out.shape == (2, 2) and np.isclose(out[0, 0], 2.0) and out[1, 1] == 0


def test_results_sections_and_keys(tmp_path):
    """Several commands share docs/results.json and RESULTS.md without overwriting each other."""
    import json

    from pipose_ros.report import update_json, update_md_section
    j, md = tmp_path / "r.json", tmp_path / "R.md"
    update_json({"teacher_mpjpe_cm": 73.3}, j)
    update_json({"synth_v2.teacher_mpjpe_cm": 7.5, "synth_v2.teacher_map10": np.float64(71.0), "render_fps": 31}, j)
    update_json({"synth_v2.teacher_mpjpe_cm": 7.0}, j)
    doc = json.loads(j.read_text())
    assert doc == {"teacher_mpjpe_cm": 73.3, "synth_v2": {"teacher_mpjpe_cm": 7.0, "teacher_map10": 71.0}, "render_fps": 31}
    md.write_text("# Results\n\nintro\n")
    update_md_section("a", "## A\nfirst", md)
    update_md_section("b", "## B", md, first=True)
    update_md_section("a", "## A\nsecond", md)
    t = md.read_text()
    assert t.startswith("# Results\n\n<!-- begin b -->") and "second" in t and "first" not in t and "intro" in t


def test_tune_decode_picks_and_stores_the_gain_and_size_prior(tmp_path, monkeypatch, tiny_checkpoints):
    """`pipose tune-decode --write` scores every (gain, size-prior weight) pair on the same matched
    people — here people of one body size whose skeletons are decoded at a wrong distance (the same
    rays, × a random factor) and whose per-joint depths carry 30 cm of independent noise, which a
    gain < 1 and a size-prior weight > 0 must each reduce — stores the lowest-MPJPE pair with the
    reference bone lengths in the checkpoint, and the estimator then uses them."""
    import json
    import shutil

    from pipose_ros import cli
    from pipose_ros.checkpoint import load_checkpoint
    from pipose_ros.estimator import PoseEstimator
    from pipose_ros.skeleton import KINECT14
    from pipose_ros.train import multi_eval
    rng = np.random.default_rng(0)
    body = np.concatenate([rng.uniform(-0.4, 0.4, (1, 14, 2)), rng.uniform(-0.1, 0.1, (1, 14, 1))], -1)
    gt = body + np.concatenate([rng.uniform(-1, 1, (50, 1, 2)), rng.uniform(2, 5, (50, 1, 1))], -1)
    pred = gt * np.exp(rng.normal(0, 0.2, (50, 1, 1)))  # wrong distance, same rays
    z = pred[..., 2] + rng.normal(0, 0.3, (50, 14))
    pred = pred * (z / pred[..., 2])[..., None]  # per-joint depth noise, same rays
    fake = {"pred": pred, "gt": gt, "mask": np.ones((50, 14), bool), "case_of": [["single person"]] * 50,
            "case_people": {"single person": 50}, "frames": 50, "people": 50, "misses": 0,
            "false_positives": 0, "max_match": 0.2, "min_visible": 4}
    seen = {}

    def collect(est, root, **kw):
        seen["gain"], seen["size"] = est.relative_depth_gain, est.size_prior_weight
        return fake
    monkeypatch.setattr(multi_eval, "collect_matches", collect)
    monkeypatch.setattr(cli, "_is_multi_person", lambda folder: True)
    ck = tmp_path / "s.pt"
    shutil.copy(tiny_checkpoints["student"], ck)
    assert cli.main(["tune-decode", str(ck), "--data", str(tmp_path), "--backend", "torch", "--gains", "0", "0.5", "1",
                     "--size-weights", "0", "0.5", "1", "--json", str(tmp_path / "tune.json"), "--write"]) == 0
    assert seen == {"gain": 1.0, "size": 0.0}  # the network's skeletons as decoded
    tune = json.loads((tmp_path / "tune.json").read_text())
    by = tune["by_choice"]
    assert len(by) == 9 and tune["people"] == 50
    g, w = tune["relative_depth_gain"], tune["size_prior"]["weight"]
    assert g < 1 and w > 0 and by["gain 1, size 0"]["mpjpe_cm"] > 20  # the errors gain 1 / weight 0 keep
    assert by[f"gain {g:g}, size {w:g}"]["mpjpe_cm"] == min(r["mpjpe_cm"] for r in by.values())
    ref = np.linalg.norm(body[0, [a for a, _ in KINECT14.bones]] - body[0, [b for _, b in KINECT14.bones]], axis=-1)
    np.testing.assert_allclose(tune["size_prior"]["bone_lengths_m"], ref, atol=1e-4)
    decode = load_checkpoint(ck)[1]["decode"]
    assert decode["relative_depth_gain"] == g and decode["size_prior"]["weight"] == w
    est = PoseEstimator.from_checkpoint(ck, device="cpu", backend="torch")
    assert est.relative_depth_gain == g and est.size_prior_weight == w
    est = PoseEstimator.from_checkpoint(ck, device="cpu", backend="torch", relative_depth_gain=1.0, size_prior_weight=0.0)
    assert est.relative_depth_gain == 1.0 and est.size_prior_weight == 0.0
    with pytest.raises(ValueError):  # no reference lengths in a file never tuned
        PoseEstimator.from_checkpoint(tiny_checkpoints["student"], device="cpu", backend="torch", size_prior_weight=0.5)


def test_depth_seen_fraction_counts_joints_the_depth_shows():
    from pipose_ros.camera import depth_seen_fraction
    K = np.array([[100.0, 0, 32], [0, 100.0, 32], [0, 0, 1]])
    joints = np.array([[0.0, 0.0, 2.0], [0.2, 0.0, 2.0], [-0.2, 0.2, 2.0], [0.0, -0.2, 2.0]])
    mask = np.ones(4, bool)
    depth = np.zeros((64, 64), np.uint16)
    assert depth_seen_fraction(depth, K, joints, mask) == 0.0  # nothing measured: nothing seen
    depth[:, :] = 1950  # a body surface 5 cm in front of the joints
    assert depth_seen_fraction(depth, K, joints, mask) == 1.0
    depth[:, :] = 5000  # only a wall 3 m behind them: not the person
    assert depth_seen_fraction(depth, K, joints, mask) == 0.0
    depth[:, 40:] = 1980  # the right half shows the body: the joint at u = 42 is seen
    assert depth_seen_fraction(depth, K, joints, mask) == 0.25
    assert np.isnan(depth_seen_fraction(depth, K, joints, np.zeros(4, bool)))
    # the same depth in metres (NaN = invalid) gives the same answers
    metres = np.where(depth > 0, depth * 1e-3, np.nan).astype(np.float32)
    assert depth_seen_fraction(metres, K, joints, mask) == 0.25
    metres[:, :] = np.nan
    assert depth_seen_fraction(metres, K, joints, mask) == 0.0


def test_depth_support_of_a_teacher_skeleton():
    """PoseEstimator.depth_support: the share of a skeleton's in-image joints on measured depth
    within DEPTH_SUPPORT_TOL_M; joints outside the image do not count."""
    from pipose_ros.estimator import DEPTH_SUPPORT_TOL_M, PoseEstimator
    from pipose_ros.skeleton import Skeleton
    K = np.array([[100.0, 0, 32], [0, 100.0, 32], [0, 0, 1]])
    joints = np.array([[0.0, 0.0, 3.0], [0.3, 0.0, 3.0], [-0.3, 0.3, 3.0], [5.0, 0.0, 3.0]])  # the last outside
    s = Skeleton(joints=joints.astype(np.float32), confidence=np.ones(4, np.float32), names=list("abcd"))
    depth = np.full((64, 64), np.nan, np.float32)
    assert PoseEstimator.depth_support(s, depth, K) == 0.0  # beyond the sensor's range: nothing measured
    depth[:, :] = 3.0 + DEPTH_SUPPORT_TOL_M - 0.05  # the body surface, within the tolerance
    assert PoseEstimator.depth_support(s, depth, K) == 1.0
    depth[:, 32:] = 3.0 + DEPTH_SUPPORT_TOL_M + 0.5  # the right half shows only a wall behind them
    assert abs(PoseEstimator.depth_support(s, depth, K) - 2 / 3) < 1e-9
    far = Skeleton(joints=(joints * [1, 1, 0] + [0, 0, -1]).astype(np.float32), confidence=s.confidence, names=s.names)
    assert PoseEstimator.depth_support(far, depth, K) == 0.0  # no joint in view
