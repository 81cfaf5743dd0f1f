"""Stage-1 depth teacher, stage-2 RGB student and RGB baseline training (seed 000 §3.1, §4.3).

All three share one loop: Adam at ``lr`` (after a linear warm-up over the first ``warmup``
fraction of steps, when set — fine-tuning) with ×0.1 steps at 50 % and 75 % of training,
L_PE on SPDH targets built on the batch (:func:`pipose_ros.train.targets.encode`), and for the student
L_PI against the frozen teacher (kept in eval mode, gradients off) with weight α (optionally
ramped up over the first ``alpha_ramp`` fraction of training, seed 001 §6.1).
CUDA: mixed precision (fp16 autocast); CPU otherwise.
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from ..checkpoint import pick_device
from ..data.dataset import AugmentedDataset, SampleSet, depth_to_tensor, rgb_to_tensor
from ..model import ModelConfig, build_model
from ..model.backbones import backbone_channels
from ..model.nets import distill_features, stage_channels
from ..skeleton import KINECT14
from ..spdh import SPDHConfig, canonical_scale, decode
from .config import TrainConfig
from .targets import encode, soft_decode
from .losses import attention_map, coord_loss, mask_loss, pi_loss, pose_loss
from .metrics import pose_metrics


def _model_input(kind: str, batch: dict, device) -> torch.Tensor:
    return (batch["depth"] if kind == "teacher" else batch["rgb"]).to(device, non_blocking=True)


def _dist_info() -> tuple[int, int]:
    """(rank, world size) under ``torchrun`` (env WORLD_SIZE > 1), else (0, 1)."""
    import os
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1
    import torch.distributed as dist
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if torch.cuda.is_available() else "gloo")
    return dist.get_rank(), world


def shutdown_distributed() -> None:
    """Leave the process group, if ``train`` joined one under ``torchrun``."""
    import torch.distributed as dist
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def _epoch_batches(n: int, bs: int, seed: int, epoch: int, rank: int, world: int) -> list[list[int]]:
    """This rank's batches of one epoch: a seeded permutation, sharded by rank, full batches only."""
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed * 100003 + epoch)).tolist()
    mine = order[rank::world]
    return [mine[i:i + bs] for i in range(0, len(mine) - bs + 1, bs)]


def _teacher_input(teacher: torch.nn.Module, batch: dict, dev) -> torch.Tensor:
    """Depth for the depth teacher; RGB for an RGB teacher (the control run, seed 001 §6.2.2).

    A teacher trained at another input size (``teacher.spdh``, set by :func:`teacher_geometry`)
    gets the same crop resized to its size — the same virtual camera at another resolution
    (nearest-neighbour for depth, area for RGB)."""
    rgb = teacher.cfg.kind == "baseline"
    x = _model_input("baseline" if rgb else "teacher", batch, dev)
    t = getattr(teacher, "spdh", None)
    if t is not None and tuple(x.shape[-2:]) != (t.height, t.width):
        x = F.interpolate(x, size=(t.height, t.width), mode="area" if rgb else "nearest")
    return x


def teacher_geometry(teacher: torch.nn.Module, teacher_spdh: SPDHConfig, student_spdh: SPDHConfig) -> None:
    """Let a frozen teacher trained at another crop size teach a student (e.g. a 96×96 depth
    teacher, a 192×192 student): the teacher sees each crop resized to its own size, and its
    distilled features are resized to the student's grid before L_PI (:func:`_step`).

    Both must normalise depth alike: canonical SPDH with the same f_c per input pixel
    (``canonical_fx / width``: e.g. 100 at 96 px and 200 at 192 px) and the same aspect ratio —
    then a resized crop has exactly the depth values the teacher was trained on.

    Raises:
        ValueError: different aspect ratio, or a different canonical focal length per pixel.
    """
    t, s = teacher_spdh, student_spdh
    if (t.width, t.height) != (s.width, s.height):
        if abs(t.width / t.height - s.width / s.height) > 1e-6:
            raise ValueError(f"teacher input {t.width}x{t.height} and student input {s.width}x{s.height} "
                             "differ in aspect ratio")
        if abs(t.canonical_fx / t.width - s.canonical_fx / s.width) > 1e-6:
            raise ValueError(f"teacher canonical_fx {t.canonical_fx:g} at {t.width} px and student "
                             f"{s.canonical_fx:g} at {s.width} px normalise depth differently: use "
                             f"--canonical-fx {t.canonical_fx * s.width / t.width:g}")
    teacher.spdh = t


def _step(kind, net, teacher, batch, dev, spdh_cfg, model_cfg, tcfg, a, opt, sched, scaler, amp):
    """One optimisation step; returns (L_PE, L_PI, L_mask, L_coord) as floats (L_coord in metres)."""
    x = _model_input(kind, batch, dev)
    K = batch["K"].to(dev)
    joints = batch["joints"].to(dev)
    jmask = batch["mask"].to(dev)
    with torch.no_grad():
        gt_uv, gt_uz = encode(joints, K, spdh_cfg)
    with torch.autocast(device_type=dev.type, dtype=torch.float16, enabled=amp):
        out = net(x)
        l_pe = pose_loss(out["uv"], out["uz"], gt_uv, gt_uz, jmask, tcfg.fg_weight,
                         flip_pairs=KINECT14.flip_pairs, lr_symmetric=tcfg.lr_symmetric)
        loss = l_pe
        l_pi = torch.zeros((), device=dev)
        l_mask = torch.zeros((), device=dev)
        l_coord = torch.zeros((), device=dev)
        if tcfg.coord_weight > 0:
            pred = soft_decode(out["uv"], out["uz"], K, spdh_cfg, beta=tcfg.coord_beta)
            l_coord = coord_loss(pred, joints, jmask)
            loss = loss + tcfg.coord_weight * l_coord
        if kind == "student":
            with torch.no_grad():
                t_out = teacher(_teacher_input(teacher, batch, dev))
            stage = model_cfg.distill_stage
            att = None
            if tcfg.attention:
                z = joints[..., 2].clamp(min=1e-3)
                uvp = torch.stack([K[:, None, 0, 0] * joints[..., 0] / z + K[:, None, 0, 2],
                                   K[:, None, 1, 1] * joints[..., 1] / z + K[:, None, 1, 2]], -1)
                att = attention_map(uvp, jmask, x.shape[-2], x.shape[-1])
            f_t, f_s = distill_features(t_out, stage), distill_features(out, stage)
            if f_t.shape[-2:] != f_s.shape[-2:]:  # a teacher at another crop size (teacher_geometry)
                f_t = F.interpolate(f_t, size=f_s.shape[-2:], mode="bilinear", align_corners=False)
            l_pi = pi_loss(f_t, f_s, tcfg.pi_kind, tcfg.pi_sigmoid, attention=att)
            loss = loss + a * l_pi
            if tcfg.mask_weight > 0:
                l_mask = mask_loss(out["embedding"], batch["fg"].to(dev))
                loss = loss + tcfg.mask_weight * l_mask
    opt.zero_grad(set_to_none=True)
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
    sched.step()
    return l_pe.item(), l_pi.item(), l_mask.item(), l_coord.item()


PI_DOMINATES = 10.0  # α·L_PI above this many times L_PE at the first step is logged as a warning (session 14)
BACKBONES = ("backbone.", "rgb.")  # parameter prefixes of F_depth / F_rgb (model/nets.py); F_hall is "hall."


def param_groups(model: torch.nn.Module, lr: float, backbone_lr: float = 1.0) -> list[dict]:
    """Adam parameter groups: the backbones that see their input as it is (F_depth of the
    teacher and of the baseline's ``backbone``, the student's F_rgb) at ``backbone_lr`` × ``lr``;
    everything else — the SPDH head and the student's F_hall, which has to learn to hallucinate
    depth features — at ``lr``. ``backbone_lr`` 0 freezes those backbones (``requires_grad``
    off: no gradient is computed through them). The usual transfer-learning knob for backbones
    pretrained on real images that should keep what they know (issue 10).
    Raises ``ValueError`` for a negative ``backbone_lr``."""
    if backbone_lr < 0:
        raise ValueError(f"backbone_lr must be >= 0, got {backbone_lr}")
    back, rest = [], []
    for name, p in model.named_parameters():
        if name.startswith(BACKBONES):
            if backbone_lr == 0:
                p.requires_grad_(False)
            else:
                back.append(p)
        else:
            rest.append(p)
    groups = [{"params": rest, "lr": lr}]
    if back:
        groups.append({"params": back, "lr": lr * backbone_lr})
    return groups


def train_mode(model: torch.nn.Module, backbone_lr: float) -> None:
    """``model.train()``, with frozen backbones (``backbone_lr`` 0) kept in eval mode so that
    their batch-norm statistics stay the pretrained ones."""
    model.train()
    if backbone_lr == 0:
        for name, m in model.named_children():
            if name + "." in BACKBONES:
                m.eval()


def train(kind: str, data: SampleSet, model_cfg: ModelConfig, spdh_cfg: SPDHConfig,
          tcfg: TrainConfig, teacher: torch.nn.Module | None = None,
          init: torch.nn.Module | None = None, device: str = "auto",
          log=print, resume_path: str | Path | None = None, csv_path: str | Path | None = None,
          stop_after: int | None = None, val: tuple[SampleSet, int] | None = None,
          val_csv: str | Path | None = None) -> tuple[torch.nn.Module, dict]:
    """Train a ``teacher``, ``baseline`` or ``student`` network.

    Args:
        data: training samples at network resolution (never the test set).
        teacher: the frozen teacher for ``student`` (seed 000 §3.1.2): normally the depth
            teacher; an RGB baseline here gives the control run (its input is then RGB).
        init: a model whose matching weights initialise the new one (fine-tuning / student
            initialised from the baseline, seed 001).
        resume_path: snapshot file (model, optimiser, scheduler, scaler, step) written every
            ``tcfg.save_every`` steps; when it exists at start, training continues from it and
            reproduces the uninterrupted run (same batches, same augmentation).
        csv_path: per-step log (step, epoch, lr, l_pe, l_pi, l_mask, alpha, seconds).
        stop_after: stop (after saving the snapshot) once this many steps are done — for tests
            and for splitting long runs; the summary then has ``finished: False``.
        val: (held-out samples, every n steps): MPJPE / mAP@10 / PA-MPJPE on them every n
            steps and at the end, appended to ``val_csv`` (step, mpjpe_cm, map10, pa_mpjpe_cm,
            seconds) — the learning curve; the last row goes into the summary.
    Distributed: under ``torchrun`` (WORLD_SIZE > 1) each process trains on its shard of every
    epoch with DistributedDataParallel (NCCL on CUDA, gloo on CPU); rank 0 logs and saves.
    Returns:
        (model, summary dict with steps, wall-clock seconds, final losses, machine).
    Raises:
        ValueError: student without a teacher.
    """
    rank, world = _dist_info()
    torch.manual_seed(tcfg.seed)
    np.random.seed(tcfg.seed)
    dev = pick_device(device)
    if dev.type == "cuda" and world > 1:
        dev = torch.device("cuda", rank % torch.cuda.device_count())
    model_cfg.kind = kind
    if kind == "student" and teacher is not None:
        model_cfg.teacher_channels = _adaptation_channels(model_cfg, teacher)
    model = build_model(model_cfg, pretrained=model_cfg.pretrained and init is None).to(dev)
    if init is not None:
        own = model.state_dict()
        given = dict(init.state_dict())
        if kind == "student" and getattr(getattr(init, "cfg", None), "kind", "") == "baseline":
            # seed 001: a student starts from a trained RGB baseline — its backbone initialises
            # both F_rgb and F_hall
            for k, v in list(given.items()):
                if k.startswith("backbone."):
                    given["rgb." + k[len("backbone."):]] = v
                    given["hall." + k[len("backbone."):]] = v
        if model_cfg.uv_prior and not getattr(getattr(init, "cfg", None), "uv_prior", False):
            # the uv predictors of a model without the heatmap prior predict whole heatmaps; they
            # restart near zero so that the uv maps start as the prior
            given = {k: v for k, v in given.items() if not k.startswith("head.uv.pred.")}
        src = {k: v for k, v in given.items() if k in own and own[k].shape == v.shape}
        own.update(src)
        model.load_state_dict(own)
        log(f"initialised {len(src)}/{len(own)} tensors from the given model")
    if kind == "student":
        if teacher is None:
            raise ValueError("stage 2 (student) needs a frozen teacher")
        teacher = teacher.to(dev).eval()
        for p in teacher.parameters():
            p.requires_grad_(False)
    ds = AugmentedDataset(data, augment=True, z_shift=tcfg.z_shift if kind == "teacher" else 0.0,
                          seed=tcfg.seed, canonical_fx=spdh_cfg.canonical_fx,
                          with_foreground=kind == "student" and tcfg.mask_weight > 0, pe_mask=tcfg.pe_mask,
                          out_weight=tcfg.pe_out_weight,
                          bg_dropout=tcfg.bg_dropout if kind == "teacher" else 0.0, zoom=tcfg.zoom,
                          gray=tcfg.gray)
    if len(ds) // world < tcfg.batch_size:
        raise ValueError(f"{len(ds)} samples are fewer than one batch of {tcfg.batch_size} per process")
    opt = torch.optim.Adam(param_groups(model, tcfg.lr, tcfg.backbone_lr), lr=tcfg.lr)
    milestones = [int(tcfg.steps * 0.5), int(tcfg.steps * 0.75)]
    if tcfg.warmup > 0:  # linear warm-up over the first warmup·steps, then the same steps down
        n_warm = max(1, int(tcfg.steps * tcfg.warmup))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min(1.0, (s + 1) / n_warm) * 0.1 ** sum(s >= m for m in milestones))
    else:
        sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=milestones, gamma=0.1)
    amp = dev.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=amp)
    step, epoch, skip, elapsed = 0, 0, 0, 0.0
    hist = {"pe": [], "pi": [], "mask": [], "coord": []}
    if resume_path is not None and Path(resume_path).exists():
        st = torch.load(resume_path, map_location=dev, weights_only=True)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        sched.load_state_dict(st["sched"])
        scaler.load_state_dict(st["scaler"])
        step, epoch, skip, elapsed = int(st["step"]), int(st["epoch"]), int(st["in_epoch"]), float(st["elapsed"])
        hist = {"coord": []} | {k: list(v) for k, v in st["hist"].items()}  # (snapshots before session 23: no coord)
        log(f"resumed from {resume_path} at step {step}")
    net = model
    if world > 1:
        net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[dev.index] if dev.type == "cuda" else None)
    csv = None
    if csv_path is not None and rank == 0:
        new = not Path(csv_path).exists() or step == 0
        csv = open(csv_path, "w" if new else "a")
        if new:
            csv.write("step,epoch,lr,l_pe,l_pi,l_mask,alpha,seconds,l_coord\n")

    def snapshot(at: tuple[int, int]) -> None:
        if resume_path is None or rank != 0:
            return
        tmp = Path(str(resume_path) + ".tmp")
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "scaler": scaler.state_dict(), "step": step, "epoch": at[0], "in_epoch": at[1],
                    "elapsed": elapsed + time.time() - t0, "hist": hist}, tmp)
        tmp.replace(resume_path)

    train_mode(model, tcfg.backbone_lr)
    t0 = time.time()
    last_val = None
    limit = min(tcfg.steps, stop_after if stop_after is not None else tcfg.steps)
    resume_at = (epoch, skip)  # (epoch, batch index) of the next batch to train on
    bar = tqdm(total=tcfg.steps, initial=step, desc=f"train {kind}", dynamic_ncols=True, disable=rank != 0)
    while step < limit:
        epoch, skip = resume_at
        ds.epoch = epoch
        batches = _epoch_batches(len(ds), tcfg.batch_size, tcfg.seed, epoch, rank, world)
        loader = torch.utils.data.DataLoader(ds, batch_sampler=batches[skip:], num_workers=tcfg.workers)
        for pos, batch in enumerate(loader, start=skip + 1):
            a = tcfg.alpha
            if tcfg.alpha_ramp > 0:
                a *= min(1.0, step / max(1.0, tcfg.alpha_ramp * tcfg.steps))
            l_pe, l_pi, l_mask, l_coord = _step(kind, net, teacher, batch, dev, spdh_cfg, model_cfg, tcfg, a,
                                       opt, sched, scaler, amp)
            hist["pe"].append(l_pe)
            hist["pi"].append(l_pi)
            hist["mask"].append(l_mask)
            hist["coord"].append(l_coord)
            if kind == "student" and len(hist["pi"]) == 1 and a * l_pi > PI_DOMINATES * max(l_pe, 1e-12) and rank == 0:
                log(f"warning: at the first step α·L_PI = {a * l_pi:.4g} is {a * l_pi / max(l_pe, 1e-12):.0f}× L_PE "
                    f"({l_pe:.4g}): the student will mostly learn to copy the teacher's feature offsets — check "
                    f"--alpha and --distill-stage (a BlazePose teacher's heatmap logits at stage 'last': use s4)")
            step += 1
            resume_at = (epoch, pos) if pos < len(batches) else (epoch + 1, 0)
            bar.update(1)
            if csv is not None:
                csv.write(f"{step},{epoch},{sched.get_last_lr()[0]:.3g},{l_pe:.5g},{l_pi:.5g},"
                          f"{l_mask:.5g},{a:.4g},{elapsed + time.time() - t0:.1f},{l_coord:.5g}\n")
                csv.flush()
            if step % 10 == 0:
                bar.set_postfix(pe=f"{np.mean(hist['pe'][-10:]):.3f}", pi=f"{np.mean(hist['pi'][-10:]):.4f}")
            if val is not None and rank == 0 and (step % val[1] == 0 or step == tcfg.steps):
                last_val = _validate(model, kind, val[0], spdh_cfg, dev, step, elapsed + time.time() - t0, val_csv)
                train_mode(model, tcfg.backbone_lr)
                log(f"step {step}: validation MPJPE {last_val['mpjpe_cm']:.2f} cm, mAP@10 {last_val['map@10']:.1f}")
            if tcfg.save_every and step % tcfg.save_every == 0 and step < tcfg.steps:
                snapshot(resume_at)
            if step >= limit:
                break
        else:
            resume_at = (epoch + 1, 0)
    bar.close()
    epoch = resume_at[0]
    finished = step >= tcfg.steps
    if not finished:
        snapshot(resume_at)
    if csv is not None:
        csv.close()
    wall = elapsed + time.time() - t0
    tail = max(1, min(50, tcfg.steps // 10))  # steps averaged for the final losses
    model.eval()
    summary = {
        "kind": kind, "steps": tcfg.steps, "finished": finished, "batch_size": tcfg.batch_size,
        "processes": world, "lr": tcfg.lr, "backbone_lr": tcfg.backbone_lr, "warmup": tcfg.warmup, "epochs": epoch, "train_samples": len(data),
        "wall_clock_s": round(wall, 1),
        "initial_pe": float(np.mean(hist["pe"][:5])), "final_pe": float(np.mean(hist["pe"][-tail:])),
        "final_pi": float(np.mean(hist["pi"][-tail:])), "final_mask": float(np.mean(hist["mask"][-tail:])),
        "final_coord_m": float(np.mean(hist["coord"][-tail:])),
        "alpha": tcfg.alpha, "fg_weight": tcfg.fg_weight, "alpha_ramp": tcfg.alpha_ramp, "pi_kind": tcfg.pi_kind,
        "coord_weight": tcfg.coord_weight, "coord_beta": tcfg.coord_beta,
        "pi_sigmoid": tcfg.pi_sigmoid, "attention": tcfg.attention, "mask_weight": tcfg.mask_weight,
        "seed": tcfg.seed, "pe_mask": tcfg.pe_mask, "pe_out_weight": tcfg.pe_out_weight, "lr_symmetric": tcfg.lr_symmetric,
        "bg_dropout": tcfg.bg_dropout, "device": str(dev),
        "validation": None if last_val is None else {k: v for k, v in last_val.items() if k != "per_joint_cm"},
        "machine": f"{platform.machine()} {platform.processor() or ''} {torch.get_num_threads()} threads".strip(),
        "torch": str(torch.__version__),
    }
    return model, summary


def _adaptation_channels(cfg: ModelConfig, teacher: torch.nn.Module) -> int:
    """Channels of the teacher's distilled features when F_hall's differ (the student then gets
    a 1×1 adaptation layer, seed 001 §4.2), else 0."""
    if not hasattr(teacher, "backbone"):  # an RGB student as the teacher (never the case here)
        return 0
    tb = teacher.backbone
    t_ch = stage_channels(tb.channels, tb.out_channels, cfg.distill_stage)
    s_ch = stage_channels(*backbone_channels(cfg.backbone), cfg.distill_stage)
    return 0 if s_ch == t_ch else t_ch


def _validate(model, kind, data: SampleSet, spdh_cfg, dev, step: int, seconds: float, csv) -> dict:
    m = evaluate(model, kind, data, spdh_cfg, device=str(dev))
    m["step"] = step
    if csv is not None:
        new = not Path(csv).exists()
        with open(csv, "a") as f:
            if new:
                f.write("step,mpjpe_cm,map10,pa_mpjpe_cm,seconds\n")
            f.write(f"{step},{m['mpjpe_cm']:.3f},{m['map@10']:.2f},{m['pa_mpjpe_cm']:.3f},{seconds:.1f}\n")
    return m


@torch.no_grad()
def predict(model: torch.nn.Module, kind: str, data: SampleSet, spdh_cfg: SPDHConfig,
            batch_size: int = 32, device: str = "auto", refine: bool = True) -> np.ndarray:
    """Run ``model`` over ``data`` (no augmentation) → float32 [N, J, 3] metres."""
    dev = pick_device(device)
    model = model.to(dev).eval()
    preds = []
    for s in range(0, len(data), batch_size):
        sl = slice(s, s + batch_size)
        if kind == "teacher":
            x = depth_to_tensor(data.depth_mm[sl].astype(np.float32) * 1e-3,
                                scale=canonical_scale(data.K[sl], spdh_cfg))
        else:
            x = rgb_to_tensor(data.rgb[sl])
        out = model(x.to(dev))
        preds.append(decode(out["uv"].float().cpu().numpy(), out["uz"].float().cpu().numpy(), data.K[sl],
                            spdh_cfg, refine=refine)["joints"])
    return np.concatenate(preds)


def evaluate(model: torch.nn.Module, kind: str, data: SampleSet, spdh_cfg: SPDHConfig,
             root: int = 1, **kw) -> dict:
    """:func:`pose_metrics` of ``model`` on ``data`` over the joints inside the image."""
    pred = predict(model, kind, data, spdh_cfg, **kw)
    return pose_metrics(pred, data.joints, data.in_image, root=root)
