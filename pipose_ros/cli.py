"""``pipose``: one command with subcommands (train, evaluate, data, spdh-roundtrip, demo, ...)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

DEFAULT_CACHE = Path.home() / ".cache" / "pipose_ros"


def _add_data_args(p: argparse.ArgumentParser, n_default: int, seed_default: int) -> None:
    p.add_argument("--synthetic", type=int, default=n_default, metavar="N",
                   help="number of synthetic RGB-D frames (default %(default)s)")
    p.add_argument("--data-seed", type=int, default=seed_default,
                   help="synthetic stream seed (default %(default)s)")
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="cache folder for rendered data")
    p.add_argument("--size", type=int, nargs=2, default=(128, 96), metavar=("W", "H"),
                   help="network input size, multiples of 32 (default 128 96)")


def _data(args):
    from .data.dataset import synthetic_set
    return synthetic_set(args.data_seed, args.synthetic, net_wh=tuple(args.size), cache_dir=args.cache)


def cmd_train(args) -> int:
    from .checkpoint import load_checkpoint, save_checkpoint
    from .data.dataset import normalisation
    from .model import ModelConfig
    from .skeleton import KINECT14
    from .spdh import SPDHConfig
    from .train.trainer import TrainConfig, train

    data = _data(args)
    spdh = SPDHConfig(width=args.size[0], height=args.size[1], sigma_mm=args.sigma_mm)
    mcfg = ModelConfig(kind=args.kind, backbone=args.backbone, use_rgb=not args.hall_only,
                       distill_stage=args.distill_stage)
    tcfg = TrainConfig(steps=args.steps, batch_size=args.batch_size, lr=args.lr, alpha=args.alpha,
                       alpha_ramp=args.alpha_ramp, fg_weight=args.fg_weight, pi_kind=args.pi_loss, pi_sigmoid=args.pi_sigmoid,
                       seed=args.seed, workers=args.workers)
    teacher = init = None
    if args.kind == "student":
        if not args.teacher:
            print("pipose train student: --teacher CHECKPOINT is required", file=sys.stderr)
            return 2
        teacher, _ = load_checkpoint(args.teacher)
    if args.init:
        init, _ = load_checkpoint(args.init)
    model, summary = train(args.kind, data, mcfg, spdh, tcfg, teacher=teacher, init=init,
                           device=args.device)
    summary["data"] = f"synthetic seed {args.data_seed}, {args.synthetic} frames, {args.size[0]}x{args.size[1]}"
    if args.teacher:
        summary["teacher"] = str(args.teacher)
    if args.eval_synthetic:
        from .data.dataset import synthetic_set
        from .train.trainer import evaluate
        test = synthetic_set(args.eval_seed, args.eval_synthetic, net_wh=tuple(args.size), cache_dir=args.cache)
        summary["eval"] = {k: v for k, v in evaluate(model, args.kind, test, spdh).items() if k != "per_joint_cm"}
        summary["eval"]["set"] = f"synthetic seed {args.eval_seed}, {args.eval_synthetic} frames"
        print(json.dumps(summary["eval"], indent=1))
    save_checkpoint(args.out, model, mcfg, spdh, list(KINECT14.names), normalisation(), summary)
    print(f"saved {args.out}")
    return 0


def cmd_evaluate(args) -> int:
    from .checkpoint import load_checkpoint
    from .train.trainer import evaluate

    data = _data(args)
    rows = {}
    for ck in args.checkpoints:
        model, meta = load_checkpoint(ck)
        m = evaluate(model, meta["model"]["kind"], data, meta["spdh_config"], refine=not args.no_refine)
        rows[str(ck)] = m
        print(f"{ck}: MPJPE {m['mpjpe_cm']:.2f} cm  mAP@6/8/10 {m['map@6']:.1f}/{m['map@8']:.1f}/"
              f"{m['map@10']:.1f}  PA-MPJPE {m['pa_mpjpe_cm']:.2f}  RR-MPJPE {m['rr_mpjpe_cm']:.2f}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


def cmd_results(args) -> int:
    """Evaluate teacher / baseline / student on the held-out set and write RESULTS.md + json."""
    import datetime
    import platform

    from .checkpoint import load_checkpoint
    from .train.trainer import evaluate

    data = _data(args)
    rows = []
    for label, ck in (("Depth teacher (F_depth)", args.teacher), ("RGB baseline (F_rgb)", args.baseline),
                      ("RGB student (F_rgb ‖ F_hall, depth PI)", args.student)):
        model, meta = load_checkpoint(ck)
        m = evaluate(model, meta["model"]["kind"], data, meta["spdh_config"])
        rows.append((label, str(ck), meta, m))
        print(f"{label}: MPJPE {m['mpjpe_cm']:.2f} cm, mAP@10 {m['map@10']:.1f} %")
    t, b, st = (r[3]["mpjpe_cm"] for r in rows)
    gap = (b - st) / (b - t) * 100 if b != t else float("nan")
    when = datetime.date.today().isoformat()
    machine = f"{platform.machine()}, {os.cpu_count()} CPU cores, no GPU" if not _cuda() else "CUDA GPU"
    lines = [
        "# Results", "",
        f"Held-out synthetic test set: stream seed {args.data_seed}, {args.synthetic} frames at "
        f"{args.size[0]}x{args.size[1]} (never trained on; training uses seed 0). Joints counted: those "
        "projecting inside the image. Absolute 3D error in the camera optical frame.", "",
        f"Produced on {when} ({machine}) by:", "",
        "```",
        f"pipose results --synthetic {args.synthetic} --data-seed {args.data_seed}   # or: make results",
        "```", "",
        "| Model | checkpoint | MPJPE (cm) ↓ | mAP@6 ↑ | mAP@8 ↑ | mAP@10 ↑ | PA-MPJPE (cm) | root-rel. MPJPE (cm) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, ck, meta, m in rows:
        lines.append(f"| {label} | `{Path(ck).name}` | {m['mpjpe_cm']:.2f} | {m['map@6']:.1f} | {m['map@8']:.1f} | "
                     f"{m['map@10']:.1f} | {m['pa_mpjpe_cm']:.2f} | {m['rr_mpjpe_cm']:.2f} |")
    lines += ["", f"Share of the RGB→depth MPJPE gap closed by the student: "
                  f"(baseline − student) / (baseline − teacher) = {gap:.0f} % (paper, seed 000: 67 %).", "",
              "One training seed per row, short CPU runs (below): run-to-run spread is not measured yet, "
              "so a difference of a few cm between baseline and student is not evidence either way. "
              "The multi-seed study with the seed 001/003 variants and the RGB-teacher control is issue 3.", "",
              "Training of each row (from the checkpoints' summaries):", ""]
    for label, ck, meta, m in rows:
        tr = meta["training"]
        lines.append(f"- {label}: {tr.get('steps')} steps × batch {tr.get('batch_size')}, "
                     f"{tr.get('wall_clock_s')} s on {tr.get('device')}, data: {tr.get('data')}, "
                     f"alpha {tr.get('alpha')}, fg_weight {tr.get('fg_weight')}, seed {tr.get('seed')}.")
    lines += ["", "Per-joint MPJPE (cm):", "",
              "| joint | " + " | ".join(r[0].split(" (")[0] for r in rows) + " |",
              "|---|" + "---|" * len(rows)]
    from .skeleton import KINECT14
    for j, n in enumerate(KINECT14.names):
        lines.append(f"| {n} | " + " | ".join(f"{r[3]['per_joint_cm'][j]:.1f}" for r in rows) + " |")
    import numpy as np

    from .spdh import roundtrip_error_mm
    sc = rows[2][2]["spdh_config"]
    lines += ["", f"SPDH encode→decode round trip on the shipped grid ({sc.width}×{sc.height}, σ {sc.sigma_mm:g} mm, "
                  f"depth bins {sc.z_min}–{sc.z_max} m, ΔZ {sc.dz * 1000:.0f} mm; 5000 random in-view joints):", ""]
    for refine in (False, True):
        e = roundtrip_error_mm(sc, n=5000, refine=refine)
        lines.append(f"- {'soft-argmax (radius 3, used)' if refine else 'integer argmax (reference code)'}: "
                     f"mean {e.mean():.2f} mm, p95 {np.percentile(e, 95):.2f} mm")
    Path(args.out_md).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out_md).write_text("\n".join(lines) + "\n")
    js = {"date": when, "machine": machine, "test_set": {"seed": args.data_seed, "frames": args.synthetic,
                                                        "size": list(args.size)},
          "teacher_mpjpe_cm": t, "baseline_mpjpe_cm": b, "student_mpjpe_cm": st, "gap_closed_pct": gap,
          "rows": {r[0]: {"checkpoint": r[1], **r[3]} for r in rows}}
    for key, r in zip(("teacher", "baseline", "student"), rows):
        for tau in (6, 8, 10):
            js[f"{key}_map{tau}"] = r[3][f"map@{tau}"]
    Path(args.out_json).write_text(json.dumps(js, indent=1))
    print(f"wrote {args.out_md} and {args.out_json}")
    return 0


def _cuda() -> bool:
    import torch
    return torch.cuda.is_available()


def cmd_benchmark(args) -> int:
    """Time PoseEstimator.estimate on a 640x480 frame; write docs/BENCHMARKS.md."""
    import datetime
    import platform
    import time

    import numpy as np
    import torch

    from .camera import intrinsics_from_fov
    from .estimator import PoseEstimator

    K = intrinsics_from_fov(640, 480, 60)
    rgb = np.random.default_rng(0).integers(0, 255, (480, 640, 3), np.uint8)
    depth = np.full((480, 640), 2.5, np.float32)
    res = []
    for ck in args.checkpoints:
        est = PoseEstimator.from_checkpoint(ck, device=args.device, min_confidence=0.0)
        f = est.estimate_depth if est.kind == "teacher" else est.estimate
        x = depth if est.kind == "teacher" else rgb
        for _ in range(5):
            f(x, K)
        ts = []
        for _ in range(args.n):
            t0 = time.perf_counter()
            f(x, K)
            ts.append((time.perf_counter() - t0) * 1000)
        ts = np.array(ts)
        params = sum(p.numel() for p in est.model.parameters()) / 1e6
        res.append((Path(ck).name, est.kind, params, np.median(ts), np.percentile(ts, 95), str(est.device)))
        print(f"{ck}: p50 {np.median(ts):.1f} ms, p95 {np.percentile(ts, 95):.1f} ms ({est.device})")
    lines = ["# Benchmarks", "",
             f"`PoseEstimator` end to end (letterbox 640×480 → 128×96, network, SPDH decode) on one "
             f"frame at a time; {args.n} timed runs after 5 warm-up runs. Measured {datetime.date.today()} on "
             f"{platform.machine()} with {os.cpu_count()} CPU cores, torch {torch.__version__}, "
             f"{torch.get_num_threads()} threads, no GPU. Re-run: `pipose benchmark` (or `make benchmark`).", "",
             "| checkpoint | kind | params (M) | p50 (ms) | p95 (ms) | device |", "|---|---|---|---|---|---|"]
    lines += [f"| `{a}` | {b} | {c:.2f} | {d:.1f} | {e:.1f} | {f} |" for a, b, c, d, e, f in res]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    old = Path(args.out).read_text() if Path(args.out).exists() else ""
    extra = old.split("<!-- end of pipose benchmark -->", 1)[1] if "<!-- end of pipose benchmark -->" in old else ""
    Path(args.out).write_text("\n".join(lines) + "\n<!-- end of pipose benchmark -->" + extra)
    return 0


def cmd_data(args) -> int:
    d = _data(args)
    print(f"{len(d)} frames, {d.in_image.mean() * 100:.1f} % joints in image, cached in {args.cache}")
    return 0


def cmd_spdh_roundtrip(args) -> int:
    import numpy as np

    from .spdh import SPDHConfig, roundtrip_error_mm
    cfg = SPDHConfig(width=args.size[0], height=args.size[1], sigma_mm=args.sigma_mm)
    for refine in (False, True):
        e = roundtrip_error_mm(cfg, n=args.n, refine=refine)
        print(f"{'soft-argmax' if refine else 'integer argmax'}: mean {e.mean():.2f} mm, "
              f"p95 {np.percentile(e, 95):.2f} mm, max {e.max():.2f} mm (n={args.n}, grid {cfg.width}x{cfg.height}, "
              f"sigma {cfg.sigma_mm:g} mm)")
    return 0


def cmd_demo(args) -> int:
    from .ros.demo import run
    s = run(args.out, rate=args.rate, seconds=args.seconds, n_synth=args.synthetic,
            checkpoint=args.checkpoint, teacher=args.teacher)
    ok = all(s.get(k, {}).get("frames_out", 0) > 0 for k in ("astronaut", "camera", "synthetic_rgbd"))
    ok &= s.get("rgb_node_exit_code") == 0 and s.get("rgbd_node_exit_code") == 0
    if not ok:
        print("demo FAILED: the node produced no output for an input or did not exit cleanly", file=sys.stderr)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="pipose", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)

    t = sub.add_parser("train", help="train the depth teacher, RGB student or RGB baseline")
    t.add_argument("kind", choices=["teacher", "student", "baseline"])
    _add_data_args(t, 4000, 0)
    t.add_argument("--out", type=Path, required=True, help="checkpoint to write")
    t.add_argument("--teacher", type=Path, help="frozen depth teacher checkpoint (student)")
    t.add_argument("--init", type=Path, help="initialise matching weights from this checkpoint")
    t.add_argument("--backbone", default="hrnet_w18_small", choices=["hrnet_w18_small", "hrnet_w18_small_v2"])
    t.add_argument("--hall-only", action="store_true", help="student without F_rgb (F_hall only)")
    t.add_argument("--distill-stage", default="last", choices=["last", "mid"])
    t.add_argument("--steps", type=int, default=800)
    t.add_argument("--sigma-mm", type=float, default=100.0,
                   help="SPDH Gaussian sigma, mm (seed 000: 50; 100 learns faster at 128x96)")
    t.add_argument("--batch-size", type=int, default=16)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--alpha", type=float, default=1.0, help="L_PI weight")
    t.add_argument("--fg-weight", type=float, default=20.0,
                   help="L_PE foreground weight, 1 + w*H_gt per pixel (0 = seed 000 plain MSE)")
    t.add_argument("--alpha-ramp", type=float, default=0.0, help="fraction of steps to ramp alpha up")
    t.add_argument("--pi-loss", default="l2", choices=["l2", "huber"])
    t.add_argument("--pi-sigmoid", action="store_true")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--workers", type=int, default=0)
    t.add_argument("--device", default="auto")
    t.add_argument("--eval-synthetic", type=int, default=0, metavar="N", help="evaluate on N held-out frames")
    t.add_argument("--eval-seed", type=int, default=1000)
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("evaluate", help="MPJPE / mAP@6,8,10 / PA-MPJPE of checkpoints on held-out data")
    _add_data_args(e, 500, 1000)
    e.add_argument("checkpoints", nargs="+", type=Path)
    e.add_argument("--json", type=Path, help="write all metrics here")
    e.add_argument("--no-refine", action="store_true", help="integer-argmax decoding")
    e.set_defaults(func=cmd_evaluate)

    d = sub.add_parser("data", help="render (and cache) a synthetic RGB-D set")
    _add_data_args(d, 4000, 0)
    d.set_defaults(func=cmd_data)

    r = sub.add_parser("spdh-roundtrip", help="measure the SPDH encode→decode error")
    r.add_argument("--n", type=int, default=5000)
    r.add_argument("--size", type=int, nargs=2, default=(128, 96), metavar=("W", "H"))
    r.add_argument("--sigma-mm", type=float, default=100.0, help="Gaussian sigma (shipped models: 100)")
    r.set_defaults(func=cmd_spdh_roundtrip)

    dm = sub.add_parser("demo", help="the main job: pose_node live over DDS on real photos + synthetic RGB-D")
    dm.add_argument("--out", type=Path, default=Path("demo_out"))
    dm.add_argument("--rate", type=float, default=15.0, help="publish rate, Hz")
    dm.add_argument("--seconds", type=float, default=4.0, help="seconds per photo")
    dm.add_argument("--synthetic", type=int, default=40, help="frames of the synthetic RGB-D sequence")
    dm.add_argument("--checkpoint", default="", help="student checkpoint (default: shipped)")
    dm.add_argument("--teacher", default="", help="teacher checkpoint (default: shipped)")
    dm.set_defaults(func=cmd_demo)

    rs = sub.add_parser("results", help="write docs/RESULTS.md + docs/results.json for the shipped models")
    _add_data_args(rs, 500, 1000)
    rs.add_argument("--teacher", type=Path, default=Path("models/pipose_teacher_kinect14.pt"))
    rs.add_argument("--baseline", type=Path, default=Path("models/pipose_rgb_baseline_kinect14.pt"))
    rs.add_argument("--student", type=Path, default=Path("models/pipose_student_kinect14.pt"))
    rs.add_argument("--out-md", type=Path, default=Path("docs/RESULTS.md"))
    rs.add_argument("--out-json", type=Path, default=Path("docs/results.json"))
    rs.set_defaults(func=cmd_results)

    bm = sub.add_parser("benchmark", help="time the estimator, write docs/BENCHMARKS.md")
    bm.add_argument("checkpoints", nargs="*", type=Path, default=[
        Path("models/pipose_student_kinect14.pt"), Path("models/pipose_rgb_baseline_kinect14.pt"),
        Path("models/pipose_teacher_kinect14.pt")])
    bm.add_argument("--n", type=int, default=100)
    bm.add_argument("--device", default="auto")
    bm.add_argument("--out", type=Path, default=Path("docs/BENCHMARKS.md"))
    bm.set_defaults(func=cmd_benchmark)

    args = ap.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
