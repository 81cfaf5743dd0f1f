"""Stage-1 depth teacher, stage-2 RGB student and RGB baseline training (seed 000 §3.1, §4.3).

All three share one loop: Adam at ``lr`` with ×0.1 steps at 50 % and 75 % of training,
L_PE on SPDH targets built on the batch (:func:`pipose_ros.spdh.encode`), and for the student
L_PI against the frozen teacher (kept in eval mode, gradients off) with weight α (optionally
ramped up over the first ``alpha_ramp`` fraction of training, seed 001 §6.1).
CUDA: mixed precision (fp16 autocast); CPU otherwise.
"""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass

import numpy as np
import torch
from tqdm import tqdm

from ..data.dataset import AugmentedDataset, SampleSet, depth_to_tensor, rgb_to_tensor
from ..model import ModelConfig, build_model
from ..model.nets import distill_features
from ..spdh import SPDHConfig, decode, encode
from .losses import pi_loss, pose_loss
from .metrics import pose_metrics


def pick_device(device: str = "auto") -> torch.device:
    """``auto`` → CUDA if available, else CPU."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


@dataclass
class TrainConfig:
    """Hyper-parameters of one training run (recorded in the checkpoint's summary)."""

    steps: int = 1000
    batch_size: int = 16
    lr: float = 1e-3
    alpha: float = 1.0  # L_PI weight
    fg_weight: float = 20.0  # L_PE foreground weight (0 = seed 000's plain masked MSE)
    alpha_ramp: float = 0.0  # fraction of steps over which α ramps linearly from 0
    pi_kind: str = "l2"
    pi_sigmoid: bool = False
    z_shift: float = 0.3  # stage-1 depth shift along Z, metres (seed 000 §4.3)
    seed: int = 0
    workers: int = 0


def _model_input(kind: str, batch: dict, device) -> torch.Tensor:
    return (batch["depth"] if kind == "teacher" else batch["rgb"]).to(device, non_blocking=True)


def train(kind: str, data: SampleSet, model_cfg: ModelConfig, spdh_cfg: SPDHConfig,
          tcfg: TrainConfig, teacher: torch.nn.Module | None = None,
          init: torch.nn.Module | None = None, device: str = "auto",
          log=print) -> tuple[torch.nn.Module, dict]:
    """Train a ``teacher``, ``baseline`` or ``student`` network.

    Args:
        data: training samples at network resolution (never the test set).
        teacher: the frozen depth teacher (required for ``student``; seed 000 §3.1.2).
        init: a model whose matching weights initialise the new one (fine-tuning / student
            initialised from the baseline, seed 001).
    Returns:
        (model, summary dict with steps, wall-clock seconds, final losses, machine).
    Raises:
        ValueError: student without a teacher.
    """
    torch.manual_seed(tcfg.seed)
    np.random.seed(tcfg.seed)
    dev = pick_device(device)
    model_cfg.kind = kind
    model = build_model(model_cfg).to(dev)
    if init is not None:
        own = model.state_dict()
        src = {k: v for k, v in init.state_dict().items() if k in own and own[k].shape == v.shape}
        own.update(src)
        model.load_state_dict(own)
        log(f"initialised {len(src)}/{len(own)} tensors from the given model")
    if kind == "student":
        if teacher is None:
            raise ValueError("stage 2 (student) needs the frozen depth teacher")
        teacher = teacher.to(dev).eval()
        for p in teacher.parameters():
            p.requires_grad_(False)
    ds = AugmentedDataset(data, augment=True, z_shift=tcfg.z_shift if kind == "teacher" else 0.0,
                          seed=tcfg.seed)
    loader = torch.utils.data.DataLoader(ds, batch_size=tcfg.batch_size, shuffle=True, drop_last=True,
                                         num_workers=tcfg.workers, persistent_workers=tcfg.workers > 0,
                                         generator=torch.Generator().manual_seed(tcfg.seed))
    opt = torch.optim.Adam(model.parameters(), lr=tcfg.lr)
    sched = torch.optim.lr_scheduler.MultiStepLR(
        opt, milestones=[int(tcfg.steps * 0.5), int(tcfg.steps * 0.75)], gamma=0.1)
    amp = dev.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=amp)
    model.train()
    t0 = time.time()
    step, epoch = 0, 0
    hist = {"pe": [], "pi": []}
    bar = tqdm(total=tcfg.steps, desc=f"train {kind}", dynamic_ncols=True)
    while step < tcfg.steps:
        ds.epoch = epoch
        for batch in loader:
            if step >= tcfg.steps:
                break
            x = _model_input(kind, batch, dev)
            K = batch["K"].to(dev)
            with torch.no_grad():
                gt_uv, gt_uz = encode(batch["joints"].to(dev), K, spdh_cfg)
            with torch.autocast(device_type=dev.type, dtype=torch.float16, enabled=amp):
                out = model(x)
                l_pe = pose_loss(out["uv"], out["uz"], gt_uv, gt_uz, batch["mask"].to(dev), tcfg.fg_weight)
                loss = l_pe
                l_pi = torch.zeros((), device=dev)
                if kind == "student":
                    with torch.no_grad():
                        t_out = teacher(batch["depth"].to(dev))
                    stage = model_cfg.distill_stage
                    l_pi = pi_loss(distill_features(t_out, stage), distill_features(out, stage),
                                   tcfg.pi_kind, tcfg.pi_sigmoid)
                    a = tcfg.alpha
                    if tcfg.alpha_ramp > 0:
                        a *= min(1.0, step / max(1.0, tcfg.alpha_ramp * tcfg.steps))
                    loss = loss + a * l_pi
            opt.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            sched.step()
            hist["pe"].append(l_pe.item())
            hist["pi"].append(l_pi.item())
            step += 1
            bar.update(1)
            if step % 10 == 0:
                bar.set_postfix(pe=f"{np.mean(hist['pe'][-10:]):.3f}", pi=f"{np.mean(hist['pi'][-10:]):.4f}")
        epoch += 1
    bar.close()
    wall = time.time() - t0
    tail = max(1, min(50, tcfg.steps // 10))  # steps averaged for the final losses
    model.eval()
    summary = {
        "kind": kind, "steps": tcfg.steps, "batch_size": tcfg.batch_size, "lr": tcfg.lr,
        "epochs": epoch, "train_samples": len(data), "wall_clock_s": round(wall, 1),
        "initial_pe": float(np.mean(hist["pe"][:5])), "final_pe": float(np.mean(hist["pe"][-tail:])), "final_pi": float(np.mean(hist["pi"][-tail:])),
        "alpha": tcfg.alpha, "fg_weight": tcfg.fg_weight, "alpha_ramp": tcfg.alpha_ramp, "pi_kind": tcfg.pi_kind,
        "pi_sigmoid": tcfg.pi_sigmoid, "seed": tcfg.seed,
        "device": str(dev), "machine": f"{platform.machine()} {platform.processor() or ''} "
                                       f"{torch.get_num_threads()} threads".strip(),
        "torch": str(torch.__version__),
    }
    return model, summary


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
            x = depth_to_tensor(data.depth_mm[sl].astype(np.float32) * 1e-3)
        else:
            x = rgb_to_tensor(data.rgb[sl])
        out = model(x.to(dev))
        K = torch.tensor(data.K[sl], dtype=torch.float32, device=dev)
        preds.append(decode(out["uv"], out["uz"], K, spdh_cfg, refine=refine)["joints"].cpu().numpy())
    return np.concatenate(preds)


def evaluate(model: torch.nn.Module, kind: str, data: SampleSet, spdh_cfg: SPDHConfig,
             root: int = 1, **kw) -> dict:
    """:func:`pose_metrics` of ``model`` on ``data`` over the joints inside the image."""
    pred = predict(model, kind, data, spdh_cfg, **kw)
    return pose_metrics(pred, data.joints, data.in_image, root=root)
