"""Synthetic RGB-D scenes of Anny people, rendered on the CPU (pyrender + Mesa EGL/OSMesa).

Seed 002 §3, §6: humans over the whole pose space, rendered depth degraded like a real sensor.
A scene (:class:`AnnyScenes`, frame ``i`` of stream ``seed`` is a pure function of both) holds:

* **people**: 1–4 Anny bodies (:mod:`.anny_bodies`) standing on a floor 0.8–7 m from the
  camera, random yaw (turned away included), some cut by the image border, overlapping each
  other; a seat under each sitting person.
* **occluders**: boxes, tables and chairs as simple meshes, often between camera and people.
* **camera** like a robot's: height 0.4–1.8 m, pitch −30…+15° (negative = looking down),
  horizontal field of view 55–90°, native resolution 640×480, 848×480 or 1280×720, rendered
  at ``width`` pixels wide with K scaled accordingly (principal point jittered).
* **appearance**: clothes, skin tones over the human range and hair as per-vertex colours
  with procedural textures; a floor with a procedural texture; a back wall showing a crop of a
  real photograph (``NOTICE``: scikit-image samples under CC0 / public domain) or a procedural
  pattern; random ambient, directional and point lights; exposure, blur and sensor noise.
* **depth like a sensor** (:func:`degrade_depth`): the renderer's metric z-buffer, then missing
  pixels at depth edges, on dark and on oblique surfaces, beyond the far and near range, random
  holes and speckle, noise growing with distance (σ = 1.2 mm + 1.9 mm·(z − 0.4 m)², Kinect-like),
  structured-light disparity quantisation or time-of-flight flying pixels, and optionally a
  misregistration of 1–2 pixels; stored as 16UC1 millimetres with 0 = invalid (REP-118).

Frames: :class:`SceneFrame`. ``pipose benchmark`` times the renderer (``render_fps``).
Set ``PYOPENGL_PLATFORM=egl`` (default here) or ``osmesa``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

os.environ.setdefault("PYOPENGL_PLATFORM", "egl")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from ..camera import in_view, intrinsics_from_fov, metres_to_mm16, project  # noqa: E402
from .anny_bodies import bodies  # noqa: E402

NATIVE_RESOLUTIONS = ((640, 480), (848, 480), (1280, 720))
# scikit-image samples used as wall photos, each CC0 or public domain (listed in NOTICE);
# never astronaut() and camera(), on which the demo runs
PHOTOS = ("chelsea", "coffee", "rocket", "brick", "grass", "gravel", "hubble_deep_field")


@dataclass(frozen=True)
class Domain:
    """What a stream of scenes draws from: ranges of the camera, people, lights, clothes and the
    depth sensor. :data:`TRAIN` is the training domain (module docstring); :data:`ROBOT` is a
    deliberately different one — the "user's robot" of the distillation demonstration (issue 13)."""

    name: str = "train"
    camera_height_m: tuple[float, float] = (0.4, 1.8)
    pitch_deg: tuple[float, float] = (-30.0, 15.0)
    hfov_deg: tuple[float, float] = (55.0, 90.0)
    resolutions: tuple = NATIVE_RESOLUTIONS
    wall_photos: bool = True  # back walls show real photographs (else procedural patterns only)
    ambient: tuple[float, float] = (0.15, 0.5)
    light_colour_min: tuple[float, float, float] = (0.8, 0.8, 0.8)  # directional light RGB, each in [min, 1]
    light_intensity: tuple[float, float] = (1.5, 5.0)
    cloth_palette: tuple | None = None  # shirt / trouser base colours drawn from these RGB (None: any colour)
    sensor: str = "random"  # depth sensor: random (structured light or time of flight) or stereo


TRAIN = Domain()
# A mobile manipulator's head camera (RealSense-D435-like: 69° HFOV, 640×480, active IR stereo)
# looking slightly down at 1–2 people at HRI distances in a dim, warm-lit room with plain walls,
# the people in work clothes of a few colours. Every range differs from TRAIN or sits at its edge.
ROBOT = Domain(name="robot", camera_height_m=(1.05, 1.25), pitch_deg=(-20.0, -8.0), hfov_deg=(68.0, 70.0),
               resolutions=((640, 480),), wall_photos=False, ambient=(0.06, 0.16),
               light_colour_min=(1.0, 0.75, 0.5), light_intensity=(0.8, 2.2),
               cloth_palette=((235, 110, 20), (25, 55, 130), (45, 45, 48), (215, 205, 60), (30, 110, 60)),
               sensor="stereo")
DOMAINS = {"train": TRAIN, "robot": ROBOT}
# people per scene of each domain (AnnyScenes arguments): the robot meets 1–2 people at 1–4.5 m,
# sometimes behind a table or chair
DOMAIN_PEOPLE = {"train": {"people": [1, 4], "dist_range_m": [0.8, 7.0], "occluder_prob": 0.5},
                 "robot": {"people": [1, 2], "dist_range_m": [1.0, 4.5], "occluder_prob": 0.3}}


@dataclass
class SceneFrame:
    """One rendered frame.

    Attributes:
        rgb: uint8 [H, W, 3] RGB.
        depth_mm: uint16 [H, W] millimetres, 0 = invalid, registered to ``rgb`` (up to the
            optional misregistration).
        K: float64 [3, 3] intrinsics of both images, pixels.
        joints: float32 [P, 14, 3] KINECT14 joints per person, metres, camera optical frame.
        visible: bool [P, 14]: in the image and not hidden by more than 0.25 m of something
            else (another person, an occluder) in front of it.
        in_image: bool [P, 14]: projects inside the image, in front of the camera.
        boxes: float32 [P, 4] (x0, y0, x1, y1) pixels of the person's visible surface (NaN when
            none of it is visible).
        visible_fraction: float32 [P]: share of the person's in-frustum mesh vertices seen.
        families: pose family per person.
        meta: camera height (m), pitch (deg), horizontal FOV (deg), native resolution, sensor.
    """

    rgb: np.ndarray
    depth_mm: np.ndarray
    K: np.ndarray
    joints: np.ndarray
    visible: np.ndarray
    in_image: np.ndarray
    boxes: np.ndarray
    visible_fraction: np.ndarray
    families: list
    meta: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def _photos() -> tuple[np.ndarray, ...]:
    from skimage import data

    out = []
    for name in PHOTOS:
        try:
            img = getattr(data, name)()
        except Exception:  # noqa: BLE001 — a sample that would need a download is skipped
            continue
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=2)
        out.append(np.ascontiguousarray(img[..., :3]).astype(np.uint8))
    return tuple(out)


def _procedural_texture(rng: np.random.Generator, size=(128, 128)) -> np.ndarray:
    """Floor / wall texture: tiles, planks, carpet noise or a plain colour, uint8 [H, W, 3]."""
    H, W = size
    c1 = rng.uniform(30, 230, 3)
    c2 = c1 * rng.uniform(0.5, 1.2, 3)
    yy, xx = np.mgrid[0:H, 0:W] / max(H, W)
    kind = rng.integers(4)
    if kind == 0:  # tiles
        n = rng.integers(2, 10)
        pat = ((np.floor(xx * n) + np.floor(yy * n)) % 2)[..., None]
    elif kind == 1:  # planks
        n = rng.integers(3, 14)
        pat = (0.5 + 0.5 * np.sin(yy * n * 2 * np.pi + 0.3 * np.sin(xx * 17)))[..., None]
    elif kind == 2:  # carpet noise
        pat = cv2.GaussianBlur(rng.random((H, W)), (0, 0), rng.uniform(0.5, 4))[..., None]
        pat = (pat - pat.min()) / max(np.ptp(pat), 1e-6)
    else:
        pat = np.zeros((H, W, 1))
    img = c1 * pat + c2 * (1 - pat) + rng.normal(0, 6, (H, W, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def _wall_texture(rng: np.random.Generator) -> np.ndarray:
    photos = _photos()
    if photos and rng.random() < 0.7:
        p = photos[rng.integers(len(photos))]
        ph, pw = p.shape[:2]
        s = rng.uniform(0.4, 1.0)
        cw, ch = max(16, int(pw * s)), max(16, int(ph * s * 0.5))
        x0, y0 = rng.integers(0, pw - cw + 1), rng.integers(0, ph - ch + 1)
        img = cv2.resize(p[y0:y0 + ch, x0:x0 + cw], (256, 128), interpolation=cv2.INTER_AREA)
        return np.ascontiguousarray(img[:, ::-1] if rng.random() < 0.5 else img)
    return _procedural_texture(rng, (128, 256))


def _quad(corners: np.ndarray, tex: np.ndarray, repeat=(1.0, 1.0)):
    """A double-sided textured quad (4 corners in order) as a pyrender mesh."""
    import pyrender

    uv = np.array([[0, 0], [repeat[0], 0], [repeat[0], repeat[1]], [0, repeat[1]]], np.float32)
    n = np.cross(corners[1] - corners[0], corners[2] - corners[0])
    n = np.tile(n / np.linalg.norm(n), (4, 1)).astype(np.float32)
    sampler = pyrender.Sampler(wrapS=pyrender.GLTF.REPEAT, wrapT=pyrender.GLTF.REPEAT)
    mat = pyrender.MetallicRoughnessMaterial(
        baseColorTexture=pyrender.Texture(source=tex, source_channels="RGB", sampler=sampler),
        metallicFactor=0.0, roughnessFactor=0.9, doubleSided=True)
    prim = pyrender.Primitive(positions=np.asarray(corners, np.float32), normals=n, texcoord_0=uv,
                              indices=np.array([[0, 1, 2], [0, 2, 3]], np.uint32), material=mat)
    return pyrender.Mesh([prim])


def _body_mesh(V: np.ndarray, F: np.ndarray, colors: np.ndarray):
    """pyrender mesh of a body with smooth per-vertex normals (area-weighted face normals)."""
    import pyrender

    fn = np.cross(V[F[:, 1]] - V[F[:, 0]], V[F[:, 2]] - V[F[:, 0]])
    vn = np.zeros_like(V)
    for c in range(3):
        for k in range(3):
            vn[:, k] += np.bincount(F[:, c], weights=fn[:, k], minlength=len(V))
    vn /= np.maximum(np.linalg.norm(vn, axis=1, keepdims=True), 1e-12)
    mat = pyrender.MetallicRoughnessMaterial(metallicFactor=0.0, roughnessFactor=0.8)
    prim = pyrender.Primitive(positions=V.astype(np.float32), normals=vn.astype(np.float32),
                              color_0=colors, indices=F, material=mat)
    return pyrender.Mesh([prim])


def _box(size, centre, colour):
    """A box mesh (trimesh) of ``size`` (m) at ``centre`` with one vertex colour."""
    import trimesh

    m = trimesh.creation.box(extents=size)
    m.apply_translation(centre)
    m.visual.vertex_colors = np.append(np.clip(colour, 0, 255), 255).astype(np.uint8)
    return m


def _furniture(rng: np.random.Generator, pos: np.ndarray, yaw: float) -> list:
    """A box, table or chair at floor position ``pos`` (world, z up) with heading ``yaw`` (rad)."""
    import trimesh

    colour = rng.uniform(20, 235, 3)
    kind = rng.choice(["box", "table", "chair"], p=[0.45, 0.3, 0.25])
    parts = []
    if kind == "box":
        w, d, h = rng.uniform(0.3, 1.2), rng.uniform(0.3, 1.0), rng.uniform(0.3, 1.3)
        parts.append(_box((w, d, h), (0, 0, h / 2), colour))
    elif kind == "table":
        w, d, h = rng.uniform(0.7, 1.6), rng.uniform(0.5, 0.9), rng.uniform(0.68, 0.8)
        parts.append(_box((w, d, 0.04), (0, 0, h - 0.02), colour))
        for sx in (-1, 1):
            for sy in (-1, 1):
                parts.append(_box((0.05, 0.05, h - 0.04), (sx * (w / 2 - 0.05), sy * (d / 2 - 0.05), (h - 0.04) / 2), colour * 0.8))
    else:
        s, h = rng.uniform(0.4, 0.5), rng.uniform(0.42, 0.48)
        parts.append(_box((s, s, 0.05), (0, 0, h), colour))
        parts.append(_box((s, 0.05, rng.uniform(0.35, 0.5)), (0, s / 2, h + 0.22), colour))
        for sx in (-1, 1):
            for sy in (-1, 1):
                parts.append(_box((0.04, 0.04, h), (sx * (s / 2 - 0.03), sy * (s / 2 - 0.03), h / 2), colour * 0.8))
    m = trimesh.util.concatenate(parts)
    T = np.eye(4)
    T[:3, :3] = rot_z(yaw)
    T[:2, 3] = pos[:2]
    m.apply_transform(T)
    return [m]


_RENDERER: list = []


def _renderer(W: int, H: int):
    """The process's one offscreen renderer (EGL allows one context here), resized to W×H.

    pyrender renders into a 4× multisampled framebuffer; on Mesa's llvmpipe that doubles the
    time of a frame (measured: 72 → 41 ms for three bodies at 320×240) and its depth blit takes
    sample 0, off the pixel centre. Here the framebuffer is single-sampled (pyrender 0.1.45's
    ``glRenderbufferStorageMultisample`` call gets 0 samples): colour and depth then agree,
    edges are aliased (the colour post-processing blurs a share of frames).
    """
    import pyrender
    import pyrender.renderer as _pr

    if not _RENDERER:
        if not getattr(_pr, "_pipose_single_sample", False):
            ms = _pr.glRenderbufferStorageMultisample
            _pr.glRenderbufferStorageMultisample = lambda target, samples, fmt, w, h: ms(target, 0, fmt, w, h)
            _pr._pipose_single_sample = True
        _RENDERER.append(pyrender.OffscreenRenderer(W, H))
    r = _RENDERER[0]
    r.viewport_width, r.viewport_height = W, H
    return r


def degrade_depth(rng: np.random.Generator, z: np.ndarray, K: np.ndarray, luminance: np.ndarray,
                  sensor: str = "random") -> np.ndarray:
    """Real-sensor degradations of a clean metric depth image (seed 002 §6; module docstring).

    Args:
        z: float [H, W] clean depth, metres, 0 = no surface.
        K: float [3, 3] intrinsics. luminance: float [H, W] 0–255 of the rendered colour
            (dark surfaces return little structured / modulated light).
        sensor: ``random`` (structured light or time of flight, half each) or ``stereo`` (active
            IR stereo: :func:`stereo_depth`).
    Returns: float64 [H, W] metres, 0 = invalid (before quantisation to millimetres).
    Raises: ``ValueError`` for an unknown ``sensor``.
    """
    if sensor == "stereo":
        return stereo_depth(rng, z, K)
    if sensor != "random":
        raise ValueError(f"unknown depth sensor {sensor!r} (random, stereo)")
    H, W = z.shape
    valid = z > 0
    d = z + rng.standard_normal(z.shape, np.float32) * (0.0012 + 0.0019 * np.maximum(z - 0.4, 0) ** 2)
    near, far = rng.uniform(0.25, 0.5), rng.uniform(4.5, 9.0)
    drop = ~valid | (z < near) | (z > far)
    # oblique surfaces: a depth gradient of g metres per pixel at depth z means a surface at
    # tan θ ≈ g·f/z to the image plane; steep ones (θ > 70–83°) lose pixels
    gx = np.abs(np.diff(z, axis=1, prepend=z[:, :1]))
    gy = np.abs(np.diff(z, axis=0, prepend=z[:1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        tan = np.hypot(gx, gy) * K[0, 0] / np.where(valid, z, np.inf)
    oblique = (tan > np.tan(np.deg2rad(rng.uniform(70, 83)))) & (tan < 30)  # > 30: an edge, below
    drop |= oblique & (rng.random(z.shape) < rng.uniform(0.4, 0.9))
    # dark surfaces
    dark = luminance < rng.uniform(10, 35)
    drop |= dark & (rng.random(z.shape) < rng.uniform(0.3, 0.9))
    # depth edges: a band of missing pixels, or (time-of-flight) flying pixels between the two sides
    edge = ((gx > 0.08) | (gy > 0.08)).astype(np.uint8)
    k = int(rng.integers(1, 4))
    edge = cv2.dilate(edge, np.ones((k, k), np.uint8)) > 0
    tof = rng.random() < 0.5
    if tof:
        fly = edge & (rng.random(z.shape) < 0.4)
        mix = cv2.blur(z.astype(np.float32), (5, 5))
        d = np.where(fly, mix, d)
        drop |= edge & ~fly & (rng.random(z.shape) < 0.5)
    else:
        drop |= edge & (rng.random(z.shape) < rng.uniform(0.5, 1.0))
        # structured light: disparity quantised to 1/8 px with a ~5 cm baseline at native focal
        bf = 0.05 * K[0, 0] * rng.uniform(1.5, 3.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            disp = np.round(bf / np.maximum(d, 1e-3) * 8) / 8
            d = np.where(disp > 0, bf / disp, 0)
    # random holes and speckle
    for _ in range(int(rng.integers(0, 6))):
        cx, cy = rng.uniform(0, W), rng.uniform(0, H)
        ax, ay = rng.uniform(2, 0.1 * W), rng.uniform(2, 0.1 * H)
        yy, xx = np.ogrid[:H, :W]
        drop |= ((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2 < 1
    drop |= rng.random(z.shape) < rng.uniform(0, 0.02)
    d = np.where(drop, 0.0, d)
    if rng.random() < 0.3:  # misregistration of the depth to the colour image
        sx, sy = rng.integers(-2, 3, 2)
        d = np.roll(d, (int(sy), int(sx)), axis=(0, 1))
    return d


def stereo_depth(rng: np.random.Generator, z: np.ndarray, K: np.ndarray) -> np.ndarray:
    """Active IR stereo (RealSense-D4xx-like) from a clean depth image: disparity d = b·f / z with
    a 50 mm baseline at the rendered focal length, matching noise of 0.08 px (so depth noise
    grows with z²: σ_z = z²·σ_d / (b·f)), subpixel quantisation to 1/16 px, the occlusion
    shadow a near surface casts on the far one beside it (pixels the second camera cannot see:
    left of each near object's left edge, as wide as the disparity step), a near limit at
    0.28 m, a far limit where the disparity falls under 1 px, and a few random holes.

    Args: z float [H, W] metres (0 = no surface); K float [3, 3]. Returns float64 [H, W] metres,
    0 = invalid.
    """
    H, W = z.shape
    bf = 0.05 * K[0, 0]
    valid = z > 0.28
    with np.errstate(divide="ignore", invalid="ignore"):
        disp = np.where(valid, bf / np.where(valid, z, 1.0), 0.0)
    # occlusion shadow: pixel x is hidden from the camera on the right when a pixel x + s has a
    # disparity larger by more than s (a nearer surface that covers it in the other view)
    shadow = np.zeros_like(valid)
    for s_ in range(1, min(W - 1, int(np.ceil(disp.max())) + 1)):
        shadow[:, :-s_] |= disp[:, s_:] - disp[:, :-s_] > s_
    noisy = disp + rng.standard_normal(z.shape) * 0.08
    noisy = np.round(noisy * 16) / 16
    ok = valid & ~shadow & (noisy >= 1.0)
    for _ in range(int(rng.integers(0, 4))):
        cx, cy = rng.uniform(0, W), rng.uniform(0, H)
        ax, ay = rng.uniform(2, 0.08 * W), rng.uniform(2, 0.08 * H)
        yy, xx = np.ogrid[:H, :W]
        ok &= ((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2 >= 1
    ok &= rng.random(z.shape) >= 0.01
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, bf / np.where(ok, noisy, 1.0), 0.0)


class AnnyScenes:
    """Deterministic generator of :class:`SceneFrame` (frame ``i`` of ``seed`` is always the same
    on one machine; another Mesa version may change shading by a grey level).

    Frames come in groups of ``views``: one scene (people, furniture, lights) seen by ``views``
    cameras that differ in position (±1 m sideways, −1…+0.5 m along the view), height, pitch,
    yaw (±15°), field of view and resolution — the bodies are posed and the meshes built once
    per group. Frame ``i`` is view ``i % views`` of group ``i // views``.

    Args:
        seed: stream seed. width: render width in pixels (height follows the native aspect).
        people: (min, max) people per scene. dist_range: distance of each person's feet from
            the first camera along the floor, metres. occluder_prob: chance of furniture.
        degrade: apply :func:`degrade_depth`. views: cameras per scene. domain: :class:`Domain`
            (or its name in :data:`DOMAINS`): camera, light, clothing and sensor ranges.
    """

    def __init__(self, seed: int = 0, width: int = 320, people: tuple[int, int] = (1, 4),
                 dist_range: tuple[float, float] = (0.8, 7.0), occluder_prob: float = 0.5,
                 degrade: bool = True, views: int = 4, domain: Domain | str = TRAIN):
        self.seed, self.width, self.people, self.views = seed, width, people, views
        self.dist_range, self.occluder_prob, self.degrade = dist_range, occluder_prob, degrade
        self.domain = DOMAINS[domain] if isinstance(domain, str) else domain
        self._last: tuple[int, list] | None = None

    def __getitem__(self, index: int) -> SceneFrame:
        g, v = divmod(int(index), self.views)
        if self._last is None or self._last[0] != g:
            self._last = (g, self.group(g))
        return self._last[1][v]

    def group(self, g: int) -> list[SceneFrame]:
        """The ``views`` frames of scene group ``g``."""
        return self.render(np.random.default_rng([self.seed, g]))

    def _camera(self, rng: np.random.Generator, first: bool) -> dict:
        dom = self.domain
        nw, nh = dom.resolutions[rng.integers(len(dom.resolutions))]
        W = self.width
        H = int(round(W * nh / nw))
        hfov = rng.uniform(*dom.hfov_deg)
        K = intrinsics_from_fov(W, H, hfov)
        K[0, 2] += rng.uniform(-0.02, 0.02) * W
        K[1, 2] += rng.uniform(-0.02, 0.02) * H
        K[1, 1] = K[0, 0] * rng.uniform(0.99, 1.01)
        cam_h, pitch = rng.uniform(*dom.camera_height_m), rng.uniform(*dom.pitch_deg)
        yaw = 0.0 if first else rng.uniform(-15, 15)
        pos = np.zeros(2) if first else np.array([rng.uniform(-1, 1), rng.uniform(-1, 0.5)])
        p, y = np.deg2rad(pitch), np.deg2rad(yaw)
        # world: z up, floor z = 0; the camera looks along +y rotated by yaw, pitched by p
        Rz = rot_z(y)
        z_opt = Rz @ [0, np.cos(p), np.sin(p)]
        x_opt = Rz @ [1.0, 0, 0]
        R_wc = np.stack([x_opt, np.cross(z_opt, x_opt), z_opt], 1)  # columns: optical axes in world
        return dict(W=W, H=H, K=K, R_wc=R_wc, c_w=np.array([pos[0], pos[1], cam_h]), hfov=hfov,
                    meta={"camera_height_m": round(cam_h, 3), "pitch_deg": round(pitch, 2),
                          "yaw_deg": round(yaw, 2), "hfov_deg": round(hfov, 2), "native_resolution": [nw, nh]})

    def render(self, rng: np.random.Generator) -> list[SceneFrame]:
        """Render one random scene drawn from ``rng`` from ``views`` cameras."""
        import pyrender

        cams = [self._camera(rng, v == 0) for v in range(self.views)]
        c0 = cams[0]
        n_people = int(rng.integers(self.people[0], self.people[1] + 1))
        lo, hi = self.dist_range
        placed = []
        half = np.deg2rad(c0["hfov"]) / 2
        for _ in range(n_people):
            for _try in range(12):
                dist = rng.uniform(lo, hi)
                ang = half * (rng.uniform(-0.8, 0.8) if rng.random() < 0.8 else rng.uniform(-1.25, 1.25))
                pos = np.array([dist * np.sin(ang), dist * np.cos(ang), 0.0])
                if all(np.linalg.norm(pos[:2] - q[:2]) > 0.6 for q in placed):
                    placed.append(pos)
                    break
        dom = self.domain
        bl = bodies().sample(rng, len(placed), palette=dom.cloth_palette)
        scene = pyrender.Scene(ambient_light=np.full(3, rng.uniform(*dom.ambient)), bg_color=[0, 0, 0, 0])
        joints_w, verts_w = [], []
        for body, pos in zip(bl, placed):
            yaw = rng.uniform(0, 2 * np.pi)
            Rz = rot_z(yaw)
            V = body.vertices @ Rz.T + pos
            joints_w.append(body.joints @ Rz.T + pos)
            verts_w.append(V)
            scene.add(_body_mesh(V, body.faces, body.colors))
            if body.seat_height > 0.05:
                pelvis = body.joints[[8, 11]].mean(0) @ Rz.T + pos
                for m in _furniture_seat(rng, pelvis, body.seat_height, yaw):
                    scene.add(pyrender.Mesh.from_trimesh(m, smooth=False))
        far = max([q[1] for q in placed] + [1.0])
        wall_y = self._room(rng, scene, far)
        if rng.random() < self.occluder_prob:
            for _ in range(int(rng.integers(1, 4))):
                if placed and rng.random() < 0.7:  # between the camera and someone
                    q = placed[rng.integers(len(placed))]
                    pos = q * rng.uniform(0.35, 0.85) + np.append(rng.normal(0, 0.3, 2), 0)
                else:
                    pos = np.array([rng.uniform(-3, 3), rng.uniform(1.0, wall_y - 0.3), 0])
                if np.hypot(*pos[:2]) < 0.7:
                    continue
                for m in _furniture(rng, pos, rng.uniform(0, np.pi)):
                    scene.add(pyrender.Mesh.from_trimesh(m, smooth=False))
        self._lights(rng, scene, far)
        frames = []
        cam_node = None
        for cam in cams:
            if cam_node is not None:
                scene.remove_node(cam_node)
            cam_node = _add_camera(scene, cam)
            color, z = _renderer(cam["W"], cam["H"]).render(scene)
            frames.append(self._frame(rng, cam, color, z.astype(np.float64), joints_w, verts_w, bl))
        return frames

    def _room(self, rng: np.random.Generator, scene, far: float) -> float:
        """Floor, back wall beyond the farthest person at ``far`` m, maybe a side wall; returns
        the back wall's distance (m along the first camera's view)."""
        wall_y = far + rng.uniform(0.5, 4.0)
        scene.add(_quad(np.array([[-15, -3, 0], [15, -3, 0], [15, wall_y, 0], [-15, wall_y, 0]], float),
                        _procedural_texture(rng), repeat=(rng.uniform(3, 15), rng.uniform(2, 8))))
        wall_h = rng.uniform(2.5, 4.0)
        ww = wall_y * 2 + 6
        scene.add(_quad(np.array([[-ww, wall_y, 0], [ww, wall_y, 0], [ww, wall_y, wall_h], [-ww, wall_y, wall_h]], float),
                        _wall_texture(rng) if self.domain.wall_photos else _procedural_texture(rng)))
        if rng.random() < 0.4:  # a side wall
            sx = rng.choice([-1, 1]) * rng.uniform(1.5, 5.0)
            scene.add(_quad(np.array([[sx, -3, 0], [sx, wall_y, 0], [sx, wall_y, wall_h], [sx, -3, wall_h]], float),
                            _procedural_texture(rng)))
        return wall_y

    def _lights(self, rng: np.random.Generator, scene, far: float) -> None:
        """One or two directional lights of the domain's colours and strengths, maybe a point light."""
        import pyrender

        dom = self.domain
        for _ in range(int(rng.integers(1, 3))):
            az, el = rng.uniform(0, 2 * np.pi), rng.uniform(np.deg2rad(20), np.deg2rad(80))
            dvec = -np.array([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)])
            scene.add(pyrender.DirectionalLight(color=rng.uniform(dom.light_colour_min, 1.0),
                                                intensity=rng.uniform(*dom.light_intensity)),
                      pose=_look_pose(dvec))
        if rng.random() < 0.5:
            T = np.eye(4)
            T[:3, 3] = [rng.uniform(-3, 3), rng.uniform(0, far), rng.uniform(2.0, 3.0)]
            scene.add(pyrender.PointLight(color=np.ones(3), intensity=rng.uniform(5, 30)), pose=T)

    def _frame(self, rng, cam, color, z, joints_w, verts_w, bl) -> SceneFrame:
        W, H, K, R_wc, c_w = cam["W"], cam["H"], cam["K"], cam["R_wc"], cam["c_w"]
        P = len(joints_w)
        joints = (np.stack([(j - c_w) @ R_wc for j in joints_w]).astype(np.float32) if P
                  else np.zeros((0, 14, 3), np.float32))
        in_img = in_view(joints, K, W, H)
        visible = np.zeros_like(in_img)
        boxes = np.full((P, 4), np.nan, np.float32)
        vis_frac = np.zeros(P, np.float32)
        for k in range(P):
            uv = project(joints[k], K)
            ui = np.clip(np.round(uv[:, 0]).astype(int), 0, W - 1)
            vi = np.clip(np.round(uv[:, 1]).astype(int), 0, H - 1)
            surf = z[vi, ui]
            visible[k] = in_img[k] & ((surf <= 0) | (surf > joints[k, :, 2] - 0.25))
            Vo = (verts_w[k] - c_w) @ R_wc
            inf = in_view(Vo, K, W, H)
            if inf.any():
                uvv = project(Vo[inf], K)
                zz = z[np.round(uvv[:, 1]).astype(int), np.round(uvv[:, 0]).astype(int)]
                seen = np.abs(zz - Vo[inf, 2]) < 0.03
                vis_frac[k] = seen.sum() / len(Vo)
                if seen.sum() >= 10:
                    uvs = uvv[seen]
                    boxes[k] = [uvs[:, 0].min(), uvs[:, 1].min(), uvs[:, 0].max(), uvs[:, 1].max()]
        # colour post-processing: exposure, white balance, blur, noise
        img = color.astype(np.float32) * rng.uniform(0.7, 1.3) * rng.uniform(0.92, 1.08, 3)
        if rng.random() < 0.5:
            img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 1.0))
        img += rng.standard_normal(img.shape, np.float32) * np.float32(rng.uniform(1, 6))
        rgb = np.clip(img, 0, 255).astype(np.uint8)
        lum = color.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
        d = degrade_depth(rng, z, K, lum, self.domain.sensor) if self.degrade else z
        return SceneFrame(rgb=rgb, depth_mm=metres_to_mm16(d), K=K, joints=joints, visible=visible,
                          in_image=in_img, boxes=boxes, visible_fraction=vis_frac,
                          families=[b.family for b in bl], meta=dict(cam["meta"]))


def rot_z(angle: float) -> np.ndarray:
    """float64 [3, 3] rotation by ``angle`` radians about the world's vertical z axis (floor z = 0)."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def _add_camera(scene, cam: dict):
    """Add the camera ``cam`` (:meth:`AnnyScenes._camera`) to a pyrender scene; returns its node."""
    import pyrender

    K = cam["K"]
    pose = np.eye(4)
    pose[:3, :3] = cam["R_wc"] @ np.diag([1.0, -1.0, -1.0])  # OpenGL camera: y up, looks along −z
    pose[:3, 3] = cam["c_w"]
    # pyrender's pixel centres sit at i + ½ (OpenGL), ours at i (OpenCV): shift by ½ px;
    # measured, the rendered image then matches K within 0.05 px
    return scene.add(pyrender.IntrinsicsCamera(K[0, 0], K[1, 1], K[0, 2] + 0.5, K[1, 2] + 0.5,
                                               znear=0.05, zfar=60.0), pose=pose)


def _furniture_seat(rng: np.random.Generator, pelvis: np.ndarray, height: float, yaw: float) -> list:
    """A stool / chair seat under a sitting person's pelvis (top at ``height`` m)."""
    colour = rng.uniform(20, 235, 3)
    s = rng.uniform(0.38, 0.5)
    back = np.array([np.sin(yaw), -np.cos(yaw), 0.0]) * -0.05  # slightly behind the hips
    centre = np.array([pelvis[0], pelvis[1], 0]) + back
    return [_box((s, s, height), centre + [0, 0, height / 2], colour)]


def _look_pose(direction: np.ndarray) -> np.ndarray:
    """4×4 pose whose −z axis points along ``direction`` (pyrender lights shine along −z)."""
    z = -direction / np.linalg.norm(direction)
    x = np.cross([0, 0, 1.0], z)
    if np.linalg.norm(x) < 1e-6:
        x = np.array([1.0, 0, 0])
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    T = np.eye(4)
    T[:3, :3] = np.stack([x, y, z], 1)
    return T
