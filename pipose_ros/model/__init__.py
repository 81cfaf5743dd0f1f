"""Networks: SmallHRNet backbone (timm), two-branch SPDH head, teacher / student / baseline."""

from .nets import (Backbone, DepthTeacher, ModelConfig, RGBBaseline, RGBStudent, SPDHHead,
                   build_model)

__all__ = ["Backbone", "DepthTeacher", "ModelConfig", "RGBBaseline", "RGBStudent", "SPDHHead",
           "build_model"]
