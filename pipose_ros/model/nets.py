"""SmallHRNet backbone, SPDH pose head and the three networks of seed 000 §3.

* :class:`Backbone` — timm ``hrnet_w18_small`` / ``hrnet_w18_small_v2`` (SmallHRNet, seed 000
  §3.1) with ``features_only=True``; the four branch outputs (strides 4, 8, 16, 32) are
  upsampled to stride 4 and concatenated into the embedding ``f`` that is distilled (L_PI).
* :class:`SPDHHead` — seed 000 §3.2 / Fig. 4: a uv and a uz branch, each with three 3×3 conv
  predictors at 1/4, 1/2 and full input resolution, upsampled between them by residual blocks
  with a transposed convolution; the three outputs are upsampled and summed → B×J×H×W.
* :class:`DepthTeacher` (F_depth + head, stage 1), :class:`RGBBaseline` (F_rgb + head) and
  :class:`RGBStudent` (F_rgb ‖ F_hall + head, stage 2; ``use_rgb=False`` gives the "F_hall
  only" row of seed 000 Table 1).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import timm
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ModelConfig:
    """Architecture configuration (stored in every checkpoint).

    Attributes:
        kind: ``teacher`` | ``baseline`` | ``student``.
        backbone: timm model name (``hrnet_w18_small`` or ``hrnet_w18_small_v2``).
        num_joints: J.
        head_channels: width of the head's stride-4 stage.
        use_rgb: student only: include F_rgb (False = "F_hall only").
        distill_stage: which stage's features f_hall mimics: ``last`` (the fused stride-4
            embedding, seed 000) or ``mid`` (end of the stride-16 branch, seed 001 §4.2).
    """

    kind: str = "teacher"
    backbone: str = "hrnet_w18_small"
    num_joints: int = 14
    head_channels: int = 64
    use_rgb: bool = True
    distill_stage: str = "last"

    def to_dict(self) -> dict:
        return asdict(self)


class Backbone(nn.Module):
    """SmallHRNet feature extractor.

    Input: float [B, C, H, W] (C = 3 for RGB, 1 for depth), H and W multiples of 32.
    Output of :meth:`forward`: (f, feats) with f float [B, out_channels, H/4, W/4] (the fused
    embedding) and feats the list of the four branch outputs.
    """

    def __init__(self, name: str = "hrnet_w18_small", in_chans: int = 3):
        super().__init__()
        self.net = timm.create_model(name, pretrained=False, features_only=True,
                                     feature_location="", out_indices=(1, 2, 3, 4),
                                     in_chans=in_chans)
        self.channels = list(self.net.feature_info.channels())
        self.out_channels = sum(self.channels)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        feats = self.net(x)
        size = feats[0].shape[-2:]
        up = [feats[0]] + [F.interpolate(f, size=size, mode="bilinear", align_corners=False)
                           for f in feats[1:]]
        return torch.cat(up, dim=1), feats


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
    """One SPDH branch (uv or uz): predictors at 1/4, 1/2 and 1 of the input resolution."""

    def __init__(self, cin: int, ch: int, J: int):
        super().__init__()
        self.stem = _conv_bn_relu(cin, ch)
        self.up1 = _ResUp(ch, ch // 2)
        self.up2 = _ResUp(ch // 2, ch // 4)
        self.pred = nn.ModuleList([nn.Conv2d(c, J, 3, padding=1) for c in (ch, ch // 2, ch // 4)])
        for p in self.pred:  # start near all-zero heatmaps so the summed L_PE starts small
            nn.init.normal_(p.weight, std=1e-3)
            nn.init.zeros_(p.bias)

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        x4 = self.stem(f)
        x2 = self.up1(x4)
        x1 = self.up2(x2)
        size = x1.shape[-2:]
        out = self.pred[2](x1)
        for p, x in ((self.pred[0], x4), (self.pred[1], x2)):
            out = out + F.interpolate(p(x), size=size, mode="bilinear", align_corners=False)
        return out


class SPDHHead(nn.Module):
    """Two-branch SPDH pose head (seed 000 §3.2, Fig. 4).

    Input: f float [B, C, H/4, W/4]. Output: (uv, uz) float [B, J, H, W] each.
    """

    def __init__(self, cin: int, J: int, ch: int = 64):
        super().__init__()
        self.uv = _Branch(cin, ch, J)
        self.uz = _Branch(cin, ch, J)

    def forward(self, f: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.uv(f), self.uz(f)


class _SingleNet(nn.Module):
    def __init__(self, cfg: ModelConfig, in_chans: int):
        super().__init__()
        self.cfg = cfg
        self.backbone = Backbone(cfg.backbone, in_chans)
        self.head = SPDHHead(self.backbone.out_channels, cfg.num_joints, cfg.head_channels)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        f, feats = self.backbone(x)
        uv, uz = self.head(f)
        return {"uv": uv, "uz": uz, "f": f, "feats": feats, "embedding": f}


class DepthTeacher(_SingleNet):
    """F_depth + SPDH head (seed 000 §3.1.1). Input: normalised depth float [B, 1, H, W]."""

    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg, in_chans=1)


class RGBBaseline(_SingleNet):
    """F_rgb + SPDH head, the RGB-only row of seed 000 Table 1. Input: [B, 3, H, W]."""

    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg, in_chans=3)


class RGBStudent(nn.Module):
    """F_rgb ‖ F_hall + SPDH head (seed 000 §3.1.2). Input: normalised RGB [B, 3, H, W].

    ``forward`` returns uv, uz [B, J, H, W]; ``f`` / ``feats``: F_hall's fused embedding and
    branch outputs, which L_PI compares with the frozen teacher's (:func:`distill_features`);
    ``embedding``: the F_rgb ‖ F_hall features the head decodes (the foreground-mask loss).
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.hall = Backbone(cfg.backbone, 3)
        cin = self.hall.out_channels
        if cfg.use_rgb:
            self.rgb = Backbone(cfg.backbone, 3)
            cin += self.rgb.out_channels
        else:
            self.rgb = None
        self.head = SPDHHead(cin, cfg.num_joints, cfg.head_channels)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        f_hall, feats_hall = self.hall(x)
        f = f_hall if self.rgb is None else torch.cat([self.rgb(x)[0], f_hall], dim=1)
        uv, uz = self.head(f)
        return {"uv": uv, "uz": uz, "f": f_hall, "feats": feats_hall, "embedding": f}


def distill_features(out: dict[str, torch.Tensor], stage: str) -> torch.Tensor:
    """The features L_PI compares: ``last`` = fused stride-4 embedding, ``mid`` = stride-16."""
    if stage == "last":
        return out["f"]
    if stage == "mid":
        return out["feats"][2]
    raise ValueError(f"unknown distill_stage {stage!r}")


def build_model(cfg: ModelConfig) -> nn.Module:
    """Instantiate the network named by ``cfg.kind``; raises ``ValueError`` for an unknown kind."""
    kinds = {"teacher": DepthTeacher, "baseline": RGBBaseline, "student": RGBStudent}
    if cfg.kind not in kinds:
        raise ValueError(f"unknown model kind {cfg.kind!r}; expected one of {sorted(kinds)}")
    return kinds[cfg.kind](cfg)
