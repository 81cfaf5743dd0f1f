"""``pipose``: one command with subcommands (train, evaluate, data, spdh-roundtrip, demo, ...)."""

from __future__ import annotations

import argparse
import json
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


def cmd_data(args) -> int:
    d = _data(args)
    print(f"{len(d)} frames, {d.in_image.mean() * 100:.1f} % joints in image, cached in {args.cache}")
    return 0


def cmd_spdh_roundtrip(args) -> int:
    import numpy as np

    from .spdh import SPDHConfig, roundtrip_error_mm
    cfg = SPDHConfig(width=args.size[0], height=args.size[1])
    for refine in (False, True):
        e = roundtrip_error_mm(cfg, n=args.n, refine=refine)
        print(f"{'soft-argmax' if refine else 'integer argmax'}: mean {e.mean():.2f} mm, "
              f"p95 {np.percentile(e, 95):.2f} mm, max {e.max():.2f} mm (n={args.n}, grid {cfg.width}x{cfg.height})")
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
    r.set_defaults(func=cmd_spdh_roundtrip)

    dm = sub.add_parser("demo", help="the main job: pose_node live over DDS on real photos + synthetic RGB-D")
    dm.add_argument("--out", type=Path, default=Path("demo_out"))
    dm.add_argument("--rate", type=float, default=15.0, help="publish rate, Hz")
    dm.add_argument("--seconds", type=float, default=4.0, help="seconds per photo")
    dm.add_argument("--synthetic", type=int, default=40, help="frames of the synthetic RGB-D sequence")
    dm.add_argument("--checkpoint", default="", help="student checkpoint (default: shipped)")
    dm.add_argument("--teacher", default="", help="teacher checkpoint (default: shipped)")
    dm.set_defaults(func=cmd_demo)

    args = ap.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
