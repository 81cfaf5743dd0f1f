"""Learning curves of a training run → a PNG (``pipose curves RUN.pt --out docs/…png``).

Reads the trainer's logs beside a checkpoint: ``RUN.log.csv`` (per step: L_PE, L_PI, lr) and
``RUN.val.csv`` (validation MPJPE / mAP@10 every n steps, :func:`pipose_ros.train.trainer.train`).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np


def _read(path: Path) -> dict[str, np.ndarray]:
    with open(path) as f:
        rows = list(csv.DictReader(f))
    # a resumed run may repeat steps: keep the last row of each step
    last = {int(float(r["step"])): r for r in rows}
    keys = rows[0].keys() if rows else []
    return {k: np.array([float(last[s][k]) for s in sorted(last)]) for k in keys}


def plot_curves(run: str | Path, out: str | Path, title: str = "") -> dict:
    """Plot L_PE (smoothed over 50 steps) and validation MPJPE / mAP@10 of ``run`` (a checkpoint
    path or its stem) into ``out``. Returns the last validation row ({} if none).
    Raises ``FileNotFoundError`` when the run has no ``.log.csv``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run = Path(run)
    stem = run.with_suffix("") if run.suffix == ".pt" else run
    log = Path(str(stem) + ".log.csv")
    val = Path(str(stem) + ".val.csv")
    if not log.exists():
        raise FileNotFoundError(f"no training log {log}")
    L = _read(log)
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.6))
    k = 50
    pe = L["l_pe"]
    sm = np.convolve(pe, np.ones(k) / k, mode="valid") if len(pe) > k else pe
    ax[0].plot(L["step"], pe, color="0.8", lw=0.5, label="L_PE per step")
    ax[0].plot(L["step"][len(L["step"]) - len(sm):], sm, color="C0", label=f"L_PE, mean of {k}")
    if (L.get("l_pi", np.zeros(1)) > 0).any():
        ax[0].plot(L["step"], L["l_pi"], color="C1", lw=0.7, label="L_PI")
    ax[0].set_xlabel("step")
    ax[0].set_yscale("log")
    ax[0].set_title("training loss")
    ax[0].legend(fontsize=8)
    last = {}
    if val.exists():
        V = _read(val)
        ax[1].plot(V["step"], V["mpjpe_cm"], "o-", color="C3", label="MPJPE (cm)")
        ax[1].set_xlabel("step")
        ax[1].set_ylabel("validation MPJPE, cm", color="C3")
        ax2 = ax[1].twinx()
        ax2.plot(V["step"], V["map10"], "s--", color="C2", label="mAP@10 (%)")
        ax2.set_ylabel("mAP@10, %", color="C2")
        ax[1].set_title("held-out validation")
        last = {k: float(v[-1]) for k, v in V.items()}
    fig.suptitle(title or stem.name, fontsize=10)
    fig.tight_layout()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return last
