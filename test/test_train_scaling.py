"""Resumable training, the PI variants and the control, and DDP under torchrun (gloo, 2 CPU processes)."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from pipose_ros.checkpoint import load_checkpoint
from pipose_ros.data.dataset import synthetic_set
from pipose_ros.data.folder import FolderWriter
from pipose_ros.data.synthetic import SyntheticHumans
from pipose_ros.model import ModelConfig, build_model
from pipose_ros.spdh import SPDHConfig
from pipose_ros.train.trainer import TrainConfig, train

SPDH = SPDHConfig(sigma_mm=100, z_min=0.3, z_max=7.8, canonical_fx=100.0)


@pytest.fixture(scope="module")
def data():
    return synthetic_set(41, 12, workers=1, progress=False)


def test_resume_reproduces_the_uninterrupted_run(data, tmp_path):
    cfg = TrainConfig(steps=6, batch_size=4, save_every=2, seed=3)  # 3 batches per epoch: crosses epochs
    full, _ = train("teacher", data, ModelConfig(), SPDH, cfg, device="cpu", log=lambda *_: None)
    snap = tmp_path / "run.partial.pt"
    _, s1 = train("teacher", data, ModelConfig(), SPDH, cfg, device="cpu", resume_path=snap,
                  stop_after=4, csv_path=tmp_path / "log.csv", log=lambda *_: None)
    assert not s1["finished"] and snap.exists()
    resumed, s2 = train("teacher", data, ModelConfig(), SPDH, cfg, device="cpu", resume_path=snap,
                        csv_path=tmp_path / "log.csv", log=lambda *_: None)
    assert s2["finished"] and s2["epochs"] == 2
    for (k, a), b in zip(full.state_dict().items(), resumed.state_dict().values()):
        assert torch.allclose(a.float(), b.float(), atol=1e-5), k
    rows = (tmp_path / "log.csv").read_text().splitlines()
    assert rows[0].startswith("step,epoch,lr,l_pe") and [int(r.split(",")[0]) for r in rows[1:]] == list(range(1, 7))


@pytest.mark.parametrize("variant", [
    dict(attention=True), dict(mask_weight=1.0), dict(pi_kind="huber", pi_sigmoid=True, alpha_ramp=0.5)])
def test_student_variants_train(data, variant):
    teacher = build_model(ModelConfig(kind="teacher")).eval()
    cfg = TrainConfig(steps=2, batch_size=4, alpha=5.0, **variant)
    model, s = train("student", data, ModelConfig(), SPDH, cfg, teacher=teacher, device="cpu", log=lambda *_: None)
    assert np.isfinite(s["final_pe"]) and s["final_pi"] > 0
    if variant.get("mask_weight"):
        assert s["final_mask"] > 0


def test_control_run_uses_the_rgb_teacher(data, monkeypatch):
    """Control (seed 001 §6.2.2): an RGB baseline as teacher is fed the RGB image, not depth."""
    teacher = build_model(ModelConfig(kind="baseline")).eval()
    seen = []
    orig = teacher.forward
    monkeypatch.setattr(teacher, "forward", lambda x: seen.append(x.shape[1]) or orig(x))
    train("student", data, ModelConfig(distill_stage="mid"), SPDH, TrainConfig(steps=1, batch_size=4),
          teacher=teacher, device="cpu", log=lambda *_: None)
    assert seen == [3]


def test_torchrun_ddp_two_cpu_processes(tmp_path):
    g = SyntheticHumans(seed=8, width=128, height=96)
    with FolderWriter(tmp_path / "ds") as w:
        for i in range(8):
            f = g[i]
            w.add(f.rgb, f.depth_mm, f.K, joints=f.joints, visible=f.visible, label_source="synthetic-gt")
    out = tmp_path / "ddp_teacher.pt"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           "-m", "pipose_ros.cli", "train", "teacher", "--data", str(tmp_path / "ds"), "--steps", "2",
           "--batch-size", "2", "--device", "cpu", "--out", str(out)]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    model, meta = load_checkpoint(out)
    assert meta["training"]["processes"] == 2 and meta["training"]["finished"]
    assert meta["training"]["data"].startswith("folder ")


def test_student_initialised_from_a_baseline(data):
    """seed 001: the student's F_rgb and F_hall start from the trained baseline's backbone."""
    base = build_model(ModelConfig(kind="baseline"))
    teacher = build_model(ModelConfig(kind="teacher")).eval()
    logs = []
    model, _ = train("student", data, ModelConfig(), SPDH, TrainConfig(steps=1, batch_size=4, lr=0.0),
                     teacher=teacher, init=base, device="cpu", log=logs.append)
    b = base.state_dict()
    s = model.state_dict()
    k = next(k for k in b if k.startswith("backbone.") and k.endswith("conv1.weight"))
    tail = k[len("backbone."):]
    assert torch.equal(s["rgb." + tail], b[k]) and torch.equal(s["hall." + tail], b[k])
    assert "initialised" in logs[0]
