"""Person detector for the top-down pipeline: BlazePose's pose detector on ONNX Runtime (issue 10).

``models/blazepose/pose_detection.onnx`` is MediaPipe's ``pose_detection.tflite`` (Apache-2.0,
``mediapipe==0.10.14`` wheel) converted by ``make blazepose-onnx`` (docs/BACKBONES.md). It is an
SSD over 2254 anchors of a 224×224 letterboxed image; each anchor gives a score and 12 numbers:
a face box (x, y, w, h) and four keypoints — the mid-hip centre, a point on the circle that
encloses the whole body, the mid-shoulder centre and a point on the upper-body circle. The
decoding (anchors, sigmoid scores, weighted NMS at IoU 0.3) follows MediaPipe's
``pose_detection_cpu.pbtxt`` graph. A person's box here is a square centred on the mid-hip point
with side ``box_scale`` × the full-body circle's diameter, in pixels of the given image. The
default 0.9 makes it the size of the person boxes the networks were trained with: on 32 whole
people of pipose-synth-v2 the diameter is a median 1.11× the person's box height (quartiles
1.03–1.21), on the real Kinect frame 1.15×.

BlazePose's detector expects one prominent person; in a wide robot view with several people it
finds mostly the nearest. :class:`PersonDetector` therefore also runs it on square windows
(``window_scales`` × the image's short side, 50 % overlap) and merges the detections of all runs
when their shoulders and hips coincide or they found the same face; a window reports only people it
holds whole.

Run-time core: numpy, OpenCV and onnxruntime only (no torch, no ROS).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from .assets import model_path
from .camera import box_iou, points_box, uv_in_image

INPUT = 224
# SsdAnchorsCalculator options of MediaPipe's pose detection graph
_STRIDES = (8, 16, 32, 32, 32)
_MIN_SCORE = 0.5
_NMS_IOU = 0.3
SAME_FACE = 0.5  # _same_person: face-box centres closer than this × the smaller face side are one face
BODY_SIZE = 256  # the whole-body detector's letterboxed input side (pixels)
BODY_STRIDE = 8  # its output cells (input pixels)
BODY_MIN_SCORE = 0.5  # its default score threshold (session 22: validation renders and real COCO photos)


def ssd_anchors(size: int = INPUT, strides=_STRIDES) -> np.ndarray:
    """Anchor centres float32 [2254, 2] (x, y in [0, 1]) of MediaPipe's SSD anchor rule with
    fixed anchor size, aspect ratio 1 and two anchors per cell and layer (layers of one stride
    share a grid)."""
    out = []
    i = 0
    while i < len(strides):
        s = strides[i]
        n = 0
        while i < len(strides) and strides[i] == s:
            n += 2
            i += 1
        g = int(np.ceil(size / s))
        yy, xx = np.mgrid[0:g, 0:g]
        c = np.stack([(xx + 0.5) / g, (yy + 0.5) / g], -1).reshape(-1, 1, 2)
        out.append(np.repeat(c, n, axis=1).reshape(-1, 2))
    return np.concatenate(out).astype(np.float32)


def _inside_window(d: "Detection", x0: int, y0: int, side: int, w: int, h: int, slack: float = 0.3) -> bool:
    """A window reports only people it holds: the full-body circle may pass a window edge that is
    not the image's by at most ``slack`` × the radius (else the person is cut by the window and a
    larger run sees them whole)."""
    cx, cy = d.hip
    r, m = d.radius, slack * d.radius
    return ((x0 == 0 or cx - r >= x0 - m) and (x0 + side >= w or cx + r <= x0 + side + m)
            and (y0 == 0 or cy - r >= y0 - m) and (y0 + side >= h or cy + r <= y0 + side + m))


def _same_person(a: "Detection", b: "Detection", dist: float) -> bool:
    """Two detections are one person when both their mid-shoulder and mid-hip points are closer
    than ``dist`` × the smaller full-body radius, or when they found the same face: face-box
    centres closer than :data:`SAME_FACE` × the smaller face box's side. The face rule catches a
    person cut by the image border, whose hips (outside the image) two runs extrapolate
    differently (session 21: the demo's astronaut at the right border, two runs' hips 121 px
    apart, their face centres 16 px apart at face sides 64 and 128 px)."""
    if a.keypoints is None or b.keypoints is None:
        return _same_body(a, b)
    r = min(a.radius, b.radius)
    if (np.linalg.norm(a.keypoints[2] - b.keypoints[2]) < dist * r
            and np.linalg.norm(a.hip - b.hip) < 2 * dist * r):
        return True
    if a.face is None or b.face is None:
        return False
    side = min(a.face[2] - a.face[0], a.face[3] - a.face[1], b.face[2] - b.face[0], b.face[3] - b.face[1])
    ca, cb = (a.face[:2] + a.face[2:]) / 2, (b.face[:2] + b.face[2:]) / 2
    return bool(np.linalg.norm(ca - cb) < SAME_FACE * max(side, 1e-6))


def _same_body(a: "Detection", b: "Detection") -> bool:
    """Two detections of which one at least is a whole-body box (no keypoints) are one person when
    the other's mid-hip or mid-shoulder point (a body box: its centre) lies in the body box as
    :func:`_anchors_in_body` says: two people side by side have these points in different boxes. Both
    points, because BlazePose extrapolates the hips of a person cut by the image's border out of the
    image (the astronaut photo: 29 px below it) while a body box is clipped to the image."""
    def anchors(p):
        return np.array([p.hip] if p.keypoints is None else [p.hip, p.keypoints[2]])

    return ((b.keypoints is None and _anchors_in_body(anchors(a), a.box, b.box))
            or (a.keypoints is None and _anchors_in_body(anchors(b), b.box, a.box)))


def _anchors_in_body(points: np.ndarray, box: np.ndarray, body: np.ndarray) -> bool:
    """A person (their mid-hip / mid-shoulder ``points`` float [N, 2] and their ``box``) is the person
    of a whole-body ``body`` box: a point in the middle half of its width, between its top and
    bottom, and the two boxes' heights within a factor 2."""
    x0, y0, x1, y1 = body
    cw = x1 - x0
    ha, hb = box[3] - box[1], y1 - y0
    if min(ha, hb) <= 0 or max(ha, hb) > 2.0 * min(ha, hb):
        return False
    return any(x0 + 0.25 * cw <= u <= x1 - 0.25 * cw and y0 <= v <= y1 for u, v in points)


def windows(w: int, h: int, scales=(1.0,)) -> list[tuple[int, int, int]]:
    """Square windows (x0, y0, side) in pixels: for each scale f, side = f × min(w, h), laid
    over the image with 50 % overlap (the last row / column flush with the border); none for a
    window that would cover the whole image."""
    out = []
    for f in scales:
        side = int(round(f * min(w, h)))
        if side < 16 or (side >= w and side >= h):
            continue
        xs = np.linspace(0, w - side, max(1, int(np.ceil((w - side) / (side / 2))) + 1)).round().astype(int)
        ys = np.linspace(0, h - side, max(1, int(np.ceil((h - side) / (side / 2))) + 1)).round().astype(int)
        out += [(int(x), int(y), side) for y in ys for x in xs]
    return out


def letterbox_params(w: int, h: int, size: int, scale: float = 1.0, shift=(0.5, 0.5)) -> tuple[float, float, float]:
    """(s, x0, y0) of the map image pixels → input pixels u' = s·u + x0, v' = s·v + y0 that scales a
    w×h image by ``scale`` × the letterbox scale (size / max(w, h)) and places it at ``shift`` (0…1
    of the free room; 0.5 = centred, the run-time letterbox; training draws scale and shift)."""
    s = scale * size / max(w, h)
    return s, shift[0] * (size - s * w), shift[1] * (size - s * h)


def scaled_input(rgb: np.ndarray, size: int, s: float, x0: float, y0: float, fill: float = 0.0) -> np.ndarray:
    """uint8 [H, W, 3] RGB → float32 [size, size, 3] (0…255) under the map of :func:`letterbox_params`
    (one bilinear warp, as in training — no area filter when shrinking; ``fill`` outside the image)."""
    M = np.array([[s, 0, x0], [0, s, y0]], np.float64)
    return cv2.warpAffine(rgb, M, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=(fill, fill, fill)).astype(np.float32)


def decode_centres(heat: np.ndarray, size: np.ndarray, off: np.ndarray, min_score: float = BODY_MIN_SCORE,
                   stride: int = BODY_STRIDE, top: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """CenterNet decoding (Zhou et al. 2019) of one image's outputs of the whole-body detector.

    Args:
        heat: float [G, G] person-centre probabilities; size: float [2, G, G] log box width and
            height (input pixels); off: float [2, G, G] the centre's position in its cell (0…1).
        min_score: peaks below this are dropped. stride: input pixels per cell. top: at most this many.
    Returns:
        (boxes float64 [N, 4] x0, y0, x1, y1 in input pixels, scores float64 [N]), best first. A
        peak is a cell that is the maximum of its 3×3 neighbourhood (CenterNet's NMS).
    """
    from scipy.ndimage import maximum_filter

    heat = np.asarray(heat, np.float32)
    peak = (heat == maximum_filter(heat, size=3, mode="constant")) & (heat >= min_score)
    ys, xs = np.nonzero(peak)
    sc = heat[ys, xs]
    order = np.argsort(-sc, kind="stable")[:top]
    ys, xs, sc = ys[order], xs[order], sc[order]
    cx, cy = (xs + off[0, ys, xs]) * stride, (ys + off[1, ys, xs]) * stride
    w, h = np.exp(size[0, ys, xs]), np.exp(size[1, ys, xs])
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1).astype(np.float64)
    return boxes.reshape(-1, 4), sc.astype(np.float64)


@dataclass
class Detection:
    """One detected person, pixels of the source image.

    Attributes:
        box: float64 [4] (x0, y0, x1, y1), the person box (module docstring) clipped to the
            image (the visible part of the person, like the training boxes).
        score: detector confidence in [0, 1].
        hip: float64 [2] mid-hip centre (u, v).
        radius: float, full-body circle radius in pixels.
        keypoints: float64 [4, 2] BlazePose's four alignment keypoints, or None (a whole-body
            detection, :class:`BodyDetector`).
        face: float64 [4] (x0, y0, x1, y1) the detector's face box (its SSD anchors are faces), or
            None when unknown.
    """

    box: np.ndarray
    score: float
    hip: np.ndarray
    radius: float
    keypoints: np.ndarray | None
    face: np.ndarray | None = None


def weighted_nms(boxes: np.ndarray, scores: np.ndarray, values: np.ndarray, iou: float = _NMS_IOU
                 ) -> list[tuple[float, np.ndarray]]:
    """MediaPipe's WEIGHTED non-maximum suppression: repeatedly take the best remaining box,
    and average ``values`` over it and the boxes overlapping it by more than ``iou``, weighted by
    score. Returns [(score of the best, averaged values)] best first.

    Args:
        boxes: float [N, 4] the boxes the overlap is measured on; scores: float [N];
        values: float [N, D] what is averaged (box and keypoints).
    """
    order = np.argsort(-scores)
    boxes, scores, values = boxes[order], scores[order], values[order]
    keep = np.ones(len(scores), bool)
    out = []
    for i in range(len(scores)):
        if not keep[i]:
            continue
        ov = box_iou(boxes[i], boxes)[0] > iou
        ov &= keep
        w = scores[ov]
        out.append((float(scores[i]), (values[ov] * w[:, None]).sum(0) / w.sum()))
        keep &= ~ov
    return out


class BodyDetector:
    """Whole-body person detector on ONNX Runtime, CPU: finds people whatever way they face and
    with their head out of view, which BlazePose's face-anchored detector misses (session 22).

    A CenterNet on EfficientNet-Lite0 (ImageNet) trained on Anny renders
    (:mod:`pipose_ros.train.body_detector`, ``pipose train-detector``); the whole image letterboxed to
    :data:`BODY_SIZE` pixels, one run; its boxes follow the training crops' rule (the box of the
    person's visible joints grown by 15 %, clipped to the image), the box the networks read distance from.

    Args:
        onnx_path: default ``models/body_detector.onnx``.
        min_score: peaks below this are dropped. threads: ONNX Runtime intra-op threads (0 = its default).
    Raises:
        FileNotFoundError: the ONNX file is missing.
    """

    def __init__(self, onnx_path: str | Path | None = None, min_score: float = BODY_MIN_SCORE, threads: int = 0):
        import onnxruntime as ort

        from .backends.ort import session_options

        path = Path(onnx_path) if onnx_path else model_path("body_detector.onnx")
        if not path.is_file():
            raise FileNotFoundError(f"{path} missing (docs/BACKBONES.md, 'Whole-body detector')")
        self.session = ort.InferenceSession(str(path), session_options(threads), providers=["CPUExecutionProvider"])
        shape = self.session.get_inputs()[0].shape
        self.size = int(shape[-1]) if isinstance(shape[-1], int) else BODY_SIZE
        self.input_name = self.session.get_inputs()[0].name
        self.min_score = float(min_score)

    def __call__(self, rgb: np.ndarray) -> list[Detection]:
        """Detect people in one image.

        Args:
            rgb: uint8 [H, W, 3] RGB.
        Returns:
            :class:`Detection` best first, pixels of ``rgb``: ``box`` clipped to the image, ``hip`` its
            centre, ``radius`` half its diagonal, ``keypoints`` and ``face`` None.
        """
        h, w = rgb.shape[:2]
        s, x0, y0 = letterbox_params(w, h, self.size)
        x = scaled_input(rgb, self.size, s, x0, y0).transpose(2, 0, 1)[None]
        heat, size, off = self.session.run(None, {self.input_name: np.ascontiguousarray(x)})
        boxes, scores = decode_centres(heat[0, 0], size[0], off[0], self.min_score)
        out = []
        for b, sc in zip(boxes, scores):
            b = np.clip((b - [x0, y0, x0, y0]) / s, 0, [w - 1, h - 1, w - 1, h - 1])
            if b[2] - b[0] < 4 or b[3] - b[1] < 4:
                continue
            out.append(Detection(box=b, score=float(sc), hip=(b[:2] + b[2:]) / 2,
                                 radius=float(np.hypot(b[2] - b[0], b[3] - b[1]) / 2), keypoints=None))
        return out


class PersonDetector:
    """BlazePose person detector (module docstring) on ONNX Runtime, CPU.

    Args:
        onnx_path: the converted detector; default ``models/blazepose/pose_detection.onnx``.
        min_score: detections below this score are dropped (MediaPipe uses 0.5).
        max_people: at most this many detections, best first.
        threads: ONNX Runtime intra-op threads (0 = its default).
        window_scales: also detect in square windows whose side is each of these fractions of
            the image's short side (50 % overlap; a window as large as the image is skipped).
            (1.0,) covers a wide image with short-side squares; 0.6 adds smaller windows that find
            people standing close together or far away (measured on the real Kinect frame: 2 of 4
            people with (1.0,), 4 of 4 with (1.0, 0.6)) at about 4× the time. () = the whole
            image only.
        box_scale: person box side / full-body circle diameter (module docstring).
        merge_dist: two detections are one person (best score kept) when their mid-shoulder
            points are closer than this × the smaller full-body radius (and their hips twice that),
            or when their face boxes coincide (:data:`SAME_FACE`).
        body: a :class:`BodyDetector` that also runs on the whole image (run 0 of a full detection):
            people BlazePose does not find (turned away, head out of view) are added (``_same_body``
            merges a person both find; BlazePose's detection is kept). None = BlazePose alone.
    Raises:
        FileNotFoundError: the ONNX file is missing (``make blazepose-onnx``).
    """

    def __init__(self, onnx_path: str | Path | None = None, min_score: float = _MIN_SCORE,
                 max_people: int = 4, threads: int = 0, window_scales=(1.0, 0.6), merge_dist: float = 0.25,
                 box_scale: float = 0.9, body: BodyDetector | None = None):
        import onnxruntime as ort

        path = Path(onnx_path) if onnx_path else model_path("blazepose/pose_detection.onnx")
        if not path.is_file():
            raise FileNotFoundError(f"{path} missing: run `make blazepose-onnx` (see docs/BACKBONES.md)")
        from .backends.ort import session_options

        self.session = ort.InferenceSession(str(path), session_options(threads), providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name
        self.anchors = ssd_anchors()
        self.min_score = float(min_score)
        self.max_people = int(max_people)
        self.window_scales = tuple(float(f) for f in window_scales)
        self.merge_dist = float(merge_dist)
        self.box_scale = float(box_scale)
        self.body = body

    def _letterbox(self, rgb: np.ndarray) -> tuple[np.ndarray, float, float, float]:
        h, w = rgb.shape[:2]
        s = INPUT / max(h, w)
        nw, nh = max(1, round(w * s)), max(1, round(h * s))
        px, py = (INPUT - nw) / 2.0, (INPUT - nh) / 2.0
        canvas = np.zeros((INPUT, INPUT, 3), np.float32)
        x0, y0 = int(np.floor(px)), int(np.floor(py))
        canvas[y0:y0 + nh, x0:x0 + nw] = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA)
        return canvas / 127.5 - 1.0, s, float(x0), float(y0)

    def raw(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The network's outputs for a letterboxed 224×224 version of ``rgb``: regressors float32
        [2254, 12] and score logits float32 [2254] (for tests against LiteRT)."""
        x, *_ = self._letterbox(rgb)
        reg, logit = self.session.run(None, {self.input_name: x[None]})
        return reg[0], logit[0, :, 0]

    def __call__(self, rgb: np.ndarray) -> list[Detection]:
        """Detect people in one image.

        Args:
            rgb: uint8 [H, W, 3] RGB.
        Returns:
            up to ``max_people`` :class:`Detection`, best score first, pixels of ``rgb``.
        Raises:
            ValueError: not a non-empty uint8 [H, W, 3] image.
        """
        rgb = np.asarray(rgb)
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8 or min(rgb.shape[:2]) == 0:
            raise ValueError(f"rgb must be a non-empty uint8 [H, W, 3], got {rgb.dtype} {rgb.shape}")
        h, w = rgb.shape[:2]
        dets = [d for i in range(self.passes(w, h)) for d in self.detect_pass(rgb, i)]
        return self._merge(dets)

    def passes(self, w: int, h: int) -> int:
        """Number of detector runs a full detection of a w×h image takes (1 + its windows)."""
        return 1 + len(windows(w, h, self.window_scales))

    def detect_pass(self, rgb: np.ndarray, i: int) -> list[Detection]:
        """Run ``i`` of a full detection (0 = the whole image, then each window, see
        :meth:`passes`; ``i`` is taken modulo their number): detections in ``rgb``'s pixels, not
        merged, a window's only when it holds the person. ``rgb`` as in :meth:`__call__`."""
        h, w = rgb.shape[:2]
        wins = windows(w, h, self.window_scales)
        i %= 1 + len(wins)
        if i == 0:
            dets = self._detect(rgb, 0, 0, (h, w))
            if self.body is not None:
                dets += self.body(rgb)
            return dets
        x0, y0, side = wins[i - 1]
        return [d for d in self._detect(np.ascontiguousarray(rgb[y0:y0 + side, x0:x0 + side]), x0, y0, (h, w))
                if _inside_window(d, x0, y0, side, w, h)]

    def _merge(self, dets: list[Detection]) -> list[Detection]:
        """Best first; a detection of a person already kept is dropped (BlazePose's detections are
        considered before the whole-body ones); at most ``max_people``."""
        dets = sorted(dets, key=lambda d: (d.keypoints is None, -d.score))
        kept: list[Detection] = []
        for d in dets:
            if not any(_same_person(d, k, self.merge_dist) for k in kept):
                kept.append(d)
        return sorted(kept, key=lambda d: -d.score)[: self.max_people]

    def _detect(self, rgb: np.ndarray, ox0: int, oy0: int, full_hw: tuple[int, int]) -> list[Detection]:
        """Detections in one image or window (weighted NMS), shifted by (ox0, oy0) pixels into
        the full image of size ``full_hw`` (boxes clipped to it)."""
        h, w = full_hw
        x, s, ox, oy = self._letterbox(rgb)
        reg, logit = self.session.run(None, {self.input_name: x[None]})
        reg, logit = reg[0], logit[0, :, 0]
        score = 1.0 / (1.0 + np.exp(-np.clip(logit, -50.0, 50.0)))
        sel = score >= self.min_score
        if not sel.any():
            return []
        a, r, sc = self.anchors[sel], reg[sel] / INPUT, score[sel]
        ctr = a + r[:, 0:2]
        wh = r[:, 2:4]
        face = np.concatenate([ctr - wh / 2, ctr + wh / 2], 1)
        kps = a[:, None, :] + r[:, 4:12].reshape(-1, 4, 2)
        vals = np.concatenate([face, kps.reshape(-1, 8)], 1)
        out = []
        for score_i, v in weighted_nms(face, sc, vals):
            pts = (v.reshape(6, 2) * INPUT - [ox, oy]) / s + [ox0, oy0]  # letterbox → source pixels
            fb, kp = pts[:2].reshape(4), pts[2:]  # face box corners, the four keypoints
            hip = kp[0]
            rad = float(np.linalg.norm(kp[1] - kp[0]))
            half = self.box_scale * rad
            box = np.array([hip[0] - half, hip[1] - half, hip[0] + half, hip[1] + half])
            box = np.clip(box, 0, [w - 1, h - 1, w - 1, h - 1])  # the visible part, as in training
            if box[2] - box[0] < 4 or box[3] - box[1] < 4:
                continue
            out.append(Detection(box=box, score=score_i, hip=hip, radius=rad, keypoints=kp, face=fb))
        return out


FOLLOW = ("detections", "hips", "joints")  # where a tracked person's next box comes from (PersonFinder)
HIP_MIN_CONFIDENCE = 0.3  # follow="hips": both hips at least this confident and inside the image, else the box stays


BODY_MAX_AGE = 2  # PersonFinder: detector runs a box last confirmed by the whole-body detector lives unconfirmed


def _skeleton_anchors(s) -> np.ndarray:
    """A tracked skeleton's mid-hip and mid-shoulder points float [≤ 2, 2] (pixels; from ``s.uv``)."""
    uv = np.asarray(s.uv, np.float64)
    out = []
    for a, b in (("right_hip", "left_hip"), ("right_shoulder", "left_shoulder")):
        if a in s.names and b in s.names:
            out.append((uv[s.names.index(a)] + uv[s.names.index(b)]) / 2)
    return np.array(out).reshape(-1, 2)


class PersonFinder:
    """The person boxes of each frame of a stream, at a bounded cost per frame (issue 11).

    ``tracking=False``: a full detection (:class:`PersonDetector`, all windows) every frame.
    ``tracking=True`` (like MediaPipe Pose's tracking mode): each person found in the previous
    frame keeps a box — ``follow="detections"``: the box they were estimated in, i.e.
    their last detection, held until the detector sees them again (no feedback from the
    student's joints, and the box keeps the detector's box rule, from which the student reads
    distance; a moving person's box lags until the next detection); ``follow="joints"``: the box
    of their 2D joints in the previous frame (:func:`pipose_ros.camera.points_box`, the box rule
    the networks were trained with, but of predicted joints, which spread wider: on 800 frames of
    pipose-synth-v2 a second pass on the box of the student's own joints moved the median root
    distance from −4.2 to −8.9 % and MPJPE from 77.2 to 87.0 cm; session 13); ``follow="hips"`` (default):
    the detection's box, its size kept, moved so that its centre is where the person's mid-hip was
    in the previous frame — the detector centres its box on the mid-hip, so a still person's box
    stays put, while a walking person or a panning camera no longer leaves the person behind their
    held box (on the real Kinect frame panned by 12 px a frame: ``detections`` lost one of the
    half-hidden pair from the third frame on, ``hips`` keeps all four with the same ids; one
    re-centred second pass on 400 frames of pipose-synth-v2 moved MPJPE 67.4 → 65.7 cm with the
    detector's boxes; docs/RESULTS.md, session 15); the size, from which the student reads
    distance, stays the detector's. The box stays where it was without two confident in-image hips,
    and when it touches the image's border: a clipped box is no longer centred on the mid-hip, and
    a person cut by the border may have their hips out of view, which the student still places in
    the image (the astronaut photo: her box walked onto her helmet)
    — and the detector makes **one** run per frame, cycling through the whole image and its
    windows (the whole image every other frame), to find people who arrive. A detection replaces
    the tracked box it overlaps most (IoU ≥ ``iou``; one detection, one tracked person, so two
    people standing close together stay two), which re-anchors a drifting track; a detection
    that replaces none is a new person; two tracked boxes that overlap by ``same_iou`` or more
    are one person. A tracked box that no detection has confirmed for a whole scan cycle (2 ×
    runs of a full detection, in frames) is dropped, so a person who left does not live on in
    their old crop. Per frame this costs one detector run instead of ``1 + windows``; a newcomer
    whom the whole image's pass finds is found within 2 × ``every`` frames.
    With ``every`` = k > 1 the detector runs on every k-th frame only while people are tracked
    (the frames between cost the crops alone; MediaPipe's tracking mode runs its detector only
    when it has lost the person); with nobody tracked it runs every frame.
    The first frame, and then every ``full_every`` frames, gets a **full scan** instead (all
    windows at once, as ``tracking=False`` does on every frame): people far away or half hidden,
    whom only a small window finds, are found at start-up and within ``full_every`` frames of
    arriving, not after a whole scan cycle (2 × windows × ``every`` frames; on the real Kinect
    frame of docs/RESULTS.md, 612 × 405 pixels, 19 passes: 114 frames). Cost: one full detection
    (19 passes ≈ 155 ms on one core, against ≈ 8 ms for one pass) per ``full_every`` frames.

    Args:
        detector: the :class:`PersonDetector`.
        tracking: see above.
        iou: overlap above which a detection is the tracked person.
        same_iou: overlap above which two tracked boxes are one person.
        every: detector period in frames while people are tracked (tracking mode).
        full_every: frames between full scans (tracking mode; the first frame is always one);
            0 = none, not even on the first frame (one pass per detector run only).
        follow: ``detections``, ``hips`` or ``joints``, where a tracked person's next box comes from.
    """

    def __init__(self, detector: PersonDetector, tracking: bool = True, iou: float = 0.3, every: int = 1,
                 same_iou: float = 0.85, follow: str = "hips", full_every: int = 30):
        if int(every) < 1:
            raise ValueError(f"every must be >= 1, got {every}")
        if int(full_every) < 0:
            raise ValueError(f"full_every must be >= 0, got {full_every}")
        self.full_every = int(full_every)
        if follow not in FOLLOW:
            raise ValueError(f"follow must be one of {FOLLOW}, got {follow!r}")
        self.follow = follow
        self.detector = detector
        self.tracking = bool(tracking)
        self.iou = float(iou)
        self.same_iou = float(same_iou)
        self.every = int(every)
        self.reset()

    def reset(self) -> None:
        """Forget the stream: the next frame is a first frame again (a full scan, no tracked boxes
        confirmed). For a stream that restarts — the node calls it on every activation."""
        self._i = 0  # detector runs made (the scan position)
        self._frame = 0  # frames seen
        self._last_full: int | None = None  # frame of the last full scan
        self._confirmed: dict[bytes, int] = {}  # last frame's boxes → frame of their last detection

    def __call__(self, rgb: np.ndarray, previous: list | None = None) -> tuple[list[np.ndarray], list[float]]:
        """Boxes and scores for this frame.

        Args:
            rgb: uint8 [H, W, 3] RGB.
            previous: the skeletons (:class:`pipose_ros.skeleton.Skeleton`: ``uv`` in pixels of
                an image of this size, ``box`` the box it was estimated in, as returned for the
                boxes of the previous call) found in the previous frame; ignored without tracking.
        Returns:
            (boxes float64 [4] each, x0, y0, x1, y1 pixels clipped to the image; scores in
            [0, 1]: the detector's, or a tracked skeleton's mean joint confidence), at most
            ``max_people``, best first.
        """
        if not self.tracking:
            dets = self.detector(rgb)
            return [d.box for d in dets], [d.score for d in dets]
        h, w = rgb.shape[:2]
        n = self.detector.passes(w, h)
        now = self._i  # confirmation ages count detector runs, so `every` does not shorten them
        out = []  # (box, score, detector run of the last confirmation, confirmed by the whole-body detector)
        if self.full_every and (self._last_full is None or self._frame - self._last_full >= self.full_every):
            self._last_full = self._frame
            self._i += 1
            dets = self.detector(rgb)
        elif not previous or self._frame % self.every == 0:
            # the whole image on even runs, the windows in turn on odd ones
            k = 0 if n == 1 or now % 2 == 0 else 1 + (now // 2) % (n - 1)
            self._i += 1
            dets = self.detector._merge(self.detector.detect_pass(rgb, k))
        else:
            dets = []
        out = [(d.box, d.score, now, d.keypoints is None) for d in dets]
        self._frame += 1
        lim = np.array([w - 1, h - 1, w - 1, h - 1], np.float64)
        tracked, anchors = [], []
        for s in previous or []:
            seen = None if s.box is None else self._confirmed.get(np.asarray(s.box, np.float64).tobytes())
            # a box the whole-body detector confirmed last must be seen again at its next whole-image run
            if seen is None or now - seen[0] > (BODY_MAX_AGE if seen[1] else 2 * n):
                continue
            b = np.clip(self._follow(s, w, h), 0, lim)
            if b[2] - b[0] >= 4 and b[3] - b[1] >= 4:
                tracked.append((b, float(np.mean(s.confidence)), seen[0], seen[1]))
                anchors.append(_skeleton_anchors(s))
        if tracked and out:  # each detection re-anchors at most one tracked person, the best overlap first
            iou = box_iou(np.stack([t[0] for t in tracked]), np.stack([o[0] for o in out]))
            for r, c in zip(*np.nonzero(iou < self.iou)):  # a body box of the tracked person: the last choice
                if dets[c].keypoints is None and _anchors_in_body(anchors[r], tracked[r][0], dets[c].box):
                    iou[r, c] = self.iou
            rows, cols = set(), set()
            for r, c in zip(*np.unravel_index(np.argsort(-iou, axis=None), iou.shape)):
                if iou[r, c] < self.iou:
                    break
                if r not in rows and c not in cols:
                    rows.add(r)
                    cols.add(c)
                    if out[c][3]:  # a whole-body detection confirms the tracked box (its size: the distance)
                        out[c] = (tracked[r][0], out[c][1], out[c][2], True)
            anchors = [a for i, a in enumerate(anchors) if i not in rows]
            tracked = [t for i, t in enumerate(tracked) if i not in rows]
        # people the detector did not see this frame; near-copies are one person: boxes that overlap by
        # same_iou, or a tracked person whose mid-hip and mid-shoulder lie in the middle half of a whole-body
        # detection (two crops of one person that the rules above kept apart: a square and a tall box)
        bodies = [d.box for d in dets if d.keypoints is None]
        for t, pts in zip(tracked, anchors):
            if out and box_iou(t[0], np.stack([o[0] for o in out])).max() >= self.same_iou:
                continue
            if len(pts) == 2 and any(all(_anchors_in_body(p[None], t[0], b) for p in pts) for b in bodies):
                continue
            out.append(t)
        out.sort(key=lambda o: -o[1])
        out = out[: self.detector.max_people]
        self._confirmed = {o[0].tobytes(): (o[2], o[3]) for o in out}
        return [o[0] for o in out], [o[1] for o in out]

    def _follow(self, s, w: int, h: int) -> np.ndarray:
        """A tracked skeleton's box for the next frame (class docstring, ``follow``)."""
        box = np.asarray(s.box, np.float64)
        if self.follow == "joints":
            return points_box(np.asarray(s.uv, np.float64))
        if self.follow == "hips":
            idx = [s.names.index(n) for n in ("right_hip", "left_hip") if n in s.names]
            uv = np.asarray(s.uv, np.float64)
            whole = box[0] > 1 and box[1] > 1 and box[2] < w - 2 and box[3] < h - 2  # not clipped by the border
            if whole and len(idx) == 2 and all(float(s.confidence[j]) >= HIP_MIN_CONFIDENCE
                                               and uv_in_image(uv[j], w, h) for j in idx):
                shift = uv[idx].mean(0) - (box[:2] + box[2:]) / 2
                return box + np.concatenate([shift, shift])
        return box
