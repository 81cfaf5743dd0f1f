"""Training defaults, in one place (torch-free so that the CLI can build its parser from them).

:class:`TrainConfig` holds every hyper-parameter of a run; :data:`TRAINING_SPDH` the SPDH
geometry new models are trained with (``pipose train`` without ``--init``). The CLI's defaults
are read from here, and the study plan (``config/study.yaml``) states only what a row changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..spdh import SPDHConfig

# canonical SPDH (f_c = 100 px, canonical depth bins 0.3–7.8 m) with a 100 mm sigma, which learns
# faster than seed 000's 50 mm at 128×96 (docs/RESULTS.md); SPDHConfig's own defaults are seed 000's
TRAINING_SPDH = SPDHConfig(sigma_mm=100.0, canonical_fx=100.0, z_min=0.3, z_max=7.8)
METRIC_Z_RANGE = (0.5, 6.2)  # depth bins of metric SPDH (canonical_fx = 0, seed 000)


# fine-tuning a trained checkpoint (``--init``): a lower rate with a warm-up. Measured on the
# robot-domain frames of `pipose distill-demo`: two Adam steps at 1e-3 from the shipped student
# left it matching none of the 11 test people (MPJPE 49 cm before), 5e-4 matched 8 of 11 at 87 cm;
# Adam's first steps move every weight by about the full rate.
FINETUNE_LR = 1e-4
FINETUNE_WARMUP = 0.1
# what a fine-tuned checkpoint keeps of the run it started from (``training.init_training``)
INIT_HISTORY_KEYS = ("steps", "batch_size", "lr", "backbone_lr", "wall_clock_s", "device", "machine", "data",
                     "teacher", "init", "init_training", "train_samples", "epochs", "lr_symmetric")


def init_history(training: dict | None) -> dict:
    """The part of a checkpoint's training summary that a run fine-tuned from it keeps as
    ``training.init_training`` (:data:`INIT_HISTORY_KEYS`; nested, so a chain of fine-tunes keeps
    every step of its history)."""
    training = training or {}
    return {k: training[k] for k in INIT_HISTORY_KEYS if k in training}


def init_chain(training: dict | None) -> list[dict]:
    """The runs a checkpoint was fine-tuned from, newest first: the nested ``init_training``
    summaries of :func:`init_history`; a run started with ``--init`` whose history was not recorded
    gives an empty dict in its place. [] for a run from scratch."""
    runs, p = [], training or {}
    while p.get("init_training") or p.get("init"):
        p = p.get("init_training") or {}
        runs.append(p)
    return runs


@dataclass
class TrainConfig:
    """Hyper-parameters of one training run (recorded in the checkpoint's summary).

    ``batch_size`` is per process: under ``torchrun`` with N processes the global batch is N×.
    """

    steps: int = 800
    batch_size: int = 16
    lr: float = 1e-3
    warmup: float = 0.0  # fraction of steps over which the learning rate ramps up linearly from 0
    backbone_lr: float = 1.0  # backbones' learning rate = backbone_lr × lr (0 = frozen; the head always at lr)
    alpha: float = 20.0  # L_PI weight: 20 puts L_PI at 14–25 % of the loss at the start (docs/RESULTS.md
    #                      "Loss balance"); 1 left it near 1 % (issue 10's student), i.e. almost no distillation
    fg_weight: float = 20.0  # L_PE foreground weight (0 = seed 000's plain masked MSE)
    coord_weight: float = 0.0  # weight of the integral 3D loss (metres; losses.coord_loss), 0 = off (seed 000)
    coord_beta: float = 20.0  # its softmax inverse temperature (targets.soft_decode); 20 reads the shipped
    #                            teacher's maps as well as the argmax decoder (docs/runs/session23)
    alpha_ramp: float = 0.0  # fraction of steps over which α ramps linearly from 0
    pi_kind: str = "l2"
    pi_sigmoid: bool = False
    attention: bool = False  # seed 001 eq. 4.27: L_PI weighted by a map around projected GT joints
    mask_weight: float = 0.0  # seed 003 eq. 3: weight of the foreground-mask loss (0 = off)
    z_shift: float = 0.3  # stage-1 depth shift along Z, metres (seed 000 §4.3)
    bg_dropout: float = 0.0  # stage 1: chance of dropping all depth off the person (outdoor sensors)
    gray: float = 0.0  # chance of a sample's RGB turned grey (monochrome cameras; AugmentedDataset)
    zoom: float = 0.0  # magnification augmentation, log-uniform in [1/(1+zoom), 1+zoom] (AugmentedDataset)
    pe_mask: str = "in_image"  # L_PE joint mask: in_image (label known, in view), visible (+ not occluded)
    #   or known (every labelled joint, out of view too: low confidence there; AugmentedDataset)
    pe_out_weight: float = 1.0  # with pe_mask known: L_PE weight of a joint out of the crop (in-view joints: 1)
    lr_symmetric: float = 0.0  # share of L_PE that ignores which map of a left/right pair holds which side (losses.pose_loss)
    seed: int = 0
    workers: int = 0
    save_every: int = 100  # steps between resumable snapshots (0 = never)
