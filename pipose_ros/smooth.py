"""Temporal smoothing of each tracked body's skeleton: the One-Euro filter per joint.

A single-camera skeleton jitters from frame to frame, most of all in its distance from the camera
(the student reads it from the person's apparent size). :class:`SkeletonSmoother` filters each
body (by its ROS4HRI id, :class:`pipose_ros.track.BodyTracker`) over time with the One-Euro filter
(Casiez, Roussel & Vogel, "1€ Filter", CHI 2012 — what MediaPipe's landmark smoothing and many
body trackers use): a low-pass filter whose cut-off rises with the signal's speed, so a still
person is smoothed hard and a moving one follows with little lag.

What is filtered, per joint, in the camera optical frame (REP-103): the ray's direction x/z, y/z
(unitless, the image position independent of resolution) and log z (depth in metres; relative
changes, the same filter at 1 m and 6 m). The 3D joint is made again from them, so the smoothed
skeleton's 2D (its projection) and 3D stay one skeleton.

Run-time core: numpy only.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .camera import project
from .skeleton import Skeleton

# (min_cutoff Hz, beta, beta_depth) of the node's smoothing, chosen on validation sequences by
# ``pipose evaluate-temporal --grid`` (docs/RESULTS.md, "Jitter"; session 21): the lowest MPJPE on
# turning-camera sequences of anny-val-s1, checked on moving people (AnnyMotion seed 1): MPJPE 66.90 cm
# (raw 68.84, best of the 36 settings 66.88), 2D 7.52 px (raw 7.37; beta 0, steadier, lags: 8.13),
# jitter 11.97 cm/frame² (raw 50.37). min_cutoff ≥ 1 Hz: a person walking at 1 m/s lags at most
# v·τ = 1 m/s / (2π·1 Hz) ≈ 16 cm at rest-level smoothing.
DEFAULTS = (1.0, 5.0, 0.0)


class OneEuroFilter:
    """The One-Euro filter on an array signal, element-wise (Casiez et al., CHI 2012, Algorithm 1).

    Args:
        min_cutoff: cut-off frequency at rest, Hz (> 0): lower = smoother, more lag.
        beta: speed coefficient, cut-off += beta × |filtered speed| (signal units per second):
            higher = less lag on fast motion.
        d_cutoff: cut-off of the speed estimate, Hz (the paper's 1 Hz).
    Raises:
        ValueError: a cut-off ≤ 0 or beta < 0.
    """

    def __init__(self, min_cutoff: float, beta: float, d_cutoff: float = 1.0):
        if min_cutoff <= 0 or d_cutoff <= 0 or beta < 0:
            raise ValueError(f"One-Euro filter needs min_cutoff > 0, d_cutoff > 0, beta >= 0; got "
                             f"{min_cutoff}, {d_cutoff}, {beta}")
        self.min_cutoff, self.beta, self.d_cutoff = float(min_cutoff), float(beta), float(d_cutoff)
        self.x: np.ndarray | None = None
        self.dx: np.ndarray | None = None
        self.t: float | None = None

    @staticmethod
    def _alpha(cutoff, dt: float):
        tau = 1.0 / (2.0 * np.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        """Filter one sample.

        Args:
            x: float array, always the same shape; NaN elements pass through and restart their
                element's filter.
            t: its time, seconds. A time not after the previous sample's returns the previous
                output unchanged (a repeated or out-of-order frame).
        Returns:
            float64 array of ``x``'s shape, the filtered signal.
        """
        x = np.asarray(x, np.float64)
        if self.x is None or self.x.shape != x.shape:
            self.x, self.dx, self.t = x.copy(), np.zeros_like(x), float(t)
            return x.copy()
        dt = float(t) - self.t
        if dt <= 0:
            return self.x.copy()
        restart = ~np.isfinite(self.x) & np.isfinite(x)
        prev = np.where(restart, x, self.x)
        dx = (x - prev) / dt
        dx_hat = self.dx + self._alpha(self.d_cutoff, dt) * (dx - self.dx)
        dx_hat = np.where(np.isfinite(dx_hat), dx_hat, 0.0)
        a = self._alpha(self.min_cutoff + self.beta * np.abs(dx_hat), dt)
        out = prev + a * (x - prev)
        self.x, self.dx, self.t = out, dx_hat, float(t)
        return out.copy()


class SkeletonSmoother:
    """One-Euro filtering of each tracked body's joints over time (module docstring).

    Args:
        min_cutoff: Hz, the filter's cut-off at rest for both the ray direction and log depth.
        beta: for the ray direction (x/z, y/z), per unit of tangent per second.
        beta_depth: for log depth, per unit of log depth per second (None = ``beta``).
    Raises:
        ValueError: as :class:`OneEuroFilter`.
    """

    def __init__(self, min_cutoff: float = DEFAULTS[0], beta: float = DEFAULTS[1],
                 beta_depth: float | None = DEFAULTS[2]):
        OneEuroFilter(min_cutoff, beta)  # validate now, not at the first frame
        OneEuroFilter(min_cutoff, beta if beta_depth is None else beta_depth)
        self.min_cutoff, self.beta = float(min_cutoff), float(beta)
        self.beta_depth = self.beta if beta_depth is None else float(beta_depth)
        self._f: dict[str, tuple[OneEuroFilter, OneEuroFilter]] = {}

    def reset(self) -> None:
        """Forget every body (a new stream)."""
        self._f.clear()

    def __call__(self, ids: list[str], skeletons: list[Skeleton], K: np.ndarray, stamp_s: float,
                 ended: list[str] = ()) -> list[Skeleton]:
        """Smooth one frame's skeletons.

        Args:
            ids: the body id of each skeleton (:meth:`pipose_ros.track.BodyTracker.update`).
            skeletons: joints float [J, 3] metres, camera optical frame; ``uv`` pixels of the image
                of ``K``.
            K: float [3, 3] intrinsics of that image (the smoothed joints' ``uv`` is their projection).
            stamp_s: the image stamp, seconds.
            ended: ids of bodies that left (their filters are dropped).
        Returns:
            new :class:`Skeleton` objects in the order given, joints and uv smoothed; confidence,
            box and score as given. A body seen for the first time is returned as it came.
        Raises:
            ValueError: ``ids`` and ``skeletons`` differ in length.
        """
        if len(ids) != len(skeletons):
            raise ValueError(f"{len(ids)} ids for {len(skeletons)} skeletons")
        for bid in ended:
            self._f.pop(bid, None)
        out = []
        for bid, s in zip(ids, skeletons):
            j = np.asarray(s.joints, np.float64)
            with np.errstate(invalid="ignore", divide="ignore"):
                z = np.where(j[:, 2] > 1e-6, j[:, 2], np.nan)
                ray = j[:, :2] / z[:, None]
                logz = np.log(z)
            if bid not in self._f:
                self._f[bid] = (OneEuroFilter(self.min_cutoff, self.beta),
                                OneEuroFilter(self.min_cutoff, self.beta_depth))
            f_ray, f_z = self._f[bid]
            ray_s, z_s = f_ray(ray, stamp_s), np.exp(f_z(logz, stamp_s))
            js = np.concatenate([ray_s * z_s[:, None], z_s[:, None]], 1)
            js = np.where(np.isfinite(js), js, j).astype(np.float32)
            out.append(replace(s, joints=js, uv=project(js, K).astype(np.float32)))
        return out
