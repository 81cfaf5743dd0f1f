"""Synthetic RGB-D humans with ground-truth 3D joints (seed 002 §3, §6).

An articulated body of capsules and spheres (varied height, build and proportions) is posed
over the whole pose space — arms raised above the head included — placed 1–5 m in front of a
camera with random height, pitch and intrinsics, and ray-cast analytically. RGB gets clothing /
skin colours with procedural textures, Lambertian shading and a background that is a crop of a
real photo (scikit-image's public-domain / CC0 samples, never the two photos the demo tests on)
or a procedural pattern; depth comes from the same ray cast against the body, a floor and a
back wall, and is then degraded like a structured-light / ToF sensor: depth-dependent noise,
missing range (near and far), dropout at depth edges and random holes (seed 002 §6: holes and
missing regions matter more than white noise), and is stored as uint16 millimetres (16UC1).

Frames are a pure function of ``(seed, index)``: the same call gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from scipy.spatial.transform import Rotation

from ..camera import in_view, intrinsics_from_fov, metres_to_mm16, project

# Body-model joints (internal), in a body frame with y up, x to the body's left, z forward.
_BODY = ["pelvis", "spine", "neck", "head", "nose",
         "r_sho", "r_elb", "r_wri", "r_hand", "l_sho", "l_elb", "l_wri", "l_hand",
         "r_hip", "r_kne", "r_ank", "r_toe", "l_hip", "l_kne", "l_ank", "l_toe"]
_B = {n: i for i, n in enumerate(_BODY)}
_TO_KINECT = [_B[n] for n in ("nose", "neck", "r_sho", "r_elb", "r_wri", "l_sho", "l_elb", "l_wri",
                              "r_hip", "r_kne", "r_ank", "l_hip", "l_kne", "l_ank")]
# part groups for colouring: 0 skin, 1 shirt, 2 sleeves/forearm, 3 trousers, 4 shoes, 5 hair
_SKIN, _SHIRT, _FORE, _PANTS, _SHOES, _HAIR = range(6)


@dataclass
class Frame:
    """One synthetic RGB-D frame.

    Attributes:
        rgb: uint8 [H, W, 3], RGB order.
        depth_mm: uint16 [H, W], millimetres, 0 = invalid, registered to ``rgb``.
        K: float64 [3, 3] intrinsics of both images.
        joints: float32 [14, 3] metres, camera optical frame (KINECT14 order).
        visible: bool [14]: inside the image and not hidden behind an occluder or another
            body part by more than 0.25 m.
        in_image: bool [14]: projection inside the image and in front of the camera.
        mask: bool [H, W], pixels of the person.
    """

    rgb: np.ndarray
    depth_mm: np.ndarray
    K: np.ndarray
    joints: np.ndarray
    visible: np.ndarray
    in_image: np.ndarray
    mask: np.ndarray


def _rot(axis: str, deg: float) -> np.ndarray:
    return Rotation.from_euler(axis, deg, degrees=True).as_matrix()


def _sample_body(rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[int, int, float, int]]]:
    """Pose a random body. Returns (joints [21, 3] in the body frame, metres, y up, feet near
    y = 0, and capsules as (joint a, joint b, radius m, part group))."""
    h = rng.uniform(1.45, 1.98)
    build = rng.uniform(0.8, 1.35)
    L = {  # segment lengths as fractions of height, jittered per body
        "pelvis_spine": 0.16, "spine_neck": 0.16, "neck_head": 0.09,
        "sho": 0.115, "upper": 0.175, "fore": 0.15, "hand": 0.06,
        "hip": 0.055 * (0.9 + 0.3 * (build - 0.8)), "thigh": 0.245, "shin": 0.245, "foot": 0.09,
    }
    L = {k: v * h * rng.uniform(0.92, 1.08) for k, v in L.items()}
    J = np.zeros((len(_BODY), 3))
    # torso: lean forward/back and sideways, twist
    lean = _rot("x", rng.uniform(-15, 35) if rng.random() < 0.8 else rng.uniform(35, 70))
    torso_R = _rot("y", rng.uniform(-30, 30)) @ lean @ _rot("z", rng.uniform(-15, 15))
    J[_B["pelvis"]] = [0, 0, 0]
    J[_B["spine"]] = torso_R @ [0, L["pelvis_spine"], 0]
    chest_R = torso_R @ _rot("x", rng.uniform(-5, 15)) @ _rot("y", rng.uniform(-20, 20))
    J[_B["neck"]] = J[_B["spine"]] + chest_R @ [0, L["spine_neck"], 0]
    head_R = chest_R @ _rot("x", rng.uniform(-30, 40)) @ _rot("y", rng.uniform(-60, 60))
    J[_B["head"]] = J[_B["neck"]] + head_R @ [0, L["neck_head"], 0.01]
    J[_B["nose"]] = J[_B["head"]] + head_R @ [0, -0.01, 0.095 * h / 1.75]
    # arms: shoulder angles cover arms down, forward, sideways and raised above the head
    for side, sgn in (("r", -1.0), ("l", 1.0)):
        sho = J[_B["neck"]] + chest_R @ [sgn * L["sho"], -0.03 * h, 0]
        J[_B[f"{side}_sho"]] = sho
        mode = rng.random()
        if mode < 0.3:
            elev = rng.uniform(-10, 40)
        elif mode < 0.6:
            elev = rng.uniform(40, 110)
        else:
            elev = rng.uniform(110, 180)  # raised
        azim = rng.uniform(-60, 90)  # 0 = sideways, 90 = forward
        # direction: start pointing down, rotate up by elev in the plane given by azim
        plane_axis = _rot("y", -sgn * azim) @ np.array([0, 0, sgn * 1.0])
        d_up = Rotation.from_rotvec(np.deg2rad(elev) * plane_axis).as_matrix() @ [0, -1, 0]
        upper_dir = chest_R @ d_up
        J[_B[f"{side}_elb"]] = sho + L["upper"] * upper_dir
        flex = rng.uniform(0, 145)
        bend_axis = np.cross(upper_dir, chest_R @ _rot("y", rng.uniform(-90, 90)) @ [0, 0, 1])
        if np.linalg.norm(bend_axis) < 1e-6:
            bend_axis = chest_R @ [1, 0, 0]
        bend_axis /= np.linalg.norm(bend_axis)
        fore_dir = Rotation.from_rotvec(np.deg2rad(flex) * bend_axis).as_matrix() @ upper_dir
        J[_B[f"{side}_wri"]] = J[_B[f"{side}_elb"]] + L["fore"] * fore_dir
        J[_B[f"{side}_hand"]] = J[_B[f"{side}_wri"]] + L["hand"] * fore_dir
    # legs
    crouch = rng.random() < 0.15
    for side, sgn in (("r", -1.0), ("l", 1.0)):
        hip = np.array([sgn * L["hip"], -0.03 * h, 0.0])
        J[_B[f"{side}_hip"]] = hip
        hflex = rng.uniform(40, 100) if crouch else rng.uniform(-25, 50)
        abd = rng.uniform(-5, 30)
        thigh_R = _rot("z", sgn * abd) @ _rot("x", -hflex)
        J[_B[f"{side}_kne"]] = hip + thigh_R @ [0, -L["thigh"], 0]
        kflex = rng.uniform(60, 130) if crouch else rng.uniform(0, 90)
        shin_R = thigh_R @ _rot("x", kflex)
        J[_B[f"{side}_ank"]] = J[_B[f"{side}_kne"]] + shin_R @ [0, -L["shin"], 0]
        J[_B[f"{side}_toe"]] = J[_B[f"{side}_ank"]] + _rot("y", sgn * rng.uniform(-5, 25)) @ [0, -0.04, L["foot"]]
    J[:, 1] -= J[:, 1].min()  # lowest point on the floor
    w = build * h / 1.75
    caps = [
        (_B["pelvis"], _B["spine"], 0.12 * w, _SHIRT),
        (_B["spine"], _B["neck"], 0.125 * w, _SHIRT),
        (_B["r_hip"], _B["l_hip"], 0.10 * w, _PANTS),
        (_B["r_sho"], _B["l_sho"], 0.065 * w, _SHIRT),
        (_B["r_sho"], _B["r_hip"], 0.07 * w, _SHIRT),
        (_B["l_sho"], _B["l_hip"], 0.07 * w, _SHIRT),
        (_B["neck"], _B["head"], 0.05 * w, _SKIN),
        (_B["head"], _B["head"], 0.10 * h / 1.75, _HAIR),
        (_B["r_sho"], _B["r_elb"], 0.048 * w, _SHIRT), (_B["l_sho"], _B["l_elb"], 0.048 * w, _SHIRT),
        (_B["r_elb"], _B["r_wri"], 0.038 * w, _FORE), (_B["l_elb"], _B["l_wri"], 0.038 * w, _FORE),
        (_B["r_wri"], _B["r_hand"], 0.035 * w, _SKIN), (_B["l_wri"], _B["l_hand"], 0.035 * w, _SKIN),
        (_B["r_hip"], _B["r_kne"], 0.075 * w, _PANTS), (_B["l_hip"], _B["l_kne"], 0.075 * w, _PANTS),
        (_B["r_kne"], _B["r_ank"], 0.055 * w, _PANTS), (_B["l_kne"], _B["l_ank"], 0.055 * w, _PANTS),
        (_B["r_ank"], _B["r_toe"], 0.042 * w, _SHOES), (_B["l_ank"], _B["l_toe"], 0.042 * w, _SHOES),
    ]
    return J, caps


def _raycast_capsules(dirs: np.ndarray, A: np.ndarray, Bc: np.ndarray, R: np.ndarray):
    """Ray (from the origin along unit ``dirs`` [N, 3]) vs capsules (ends A, B [M, 3], radii
    R [M]). Returns (t [N], capsule index [N], -1 = miss)."""
    N, M = len(dirs), len(A)
    t_best = np.full(N, np.inf)
    idx = np.full(N, -1)
    for m in range(M):
        a, b, r = A[m], Bc[m], R[m]
        ba = b - a
        oa = -a
        baba = ba @ ba
        if baba < 1e-12:  # sphere
            bq = dirs @ oa
            c = oa @ oa - r * r
            hh = bq * bq - c
            t = np.where(hh > 0, -bq - np.sqrt(np.maximum(hh, 0)), np.inf)
        else:
            bard = dirs @ ba
            baoa = ba @ oa
            rdoa = dirs @ oa
            oaoa = oa @ oa
            qa = baba - bard * bard
            qb = baba * rdoa - baoa * bard
            qc = baba * oaoa - baoa * baoa - r * r * baba
            hh = qb * qb - qa * qc
            with np.errstate(divide="ignore", invalid="ignore"):
                t_cyl = (-qb - np.sqrt(np.maximum(hh, 0))) / qa
            y = baoa + t_cyl * bard
            ok_cyl = (hh >= 0) & (y > 0) & (y < baba) & (qa > 1e-12)
            # caps
            t = np.where(ok_cyl, t_cyl, np.inf)
            for end in (a, b):
                oc = -end
                bq = dirs @ oc
                c = oc @ oc - r * r
                hs = bq * bq - c
                ts = np.where(hs > 0, -bq - np.sqrt(np.maximum(hs, 0)), np.inf)
                t = np.where(~ok_cyl, np.minimum(t, ts), t)
        t = np.where(t > 0.05, t, np.inf)
        better = t < t_best
        t_best[better] = t[better]
        idx[better] = m
    return t_best, idx


@lru_cache(maxsize=1)
def _photo_backgrounds() -> tuple[np.ndarray, ...]:
    """Real photos for backgrounds: scikit-image samples other than astronaut() and camera()."""
    from skimage import data

    out = []
    for name in ("chelsea", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry",
                 "motorcycle_left", "retina", "page", "grass", "gravel", "brick", "text", "moon"):
        try:
            img = getattr(data, name)()
        except Exception:  # a sample that needs pooch (download) is skipped, never fetched
            continue
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=2)
        out.append(np.ascontiguousarray(img[..., :3]).astype(np.uint8))
    return tuple(out)


def _background_rgb(rng: np.random.Generator, W: int, H: int) -> np.ndarray:
    photos = _photo_backgrounds()
    if photos and rng.random() < 0.7:
        p = photos[rng.integers(len(photos))]
        ph, pw = p.shape[:2]
        s = rng.uniform(0.3, 1.0)
        cw, ch = max(8, int(pw * s)), max(8, int(ph * s))
        x0, y0 = rng.integers(0, pw - cw + 1), rng.integers(0, ph - ch + 1)
        img = cv2.resize(p[y0:y0 + ch, x0:x0 + cw], (W, H), interpolation=cv2.INTER_AREA)
        if rng.random() < 0.5:
            img = img[:, ::-1]
        return np.ascontiguousarray(img)
    c1, c2 = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    yy, xx = np.mgrid[0:H, 0:W] / max(H, W)
    ang = rng.uniform(0, np.pi)
    f = rng.uniform(2, 30)
    pat = 0.5 + 0.5 * np.sin(f * (np.cos(ang) * xx + np.sin(ang) * yy) * np.pi)
    if rng.random() < 0.5:
        pat = (pat > 0.5).astype(float)
    img = c1[None, None] * pat[..., None] + c2[None, None] * (1 - pat[..., None])
    img += rng.normal(0, rng.uniform(0, 20), img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


class SyntheticHumans:
    """Deterministic generator of :class:`Frame` objects.

    Args:
        seed: stream seed; frame i of seed s is always the same.
        width, height: rendered image size in pixels (the camera's native size).
        dist_range: root (pelvis) distance from the camera along z, metres.
        occluder_prob: probability of a box occluding part of the person.
        degrade: apply the depth-sensor model (holes, edge dropout, range, noise).
    """

    def __init__(self, seed: int = 0, width: int = 256, height: int = 192,
                 dist_range: tuple[float, float] = (1.0, 5.0), occluder_prob: float = 0.15,
                 degrade: bool = True):
        self.seed = seed
        self.width = width
        self.height = height
        self.dist_range = dist_range
        self.occluder_prob = occluder_prob
        self.degrade = degrade

    def __getitem__(self, index: int) -> Frame:
        rng = np.random.default_rng([self.seed, index])
        return self._render(rng)

    def _render(self, rng: np.random.Generator) -> Frame:
        W, H = self.width, self.height
        K = intrinsics_from_fov(W, H, rng.uniform(50, 80))
        K[0, 2] += rng.uniform(-0.03, 0.03) * W
        K[1, 2] += rng.uniform(-0.03, 0.03) * H
        K[1, 1] = K[0, 0] * rng.uniform(0.98, 1.02)
        body, caps = _sample_body(rng)
        # camera pose: height above floor, pitch; person placed at distance d, lateral offset
        cam_h = rng.uniform(0.6, 1.9)
        pitch = rng.uniform(-20, 12)  # +: looking down
        d = rng.uniform(*self.dist_range)
        yaw = rng.uniform(0, 360)
        # world: y up, floor y = 0; camera at (0, cam_h, 0) looking +z (then pitched)
        Rw = _rot("y", yaw)
        pts_w = body @ Rw.T
        # lateral offset: mostly in view, sometimes truncated at the border
        half_fov = np.arctan((W / 2) / K[0, 0])
        lat = np.tan(half_fov) * d * (rng.uniform(-0.7, 0.7) if rng.random() < 0.85 else rng.uniform(-1.1, 1.1))
        pts_w = pts_w + np.array([lat, 0, d])
        # world -> optical (x right, y down, z forward): a *proper* rotation, 180° about z
        # (x, y, z) -> (-x, -y, z), so bodies keep their handedness (a person's right hand is
        # their right hand in the image, as MediaPipe and real cameras see it). World x is the
        # camera's left, y up, z forward (right-handed).
        Rp = _rot("x", -pitch)  # rotate world about x so that the camera pitches down
        def to_cam(p):
            q = np.asarray(p, float) - np.array([0, cam_h, 0])
            q = q @ Rp.T
            return q * np.array([-1, -1, 1])
        P = to_cam(pts_w)
        # rays
        us, vs = np.meshgrid(np.arange(W), np.arange(H))
        dirs = np.stack([(us - K[0, 2]) / K[0, 0], (vs - K[1, 2]) / K[1, 1], np.ones_like(us, float)], -1)
        dirs = dirs.reshape(-1, 3)
        norms = np.linalg.norm(dirs, axis=1)
        dirs_u = dirs / norms[:, None]
        A = np.array([P[a] for a, _, _, _ in caps])
        Bc = np.array([P[b] for _, b, _, _ in caps])
        R = np.array([r for _, _, r, _ in caps])
        t_body, cap_idx = _raycast_capsules(dirs_u, A, Bc, R)
        hit = np.isfinite(t_body)
        # background planes: floor (world y = 0) and back wall (world z = d + wall)
        floor_n = to_cam(np.array([0, 1, 0]) + np.array([0, cam_h, 0]))  # direction of world up
        cam0 = to_cam(np.zeros(3))  # floor point under... origin of world in camera frame
        # plane through cam0 with normal floor_n: n·(x - cam0) = 0, ray x = t·dir
        denom = dirs_u @ floor_n
        with np.errstate(divide="ignore", invalid="ignore"):
            t_floor = np.where(denom < -1e-6, (floor_n @ cam0) / denom, np.inf)
        wall_d = d + rng.uniform(0.5, 4.0)
        wall_p = to_cam(np.array([0, 0, wall_d]))
        wall_n = to_cam(np.array([0, 0, -1]) + np.array([0, cam_h, 0]))
        denom_w = dirs_u @ wall_n
        with np.errstate(divide="ignore", invalid="ignore"):
            t_wall = np.where(denom_w < -1e-6, (wall_n @ wall_p) / denom_w, np.inf)
        t_bg = np.minimum(t_floor, t_wall)
        t_bg = np.where(np.isfinite(t_bg), t_bg, 20.0)
        # optional occluder: an axis-aligned box-like slab in front of the person
        t_occ = np.full_like(t_body, np.inf)
        occ_rgb = None
        if rng.random() < self.occluder_prob:
            zc = rng.uniform(0.6, max(0.7, d - 0.5))
            pu = project(P[_B["spine"]][None], K)[0]
            cu, cv = pu[0] + rng.uniform(-0.15, 0.15) * W, pu[1] + rng.uniform(-0.1, 0.4) * H
            hw, hh = rng.uniform(0.08, 0.3) * W, rng.uniform(0.1, 0.4) * H
            inside = (np.abs(us.ravel() - cu) < hw) & (np.abs(vs.ravel() - cv) < hh)
            t_occ[inside] = zc * norms[inside]
            occ_rgb = rng.integers(0, 256, 3)
        t_all = np.minimum(np.minimum(t_body, t_bg), t_occ)
        is_body = hit & (t_body <= t_all)
        is_occ = np.isfinite(t_occ) & (t_occ <= t_all)
        z = (t_all / norms).reshape(H, W)  # optical z = t / |dir| with dir.z = 1
        # --- RGB ---
        bg = _background_rgb(rng, W, H).astype(np.float32)
        img = bg.reshape(-1, 3).copy()
        # floor darker / tinted
        floor_pix = (t_floor <= t_wall) & ~is_body & ~is_occ
        img[floor_pix] = img[floor_pix] * rng.uniform(0.4, 0.9) + rng.integers(0, 60, 3)
        colours = self._palette(rng)
        hp = dirs_u[is_body] * t_body[is_body, None]
        ci = cap_idx[is_body]
        a, b = A[ci], Bc[ci]
        ba = b - a
        tt = np.clip(np.einsum("ij,ij->i", hp - a, ba) / np.maximum(np.einsum("ij,ij->i", ba, ba), 1e-12), 0, 1)
        q = a + tt[:, None] * ba
        n = hp - q
        n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-9)
        light = np.array([rng.uniform(-0.6, 0.6), rng.uniform(-1.0, -0.2), -1.0])
        light /= np.linalg.norm(light)
        shade = rng.uniform(0.25, 0.5) + rng.uniform(0.5, 0.8) * np.clip(n @ light, 0, 1)
        grp = np.array([g for _, _, _, g in caps])[ci]
        base = colours[grp]
        # procedural cloth texture: stripes / checks along the body, in metric coordinates
        f = rng.uniform(10, 60)
        tex_amp = np.where(np.isin(grp, [_SHIRT, _PANTS, _FORE]), rng.uniform(0, 0.35), 0.05)
        tex = 1 + tex_amp * np.sign(np.sin(f * hp[:, 1] + rng.uniform(0, 6)) * (1 if rng.random() < 0.5 else np.sin(f * hp[:, 0])))
        img[is_body] = base * (shade * tex)[:, None]
        if occ_rgb is not None:
            img[is_occ & ~is_body] = occ_rgb
            img[is_occ & is_body] = occ_rgb
        img = img.reshape(H, W, 3)
        img = img * rng.uniform(0.6, 1.3) + rng.uniform(-25, 25)
        if rng.random() < 0.4:
            k = int(rng.choice([3, 5]))
            img = cv2.GaussianBlur(img, (k, k), 0)
        img = img + rng.normal(0, rng.uniform(1, 8), img.shape)
        rgb = np.clip(img, 0, 255).astype(np.uint8)
        # --- depth with sensor degradation ---
        depth = z.astype(np.float64)
        if self.degrade:
            depth = self._degrade(rng, depth)
        depth_mm = metres_to_mm16(depth)
        joints = P[_TO_KINECT].astype(np.float32)
        uv = project(joints, K)
        in_img = in_view(joints, K, W, H)
        ui = np.clip(np.round(uv[:, 0]).astype(int), 0, W - 1)
        vi = np.clip(np.round(uv[:, 1]).astype(int), 0, H - 1)
        surf = z[vi, ui]
        visible = in_img & (surf > joints[:, 2] - 0.25)
        return Frame(rgb=rgb, depth_mm=depth_mm, K=K, joints=joints, visible=visible,
                     in_image=in_img, mask=is_body.reshape(H, W) & ~is_occ.reshape(H, W))

    @staticmethod
    def _palette(rng: np.random.Generator) -> np.ndarray:
        skin = np.array([rng.uniform(60, 240), 0, 0])
        skin[1] = skin[0] * rng.uniform(0.6, 0.8)
        skin[2] = skin[0] * rng.uniform(0.45, 0.7)
        shirt = rng.integers(0, 256, 3).astype(float)
        fore = shirt if rng.random() < 0.6 else skin
        pants = rng.integers(0, 200, 3).astype(float)
        shoes = rng.integers(0, 120, 3).astype(float)
        hair = rng.integers(0, 120, 3).astype(float) if rng.random() < 0.85 else skin
        return np.stack([skin, shirt, fore, pants, shoes, hair])

    @staticmethod
    def _degrade(rng: np.random.Generator, depth: np.ndarray) -> np.ndarray:
        """Sensor model (seed 002 §6): z²-scaled noise, missing range, edge dropout, holes."""
        H, W = depth.shape
        d = depth + rng.normal(0, 1, depth.shape) * (0.0012 + 0.0019 * (depth - 0.4) ** 2)
        near, far = rng.uniform(0.3, 0.5), rng.uniform(4.5, 9.0)
        d[(depth < near) | (depth > far)] = 0
        # edge dropout: strong depth discontinuities lose a band of pixels
        gx = np.abs(np.diff(depth, axis=1, prepend=depth[:, :1]))
        gy = np.abs(np.diff(depth, axis=0, prepend=depth[:1]))
        edge = ((gx > 0.1) | (gy > 0.1)).astype(np.uint8)
        k = int(rng.integers(1, 4))
        edge = cv2.dilate(edge, np.ones((k, k), np.uint8)) > 0
        d[edge & (rng.random(depth.shape) < rng.uniform(0.5, 1.0))] = 0
        # random holes / missing regions (blobs)
        for _ in range(int(rng.integers(0, 8))):
            cx, cy = rng.uniform(0, W), rng.uniform(0, H)
            ax, ay = rng.uniform(2, 0.12 * W), rng.uniform(2, 0.12 * H)
            yy, xx = np.ogrid[:H, :W]
            d[((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2 < 1] = 0
        # speckle dropout
        d[rng.random(depth.shape) < rng.uniform(0, 0.03)] = 0
        return d
