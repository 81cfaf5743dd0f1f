"""``pipose``: one command with subcommands (train, evaluate, data, spdh-roundtrip, demo, ...)."""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import sys
from pathlib import Path

from .smooth import DEFAULTS as SMOOTHING_DEFAULTS
from .train.config import FINETUNE_LR, FINETUNE_WARMUP, METRIC_Z_RANGE, TRAINING_SPDH, TrainConfig

DEFAULT_CACHE = Path.home() / ".cache" / "pipose_ros"


def _add_data_args(p: argparse.ArgumentParser, n_default: int, seed_default: int) -> None:
    p.add_argument("--synthetic", type=int, default=n_default, metavar="N",
                   help="number of synthetic RGB-D frames (default %(default)s)")
    p.add_argument("--data-seed", type=int, default=seed_default,
                   help="synthetic stream seed (default %(default)s)")
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="cache folder for rendered data")
    p.add_argument("--size", type=int, nargs=2, default=(128, 96), metavar=("W", "H"),
                   help="network input size, multiples of 32 (default 128 96)")
    p.add_argument("--data", type=Path, metavar="FOLDER",
                   help="a pipose dataset folder (docs/DATASET.md) instead of synthetic frames")
    p.add_argument("--crops", action="store_true",
                   help="with --data: one sample per person, cropped around its box (a virtual camera)")
    p.add_argument("--crop-scale", type=float, nargs=2, default=(1.15, 1.45), metavar=("LO", "HI"),
                   help="with --crops: crop side = U(LO, HI) × the box's larger side, drawn per person; a wider "
                        "range teaches absolute depth from apparent size instead of 'the person fills the crop'; "
                        "the estimator crops at the middle (default %(default)s)")
    p.add_argument("--crop-shift", type=float, default=0.08,
                   help="with --crops: crop centre shifted by up to this fraction of the crop (default %(default)s)")
    p.add_argument("--min-depth-seen", type=float, default=0.0, metavar="F",
                   help="with --crops: keep a person only if the depth image shows at least this fraction of its "
                        "visible joints (a depth teacher cannot place joints its input does not show; 0 keeps all; "
                        "default %(default)s)")
    p.add_argument("--max-frames", type=int, help="with --data: only the first N frames")
    p.add_argument("--mix-data", type=Path, metavar="FOLDER",
                   help="with --data: also train on samples of this (synthetic) folder, against forgetting")
    p.add_argument("--mix-ratio", type=float, default=0.25,
                   help="with --mix-data: fraction of the training samples drawn from it (default %(default)s)")


def _crop_spec(args, seed: int = 0):
    from .data.crops import CropSpec
    lo, hi = getattr(args, "crop_scale", CropSpec.scale)
    if not 0.5 <= lo <= hi <= 4.0:
        raise ValueError(f"--crop-scale needs 0.5 <= LO <= HI <= 4, got {lo} {hi}")
    seen = float(getattr(args, "min_depth_seen", 0.0))
    if not 0.0 <= seen <= 1.0:
        raise ValueError(f"--min-depth-seen needs a fraction in [0, 1], got {seen}")
    return CropSpec(net_wh=tuple(args.size), scale=(float(lo), float(hi)),
                    shift=getattr(args, "crop_shift", CropSpec.shift), seed=seed, min_depth_seen=seen)


def _data(args):
    if getattr(args, "data", None):
        if getattr(args, "crops", False):
            from .data.crops import person_crops
            data, _ = person_crops(args.data, _crop_spec(args, getattr(args, "seed", 0)), max_frames=args.max_frames)
        else:
            from .data.folder import load_folder
            data = load_folder(args.data, net_wh=tuple(args.size))
        if getattr(args, "mix_data", None):
            data = _mixed(args, data)
        return data
    from .data.dataset import synthetic_set
    return synthetic_set(args.data_seed, args.synthetic, net_wh=tuple(args.size), cache_dir=args.cache)


def _mixed(args, own):
    """``own`` plus samples of ``--mix-data`` so that they make ``--mix-ratio`` of the result
    (drawn without replacement, seeded by ``--seed``; all of them when the folder is smaller)."""
    import numpy as np

    from .data.dataset import concat_sets
    if not 0.0 <= args.mix_ratio < 1.0:
        raise ValueError(f"--mix-ratio must be in [0, 1), got {args.mix_ratio}")
    if getattr(args, "crops", False):
        from .data.crops import person_crops
        mix, _ = person_crops(args.mix_data, _crop_spec(args, getattr(args, "seed", 0)))
    else:
        from .data.folder import load_folder
        mix = load_folder(args.mix_data, net_wh=tuple(args.size))
    n = min(len(mix), round(len(own) * args.mix_ratio / (1.0 - args.mix_ratio)))
    idx = np.sort(np.random.default_rng(getattr(args, "seed", 0)).choice(len(mix), n, replace=False))
    print(f"training samples: {len(own)} from {args.data} + {n} from {args.mix_data} "
          f"({100.0 * n / max(len(own) + n, 1):.0f} %)")
    return concat_sets([own, mix.subset(idx)])


def _data_name(args) -> str:
    if getattr(args, "data", None):
        return (f"folder {args.data}" + (" (person crops)" if getattr(args, "crops", False) else "")
                + (f" + {args.mix_ratio:.0%} from {args.mix_data}" if getattr(args, "mix_data", None) else ""))
    return f"synthetic seed {args.data_seed}, {args.synthetic} frames, {args.size[0]}x{args.size[1]}"


def _write_json(path, obj) -> None:
    """Write ``obj`` as indented JSON to ``path`` (creating its folder); nothing when path is None."""
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(obj, indent=1))


def _spdh_config(args):
    from .spdh import SPDHConfig
    z = args.z_range or ((TRAINING_SPDH.z_min, TRAINING_SPDH.z_max) if args.canonical_fx > 0 else METRIC_Z_RANGE)
    return SPDHConfig(width=args.size[0], height=args.size[1], sigma_mm=args.sigma_mm,
                      z_min=z[0], z_max=z[1], canonical_fx=args.canonical_fx,
                      stride=getattr(args, "head_stride", 1))


def _default_stage(backbone: str) -> str:
    """L_PI's stage when ``--distill-stage`` is not given: ``s4`` for BlazePose (its ``last`` features end
    in 39 heatmap logits whose offsets would dominate L_PI, docs/RESULTS.md session 14), else ``last``."""
    return "s4" if backbone == "blazepose_full" else "last"


def cmd_train(args) -> int:
    import os

    from .checkpoint import load_checkpoint, save_checkpoint
    from .preprocess import normalisation
    from .model import ModelConfig
    from .skeleton import KINECT14
    from .train.trainer import shutdown_distributed, train

    init_meta = None
    if args.init:
        init, init_meta = load_checkpoint(args.init)
    else:
        init = None
    if init_meta is not None and not args.keep_config:
        spdh = init_meta["spdh_config"]  # fine-tuning keeps the checkpoint's SPDH geometry
        if tuple(args.size) != (spdh.width, spdh.height):
            args.size = [spdh.width, spdh.height]
    else:
        spdh = _spdh_config(args)
    data = _data(args)
    from .model.backbones import PRETRAINED
    mcfg = ModelConfig(kind=args.kind, backbone=args.backbone, use_rgb=not args.hall_only,
                       distill_stage=args.distill_stage or _default_stage(args.backbone), head_stride=spdh.stride,
                       pretrained=args.backbone in PRETRAINED)
    if init_meta is not None and init_meta["model"]["kind"] == args.kind:
        mcfg = ModelConfig(**init_meta["model"])  # same architecture as the checkpoint
        if args.distill_stage is not None:  # given: L_PI on another stage than the checkpoint's
            mcfg.distill_stage = args.distill_stage
    mcfg.uv_prior = mcfg.uv_prior or args.uv_prior
    if args.column_uz:
        mcfg.uz_bins = spdh.height // spdh.stride
    if args.backbone_lr is None:  # fine-tuning keeps a frozen (or slowed) pretrained backbone as it was
        b = (init_meta or {}).get("training", {}).get("backbone_lr")
        args.backbone_lr = float(b) if b is not None else TrainConfig.backbone_lr
    lr = args.lr if args.lr is not None else (FINETUNE_LR if args.init else TrainConfig.lr)
    warmup = args.warmup if args.warmup is not None else (FINETUNE_WARMUP if args.init else TrainConfig.warmup)
    tcfg = TrainConfig(steps=args.steps, batch_size=args.batch_size, lr=lr, warmup=warmup, alpha=args.alpha,
                       alpha_ramp=args.alpha_ramp, fg_weight=args.fg_weight, pi_kind=args.pi_loss,
                       coord_weight=args.coord_weight, coord_beta=args.coord_beta,
                       pi_sigmoid=args.pi_sigmoid, attention=args.attention, mask_weight=args.mask_weight,
                       seed=args.seed, workers=args.workers, save_every=args.save_every, pe_mask=args.pe_mask,
                       pe_out_weight=args.pe_out_weight, lr_symmetric=args.lr_symmetric,
                       bg_dropout=args.bg_dropout, backbone_lr=args.backbone_lr, zoom=args.zoom,
                       gray=args.gray)
    teacher = None
    if args.kind == "student":
        if not args.teacher:
            print("pipose train student: --teacher CHECKPOINT is required", file=sys.stderr)
            return 2
        teacher, t_meta = load_checkpoint(args.teacher)
        from .train.trainer import teacher_geometry
        try:
            teacher_geometry(teacher, t_meta["spdh_config"], spdh)
        except ValueError as e:
            print(f"pipose train student: {e}", file=sys.stderr)
            return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    resume = out.with_name(out.stem + ".partial.pt")
    if args.no_resume and resume.exists():
        resume.unlink()
    val = None
    if args.val_data:
        if args.crops:
            from .data.crops import CropSpec, person_crops
            vs = CropSpec(net_wh=tuple(args.size), scale=(1.3, 1.3), shift=0.0)
            val_set, _ = person_crops(args.val_data, vs, max_frames=args.val_frames)
        else:
            from .data.folder import load_folder
            val_set = load_folder(args.val_data, net_wh=tuple(args.size))
        val = (val_set, args.val_every)
    model, summary = train(args.kind, data, mcfg, spdh, tcfg, teacher=teacher, init=init,
                           device=args.device, resume_path=resume,
                           csv_path=out.with_name(out.stem + ".log.csv"), stop_after=args.stop_after,
                           val=val, val_csv=out.with_name(out.stem + ".val.csv"))
    shutdown_distributed()
    if int(os.environ.get("RANK", "0")) != 0:
        return 0
    if not summary["finished"]:
        print(f"stopped at --stop-after {args.stop_after}; resume with the same command ({resume})")
        return 0
    summary["data"] = _data_name(args)
    if args.teacher:
        from .backends import sha256
        summary["teacher"] = str(args.teacher)
        # which file taught it: a shipped teacher's path outlives the file (the model card compares them)
        summary["teacher_sha256"] = sha256(args.teacher)
    if args.init:
        summary["init"] = str(args.init)
        # the run it continues: a shipped file gets replaced, its history must not go with it
        from .train.config import init_history
        summary["init_training"] = init_history(init_meta.get("training"))
    if args.eval_data or args.eval_synthetic:
        from .train.trainer import evaluate
        if args.eval_data:
            from .data.folder import load_folder
            test = load_folder(args.eval_data, net_wh=tuple(args.size))
            name = f"folder {args.eval_data}"
        else:
            from .data.dataset import synthetic_set
            test = synthetic_set(args.eval_seed, args.eval_synthetic, net_wh=tuple(args.size), cache_dir=args.cache)
            name = f"synthetic seed {args.eval_seed}, {args.eval_synthetic} frames"
        summary["eval"] = {k: v for k, v in evaluate(model, args.kind, test, spdh).items() if k != "per_joint_cm"}
        summary["eval"]["set"] = name
        print(json.dumps(summary["eval"], indent=1))
    crop = None
    if args.crops:
        cs = _crop_spec(args)
        crop = {"scale": list(cs.scale), "shift": cs.shift, "min_visible": cs.min_visible,
                "min_depth_seen": cs.min_depth_seen}
    # fine-tuning keeps the decoding chosen for the checkpoint it started from (pipose tune-decode
    # re-chooses it for the new weights)
    decode = dict(init_meta["decode"], inherited_from=str(args.init)) if init_meta and init_meta.get("decode") else None
    save_checkpoint(out, model, mcfg, spdh, list(KINECT14.names), normalisation(), summary, crop=crop, decode=decode)
    resume.unlink(missing_ok=True)
    print(f"saved {out}")
    return 0


def cmd_evaluate(args) -> int:
    """MPJPE, mAP@6/8/10, PA-MPJPE, root-relative MPJPE, per joint and per case (seed 000 §4.2)."""
    from .checkpoint import load_checkpoint
    from .data.benchmark import case_masks
    from .train.metrics import pose_metrics
    from .train.trainer import predict

    if args.data and _is_multi_person(args.data):
        return _evaluate_multi(args)
    data = _data(args)
    cases = case_masks(data)
    rows = {}
    for ck in args.checkpoints:
        model, meta = load_checkpoint(ck)
        pred = predict(model, meta["model"]["kind"], data, meta["spdh_config"], refine=not args.no_refine)
        m = pose_metrics(pred, data.joints, data.in_image)
        m["cases"] = {}
        for name, sel in cases.items():
            if sel.sum() and data.in_image[sel].any():
                c = pose_metrics(pred[sel], data.joints[sel], data.in_image[sel])
                m["cases"][name] = {"frames": int(sel.sum()), "mpjpe_cm": c["mpjpe_cm"], "map@10": c["map@10"]}
        m["checkpoint"] = str(ck)
        m["training"] = meta.get("training", {})
        m["test_set"] = _data_name(args)
        rows[str(ck)] = m
        print(f"{ck}: MPJPE {m['mpjpe_cm']:.2f} cm  mAP@6/8/10 {m['map@6']:.1f}/{m['map@8']:.1f}/"
              f"{m['map@10']:.1f}  PA-MPJPE {m['pa_mpjpe_cm']:.2f}  RR-MPJPE {m['rr_mpjpe_cm']:.2f}")
        for name, c in m["cases"].items():
            print(f"    {name:>14}: {c['frames']:5d} frames, MPJPE {c['mpjpe_cm']:.2f} cm, mAP@10 {c['map@10']:.1f}")
    _write_json(args.json, rows)
    return 0


def cmd_tune_decode(args) -> int:
    """Choose a model's decoding priors on validation data: the relative-depth gain
    (:func:`pipose_ros.spdh.shrink_relative_depth`) and, for RGB models, the body-size prior's weight
    (:func:`pipose_ros.spdh.apply_size_prior`, reference bone lengths = the median true lengths of
    the matched people of the folder). The network runs once (gain 1, no size prior, ground-truth
    boxes), every pair is scored on the same matched people, the lowest MPJPE wins; ``--write``
    stores it in the checkpoint's ``decode`` settings and re-exports the ONNX files beside it."""
    import numpy as np

    from .checkpoint import set_decode
    from .estimator import PoseEstimator
    from .report import today
    from .skeleton import KINECT14
    from .spdh import apply_size_prior, shrink_relative_depth
    from .train.multi_eval import collect_matches, match_metrics

    if not _is_multi_person(args.data):
        raise SystemExit(f"{args.data}: tune-decode needs a multi-person folder (frames with 'people')")
    est = PoseEstimator.from_checkpoint(args.checkpoint, device="cpu", backend=args.backend,
                                        min_confidence=args.min_confidence, relative_depth_gain=1.0,
                                        size_prior_weight=0.0, flip_test=args.flip_test)
    c = collect_matches(est, args.data, modality="depth" if est.kind == "teacher" else "rgb",
                        min_visible=args.min_visible, max_frames=args.max_frames)
    if not len(c["pred"]):
        raise SystemExit(f"{args.data}: no person matched; nothing to tune on")
    weights = [0.0] if est.kind == "teacher" else args.size_weights
    bones = [list(map(int, b)) for b in KINECT14.bones]
    gt = np.asarray(c["gt"], np.float64)
    ref = []
    for a, b in bones:  # unknown joints are stored as zeros
        ok = (gt[:, a, 2] > 0) & (gt[:, b, 2] > 0)
        ref.append(round(float(np.median(np.linalg.norm(gt[ok, a] - gt[ok, b], axis=-1))), 4) if ok.any() else 0.0)
    rows = {}
    for g in args.gains:
        shrunk = shrink_relative_depth(c["pred"], g)
        for w in weights:
            m = match_metrics(c, apply_size_prior(shrunk, bones, ref, w))
            rows[f"gain {g:g}, size {w:g}"] = {"relative_depth_gain": g, "size_prior_weight": w,
                                                **{k: round(float(m[k]), 3) for k in
                                                   ("mpjpe_cm", "pa_mpjpe_cm", "rr_mpjpe_cm", "map@10")}}
            print(f"gain {g:4.2f}, size prior {w:4.2f}: MPJPE {m['mpjpe_cm']:.2f} cm  PA-MPJPE {m['pa_mpjpe_cm']:.2f}  "
                  f"RR-MPJPE {m['rr_mpjpe_cm']:.2f}  mAP@10 {m['map@10']:.1f}")
    best = rows[min(rows, key=lambda k: rows[k]["mpjpe_cm"])]
    g, w = best["relative_depth_gain"], best["size_prior_weight"]
    print(f"lowest MPJPE at gain {g:g}, size prior weight {w:g} ({len(c['pred'])} people matched on {args.data})")
    out = {"relative_depth_gain": float(g),
           "size_prior": {"weight": float(w), "bones": bones, "bone_lengths_m": ref} if est.kind != "teacher" else {},
           "flip_test": bool(args.flip_test), "chosen_on": str(args.data), "people": len(c["pred"]),
           "by_choice": rows, "date": today(), "command": "pipose " + " ".join(sys.argv[1:])}
    if args.json:
        _write_json(args.json, out)
    if args.write:
        if args.checkpoint.suffix != ".pt":
            raise SystemExit("--write needs the .pt checkpoint (its ONNX exports are re-made from it)")
        set_decode(args.checkpoint, out, replace=True)
        print(f"wrote decode.relative_depth_gain = {g:g}, decode.size_prior.weight = {w:g} into {args.checkpoint}")
        from .backends import model_files
        from .model.export import export_onnx
        _, f32, f16 = model_files(args.checkpoint)
        for fp16, f in ((False, f32), (True, f16)):
            if f.is_file():
                print(f"re-exported {export_onnx(args.checkpoint, f, fp16=fp16)}")
    return 0


def _is_multi_person(folder) -> bool:
    from .data.folder import read_folder
    _, frames = read_folder(folder)
    return any(r.get("people") is not None for r in frames[:50])


def _evaluate_multi(args) -> int:
    """Multi-person folders: each person's box → crop → skeleton, Hungarian matching
    (:mod:`pipose_ros.train.multi_eval`); boxes from the ground truth (oracle detector) or, with
    ``--detector blazepose``, from the person detector (end to end)."""
    from .estimator import PoseEstimator
    from .train.multi_eval import evaluate_folder

    det = None
    if args.detector in ("blazepose", "blazepose+body"):
        from .detect import BodyDetector, PersonDetector
        det = PersonDetector(max_people=8, body=BodyDetector() if args.detector == "blazepose+body" else None)
    floor_kw, mount = ({} if args.floor else None), None
    floor_note = "each frame's camera mount (meta), pipose_ros.floor.place_on_floor defaults"
    if args.floor and args.floor_mount:
        from .label.mount import read_mount
        mt = read_mount(args.floor_mount)
        mount, floor_kw = mt.floor(), {"sigma_angle": float(math.radians(mt.angle_sigma_deg))}
        floor_note = (f"one mount for every frame, measured from a recording's depth ({args.floor_mount}: "
                      f"{mt.height_m:.3f} m, pitch {mt.pitch_deg:.2f}°, roll {mt.roll_deg:.2f}°, angular "
                      f"uncertainty {mt.angle_sigma_deg:.2f}°)")
    elif args.floor_mount:
        raise SystemExit("--floor-mount needs --floor")
    if args.floor_sigma is not None:
        if not args.floor or args.floor_sigma <= 0:
            raise SystemExit("--floor-sigma needs --floor and a value > 0")
        floor_kw = {"sigma_angle": math.radians(args.floor_sigma)}
        floor_note += f"; angular uncertainty set to {args.floor_sigma:g}°"
    anchor = None
    if args.rgbd_anchor:
        anchor = PoseEstimator.from_checkpoint(args.rgbd_anchor, device="cpu", min_confidence=args.min_confidence,
                                               backend=args.backend, min_depth_support=args.min_depth_support,
                                               flip_test=args.flip_test)
        if anchor.kind != "teacher":
            raise SystemExit(f"--rgbd-anchor {args.rgbd_anchor}: not a depth teacher")
    rows = {}
    for ck in args.checkpoints:
        est = PoseEstimator.from_checkpoint(ck, device="cpu", min_confidence=args.min_confidence,
                                            backend=args.backend, relative_depth_gain=args.relative_depth_gain,
                                            min_depth_support=args.min_depth_support, flip_test=args.flip_test)
        if args.size_prior_weight is not None and est.kind != "teacher":
            est.set_size_prior_weight(args.size_prior_weight)
        print(f"{ck}: {est.backend}" + (", flip test" if args.flip_test else ""), flush=True)
        m = evaluate_folder(est, args.data, modality="depth" if est.kind == "teacher" else "rgb",
                            max_frames=args.max_frames, detector=det, box_scale=args.box_scale,
                            floor=floor_kw, mount=mount, anchor_teacher=anchor)
        m["checkpoint"] = str(ck)
        m["backend"] = est.backend
        m["training"] = est.meta.get("training", {})
        m["test_set"] = _data_name(args)
        m["boxes"] = ("BlazePose person detector (pipose_ros/detect.py, windows, max 8 people)" if det
                      else "ground truth (oracle detector)" + (f", × {args.box_scale:g} about their centres"
                                                               if args.box_scale != 1.0 else ""))
        if args.floor:
            m["floor_prior"] = floor_note
        if est.kind == "teacher":
            m["min_depth_support"] = args.min_depth_support
        m["flip_test"] = bool(args.flip_test)
        m["decode"] = {"relative_depth_gain": est.relative_depth_gain, "size_prior_weight": est.size_prior_weight}
        if anchor is not None:
            m["rgbd_anchor"] = (f"the node's rgbd output: the depth teacher {args.rgbd_anchor} (depth support ≥ "
                                f"{args.min_depth_support:g}) on the same boxes, the student's skeletons anchored to the "
                                "measured depth (pipose_ros.anchor.anchor_people)")
        rows[str(ck)] = m
        print(f"{ck}: {m['people']} people, matched {m['matched']}, misses {m['misses']}, false positives "
              f"{m['false_positives']}; MPJPE {m.get('mpjpe_cm', float('nan')):.2f} cm  mAP@6/8/10 "
              f"{m.get('map@6', 0):.1f}/{m.get('map@8', 0):.1f}/{m.get('map@10', 0):.1f}  PA-MPJPE "
              f"{m.get('pa_mpjpe_cm', float('nan')):.2f}  RR-MPJPE {m.get('rr_mpjpe_cm', float('nan')):.2f}")
        if "error_parts" in m:
            print("    " + _parts_line(m["error_parts"]))
        if "out_of_view" in m:
            print("    " + _out_of_view_line(m["out_of_view"]))
        for name, c in m.get("cases", {}).items():
            print(f"    {name:>18}: {c['people']:5d} people, matched {c['matched']:5d}, "
                  f"MPJPE {c.get('mpjpe_cm', float('nan')):.2f} cm, mAP@10 {c.get('map@10', float('nan')):.1f}")
    _write_json(args.json, rows)
    if args.record:
        _record_multi(args, rows)
    return 0


def _parts_line(e: dict) -> str:
    """One line of :func:`pipose_ros.train.metrics.depth_error_parts`."""
    return (f"error parts: direction (2D) {e['lateral_error_cm']:.1f} cm at the true depth; body distance (root "
            f"depth) {e['root_depth_error_cm']:.1f} cm, median {e['root_depth_error_pct']:.1f} % (signed "
            f"{e.get('root_depth_signed_pct', float('nan')):+.1f} %, > 0 too far); depth within the "
            f"body {e['relative_depth_error_cm']:.1f} cm (true spread about the median {e['true_depth_spread_cm']:.1f} "
            f"cm); not knowing each person's size costs a perfect-2D, median-size estimator "
            f"{e['size_prior_root_error_cm']:.1f} cm of root depth here (median {e['size_prior_root_error_pct']:.1f} %); "
            f"one constant mean pose at the true roots scores PA-MPJPE "
            f"{e.get('mean_pose_pa_mpjpe_cm', float('nan')):.1f} cm (a model not below it has learnt no body shape)")


def _out_of_view_line(o: dict) -> str:
    """One line of :func:`pipose_ros.train.metrics.out_of_view_metrics` at the node's default
    ``joint_min_confidence``."""
    from .params import PARAMS
    t = f"{PARAMS['joint_min_confidence'][0]:g}"
    a = o["at"].get(t, {})
    return (f"joints out of the image: {o['joints_out']} of {o['joints_in'] + o['joints_out']} labelled; confidence "
            f"tells them from in-image joints with AUROC {o['auroc']:.3f}; at confidence ≥ {t} (the node's "
            f"default joint_min_confidence): "
            f"{a.get('in_kept_pct', float('nan')):.1f} % of in-image joints kept, "
            f"{a.get('out_drawn_pct', float('nan')):.1f} % of out-of-image joints drawn inside the image")


def _record_multi(args, rows: dict) -> None:
    """``--record PREFIX``: the first checkpoint's metrics into docs/results.json (PREFIX_mpjpe_cm,
    PREFIX_map10, …) and its table into the RESULTS.md section ``PREFIX``."""
    from .data.folder import read_info
    from .report import machine, today, update_json, update_md_section
    ck, m = next(iter(rows.items()))
    info = read_info(args.data)
    cmd = "pipose " + " ".join(sys.argv[1:])
    p = args.record
    update_json({f"{p}_mpjpe_cm": m.get("mpjpe_cm"), f"{p}_map10": m.get("map@10"), f"{p}_map6": m.get("map@6"),
                 f"{p}_map8": m.get("map@8"), f"{p}_pa_mpjpe_cm": m.get("pa_mpjpe_cm"),
                 f"{p}_rr_mpjpe_cm": m.get("rr_mpjpe_cm"), f"{p}_people": m["people"], f"{p}_misses": m["misses"],
                 f"{p}_false_positives": m["false_positives"], f"{p}_checkpoint": ck, f"{p}_command": cmd,
                 f"{p}_date": today(), f"{p}_fingerprint": info.get("fingerprint_sha256"),
                 **({f"{p}_error_parts": m["error_parts"]} if "error_parts" in m else {}),
                 **({f"{p}_out_of_view": m["out_of_view"]} if "out_of_view" in m else {}),
                 **({f"{p}_min_depth_support": m["min_depth_support"]} if "min_depth_support" in m else {}),
                 f"{p}_flip_test": m["flip_test"]})
    spec = info.get("spec", {})
    floor = m.get("floor_prior")
    L = [f"### `{ck}` on {spec.get('name', args.data)}" + (" with the ground-plane prior" if floor else ""), "",
         f"`{cmd}` — {today()}, {machine()}. Benchmark fingerprint `{str(info.get('fingerprint_sha256'))[:16]}…` "
         f"({spec.get('frames')} frames, 1–4 people, {spec.get('dist_range_m')} m). Boxes: {m['boxes']}; "
         f"people that count: ≥ {m['min_visible']} visible joints."
         + (f" Depth support: a skeleton counts when the depth shows ≥ {m['min_depth_support']:g} of its joints "
            f"(0 = every skeleton)." if "min_depth_support" in m else "")
         + (" Flip test: each crop's maps averaged with its mirror image's." if m["flip_test"] else "")
         + (f" Ground-plane prior (`pipose_ros.floor`): {floor}." if floor else "")
         + (f" RGB-D: {m['rgbd_anchor']}." if "rgbd_anchor" in m else ""), "",
         "| people | matched | misses | false positives | MPJPE (cm) | mAP@6 | mAP@8 | mAP@10 | PA-MPJPE | RR-MPJPE |",
         "|---|---|---|---|---|---|---|---|---|---|",
         f"| {m['people']} | {m['matched']} | {m['misses']} | {m['false_positives']} | {m.get('mpjpe_cm', float('nan')):.2f} | "
         f"{m.get('map@6', float('nan')):.1f} | {m.get('map@8', float('nan')):.1f} | {m.get('map@10', float('nan')):.1f} | "
         f"{m.get('pa_mpjpe_cm', float('nan')):.2f} | {m.get('rr_mpjpe_cm', float('nan')):.2f} |", "",
         "| case | people | matched | MPJPE (cm) | mAP@10 |", "|---|---|---|---|---|"]
    for name, c in m.get("cases", {}).items():
        L.append(f"| {name} | {c['people']} | {c['matched']} | {c.get('mpjpe_cm', float('nan')):.2f} | "
                 f"{c.get('map@10', float('nan')):.1f} |")
    if "error_parts" in m:
        line = _parts_line(m["error_parts"])
        L += ["", line[0].upper() + line[1:] + " (`pipose_ros.train.metrics.depth_error_parts`)."]
    if "out_of_view" in m:
        line = _out_of_view_line(m["out_of_view"])
        L += ["", line[0].upper() + line[1:] + " (`pipose_ros.train.metrics.out_of_view_metrics`)."]
    if "per_joint_cm" in m:
        from .skeleton import KINECT14
        L += ["", "Per joint (cm): " + ", ".join(f"{n} {v:.1f}" for n, v in zip(KINECT14.names, m["per_joint_cm"]))]
    update_md_section(p, "\n".join(L))


def cmd_testset(args) -> int:
    """Render the versioned benchmark into a dataset folder and print its fingerprint."""
    from .data.benchmark import BENCHMARK_V1, write_benchmark
    from .data.folder import read_info
    if args.v2:
        from .data.generate import BENCHMARK_V2, write_scenes
        spec = dict(BENCHMARK_V2)
        if args.frames:
            spec["frames"] = args.frames
            spec["name"] = f"{spec['name']}-first{args.frames}"
        out = args.out or (DEFAULT_CACHE / spec["name"])
        fp = write_scenes(out, spec, workers=args.workers)
        print(f"{spec['frames']} frames of {spec['name']} in {out}\nfingerprint sha256 {fp}")
        return 0
    spec = dict(BENCHMARK_V1)
    if args.frames:
        spec["frames"] = args.frames
        spec["name"] = f"{spec['name']}-first{args.frames}"
    if args.size or args.stream_seed is not None:
        spec["render_size"] = list(args.size or spec["render_size"])
        spec["stream_seed"] = spec["stream_seed"] if args.stream_seed is None else args.stream_seed
        spec["name"] = f"synthetic-s{spec['stream_seed']}-{spec['render_size'][0]}x{spec['render_size'][1]}-n{spec['frames']}"
    out = args.out or (DEFAULT_CACHE / spec["name"])
    if not args.overwrite:
        fp = read_info(out).get("fingerprint_sha256")
        if fp:
            print(f"{out} exists ({spec['name']}, fingerprint {fp}); --overwrite to render again")
            return 0
    fp = write_benchmark(out, spec, overwrite=True)
    print(f"wrote {spec['frames']} frames of {spec['name']} to {out}\nfingerprint sha256 {fp}")
    return 0


def _cuda() -> bool:
    import torch
    return torch.cuda.is_available()


def cmd_export(args) -> int:
    """Checkpoint(s) → ONNX (fp32 and/or fp16), checked against PyTorch on a probe input."""
    from .backends.ort import OrtNetwork
    from .backends.pytorch import TorchNetwork
    from .model.export import compare, export_onnx

    for ck in args.checkpoints:
        ref = TorchNetwork(ck, "cpu")
        for fp16 in ([False, True] if args.precision == "both" else [args.precision == "fp16"]):
            out = export_onnx(ck, args.out if len(args.checkpoints) == 1 and args.out else None, fp16=fp16)
            d = compare(ref, OrtNetwork(out))
            print(f"{out}: {'fp16' if fp16 else 'fp32'}, ONNX Runtime vs PyTorch max |Δ| uv {d['uv_max_abs']:.2e}, "
                  f"uz {d['uz_max_abs']:.2e}, joints {d['joints_max_abs_mm']:.3f} mm")
    return 0


def cmd_soak(args) -> int:
    """The live node under overload for minutes → docs/RELIABILITY.md section soak (tools/soak.py)."""
    from .tools import soak

    r = soak.soak(seconds=args.seconds, rate=args.rate, period=args.period)
    for p in r.get("periods", []):
        print({k: round(v, 1) for k, v in p.items()})
    print("errors:", r.get("errors"), "exit code:", r.get("exit_code"), "targets:", r["ok"])
    if not args.no_record:
        soak.write(r, args.seconds, args.rate, str(args.out))
    return 0 if r["ok"]["errors"] else 1


def cmd_benchmark(args) -> int:
    """pipose vs MediaPipe Pose per backend + the live node → docs/BENCHMARKS.md (tools/bench.py)."""
    from .label import mediapipe_python
    from .tools import bench

    if args.render:
        _benchmark_render(args)
        if args.render_only:
            return 0
    mp = None if args.no_mediapipe else mediapipe_python()
    if mp is None and not args.no_mediapipe:
        print("MediaPipe not found (make label-env mediapipe-heavy): its rows are left out")
    rt = args.runtime_python or (str(Path(".venv-runtime/bin/python")) if Path(".venv-runtime/bin/python").exists() else None)
    bench.run(n=args.n, warmup=args.warmup, backends=tuple(args.backends), mediapipe_python=mp,
              live_seconds=args.live_seconds, runtime_python=rt, out=str(args.out))
    return 0


def _benchmark_render(args) -> None:
    """Synthetic RGB-D rendering throughput → docs/BENCHMARKS.md section and results.json render_fps."""
    from .data.generate import render_benchmark
    from .report import machine, today, update_json, update_md_section
    r = render_benchmark(frames=args.render_frames, workers=args.render_workers)
    print(f"rendering: {r['render_fps']:.1f} frames/s ({r['frames']} frames, {r['workers']} processes, {r['width']} px)")
    cmd = "pipose " + " ".join(sys.argv[1:])
    update_json({"render_fps": r["render_fps"], "render_benchmark": dict(r, command=cmd, date=today(), machine=machine())})
    text = ["## Rendering synthetic RGB-D people (issue 9)", "",
            f"`{cmd}` — {today()}, {machine()}: **{r['render_fps']:.1f} frames/s** "
            f"({r['frames']} frames at {r['width']}×180–240 px in {r['seconds']:.1f} s, {r['workers']} worker processes, "
            "after one warm-up scene each). A frame: 1–4 Anny people posed and skinned, furniture, floor and walls, "
            "pyrender + Mesa llvmpipe (EGL, single-sampled), ground truth (joints, visibility, boxes), colour "
            "post-processing and the depth sensor model; 4 camera views per scene share the posed meshes. "
            "File writing (`pipose data`) is not included. Target: ≥ 30 frames/s on 2 cores."]
    update_md_section("render", "\n".join(text), args.out)


def cmd_study(args) -> int:
    """Run or report the PI study of config/study.yaml (issue 3)."""
    from . import study
    bench = args.benchmark or (DEFAULT_CACHE / "pipose-synth-v1")
    if args.action == "ship":
        chosen = study.ship(args.plan, args.results, args.runs, args.models)
        print(f"shipped to {args.models}: {chosen}; card rewritten")
        return 0
    if args.action == "run":
        if not (Path(bench) / "dataset.yaml").exists():
            print(f"benchmark {bench} missing: run `pipose testset` first", file=sys.stderr)
            return 2
        return 1 if study.run(args.plan, args.runs, args.results, bench, args.jobs, args.threads, args.only) else 0
    from .data.folder import read_info
    meta = read_info(bench)
    info = dict(meta.get("benchmark", {}))
    if meta:
        info["fingerprint_sha256"] = meta.get("fingerprint_sha256")
    js = study.report(args.plan, args.results, args.out_md, args.out_json, info)
    print(f"wrote {args.out_md} and {args.out_json}; gap closed by the student: {js['gap_closed_pct']:.0f} %")
    return 0


def cmd_record(args) -> int:
    from .tools.record import main as record_main
    return record_main(args)


def cmd_distill_demo(args) -> int:
    """The distillation loop on the robot domain, measured (tools/distill_demo.py)."""
    from .tools import distill_demo
    res = distill_demo.run(args.work, frames=args.frames, rate=args.rate, every=args.every,
                           test_frames=args.test_frames, steps=args.steps, mix_data=args.mix_data,
                           mix_frames=args.mix_frames, mix_ratio=args.mix_ratio, student=args.student,
                           teacher=args.teacher, mediapipe=False if args.no_mediapipe else None,
                           batch_size=args.batch_size, student_2d=not args.teacher_2d, combined=args.combined)
    print(json.dumps(res["eval"], indent=1))
    if not args.no_record:
        distill_demo.write(res)
    return 0


def cmd_bag(args) -> int:
    """pipose bag recover BAG [--out OUT]: a recording cut short → a complete rosbag2 folder."""
    from .data.recover import needs_recovery, recover_bag
    reason = needs_recovery(args.bag)
    if reason is None and not args.force:
        print(f"pipose bag recover: {args.bag} is complete (footer and metadata.yaml present); nothing to do "
              "(--force copies it anyway)")
        return 0
    out = args.out or args.bag.with_name(args.bag.name.removesuffix(".mcap") + "_recovered")
    try:
        rep = recover_bag(args.bag, out, reason)
    except (ValueError, FileExistsError, FileNotFoundError) as e:
        print(f"pipose bag recover: {e}", file=sys.stderr)
        return 2
    print(rep.summary())
    print(f"complete bag written to {out} (ros2 bag info / play, pipose dataset from-bag)")
    return 0


def cmd_dataset(args) -> int:
    """pipose dataset from-bag BAG OUT: rosbag2 → dataset folder (docs/DATASET.md)."""
    from .data.bag import bag_to_dataset
    try:
        st = bag_to_dataset(args.bag, args.out, image_topic=args.image, depth_topic=args.depth,
                            info_topic=args.camera_info, depth_info_topic=args.depth_info, slop=args.slop,
                            every=args.every, overwrite=args.overwrite)
    except (ValueError, FileExistsError, FileNotFoundError) as e:
        print(f"pipose dataset from-bag: {e}", file=sys.stderr)
        return 2
    written = (st.pairs + args.every - 1) // args.every - st.bad_frames
    print(f"{st.colour_msgs} colour / {st.depth_msgs} depth messages → {st.pairs} pairs "
          f"(max |Δt| {st.max_dt_ms:.1f} ms, {st.unpaired_colour} colour images unpaired, "
          f"{st.bad_frames} bad), {written} frames written to {args.out}\nregistration: {st.registration}; "
          f"CameraInfo changes: {st.camera_info_changes}\n"
          f"topics: {json.dumps(st.topics)}" + (f"\nrecovered: {st.recovered}" if st.recovered else ""))
    return 0 if written > 0 else 1


def cmd_label(args) -> int:
    """pipose label OUT: 3D joint labels from the depth teacher, or 2D keypoints + registered depth."""
    from .label import label_folder
    from .label.lift import LiftConfig
    if args.teacher is not None:
        from .label.teacher import TeacherLabelConfig, teacher_label_folder
        tcfg = TeacherLabelConfig(min_confidence=args.min_confidence, joint_min_confidence=args.joint_min_confidence,
                                  min_valid_depth=args.min_valid_depth, min_depth_support=args.min_depth_support,
                                  anchor=not args.no_anchor, flip_test=args.flip_test)
        try:
            rep = teacher_label_folder(args.folder, args.teacher, tcfg, relabel=args.relabel, combine=args.combine,
                                       student=args.student)
        except (RuntimeError, ValueError, FileNotFoundError) as e:
            print(f"pipose label: {e}", file=sys.stderr)
            return 2
        if args.json:
            Path(args.json).write_text(json.dumps(rep, indent=1))
        print(f"label report: {Path(args.folder) / 'label_report.json'}")
        return 0 if rep["people_kept"] else 1
    cfg = LiftConfig(window_px=args.window, edge_m=args.edge_m, min_score=args.min_score)
    try:
        rep = label_folder(args.folder, keypoints=args.keypoints, evaluate=args.evaluate,
                           relabel=args.relabel, cfg=cfg)
    except (RuntimeError, ValueError, FileNotFoundError) as e:
        print(f"pipose label: {e}", file=sys.stderr)
        return 2
    print(json.dumps(rep, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(rep, indent=1))
    return 0


def cmd_floor(args) -> int:
    """pipose floor FOLDER: the camera's mount above the floor from a recording's depth."""
    from .label.mount import Mount, measure_folder
    try:
        rep = measure_folder(args.folder, every=args.every, max_frames=args.max_frames)
    except (ValueError, FileNotFoundError) as e:
        print(f"pipose floor: {e}", file=sys.stderr)
        return 2
    m = rep["mount"]
    if m is None:
        print(f"pipose floor: no floor found in {len(rep['frames'])} frames of {args.folder} (is the floor in view, "
              "within 8 m, and the camera within 50° of level?)", file=sys.stderr)
        return 1
    print(Mount(**m).summary())
    print(f"node parameters: {Path(args.folder) / 'floor_params.yaml'} (ros2 launch pipose_ros pose.launch.py "
          f"params:=...; or ros2 param set /pose_node floor_camera_height {m['height_m']:.3f} ...); "
          f"per frame: {Path(args.folder) / 'floor.json'}")
    return 0


def cmd_bench_record(args) -> int:
    """Measure pipose record at 30 Hz 640x480 RGB + depth: published vs written; docs/RECORDING.md."""
    import datetime
    import tempfile

    from .assets import config_path
    from .tools.record import bench
    rows = []
    profile = config_path("fastdds_large_data.xml")
    with tempfile.TemporaryDirectory() as d:
        for prof in (None, profile):
            for be in (False, True):
                r = bench(args.seconds, args.rate, tuple(args.size), be, args.storage, Path(d), prof)
                rows.append(r)
                print(json.dumps(r))
    lines = [f"| {r['transport']} | {r['qos']} | {r['storage']} | {r['size'][0]}×{r['size'][1]} | "
             f"{r['published']} | {r['achieved_rate_hz']} | {r['written'].get('/image', 0)} | "
             f"{r['written'].get('/depth/image', 0)} | "
             f"{r['written'].get('/camera_info', 0)} / {r['written'].get('/depth/camera_info', 0)} | "
             f"{r['bag_mb']} |" for r in rows]
    md = Path(args.out)
    head = ("| transport | QoS | storage | stream | frames published | publish rate (Hz) | colour written | "
            "depth written | infos written | bag MB |\n|---|---|---|---|---|---|---|---|---|---|")
    note = (f"\nMeasured {datetime.date.today()} on this {os.cpu_count()}-core machine{args.note} with "
            f"`pipose bench-record --seconds {args.seconds:g}` (synthetic-camera and pipose record as separate "
            "processes over Fast DDS, localhost).\n")
    old = md.read_text() if md.exists() else ""
    marker = "<!-- bench-record -->"
    block = f"{marker}\n{head}\n" + "\n".join(lines) + "\n" + note + marker
    if marker in old:
        pre, _, rest = old.partition(marker)
        _, _, post = rest.partition(marker)
        md.write_text(pre + block + post)
    else:
        md.write_text(old + "\n" + block + "\n")
    return 0


def cmd_synthetic_camera(args) -> int:
    from .tools.synthetic_camera import main as cam_main
    return cam_main(args)


def cmd_data(args) -> int:
    """Render Anny scenes into a sharded dataset folder (default), or cache capsule frames."""
    if args.capsules:
        d = _data(args)
        print(f"{len(d)} frames, {d.in_image.mean() * 100:.1f} % joints in image, cached in {args.cache}")
        return 0
    from .data.generate import BENCHMARK_V2, preview, write_scenes
    spec = dict(BENCHMARK_V2, name=f"anny-s{args.data_seed}", stream_seed=args.data_seed, frames=args.synthetic,
                width=args.width, ext="jpg")
    if args.domain != "train":  # (the training domain's spec stays as before: existing folders resume)
        from .data.anny_scene import DOMAIN_PEOPLE
        spec.update(name=f"anny-{args.domain}-s{args.data_seed}", domain=args.domain, **DOMAIN_PEOPLE[args.domain])
    out = args.out or (DEFAULT_CACHE / f"{spec['name']}-n{args.synthetic}")
    fp = write_scenes(out, spec, workers=args.workers, shard_size=args.shard_size)
    preview(out, Path(out) / "preview.png")
    print(f"{args.synthetic} frames in {out} (fingerprint {fp}); contact sheet {Path(out) / 'preview.png'}")
    return 0


def cmd_spdh_roundtrip(args) -> int:
    import numpy as np

    from .train.targets import roundtrip_error_mm
    cfg = _spdh_config(args)
    for refine in (False, True):
        e = roundtrip_error_mm(cfg, n=args.n, refine=refine)
        print(f"{'soft-argmax' if refine else 'integer argmax'}: mean {e.mean():.2f} mm, "
              f"p95 {np.percentile(e, 95):.2f} mm, max {e.max():.2f} mm (n={args.n}, input {cfg.width}x{cfg.height}, grid {cfg.grid_w}x{cfg.grid_h}, "
              f"sigma {cfg.sigma_mm:g} mm, bins {cfg.z_min}-{cfg.z_max} m, canonical fx {cfg.canonical_fx:g})")
    return 0


def cmd_evaluate_temporal(args) -> int:
    """Jitter and accuracy over sequences with ground truth (a turning camera over labelled frames,
    or rendered moving people), raw and with the node's One-Euro smoothing; with --tracking also the
    node's detector + tracker identities."""
    import itertools

    from .estimator import PoseEstimator
    from .smooth import SkeletonSmoother
    from .train.temporal_eval import predict_motion, predict_sequences, score_sequences, score_tracking
    if bool(args.data) == bool(args.motion):
        raise SystemExit("evaluate-temporal: give --data DIR (turning camera) or --motion (moving people), not both")
    est = PoseEstimator.from_checkpoint(args.checkpoint, device="cpu", min_confidence=args.min_confidence)
    if args.motion:
        from .data.anny_motion import AnnyMotion
        gen = AnnyMotion(seed=args.seed, width=args.width, length=args.length, fps=args.fps,
                         keep=args.sequences if args.tracking else 0)
        seqs = predict_motion(est, gen, args.sequences)
        source = (f"{args.sequences} rendered sequences of {args.length} frames at {args.fps:g} Hz "
                  f"(`pipose_ros.data.anny_motion.AnnyMotion`, seed {args.seed}, {args.width} px wide): a fixed "
                  "camera, 1–3 people whose poses swing between two poses of a family, about half walking at "
                  "0.4–1.4 m/s, the others turning on the spot; ground-truth boxes")
    else:
        seqs = predict_sequences(est, args.data, args.sequences, args.length, args.fps, args.amplitude,
                                 args.period, args.noise, args.seed)
        source = (f"{args.sequences} sequences of {args.length} frames at {args.fps:g} Hz, each one labelled frame "
                  f"of `{args.data}` seen by a camera yawing ±{args.amplitude:g}° (period {args.period:g} s, random "
                  f"phase), Gaussian pixel noise σ {args.noise:g}; ground-truth boxes; people stand still")
    rows = {"raw": score_sequences(seqs, None)}
    settings = (list(itertools.product(args.grid_min_cutoff, args.grid_beta, args.grid_beta_depth)) if args.grid
                else [(args.min_cutoff, args.beta, args.beta_depth)])
    for mc, b, bd in settings:
        rows[f"one-euro min_cutoff {mc:g} Hz, beta {b:g}, beta_depth {bd:g}"] = dict(
            score_sequences(seqs, SkeletonSmoother(mc, b, bd)), min_cutoff=mc, beta=b, beta_depth=bd)
    for name, r in rows.items():
        print(f"{name:>48}: MPJPE {r['mpjpe_cm']:.2f} cm, root depth {r['root_depth_cm']:.2f}, root-relative "
              f"{r['rr_mpjpe_cm']:.2f} cm, 2D {r['uv_error_px']:.2f} px, jitter {r['jitter_cm']:.2f} cm/frame² "
              f"(ground truth's {r['gt_jitter_cm']:.2f}), {r['people_frames']} people-frames")
    smoothed = [k for k in rows if k != "raw"]
    chosen = min(smoothed, key=lambda k: rows[k]["mpjpe_cm"])
    if args.grid:
        no_worse = [k for k in smoothed if rows[k]["mpjpe_cm"] <= rows["raw"]["mpjpe_cm"]]
        print(f"lowest MPJPE: {chosen}")
        if no_worse:
            print(f"lowest jitter with MPJPE no worse than raw: {min(no_worse, key=lambda k: rows[k]['jitter_cm'])}")
    res = {"command": "pipose " + shlex.join(sys.argv[1:]), "checkpoint": str(args.checkpoint), "rows": rows,
           "chosen": chosen, "source": source}
    if args.tracking:
        if not args.motion:
            raise SystemExit("evaluate-temporal: --tracking needs --motion (people who move)")
        from .params import body_tracker, defaults, person_finder

        p = {**defaults(), "max_people": args.max_people, "detector_body": args.body_detector}
        finder = person_finder(p, crop_model=True)  # the node's pipeline with its defaults
        tseqs = predict_motion(est, gen, args.sequences, finder=finder, max_people=args.max_people,
                               tracker_factory=lambda: body_tracker(p))
        res["tracking"] = score_tracking(tseqs)
        t = res["tracking"]
        print(f"node pipeline (detector, tracking mode, tracker): {t['matched_pct']:.1f} % of {t['people_frames']} "
              f"people-frames matched, {t['false_positives']} false positives, {t['id_switches']} id switches over "
              f"{t['people']} people ({t['id_switches_per_person']:.2f} per person)")
    _write_json(args.json, res)
    if args.record:
        from .report import machine, today, update_json, update_md_section
        p = args.record
        update_json({f"{p}.raw": rows["raw"], f"{p}.smoothed": rows[chosen], f"{p}.command": res["command"],
                     f"{p}.date": today(), f"{p}.checkpoint": str(args.checkpoint),
                     **({f"{p}.tracking": res["tracking"]} if "tracking" in res else {})})
        L = [f"### Jitter: `{args.checkpoint}` on {'moving people' if args.motion else 'a turning camera'}", "",
             f"`{res['command']}` — {today()}, {machine()}. {source} (`pipose_ros.train.temporal_eval`). Jitter: mean "
             "|second difference| of the joints minus the ground truth's, cm per frame²; root-relative MPJPE: the "
             "pose about the mid-hip (where a lag behind moving limbs shows).", "",
             "| skeletons | MPJPE (cm) | root depth error (cm) | root-relative MPJPE (cm) | 2D error (px) | jitter "
             "(cm/frame²) | people-frames |", "|---|---|---|---|---|---|---|"]
        for name, r in rows.items():
            L.append(f"| {name} | {r['mpjpe_cm']:.2f} | {r['root_depth_cm']:.2f} | {r['rr_mpjpe_cm']:.2f} | "
                     f"{r['uv_error_px']:.2f} | {r['jitter_cm']:.2f} | {r['people_frames']} |")
        L += ["", f"Ground truth's own jitter: {rows['raw']['gt_jitter_cm']:.2f} cm/frame²."]
        if "tracking" in res:
            t = res["tracking"]
            L += ["", f"The node's pipeline on the same sequences (BlazePose detector in tracking mode, "
                      f"`estimate_people`, `BodyTracker`; as the node's defaults): **{t['matched_pct']:.1f} %** of "
                      f"{t['people_frames']} people-frames (people with ≥ 4 visible joints) matched, "
                      f"{t['false_positives']} false positives, **{t['id_switches']} id switches** over {t['people']} "
                      f"people ({t['id_switches_per_person']:.2f} per person)."]
        if args.note:
            L += ["", args.note]
        update_md_section(p, "\n".join(L))
    return 0


def cmd_curves(args) -> int:
    """Learning curves of a training run (loss, validation MPJPE) → PNG."""
    from .train.curves import plot_curves
    last = plot_curves(args.run, args.out, args.title)
    print(f"wrote {args.out}" + (f"; last validation: {last}" if last else ""))
    return 0


def cmd_train_detector(args) -> int:
    """Train the whole-body person detector on rendered people and export it to ONNX."""
    from .train.body_detector import export_body_detector, train_body_detector

    row = train_body_detector(args.data, args.val, args.out, steps=args.steps, batch=args.batch, lr=args.lr,
                              seed=args.seed, threads=args.threads, zoom=tuple(args.zoom), init=args.init)
    print(f"last validation: {row}")
    onnx = export_body_detector(args.out, args.out.with_suffix(".onnx"))
    print(f"wrote {args.out} and {onnx}")
    return 0


def cmd_realcheck_depth(args) -> int:
    """The depth teacher on a real registered RGB-D frame, scored against depth-lifted MediaPipe."""
    from .estimator import PoseEstimator
    from .label.realcheck import RGBD_POSE3D_K, realcheck_depth
    est = PoseEstimator.from_checkpoint(args.teacher, device="cpu", min_confidence=0.0)
    student = PoseEstimator.from_checkpoint(args.student, device="cpu", min_confidence=0.0) if args.student else None
    K4 = args.K or (RGBD_POSE3D_K if args.rgbd_pose3d else None)
    res = realcheck_depth(args.folder, est, K4=K4, block=args.block, out_png=args.png,
                          min_confidence=args.min_confidence, student=student, box_scales=args.box_scales)
    res["command"] = "pipose " + " ".join(sys.argv[1:])
    res["checkpoint"] = str(args.teacher)
    for r in res["people"]:
        print(f"person {r['id']}: found {r['found']}, confidence {r.get('confidence')}, pseudo-GT joints "
              f"{r['pseudo_gt_joints']}, median error {r.get('median_error_cm')} cm, mean {r.get('mean_error_cm')} cm")
    print(f"people found {res['people_found']}/{res['people_detected']}; median joint error {res['median_error_cm']} cm; "
          f"mean signed z (teacher - pseudo GT) {res['mean_signed_dz_cm']} cm; overlay {args.png}")
    if student is not None:
        for r in res["people"]:
            print(f"person {r['id']}: student (RGB) neck distance {r.get('student_root')}")
        print(f"student root distance: median relative error {res['student_root_rel_error_pct']} % over "
              f"{res['student_root_people']} people (target ≤ 15 %)")
        print(f"rgbd output (student 2D + teacher depths anchored to the depth): median joint error "
              f"{res['rgbd_output_median_error_cm']} cm against the pseudo ground truth, per person "
              f"{[r.get('rgbd_output', {}).get('median_error_cm') for r in res['people']]} (the pseudo ground truth "
              "is lifted from the same depth: a check of the 2D and the anchoring)")
        for f, r in res["student_root_by_box_scale"].items():
            print(f"boxes x{f}: student root distance signed error % per person {r['signed_error_pct']}, "
                  f"median |error| {r['median_abs_error_pct']} %")
    _write_json(args.json, res)
    if args.record:
        from .report import machine, today, update_json, update_md_section
        update_json({"real_depth_frame.median_error_cm": res["median_error_cm"],
                     "real_depth_frame.people_found": res["people_found"],
                     "real_depth_frame.people_detected": res["people_detected"],
                     "real_depth_frame.mean_error_cm": res["mean_error_cm"],
                     "real_depth_frame.mean_signed_dz_cm": res["mean_signed_dz_cm"],
                     "real_depth_frame.per_person": res["people"], "real_depth_frame.command": res["command"],
                     "real_depth_frame.date": today(), "real_depth_frame.checkpoint": str(args.teacher),
                     "real_depth_frame.verdict": args.note})
        if student is not None:
            update_json({"real_depth_frame.student_root_rel_error_pct": res["student_root_rel_error_pct"],
                         "real_depth_frame.student_root_people": res["student_root_people"],
                         "real_depth_frame.student_checkpoint": str(args.student)})
        L = ["### The depth teacher on a real Kinect v2 frame", "",
             f"`{res['command']}` — {today()}, {machine()}. Frame: `lmb-freiburg/rgbd-pose3d` "
             f"color.png + depth.png ({res['image_size'][0]}×{res['image_size'][1]}, {res['depth_valid_fraction'] * 100:.1f} % "
             f"valid depth pixels; {res['dense_valid_fraction'] * 100:.1f} % after the {res['densify_block']}×"
             f"{res['densify_block']} block median). Pseudo ground truth: MediaPipe Pose 2D lifted by the real depth "
             "(`pipose label`'s lifting, surface-to-centre offsets added).", "",
             "| person | found | confidence | pseudo-GT joints | median error (cm) | mean error (cm) | neck z teacher / pseudo GT (m) |",
             "|---|---|---|---|---|---|---|"]
        for r in res["people"]:
            nz = r.get("neck_z_m") or {}
            L.append(f"| {r['id']} | {r['found']} | {r.get('confidence')} | {r['pseudo_gt_joints']} | "
                     f"{r.get('median_error_cm')} | {r.get('mean_error_cm')} | {nz.get('teacher')} / {nz.get('pseudo_gt')} |")
        L += ["", f"People found: **{res['people_found']} of {res['people_detected']}** detected by MediaPipe; median joint "
              f"error over found people **{res['median_error_cm']} cm** (mean {res['mean_error_cm']} cm); mean signed "
              f"z difference teacher − pseudo GT {res['mean_signed_dz_cm']} cm."]
        if student is not None:
            L += ["", f"Absolute 3D from RGB alone: the student (`{args.student}`) on the colour image, same boxes — the "
                  "neck's distance from the camera against the depth-lifted pseudo ground truth: " + "; ".join(
                      f"person {r['id']} {r['student_root']['distance_m']} vs {r['student_root']['pseudo_gt_m']} m "
                      f"({r['student_root']['rel_error_pct']} %)" for r in res["people"] if r.get("student_root"))
                  + f". Median relative error **{res['student_root_rel_error_pct']} %** (target ≤ 15 %)."]
        if args.note:
            L += ["", f"Looking at the overlay (`{args.png}`): {args.note}"]
        update_md_section("real-depth-frame", "\n".join(L))
    return 0


def cmd_realcheck_2d(args) -> int:
    """2D PCK@0.2 on real labelled photos, the student and MediaPipe Pose full on the same boxes."""
    from .estimator import PoseEstimator
    from .label import mediapipe_python
    from .label.realcheck2d import pretrained_heatmaps, run
    if args.blazepose_heatmaps:
        res = pretrained_heatmaps(args.folder, args.blazepose_heatmaps)
        res["command"] = "pipose " + " ".join(sys.argv[1:])
        for size, r in res["sizes"].items():
            print(f"BlazePose GHUM heatmaps (pretrained, no training), {size}x{size} crops: "
                  f"PCK@0.2 {r['pck02']:.1f} % ({res['people']} people)")
        _write_json(args.json, res)
        return 0
    est = PoseEstimator.from_checkpoint(args.checkpoint, device="cpu", min_confidence=0.0)
    py = None if args.gray else mediapipe_python()
    if py is None and not args.gray:
        print("MediaPipe not found (make label-env): scoring the student only", file=sys.stderr)
    res = run(args.folder, est, py, gray=args.gray)
    res["command"] = "pipose " + " ".join(sys.argv[1:])
    res["checkpoint"] = str(args.checkpoint)
    if args.gray:
        print(f"{res['people']} people, photos turned grey: {est.kind} PCK@0.2 {res['student']['pck02']:.1f} %")
        _write_json(args.json, res)
        if args.record:
            from .report import today, update_json
            update_json({"real_2d.gray_pck02": round(res["student"]["pck02"], 1), "real_2d.gray_command": res["command"],
                         "real_2d.gray_date": today()})
        return 0
    mpf = res["mediapipe_full"]
    print(f"{res['people']} people: {est.kind} PCK@0.2 {res['student']['pck02']:.1f} %"
          + (f", MediaPipe Pose full {mpf['pck02']:.1f} %" if mpf else ""))
    for j, v in res["student"]["per_joint"].items():
        if v is not None:
            print(f"  {j:15s} {est.kind} {v:5.1f} %" + (f"  MediaPipe full {mpf['per_joint'][j]:5.1f} %" if mpf else ""))
    _write_json(args.json, res)
    if args.record:
        from .report import machine, today, update_json, update_md_section
        update_json({"real_2d.pck02": round(res["student"]["pck02"], 1),
                     "real_2d.mediapipe_full_pck02": round(mpf["pck02"], 1) if mpf else None,
                     "real_2d.people": res["people"], "real_2d.command": res["command"],
                     "real_2d.date": today(), "real_2d.checkpoint": str(args.checkpoint)})
        L = ["### 2D joints on real labelled photos (PCK@0.2)", "",
             f"`{res['command']}` — {today()}, {machine()}. Photos: open-mmlab/mmpose `tests/data` coco + mpii "
             f"(real COCO / MPII images with 2D labels, kept in a git-ignored cache), {res['people']} people with "
             "a labelled torso; every method sees the same window around the labelled person box. "
             "Threshold 0.2 × torso (left shoulder to right hip).", "",
             "| joint | student | MediaPipe Pose full |", "|---|---|---|"]
        for j, v in res["student"]["per_joint"].items():
            if v is not None:
                L.append(f"| {j} | {v:.1f} | {mpf['per_joint'][j]:.1f} |" if mpf else f"| {j} | {v:.1f} | — |")
        L.append(f"| **all** | **{res['student']['pck02']:.1f}** | **{mpf['pck02']:.1f}** |" if mpf else
                 f"| **all** | **{res['student']['pck02']:.1f}** | not run |")
        L += ["", "MediaPipe Pose heavy is not in the offline mediapipe 0.10.14 wheel and was not run."]
        update_md_section("real-2d", "\n".join(L))
    return 0


def cmd_ship_teacher(args) -> int:
    """Ship a depth-teacher run as the node's rgbd-mode teacher, model card section from its numbers."""
    from .study import ship_teacher
    dst = ship_teacher(args.run, args.models, args.results, args.curves, card_only=args.card_only)
    print(("" if args.card_only else f"shipped {args.run} as {dst}; ")
          + f"{Path(args.models) / 'MODEL_CARD.md'} teacher section rewritten")
    return 0


def _recorded_checkpoint(checkpoint) -> dict | None:
    """A recorded checkpoint's contents (``weights_only=True``), loaded once per table; None when the
    file is gone."""
    if not checkpoint or not Path(checkpoint).is_file():
        return None
    import torch
    return torch.load(checkpoint, map_location="cpu", weights_only=True)


def _backbone(ck: dict | None) -> str:
    """The backbone named in a recorded checkpoint's model config ("?" when the file is gone)."""
    return "?" if ck is None else str(ck.get("model", {}).get("backbone", "?"))


def _total_steps(ck: dict | None) -> int | None:
    """Optimisation steps × batch behind a recorded checkpoint, its ``--init`` runs included (samples
    seen); None when the file is gone or a run's steps were not recorded."""
    if ck is None:
        return None
    from .train.config import init_chain
    t = ck.get("training", {})
    runs = [t] + init_chain(t)
    if any("steps" not in r or "batch_size" not in r for r in runs):
        return None
    return int(sum(r["steps"] * r["batch_size"] for r in runs))


def _recipe(ck: dict | None) -> tuple[str, str]:
    """("steps × batch", "W×H" input) of a recorded checkpoint's training summary; a fine-tuned
    run shows the steps of the runs it started from first, oldest first ("1000 + 400 × 16"); ("—",
    "—") when the file is gone."""
    if ck is None:
        return "—", "—"
    from .train.config import init_chain
    t = ck.get("training", {})
    before = [str(p.get("steps", "`--init`")) for p in reversed(init_chain(t))]
    steps = "".join(f"{b} + " for b in before) + f"{t.get('steps', '?')} × {t.get('batch_size', '?')}"
    w, h = ck.get("input_size", ("?", "?"))
    return steps, f"{w}×{h}"


def cmd_table_v2(args) -> int:
    """The PI table on pipose-synth-v2 from the recorded rows (``synth_v2.<row>_*`` in
    docs/results.json): MPJPE / mAP@10 per row and the share of the baseline → teacher gap that
    the student (and the control, F_hall only) closes; writes ``synth_v2.gap_closed_pct`` and the
    RESULTS.md section ``synth_v2.table``."""
    from .report import RESULTS_JSON, today, update_json, update_md_section
    v2 = json.loads(Path(RESULTS_JSON).read_text()).get("synth_v2", {})
    keys = ("teacher", "baseline", "hall_only", "student", "control")
    cks = {key: _recorded_checkpoint(v2.get(key + "_checkpoint")) for key in keys}
    rows = [("teacher", f"depth teacher (F_depth: {_backbone(cks['teacher'])}, depth crops)"),
            ("baseline", "RGB baseline (F_rgb, same pretrained init, L_PE only)"),
            ("hall_only", "F_hall only (L_PE + L_PI)"), ("student", "F_rgb ‖ F_hall (L_PE + L_PI), the student"),
            ("control", "RGB-teacher control (F_rgb ‖ F_hall distilled from the RGB baseline)")]
    t, b = v2.get("teacher_mpjpe_cm"), v2.get("baseline_mpjpe_cm")
    recipe = {key: _recipe(cks[key]) for key in keys}
    # a row trained at another input size than the baseline is another recipe: no gap against it
    other = lambda r: "—" not in (recipe[r][1], recipe["baseline"][1]) and recipe[r][1] != recipe["baseline"][1]  # noqa: E731
    gap = lambda r: (None if None in (t, b, v2.get(f"{r}_mpjpe_cm")) or b == t or other(r)  # noqa: E731
                     else round(100 * (b - v2[f"{r}_mpjpe_cm"]) / (b - t), 1))
    L = ["### The PI table on pipose-synth-v2 (issue 10)", "",
         f"`pipose table-v2` — {today()}, from the rows recorded by `pipose evaluate --record synth_v2.<row>` "
         "(ground-truth boxes; each row's command and checkpoint are in docs/results.json). One seed per row "
         "unless stated; rows not run are marked so.", "",
         "| row | MPJPE (cm) | mAP@10 (%) | PA-MPJPE (cm) | RR-MPJPE (cm) | gap closed (%) | training steps × batch | "
         "input | checkpoint |", "|---|---|---|---|---|---|---|---|---|"]
    fmt = lambda v, f=".2f": "not run" if v is None else format(v, f)  # noqa: E731
    seen = {key: _total_steps(cks[key]) for key in keys}
    unmatched = []
    for key, label in rows:
        g = gap(key) if key not in ("teacher", "baseline") else None
        gs = "— (other input size than the baseline's)" if key not in ("teacher", "baseline") and other(key) else (
            "—" if g is None else g)
        if g is not None and None not in (seen[key], seen["baseline"]) and seen[key] != seen["baseline"]:
            gs = f"{g} (not matched: {seen[key] / seen['baseline']:.1f}× the baseline's training samples)"
            unmatched.append(key)
        ck = v2.get(key + "_checkpoint")
        L.append(f"| {label} | {fmt(v2.get(key + '_mpjpe_cm'))} | {fmt(v2.get(key + '_map10'), '.1f')} | "
                 f"{fmt(v2.get(key + '_pa_mpjpe_cm'))} | {fmt(v2.get(key + '_rr_mpjpe_cm'))} | "
                 f"{gs} | {recipe[key][0]} | {recipe[key][1]} | `{ck or '—'}` |")
    L += ["", "Gap closed = (baseline − row) / (baseline − teacher) on MPJPE. RR-MPJPE: root-relative (neck "
          "aligned), where the privileged depth shows without the absolute-depth error. Target (issue 10): "
          "student ≤ 12 cm, the student closes ≥ 67 % of the gap and the control less, ≥ 3 seeds for the main rows."]
    if unmatched:
        L += ["", "Not matched: a row trained on more (or fewer) samples than the baseline — its `--init` runs "
              "counted — closes part of the gap by training longer, not only by its losses; a matched table "
              "trains every row for the same steps from the same initialisation."]
    update_json({"synth_v2.gap_closed_pct": gap("student"), "synth_v2.gap_closed_control_pct": gap("control"),
                 "synth_v2.gap_closed_hall_only_pct": gap("hall_only")})
    update_md_section("synth_v2.table", "\n".join(L))
    print("\n".join(L))
    return 0


def cmd_ship_student(args) -> int:
    """Ship an RGB student run (and its baseline) as the node's default, model card from the numbers."""
    from .study import ship_student
    for dst in ship_student(args.run, args.baseline, args.models, args.results, args.curves):
        print(f"shipped {dst}")
    print(f"{Path(args.models) / 'MODEL_CARD.md'} RGB section rewritten")
    return 0


def cmd_demo(args) -> int:
    from .tools.demo import run
    s = run(args.out, rate=args.rate, seconds=args.seconds, n_synth=args.synthetic,
            checkpoint=args.checkpoint, teacher=args.teacher, seq_rate=args.seq_rate)
    ok = all(s.get(k, {}).get("frames_out", 0) > 0 for k in ("astronaut", "camera", "synthetic_rgbd"))
    ok &= s.get("synthetic_rgbd", {}).get("rgbd_output", {}).get("frames_out", 0) > 0
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
    t.add_argument("--backbone", default="hrnet_w18_small",
                   choices=["hrnet_w18_small", "hrnet_w18_small_v2", "efficientnet_lite0", "blazepose_full"],
                   help="F_rgb / F_hall (a depth teacher is SmallHRNet): hrnet_* from scratch (seed 000), "
                        "efficientnet_lite0 (ImageNet) or blazepose_full (BlazePose GHUM, real people); "
                        "docs/BACKBONES.md")
    t.add_argument("--hall-only", action="store_true", help="student without F_rgb (F_hall only)")
    t.add_argument("--distill-stage", default=None, choices=["last", "mid", "s4"],
                   help="features L_PI compares: last (fused stride-4 embedding, seed 000; the default for SmallHRNet "
                        "and EfficientNet), mid (stride 16, seed 001), s4 (the backbone's stride-4 map: BlazePose's 48 "
                        "decoder channels without its heatmap logits; the default for blazepose_full); with --init "
                        "from a student its stage unless given")
    t.add_argument("--uv-prior", action="store_true",
                   help="blazepose_full: add BlazePose's own joint heatmaps (learnt on real photos) to the uv "
                        "maps; the head learns a residual (docs/BACKBONES.md). With --init from a model without "
                        "it, the uv predictors restart near zero")
    t.add_argument("--column-uz", action="store_true",
                   help="add the per-column depth-bin branch to the uz maps (pipose_ros.model.nets.ColumnDepthBins; "
                        "a deviation from seed 000's head); with --init from a model without it, the branch starts "
                        "near zero and the rest loads")
    t.add_argument("--head-stride", type=int, default=1, choices=[1, 2, 4],
                   help="SPDH output grid stride: 1 = input resolution (seed 000), 2 = half (about 2x "
                        "cheaper to train; the uz map gets H/2 depth bins)")
    t.add_argument("--steps", type=int, default=TrainConfig.steps)
    t.add_argument("--sigma-mm", type=float, default=TRAINING_SPDH.sigma_mm,
                   help="SPDH Gaussian sigma, mm (seed 000: 50; 100 learns faster at 128x96)")
    t.add_argument("--canonical-fx", type=float, default=TRAINING_SPDH.canonical_fx,
                   help="SPDH canonical focal length in network pixels (0 = metric SPDH of seed 000)")
    t.add_argument("--z-range", type=float, nargs=2, metavar=("MIN", "MAX"),
                   help="uz depth-bin range, m (default 0.3 7.8 canonical, 0.5 6.2 metric)")
    t.add_argument("--batch-size", type=int, default=TrainConfig.batch_size)
    t.add_argument("--lr", type=float, default=None,
                   help=f"learning rate (default TrainConfig.lr = {TrainConfig.lr:g}; with --init FINETUNE_LR = "
                        f"{FINETUNE_LR:g})")
    t.add_argument("--backbone-lr", type=float, default=None,
                   help="learning rate of F_rgb / F_depth as a fraction of --lr (0 = frozen; the SPDH head and "
                        "F_hall always at --lr): keeps what a backbone pretrained on real photos knows; default "
                        f"{TrainConfig.backbone_lr:g}, or with --init the value the checkpoint was trained with")
    t.add_argument("--warmup", type=float, default=None,
                   help=f"fraction of steps with a linear learning-rate warm-up (default 0; with --init "
                        f"FINETUNE_WARMUP = {FINETUNE_WARMUP:g})")
    t.add_argument("--alpha", type=float, default=TrainConfig.alpha,
                   help="L_PI weight (default: L_PI 14-25 %% of the loss at the start, docs/RESULTS.md)")
    t.add_argument("--fg-weight", type=float, default=TrainConfig.fg_weight,
                   help="L_PE foreground weight, 1 + w*H_gt per pixel (0 = seed 000 plain MSE)")
    t.add_argument("--coord-weight", type=float, default=TrainConfig.coord_weight,
                   help="weight of the integral 3D loss beside L_PE: soft-argmax of the maps lifted to metres, "
                        "mean joint distance (Sun et al. 2018; 0 = off, seed 000)")
    t.add_argument("--coord-beta", type=float, default=TrainConfig.coord_beta,
                   help="softmax inverse temperature of that soft-argmax (default %(default)s)")
    t.add_argument("--alpha-ramp", type=float, default=TrainConfig.alpha_ramp, help="fraction of steps to ramp alpha up")
    t.add_argument("--pi-loss", default="l2", choices=["l2", "huber"])
    t.add_argument("--pi-sigmoid", action="store_true")
    t.add_argument("--attention", action="store_true",
                   help="weight L_PI by an attention map around the projected GT joints (seed 001 eq. 4.27)")
    t.add_argument("--mask-weight", type=float, default=TrainConfig.mask_weight,
                   help="weight of the foreground-mask loss from depth (seed 003 eq. 3; 0 = off)")
    t.add_argument("--pe-mask", default="in_image", choices=["in_image", "visible", "known"],
                   help="L_PE joints: known and in view (default; occluded synthetic joints keep exact labels), "
                        "also not occluded (seed 000's visibility mask), or every known joint, in view or not "
                        "(the network learns a low confidence for joints out of its crop)")
    t.add_argument("--pe-out-weight", type=float, default=TrainConfig.pe_out_weight,
                   help="with --pe-mask known: L_PE weight of a joint out of the crop (in-view joints 1)")
    t.add_argument("--lr-symmetric", type=float, default=TrainConfig.lr_symmetric,
                   help="share of L_PE (0-1) that ignores which map of a left/right pair holds which side, so "
                        "a network that cannot tell them apart still draws both limbs (0 = seed 000's L_PE)")
    t.add_argument("--seed", type=int, default=0, help="training seed (init, batches, augmentation)")
    t.add_argument("--workers", type=int, default=0, help="data-loading worker processes")
    t.add_argument("--device", default="auto")
    t.add_argument("--save-every", type=int, default=TrainConfig.save_every, help="steps between resumable snapshots")
    t.add_argument("--stop-after", type=int, help="stop after this many steps (resume later with the same command)")
    t.add_argument("--no-resume", action="store_true", help="ignore and delete an existing OUT.partial.pt")
    t.add_argument("--keep-config", action="store_true",
                   help="with --init: use the command line's SPDH geometry instead of the checkpoint's")
    t.add_argument("--eval-synthetic", type=int, default=0, metavar="N", help="evaluate on N held-out frames")
    t.add_argument("--eval-seed", type=int, default=1000)
    t.add_argument("--eval-data", type=Path, metavar="FOLDER", help="evaluate on this dataset folder")
    t.add_argument("--val-data", type=Path, metavar="FOLDER",
                   help="held-out folder for the learning curve (validation MPJPE every --val-every steps)")
    t.add_argument("--val-every", type=int, default=250)
    t.add_argument("--bg-dropout", type=float, default=TrainConfig.bg_dropout,
                   help="teacher: chance of dropping all depth off the person (outdoor sensors)")
    t.add_argument("--val-frames", type=int, default=300, help="frames of --val-data used")
    t.add_argument("--zoom", type=float, default=TrainConfig.zoom,
                   help="magnification augmentation: log-uniform in [1/(1+Z), 1+Z] about the principal point, K "
                        "scaled with it (the person's size in the crop varies, the distance does not; default "
                        "%(default)s)")
    t.add_argument("--gray", type=float, default=TrainConfig.gray,
                   help="chance of a sample's RGB turned grey (robots with monochrome cameras send mono8; "
                        "default %(default)s)")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("evaluate", help="MPJPE / mAP@6,8,10 / PA-MPJPE of checkpoints on held-out data")
    _add_data_args(e, 500, 1000)
    e.add_argument("checkpoints", nargs="+", type=Path)
    e.add_argument("--json", type=Path, help="write all metrics here")
    e.add_argument("--no-refine", action="store_true", help="integer-argmax decoding")
    e.add_argument("--record", metavar="PREFIX",
                   help="multi-person folders: write the first checkpoint's metrics to docs/results.json "
                        "(PREFIX_mpjpe_cm, PREFIX_map10, …; e.g. synth_v2.teacher) and docs/RESULTS.md")
    e.add_argument("--min-confidence", type=float, default=0.1,
                   help="multi-person folders: skeletons below this mean confidence are not reported")
    e.add_argument("--detector", choices=["gt", "blazepose", "blazepose+body"], default="gt",
                   help="multi-person folders: person boxes from the ground truth (pose alone), from the "
                        "BlazePose person detector, or from it and the whole-body detector (detection + pose, as in "
                        "the node with detector_body true/false)")
    e.add_argument("--rgbd-anchor", type=Path, metavar="TEACHER",
                   help="multi-person folders, RGB checkpoints: score the node's rgbd output — TEACHER on the same boxes "
                        "of the frame's depth, each student skeleton anchored to the measured depth (pipose_ros.anchor)")
    e.add_argument("--min-depth-support", type=float, default=0.3, metavar="F",
                   help="multi-person folders, depth teacher: report a person only when the measured depth shows F of "
                        "its skeleton's in-image joints (the node's teacher_min_depth_support; 0 = every skeleton, "
                        "as before session 19; pipose_ros.estimator)")
    e.add_argument("--flip-test", action="store_true",
                   help="multi-person folders: average each crop's maps with its mirror image's (the node's flip_test; "
                        "twice the network time; pipose_ros.estimator)")
    e.add_argument("--box-scale", type=float, default=1.0, metavar="F",
                   help="multi-person folders, ground-truth boxes: grow (> 1) or shrink them by F about their centres "
                        "before cropping (how much a looser or tighter detector box moves the distance)")
    e.add_argument("--backend", choices=["auto", "onnxruntime", "torch"], default="auto",
                   help="multi-person folders: auto = the checkpoint's current X.onnx beside it on ONNX Runtime, "
                        "else torch; onnxruntime exports a fresh training run into ~/.cache/pipose_ros/onnx first "
                        "(several times faster on a CPU; pipose_ros.backends)")
    e.add_argument("--relative-depth-gain", type=float, metavar="G",
                   help="multi-person folders: override the model file's relative-depth gain (0 … 1; "
                        "pipose_ros.spdh.shrink_relative_depth; default: the file's, 1 when it has none)")
    e.add_argument("--size-prior-weight", type=float, metavar="W",
                   help="multi-person folders, RGB checkpoints: override the model file's body-size prior weight (0 … 1; "
                        "pipose_ros.spdh.apply_size_prior; default: the file's, 0 when it has none)")
    e.add_argument("--floor", action="store_true",
                   help="multi-person synthetic folders: refine each person's distance with the ground-plane prior "
                        "(pipose_ros.floor), the floor known from each frame's camera height and pitch — as the node's "
                        "floor_camera_height / floor_camera_pitch parameters give it on a robot")
    e.add_argument("--floor-mount", type=Path, metavar="FLOOR_JSON",
                   help="with --floor: one mount for every frame, as `pipose floor` measured it from a recording "
                        "(its floor.json; height, pitch, roll and the angular uncertainty the node would use)")
    e.add_argument("--floor-sigma", type=float, metavar="DEG",
                   help="with --floor: the prior's angular uncertainty, degrees (the node's floor_angle_sigma; "
                        "default: 0.57, or the --floor-mount file's)")
    e.set_defaults(func=cmd_evaluate)

    td = sub.add_parser("tune-decode", help="choose a model's relative-depth gain and body-size prior on validation data (--write: "
                                            "store it in the checkpoint and re-export its ONNX files)")
    td.add_argument("checkpoint", type=Path)
    td.add_argument("--data", type=Path, required=True, metavar="FOLDER",
                    help="a multi-person validation folder (never the benchmark you report on)")
    td.add_argument("--max-frames", type=int, default=480, help="frames of FOLDER used (default %(default)s)")
    td.add_argument("--gains", type=float, nargs="+", default=[0.0, 0.25, 0.5, 0.75, 1.0],
                    help="gains tried, each in [0, 1] (default %(default)s)")
    td.add_argument("--size-weights", type=float, nargs="+", default=[0.0, 0.2, 0.4, 0.5, 0.6, 0.8, 1.0],
                    help="RGB models: body-size prior weights tried, each in [0, 1] (pipose_ros.spdh.apply_size_prior; "
                         "default %(default)s; a depth teacher keeps 0)")
    td.add_argument("--flip-test", action="store_true",
                    help="tune on flip-test outputs (pipose_ros.estimator; the node's flip_test)")
    td.add_argument("--backend", choices=["auto", "onnxruntime", "torch"], default="onnxruntime",
                    help="as for evaluate (default %(default)s: a fresh run is exported to the cache first)")
    td.add_argument("--min-confidence", type=float, default=0.1,
                    help="skeletons below this mean confidence are not reported (default %(default)s)")
    td.add_argument("--min-visible", type=int, default=4,
                    help="people with fewer visible joints do not count (default %(default)s, as evaluate)")
    td.add_argument("--json", type=Path, help="write the table and the choice here")
    td.add_argument("--write", action="store_true", help="store the choice in the checkpoint's decode settings")
    td.set_defaults(func=cmd_tune_decode)

    ts = sub.add_parser("testset", help="render a versioned benchmark: pipose-synth-v1 (2000 capsule frames) "
                        "or, with --v2, pipose-synth-v2 (3200 Anny frames, 1-4 people)")
    ts.add_argument("--v2", action="store_true", help="pipose-synth-v2 (Anny scenes; resumable)")
    ts.add_argument("--workers", type=int, help="render processes (default: all cores)")
    ts.add_argument("--out", type=Path, help=f"folder (default {DEFAULT_CACHE}/pipose-synth-v1)")
    ts.add_argument("--frames", type=int, help="only the first N frames (a smaller, differently named set)")
    ts.add_argument("--size", type=int, nargs=2, metavar=("W", "H"), help="render size (not the benchmark)")
    ts.add_argument("--stream-seed", type=int, help="synthetic stream (not the benchmark)")
    ts.add_argument("--overwrite", action="store_true")
    ts.set_defaults(func=cmd_testset)

    from .tools.record import add_args as record_args
    rc = sub.add_parser("record", help="record RGB, depth, camera_infos and /tf_static to a rosbag2 (MCAP) with rclpy")
    record_args(rc)
    rc.set_defaults(func=cmd_record)

    from .tools.synthetic_camera import add_args as cam_args
    sc = sub.add_parser("synthetic-camera", help="publish synthetic RGB-D like a camera driver (image, depth, infos, /tf_static)")
    cam_args(sc)
    sc.set_defaults(func=cmd_synthetic_camera)

    br = sub.add_parser("bench-record", help="measure pipose record at 30 Hz 640x480 RGB-D (published vs written)")
    br.add_argument("--seconds", type=float, default=20.0)
    br.add_argument("--rate", type=float, default=30.0)
    br.add_argument("--size", type=int, nargs=2, default=(640, 480))
    br.add_argument("--storage", default="mcap", choices=["mcap", "sqlite3"])
    br.add_argument("--out", type=Path, default=Path("docs/RECORDING.md"))
    br.add_argument("--note", default="", help="text appended after the machine description")
    br.set_defaults(func=cmd_bench_record)

    from .tools.distill_demo import add_args as distill_args
    dd = sub.add_parser("distill-demo", help="the record → teacher labels → distil loop on a robot domain the models "
                                             "never saw, before/after on its held-out frames (issue 13)")
    distill_args(dd)
    dd.set_defaults(func=cmd_distill_demo)

    bg = sub.add_parser("bag", help="rosbag2 tools: `pipose bag recover BAG` (a recording cut short → a complete bag)")
    bsub = bg.add_subparsers(dest="bag_cmd", required=True)
    bgr = bsub.add_parser("recover", help="a recording killed / cut by power loss or a full disk (no MCAP footer or "
                                          "no metadata.yaml) → a complete bag with every message up to the last "
                                          "complete chunk")
    bgr.add_argument("bag", type=Path, help="rosbag2 folder or .mcap file")
    bgr.add_argument("--out", type=Path, help="folder to create (default: BAG_recovered beside it)")
    bgr.add_argument("--force", action="store_true", help="copy a complete bag too")
    bgr.set_defaults(func=cmd_bag)

    ds = sub.add_parser("dataset", help="build a dataset folder: `pipose dataset from-bag BAG OUT`")
    dsub = ds.add_subparsers(dest="dataset_cmd", required=True)
    fb = dsub.add_parser("from-bag", help="rosbag2 (MCAP or sqlite3) → dataset folder, depth registered to colour")
    fb.add_argument("bag", type=Path)
    fb.add_argument("out", type=Path)
    fb.add_argument("--image", help="colour Image topic (default: found in the bag)")
    fb.add_argument("--depth", help="depth Image topic (default: found in the bag)")
    fb.add_argument("--camera-info", help="colour CameraInfo (default: the one next to --image)")
    fb.add_argument("--depth-info", help="depth CameraInfo (default: the one next to --depth)")
    fb.add_argument("--slop", type=float, default=0.02, help="max colour/depth stamp difference, s")
    fb.add_argument("--every", type=int, default=1, help="keep every n-th pair")
    fb.add_argument("--overwrite", action="store_true")
    fb.set_defaults(func=cmd_dataset)

    lb = sub.add_parser("label", help="3D joint labels for a dataset folder: the depth teacher (--teacher CKPT) "
                                      "or MediaPipe 2D + depth lifting")
    lb.add_argument("folder", type=Path)
    lb.add_argument("--teacher", type=Path, help="label with this depth teacher (.pt/.onnx; person crops from "
                                                 "BlazePose's detector, as in the node) instead of 2D keypoints")
    from .label.teacher import TeacherLabelConfig
    tl = TeacherLabelConfig()
    lb.add_argument("--min-confidence", type=float, default=tl.min_confidence,
                    help="--teacher: a person's mean joint confidence to keep them (default %(default)s)")
    lb.add_argument("--joint-min-confidence", type=float, default=tl.joint_min_confidence,
                    help="--teacher: joints under this confidence are masked (default %(default)s)")
    lb.add_argument("--combine", action="store_true",
                    help="--teacher: also run MediaPipe Pose and use its depth-lifted joints where it has them "
                         "(more accurate where present, measured; needs make label-env)")
    lb.add_argument("--student", type=Path,
                    help="--teacher: take the labels' 2D from this RGB student on the same crops (the teacher's "
                         "2D is its weak part, measured: docs/FINETUNE.md); the depth stays the teacher's")
    lb.add_argument("--no-anchor", action="store_true",
                    help="--teacher: keep the teacher's depths as predicted (default: each skeleton is moved "
                         "along the rays onto the measured depth, and seen joints take it)")
    lb.add_argument("--min-valid-depth", type=float, default=tl.min_valid_depth,
                    help="--teacher: fraction of a person box with valid depth to label them (default %(default)s)")
    lb.add_argument("--min-depth-support", type=float, default=tl.min_depth_support,
                    help="--teacher: share of the teacher skeleton's in-image joints the measured depth must show "
                         "to label them, as the node's teacher_min_depth_support (default %(default)s; 0 = off)")
    lb.add_argument("--flip-test", action="store_true",
                    help="--teacher: the teacher and --student also run on the mirrored crops, outputs averaged (the "
                         "node's flip_test; twice the network time; pipose_ros.estimator)")
    lb.add_argument("--keypoints", default="mediapipe",
                    help="mediapipe (default), gt (lift the folder's own GT 2D: measures the lifting) "
                         "or a JSONL file of your detector's 2D keypoints")
    lb.add_argument("--evaluate", action="store_true", help="compare with the folder's GT joints, write nothing")
    lb.add_argument("--relabel", action="store_true", help="also relabel frames that have joints")
    lb.add_argument("--window", type=int, default=5, help="half window, pixels at 640 px width")
    lb.add_argument("--edge-m", type=float, default=0.15, help="depth spread that marks a depth edge, m")
    lb.add_argument("--min-score", type=float, default=0.5, help="minimum 2D keypoint score")
    lb.add_argument("--json", type=Path, help="also write the report here")
    lb.set_defaults(func=cmd_label)

    fl = sub.add_parser("floor", help="the camera's mount above the floor (height, pitch, roll) measured from a "
                                      "dataset folder's depth, for the node's ground-plane prior "
                                      "(writes FOLDER/floor.json and FOLDER/floor_params.yaml)")
    fl.add_argument("folder", type=Path)
    fl.add_argument("--every", type=int, default=1, help="use every n-th frame (default %(default)s)")
    fl.add_argument("--max-frames", type=int, help="at most this many frames")
    fl.set_defaults(func=cmd_floor)

    st = sub.add_parser("study", help="train + evaluate every row of the PI study, or write its report")
    st.add_argument("action", choices=["run", "report", "ship"],
                    help="run the jobs, write the report, or ship the best student (+ its teacher, baseline) to models/")
    st.add_argument("--models", type=Path, default=Path("models"))
    st.add_argument("--plan", type=Path, default=Path("config/study.yaml"))
    st.add_argument("--runs", type=Path, default=Path("runs"), help="checkpoints and logs (not in git)")
    st.add_argument("--results", type=Path, default=Path("docs/runs"), help="per-run metrics (json)")
    st.add_argument("--benchmark", type=Path, help="benchmark folder (default: the pipose testset output)")
    st.add_argument("--jobs", type=int, default=2, help="runs in parallel")
    st.add_argument("--threads", type=int, default=1, help="torch threads per run")
    st.add_argument("--only", nargs="*", help="job or row names to run")
    st.add_argument("--out-md", type=Path, default=Path("docs/RESULTS.md"))
    st.add_argument("--out-json", type=Path, default=Path("docs/results.json"))
    st.set_defaults(func=cmd_study)

    d = sub.add_parser("data", help="render synthetic RGB-D people (Anny scenes) into a dataset folder")
    _add_data_args(d, 4000, 0)
    d.add_argument("--out", type=Path, help=f"folder (default {DEFAULT_CACHE}/anny-s<seed>-n<N>)")
    d.add_argument("--width", type=int, default=320, help="render width, pixels (height from the native aspect)")
    d.add_argument("--workers", type=int, help="render processes (default: all cores)")
    d.add_argument("--shard-size", type=int, default=200, help="frames per shard (the unit of resuming)")
    d.add_argument("--capsules", action="store_true", help="the old capsule people (an .npz cache, issue 3)")
    d.add_argument("--domain", default="train", choices=["train", "robot"],
                   help="scene ranges: train (the training domain) or robot (the distillation demo's robot, "
                        "pipose_ros.data.anny_scene.ROBOT)")
    d.set_defaults(func=cmd_data)

    r = sub.add_parser("spdh-roundtrip", help="measure the SPDH encode→decode error")
    r.add_argument("--n", type=int, default=5000)
    r.add_argument("--size", type=int, nargs=2, default=(128, 96), metavar=("W", "H"))
    r.add_argument("--sigma-mm", type=float, default=TRAINING_SPDH.sigma_mm, help="Gaussian sigma (shipped models: 100)")
    r.add_argument("--canonical-fx", type=float, default=TRAINING_SPDH.canonical_fx, help="0 = metric SPDH")
    r.add_argument("--z-range", type=float, nargs=2, metavar=("MIN", "MAX"))
    r.add_argument("--head-stride", type=int, default=1, choices=[1, 2, 4])
    r.set_defaults(func=cmd_spdh_roundtrip)

    te = sub.add_parser("evaluate-temporal", help="jitter and MPJPE over sequences with ground truth (a turning "
                        "camera over labelled frames, or rendered moving people), raw and with the node's One-Euro "
                        "smoothing (--grid: a grid of its settings); --tracking: the node's identities")
    te.add_argument("checkpoint", help="student (.pt or .onnx)")
    te.add_argument("--data", help="labelled dataset folder: turning-camera sequences, one per chosen frame")
    te.add_argument("--motion", action="store_true", help="rendered moving people instead (AnnyMotion, --seed)")
    te.add_argument("--tracking", action="store_true", help="--motion: also the node's detector + tracker identities")
    te.add_argument("--max-people", type=int, default=4, help="--tracking: the node's max_people")
    te.add_argument("--body-detector", action="store_true",
                    help="--tracking: also the whole-body detector (the node's detector_body:=true)")
    te.add_argument("--width", type=int, default=320, help="--motion: render width, pixels")
    te.add_argument("--sequences", type=int, default=40)
    te.add_argument("--length", type=int, default=30, help="frames per sequence")
    te.add_argument("--fps", type=float, default=15.0)
    te.add_argument("--amplitude", type=float, default=5.0, help="camera yaw amplitude, degrees")
    te.add_argument("--period", type=float, default=4.0, help="camera yaw period, seconds")
    te.add_argument("--noise", type=float, default=3.0, help="Gaussian pixel noise std (0-255)")
    te.add_argument("--seed", type=int, default=0)
    te.add_argument("--min-confidence", type=float, default=0.1)
    te.add_argument("--min-cutoff", type=float, default=SMOOTHING_DEFAULTS[0], help="One-Euro cut-off at rest, Hz")
    te.add_argument("--beta", type=float, default=SMOOTHING_DEFAULTS[1], help="One-Euro speed coefficient, ray direction")
    te.add_argument("--beta-depth", type=float, default=SMOOTHING_DEFAULTS[2], help="One-Euro speed coefficient, log depth")
    te.add_argument("--grid", action="store_true", help="score every combination of the --grid-* values instead")
    te.add_argument("--grid-min-cutoff", type=float, nargs="+", default=[1.0, 2.0, 4.0])
    te.add_argument("--grid-beta", type=float, nargs="+", default=[0.0, 1.0, 5.0, 20.0])
    te.add_argument("--grid-beta-depth", type=float, nargs="+", default=[0.0, 1.0, 5.0])
    te.add_argument("--json", help="write the rows here")
    te.add_argument("--record", metavar="KEY", help="write raw vs the smoothed row (with --grid: the lowest MPJPE) to "
                    "docs/results.json and the RESULTS.md section KEY")
    te.add_argument("--note", default="", help="a sentence added to the recorded section")
    te.set_defaults(func=cmd_evaluate_temporal)

    tdt = sub.add_parser("train-detector", help="train the whole-body person detector (people seen from behind or "
                         "with the head out of view) on rendered people; resumable; writes OUT and OUT.onnx")
    tdt.add_argument("--data", type=Path, required=True, help="training dataset folder (pipose data --synthetic)")
    tdt.add_argument("--val", type=Path, required=True, help="validation dataset folder")
    tdt.add_argument("--out", type=Path, required=True, help="checkpoint (an existing one is resumed)")
    tdt.add_argument("--steps", type=int, default=2000)
    tdt.add_argument("--batch", type=int, default=16)
    tdt.add_argument("--lr", type=float, default=2e-3)
    tdt.add_argument("--seed", type=int, default=0)
    tdt.add_argument("--threads", type=int, default=0, help="torch threads (0 = default)")
    tdt.add_argument("--zoom", type=float, nargs=2, default=(0.4, 1.6), metavar=("MIN", "MAX"),
                     help="augmentation: the image's scale in the letterboxed input, × the letterbox scale")
    tdt.add_argument("--init", type=Path, help="start from this detector checkpoint (a fine-tune)")
    tdt.set_defaults(func=cmd_train_detector)
    cu = sub.add_parser("curves", help="plot a training run's learning curves (loss, validation MPJPE)")
    cu.add_argument("run", type=Path, help="the run's checkpoint path (its .log.csv / .val.csv beside it)")
    cu.add_argument("--out", type=Path, required=True)
    cu.add_argument("--title", default="")
    cu.set_defaults(func=cmd_curves)

    rd = sub.add_parser("realcheck-depth", help="score the depth teacher on a real registered RGB-D frame "
                        "(MediaPipe 2D lifted by the real depth as pseudo ground truth)")
    rd.add_argument("folder", type=Path, help="holds color.png and depth.png (uint16 mm registered to colour)")
    rd.add_argument("--teacher", type=Path, default=Path("models/pipose_teacher_kinect14.pt"))
    rd.add_argument("--K", type=float, nargs=4, metavar=("FX", "FY", "CX", "CY"),
                    help="intrinsics at the depth image's size (else FOLDER/K.txt)")
    rd.add_argument("--rgbd-pose3d", action="store_true",
                    help="the intrinsics of the lmb-freiburg/rgbd-pose3d frame (Kinect v2, 1920x1080)")
    rd.add_argument("--block", type=int, default=4, help="densify: median of each block x block pixels")
    rd.add_argument("--student", type=Path, help="also the RGB student on the colour image: its absolute root "
                    "distance against the depth-lifted pseudo ground truth")
    rd.add_argument("--min-confidence", type=float, default=0.1)
    rd.add_argument("--box-scales", type=float, nargs="+", default=(), metavar="F",
                    help="with --student: also with every person box grown/shrunk by each factor (sensitivity "
                         "of the absolute distance to the detector's box size)")
    rd.add_argument("--png", type=Path, default=Path("demo_out/realcheck_depth.png"))
    rd.add_argument("--json", type=Path)
    rd.add_argument("--record", action="store_true", help="write the numbers to docs/results.json and docs/RESULTS.md")
    rd.add_argument("--note", default="", help="with --record: what the overlay shows (written beside the numbers)")
    rd.set_defaults(func=cmd_realcheck_depth)

    r2 = sub.add_parser("realcheck-2d", help="2D PCK@0.2 on real labelled photos (mmpose tests/data layout), "
                        "side by side with MediaPipe Pose full")
    r2.add_argument("folder", type=Path, help="holds coco/test_coco.json and/or mpii/test_mpii.json with their images")
    r2.add_argument("--checkpoint", type=Path, default=Path("models/pipose_student_kinect14.pt"))
    r2.add_argument("--json", type=Path)
    r2.add_argument("--record", action="store_true", help="write the numbers to docs/results.json and docs/RESULTS.md")
    r2.add_argument("--blazepose-heatmaps", type=int, nargs="+", metavar="SIZE",
                    help="instead: PCK@0.2 of the pretrained BlazePose heatmaps (no training) on SIZE x SIZE "
                         "person crops — what a crop size leaves of the backbone's knowledge")
    r2.add_argument("--gray", action="store_true",
                    help="the photos turned grey first (a monochrome camera's mono8), the checkpoint only; "
                         "--record writes real_2d.gray_pck02")
    r2.set_defaults(func=cmd_realcheck_2d)

    sh = sub.add_parser("ship-teacher", help="ship a depth-teacher run as models/pipose_teacher_kinect14.pt "
                        "(the node's rgbd-mode teacher) and write its model-card section")
    sh.add_argument("run", type=Path)
    sh.add_argument("--models", type=Path, default=Path("models"))
    sh.add_argument("--results", type=Path, default=Path("docs/results.json"))
    sh.add_argument("--curves", default="docs/teacher_anny_curves.png", help="learning-curve PNG named in the card")
    sh.add_argument("--card-only", action="store_true",
                    help="only rewrite the model card's teacher section from RUN (e.g. the shipped file) and the results")
    sh.set_defaults(func=cmd_ship_teacher)

    tv = sub.add_parser("table-v2", help="the PI table on pipose-synth-v2 from the recorded rows (RESULTS.md)")
    tv.set_defaults(func=cmd_table_v2)

    ss = sub.add_parser("ship-student", help="ship an RGB student run (+ its baseline) as the node's default "
                        "models/pipose_student_kinect14.pt and write the model card's RGB section")
    ss.add_argument("run", type=Path)
    ss.add_argument("--baseline", type=Path, help="the RGB baseline run of the same recipe")
    ss.add_argument("--models", type=Path, default=Path("models"))
    ss.add_argument("--results", type=Path, default=Path("docs/results.json"))
    ss.add_argument("--curves", default="", help="learning-curve PNG named in the card")
    ss.set_defaults(func=cmd_ship_student)

    dm = sub.add_parser("demo", help="the main job: pose_node live over DDS on real photos + synthetic RGB-D")
    dm.add_argument("--out", type=Path, default=Path("demo_out"))
    dm.add_argument("--rate", type=float, default=15.0, help="publish rate, Hz")
    dm.add_argument("--seconds", type=float, default=4.0, help="seconds per photo")
    dm.add_argument("--synthetic", type=int, default=40, help="frames of the synthetic RGB-D sequence")
    dm.add_argument("--seq-rate", type=float, default=1.0,
                    help="publish rate of the 10-frame multi-person sequences, Hz (every frame must be processed)")
    dm.add_argument("--checkpoint", default="", help="student checkpoint (default: shipped)")
    dm.add_argument("--teacher", default="", help="teacher checkpoint (default: shipped)")
    dm.set_defaults(func=cmd_demo)

    so = sub.add_parser("soak", help="the live node at 60 Hz input for minutes: RSS, latency per period, errors "
                        "(docs/RELIABILITY.md)")
    so.add_argument("--seconds", type=float, default=600.0)
    so.add_argument("--rate", type=float, default=60.0, help="input frame rate, Hz")
    so.add_argument("--period", type=float, help="seconds per reported period (default 60, or 1/6 of a short run)")
    so.add_argument("--out", type=Path, default=Path("docs/RELIABILITY.md"))
    so.add_argument("--no-record", action="store_true", help="print only")
    so.set_defaults(func=cmd_soak)

    ex = sub.add_parser("export", help="checkpoint → ONNX for the onnxruntime / tensorrt backends (X.pt → X.onnx)")
    ex.add_argument("checkpoints", nargs="+", type=Path)
    ex.add_argument("--precision", default="fp32", choices=["fp32", "fp16", "both"],
                    help="fp16 (X.fp16.onnx) is for CUDA; inputs and outputs stay float32")
    ex.add_argument("--out", type=Path, help="output file (one checkpoint, one precision)")
    ex.set_defaults(func=cmd_export)

    bm = sub.add_parser("benchmark", help="pipose end to end vs MediaPipe Pose per backend, and the live node at 30 Hz "
                        "(docs/BENCHMARKS.md)")
    bm.add_argument("--n", type=int, default=100, help="timed frames per row")
    bm.add_argument("--warmup", type=int, default=10)
    bm.add_argument("--backends", nargs="+", default=["onnxruntime", "torch"], choices=["onnxruntime", "torch", "tensorrt"])
    bm.add_argument("--no-mediapipe", action="store_true", help="leave out MediaPipe Pose")
    bm.add_argument("--live-seconds", type=float, default=30.0, help="timed seconds of the live node (0 = skip)")
    bm.add_argument("--runtime-python", help="interpreter of a runtime-only install for a second live-node row "
                    "(default: .venv-runtime/bin/python when it exists, `make runtime-venv`)")
    bm.add_argument("--out", type=Path, default=Path("docs/BENCHMARKS.md"))
    bm.add_argument("--render", action="store_true", help="also time the synthetic RGB-D renderer (render_fps)")
    bm.add_argument("--render-only", action="store_true", help="with --render: skip the speed benchmark")
    bm.add_argument("--render-frames", type=int, default=400)
    bm.add_argument("--render-workers", type=int, default=2)
    bm.set_defaults(func=cmd_benchmark)

    args = ap.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
