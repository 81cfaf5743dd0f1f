"""``pipose distill-demo``: the distillation loop on a robot of its own, measured (issue 13).

A "robot" domain that the shipped models never saw (:data:`pipose_ros.data.anny_scene.ROBOT`:
head camera at 1.05–1.25 m looking 8–20° down, 69° HFOV, dim warm light, plain walls, work
clothes of five colours, active-stereo depth) stands in for the user's robot. The loop is run as a
user would, every step a ``pipose`` command in its own process:

1. ``pipose data --domain robot`` renders the robot's "world" twice: the stream the camera will
   show, and a held-out test set with ground truth (other scenes, other seed);
2. ``pipose synthetic-camera --folder STREAM`` publishes the stream like a camera driver (colour,
   registered depth, both CameraInfos, /tf_static) and ``pipose record`` records it into an MCAP
   bag — no ground truth goes into the bag;
3. ``pipose dataset from-bag`` (every ``every``-th pair), then ``pipose label --teacher T --student S``:
   the depth teacher labels every detected person on their crop of the recorded depth, anchored to
   the measured depth, with the 2D of the student the loop starts from on the same crop (the
   teacher's 2D is its weak part; ``student_2d=False`` labels with the teacher alone);
4. ``pipose train student --data DS --crops --teacher T --init S --mix-data MIX``: L_PI against
   the frozen teacher's features of the same frame's depth plus L_PE against the teacher labels
   (masked joints left out), with ``mix_ratio`` of the samples from the training domain;
5. ``pipose evaluate`` before and after on the held-out robot frames (ground-truth person boxes),
   and again with the ground-plane prior of the robot's camera mount (``--floor``).

Controls, same data and steps: teacher labels without L_PI (``--alpha 0``), and MediaPipe labels
(``pipose label``, MediaPipe Pose 2D lifted with the recorded depth; needs ``make label-env``)
with L_PI; optionally (``combined``) teacher + MediaPipe labels (``--combine``) with L_PI. With the
student's 2D, the teacher's own labels (``--teacher`` alone) are also made and scored, not trained
on. The ground truth of the recorded stream is used only to score the labels afterwards.

Every step is resumable (a finished step leaves ``<work>/<step>.done.json`` with its seconds and
is skipped on the next run). :func:`write` puts the table into docs/FINETUNE.md and the
``robot_domain.*`` keys into docs/results.json.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ..assets import model_path

CLI = [sys.executable, "-m", "pipose_ros.cli"]


def _step(work: Path, name: str, fn) -> dict:
    """Run ``fn()`` once: its result and wall time are kept in ``work/name.done.json``."""
    done = work / f"{name}.done.json"
    if done.exists():
        return json.loads(done.read_text())
    t0 = time.perf_counter()
    print(f"== {name}", flush=True)
    out = fn() or {}
    out["seconds"] = round(time.perf_counter() - t0, 1)
    done.write_text(json.dumps(out, indent=1))
    print(f"== {name}: {out['seconds']} s", flush=True)
    return out


def _run(args: list[str], cwd: Path, log: Path) -> str:
    """One ``pipose`` command; its output goes to ``log``; raises ``RuntimeError`` if it fails."""
    with open(log, "a") as f:
        f.write(f"$ pipose {' '.join(map(str, args))}\n")
        f.flush()
        r = subprocess.run(CLI + [str(a) for a in args], cwd=cwd, stdout=subprocess.PIPE, stderr=f, text=True)
        f.write(r.stdout)
    if r.returncode != 0:
        raise RuntimeError(f"pipose {args[0]} failed (exit {r.returncode}), see {log}")
    return r.stdout


def _record(work: Path, stream: Path, rate: float, log: Path) -> dict:
    """The camera publishes the stream once while ``pipose record`` records it (Ctrl-C at the end)."""
    bag = work / "bag"
    if bag.exists():
        shutil.rmtree(bag)
    from ..data.folder import read_folder
    from .record import record_camera

    n = len(read_folder(stream)[1])  # each frame published once
    with open(log, "a") as f:
        stats, cam = record_camera(bag, ["--folder", stream, "--rate", rate, "--wait-subscribers", 60,
                                         "--gt", work / "stream_gt.jsonl", "--count", n], cwd=work, stderr=f,
                                   timeout=300)
    return {"published": cam["published"], "rate_hz": cam["rate_hz"], "written": stats["written"],
            "bag_mb": round(sum(p.stat().st_size for p in bag.iterdir()) / 1e6, 1)}


def label_error(folder: Path, gt_jsonl: Path, max_match_m: float = 0.5) -> dict:
    """Score the labels of a dataset folder made from the recorded bag against the stream's
    ground truth (matched by the image stamp; people matched by their hips' midpoint, Hungarian,
    within ``max_match_m``): mean error of the labelled joints (cm), the share of the GT's
    visible joints that got a label (%), people labelled / in the GT. Only for reporting: the
    loop itself never reads the ground truth."""
    from scipy.optimize import linear_sum_assignment

    from ..data.folder import frame_people, joints_from_json, read_folder
    from ..skeleton import KINECT14

    J = len(KINECT14)
    gt = {}
    for line in gt_jsonl.read_text().splitlines():
        d = json.loads(line)
        gt[d["stamp_ns"]] = [(joints_from_json(p["joints"], J), np.asarray(p["visible"], bool)) for p in d["people"]]
    _, recs = read_folder(folder)
    errs, visible_gt, labelled_gt, n_lab, n_gt, unmatched = [], 0, 0, 0, 0, 0
    hips = [KINECT14.names.index("left_hip"), KINECT14.names.index("right_hip")]
    for rec in recs:
        people = gt.get(rec.get("stamp_ns"), [])
        labs = [p for p in frame_people(rec, J) if np.isfinite(p["joints"]).all(1).any()]  # any joint labelled
        n_gt += sum(int(v.sum() >= 4) for _, v in people)
        n_lab += len(labs)
        visible_gt += sum(int(v.sum()) for _, v in people)
        if not people or not labs:
            unmatched += len(labs)
            continue
        C = np.full((len(labs), len(people)), 1e3)
        for i, lab in enumerate(labs):
            lj = lab["joints"]
            known = np.isfinite(lj).all(1)
            if not known.any():
                continue  # nothing labelled: stays unmatched
            a = lj[hips][known[hips]].mean(0) if known[hips].any() else lj[known].mean(0)
            for k, (g, _) in enumerate(people):
                gk = np.isfinite(g).all(1)
                if gk[hips].any():
                    C[i, k] = np.linalg.norm(a - g[hips][gk[hips]].mean(0))
        ri, ci = linear_sum_assignment(C)
        unmatched += len(labs) - int(sum(C[i, k] <= max_match_m for i, k in zip(ri, ci)))
        for i, k in zip(ri, ci):
            if C[i, k] > max_match_m:
                continue
            g, v = people[k]
            ok = np.isfinite(labs[i]["joints"]).all(1) & np.isfinite(g).all(1) & v
            labelled_gt += int(ok.sum())
            errs.extend(np.linalg.norm(labs[i]["joints"][ok] - g[ok], axis=1) * 100)
    e = np.asarray(errs)
    return {"label_error_cm": round(float(e.mean()), 2) if e.size else float("nan"),
            "label_median_cm": round(float(np.median(e)), 2) if e.size else float("nan"),
            "visible_joints_labelled_pct": round(100.0 * labelled_gt / max(visible_gt, 1), 1),
            "people_labelled": n_lab, "people_in_gt": n_gt, "labels_unmatched": unmatched}


def run(work: Path, frames: int = 1800, rate: float = 15.0, every: int = 3, test_frames: int = 400,
        steps: int = 300, mix_data: Path | None = None, mix_frames: int = 800, mix_ratio: float = 0.25,
        student: Path | None = None, teacher: Path | None = None, mediapipe: bool | None = None,
        batch_size: int = 16, width: int = 320, student_2d: bool = True, combined: bool = False) -> dict:
    """The whole loop (module docstring) in ``work``; returns every number it measured."""
    from ..label import mediapipe_python

    work.mkdir(parents=True, exist_ok=True)
    log = work / "log.txt"
    student = Path(student or model_path("pipose_student_kinect14.pt")).resolve()
    teacher_pt = Path(teacher or model_path("pipose_teacher_kinect14.pt")).resolve()
    onnx = lambda p: p.with_suffix(".onnx") if p.with_suffix(".onnx").exists() else p  # noqa: E731 (faster labels)
    teacher_label = onnx(teacher_pt)
    if mediapipe is None:
        mediapipe = mediapipe_python() is not None
    res: dict = {"config": {"frames": frames, "rate_hz": rate, "every": every, "test_frames": test_frames,
                            "steps": steps, "mix_ratio": mix_ratio, "batch_size": batch_size, "width": width,
                            "student": str(student), "teacher": str(teacher_pt), "student_2d": student_2d},
           "steps": {}}
    S = res["steps"]
    def data(out: Path, n: int, seed: int, dom: str) -> None:
        _run(["data", "--domain", dom, "--synthetic", n, "--data-seed", seed, "--out", out, "--width", width,
              "--workers", 2], work, log)
    S["render_stream"] = _step(work, "render_stream", lambda: data(work / "stream", frames, 4100, "robot"))
    S["render_test"] = _step(work, "render_test", lambda: data(work / "test", test_frames, 4200, "robot"))
    if mix_data is None:
        S["render_mix"] = _step(work, "render_mix", lambda: data(work / "mix", mix_frames, 4300, "train"))
        mix_data = work / "mix"
    S["record"] = _step(work, "record", lambda: _record(work, work / "stream", rate, log))
    S["from_bag"] = _step(work, "from_bag", lambda: {"out": _run(["dataset", "from-bag", work / "bag", work / "ds",
                                                                  "--every", every, "--overwrite"], work, log)[-400:]})
    # the camera's mount from the recording's depth (for the node's ground-plane prior)
    S["measure_floor"] = _step(work, "measure_floor", lambda: {
        "out": _run(["floor", work / "ds"], work, log)[-400:],
        "mount": json.loads((work / "ds" / "floor.json").read_text())["mount"]})

    def teacher_labels(out: str, extra: list):
        shutil.rmtree(work / out, ignore_errors=True)
        shutil.copytree(work / "ds", work / out)
        _run(["label", work / out, "--teacher", teacher_label, *extra], work, log)
        rep = json.loads((work / out / "label_report.json").read_text())
        return {"report": {k: rep.get(k) for k in ("frames", "frames_with_people", "people_detected", "people_kept",
                                                   "joints_kept", "joints_masked", "rejected", "confidence_histogram",
                                                   "anchor", "student_2d", "people_with_student_2d")},
                **label_error(work / out, work / "stream_gt.jsonl")}
    S["label_teacher"] = _step(work, "label_teacher",
                               lambda: teacher_labels("ds_teacher", ["--student", onnx(student)] if student_2d else []))
    if student_2d:  # the teacher's own labels, for the label table only
        S["label_teacher_alone"] = _step(work, "label_teacher_alone", lambda: teacher_labels("ds_teacher_alone", []))
    if mediapipe:
        def mp_labels():
            shutil.rmtree(work / "ds_mp", ignore_errors=True)
            shutil.copytree(work / "ds", work / "ds_mp")
            _run(["label", work / "ds_mp", "--json", work / "ds_mp_label.json"], work, log)
            rep = json.loads((work / "ds_mp_label.json").read_text())
            return {"report": rep, **label_error(work / "ds_mp", work / "stream_gt.jsonl")}
        S["label_mediapipe"] = _step(work, "label_mediapipe", mp_labels)

    def train(name: str, ds: str, alpha: float | None = None):
        args = ["train", "student", "--data", work / ds, "--crops", "--teacher", teacher_pt, "--init", student,
                "--mix-data", mix_data, "--mix-ratio", mix_ratio, "--steps", steps, "--batch-size", batch_size,
                "--out", work / f"{name}.pt", "--save-every", 50]
        if alpha is not None:
            args += ["--alpha", alpha]
        _run(args, work, log)
    S["train_teacher_pi"] = _step(work, "train_teacher_pi", lambda: train("after", "ds_teacher"))
    S["train_teacher_no_pi"] = _step(work, "train_teacher_no_pi", lambda: train("no_pi", "ds_teacher", 0.0))
    models = {"before": student, "after": work / "after.pt", "no_pi": work / "no_pi.pt"}
    if mediapipe:
        S["train_mediapipe"] = _step(work, "train_mediapipe", lambda: train("mp", "ds_mp"))
        models["mediapipe_labels"] = work / "mp.pt"
    if mediapipe and combined:
        def combined_labels():
            shutil.rmtree(work / "ds_combined", ignore_errors=True)
            shutil.copytree(work / "ds", work / "ds_combined")
            _run(["label", work / "ds_combined", "--teacher", teacher_label, "--combine"], work, log)
            rep = json.loads((work / "ds_combined" / "label_report.json").read_text())
            return {"report": {k: rep.get(k) for k in ("people_kept", "rejected", "combined_with_mediapipe")},
                    **label_error(work / "ds_combined", work / "stream_gt.jsonl")}
        S["label_combined"] = _step(work, "label_combined", combined_labels)
        S["train_combined"] = _step(work, "train_combined", lambda: train("combined", "ds_combined"))
        models["combined_labels"] = work / "combined.pt"

    def evaluate(out: str, keys: tuple, *extra):
        _run(["evaluate", *models.values(), "--data", work / "test", "--json", work / out,
              "--backend", "onnxruntime", *extra], work, log)
        ev = json.loads((work / out).read_text())
        return {name: {k: ev[str(p)].get(k) for k in keys} for name, p in models.items()}
    metrics = ("mpjpe_cm", "pa_mpjpe_cm", "rr_mpjpe_cm", "map@10")
    res["eval"] = _step(work, "evaluate_" + "_".join(models),  # (a new model set: evaluated again)
                        lambda: evaluate("eval.json", metrics + ("people", "matched")))
    # the same students with the ground-plane prior of the robot's camera mount
    res["eval_floor"] = _step(work, "evaluate_floor_" + "_".join(models),
                              lambda: evaluate("eval_floor.json", metrics, "--floor"))
    # … and with the one mount the loop measured from the recording (what a user without a URDF gets)
    res["eval_measured_floor"] = _step(work, "evaluate_measured_floor_" + "_".join(models), lambda: evaluate(
        "eval_measured_floor.json", metrics, "--floor", "--floor-mount", work / "ds" / "floor.json"))
    return res


def write(res: dict, out_md: str = "docs/FINETUNE.md", out_json: str = "docs/results.json") -> None:
    """The ``distill`` section of ``out_md`` and ``robot_domain.*`` in ``out_json``."""
    from ..report import machine, today, update_json, update_md_section

    ev, S, c = res["eval"], res["steps"], res["config"]
    fl = {k: v for k, v in (res.get("eval_floor") or {}).items() if isinstance(v, dict)}  # (less "seconds")
    mfl = {k: v for k, v in (res.get("eval_measured_floor") or {}).items() if isinstance(v, dict)}
    mount = (S.get("measure_floor") or {}).get("mount")
    before = ev["before"]["mpjpe_cm"]
    tl = "teacher labels (student's 2D)" if c.get("student_2d") else "teacher labels"
    rows = [("before the loop (shipped student)", "before"), (f"{tl} + L_PI (the loop)", "after"),
            (f"{tl}, no L_PI (α = 0)", "no_pi"), ("MediaPipe labels + L_PI", "mediapipe_labels"),
            ("teacher + MediaPipe labels (`--combine`) + L_PI", "combined_labels")]
    L = ["## Measured: the loop on a robot of its own (`pipose distill-demo`)", "",
         f"{today()}, {machine()}. Robot domain: `pipose_ros.data.anny_scene.ROBOT` (head camera 1.05–1.25 m, "
         f"pitch −20…−8°, 69° HFOV, 640×480 rendered {c['width']} px wide, dim warm light, plain walls, work "
         "clothes of five colours, active-stereo depth; 1–2 people at 1–4.5 m) — none of it seen in training. "
         f"Stream: {c['frames']} frames published at {c['rate_hz']:g} Hz "
         f"({c['frames'] / c['rate_hz'] / 60:.1f} min) and recorded; every {c['every']}rd pair labelled; "
         f"{c['steps']} steps of batch {c['batch_size']} per run from the shipped student, {c['mix_ratio']:.0%} "
         "of the samples from training-domain renders. Test: "
         f"{c['test_frames']} held-out robot-domain frames with ground truth, ground-truth person boxes.", "",
         "| student | MPJPE (cm) | PA-MPJPE (cm) | root-rel. MPJPE (cm) | mAP@10 | vs before |"
         + (" MPJPE with the floor prior (cm) |" if fl else "")
         + (" MPJPE with the floor measured from the recording (cm) |" if mfl else ""),
         "|---|---|---|---|---|---|" + ("---|" if fl else "") + ("---|" if mfl else "")]
    for label, k in rows:
        if k == "combined_labels" and k not in ev and "label_combined" not in S:
            continue  # not asked for (``combined``)
        if k in ev:
            m = ev[k]
            L.append(f"| {label} | {m['mpjpe_cm']:.1f} | {m['pa_mpjpe_cm']:.1f} | {m['rr_mpjpe_cm']:.1f} | "
                     f"{m['map@10']:.1f} | {100 * (m['mpjpe_cm'] - before) / before:+.0f} % |"
                     + (f" {fl[k]['mpjpe_cm']:.1f} |" if k in fl else "")
                     + (f" {mfl[k]['mpjpe_cm']:.1f} |" if k in mfl else ""))
        else:
            L.append(f"| {label} | not run (MediaPipe not installed: `make label-env`) | | | | |")
    if fl:
        L += ["", "Column \"with the floor prior\": the same students with the node's ground-plane prior (`floor_camera_height`, "
              "`floor_camera_pitch` set to each test frame's camera mount; `pipose evaluate --floor`, "
              "`pipose_ros.floor`): each person's distance fused with the one that puts a visible ankle on the floor."]
    if mfl and mount:
        L += ["", "Column \"measured from the recording\": the same prior with *one* mount for every test frame, measured by `pipose floor` "
              "from the recording's depth (no ground truth): camera "
              f"{mount['height_m']:.3f} m above the floor, pitch {mount['pitch_deg']:.1f}°, roll "
              f"{mount['roll_deg']:.1f}°, angular uncertainty {mount['angle_sigma_deg']:.1f}° (the frames' spread: "
              "this robot's head camera tilts by −20…−8° from frame to frame; a fixed camera's spread is far "
              "smaller) — what a user without a URDF gets by setting the `floor_params.yaml` it writes "
              "(`pipose evaluate --floor --floor-mount ds/floor.json`)."]
    L += ["", "| labels (scored against the stream's ground truth afterwards) | people labelled / in GT | "
          "visible GT joints labelled | mean error (cm) | median (cm) |", "|---|---|---|---|---|"]
    for name, k in (("depth teacher + the student's 2D, anchored (`pipose label --teacher T --student S`; the loop's)"
                     if c.get("student_2d") else "depth teacher, anchored (`pipose label --teacher`)", "label_teacher"),
                    ("depth teacher alone, anchored (`pipose label --teacher`)", "label_teacher_alone"),
                    ("MediaPipe + depth (`pipose label`)", "label_mediapipe"),
                    ("teacher + MediaPipe (`pipose label --teacher --combine`)", "label_combined")):
        if k in S:
            s = S[k]
            L.append(f"| {name} | {s['people_labelled']} / {s['people_in_gt']} | {s['visible_joints_labelled_pct']} % | "
                     f"{s['label_error_cm']} | {s['label_median_cm']} |")
    L += ["", "Time per step here: " + ", ".join(f"{k} {v['seconds']:.0f} s" for k, v in S.items())
          + f", evaluate {ev.get('seconds', 0):.0f} s; the whole loop "
          f"{(sum(v['seconds'] for v in S.values()) + ev.get('seconds', 0)) / 60:.0f} min."]
    after = ev["after"]["mpjpe_cm"]
    met = after <= 0.7 * before and all(after < ev[k]["mpjpe_cm"] for k in ("no_pi", "mediapipe_labels") if k in ev)
    L += ["", f"Target (issue 13): MPJPE at least 30 % lower than before ({0.7 * before:.1f} cm) and lower than "
          f"with MediaPipe labels and without L_PI: **{'met' if met else 'not met'}** (after: {after:.1f} cm)."]
    if "after" in mfl and "before" in mfl:
        a, b = mfl["after"]["mpjpe_cm"], mfl["before"]["mpjpe_cm"]
        L += ["", f"What the loop gives a user as a whole — the student it distils and the mount it measures — is "
              f"{a:.1f} cm against {before:.1f} before ({100 * (a - before) / before:+.0f} %); "
              f"{'nearly all' if abs(b - a) < 0.5 * abs(before - a) else 'part'} of that comes from the measured "
              f"floor (the shipped student with it: {b:.1f} cm), which is not what the target measures."]
    update_md_section("distill", "\n".join(L), out_md)
    upd = {"robot_domain.before_mpjpe_cm": round(before, 2), "robot_domain.after_mpjpe_cm": round(after, 2),
           "robot_domain.no_pi_mpjpe_cm": round(ev["no_pi"]["mpjpe_cm"], 2),
           "robot_domain.mediapipe_labels_mpjpe_cm": (round(ev["mediapipe_labels"]["mpjpe_cm"], 2)
                                                      if "mediapipe_labels" in ev else None),
           "robot_domain.date": today(), "robot_domain.machine": machine(), "robot_domain.config": c,
           "robot_domain.label_teacher": {k: v for k, v in S["label_teacher"].items() if k != "report"},
           "robot_domain.seconds": {**{k: v["seconds"] for k, v in S.items()}, "evaluate": ev.get("seconds")}}
    for k in ("label_mediapipe", "label_combined", "label_teacher_alone"):
        if k in S:
            upd[f"robot_domain.{k}"] = {a: v for a, v in S[k].items() if a != "report"}
    if fl:
        upd["robot_domain.floor_prior_mpjpe_cm"] = {k: round(v["mpjpe_cm"], 2) for k, v in fl.items()}
    if mfl:
        upd["robot_domain.measured_floor_mpjpe_cm"] = {k: round(v["mpjpe_cm"], 2) for k, v in mfl.items()}
        upd["robot_domain.measured_mount"] = mount
    if "combined_labels" in ev:
        upd["robot_domain.combined_labels_mpjpe_cm"] = round(ev["combined_labels"]["mpjpe_cm"], 2)
    update_json(upd, out_json)


def add_args(p) -> None:
    """The ``pipose distill-demo`` options."""
    p.add_argument("--work", type=Path, default=Path.home() / ".cache" / "pipose_ros" / "distill-demo",
                   help="work folder (resumable: finished steps are skipped)")
    p.add_argument("--frames", type=int, default=1800, help="frames of the recorded stream (default: 2 min at 15 Hz)")
    p.add_argument("--rate", type=float, default=15.0)
    p.add_argument("--every", type=int, default=3, help="keep every n-th recorded pair")
    p.add_argument("--test-frames", type=int, default=400)
    p.add_argument("--steps", type=int, default=300, help="training steps per run")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--mix-data", type=Path, help="training-domain folder to mix in (default: render --mix-frames)")
    p.add_argument("--mix-frames", type=int, default=800)
    p.add_argument("--mix-ratio", type=float, default=0.25)
    p.add_argument("--student", type=Path, help="student to start from (default: the shipped one)")
    p.add_argument("--teacher", type=Path, help="depth teacher .pt (default: the shipped one; its .onnx labels)")
    p.add_argument("--no-mediapipe", action="store_true", help="skip the MediaPipe-labels control")
    p.add_argument("--teacher-2d", action="store_true",
                   help="label with the teacher alone (default: the teacher's depth with the student's 2D)")
    p.add_argument("--combined", action="store_true",
                   help="also the teacher + MediaPipe labels row (--combine; about 25 min more)")
    p.add_argument("--no-record", action="store_true", help="do not write docs/FINETUNE.md and docs/results.json")
