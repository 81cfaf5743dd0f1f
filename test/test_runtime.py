"""The run-time core apart from training (issue 11): the import layering, a node that runs
without torch on ONNX Runtime, exports that match PyTorch, and the backend switch."""

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipose_ros import backends
from pipose_ros.backends import model_files, onnx_meta, open_network, sha256
from pipose_ros.camera import intrinsics_from_fov

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "pipose_ros"

# what the node needs at run time; none of it may import training, data generation, study, CLI or
# dev tools, nor torch / timm / the renderers
RUNTIME = {"pipose_ros", "pipose_ros.assets", "pipose_ros.camera", "pipose_ros.skeleton", "pipose_ros.spdh",
           "pipose_ros.preprocess", "pipose_ros.msgs", "pipose_ros.detect", "pipose_ros.track", "pipose_ros.floor",
           "pipose_ros.tf_buffer", "pipose_ros.anchor", "pipose_ros.smooth", "pipose_ros.params",
           "pipose_ros.estimator", "pipose_ros.backends", "pipose_ros.backends.ort", "pipose_ros.ros",
           "pipose_ros.ros.node", "pipose_ros.ros.output", "pipose_ros.ros.sync"}
FORBIDDEN_EXTERNAL = {"torch", "torchvision", "timm", "onnx", "onnx2torch", "anny", "pyrender", "trimesh", "skimage",
                      "tqdm", "matplotlib", "rosbags"}
# function-level imports a runtime module may make, each only on the path that needs it: the torch
# backend when asked for, a re-export of a stale model when torch is installed, onnx to read metadata
ALLOWED_LAZY = {("pipose_ros.backends", "pipose_ros.backends.pytorch"),
                ("pipose_ros.backends", "pipose_ros.model.export")}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path):
    """(imported module, at module level?) for every import statement of a source file."""
    name = _module_name(path)
    pkg = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text())
    top = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, id(node) in top
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            yield mod, id(node) in top
            for a in node.names:  # `from . import x` may name a submodule
                if (PKG.parent / (mod + "." + a.name).replace(".", "/")).with_suffix(".py").exists():
                    yield mod + "." + a.name, id(node) in top


def test_runtime_modules_import_nothing_from_training():
    bad = []
    for mod in sorted(RUNTIME):
        path = PKG.parent / mod.replace(".", "/")
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        for target, top_level in _imports(path):
            root = target.split(".")[0]
            if target.startswith("pipose_ros"):
                ok = target in RUNTIME or (not top_level and (mod, target) in ALLOWED_LAZY)
            else:
                ok = root not in FORBIDDEN_EXTERNAL
            if not ok:
                bad.append(f"{mod} imports {target}{'' if top_level else ' (in a function)'}")
    assert not bad, "run-time core imports outside it:\n" + "\n".join(bad)


def test_only_ros_and_tools_import_rclpy():
    users = {_module_name(p) for p in PKG.rglob("*.py") if any(t.split(".")[0] == "rclpy" for t, _ in _imports(p))}
    assert users and all(u.startswith(("pipose_ros.ros", "pipose_ros.tools")) for u in users), users


def test_node_runs_on_onnxruntime_without_torch():
    """A fresh interpreter imports the node, loads the shipped student on ONNX Runtime and
    estimates on a photo, and torch (or any training module) is never imported."""
    code = r"""
import sys, numpy as np
sys.modules["torch"] = None  # any import of torch fails loudly
from pipose_ros.ros import node
from pipose_ros.estimator import PoseEstimator
from pipose_ros.detect import PersonDetector, PersonFinder
from pipose_ros.camera import intrinsics_from_fov
import cv2
est = PoseEstimator.from_checkpoint(node.default_model("pipose_student_kinect14.pt"), backend="auto", device="cpu")
assert est.backend.startswith("onnxruntime"), est.backend
rgb = np.full((480, 640, 3), 90, np.uint8)
cv2.circle(rgb, (320, 200), 40, (200, 160, 140), -1)
sk = est.estimate(rgb, intrinsics_from_fov(640, 480, 60), boxes=[np.array([200., 80., 440., 470.])] * 2)
finder = PersonFinder(PersonDetector(), tracking=True)
finder(rgb, sk)
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "timm", "anny", "pyrender", "skimage")
             or m.startswith(("pipose_ros.train", "pipose_ros.data", "pipose_ros.model", "pipose_ros.label",
                              "pipose_ros.tools", "pipose_ros.study", "pipose_ros.cli", "pipose_ros.checkpoint")))
assert not [m for m in bad if sys.modules[m] is not None], bad
print("ok", est.backend, len(sk))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0 and r.stdout.startswith("ok"), r.stdout + r.stderr


@pytest.mark.parametrize("kind", ["student", "teacher"])
def test_export_matches_pytorch_fp32_and_fp16(tiny_checkpoints, tmp_path, kind):
    from pipose_ros.backends.ort import OrtNetwork
    from pipose_ros.backends.pytorch import TorchNetwork
    from pipose_ros.model.export import compare, export_onnx

    ck = tmp_path / f"{kind}.pt"
    shutil.copy(tiny_checkpoints[kind], ck)
    ref = TorchNetwork(ck, "cpu")
    f32 = export_onnx(ck)
    f16 = export_onnx(ck, fp16=True)
    assert (f32, f16) == model_files(ck)[1:]
    meta = onnx_meta(f32)
    assert meta["source_sha256"] == sha256(ck) and meta["joint_names"] == ref.meta["joint_names"]
    assert meta["input_size"] == ref.meta["input_size"] and meta["spdh"] == ref.meta["spdh"]
    assert "Apache-2.0" in meta["licence"] and meta["opset"] >= 17 and meta["parameters"] == ref.parameters
    d32 = compare(ref, OrtNetwork(f32), batch=3)  # traced with batch 2: the batch axis is dynamic
    assert d32["uv_max_abs"] < 1e-4 and d32["uz_max_abs"] < 1e-4 and d32["joints_max_abs_mm"] < 1.0, d32
    d16 = compare(ref, OrtNetwork(f16), batch=1)
    assert onnx_meta(f16)["precision"] == "fp16"
    assert d16["uv_max_abs"] < 2e-2 and d16["uz_max_abs"] < 2e-2, d16


def test_shipped_exports_are_current_and_match_pytorch():
    """models/*.onnx were exported from the shipped checkpoints as they are now (re-run
    `pipose export models/pipose_student_kinect14.pt models/pipose_teacher_kinect14.pt` after
    shipping a model), and the BlazePose student's export matches PyTorch."""
    from pipose_ros.assets import model_path
    from pipose_ros.backends.ort import OrtNetwork
    from pipose_ros.backends.pytorch import TorchNetwork
    from pipose_ros.model.export import compare

    for name in ("pipose_student_kinect14", "pipose_teacher_kinect14"):
        ck, f32, _ = model_files(model_path(name + ".pt"))
        assert onnx_meta(f32)["source_sha256"] == sha256(ck), f"{f32} is stale"
    ck = model_path("pipose_student_kinect14.pt")
    d = compare(TorchNetwork(ck, "cpu"), OrtNetwork(model_files(ck)[1]))
    assert d["uv_max_abs"] < 1e-4 and d["joints_max_abs_mm"] < 1.0, d  # measured 2e-6, 0.0003 mm


def test_metadata_reader_matches_onnx(tmp_path):
    """The node's light reader of ONNX metadata (no onnx package) gives what onnx gives, and
    refuses files that are not models."""
    import onnx

    from pipose_ros.assets import model_path

    f = model_path("pipose_teacher_kinect14.onnx")
    ref = {p.key: p.value for p in onnx.load(str(f)).metadata_props}
    assert backends._metadata_props(f) == ref and json.loads(ref["pipose_ros"]) == onnx_meta(f)
    bad = tmp_path / "x.onnx"
    bad.write_bytes(b"\xff\xff\xff")
    with pytest.raises(ValueError):
        onnx_meta(bad)
    with pytest.raises(ValueError, match="not a pipose_ros"):
        onnx_meta(model_path("blazepose/pose_detection.onnx"))


def test_backend_switch(tiny_checkpoints, tmp_path, monkeypatch):
    from pipose_ros.checkpoint import load_checkpoint, save_checkpoint
    from pipose_ros.model import ModelConfig
    from pipose_ros.model.export import export_onnx
    from pipose_ros.spdh import SPDHConfig

    monkeypatch.setattr(backends, "CACHE", tmp_path / "cache")
    ck = tmp_path / "s.pt"
    shutil.copy(tiny_checkpoints["student"], ck)
    said = []
    # no export beside the checkpoint: auto says so and uses torch; onnxruntime exports into the cache
    assert open_network(ck, "auto", "cpu", said.append).description.startswith("torch")
    assert any("pipose export" in s for s in said)
    net = open_network(ck, "onnxruntime", "cpu", said.append)
    assert net.description.startswith("onnxruntime") and (tmp_path / "cache" / "onnx").is_dir()
    # an export beside it: auto takes ONNX Runtime on a CPU
    export_onnx(ck)
    assert open_network(ck, "auto", "cpu", said.append).description.startswith("onnxruntime")
    assert open_network(ck, "torch", "cpu", said.append).description.startswith("torch")
    # the checkpoint changes: the export beside it is stale and never used
    model, meta = load_checkpoint(ck)
    save_checkpoint(ck, model, ModelConfig(**meta["model"]), SPDHConfig(**meta["spdh"]), meta["joint_names"],
                    meta["normalisation"], {"note": "changed"})
    assert open_network(ck, "auto", "cpu", said.append).description.startswith("torch")
    # an export alone (a runtime-only install ships only .onnx)
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(model_files(ck)[1], only / "m.onnx")
    assert open_network(only / "m.pt", "auto", "cpu").description.startswith("onnxruntime")
    with pytest.raises(FileNotFoundError):
        open_network(only / "m.pt", "torch", "cpu")
    with pytest.raises(ValueError):
        open_network(ck, "tensorflow", "cpu")
    with pytest.raises(FileNotFoundError):
        open_network(tmp_path / "missing.pt")
    if "TensorrtExecutionProvider" not in __import__("onnxruntime").get_available_providers():
        with pytest.raises(RuntimeError, match="TensorrtExecutionProvider"):
            open_network(ck, "tensorrt")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(RuntimeError):
        open_network(bad, "auto", "cpu")


def test_backends_give_the_same_skeletons(tiny_checkpoints, tmp_path):
    """PoseEstimator on ONNX Runtime and on PyTorch: same joints on the same crops."""
    from pipose_ros.estimator import PoseEstimator
    from pipose_ros.model.export import export_onnx

    ck = tmp_path / "b.pt"
    shutil.copy(tiny_checkpoints["baseline"], ck)
    export_onnx(ck)
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, (240, 320, 3), np.uint8)
    K = intrinsics_from_fov(320, 240, 60)
    boxes = [np.array([10.0, 10.0, 150.0, 230.0]), np.array([160.0, 20.0, 300.0, 220.0])]
    a = PoseEstimator.from_checkpoint(ck, "cpu", 0.0, backend="onnxruntime").estimate(rgb, K, boxes)
    b = PoseEstimator.from_checkpoint(ck, "cpu", 0.0, backend="torch").estimate(rgb, K, boxes)
    assert len(a) == len(b) == 2
    for x, y in zip(a, b):
        assert np.abs(x.joints - y.joints).max() < 1e-3 and np.abs(x.uv - y.uv).max() < 1e-2


def test_estimator_reports_one_person_given_two_boxes():
    """The shipped student on the astronaut photo with her box given twice (a detector's
    duplicate) reports one skeleton; with pose NMS off (same_person = 0), two identical ones."""
    from skimage import data

    from pipose_ros.estimator import PoseEstimator
    from pipose_ros.ros.node import default_model

    rgb = data.astronaut()
    K = intrinsics_from_fov(512, 512, 60)
    box = np.array([120.0, 20.0, 420.0, 500.0])
    est = PoseEstimator.from_checkpoint(default_model("pipose_student_kinect14.pt"), "cpu", 0.0)
    one = est.estimate(rgb, K, [box, box + 2.0])
    est.same_person = 0.0
    two = est.estimate(rgb, K, [box, box + 2.0])
    assert len(one) == 1 and len(two) == 2
    assert np.abs(one[0].uv - two[0].uv).max() < 1e-3 or np.abs(one[0].uv - two[1].uv).max() < 1e-3


def test_estimate_people_fills_a_place_freed_by_a_duplicate_box():
    """Two astronauts side by side, candidates [her box, the same box again, the other one] and
    max_people 2: the duplicate is suppressed and the next candidate fills its place — both
    people come back, where the first two boxes alone give one."""
    import cv2
    from skimage import data

    from pipose_ros.estimator import PoseEstimator
    from pipose_ros.ros.node import default_model

    a = cv2.resize(data.astronaut(), (320, 320), interpolation=cv2.INTER_AREA)
    rgb = np.ascontiguousarray(np.concatenate([a, a[:, ::-1]], 1))
    K = intrinsics_from_fov(640, 320, 60)
    left, right = np.array([70.0, 10.0, 270.0, 319.0]), np.array([370.0, 10.0, 570.0, 319.0])
    est = PoseEstimator.from_checkpoint(default_model("pipose_student_kinect14.pt"), "cpu", 0.0)
    assert len(est.estimate(rgb, K, [left, left + 2.0])) == 1
    got = est.estimate_people(rgb, K, [left, left + 2.0, right], max_people=2)
    assert len(got) == 2
    assert {int(s.box[0]) for s in got} in ({70, 370}, {72, 370})
    assert len(est.estimate_people(rgb, K, [left, right, left + 2.0], max_people=1)) == 1
    with pytest.raises(ValueError):
        est.estimate_people(rgb, K, [left], max_people=0)


def test_config_defaults_in_one_place():
    """The CLI's training defaults are TrainConfig's and TRAINING_SPDH's; pose.yaml lists every
    node parameter with the node's default."""
    import yaml

    from pipose_ros.train.config import TRAINING_SPDH, TrainConfig

    src = (PKG / "cli.py").read_text()
    for flag, field in (("--alpha", "alpha"), ("--steps", "steps"), ("--batch-size", "batch_size")):
        assert f'"{flag}", type=' in src and f"default=TrainConfig.{field}" in src, flag
    assert "(FINETUNE_LR if args.init else TrainConfig.lr)" in src  # --lr: the one rule for its default
    assert "(FINETUNE_WARMUP if args.init else TrainConfig.warmup)" in src
    assert "default=TRAINING_SPDH.sigma_mm" in src and TRAINING_SPDH.sigma_mm == 100.0
    assert TrainConfig().alpha == 20.0
    plan = yaml.safe_load((ROOT / "config" / "study.yaml").read_text())
    assert not any(r.get("args", [])[:2] == ["--alpha", "20"] for r in plan["rows"])
    code = "from pipose_ros.params import PARAMS; import json; print(json.dumps({k: v[0] for k, v in PARAMS.items()}))"
    params = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                                       env={**os.environ}, check=True).stdout)
    yaml_params = yaml.safe_load((ROOT / "config" / "pose.yaml").read_text())["pose_node"]["ros__parameters"]
    assert set(yaml_params) == set(params)
    for k, v in yaml_params.items():
        assert v == params[k] or (k in ("checkpoint", "teacher_checkpoint") and v == ""), k
    from pipose_ros.tools.bench import NODE_MAX_PEOPLE
    assert NODE_MAX_PEOPLE == params["max_people"]  # the benchmark times the node's default


def test_onnxruntime_sessions_do_not_busy_wait():
    """Student, teacher and detector sessions share the node's cores with DDS: their intra-op
    threads must not spin (docs/BENCHMARKS.md, 2026-11-30: spinning halved the live output rate)."""
    from pipose_ros.backends.ort import session_options
    from pipose_ros.detect import PersonDetector

    assert session_options().get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert session_options(3).intra_op_num_threads == 3
    try:
        det = PersonDetector()
    except FileNotFoundError:
        pytest.skip("BlazePose detector not converted (make blazepose-onnx)")
    assert det.session.get_session_options().get_session_config_entry("session.intra_op.allow_spinning") == "0"
