"""Backbones, SPDH pose head and the three networks of seed 000 §3.

* Backbones (:mod:`pipose_ros.model.backbones`): SmallHRNet from scratch (seed 000 §3.1), or an
  RGB backbone pretrained on real images (BlazePose GHUM, EfficientNet-Lite0 ImageNet; issue 10);
  each gives a stride-4 embedding ``f`` (decoded by the head, distilled by L_PI).
* :class:`SPDHHead` — seed 000 §3.2 / Fig. 4: a uv and a uz branch, each with three 3×3 conv
  predictors at 1/4, 1/2 and full input resolution, upsampled between them by residual blocks
  with a transposed convolution; the three outputs are upsampled and summed → B×J×H×W.
* :class:`DepthTeacher` (F_depth + head, stage 1), :class:`RGBBaseline` (F_rgb + head) and
  :class:`RGBStudent` (F_rgb ‖ F_hall + head, stage 2; ``use_rgb=False`` gives the "F_hall
  only" row of seed 000 Table 1).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..skeleton import BLAZEPOSE_TO_KINECT14, KINECT14
from .backbones import BlazePoseBackbone, build_backbone


@dataclass
class ModelConfig:
    """Architecture configuration (stored in every checkpoint).

    Attributes:
        kind: ``teacher`` | ``baseline`` | ``student``.
        backbone: a name of :data:`pipose_ros.model.backbones.NAMES` (a depth teacher: SmallHRNet, or
            ``blazepose_full`` reading depth through ``depth_as_image``).
        num_joints: J.
        head_channels: width of the head's stride-4 stage.
        use_rgb: student only: include F_rgb (False = "F_hall only").
        distill_stage: which stage's features f_hall mimics: ``last`` (the fused stride-4
            embedding, seed 000), ``mid`` (end of the stride-16 branch, seed 001 §4.2) or ``s4``
            (the stride-4 map before any fusion or heatmap output: BlazePose's 48 decoder
            channels without its 39 joint-heatmap logits).
        head_stride: resolution of the SPDH head's output: 1 (the input's, seed 000), 2 or 4
            (the head stops that many upsampling stages early; must equal the checkpoint's
            ``SPDHConfig.stride``).
        teacher_channels: student only: channels of the teacher's distilled features when they
            differ from F_hall's; a 1×1 convolution (the adaptation layer of seed 001 §4.2) then
            maps F_hall's features to them for L_PI. 0 = no adaptation layer.
        uv_prior: add the pose-pretrained backbone's own joint heatmaps to the uv output
            (:class:`HeatmapPrior`; ``blazepose_full`` only): the uv branch learns a residual
            on top of what the backbone learnt from real photos.
        pretrained: record of whether the backbones started from pretrained weights (used when
            the model is built for training; loading a checkpoint always reads its own weights).
        uz_bins: 0 = the uz maps come from the convolutional branch alone (seed 000); > 0 = a
            :class:`ColumnDepthBins` branch adds per-column depth-bin scores (must equal the SPDH
            grid's rows, ``SPDHConfig.height // stride``).
    """

    kind: str = "teacher"
    backbone: str = "hrnet_w18_small"
    num_joints: int = 14
    head_channels: int = 64
    use_rgb: bool = True
    distill_stage: str = "last"
    head_stride: int = 1
    teacher_channels: int = 0
    uv_prior: bool = False
    pretrained: bool = False
    uz_bins: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def _conv_bn_relu(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


class _ResUp(nn.Module):
    """×2 upsampling residual block: transposed conv 4×4/2 + 3×3 conv, plus a bilinear 1×1 skip."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.up = nn.Sequential(nn.ConvTranspose2d(cin, cout, 4, stride=2, padding=1, bias=False),
                                nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                                nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout))
        self.skip = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = self.skip(F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False))
        return F.relu(self.up(x) + s)


class _Branch(nn.Module):
    """One SPDH branch (uv or uz): predictors at 1/4, 1/2 and 1 of the input resolution, the
    finer ones dropped for an output stride of 2 or 4."""

    def __init__(self, cin: int, ch: int, J: int, stride: int = 1):
        super().__init__()
        if stride not in (1, 2, 4):
            raise ValueError(f"head stride must be 1, 2 or 4, got {stride}")
        n = {1: 3, 2: 2, 4: 1}[stride]
        chans = (ch, ch // 2, ch // 4)[:n]
        self.stem = _conv_bn_relu(cin, ch)
        # up1 (1/4 → 1/2) and up2 (1/2 → 1), as named in every checkpoint; absent when not used
        self.up1 = _ResUp(chans[0], chans[1]) if n >= 2 else None
        self.up2 = _ResUp(chans[1], chans[2]) if n >= 3 else None
        self.pred = nn.ModuleList([nn.Conv2d(c, J, 3, padding=1) for c in chans])
        for p in self.pred:  # start near all-zero heatmaps so the summed L_PE starts small
            nn.init.normal_(p.weight, std=1e-3)
            nn.init.zeros_(p.bias)

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        xs = [self.stem(f)]
        for up in (self.up1, self.up2):
            if up is not None:
                xs.append(up(xs[-1]))
        size = xs[-1].shape[-2:]
        out = self.pred[-1](xs[-1])
        for p, x in zip(self.pred[:-1], xs[:-1]):
            out = out + F.interpolate(p(x), size=size, mode="bilinear", align_corners=False)
        return out


class ColumnDepthBins(nn.Module):
    """Per-column depth-bin scores added to the uz maps (a deviation from seed 000's head).

    A uz map's rows are depth bins, not image rows: a joint seen at image row v of column u
    must light up row k(Z) of the same column. A convolutional branch can only carry that
    information from row v to row k through its receptive field and learnt position cues. This
    branch makes it a per-column function instead: for each joint j and column u it pools
    stride-4 features over the image rows where the joint's uv map puts it
    (softmax over v of ``temperature`` × uv), appends how strongly the joint is in that column
    (max over v of uv), and a per-joint two-layer 1-D convolution over columns turns that into
    scores for the ``bins`` depth rows. The uv maps are detached: they steer the pooling, their
    own loss trains them.

    Input: f float [B, C, h, w] (stride 4), uv float [B, J, H', W'] (the head's uv output at
    ``stride``, H' = 4h / stride).
    Output: float [B, J, bins, W'] — added to the convolutional uz branch's maps of that size.
    """

    def __init__(self, cin: int, J: int, bins: int, stride: int = 1, ch: int = 32, hidden: int = 32,
                 temperature: float = 10.0):
        super().__init__()
        self.J, self.bins, self.temperature = J, bins, temperature
        self.pool = 4 // stride  # uv grid (stride ``stride``) → the stride-4 feature grid
        self.reduce = _conv_bn_relu(cin, ch)
        self.mlp = nn.Sequential(nn.Conv1d(J * (ch + 1), J * hidden, 3, padding=1, groups=J),
                                 nn.ReLU(inplace=True),
                                 nn.Conv1d(J * hidden, J * bins, 1, groups=J))
        nn.init.normal_(self.mlp[-1].weight, std=1e-3)  # starts as the convolutional uz alone
        nn.init.zeros_(self.mlp[-1].bias)

    def forward(self, f: torch.Tensor, uv: torch.Tensor) -> torch.Tensor:
        x = self.reduce(f)
        B, C, h, w = x.shape
        a = uv.detach()
        if self.pool > 1:
            a = F.avg_pool2d(a, self.pool)  # [B, J, h, w]
        wgt = torch.softmax(a * self.temperature, dim=2)
        g = torch.einsum("bjvu,bcvu->bjcu", wgt, x)  # features where joint j is, per column
        m = a.amax(dim=2, keepdim=True)  # [B, J, 1, w]: is joint j in this column
        s = self.mlp(torch.cat([g, m], 2).reshape(B, self.J * (C + 1), w))
        s = s.reshape(B, self.J, self.bins, w)
        return F.interpolate(s, size=(self.bins, uv.shape[-1]), mode="bilinear", align_corners=False)


class SPDHHead(nn.Module):
    """Two-branch SPDH pose head (seed 000 §3.2, Fig. 4), optionally with
    :class:`ColumnDepthBins` on the uz side (``uz_bins`` > 0).

    Input: f float [B, C, H/4, W/4]. Output: (uv, uz) float [B, J, H/s, W/s] each, s = ``stride``.
    """

    def __init__(self, cin: int, J: int, ch: int = 64, stride: int = 1, uz_bins: int = 0):
        super().__init__()
        self.uv = _Branch(cin, ch, J, stride)
        self.uz = _Branch(cin, ch, J, stride)
        self.column = ColumnDepthBins(cin, J, uz_bins, stride) if uz_bins > 0 else None

    def forward(self, f: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.uv(f), self.uz(f)

    def add_column(self, uz: torch.Tensor, f: torch.Tensor, uv: torch.Tensor) -> torch.Tensor:
        """uz plus the column branch's scores, steered by the final uv maps (after any prior);
        uz unchanged without a column branch. Raises ``ValueError`` when the branch's bins
        differ from uz's rows."""
        if self.column is None:
            return uz
        if uz.shape[-2] != self.column.bins:
            raise ValueError(f"uz has {uz.shape[-2]} depth rows, the column branch {self.column.bins} (uz_bins)")
        return uz + self.column(f, uv)


class HeatmapPrior(nn.Module):
    """uv prior from BlazePose GHUM's own joint heatmaps (issue 10).

    BlazePose's 39 stride-4 heatmaps are logits learnt on real photographs; for each KINECT14
    joint that is one BlazePose landmark (:data:`pipose_ros.skeleton.BLAZEPOSE_TO_KINECT14`) the
    prior is ``sigmoid(logit)`` of that landmark's map (peak ≈ 1 like the SPDH uv targets,
    seed 000 §3.2); a joint made of several landmarks (the neck) gets no prior (zeros). Fixed,
    no parameters: the network adds a learnt residual, so at the start of training the uv maps
    are the pretrained backbone's heatmaps.

    Input: heatmap logits float [B, 39, h, w] (BlazePose order: 33 landmarks first).
    Output: float [B, J, H, W], resized bilinearly to ``size`` = (H, W) when it differs.
    Raises ``ValueError`` for a joint set other than KINECT14's 14 joints.
    """

    def __init__(self, num_joints: int):
        super().__init__()
        if num_joints != len(KINECT14):
            raise ValueError(f"the BlazePose heatmap prior is defined for KINECT14, not {num_joints} joints")
        idx = [BLAZEPOSE_TO_KINECT14[n][0] if len(BLAZEPOSE_TO_KINECT14[n]) == 1 else 0 for n in KINECT14.names]
        keep = [float(len(BLAZEPOSE_TO_KINECT14[n]) == 1) for n in KINECT14.names]
        self.register_buffer("index", torch.tensor(idx, dtype=torch.long), persistent=False)
        self.register_buffer("keep", torch.tensor(keep).view(1, -1, 1, 1), persistent=False)

    def forward(self, logits: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
        p = torch.sigmoid(logits.index_select(1, self.index)) * self.keep
        if tuple(p.shape[-2:]) != tuple(size):
            p = F.interpolate(p, size=size, mode="bilinear", align_corners=False)
        return p


def _heatmap_prior(cfg: "ModelConfig") -> HeatmapPrior | None:
    if not cfg.uv_prior:
        return None
    if cfg.backbone != "blazepose_full":
        raise ValueError(f"uv_prior needs a backbone with pretrained joint heatmaps (blazepose_full), not {cfg.backbone!r}")
    return HeatmapPrior(cfg.num_joints)


def _add_prior(prior: HeatmapPrior | None, uv: torch.Tensor, f_pretrained: torch.Tensor) -> torch.Tensor:
    """uv + the prior from a BlazePose ``f``'s last channels (its joint heatmaps)."""
    if prior is None:
        return uv
    return uv + prior(f_pretrained[:, -BlazePoseBackbone.HEATMAP_CHANNELS:], uv.shape[-2:])


class _SingleNet(nn.Module):
    def __init__(self, cfg: ModelConfig, in_chans: int, pretrained: bool = False):
        super().__init__()
        self.cfg = cfg
        self.backbone = build_backbone(cfg.backbone, in_chans, pretrained)
        self.head = SPDHHead(self.backbone.out_channels, cfg.num_joints, cfg.head_channels, cfg.head_stride,
                             cfg.uz_bins)
        self.prior = _heatmap_prior(cfg)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        f, feats = self.backbone(x)
        uv, uz = self.head(f)
        uv = _add_prior(self.prior, uv, f)
        uz = self.head.add_column(uz, f, uv)
        return {"uv": uv, "uz": uz, "f": f, "feats": feats, "embedding": f}


class DepthTeacher(_SingleNet):
    """F_depth + SPDH head (seed 000 §3.1.1). Input: normalised depth float [B, 1, H, W]."""

    def __init__(self, cfg: ModelConfig, pretrained: bool = False):
        super().__init__(cfg, in_chans=1)


class RGBBaseline(_SingleNet):
    """F_rgb + SPDH head, the RGB-only row of seed 000 Table 1. Input: [B, 3, H, W]."""

    def __init__(self, cfg: ModelConfig, pretrained: bool = False):
        super().__init__(cfg, in_chans=3, pretrained=pretrained)


class RGBStudent(nn.Module):
    """F_rgb ‖ F_hall + SPDH head (seed 000 §3.1.2). Input: normalised RGB [B, 3, H, W].

    ``forward`` returns uv, uz [B, J, H, W]; ``f`` / ``feats``: F_hall's fused embedding and
    branch outputs, which L_PI compares with the frozen teacher's (:func:`distill_features`);
    ``embedding``: the F_rgb ‖ F_hall features the head decodes (the foreground-mask loss);
    ``distill`` (only with ``cfg.teacher_channels``): the distilled stage of F_hall through the
    1×1 adaptation layer, float [B, teacher_channels, h, w].
    """

    def __init__(self, cfg: ModelConfig, pretrained: bool = False):
        super().__init__()
        self.cfg = cfg
        self.hall = build_backbone(cfg.backbone, 3, pretrained)
        cin = self.hall.out_channels
        if cfg.use_rgb:
            self.rgb = build_backbone(cfg.backbone, 3, pretrained)
            cin += self.rgb.out_channels
        else:
            self.rgb = None
        self.head = SPDHHead(cin, cfg.num_joints, cfg.head_channels, cfg.head_stride, cfg.uz_bins)
        self.prior = _heatmap_prior(cfg)  # from F_rgb's heatmaps (F_hall's without F_rgb)
        self.adapt = None
        if cfg.teacher_channels:
            own = stage_channels(self.hall.channels, self.hall.out_channels, cfg.distill_stage)
            self.adapt = nn.Conv2d(own, cfg.teacher_channels, 1)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        f_hall, feats_hall = self.hall(x)
        f_rgb = f_hall if self.rgb is None else self.rgb(x)[0]
        f = f_hall if self.rgb is None else torch.cat([f_rgb, f_hall], dim=1)
        uv, uz = self.head(f)
        uv = _add_prior(self.prior, uv, f_rgb)
        uz = self.head.add_column(uz, f, uv)
        out = {"uv": uv, "uz": uz, "f": f_hall, "feats": feats_hall, "embedding": f}
        if self.adapt is not None:
            out["distill"] = self.adapt(distill_features(out, self.cfg.distill_stage))
        return out


def stage_channels(channels: list[int], out_channels: int, stage: str) -> int:
    """Channels of a backbone's features that L_PI compares at ``stage`` (as
    :func:`distill_features` picks them): ``last`` = ``out_channels`` (the fused stride-4
    embedding), ``mid`` = the stride-16 map's, ``s4`` = the stride-4 map's. Raises ``ValueError``
    for an unknown stage."""
    if stage == "last":
        return int(out_channels)
    if stage == "s4":
        return int(channels[0])
    if stage == "mid":
        return int(channels[2])
    raise ValueError(f"unknown distill_stage {stage!r}")


def distill_features(out: dict[str, torch.Tensor], stage: str) -> torch.Tensor:
    """The features L_PI compares: ``last`` = fused stride-4 embedding, ``mid`` = stride-16,
    ``s4`` = the backbone's own stride-4 map (``feats[0]``; for ``blazepose_full`` its 48 decoder
    channels: the depth teacher's 39 heatmap logits sit at −30…−125 and would make L_PI a
    ~2000-sized offset term, docs/RESULTS.md session 14); a student with an adaptation layer gives
    its adapted features (``out["distill"]``)."""
    if "distill" in out:
        return out["distill"]
    if stage == "last":
        return out["f"]
    if stage == "s4":
        return out["feats"][0]
    if stage == "mid":
        return out["feats"][2]
    raise ValueError(f"unknown distill_stage {stage!r}")


def build_model(cfg: ModelConfig, pretrained: bool = False) -> nn.Module:
    """Instantiate the network named by ``cfg.kind``; ``pretrained`` loads the backbone's
    pretrained weights (a new training run with ``cfg.pretrained``). Raises ``ValueError`` for an
    unknown kind or backbone."""
    kinds = {"teacher": DepthTeacher, "baseline": RGBBaseline, "student": RGBStudent}
    if cfg.kind not in kinds:
        raise ValueError(f"unknown model kind {cfg.kind!r}; expected one of {sorted(kinds)}")
    return kinds[cfg.kind](cfg, pretrained)
