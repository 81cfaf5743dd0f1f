"""Networks: backbone registry (SmallHRNet, BlazePose, EfficientNet-Lite0), two-branch SPDH head,
teacher / student / baseline."""

from .backbones import build_backbone
from .nets import DepthTeacher, ModelConfig, RGBBaseline, RGBStudent, SPDHHead, build_model

__all__ = ["DepthTeacher", "ModelConfig", "RGBBaseline", "RGBStudent", "SPDHHead", "build_backbone",
           "build_model"]
