"""The PI study plan and its report (mean ± std over seeds, gap closed)."""
import json

import numpy as np
import pytest

from pipose_ros import study

PLAN = __import__("pathlib").Path(__file__).resolve().parents[1] / "config" / "study.yaml"


def test_plan_jobs_and_dependencies():
    plan = study.load_plan(PLAN)
    jobs = study.jobs(plan)
    names = [j["name"] for j in jobs]
    assert len(names) == len(set(names))
    # the four main rows over three seeds, the control and the variants on seed 0
    for row in ("teacher", "baseline", "hall_only", "student"):
        assert {f"{row}_s{s}" for s in (0, 1, 2)} <= set(names)
    assert "control_s0" in names and "control_s1" not in names
    # a student waits for the teacher of its own seed; the control for the RGB baseline
    by = {j["name"]: j for j in jobs}
    assert by["student_s1"]["needs"] == ["teacher_s1"] and by["control_s0"]["needs"] == ["baseline_s0"]
    assert names.index("teacher_s0") < names.index("student_s0") < names.index("teacher_s1")
    argv = study._train_argv(by["control_s0"], plan, __import__("pathlib").Path("R"))
    assert argv[argv.index("--teacher") + 1] == "R/baseline_s0.pt" and "--seed" in argv


def test_report_aggregates_seeds(tmp_path):
    plan = study.load_plan(PLAN)
    res = tmp_path / "runs"
    res.mkdir()
    vals = {"teacher": [50.0, 52.0], "baseline": [100.0, 104.0], "student": [70.0, 74.0], "control": [98.0]}
    for row, vs in vals.items():
        for s, v in enumerate(vs):
            m = {k: v for k in study.METRICS}
            m.update({"row": row, "seed": s, "job": f"{row}_s{s}", "per_joint_cm": [v] * 14,
                      "cases": {"truncated": {"frames": 3, "mpjpe_cm": v, "map@10": 1.0}},
                      "training": {"kind": "student" if row in ("student", "control") else "x", "steps": 10,
                                   "batch_size": 2, "wall_clock_s": 60, "alpha": 20.0, "train_samples": 40,
                                   "final_pi": 0.01 if row == "control" else 2.0,
                                   "final_pe": 120.0}})
            (res / f"{row}_s{s}.json").write_text(json.dumps(m))
    js = study.report(PLAN, res, tmp_path / "R.md", tmp_path / "r.json",
                      {"name": "b", "frames": 3, "fingerprint_sha256": "ab" * 32})
    assert js["teacher_mpjpe_cm"] == 51.0 and js["baseline_mpjpe_cm"] == 102.0
    assert js["student_mpjpe_cm_std"] == pytest.approx(np.std([70, 74], ddof=1))
    assert js["gap_closed_pct"] == pytest.approx((102 - 72) / (102 - 51) * 100)
    assert js["gap_closed_control_pct"] == pytest.approx((102 - 98) / (102 - 51) * 100)
    md = (tmp_path / "R.md").read_text()
    assert "72.00 ± 2.83" in md and "59 %" in md and "| truncated | 3 |" in md
    # the loss balance of every student run: 20 x 2 = 40 against L_PE 120 -> 25 % of the loss
    assert "| student_s1 | 20 | 2.000 | 40.0 | 120.0 | 25 % |" in md and "| control_s0 |" in md
    assert "| teacher_s0 |" not in md
    # a run whose L_PI term is negligible (0.2 against 120) is flagged, the others are not
    assert "In control_s0 distillation is under 5 %" in md
    # 10 steps x 2 / 40 frames = 0.5 epochs in 60 s -> 30 epochs in 3600 s
    assert "0.5 epochs of the 40-frame training set" in md and "student 1.0 h" in md
    assert json.loads((tmp_path / "r.json").read_text())["rows"]["student"]["n_seeds"] == 2


def test_ship_picks_the_best_student_never_the_control(tmp_path, tiny_checkpoints):
    import shutil

    from pipose_ros.checkpoint import load_checkpoint
    res, runs, models = tmp_path / "res", tmp_path / "runs", tmp_path / "models"
    for d in (res, runs, models):
        d.mkdir()
    entries = {"teacher_s0": 50, "teacher_s1": 51, "baseline_s0": 100, "baseline_s1": 99,
               "student_s0": 80, "student_s1": 75, "hall_only_s0": 90, "control_s0": 60}
    for job, v in entries.items():
        row, seed = job.rsplit("_s", 1)
        m = {k: float(v) for k in study.METRICS}
        m.update({"job": job, "row": row, "seed": int(seed), "cases": {}, "train_command": f"train {job}",
                  "training": {"steps": 10, "batch_size": 2, "wall_clock_s": 60, "initial_pe": 9, "final_pe": 3}})
        (res / f"{job}.json").write_text(json.dumps(m))
        shutil.copyfile(tiny_checkpoints["student"], runs / f"{job}.pt")  # any valid checkpoint
    chosen = study.ship(PLAN, res, runs, models)
    assert chosen == {"student": "student_s1", "teacher": "teacher_s1", "baseline": "baseline_s1"}
    _, meta = load_checkpoint(models / "pipose_student_kinect14.pt")  # still weights_only-loadable
    assert meta["training"]["study_job"] == "student_s1" and meta["training"]["eval"]["mpjpe_cm"] == 75.0
    card = (models / "MODEL_CARD.md").read_text()
    assert "`student_s1`" in card and "| student | 75.00 |" in card and "best of 3 finished student runs" in card


def test_ship_student_writes_numbers_and_card(tmp_path, tiny_checkpoints):
    from pipose_ros.checkpoint import load_checkpoint
    models = tmp_path / "models"
    models.mkdir()
    rj = tmp_path / "results.json"
    rj.write_text(json.dumps({"synth_v2": {"student_mpjpe_cm": 20.5, "student_map10": 31.0, "baseline_mpjpe_cm": 22.0,
                                           "teacher_mpjpe_cm": 38.8, "student_fingerprint": "abc",
                                           "student_size_prior_mpjpe_cm": 18.25,
                                           "student_size_prior_checkpoint": str(tiny_checkpoints["student"])},
                              "real_2d": {"pck02": 61.2, "mediapipe_full_pck02": 82.7, "people": 17}}))
    out = study.ship_student(tiny_checkpoints["student"], tiny_checkpoints["baseline"], models, rj)
    assert [p.name for p in out] == ["pipose_student_kinect14.pt", "pipose_rgb_baseline_kinect14.pt"]
    _, meta = load_checkpoint(models / "pipose_student_kinect14.pt")
    assert meta["training"]["eval"]["mpjpe_cm"] == 20.5 and meta["training"]["eval_real_2d"]["pck02"] == 61.2
    _, meta = load_checkpoint(models / "pipose_rgb_baseline_kinect14.pt")
    assert meta["training"]["eval"]["mpjpe_cm"] == 22.0
    card = (models / "MODEL_CARD.md").read_text()
    assert "| student (network alone) | 20.50 cm | 31.0 % |" in card and "PCK@0.2 student **61.2 %**" in card
    assert "| student with the body-size prior of its file (the node's default) | 18.25 cm |" in card
    with pytest.raises(ValueError, match="not a student"):
        study.ship_student(tiny_checkpoints["teacher"], None, models, rj)
    # numbers recorded for another checkpoint are not put on this one
    rj.write_text(json.dumps({"synth_v2": {"student_mpjpe_cm": 20.5, "student_checkpoint": "/elsewhere/old.pt",
                                           "baseline_mpjpe_cm": 22.0,
                                           "baseline_checkpoint": str(tiny_checkpoints["baseline"])},
                              "real_2d": {"pck02": 61.2, "people": 17, "checkpoint": "/elsewhere/old.pt"}}))
    study.ship_student(tiny_checkpoints["student"], tiny_checkpoints["baseline"], models, rj)
    _, meta = load_checkpoint(models / "pipose_student_kinect14.pt")
    assert meta["training"]["eval"]["mpjpe_cm"] is None and "eval_real_2d" not in meta["training"]
    _, meta = load_checkpoint(models / "pipose_rgb_baseline_kinect14.pt")
    assert meta["training"]["eval"]["mpjpe_cm"] == 22.0
    card = (models / "MODEL_CARD.md").read_text()
    assert "| student (network alone) | — cm |" in card and "PCK@0.2 student **— %**" in card
    assert "body-size prior" not in card  # no record for this checkpoint: no row


def test_table_v2_gap_closed_from_recorded_rows(tmp_path, monkeypatch):
    from pipose_ros.cli import main
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "results.json").write_text(json.dumps({"synth_v2": {
        "teacher_mpjpe_cm": 20.0, "baseline_mpjpe_cm": 40.0, "student_mpjpe_cm": 30.0, "student_map10": 12.5,
        "student_pa_mpjpe_cm": 9.0, "student_rr_mpjpe_cm": 15.25, "student_checkpoint": "gone.pt"}}))
    assert main(["table-v2"]) == 0
    js = json.loads((tmp_path / "docs" / "results.json").read_text())["synth_v2"]
    assert js["gap_closed_pct"] == 50.0 and js["gap_closed_control_pct"] is None
    md = (tmp_path / "docs" / "RESULTS.md").read_text()
    assert "| F_rgb ‖ F_hall (L_PE + L_PI), the student | 30.00 | 12.5 | 9.00 | 15.25 | 50.0 | — | — | `gone.pt` |" in md
    assert "RGB-teacher control (F_rgb ‖ F_hall distilled from the RGB baseline) | not run" in md


def test_table_v2_shows_lineage_and_gives_no_gap_across_input_sizes(tmp_path, monkeypatch, tiny_checkpoints):
    """A fine-tuned row shows the steps it started from; a row trained at another input size than
    the baseline's gets no gap closed (another recipe)."""
    import torch

    from pipose_ros.cli import main
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    base = torch.load(tiny_checkpoints["baseline"], map_location="cpu", weights_only=True)
    base["training"].update(steps=400, batch_size=16, init_training={"steps": 1000})
    torch.save(base, tmp_path / "b.pt")
    other = torch.load(tiny_checkpoints["student"], map_location="cpu", weights_only=True)
    other["input_size"] = [base["input_size"][0] * 2, base["input_size"][1] * 2]
    torch.save(other, tmp_path / "c.pt")
    (tmp_path / "docs" / "results.json").write_text(json.dumps({"synth_v2": {
        "teacher_mpjpe_cm": 20.0, "baseline_mpjpe_cm": 40.0, "baseline_checkpoint": "b.pt",
        "teacher_checkpoint": str(tiny_checkpoints["teacher"]),
        "control_mpjpe_cm": 30.0, "control_checkpoint": "c.pt"}}))
    assert main(["table-v2"]) == 0
    js = json.loads((tmp_path / "docs" / "results.json").read_text())["synth_v2"]
    assert js["gap_closed_control_pct"] is None
    md = (tmp_path / "docs" / "RESULTS.md").read_text()
    w, h = base["input_size"]
    assert f"| 1000 + 400 × 16 | {w}×{h} | `b.pt` |" in md
    assert "Not matched" not in md  # no gap is given to the control (other input size)
    assert "| — (other input size than the baseline's) |" in md
    teacher_backbone = torch.load(tiny_checkpoints["teacher"], map_location="cpu", weights_only=True)["model"]["backbone"]
    assert f"| depth teacher (F_depth: {teacher_backbone}, depth crops) |" in md  # named from its file


def test_table_v2_says_when_a_row_trained_longer_than_the_baseline(tmp_path, monkeypatch, tiny_checkpoints):
    """The gap a row closes is flagged when it saw more training samples than the baseline (its --init runs counted)."""
    import torch

    from pipose_ros.cli import main
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    base = torch.load(tiny_checkpoints["baseline"], map_location="cpu", weights_only=True)
    base["training"].update(steps=400, batch_size=16)
    base["training"].pop("init_training", None)
    base["training"].pop("init", None)
    torch.save(base, tmp_path / "b.pt")
    longer = torch.load(tiny_checkpoints["baseline"], map_location="cpu", weights_only=True)
    longer["training"].update(steps=400, batch_size=16, init="x.pt", init_training={"steps": 800, "batch_size": 16})
    torch.save(longer, tmp_path / "s.pt")
    (tmp_path / "docs" / "results.json").write_text(json.dumps({"synth_v2": {
        "teacher_mpjpe_cm": 20.0, "baseline_mpjpe_cm": 40.0, "baseline_checkpoint": "b.pt",
        "student_mpjpe_cm": 30.0, "student_checkpoint": "s.pt"}}))
    assert main(["table-v2"]) == 0
    md = (tmp_path / "docs" / "RESULTS.md").read_text()
    assert "| 50.0 (not matched: 3.0× the baseline's training samples) |" in md and "Not matched:" in md
    assert json.loads((tmp_path / "docs" / "results.json").read_text())["synth_v2"]["gap_closed_pct"] == 50.0


def test_ship_student_keeps_the_history_of_the_run_it_was_fine_tuned_from(tmp_path, tiny_checkpoints):
    """A student fine-tuned from the shipped one (``training.init`` = the file shipping replaces)
    keeps that run's summary (``init_training``) and the card says so."""
    import torch

    from pipose_ros.checkpoint import load_checkpoint
    models = tmp_path / "models"
    models.mkdir()
    old = torch.load(tiny_checkpoints["student"], map_location="cpu", weights_only=True)
    old["training"].update(steps=1000, batch_size=16, wall_clock_s=2880.0, train_samples=30000,
                           init_training={"steps": 500, "batch_size": 16, "train_samples": 30000})
    torch.save(old, models / "pipose_student_kinect14.pt")
    new = torch.load(tiny_checkpoints["student"], map_location="cpu", weights_only=True)
    new["training"].update(steps=400, batch_size=16, init=str(models / "pipose_student_kinect14.pt"))
    new["training"].pop("init_training", None)
    run = tmp_path / "ft.pt"
    torch.save(new, run)
    study.ship_student(run, None, models, tmp_path / "none.json")
    _, meta = load_checkpoint(models / "pipose_student_kinect14.pt")
    assert meta["training"]["steps"] == 400 and meta["training"]["init_training"]["steps"] == 1000
    card = (models / "MODEL_CARD.md").read_text()
    assert "- student: fine-tuned (`--init`) from a run of 1000 × 16 steps (0.53 epochs" in card
    assert "48 min" in card and "itself fine-tuned from a run of 500 × 16 steps" in card  # the whole chain
    assert "total 1900 steps" in card


def test_ship_teacher_writes_numbers_and_card_and_card_only_copies_nothing(tmp_path, tiny_checkpoints):
    """ship-teacher: the checkpoint with its recorded numbers and the card's teacher section, which
    names the depth-support rule and the every-skeleton numbers; --card-only rewrites the card alone."""
    from pipose_ros.checkpoint import load_checkpoint
    models = tmp_path / "models"
    models.mkdir()
    rj = tmp_path / "results.json"
    v2 = {"teacher_mpjpe_cm": 31.04, "teacher_map10": 17.1, "teacher_misses": 1309, "teacher_min_depth_support": 0.3,
          "teacher_every_skeleton_mpjpe_cm": 35.03, "teacher_every_skeleton_map10": 16.2,
          "teacher_every_skeleton_misses": 1051}
    rj.write_text(json.dumps({"synth_v2": v2, "real_depth_frame": {"median_error_cm": 21.02, "people_found": 4}}))
    dst = study.ship_teacher(tiny_checkpoints["teacher"], models, rj)
    _, meta = load_checkpoint(dst)
    assert meta["training"]["eval"]["mpjpe_cm"] == 31.04 and meta["training"]["eval_real_depth_frame"]["people_found"] == 4
    card = (models / "MODEL_CARD.md").read_text()
    assert "MPJPE **31.04 cm**" in card and "depth shows ≥ 0.3 of its joints" in card
    assert "(depth support off): 35.03 cm, 16.2 %, 1051 misses" in card
    dst.unlink()
    v2["teacher_mpjpe_cm"] = 30.0
    rj.write_text(json.dumps({"synth_v2": v2}))
    study.ship_teacher(tiny_checkpoints["teacher"], models, rj, card_only=True)
    assert not dst.exists() and "MPJPE **30.00 cm**" in (models / "MODEL_CARD.md").read_text()
    with pytest.raises(ValueError, match="not a depth teacher"):
        study.ship_teacher(tiny_checkpoints["student"], models, rj)


def test_ship_teacher_card_gives_the_run_chain_and_the_lr_symmetric_share(tmp_path, tiny_checkpoints):
    """A teacher fine-tuned in stages: the card names every earlier run (with its `--lr-symmetric`)
    and the shipped run's own left/right-symmetric share of L_PE."""
    import torch
    models = tmp_path / "models"
    models.mkdir()
    ck = torch.load(tiny_checkpoints["teacher"], map_location="cpu", weights_only=True)
    ck["training"].update(steps=3000, batch_size=16, lr_symmetric=0.25, init="a.pt",
                          init_training={"steps": 3000, "batch_size": 16, "lr_symmetric": 0.5, "init": "b.pt",
                                         "init_training": {"steps": 5000, "batch_size": 16}})
    run = tmp_path / "t.pt"
    torch.save(ck, run)
    study.ship_teacher(run, models, tmp_path / "none.json")
    card = (models / "MODEL_CARD.md").read_text()
    assert "25 % of L_PE takes each left/right pair" in card
    assert "- teacher: fine-tuned (`--init`) from a run of 3000 × 16 steps" in card and "`--lr-symmetric 0.5`" in card
    assert "itself fine-tuned from a run of 5000 × 16 steps" in card and "total 11000 steps" in card


def test_student_card_says_when_its_teacher_is_not_the_shipped_one(tmp_path, tiny_checkpoints):
    """A student records the digest of the teacher file it learnt from (``teacher_sha256``); once
    another teacher is shipped under the same path, the card says the student's was an earlier one."""
    import hashlib

    import torch
    models = tmp_path / "models"
    models.mkdir()
    shipped = models / "pipose_teacher_kinect14.pt"
    shipped.write_bytes(b"teacher v1")
    ck = torch.load(tiny_checkpoints["student"], map_location="cpu", weights_only=True)
    ck["training"].update(teacher=str(shipped), teacher_sha256=hashlib.sha256(b"teacher v1").hexdigest())
    run = tmp_path / "s.pt"
    torch.save(ck, run)
    study.ship_student(run, None, models, tmp_path / "none.json")
    assert "not the file shipped now" not in (models / "MODEL_CARD.md").read_text()
    shipped.write_bytes(b"teacher v2")
    ck["training"]["teacher_note"] = "the session-16 depth teacher"
    torch.save(ck, run)
    study.ship_student(run, None, models, tmp_path / "none.json")
    assert "as it was then — the session-16 depth teacher, not the file shipped now" in (models / "MODEL_CARD.md").read_text()
