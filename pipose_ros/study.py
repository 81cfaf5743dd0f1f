"""The PI study runner (issue 3): train every row of ``config/study.yaml``, evaluate, report.

``pipose study run`` schedules the jobs (row × seed) with their teacher dependencies on
``--jobs`` worker processes, each limited to ``--threads`` torch threads. Every job is a plain
``pipose train`` (resumable: a killed study continues where it stopped) followed by
``pipose evaluate`` on the benchmark, which writes ``docs/runs/<row>_s<seed>.json``.
``pipose study report`` turns those files into ``docs/RESULTS.md`` and ``docs/results.json``
(mean ± std over seeds, seed 000 Table 1 layout, the variants table and the per-case table).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import yaml

from .report import update_json, update_md_section

METRICS = ("mpjpe_cm", "map@6", "map@8", "map@10", "pa_mpjpe_cm", "rr_mpjpe_cm")


def load_plan(path: str | Path) -> dict:
    """Parse the study YAML; raises ``ValueError`` for a row whose teacher row is unknown."""
    plan = yaml.safe_load(Path(path).read_text())
    names = {r["name"] for r in plan["rows"]}
    for r in plan["rows"]:
        for dep in ("teacher", "init"):
            if r.get(dep) and r[dep] not in names:
                raise ValueError(f"row {r['name']}: unknown {dep} row {r[dep]!r}")
    return plan


def jobs(plan: dict) -> list[dict]:
    """Jobs in priority order: seed 0 of every main row and the control first, then the other
    seeds of the main rows, then the variants. Each: name, row, seed, needs (job names), argv."""
    out = []

    def add(row, seed):
        name = f"{row['name']}_s{seed}"
        needs = [f"{row['teacher']}_s{seed}"] if row.get("teacher") else []
        if row.get("init"):
            needs.append(f"{row['init']}_s{seed}")
        out.append({"name": name, "row": row["name"], "seed": seed, "needs": needs, "spec": row})

    main = [r for r in plan["rows"] if r.get("main")]
    rest = [r for r in plan["rows"] if not r.get("main")]
    for r in main:
        add(r, plan["seeds"][0])
    for r in rest:
        if r["name"] == "control":
            add(r, plan["seeds"][0])
    for s in plan["seeds"][1:]:
        for r in main:
            add(r, s)
    for r in rest:
        if r["name"] != "control":
            add(r, plan["seeds"][0])
    return out


def _train_argv(job: dict, plan: dict, runs: Path) -> list[str]:
    r = job["spec"]
    argv = [sys.executable, "-m", "pipose_ros.cli", "train", r["kind"], "--out", str(runs / f"{job['name']}.pt"),
            "--seed", str(job["seed"]), *plan.get("common", []), *r.get("args", [])]
    if r.get("teacher"):
        argv += ["--teacher", str(runs / f"{r['teacher']}_s{job['seed']}.pt")]
    if r.get("init"):
        argv += ["--init", str(runs / f"{r['init']}_s{job['seed']}.pt")]
    return argv


def run(plan_path: str | Path, runs: str | Path, results: str | Path, benchmark: str | Path,
        n_jobs: int = 2, threads: int = 1, only: list[str] | None = None) -> int:
    """Run every job whose ``results/<name>.json`` is missing; returns the number of failures."""
    plan = load_plan(plan_path)
    runs, results = Path(runs), Path(results)
    runs.mkdir(parents=True, exist_ok=True)
    results.mkdir(parents=True, exist_ok=True)
    todo = [j for j in jobs(plan) if not (results / f"{j['name']}.json").exists()
            and (not only or j["name"] in only or j["row"] in only)]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    running: dict[str, subprocess.Popen] = {}
    failed: set[str] = set()
    stage: dict[str, str] = {}
    print(f"{len(todo)} jobs to run: {', '.join(j['name'] for j in todo)}", flush=True)
    while todo or running:
        for name, p in list(running.items()):
            if p.poll() is None:
                continue
            del running[name]
            job = next(j for j in jobs(plan) if j["name"] == name)
            if p.returncode != 0:
                failed.add(name)
                print(f"[{time.strftime('%H:%M:%S')}] {name}: {stage[name]} FAILED (rc {p.returncode}), "
                      f"see {runs / (name + '.log')}", flush=True)
            elif stage[name] == "train":
                stage[name] = "evaluate"
                argv = [sys.executable, "-m", "pipose_ros.cli", "evaluate", "--data", str(benchmark),
                        str(runs / f"{name}.pt"), "--json", str(runs / f"{name}.eval.json")]
                running[name] = subprocess.Popen(argv, env=env, stdout=open(runs / f"{name}.log", "a"),
                                                 stderr=subprocess.STDOUT)
            else:
                ev = json.loads((runs / f"{name}.eval.json").read_text())
                m = next(iter(ev.values()))
                m.update({"job": name, "row": job["row"], "seed": job["seed"], "label": job["spec"]["label"],
                          "train_command": " ".join(_train_argv(job, plan, runs)[2:]).replace(str(runs), "RUNS")})
                (results / f"{name}.json").write_text(json.dumps(m, indent=1))
                print(f"[{time.strftime('%H:%M:%S')}] {name}: MPJPE {m['mpjpe_cm']:.2f} cm, "
                      f"mAP@10 {m['map@10']:.1f} %", flush=True)
        for job in list(todo):
            if len(running) >= n_jobs:
                break
            if any(n in failed for n in job["needs"]):
                todo.remove(job)
                failed.add(job["name"])
                continue
            if not all((runs / f"{n}.pt").exists() for n in job["needs"]):
                continue
            todo.remove(job)
            stage[job["name"]] = "train"
            ckpt = runs / f"{job['name']}.pt"
            if ckpt.exists():  # trained earlier, evaluation missing
                stage[job["name"]] = "train"
                running[job["name"]] = subprocess.Popen([sys.executable, "-c", "pass"])
                continue
            print(f"[{time.strftime('%H:%M:%S')}] start {job['name']}", flush=True)
            running[job["name"]] = subprocess.Popen(_train_argv(job, plan, runs), env=env,
                                                    stdout=open(runs / f"{job['name']}.log", "a"),
                                                    stderr=subprocess.STDOUT)
        if not running and todo:
            print("blocked: remaining jobs wait on failed or missing teachers: "
                  + ", ".join(j["name"] for j in todo), flush=True)
            break
        time.sleep(5)
    return len(failed)


def _agg(vals: list[float]) -> tuple[float, float]:
    a = np.asarray(vals, float)
    return float(a.mean()), float(a.std(ddof=1)) if len(a) > 1 else float("nan")


def _fmt(mean: float, std: float, digits: int = 2) -> str:
    return f"{mean:.{digits}f}" if not np.isfinite(std) else f"{mean:.{digits}f} ± {std:.{digits}f}"


def report(plan_path: str | Path, results: str | Path, out_md: str | Path, out_json: str | Path,
           benchmark_info: dict) -> dict:
    """Write RESULTS.md and results.json from ``results/*.json``; returns the json dict."""
    plan = load_plan(plan_path)
    results = Path(results)
    per_row: dict[str, list[dict]] = {}
    for f in sorted(results.glob("*.json")):
        m = json.loads(f.read_text())
        per_row.setdefault(m["row"], []).append(m)
    rows = {r["name"]: r for r in plan["rows"]}
    agg = {}
    for name, ms in per_row.items():
        agg[name] = {k: _agg([m[k] for m in ms]) for k in METRICS}
        agg[name]["n_seeds"] = len(ms)
        agg[name]["seeds"] = sorted(m["seed"] for m in ms)
        agg[name]["per_seed_mpjpe_cm"] = {str(m["seed"]): m["mpjpe_cm"] for m in ms}
    js: dict = {"date": datetime.date.today().isoformat(), "benchmark": benchmark_info, "rows": {}}
    for name, a in agg.items():
        js["rows"][name] = {"label": rows[name]["label"] if name in rows else name, "n_seeds": a["n_seeds"],
                            "seeds": a["seeds"], "per_seed_mpjpe_cm": a["per_seed_mpjpe_cm"],
                            **{f"{k}_mean": a[k][0] for k in METRICS}, **{f"{k}_std": a[k][1] for k in METRICS}}
    key = {"teacher": "teacher", "baseline": "baseline", "student": "student", "hall_only": "hall_only",
           "control": "control"}
    for k, row in key.items():
        if row in agg:
            js[f"{k}_mpjpe_cm"] = agg[row]["mpjpe_cm"][0]
            js[f"{k}_mpjpe_cm_std"] = agg[row]["mpjpe_cm"][1]
            for tau in (6, 8, 10):
                js[f"{k}_map{tau}"] = agg[row][f"map@{tau}"][0]

    def gap(row: str) -> float:
        if not all(r in agg for r in ("teacher", "baseline", row)):
            return float("nan")
        t, b, s = agg["teacher"]["mpjpe_cm"][0], agg["baseline"]["mpjpe_cm"][0], agg[row]["mpjpe_cm"][0]
        return (b - s) / (b - t) * 100.0 if b != t else float("nan")

    js["gap_closed_pct"] = gap("student")
    js["gap_closed_hall_only_pct"] = gap("hall_only")
    js["gap_closed_control_pct"] = gap("control")
    for name in agg:
        js["rows"][name]["gap_closed_pct"] = gap(name)
    _write_md(plan, agg, per_row, js, benchmark_info, out_md)
    update_json(js, out_json)  # other commands' keys (synth_v2, real_depth_frame, …) stay
    return js


def _write_md(plan, agg, per_row, js, bench, out_md) -> None:
    rows = {r["name"]: r for r in plan["rows"]}
    L = ["# Results: depth as privileged information", "",
         f"Benchmark **{bench.get('name')}** ({bench.get('frames')} synthetic RGB-D frames, "
         f"distances {bench.get('dist_range_m')} m, occluders in {bench.get('occluder_prob')} of frames, "
         "people truncated at the border; fingerprint "
         f"`{str(bench.get('fingerprint_sha256', ''))[:16]}…`), generated by `pipose testset`; never trained on. "
         "Absolute 3D error in the camera optical frame over the joints inside the image.", "",
         f"Produced {js['date']} by `pipose study run` then `pipose study report` (plan: `config/study.yaml`; "
         "per-run numbers and exact train commands in `docs/runs/`). Mean ± sample std over training seeds.", "",
         "## Main table (seed 000 Table 1 layout)", "",
         "| Model | seeds | MPJPE (cm) ↓ | mAP@6 ↑ | mAP@8 ↑ | mAP@10 ↑ | PA-MPJPE (cm) | root-rel. MPJPE (cm) |",
         "|---|---|---|---|---|---|---|---|"]
    for name in ("teacher", "baseline", "hall_only", "student", "control"):
        if name not in agg:
            continue
        a = agg[name]
        L.append(f"| {rows[name]['label']} | {a['n_seeds']} | {_fmt(*a['mpjpe_cm'])} | {_fmt(*a['map@6'], 1)} | "
                 f"{_fmt(*a['map@8'], 1)} | {_fmt(*a['map@10'], 1)} | {_fmt(*a['pa_mpjpe_cm'])} | "
                 f"{_fmt(*a['rr_mpjpe_cm'])} |")
    def pct(v: float) -> str:
        return "not run yet" if not np.isfinite(v) else f"{v:.0f} %"

    L += ["", "Share of the RGB→depth MPJPE gap closed, (baseline − X) / (baseline − teacher), on the means: "
          f"student **{pct(js['gap_closed_pct'])}**, F_hall only {pct(js['gap_closed_hall_only_pct'])}, "
          f"control {pct(js['gap_closed_control_pct'])} (paper, seed 000: 67 %; target ≥ 67 %).", ""]
    done = {m["job"] for ms in per_row.values() for m in ms if "job" in m}
    pending = [j["name"] for j in jobs(plan) if j["name"] not in done]
    L += [f"Runs finished: {len(done)} of {len(done) + len(pending)}"
          + (f"; still to run (resumable: `pipose study run`): {', '.join(pending)}." if pending else "."), ""]
    L += ["Per seed (MPJPE, cm): " + "; ".join(
        f"{n} " + ", ".join(f"s{s} {v:.2f}" for s, v in sorted(agg[n]["per_seed_mpjpe_cm"].items()))
        for n in ("teacher", "baseline", "hall_only", "student", "control") if n in agg), ""]
    var = [n for n in rows if not rows[n].get("main") and n in agg]
    if var:
        base = agg.get("student", {}).get("mpjpe_cm", (float("nan"),))[0]
        L += ["## Variants (one seed each)", "",
              "| Variant | MPJPE (cm) ↓ | mAP@10 ↑ | root-rel. (cm) | gap closed | Δ vs student mean (cm) |",
              "|---|---|---|---|---|---|"]
        for n in var:
            a = agg[n]
            L.append(f"| {rows[n]['label']} | {a['mpjpe_cm'][0]:.2f} | {a['map@10'][0]:.1f} | "
                     f"{a['rr_mpjpe_cm'][0]:.2f} | {js['rows'][n]['gap_closed_pct']:.0f} % | "
                     f"{a['mpjpe_cm'][0] - base:+.2f} |")
        L.append("")
    cases = None
    for name in ("teacher", "baseline", "student"):
        for m in per_row.get(name, []):
            cases = cases or list(m.get("cases", {}))
    if cases:
        L += ["## By case (MPJPE cm, mean over seeds)", "",
              "| case | frames | " + " | ".join(rows[n]["label"] for n in ("teacher", "baseline", "hall_only", "student") if n in per_row) + " |",
              "|---|---|" + "---|" * sum(n in per_row for n in ("teacher", "baseline", "hall_only", "student"))]
        for c in cases:
            fr = per_row["teacher"][0]["cases"].get(c, {}).get("frames", 0) if "teacher" in per_row else 0
            vals = []
            for n in ("teacher", "baseline", "hall_only", "student"):
                if n in per_row:
                    v = [m["cases"][c]["mpjpe_cm"] for m in per_row[n] if c in m.get("cases", {})]
                    vals.append(f"{np.mean(v):.1f}" if v else "–")
            L.append(f"| {c} | {fr} | " + " | ".join(vals) + " |")
        L.append("")
    names = per_row.get("teacher", [{}])[0].get("per_joint_cm")
    if names:
        from .skeleton import KINECT14
        cols = [n for n in ("teacher", "baseline", "hall_only", "student") if n in per_row]
        L += ["## Per joint (MPJPE cm, mean over seeds)", "", "| joint | " + " | ".join(cols) + " |",
              "|---|" + "---|" * len(cols)]
        for j, jn in enumerate(KINECT14.names):
            L.append(f"| {jn} | " + " | ".join(f"{np.mean([m['per_joint_cm'][j] for m in per_row[n]]):.1f}"
                                               for n in cols) + " |")
        L.append("")
    bal = [(m["job"], m["training"]) for n in rows for m in sorted(per_row.get(n, []), key=lambda m: m["seed"])
           if "job" in m and "final_pi" in m.get("training", {}) and m["training"].get("kind") == "student"]
    if bal:
        L += ["## Loss balance at the end of training (from the training logs)", "",
              "Mean over the last 10 % of the steps (at most 50, as the trainer logs them). The share is how much of the student's loss is distillation: "
              "α·L_PI / (α·L_PI + L_PE).", "",
              "| run | α | L_PI | α·L_PI | L_PE | distillation share |", "|---|---|---|---|---|---|"]
        weak = []
        for job, t in bal:
            a_pi = t["alpha"] * t["final_pi"]
            share = 100 * a_pi / max(a_pi + t["final_pe"], 1e-12)
            weak += [job] if share < 5 else []
            L.append(f"| {job} | {t['alpha']:g} | {t['final_pi']:.3f} | {a_pi:.1f} | {t['final_pe']:.1f} | "
                     f"{share:.0f} % |")
        L.append("")
        if weak:
            L += [f"In {', '.join(weak)} distillation is under 5 % of the loss at the end (α was not rescaled "
                  "for the loss's own scale), so these rows measure training with almost no L_PI rather "
                  "than the variant itself.", ""]
    tr = [m.get("training", {}) for ms in per_row.values() for m in ms]
    if tr:
        walls = {}
        for ms in per_row.values():
            for m in ms:
                t = m.get("training", {})
                walls.setdefault(t.get("kind"), []).append(t.get("wall_clock_s", 0))
        L += ["## Training budget (measured)", "",
              "Each run: " + f"{tr[0].get('steps')} steps × batch {tr[0].get('batch_size')} on {tr[0].get('device')} "
              f"({tr[0].get('machine')}), two runs in parallel on the 2-core machine. Wall clock per run: "
              + ", ".join(f"{k} {np.mean(v) / 60:.0f} min (n={len(v)})" for k, v in walls.items())
              + f"; total {sum(sum(v) for v in walls.values()) / 3600:.1f} process-hours.", ""]
        t0 = tr[0]
        if t0.get("train_samples") and t0.get("steps"):
            ep = t0["steps"] * t0["batch_size"] / t0["train_samples"]
            L += [f"That is {ep:.1f} epochs of the {t0['train_samples']}-frame training set; seed 000 §4.3 trains "
                  "30 epochs. Extrapolated linearly from the wall clocks above, 30 epochs would take "
                  + ", ".join(f"{k} {np.mean(v) * 30 / ep / 3600:.1f} h" for k, v in walls.items())
                  + " per run on this machine (an estimate, not a measurement).", ""]
    # one section of RESULTS.md (other commands own the others): headings one level down
    L[0] = "## " + L[0][2:] + " (issue 3, pipose-synth-v1)"
    text = "\n".join("#" + ln if ln.startswith("## ") and i > 0 else ln for i, ln in enumerate(L))
    update_md_section("study-v1", text, out_md)


SHIPPED = {"student": "pipose_student_kinect14.pt", "teacher": "pipose_teacher_kinect14.pt",
           "baseline": "pipose_rgb_baseline_kinect14.pt", "capsule_teacher": "pipose_teacher_capsule_kinect14.pt"}


def ship(plan_path: str | Path, results: str | Path, runs: str | Path, models: str | Path) -> dict:
    """Copy the best finished RGB student (lowest benchmark MPJPE among the student rows, the
    control excluded) and the baseline of the same seed into ``models/`` and rewrite the study
    section of ``models/MODEL_CARD.md`` from their measured numbers; the student's teacher run
    ships as ``pipose_teacher_capsule_kinect14.pt`` (the node's depth teacher comes from
    :func:`ship_teacher`).
    Returns {role: job}."""
    plan = load_plan(plan_path)
    rows = {r["name"]: r for r in plan["rows"]}
    res = {f.stem: json.loads(f.read_text()) for f in Path(results).glob("*.json")}
    cands = [m for m in res.values() if rows.get(m["row"], {}).get("kind") == "student"
             and m["row"] != "control" and (Path(runs) / f"{m['job']}.pt").exists()]
    if not cands:
        raise ValueError("no finished student run to ship")
    best = min(cands, key=lambda m: m["mpjpe_cm"])
    seed = best["seed"]
    chosen = {"student": best["job"], "teacher": f"{rows[best['row']]['teacher']}_s{seed}",
              "baseline": f"baseline_s{seed}"}
    configs = {}
    for role, job in chosen.items():
        if job not in res or not (Path(runs) / f"{job}.pt").exists():
            raise ValueError(f"{role} run {job} is not finished")
        if role == "teacher":  # since issue 9 the node's depth teacher comes from `pipose ship-teacher`;
            # the study's teacher ships under its own name, the student's teacher for fine-tuning
            configs[role] = _copy_with_eval(Path(runs) / f"{job}.pt", Path(models) / SHIPPED["capsule_teacher"], res[job])
            continue
        configs[role] = _copy_with_eval(Path(runs) / f"{job}.pt", Path(models) / SHIPPED[role], res[job])
    _write_card(Path(models) / "MODEL_CARD.md", {r: res[j] for r, j in chosen.items()}, rows, len(cands),
                configs["student"])
    return chosen


def _copy_with_eval(src: Path, dst: Path, m: dict) -> dict:
    """Copy a checkpoint, adding its benchmark metrics and study job to the training summary
    (plain types only, so it still loads with ``weights_only=True``). Returns its ``model``,
    ``spdh`` and ``input_size`` entries."""
    import torch

    ck = torch.load(src, map_location="cpu", weights_only=True)
    ck["training"]["eval"] = {k: float(m[k]) for k in METRICS}
    ck["training"]["eval"]["set"] = str(m.get("test_set", ""))
    ck["training"]["study_job"] = str(m["job"])
    torch.save(ck, dst)
    return {k: ck[k] for k in ("model", "spdh", "input_size")}


def _write_card(path: Path, m: dict, rows: dict, n_candidates: int, cfg: dict) -> None:
    t = m["student"]["training"]
    sp, (w, h) = cfg["spdh"], cfg["input_size"]
    camera = (f"canonical camera f_c = {sp['canonical_fx']:g} px, canonical depth bins" if sp.get("canonical_fx", 0) > 0
              else "metric depth bins")
    lines = [
        "## RGB student and baseline (issue 3 study, capsule people)", "",
        "Written by `pipose study ship` from the study's measured runs (`docs/runs/*.json`); do not edit by hand.", "",
        "| file | what | input | study run |", "|---|---|---|---|",
        f"| `{SHIPPED['student']}` | **RGB student** — {rows[m['student']['row']]['label']}; the node's default | RGB | `{m['student']['job']}` |",
        f"| `{SHIPPED['capsule_teacher']}` | the student's frozen **depth teacher** of the study (capsule people, "
        "whole image; for fine-tuning this student, docs/FINETUNE.md); the node's rgbd teacher is now the Anny "
        f"teacher above | depth | `{m['teacher']['job']}` |",
        f"| `{SHIPPED['baseline']}` | **RGB baseline**, F_rgb + SPDH head (the RGB-only row of seed 000 Table 1) | RGB | `{m['baseline']['job']}` |",
        "", f"The student is the best of {n_candidates} finished student runs of the study on the benchmark "
            "(lowest MPJPE; the RGB-teacher control is never shipped).", "",
        "Each file is self-contained (`pipose_ros/checkpoint.py`, loaded with `torch.load(..., weights_only=True)`): "
        f"architecture, joint names (KINECT14), input size {w}×{h}, SPDH geometry ({camera} "
        f"{sp['z_min']:g}–{sp['z_max']:g} m, σ {sp['sigma_mm']:g} mm), input normalisation and the training summary.", "",
        "### Architecture",
        f"SmallHRNet = timm `{cfg['model'].get('backbone', 'hrnet_w18_small')}` (`features_only`; the four branch "
        "outputs upsampled to stride 4 and "
        "concatenated, 240 channels), two-branch SPDH head (uv, uz; predictors at 1/4, 1/2, 1 of the input, "
        "residual transposed-convolution upsampling, summed). Student: "
        + ("F_rgb ‖ F_hall (two backbones). " if cfg["model"].get("use_rgb", True) else "F_hall only (one backbone). ")
        + "No pretrained weights exist here: everything is trained from scratch.", "",
        "### Data",
        "Synthetic only (`pipose_ros/data/synthetic.py`, stream 0, 4000 frames rendered at 192×144, letterboxed to "
        f"{w}×{h}): capsule humans over the whole pose range, cameras 1–5 m away with 50–80° fields of view, photo or "
        "procedural backgrounds, occluders, sensor-degraded 16-bit depth. Augmentation of seed 000 §4.3 (±5° "
        "rotation, 15 % / 2 % translation, flip with joint swap, colour jitter; ±30 cm Z shift for the teacher). "
        "**No real image was used for training.**", "",
        "### Training (measured)",
        f"Adam 1e-3, ×0.1 at 50 % and 75 %, batch {t.get('batch_size')}, {t.get('steps')} steps, on "
        f"{t.get('device')} ({t.get('machine')}). L_PE with foreground weight {t.get('fg_weight')}; "
        f"student: α = {t.get('alpha')}, L_PI {t.get('pi_kind')}{' with sigmoid' if t.get('pi_sigmoid') else ''}.", "",
        "| model | wall clock | L_PE start → end | L_PI end | train command |", "|---|---|---|---|---|"]
    for role in ("teacher", "baseline", "student"):
        tr = m[role]["training"]
        lines.append(f"| {role} | {tr.get('wall_clock_s', 0) / 60:.0f} min | {tr.get('initial_pe', 0):.0f} → "
                     f"{tr.get('final_pe', 0):.0f} | {tr.get('final_pi', 0):.3g} | `{m[role].get('train_command', '')}` |")
    lines += ["", f"### Metrics on the benchmark ({m['student'].get('test_set', '')})", "",
              "| model | MPJPE (cm) | mAP@6 / 8 / 10 (%) | PA-MPJPE (cm) | root-rel. MPJPE (cm) |", "|---|---|---|---|---|"]
    for role in ("teacher", "baseline", "student"):
        x = m[role]
        lines.append(f"| {role} | {x['mpjpe_cm']:.2f} | {x['map@6']:.1f} / {x['map@8']:.1f} / {x['map@10']:.1f} | "
                     f"{x['pa_mpjpe_cm']:.2f} | {x['rr_mpjpe_cm']:.2f} |")
    cases = list(m["student"].get("cases", {}))
    if cases:
        lines += ["", "By case (MPJPE cm): " + "; ".join(
            f"{c} — teacher {m['teacher']['cases'][c]['mpjpe_cm']:.0f}, baseline {m['baseline']['cases'][c]['mpjpe_cm']:.0f}, "
            f"student {m['student']['cases'][c]['mpjpe_cm']:.0f}" for c in cases if all(c in m[r]['cases'] for r in m))]
    lines += ["", "Multi-seed means, the variants and the control: `docs/RESULTS.md`. Speed: `docs/BENCHMARKS.md`.", "",
              "### Limitations — read before use",
              "- Short CPU training runs on synthetic capsule humans: far from converged and far from the paper's "
              "11–15 cm (seed 000). Errors grow with distance (see the cases above).",
              "- Not validated on real people. Look at `demo_out/astronaut.png` after `make demo` before trusting the "
              "skeleton on a real image, and fine-tune on recordings of your own scenes (docs/FINETUNE.md).",
              "- Single person per image (one SPDH map per joint)."]
    update_md_section("study", "\n".join(lines), path)


def _record_synth_v2(ck: dict, v2: dict, role: str) -> None:
    """Add a run's recorded pipose-synth-v2 numbers (``synth_v2.<role>_*`` of docs/results.json)
    to its checkpoint's training summary: all of them under ``eval_synth_v2``, the benchmark
    metrics under ``eval`` as `pipose study ship` records them."""
    ev = {k[len(role) + 1:]: v for k, v in v2.items()
          if k.startswith(role + "_") and isinstance(v, (int, float, str)) and v is not None}
    ck["training"]["eval"] = {"mpjpe_cm": ev.get("mpjpe_cm"), "map@6": ev.get("map6"), "map@8": ev.get("map8"),
                              "map@10": ev.get("map10"), "pa_mpjpe_cm": ev.get("pa_mpjpe_cm"),
                              "rr_mpjpe_cm": ev.get("rr_mpjpe_cm"),
                              "set": f"pipose-synth-v2 (fingerprint {ev.get('fingerprint')}), ground-truth boxes"}
    ck["training"]["eval_synth_v2"] = ev


def _decode_note(ck: dict) -> str:
    """The model card's sentence on a checkpoint's decoding choices (``decode``), or ''."""
    d = ck.get("decode") or {}
    if "relative_depth_gain" not in d:
        return ""
    sp = d.get("size_prior") or {}
    size = (f" Then the body-size prior with weight {sp['weight']:g} (`pipose_ros.spdh.apply_size_prior`: each skeleton "
            f"moved along its rays by (reference bone lengths / its own)^{sp['weight']:g}, the reference the median "
            f"bone lengths of the tuning folder's people; node parameter `size_prior_weight`)."
            if sp.get("weight") else "")
    return (f" Decoding: each skeleton's joint depths pulled towards its median with gain "
            f"{d['relative_depth_gain']:g} (`pipose_ros.spdh.shrink_relative_depth`; chosen by `pipose tune-decode` "
            f"on {Path(str(d.get('chosen_on', '?'))).name}, {d.get('date', '')}; node parameter `relative_depth_gain`)."
            + size)


def _backbone_lr(t: dict) -> str:
    """" (F_rgb / F_depth frozen)" / " (F_rgb / F_depth ×0.1)" from a training summary's
    ``backbone_lr`` (1 or absent: "")."""
    b = t.get("backbone_lr", 1.0)
    return "" if b == 1.0 else (" (F_rgb / F_depth frozen)" if b == 0 else f" (F_rgb / F_depth ×{b:g})")


def _keep_init_history(tr: dict) -> None:
    """A fine-tuned run (``training.init``) whose summary lacks ``init_training`` gets it from the
    ``--init`` file while that still exists — before shipping replaces it (e.g. a student
    fine-tuned from the shipped student); :func:`pipose_ros.train.config.init_history`."""
    import torch

    from .train.config import init_history

    init = tr.get("init")
    if not init or "init_training" in tr or not Path(init).is_file():
        return
    tr["init_training"] = init_history(torch.load(init, map_location="cpu", weights_only=True).get("training"))


def _prior_note(model_cfg: dict) -> str:
    """Card text for a model whose uv maps add BlazePose's own heatmaps (``uv_prior``)."""
    if not model_cfg.get("uv_prior"):
        return ""
    return (" (uv maps = BlazePose's own joint heatmaps from F_rgb, learnt on real photos, + the head's "
            "residual: `--uv-prior`, docs/BACKBONES.md)")


def _pi_note(model_cfg: dict) -> str:
    """Card words for the features L_PI compares (``distill_stage``, adaptation layer)."""
    if model_cfg.get("teacher_channels"):
        return f"through a 1×1 adaptation layer ({model_cfg['teacher_channels']} channels)"
    stage = model_cfg.get("distill_stage", "last")
    what = {"s4": "the stride-4 decoder features of both (48 channels, stage `s4`, without BlazePose's heatmap logits)",
            "mid": "the stride-16 features of both (stage `mid`)"}.get(stage, "the fused stride-4 embeddings of both")
    return f"on {what}, no adaptation layer"


def _init_note(role: str, tr: dict) -> str | None:
    """One line on the run a fine-tuned model started from (None for a run from scratch)."""
    from .train.config import init_chain

    if not tr.get("init_training"):
        return None
    chain = [p for p in init_chain(tr) if p]  # every earlier run, newest first
    runs = [f"{p.get('steps')} × {p.get('batch_size')} steps ({_epochs(p):.2f} epochs, lr {p.get('lr')}"
            f"{_backbone_lr(p)}{_lr_sym(p)}, {p.get('wall_clock_s', 0) / 60:.0f} min on {p.get('device')})" for p in chain]
    total = tr.get("steps", 0) + sum(p.get("steps", 0) for p in chain)
    return (f"- {role}: fine-tuned (`--init`) from a run of {runs[0]}"
            + "".join(f", itself fine-tuned from a run of {r}" for r in runs[1:]) + f"; total {total} steps.")


def _teacher_version(t: dict, models: str | Path) -> str:
    """Card words for which depth teacher a student learnt from: '' when its summary's
    ``teacher_sha256`` is the shipped teacher file's (or unrecorded), else the recorded note
    ``teacher_note`` or the digest, saying it is an earlier teacher than the one in ``models``."""
    from .backends import sha256

    digest, shipped = t.get("teacher_sha256"), Path(models) / SHIPPED["teacher"]
    if not digest or (shipped.is_file() and sha256(shipped) == digest):
        return ""
    return f" as it was then — {t.get('teacher_note') or 'sha256 ' + digest[:12]}, not the file shipped now"


def _lr_sym(t: dict) -> str:
    """", left/right-symmetric share W" from a training summary's ``lr_symmetric`` (0 or absent: "")."""
    return f", `--lr-symmetric {t['lr_symmetric']:g}`" if t.get("lr_symmetric") else ""


def _epochs(t: dict) -> float:
    """Epochs of a run from its training summary: steps × batch / training samples."""
    return t.get("steps", 0) * t.get("batch_size", 0) / max(1, t.get("train_samples", 1))


def _teacher_trunk(backbone: str | None) -> str:
    """The model card's words for a depth teacher's F_depth."""
    if backbone == "blazepose_full":
        return ("BlazePose GHUM full's pose-pretrained trunk, fine-tuned, reading depth as a 3-channel image "
                "(relief about the crop centre, distance, validity: `pipose_ros.model.backbones.depth_as_image`)")
    return f"timm `{backbone}`, from scratch"


def ship_teacher(run: str | Path, models: str | Path = "models", results_json: str | Path = "docs/results.json",
                 curves_png: str = "docs/teacher_anny_curves.png", card_only: bool = False) -> Path:
    """Ship a depth-teacher run (issue 9) as ``models/pipose_teacher_kinect14.pt`` — the node's
    rgbd-mode teacher — with its benchmark numbers from ``results_json`` (``synth_v2.teacher_*``,
    ``real_depth_frame.*``) added to its training summary, and write the teacher section of
    ``models/MODEL_CARD.md`` from the checkpoint and those numbers. ``card_only``: only the
    model-card section (``run`` is then usually the shipped file; nothing is copied). Raises
    ``ValueError`` when the run is not a teacher."""
    import torch

    ck = torch.load(run, map_location="cpu", weights_only=True)
    if ck.get("model", {}).get("kind") != "teacher":
        raise ValueError(f"{run} is not a depth teacher checkpoint")
    js = json.loads(Path(results_json).read_text()) if Path(results_json).exists() else {}
    v2, real = js.get("synth_v2", {}), js.get("real_depth_frame", {})
    dst = Path(models) / SHIPPED["teacher"]
    if not card_only:
        _record_synth_v2(ck, v2, "teacher")
        ck["training"]["eval_real_depth_frame"] = {k: real[k] for k in ("median_error_cm", "people_found",
                                                                        "people_detected") if k in real}
        torch.save(ck, dst)
    support = v2.get("teacher_min_depth_support")
    every = ("" if "teacher_every_skeleton_mpjpe_cm" not in v2 else
             f" Reporting every skeleton (depth support off): {v2['teacher_every_skeleton_mpjpe_cm']:.2f} cm, "
             f"{v2.get('teacher_every_skeleton_map10', float('nan')):.1f} %, "
             f"{v2.get('teacher_every_skeleton_misses')} misses.")
    t, sp, (w, h), crop = ck["training"], ck["spdh"], ck["input_size"], ck.get("crop") or {}
    val = t.get("validation") or {}
    chain = _init_note("teacher", t)
    sym = (f" {t['lr_symmetric'] * 100:g} % of L_PE takes each left/right pair with the cheaper assignment of its "
           "targets to its two maps (`--lr-symmetric`, `pipose_ros.train.losses.pose_loss`: the maps of a pair had "
           "collapsed onto one limb, docs/RESULTS.md session 25)." if t.get("lr_symmetric") else "")
    L = ["## Depth teacher (issue 9, Anny people)", "",
         "Written by `pipose ship-teacher` from the run's checkpoint and `docs/results.json`; do not edit by hand.", "",
         f"`{SHIPPED['teacher']}`: **depth teacher**, F_depth ({_teacher_trunk(ck['model'].get('backbone'))}) + "
         "SPDH head (seed 000 §3.1.1): the node's rgbd-mode teacher. Input: one person's **depth crop** "
         f"{w}×{h} — the person box grown {crop.get('scale')} (trained; {sum(crop.get('scale', [1.3, 1.3])) / 2:g} at run time), "
         "a virtual camera with K_crop = S·K (`pipose_ros/camera.py:CropView`); without a box the whole image is "
         f"one view. SPDH: canonical camera f_c = {sp['canonical_fx']:g} px, canonical depth bins "
         f"{sp['z_min']:g}–{sp['z_max']:g} m over {h} rows, σ {sp['sigma_mm']:g} mm." + _decode_note(ck), "",
         "### Data",
         f"{t.get('data')}: {t.get('train_samples')} person crops (≥ {crop.get('min_visible')} visible joints"
         + (f", ≥ {crop['min_depth_seen'] * 100:.0f} % of them seen in depth" if crop.get("min_depth_seen") else "")
         + "; box "
         f"scale {crop.get('scale')}, centre shift ±{crop.get('shift')}) of Anny scenes (`pipose data`, "
         "`pipose_ros/data/anny_scene.py`: 1–4 people at 0.8–7 m, furniture, robot-like cameras, sensor-degraded 16-bit "
         "depth, docs/SYNTHETIC.md). Augmentation: seed 000 §4.3 (±5°, 15 % / 2 % shift, flip with joint swap, ±30 cm "
         f"Z shift) and, in {t.get('bg_dropout', 0) * 100:.0f} % of samples, all depth off the person removed "
         "(outdoor sensors). **No real depth image was used for training.**", "",
         "### Training (measured)",
         f"Adam {t.get('lr')}, ×0.1 at 50 % and 75 %, batch {t.get('batch_size')}, {t.get('steps')} steps "
         f"({_epochs(t):.1f} epochs), {t.get('wall_clock_s', 0) / 60:.0f} min on {t.get('device')} ({t.get('machine')}), "
         f"L_PE {t.get('initial_pe', 0):.0f} → {t.get('final_pe', 0):.0f}.{sym} Learning curves: `{curves_png}`. "
         f"Last validation (480 held-out frames of stream 1, GT boxes): MPJPE {val.get('mpjpe_cm', float('nan')):.2f} cm, "
         f"mAP@10 {val.get('map@10', float('nan')):.1f} %.", *([chain] if chain else []), "",
         "### Metrics (docs/RESULTS.md)",
         f"- pipose-synth-v2 (3200 frames, GT boxes): MPJPE **{v2.get('teacher_mpjpe_cm', float('nan')):.2f} cm**, "
         f"mAP@10 **{v2.get('teacher_map10', float('nan')):.1f} %**, PA-MPJPE {v2.get('teacher_pa_mpjpe_cm', float('nan')):.2f} cm, "
         f"{v2.get('teacher_people')} people, {v2.get('teacher_misses')} misses, {v2.get('teacher_false_positives')} false "
         "positives" + (f" — a skeleton is reported when the measured depth shows ≥ {support:g} of its joints (the "
                        "node's `teacher_min_depth_support`)." if support is not None else ".") + every
         + " Target: ≤ 8 cm, ≥ 70 %.",
         f"- Real Kinect v2 frame (lmb-freiburg/rgbd-pose3d, MediaPipe boxes, pseudo ground truth): people found "
         f"{real.get('people_found')} of {real.get('people_detected')}, median joint error "
         f"**{real.get('median_error_cm')} cm**. Target: every person, ≤ 10 cm.", "",
         "### Limitations",
         "- Trained on synthetic depth only; the one real check is a single outdoor frame.",
         "- A person the depth image does not show (beyond the sensor's range) gets no skeleton from it "
         "(`teacher_min_depth_support`); in rgbd mode the node publishes the student's skeleton for them.",
         "- Needs a person box for scenes with several people or people far away (the person detector comes with "
         "issue 10); on a whole image it assumes one person filling much of it."]
    update_md_section("teacher", "\n".join(L), Path(models) / "MODEL_CARD.md", first=True)
    return dst


def ship_student(student_run: str | Path, baseline_run: str | Path | None = None, models: str | Path = "models",
                 results_json: str | Path = "docs/results.json", curves_png: str = "") -> list[Path]:
    """Ship an RGB student run (issue 10: pretrained backbone, person crops) as
    ``models/pipose_student_kinect14.pt`` — the node's default — and, when given, the RGB
    baseline run of the same recipe as ``models/pipose_rgb_baseline_kinect14.pt``, each with its
    measured numbers from ``results_json`` (``synth_v2.student_*`` / ``synth_v2.baseline_*``,
    ``real_2d.*``) added to the training summary — only numbers recorded for that very checkpoint
    (their ``*checkpoint`` key), others show as "—"; rewrites the RGB section of
    ``models/MODEL_CARD.md`` (replacing issue 3's study section, whose checkpoints these replace).
    Raises ``ValueError`` when a run is not of the expected kind."""
    import torch

    js = json.loads(Path(results_json).read_text()) if Path(results_json).exists() else {}
    v2, r2, real = dict(js.get("synth_v2", {})), js.get("real_2d", {}), js.get("real_depth_frame", {})

    def same(recorded, run) -> bool:  # a record without a checkpoint is taken as this run's
        return recorded is None or Path(str(recorded)).resolve() == Path(run).resolve()

    # numbers recorded for another checkpoint (an earlier run) are not this run's: left out ("—")
    for role, run in (("student", student_run), ("baseline", baseline_run)):
        if run is not None and not same(v2.get(f"{role}_checkpoint"), run):
            v2 = {k: v for k, v in v2.items() if not k.startswith(role + "_")}
    if not same(r2.get("checkpoint"), student_run):
        r2 = {}
    if not same(real.get("student_checkpoint"), student_run):
        real = {k: v for k, v in real.items() if not k.startswith("student_")}
    shipped, cks = [], {}
    for role, run in (("student", student_run), ("baseline", baseline_run)):
        if run is None:
            continue
        ck = torch.load(run, map_location="cpu", weights_only=True)
        if ck.get("model", {}).get("kind") != role:
            raise ValueError(f"{run} is not a {role} checkpoint")
        _record_synth_v2(ck, v2, role)
        _keep_init_history(ck["training"])
        if role == "student" and r2:
            ck["training"]["eval_real_2d"] = {k: r2[k] for k in ("pck02", "mediapipe_full_pck02", "people") if k in r2}
        dst = Path(models) / SHIPPED[role]
        torch.save(ck, dst)
        shipped.append(dst)
        cks[role] = ck
    ck = cks["student"]
    t, sp, (w, h), crop, mc = ck["training"], ck["spdh"], ck["input_size"], ck.get("crop") or {}, ck["model"]
    f = lambda v, fmt=".2f": "—" if v is None else format(v, fmt)  # noqa: E731
    L = ["## RGB student and baseline (issue 10: pretrained backbone, person crops, Anny people)", "",
         "Written by `pipose ship-student` from the runs' checkpoints and `docs/results.json`; do not edit by hand.", "",
         "| file | what | input |", "|---|---|---|",
         f"| `{SHIPPED['student']}` | **RGB student** F_rgb ‖ F_hall, both initialised from BlazePose GHUM "
         f"(`{mc.get('backbone')}`, docs/BACKBONES.md), + SPDH head; L_PE + L_PI from the Anny depth teacher "
         f"(`{t.get('teacher') or SHIPPED['teacher']}`{_teacher_version(t, models)}) {_pi_note(mc)}"
         f"{_prior_note(mc)}: the node's default | RGB crop |"]
    if "baseline" in cks:
        L.append(f"| `{SHIPPED['baseline']}` | **RGB baseline** F_rgb (same BlazePose init) + SPDH head"
                 f"{_prior_note(cks['baseline']['model'])}, L_PE only, same data and schedule | RGB crop |")
    L += ["", f"Input: one person's crop {w}×{h} — the person box grown {crop.get('scale')} in training "
          f"({sum(crop.get('scale', [1.3, 1.3])) / 2:g} at run time), a virtual camera K_crop = S·K; the node gets the "
          "boxes from BlazePose's person detector. SPDH: canonical camera f_c = "
          f"{sp['canonical_fx']:g} px, canonical depth {sp['z_min']:g}–{sp['z_max']:g} m, σ {sp['sigma_mm']:g} mm, "
          f"head stride {mc.get('head_stride')}." + _decode_note(ck), "",
          "### Data",
          f"{t.get('data')}: {t.get('train_samples')} person crops of Anny scenes (as the teacher's, docs/SYNTHETIC.md). "
          "Augmentation of seed 000 §4.3 (±5°, 15 % / 2 % shift, flip with joint swap, colour jitter). "
          "**No real image was used for training;** the real-image knowledge is BlazePose's pretraining "
          "(Apache-2.0, NOTICE).", "",
          "### Training (measured)",
          "| model | steps × batch | epochs | Adam lr (×0.1 at 50 %, 75 %) | wall clock | L_PE start → end | L_PI end | last validation MPJPE / mAP@10 |",
          "|---|---|---|---|---|---|---|---|"]
    for role, c in cks.items():
        tr, vv = c["training"], c["training"].get("validation") or {}
        L.append(f"| {role} | {tr.get('steps')} × {tr.get('batch_size')} | "
                 f"{_epochs(tr):.2f} | {tr.get('lr')}{_backbone_lr(tr)} | "
                 f"{tr.get('wall_clock_s', 0) / 60:.0f} min ({tr.get('device')}, {tr.get('machine')}) | "
                 f"{tr.get('initial_pe', 0):.0f} → {tr.get('final_pe', 0):.0f} | {tr.get('final_pi', 0):.3g} | "
                 f"{f(vv.get('mpjpe_cm'))} cm / {f(vv.get('map@10'), '.1f')} % |")
    L += [""] + [n for n in (_init_note(r, c["training"]) for r, c in cks.items()) if n]
    L += [f"- {r}: the last run's L_PE takes every labelled joint, also those out of the crop (`--pe-mask known`, "
          f"their uv maps weighted {c['training'].get('pe_out_weight', 1.0):g}): joints out of view get a low "
          "confidence, and the node hides joints under `joint_min_confidence` (docs/RESULTS.md, session 24)."
          for r, c in cks.items() if c["training"].get("pe_mask") == "known"]
    L += ["", f"Learning curves: `{curves_png}`." if curves_png else "", "", "### Metrics (docs/RESULTS.md)",
          "| model | pipose-synth-v2 MPJPE (GT boxes) | mAP@10 | PA-MPJPE | RR-MPJPE (root-relative) |",
          "|---|---|---|---|---|"]
    labels = {"teacher": "teacher (the shipped depth teacher, as recorded {date})",
              "baseline": "baseline (network alone)", "student": "student (network alone)",
              "student_size_prior": "student with the body-size prior of its file (the node's default)"}
    for role, label in labels.items():
        if role == "student_size_prior" and (role + "_mpjpe_cm" not in v2
                                             or not same(v2.get(role + "_checkpoint"), student_run)):
            continue  # recorded for this checkpoint only (pipose evaluate --record synth_v2.student_size_prior)
        L.append(f"| {label.format(date=v2.get(role + '_date', '?'))} | {f(v2.get(role + '_mpjpe_cm'))} cm | "
                 f"{f(v2.get(role + '_map10'), '.1f')} % | "
                 f"{f(v2.get(role + '_pa_mpjpe_cm'))} cm | {f(v2.get(role + '_rr_mpjpe_cm'))} cm |")
    L += ["", f"Real labelled photos (`pipose realcheck-2d`, {r2.get('people')} people, same boxes for every method): "
          f"PCK@0.2 student **{f(r2.get('pck02'), '.1f')} %**, MediaPipe Pose full {f(r2.get('mediapipe_full_pck02'), '.1f')} %. "
          "Targets (issue 10): synth-v2 MPJPE ≤ 12 cm; PCK@0.2 within 5 points of MediaPipe full.", "",
          f"Absolute 3D from RGB alone on the real Kinect v2 frame (`pipose realcheck-depth --student`): the neck's "
          f"distance from the camera against the depth-lifted pseudo ground truth, median relative error "
          f"**{f(real.get('student_root_rel_error_pct'), '.1f')} %** over {real.get('student_root_people')} people "
          "(target ≤ 15 %).", "",
          "### Limitations",
          "- A short CPU run (one seed): far from converged; the multi-seed PI table is not run (docs/RESULTS.md).",
          "- Crops only: without a person box the student sees the whole image as one crop, which is not how it was trained.",
          "- The absolute distance follows the person box's size as well as the person's (`pipose realcheck-depth "
          "--box-scales`, docs/RESULTS.md): a detector whose boxes are tighter or looser than the training crops "
          "(joint box × the scale range above) moves every body nearer or farther.",
          "- The person detector (BlazePose's) misses small and distant people; its windows cost time "
          "(docs/BACKBONES.md, docs/BENCHMARKS.md)."]
    update_md_section("study", "\n".join(x for x in L if x is not None), Path(models) / "MODEL_CARD.md")
    return shipped
