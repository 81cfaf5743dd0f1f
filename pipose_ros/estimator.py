"""PoseEstimator: checkpoint → numpy in, skeletons out (no ROS).

The main API other code calls::

    est = PoseEstimator.from_checkpoint("models/pipose_student_kinect14.pt", backend="auto")
    skeletons = est.estimate(rgb, K)          # rgb uint8 [H, W, 3] RGB, K float64 [3, 3]
    teacher_view = est.estimate_depth(depth_m, K)   # needs a teacher checkpoint

Images of any size are letterboxed to the network input and K follows the resize
(:class:`pipose_ros.camera.Letterbox`); joints come back in metres in the camera optical frame
of the *given* image (REP-103), uv in its pixels. The network is single-person (one SPDH map per
joint, seed 000): without boxes, at most one skeleton per image. With ``boxes`` (person boxes
from a detector, x0, y0, x1, y1 pixels), each box becomes a crop — a virtual camera with
K_crop = S·K (:class:`pipose_ros.camera.CropView`, ``shared/DESIGN.md``) — the crops run as one
batch and each gives at most one skeleton, already in the image's optical frame. A skeleton is
returned only when its mean joint confidence reaches ``min_confidence``, and near-copies of
a more confident skeleton (one person given two boxes by the detector) are dropped
(:func:`pipose_ros.skeleton.suppress_duplicates`).

The depth teacher reports a skeleton only where the measured depth supports it: at least
``min_depth_support`` of its in-image joints must have a valid depth pixel within 2 px that lies
within :data:`DEPTH_SUPPORT_TOL_M` of the joint's depth (:func:`pipose_ros.camera.depth_seen_fraction`).
A person beyond the sensor's range (or lost to its artefacts) is in the box but not in the depth,
and a depth network asked to place them guesses (session 18: the shipped teacher's mean joint error
on such people is 174 cm against 38 cm on people the depth shows). Measured on the validation renders
(session 19, ``docs/runs/session19``): 0.3 at 0.5 m drops 73 % of the people the depth does not show
and 1.7 % of those it shows (whose skeletons were 107 cm off). The count of skeletons dropped this way
in the last call is :attr:`PoseEstimator.unsupported`.

With ``flip_test`` (the "flip test" of Xiao et al., ECCV 2018, and HRNet), every view also runs
mirrored (one batch of 2B) and the two outputs are averaged before decoding. SPDH maps mirror
exactly: the mirrored input is a camera with c_x' = W − 1 − c_x, and in it the uv map's column
u' and the uz map's column u' both stand for column W − 1 − u of the original (the uz map's X(u, k)
changes sign with u − c_x, its depth rows do not move; the grid's half-pixel convention keeps the
reversal exact at any stride), so each map is reversed along its last axis and its left/right
channels swapped (:func:`flip_channel_permutation`). It costs a second network pass per view.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from .backends import Network, open_network
from .camera import CropView, Letterbox, depth_seen_fraction, in_view, validate_K
from .preprocess import depth_input, rgb_input
from .skeleton import Skeleton, suppress_duplicates
from .spdh import apply_size_prior, canonical_scale, decode, shrink_relative_depth


# candidate boxes a detector should keep per person allowed (max_people): the spares that
# PoseEstimator.estimate_people uses to fill places freed by duplicates or unconfident crops
CANDIDATES_PER_PERSON = 2

# a depth-teacher joint is supported by the measured depth within this (metres; module docstring):
# looser than the 0.25 m used on ground truth, as the teacher's own depth is off by ~3 % of the distance
DEPTH_SUPPORT_TOL_M = 0.5


def flip_channel_permutation(names) -> np.ndarray:
    """int64 [J]: the channel of each joint's mirror image — ``left_*`` ↔ ``right_*`` by name,
    every other joint (nose, neck) its own. Used to un-mirror heatmaps of a flipped input.
    Raises ``ValueError`` when a ``left_``/``right_`` joint has no partner in ``names``."""
    names = list(names)
    perm = np.arange(len(names))
    for i, n in enumerate(names):
        for a, b in (("left_", "right_"), ("right_", "left_")):
            if n.startswith(a):
                partner = b + n[len(a):]
                if partner not in names:
                    raise ValueError(f"joint {n!r} has no mirror joint {partner!r}: no flip test for this joint set")
                perm[i] = names.index(partner)
    return perm


class PoseEstimator:
    """Runs one network (student/baseline on RGB, or teacher on depth) on any backend.

    Imports numpy only: the network comes from :func:`pipose_ros.backends.open_network`
    (ONNX Runtime without torch, or PyTorch), pre-processing and SPDH decoding are shared numpy.

    Args:
        net: a :class:`pipose_ros.backends.Network` (its ``meta`` is the checkpoint metadata).
        min_confidence: mean uv-peak confidence below which no skeleton is reported.
        teacher: optional network of a depth teacher for :meth:`estimate_depth`.
        same_person: pose-NMS threshold of :func:`pipose_ros.skeleton.suppress_duplicates`
            (median 2D joint distance / joint-extent diagonal; 0 keeps every skeleton).
        relative_depth_gain: :func:`pipose_ros.spdh.shrink_relative_depth` after decoding, in
            [0, 1]; None = the model file's ``decode.relative_depth_gain`` (chosen on validation
            data by ``pipose tune-decode``), 1 (per-joint depths as decoded) when it has none.
            The teacher uses its own file's value.
        min_depth_support: depth teacher only: the share of a skeleton's in-image joints the
            measured depth must support (module docstring), in [0, 1]; 0 = every skeleton.
        flip_test: average each view's maps with those of its mirror image (module docstring);
            twice the network time. The teacher gets the same setting.
        size_prior_weight: :func:`pipose_ros.spdh.apply_size_prior` after the relative-depth gain, in
            [0, 1], with the model file's reference bone lengths (``decode.size_prior``, chosen on
            validation data by ``pipose tune-decode``); None = the file's weight, 0 when it has none.
            This model only: the teacher reads distance from depth and keeps its own file's.
    """

    def __init__(self, net: Network, min_confidence: float = 0.1, teacher: Network | None = None,
                 same_person: float = 0.05, relative_depth_gain: float | None = None,
                 min_depth_support: float = 0.3, flip_test: bool = False,
                 size_prior_weight: float | None = None):
        self.net = net
        meta = net.meta
        self.meta = meta
        self.kind = meta["model"]["kind"]
        self.spdh = meta["spdh_config"]
        self.names = list(meta["joint_names"])
        self.input_w, self.input_h = meta["input_size"]
        self.norm = meta["normalisation"]
        self.min_confidence = float(min_confidence)
        self.same_person = float(same_person)
        self.set_relative_depth_gain(relative_depth_gain)
        self.set_size_prior_weight(size_prior_weight)
        if not 0.0 <= min_depth_support <= 1.0:
            raise ValueError(f"min_depth_support must be in [0, 1], got {min_depth_support}")
        self.min_depth_support = float(min_depth_support)
        self.unsupported = 0  # depth-teacher skeletons the measured depth did not support, last call
        self.timing: dict[str, float] = {}  # ms per stage of the last call: crop, network, decode
        self.teacher = None
        self.set_flip_test(flip_test)
        if teacher is not None:
            self.teacher = PoseEstimator(teacher, min_confidence, same_person=same_person,
                                         min_depth_support=min_depth_support, flip_test=flip_test)
        elif self.kind == "teacher":
            self.teacher = self

    @property
    def backend(self) -> str:
        """One line naming the backend, device and precision (for logs and diagnostics)."""
        return self.net.description

    @classmethod
    def from_checkpoint(cls, path: str | Path, device: str = "auto", min_confidence: float = 0.1,
                        teacher_path: str | Path | None = None, backend: str = "auto",
                        logger=None, same_person: float = 0.05,
                        relative_depth_gain: float | None = None,
                        min_depth_support: float = 0.3, flip_test: bool = False,
                        size_prior_weight: float | None = None) -> "PoseEstimator":
        """Load a model file (``X.pt`` checkpoint with ``weights_only=True``, or its export
        ``X.onnx``) with a backend of :data:`pipose_ros.backends.BACKENDS`; ``min_confidence`` and
        ``same_person`` as in the class (the teacher gets the same); ``relative_depth_gain`` as in
        the class (this model only; None = the model file's); ``min_depth_support``, ``flip_test`` and
        ``size_prior_weight`` as in the class.

        Raises ``FileNotFoundError`` / ``ValueError`` / ``RuntimeError`` for a missing or foreign
        file or a backend that cannot run (:func:`pipose_ros.backends.open_network`)."""
        net = open_network(path, backend, device, logger)
        teacher = open_network(teacher_path, backend, device, logger) if teacher_path else None
        return cls(net, min_confidence, teacher, same_person=same_person, relative_depth_gain=relative_depth_gain,
                   min_depth_support=min_depth_support, flip_test=flip_test, size_prior_weight=size_prior_weight)

    def set_relative_depth_gain(self, gain: float | None) -> None:
        """Set :attr:`relative_depth_gain` (class docstring); None = the model file's value.
        Raises ``ValueError`` outside [0, 1]."""
        if gain is None:
            gain = float((self.meta.get("decode") or {}).get("relative_depth_gain", 1.0))
        if not 0.0 <= gain <= 1.0:
            raise ValueError(f"relative_depth_gain must be in [0, 1], got {gain}")
        self.relative_depth_gain = float(gain)

    @property
    def size_prior(self) -> dict:
        """The model file's ``decode.size_prior`` (``weight``, ``bones``, ``bone_lengths_m``), {} without one."""
        return (self.meta.get("decode") or {}).get("size_prior") or {}

    @property
    def has_size_prior(self) -> bool:
        """Whether the model file carries reference bone lengths, so that a size-prior weight > 0 can apply."""
        return bool(self.size_prior.get("bone_lengths_m"))

    def set_size_prior_weight(self, weight: float | None) -> None:
        """Set :attr:`size_prior_weight` (class docstring); None = the model file's (0 without one).
        Raises ``ValueError`` outside [0, 1], or > 0 for a file without reference bone lengths
        (:attr:`has_size_prior`)."""
        if weight is None:
            weight = float(self.size_prior.get("weight", 0.0))
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"size_prior_weight must be in [0, 1], got {weight}")
        if weight > 0 and not self.has_size_prior:
            raise ValueError("this model file has no reference bone lengths (decode.size_prior): "
                             "run pipose tune-decode --write on it first")
        self.size_prior_weight = float(weight)

    def set_flip_test(self, on: bool) -> None:
        """Switch the flip test (class docstring) on or off, for this network and its teacher.
        Raises ``ValueError`` when on and the joint set has an unpaired left/right joint."""
        self.flip_perm = flip_channel_permutation(self.names) if on else None  # what maps() reads
        self.flip_test = bool(on)
        if self.teacher is not None and self.teacher is not self:
            self.teacher.set_flip_test(on)

    @property
    def crop_scale(self) -> float:
        """Box-to-crop size factor: the middle of the training crops' range (1.25 for a
        checkpoint trained on whole images)."""
        c = self.meta.get("crop") or {}
        lo, hi = c.get("scale", (1.25, 1.25))
        return 0.5 * (float(lo) + float(hi))

    def _views(self, shape: tuple[int, int], boxes) -> list:
        if boxes is None:
            return [Letterbox.fit(shape[1], shape[0], self.input_w, self.input_h)]
        return [CropView.around(b, self.input_w, self.input_h, scale=self.crop_scale) for b in boxes]

    def maps(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The network's SPDH maps for input x float32 [B, C, H, W]: (uv, uz) float32 [B, J, H', W'];
        with the flip test, averaged with the un-mirrored maps of the mirrored input (one batch of 2B)."""
        perm = self.flip_perm  # one read: set_flip_test may run on another thread (a live parameter)
        if perm is None:
            return self.net(x)
        B = len(x)
        uv, uz = self.net(np.concatenate([x, x[..., ::-1]]))
        return 0.5 * (uv[:B] + uv[B:, perm, :, ::-1]), 0.5 * (uz[:B] + uz[B:, perm, :, ::-1])

    def _run(self, x: np.ndarray, K_net: np.ndarray) -> dict[str, np.ndarray]:
        """x float32 [B, C, H, W], K_net float [B, 3, 3] → decoded arrays with batch axis."""
        t0 = time.perf_counter()
        uv, uz = self.maps(x)
        t1 = time.perf_counter()
        d = decode(uv, uz, K_net, self.spdh)
        d["joints"] = shrink_relative_depth(d["joints"], self.relative_depth_gain)
        if self.size_prior_weight > 0:
            d["joints"] = apply_size_prior(d["joints"], self.size_prior["bones"], self.size_prior["bone_lengths_m"],
                                           self.size_prior_weight)
        self.timing["network"] = (t1 - t0) * 1e3
        self.timing["decode"] = (time.perf_counter() - t1) * 1e3
        return d

    def _skeletons(self, d: dict, views: list, boxes=None) -> list[Skeleton]:
        out = []
        for i, view in enumerate(views):
            conf = d["confidence"][i].astype(np.float32)
            if not np.isfinite(conf).all() or conf.mean() < self.min_confidence:
                continue
            uv = view.to_source(d["uv"][i]).astype(np.float32)
            box = None if boxes is None else np.asarray(boxes[i], np.float64)
            out.append(Skeleton(joints=d["joints"][i].astype(np.float32), confidence=conf,
                                names=list(self.names), uv=uv, box=box))
        return suppress_duplicates(out, self.same_person)

    def estimate(self, rgb: np.ndarray, K: np.ndarray, boxes=None) -> list[Skeleton]:
        """3D skeletons from one RGB image.

        Args:
            rgb: uint8 [H, W, 3], RGB order (undistorted, or with negligible distortion).
            K: float64 [3, 3] intrinsics of ``rgb``.
            boxes: optional person boxes float [P, 4] (x0, y0, x1, y1) pixels; None = the whole
                image is one view (seed 000's setting).
        Returns:
            list of :class:`Skeleton` (at most one per view; in box order, boxes whose skeleton is
            under ``min_confidence`` or a near-copy of a more confident one left out, each
            skeleton's ``box`` = its box); joints float32
            [J, 3] metres in the camera optical frame, confidence float32 [J] in [0, 1].
        Raises:
            ValueError: wrong shape/dtype, empty image, unusable K or box, or a depth-only checkpoint.
        """
        if self.kind == "teacher":
            raise ValueError("this is a depth teacher checkpoint: use estimate_depth()")
        rgb = np.asarray(rgb)
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"rgb must be uint8 [H, W, 3], got {rgb.dtype} {rgb.shape}")
        if rgb.shape[0] == 0 or rgb.shape[1] == 0:
            raise ValueError("empty image")
        K = validate_K(K)
        views = self._views(rgb.shape[:2], boxes)
        if not views:
            return []
        t0 = time.perf_counter()
        x = rgb_input(np.stack([v.image(rgb) for v in views]), self.norm)
        K_net = np.stack([v.apply_K(K) for v in views])
        self.timing = {"crop": (time.perf_counter() - t0) * 1e3}
        return self._skeletons(self._run(x, K_net), views, boxes)

    def estimate_people(self, rgb: np.ndarray, K: np.ndarray, boxes, max_people: int) -> list[Skeleton]:
        """Up to ``max_people`` skeletons from candidate boxes ordered best first (a detector's).

        The first ``max_people`` boxes run as one batch. When some of them give no skeleton —
        under ``min_confidence``, or a near-copy of another (one person given two boxes, removed by
        :func:`pipose_ros.skeleton.suppress_duplicates`) — the next candidates run in a second
        batch to fill the freed places, so a duplicate box does not push a real person out of the
        ``max_people`` limit; a frame without such losses costs one batch, as :meth:`estimate`.

        Args:
            rgb, K: as :meth:`estimate`.
            boxes: float [P, 4] pixels (x0, y0, x1, y1), best first; P may exceed ``max_people``.
            max_people: at most this many skeletons (≥ 1).
        Returns:
            list of :class:`Skeleton` (≤ ``max_people``), in candidate order.
        Raises:
            ValueError: as :meth:`estimate`, or ``max_people`` < 1.
        """
        if int(max_people) < 1:
            raise ValueError(f"max_people must be >= 1, got {max_people}")
        boxes = [np.asarray(b, np.float64) for b in boxes]
        n = int(max_people)
        skels = self.estimate(rgb, K, boxes[:n]) if boxes else []
        timing = dict(self.timing)
        if len(skels) < n and len(boxes) > n:
            more = self.estimate(rgb, K, boxes[n:2 * n - len(skels)])
            timing = {k: timing.get(k, 0.0) + self.timing.get(k, 0.0) for k in set(timing) | set(self.timing)}
            skels = suppress_duplicates(skels + more, self.same_person)[:n]  # keeps candidate order
        self.timing = timing
        return skels

    def estimate_depth(self, depth_m: np.ndarray, K: np.ndarray, boxes=None) -> list[Skeleton]:
        """3D skeletons from one depth image with the depth teacher (seed 000 §3.1.1).

        Args:
            depth_m: float32 [H, W] metres, NaN or 0 = invalid, registered to K.
            K: float64 [3, 3] intrinsics of the depth image.
            boxes: optional person boxes float [P, 4] pixels (see :meth:`estimate`).
        Returns:
            list of :class:`Skeleton` as :meth:`estimate`, without those the measured depth does not
            support (``min_depth_support``; their count is then in :attr:`unsupported`).
        Raises:
            ValueError: no teacher loaded, wrong shape, empty or all-invalid depth, unusable K.
        """
        if self.teacher is None:
            raise ValueError("no depth teacher loaded (pass teacher_path)")
        if self.teacher is not self:
            out = self.teacher.estimate_depth(depth_m, K, boxes)
            self.unsupported = self.teacher.unsupported
            return out
        depth_m = np.asarray(depth_m, np.float32)
        if depth_m.ndim != 2 or depth_m.size == 0:
            raise ValueError(f"depth must be float32 [H, W], got shape {depth_m.shape}")
        valid = np.isfinite(depth_m) & (depth_m > 0)
        if not valid.any():
            raise ValueError("depth image has no valid pixel")
        K = validate_K(K)
        views = self._views(depth_m.shape, boxes)
        if not views:
            return []
        K_net = np.stack([v.apply_K(K) for v in views])
        scale = canonical_scale(K_net, self.spdh)
        x = depth_input(np.stack([v.depth(depth_m) for v in views]), self.norm, scale=scale)
        skels = self._skeletons(self._run(x, K_net), views, boxes)
        kept = [s for s in skels if self.min_depth_support <= 0
                or self.depth_support(s, depth_m, K) >= self.min_depth_support]
        self.unsupported = len(skels) - len(kept)
        return kept

    @staticmethod
    def depth_support(skeleton: Skeleton, depth_m: np.ndarray, K: np.ndarray) -> float:
        """Share of ``skeleton``'s in-image joints that ``depth_m`` (float32 [H, W] metres, NaN/0
        invalid, registered to ``K``) shows within :data:`DEPTH_SUPPORT_TOL_M` (module docstring);
        0 when no joint projects into the image."""
        j = np.asarray(skeleton.joints, np.float64)
        f = depth_seen_fraction(depth_m, K, j, in_view(j, K, depth_m.shape[1], depth_m.shape[0]),
                                tol_m=DEPTH_SUPPORT_TOL_M)
        return 0.0 if not np.isfinite(f) else f
