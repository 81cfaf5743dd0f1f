"""Rendered sequences of moving Anny people with ground truth: for temporal smoothing and tracking.

:class:`AnnyMotion` renders sequence ``i`` of a stream: one fixed camera drawn as the first camera of
:class:`pipose_ros.data.anny_scene.AnnyScenes` (height, pitch, field of view, resolution of the
domain), a room (floor, walls, lights) and 1–3 people. Each person keeps a phenotype and clothes,
their pose swings between two poses of one family (:meth:`pipose_ros.data.anny_bodies.AnnyBodies.animate`:
a waving arm, a step, a bend, a reach), and about half of them walk: a straight line at 0.4–1.4 m/s,
facing where they go, that ends in view and within ``dist_range``; the others turn on the spot at
up to 60°/s. People may cross in
front of each other (no collision avoidance), which is what a tracker must survive. Colour
post-processing and depth as :class:`AnnyScenes` (the depth is not degraded: only the RGB student
is scored on these).

Ground truth per frame: joints in the camera optical frame, in-image and visible flags, and each
person's index in the sequence (the same person, the same index, in every frame).
"""

from __future__ import annotations

import numpy as np

from .anny_bodies import bodies
from .anny_scene import AnnyScenes, SceneFrame, _add_camera, _body_mesh, _renderer, rot_z


class AnnyMotion(AnnyScenes):
    """Deterministic moving-people sequences (module docstring).

    Args:
        seed: stream seed; sequence ``i`` is always the same on one machine.
        width: render width in pixels. people: (min, max) people per sequence.
        dist_range: where people start, metres from the camera along the floor.
        length: frames per sequence. fps: frame rate (the frames' times).
        domain: as :class:`AnnyScenes`. keep: sequences kept in memory once rendered (for several
            passes over the same sequences; ~13 MB each at 320 px, 45 frames).
    """

    def __init__(self, seed: int = 0, width: int = 320, people: tuple[int, int] = (1, 3),
                 dist_range: tuple[float, float] = (1.5, 5.0), length: int = 45, fps: float = 15.0,
                 domain="train", keep: int = 0):
        super().__init__(seed=seed, width=width, people=people, dist_range=dist_range, occluder_prob=0.0,
                         degrade=False, views=1, domain=domain)
        self.length, self.fps, self.keep = int(length), float(fps), int(keep)
        self._kept: dict[int, list[SceneFrame]] = {}

    def sequence(self, i: int) -> list[SceneFrame]:
        """The ``length`` frames of sequence ``i``; ``frame.meta`` holds ``t`` (seconds) and
        ``sequence``; row k of ``frame.joints`` is person k of the sequence in every frame."""
        if int(i) in self._kept:
            return self._kept[int(i)]
        frames = self._render(int(i))
        if len(self._kept) < self.keep:
            self._kept[int(i)] = frames
        return frames

    def _render(self, i: int) -> list[SceneFrame]:
        import pyrender

        rng = np.random.default_rng([self.seed, 7919, int(i)])
        cam = self._camera(rng, True)
        times = np.arange(self.length) / self.fps
        n = int(rng.integers(self.people[0], self.people[1] + 1))
        half = np.deg2rad(cam["hfov"]) / 2
        tracks = []  # per person: (bodies per frame, positions float [T, 3], yaw per frame)
        for _ in range(n):
            dist = rng.uniform(*self.dist_range)
            ang = half * rng.uniform(-0.7, 0.7)
            start = np.array([dist * np.sin(ang), dist * np.cos(ang), 0.0])
            walk = None
            if rng.random() < 0.5:  # walking across the room, facing where they go, staying in view
                for _try in range(20):
                    heading = rng.uniform(0, 2 * np.pi)
                    step = np.array([np.cos(heading), np.sin(heading), 0.0]) * rng.uniform(0.4, 1.4)
                    end = start + times[-1] * step
                    if (self.dist_range[0] <= np.hypot(*end[:2]) <= self.dist_range[1]
                            and abs(np.arctan2(end[0], end[1])) <= 0.8 * half):
                        walk = step
                        break
            if walk is not None:
                pos = start + times[:, None] * walk
                yaw = np.full(len(times), heading + np.pi / 2)  # the body's forward is its −y
                family = "walking"
            else:  # on the spot, turning slowly
                pos = np.repeat(start[None], len(times), 0)
                yaw = rng.uniform(0, 2 * np.pi) + np.deg2rad(rng.uniform(-60, 60)) * times
                family = None
            tracks.append((bodies().animate(rng, times, family, palette=self.domain.cloth_palette), pos, yaw))
        scene = pyrender.Scene(ambient_light=np.full(3, rng.uniform(*self.domain.ambient)), bg_color=[0, 0, 0, 0])
        far = max([float(np.max(p[:, 1])) for _, p, _ in tracks] + [1.0])
        self._room(rng, scene, far)
        self._lights(rng, scene, far)
        _add_camera(scene, cam)
        frames = []
        for k, t in enumerate(times):
            nodes, joints_w, verts_w, bl = [], [], [], []
            for bl_k, pos, yaw in tracks:
                b = bl_k[k]
                Rz = rot_z(yaw[k])
                V = b.vertices @ Rz.T + pos[k]
                joints_w.append(b.joints @ Rz.T + pos[k])
                verts_w.append(V)
                bl.append(b)
                nodes.append(scene.add(_body_mesh(V, b.faces, b.colors)))
            color, z = _renderer(cam["W"], cam["H"]).render(scene)
            f = self._frame(rng, cam, color, z.astype(np.float64), joints_w, verts_w, bl)
            f.meta.update(t=float(t), sequence=int(i))
            frames.append(f)
            for nd in nodes:
                scene.remove_node(nd)
        return frames
