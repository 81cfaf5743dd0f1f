"""Session 25 one-offs' shared code: each person's depth with the other people's first-pass skeleton masks
removed (imported by oneoff_teacher_two_pass.py and oneoff_teacher_two_pass_real.py)."""
import numpy as np

from pipose_ros.data.dataset import foreground_from_depth

ALL = np.ones(14, bool)


def without_others(dd, K, skeletons, radius, band):
    """float32 [H, W] metres per skeleton: ``dd`` with the pixels of the other skeletons'
    foreground_from_depth masks (radius, band), minus its own mask, made invalid (0)."""
    masks = [foreground_from_depth(dd, np.asarray(s.joints, np.float64), K, ALL, band_m=band, radius_m=radius) > 0
             for s in skeletons]
    out = []
    for i in range(len(skeletons)):
        other = np.zeros(dd.shape, bool)
        for j, m in enumerate(masks):
            if j != i:
                other |= m
        out.append(np.where(other & ~masks[i], 0, dd).astype(np.float32))
    return out
