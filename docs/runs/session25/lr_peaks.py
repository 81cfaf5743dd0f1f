"""Session 25 one-offs' shared code: split a left/right pair whose two maps share one peak (imported by
oneoff_teacher_left_right.py and oneoff_teacher_lr_decode.py)."""
import numpy as np

PAIRS = [(2, 5), (3, 6), (4, 7), (8, 11), (9, 12), (10, 13)]
ORDER = (((2, 5), None), ((8, 11), None), ((3, 6), (2, 5)), ((9, 12), (8, 11)), ((4, 7), (3, 6)), ((10, 13), (9, 12)))


def local_maxima(m):
    p = np.pad(m, 1, constant_values=-np.inf)
    H, W = m.shape
    return np.all([m >= p[1 + dy:1 + dy + H, 1 + dx:1 + dx + W] for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx], 0)


def separate_mirrored_peaks(uv, uz, radius=3, min_ratio=0.5, max_sep=0.25):
    """A pair sharing its argmax: the joint whose map has a second local maximum (>= min_ratio x its peak,
    within max_sep x the map size of the shared peak) moves there; which one: nearer its own side's parent
    (parents apart), else the maps' preference. Returns edited copies and the count moved."""
    uv, uz = uv.copy(), uz.copy()
    B, J, H, W = uv.shape
    yy, xx = np.mgrid[0:H, 0:W]
    moved = 0
    for b in range(B):
        pos = {j: np.array(np.unravel_index(int(np.argmax(uv[b, j])), (H, W))[::-1], float) for j in range(J)}
        for (l, r), parent in ORDER:
            a = pos[l]
            if np.abs(pos[r] - a).max() > radius:
                continue
            second, ratio, disc = {}, {}, {}
            for j in (l, r):
                disc[j] = (xx - pos[j][0]) ** 2 + (yy - pos[j][1]) ** 2 <= radius ** 2
                search = ~disc[j] & ((xx - a[0]) ** 2 + (yy - a[1]) ** 2 <= (max_sep * max(H, W)) ** 2)
                m = np.where(search & local_maxima(uv[b, j]), uv[b, j], -np.inf)
                iy, ix = np.unravel_index(int(np.argmax(m)), (H, W))
                second[j] = np.array([ix, iy], float)
                first = float(uv[b, j].max())
                ratio[j] = float(m[iy, ix]) / first if first > 0 and np.isfinite(m[iy, ix]) else 0.0
            can = [j for j in (l, r) if ratio[j] >= min_ratio]
            if not can:
                continue
            if parent is not None and np.abs(pos[parent[0]] - pos[parent[1]]).max() > radius:
                pl, pr = pos[parent[0]], pos[parent[1]]
                cost = {l: np.linalg.norm(second[l] - pl) + np.linalg.norm(a - pr),
                        r: np.linalg.norm(a - pl) + np.linalg.norm(second[r] - pr)}
                j = min(can, key=lambda q: cost[q])
            else:
                other = {l: r, r: l}
                j = max(can, key=lambda q: uv[b, q][int(second[q][1]), int(second[q][0])] + uv[b, other[q]][int(a[1]), int(a[0])])
            uv[b, j][disc[j]] = 0.0
            if abs(second[j][0] - pos[j][0]) > radius:
                uz[b, j][:, np.abs(np.arange(W) - pos[j][0]) <= radius] = 0.0
            pos[j] = second[j]
            moved += 1
    return uv, uz, moved
