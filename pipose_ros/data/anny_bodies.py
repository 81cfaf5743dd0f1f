"""Anny bodies for synthetic data: phenotypes, posed rigs, KINECT14 joints and clothing colours.

Bodies come from Anny (PyPI ``anny``, Apache-2.0 code, CC0 MakeHuman/MPFB2 assets; offline: the
model is built from the wheel's data once and cached in ``ANNY_CACHE_DIR``, default
``~/.cache/pipose_ros/anny``). The rig has 104 bones; its rest pose is an A-pose in the body
frame **x = the body's left, −y = forward, z = up**, metres, origin at the pelvis.

**KINECT14 from the rig** (one rule per joint, tested in ``test/test_anny_scene.py``):

=================  ==============================================================
joint              rule (posed rig)
=================  ==============================================================
nose               the mesh vertex at the tip of the nose: at rest, the most forward
                   (min y) vertex with |x| < 1 cm and z above the eyes' bone heads − 6 cm
neck               midpoint of the two shoulder joints (the same rule as the MediaPipe
                   labels of ``pipose label``, ``label/lift.py``)
right/left shoulder  head of bone ``upperarm01.R`` / ``upperarm01.L`` (gleno-humeral joint)
right/left elbow   head of ``lowerarm01.R`` / ``.L``
right/left wrist   head of ``wrist.R`` / ``.L``
right/left hip     head of ``upperleg01.R`` / ``.L``
right/left knee    head of ``lowerleg01.R`` / ``.L``
right/left ankle   head of ``foot.R`` / ``.L``
=================  ==============================================================

A bone's head is the translation of its posed 4×4 pose (``bone_poses[..., :3, 3]``).

**Mesh**: Anny's bundled reduced topology ``notoes_collapse10pc`` (1,229 vertices, 2,454
triangles instead of 13,718 / 27,420) on the same rig: the bone heads are identical to the full
mesh's (measured: < 1e-14 m) and the nose vertex within 2 mm; at the rendered sizes (≤ 320 px
wide) the two look alike, and the reduced one renders 2–3× faster on llvmpipe.

**Poses** (:func:`sample_pose`): families standing, walking, sitting, crouching, bending,
reaching, waving, pointing, arms crossed and random (within joint limits); turning away comes
from the scene's yaw (0–360°). Each family draws semantic angles — upper-arm elevation /
azimuth and twist, elbow flexion, hip flexion / abduction, knee flexion, pelvis pitch (bending,
crouching: the root turns forward and the hips flex back by as much, so the legs keep their
direction), spine bend / side bend / twist, head yaw / pitch — inside anatomical limits, and turns them into Anny ``local-ref``
deltas (rotations about world-aligned axes at each bone's head). The package's own poses and
walk cycle are MPFB2 Blender-rig files; they are not used (no converter to Anny's rig here).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

# body part ids (for clothing), from each vertex's dominant skinning bone
HEAD, TORSO, PELVIS, UPPERARM, FOREARM, HAND, THIGH, SHIN, FOOT, HAIR = range(10)
PART_NAMES = ("head", "torso", "pelvis", "upperarm", "forearm", "hand", "thigh", "shin", "foot", "hair")

TOPOLOGY = "notoes_collapse10pc"
POSE_FAMILIES = ("standing", "walking", "sitting", "crouching", "bending", "reaching", "waving",
                 "pointing", "arms_crossed", "random")
_FAMILY_P = np.array([0.17, 0.14, 0.10, 0.07, 0.07, 0.09, 0.08, 0.07, 0.06, 0.15])

_JOINT_BONES = {  # KINECT14 index → bone whose head is the joint (nose and neck: see docstring)
    2: "upperarm01.R", 3: "lowerarm01.R", 4: "wrist.R", 5: "upperarm01.L", 6: "lowerarm01.L",
    7: "wrist.L", 8: "upperleg01.R", 9: "lowerleg01.R", 10: "foot.R", 11: "upperleg01.L",
    12: "lowerleg01.L", 13: "foot.L",
}


def _cache_dir() -> str:
    d = os.environ.get("ANNY_CACHE_DIR") or str(Path.home() / ".cache" / "pipose_ros" / "anny")
    os.environ["ANNY_CACHE_DIR"] = d
    return d


@dataclass
class Body:
    """One posed body in its own frame (x = body's left, −y = forward, z = up; metres).

    Attributes:
        vertices: float32 [V, 3]; lowest point on z = 0 unless the pose sits on a seat.
        faces: int32 [F, 3] triangles (shared by every body).
        colors: uint8 [V, 3] per-vertex RGB albedo (clothes, skin, hair, procedural texture).
        joints: float32 [14, 3] KINECT14 joints.
        family: pose family name.
        seat_height: metres above the floor of the pelvis support for ``sitting`` (else 0).
    """

    vertices: np.ndarray
    faces: np.ndarray
    colors: np.ndarray
    joints: np.ndarray
    family: str
    seat_height: float = 0.0


class AnnyBodies:
    """Per-process Anny model (built lazily, ~1 s from the cache; ~2.5 min the very first time).

    ``sample(rng, n)`` returns ``n`` random :class:`Body` objects (phenotype, pose, clothes).
    """

    def __init__(self):
        _cache_dir()
        import anny
        import torch

        torch.set_num_threads(1)
        self.torch = torch
        m = anny.Anny(topology=TOPOLOGY)
        try:
            m.set_skinning_method("lbs")  # pure torch: no warp-lang kernel compile per process
        except Exception:  # noqa: BLE001 — keep the package default if it lacks LBS
            pass
        self.model = m
        self.labels = list(m.bone_labels)
        self.idx = {n: i for i, n in enumerate(self.labels)}
        self.faces = m.get_triangular_faces().cpu().numpy().astype(np.int32)
        with torch.no_grad():
            rest = m()
        self.rest_heads = rest["bone_poses"][0, :, :3, 3].numpy()
        V = rest["vertices"][0].numpy()
        self.rest_vertices = V
        eyes_z = min(self.rest_heads[self.idx["eye.L"], 2], self.rest_heads[self.idx["eye.R"], 2])
        cand = np.flatnonzero((np.abs(V[:, 0]) < 0.01) & (V[:, 2] > eyes_z - 0.06))
        self.nose_vertex = int(cand[np.argmin(V[cand, 1])])
        self.parts = self._parts(m, V)
        self.rest_dir = {}
        for s in ("L", "R"):
            for a, b in (("upperarm01", "lowerarm01"), ("lowerarm01", "wrist"),
                         ("upperleg01", "lowerleg01"), ("lowerleg01", "foot")):
                d = self.rest_heads[self.idx[f"{b}.{s}"]] - self.rest_heads[self.idx[f"{a}.{s}"]]
                self.rest_dir[f"{a}.{s}"] = d / np.linalg.norm(d)

    def _parts(self, m, V: np.ndarray) -> np.ndarray:
        dom = m.vertex_bone_indices[:, 0].cpu().numpy()
        names = [self.labels[i] for i in dom]
        hip_z = self.rest_heads[self.idx["upperleg01.L"], 2]
        eye_z = self.rest_heads[self.idx["eye.L"], 2]
        eye_y = self.rest_heads[self.idx["eye.L"], 1]
        out = np.full(len(V), TORSO, np.int8)
        for i, n in enumerate(names):
            if n.startswith(("neck", "head", "eye", "jaw", "tongue")):
                out[i] = HEAD
            elif n.startswith("upperarm"):
                out[i] = UPPERARM
            elif n.startswith("lowerarm"):
                out[i] = FOREARM
            elif n.startswith(("wrist", "finger", "metacarpal")):
                out[i] = HAND
            elif n.startswith("upperleg"):
                out[i] = THIGH
            elif n.startswith("lowerleg"):
                out[i] = SHIN
            elif n.startswith(("foot", "toe")):
                out[i] = FOOT
            elif V[i, 2] < hip_z + 0.06:
                out[i] = PELVIS
        # hair: head vertices above the eyes and behind the face
        out[(out == HEAD) & (V[:, 2] > eye_z + 0.025) & (V[:, 1] > eye_y + 0.03)] = HAIR
        out[(out == HEAD) & (V[:, 2] > eye_z + 0.06)] = HAIR
        return out

    def sample(self, rng: np.random.Generator, n: int, families: list[str] | None = None,
               palette=None) -> list[Body]:
        """``n`` random bodies: phenotypes across sex, age (teen to elder), height, weight, muscle;
        ``palette``: RGB base colours for shirts and trousers (None: any colour)."""
        fams = families or [POSE_FAMILIES[i] for i in rng.choice(len(POSE_FAMILIES), n, p=_FAMILY_P)]
        ph = _phenotypes(rng, n)
        deltas = np.tile(np.eye(4), (n, len(self.labels), 1, 1))
        for b, fam in enumerate(fams):
            for bone, R in sample_pose(rng, fam, self.rest_dir).items():
                deltas[b, self.idx[bone], :3, :3] = R
        Vb, heads = self._pose(deltas, ph)
        bodies = []
        for b in range(n):
            V, J = self._vertices_joints(Vb[b], heads[b])
            seat = 0.0
            zmin = V[:, 2].min()
            if fams[b] == "sitting":
                # the pelvis rests on a seat; feet on the floor when the legs reach it
                feet = min(J[10, 2], J[13, 2]) - 0.08
                seat_rel = V[:, 2][self.parts == PELVIS].min()
                shift = -feet if feet < seat_rel else -zmin
                seat = float(seat_rel + shift)
                V[:, 2] += shift
                J[:, 2] += shift
            else:
                V[:, 2] -= zmin
                J[:, 2] -= zmin
            bodies.append(Body(V, self.faces, self._colors(rng, palette), J, fams[b], seat))
        return bodies

    def _pose(self, deltas: np.ndarray, ph: dict) -> tuple[np.ndarray, np.ndarray]:
        """Anny's forward pass: (vertices float [B, V, 3], bone heads float [B, bones, 3]) for
        local-ref bone rotations ``deltas`` float [B, bones, 4, 4] and phenotypes ``ph`` (name → [B])."""
        torch = self.torch
        with torch.no_grad():
            out = self.model(torch.tensor(deltas, dtype=torch.float32),
                             phenotype_kwargs={k: torch.tensor(v, dtype=torch.float32) for k, v in ph.items()})
        return out["vertices"].numpy(), out["bone_poses"][:, :, :3, 3].numpy()

    def _vertices_joints(self, V: np.ndarray, heads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(float32 [V, 3] vertices, float32 [14, 3] KINECT14 joints by the documented rule) of one
        posed body (module docstring: bone heads, nose vertex, neck = mid-shoulders)."""
        V = V.astype(np.float32)
        J = np.zeros((14, 3), np.float32)
        for j, bone in _JOINT_BONES.items():
            J[j] = heads[self.idx[bone]]
        J[0] = V[self.nose_vertex]
        J[1] = 0.5 * (J[2] + J[5])
        return V, J

    def animate(self, rng: np.random.Generator, times: np.ndarray, family: str | None = None,
                palette=None) -> list[Body]:
        """One random person moving over ``times`` (seconds): phenotype and clothes fixed, the pose
        swinging between two random poses A and B of one family with a random period of 0.8–2 s
        (each bone's rotation slerped, weight ½ − ½·cos(2π t / period)) — a waving arm, a step, a
        bend; feet on the floor in every frame (z = 0), body frame as :class:`Body`.

        Args:
            times: float [T] seconds. family: pose family (None: random, :data:`POSE_FAMILIES`
                weights; ``sitting`` is not offered, its seat would not follow).
        Returns:
            T :class:`Body` objects (shared faces and colours).
        """
        from scipy.spatial.transform import Rotation, Slerp

        fams = [f for f in POSE_FAMILIES if f != "sitting"]
        if family is None:
            p = np.array([_FAMILY_P[POSE_FAMILIES.index(f)] for f in fams])
            family = fams[rng.choice(len(fams), p=p / p.sum())]
        ph = _phenotypes(rng, 1)
        A, B = sample_pose(rng, family, self.rest_dir), sample_pose(rng, family, self.rest_dir)
        period = rng.uniform(0.8, 2.0)
        times = np.asarray(times, np.float64)
        w = 0.5 - 0.5 * np.cos(2 * np.pi * times / period + rng.uniform(0, 2 * np.pi))
        deltas = np.tile(np.eye(4), (len(times), len(self.labels), 1, 1))
        for bone in set(A) | set(B):
            ends = Rotation.from_matrix(np.stack([A.get(bone, np.eye(3)), B.get(bone, np.eye(3))]))
            deltas[:, self.idx[bone], :3, :3] = Slerp([0.0, 1.0], ends)(w).as_matrix()
        Vb, heads = self._pose(deltas, {k: np.repeat(v, len(times)) for k, v in ph.items()})
        colors = self._colors(rng, palette)
        out = []
        for V, hd in zip(Vb, heads):
            V, J = self._vertices_joints(V, hd)
            zmin = V[:, 2].min()
            V[:, 2] -= zmin
            J[:, 2] -= zmin
            out.append(Body(V, self.faces, colors, J, family, 0.0))
        return out

    def _colors(self, rng: np.random.Generator, palette=None) -> np.ndarray:
        """Per-vertex albedo: skin tone over the human range, shirt / trousers / shoes / hair with
        procedural cloth textures (stripes, checks, noise) in rest-pose coordinates."""
        V = self.rest_vertices
        P = self.parts
        t = rng.uniform(0, 1)  # skin tone, dark → light
        skin = np.array([60 + 185 * t, 38 + 160 * t, 28 + 140 * t]) * rng.uniform(0.92, 1.08, 3)
        cols = np.tile(skin, (len(V), 1))
        shirt, pants = _cloth(rng, palette=palette), _cloth(rng, dark=0.5, palette=palette)
        sleeves = rng.choice(["none", "short", "long"], p=[0.15, 0.4, 0.45])
        legs = rng.choice(["shorts", "long"], p=[0.2, 0.8])
        shirt_parts = [TORSO] + ([UPPERARM] if sleeves != "none" else []) + ([FOREARM] if sleeves == "long" else [])
        pants_parts = [PELVIS, THIGH] + ([SHIN] if legs == "long" else [])
        for parts, (base, tex) in ((shirt_parts, shirt), (pants_parts, pants)):
            sel = np.isin(P, parts)
            cols[sel] = base * tex(V[sel])[:, None]
        if rng.random() < 0.85:  # shoes
            cols[P == FOOT] = rng.uniform(10, 200) * rng.uniform(0.7, 1.0, 3)
        if rng.random() < 0.9:  # hair (else bald: skin)
            hair = np.array([rng.uniform(10, 120)] * 3) * [1.0, rng.uniform(0.6, 0.9), rng.uniform(0.3, 0.7)]
            if rng.random() < 0.15:
                hair = np.full(3, rng.uniform(150, 230))  # grey / blond
            cols[P == HAIR] = hair
        cols *= rng.uniform(0.95, 1.05, (len(V), 1))  # per-vertex noise
        return np.clip(cols, 0, 255).astype(np.uint8)


def _phenotypes(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """``n`` random Anny phenotypes (name → float [n]): sex, age teen to elder, muscle, weight,
    height, proportions."""
    return {
        "gender": rng.uniform(0, 1, n),
        # Anny's age axis: 1/3 ≈ 11 years, 1/2 ≈ 25, 1 ≈ 90; teenager (≈ 0.4) to elder
        "age": np.where(rng.random(n) < 0.15, rng.uniform(0.38, 0.48, n), rng.uniform(0.48, 1.0, n)),
        "muscle": rng.uniform(0.1, 0.9, n), "weight": rng.uniform(0.05, 0.95, n),
        # height 0.2–0.8 gives 1.50–1.95 m adults (1.25–1.80 m teenagers)
        "height": np.clip(rng.normal(0.5, 0.15, n), 0.2, 0.8), "proportions": rng.uniform(0.2, 0.8, n),
    }


def _cloth(rng: np.random.Generator, dark: float = 0.0, palette=None):
    """(base colour float [3], texture function rest-vertices [N, 3] → brightness factor [N]);
    the base colour from ``palette`` (RGB rows, ±15 %) when given."""
    if palette is not None:
        base = np.asarray(palette[rng.integers(len(palette))], float) * rng.uniform(0.85, 1.15, 3)
    else:
        base = rng.uniform(0, 255, 3) * (1 - dark * rng.random())
    kind = rng.choice(["plain", "stripes", "checks", "noise"], p=[0.4, 0.25, 0.15, 0.2])
    f = rng.uniform(15, 60)
    amp = rng.uniform(0.2, 0.6)
    ph = rng.uniform(0, 2 * np.pi)
    if kind == "plain":
        return base, lambda v: np.ones(len(v))
    if kind == "stripes":
        return base, lambda v: 1 - amp * (np.sin(f * v[:, 2] + ph) > 0)
    if kind == "checks":
        return base, lambda v: 1 - amp * ((np.sin(f * v[:, 2] + ph) > 0) ^ (np.sin(f * v[:, 0]) > 0))
    seed = int(rng.integers(1 << 30))
    return base, lambda v: 1 - amp * np.random.default_rng(seed).random(len(v))


def _rv(axis, deg: float) -> np.ndarray:
    a = np.asarray(axis, float)
    return Rotation.from_rotvec(np.deg2rad(deg) * a / np.linalg.norm(a)).as_matrix()


def _align(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest rotation taking unit vector a to unit vector b."""
    v = np.cross(a, b)
    s, c = np.linalg.norm(v), float(np.dot(a, b))
    if s < 1e-8:
        return np.eye(3) if c > 0 else _rv(np.cross(a, [1, 0, 0]) if abs(a[0]) < 0.9 else np.cross(a, [0, 1, 0]), 180)
    return Rotation.from_rotvec(v / s * np.arctan2(s, c)).as_matrix()


def _limb(rest_dir: np.ndarray, target: np.ndarray, twist: float) -> np.ndarray:
    t = target / np.linalg.norm(target)
    return _rv(t, twist) @ _align(rest_dir, t)


def _hinge(parent_rest: np.ndarray, child_rest: np.ndarray, flex: float, forward: np.ndarray) -> np.ndarray:
    """Local-ref delta of a hinge (elbow, knee): the child segment ends at ``flex`` degrees from
    the straight continuation of the parent, bent towards ``forward`` (both in the parent's rest
    frame; a child's local-ref delta is applied in its parent's posed frame)."""
    axis = np.cross(parent_rest, forward)
    if np.linalg.norm(axis) < 1e-6:
        axis = np.array([1.0, 0, 0])
    target = _rv(axis, flex) @ parent_rest
    if np.dot(target, forward) < 0:
        target = _rv(axis, -flex) @ parent_rest
    return _align(child_rest, target)


def sample_pose(rng: np.random.Generator, family: str, rest_dir: dict) -> dict[str, np.ndarray]:
    """Random pose of ``family`` as Anny ``local-ref`` rotations (bone → float [3, 3]).

    ``rest_dir``: unit rest directions of upperarm01/lowerarm01/upperleg01/lowerleg01 per side
    (body frame). Angles in degrees, within anatomical limits (elbow 0–150, knee 0–150, hip
    flexion −25…125, shoulder elevation 0–180). Raises ``ValueError`` for an unknown family.
    """
    if family not in POSE_FAMILIES:
        raise ValueError(f"unknown pose family {family!r}; one of {POSE_FAMILIES}")
    U = rng.uniform
    fwd = np.array([0.0, -1.0, 0.0])
    arm = {s: dict(el=U(5, 35), az=U(-20, 40), tw=U(-30, 30), elbow=U(0, 40)) for s in "LR"}
    leg = {s: dict(flex=U(-8, 12), abd=U(0, 10), tw=U(-10, 15), knee=U(0, 12)) for s in "LR"}
    spine = dict(bend=U(-8, 12), side=U(-6, 6), twist=U(-15, 15))
    hip_pitch = 0.0  # forward pitch of the pelvis (root); the hips flex by the same angle
    head = dict(yaw=U(-50, 50), pitch=U(-20, 25), roll=U(-10, 10))
    one = "L" if rng.random() < 0.5 else "R"
    other = "R" if one == "L" else "L"
    if family == "walking":
        a, b = U(15, 35), U(-20, -5)
        leg[one].update(flex=a, knee=U(5, 30))
        leg[other].update(flex=b, knee=U(10, 45))
        arm[one].update(el=U(10, 30), az=U(-40, -10), elbow=U(10, 35))
        arm[other].update(el=U(10, 35), az=U(40, 90), elbow=U(15, 50))
    elif family == "sitting":
        for s in "LR":
            leg[s].update(flex=U(70, 100), abd=U(0, 20), knee=U(60, 110))
        spine["bend"] = U(-10, 25)
        for s in "LR":
            arm[s].update(el=U(10, 45), az=U(40, 90), elbow=U(20, 90))
    elif family == "crouching":
        for s in "LR":
            leg[s].update(flex=U(95, 125), abd=U(5, 30), knee=U(110, 150))
        spine["bend"] = U(5, 30)
        hip_pitch = U(10, 35)
        for s in "LR":
            arm[s].update(el=U(20, 70), az=U(50, 100), elbow=U(10, 90))
    elif family == "bending":
        spine["bend"] = U(10, 40)
        hip_pitch = U(25, 65)
        for s in "LR":
            leg[s].update(flex=U(-5, 15), knee=U(0, 25))
            arm[s].update(el=U(30, 90), az=U(60, 100), elbow=U(0, 40))
        head["pitch"] = U(-35, 0)
    elif family == "reaching":
        arm[one].update(el=U(60, 160), az=U(30, 100), elbow=U(0, 30))
        if rng.random() < 0.4:
            arm[other].update(el=U(50, 150), az=U(20, 100), elbow=U(0, 40))
        spine["bend"] = U(-5, 30)
    elif family == "waving":
        # upper arm out, forearm up: the upper arm's outward rotation turns the elbow's
        # flexion plane vertical (``up``)
        arm[one].update(el=U(80, 170), az=U(-10, 50), elbow=U(60, 130), tw=U(60, 100), up=True)
    elif family == "pointing":
        arm[one].update(el=U(65, 110), az=U(-10, 110), elbow=U(0, 15))
        head["yaw"] = U(-40, 40)
    elif family == "arms_crossed":
        for s in "LR":
            arm[s].update(el=U(15, 40), az=U(60, 95), elbow=U(110, 140), tw=U(-50, -20))
    elif family == "random":
        for s in "LR":
            arm[s].update(el=U(0, 180), az=U(-45, 120), tw=U(-60, 60), elbow=U(0, 150))
            leg[s].update(flex=U(-25, 110), abd=U(-5, 40), tw=U(-30, 30), knee=U(0, 140))
        spine.update(bend=U(-15, 45), side=U(-25, 25), twist=U(-40, 40))
        hip_pitch = U(-10, 40)
        head.update(yaw=U(-70, 70), pitch=U(-40, 45), roll=U(-25, 25))
    out: dict[str, np.ndarray] = {"root": _rv([1, 0, 0], hip_pitch)}
    for s in "LR":
        sx = 1.0 if s == "L" else -1.0
        a = arm[s]
        el, az = np.deg2rad(a["el"]), np.deg2rad(a["az"])
        tgt = np.array([sx * np.sin(el) * np.cos(az), -np.sin(el) * np.sin(az), -np.cos(el)])
        up_rest = rest_dir[f"upperarm01.{s}"]
        out[f"upperarm01.{s}"] = _limb(up_rest, tgt, -sx * a["tw"] if a.get("up") else a["tw"])
        out[f"lowerarm01.{s}"] = _hinge(up_rest, rest_dir[f"lowerarm01.{s}"], a["elbow"], fwd)
        g = leg[s]
        fl, ab = np.deg2rad(g["flex"] + hip_pitch), np.deg2rad(g["abd"])
        tgt = np.array([sx * np.sin(ab), -np.sin(fl) * np.cos(ab), -np.cos(fl) * np.cos(ab)])
        th_rest = rest_dir[f"upperleg01.{s}"]
        out[f"upperleg01.{s}"] = _limb(th_rest, tgt, g["tw"])
        out[f"lowerleg01.{s}"] = _hinge(th_rest, rest_dir[f"lowerleg01.{s}"], g["knee"], -fwd)
        out[f"foot.{s}"] = _rv([1, 0, 0], U(-15, 20))
    # spine: bend forward (+ about x takes the top towards −y, forward), side, twist; spread
    # over the three upper spine bones
    for bone in ("spine03", "spine02", "spine01"):
        out[bone] = (_rv([0, 0, 1], spine["twist"] / 3) @ _rv([0, 1, 0], spine["side"] / 3)
                     @ _rv([1, 0, 0], spine["bend"] / 3))
    out["neck01"] = _rv([1, 0, 0], head["pitch"] / 2)  # + = nod forward
    out["head"] = _rv([0, 0, 1], head["yaw"]) @ _rv([1, 0, 0], head["pitch"] / 2) @ _rv([0, 1, 0], head["roll"])
    return out


@lru_cache(maxsize=1)
def bodies() -> AnnyBodies:
    """The process's :class:`AnnyBodies` (one Anny model per worker process)."""
    return AnnyBodies()
