"""Person detector (BlazePose on ONNX Runtime), multi-person ids and the REP-155 body frame."""

import cv2
import numpy as np
import pytest
import skimage.data

from pipose_ros.camera import box_iou
from pipose_ros.detect import PersonDetector, PersonFinder, ssd_anchors, weighted_nms
from pipose_ros.skeleton import KINECT14, Skeleton
from pipose_ros.track import BodyTracker, body_pose, rotation_to_quaternion


def test_anchor_layout_matches_the_network():
    a = ssd_anchors()
    assert a.shape == (2254, 2)  # 28²·2 + 14²·2 + 7²·6 (three stride-32 layers share a grid)
    assert np.allclose(a[0], [0.5 / 28, 0.5 / 28]) and np.allclose(a[1], a[0])
    assert np.allclose(a[-1], [6.5 / 7, 6.5 / 7])


def test_weighted_nms_merges_overlaps_and_keeps_separate_people():
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [50, 50, 60, 60]], float)
    out = weighted_nms(boxes, np.array([0.9, 0.6, 0.8]), boxes)
    assert len(out) == 2 and out[0][0] == 0.9 and out[1][0] == 0.8
    assert np.allclose(out[0][1], (0.9 * boxes[0] + 0.6 * boxes[1]) / 1.5)


@pytest.fixture(scope="module")
def detector():
    return PersonDetector(max_people=4)


def test_detector_finds_the_astronaut_and_two_people_side_by_side(detector):
    img = skimage.data.astronaut()
    dets = detector(img)
    assert len(dets) == 1 and dets[0].score > 0.7
    x0, y0, x1, y1 = dets[0].box
    assert 0 <= x0 < 100 and y0 < 100 and x1 > 400 and y1 == 511  # clipped to the image
    assert 150 < dets[0].keypoints[2][0] < 350  # the mid-shoulder point is on her
    a = cv2.resize(img, (320, 320))
    two = np.ascontiguousarray(np.concatenate([a, a[:, ::-1]], 1))
    dets = detector(two)
    assert len(dets) == 2
    assert sorted(0.5 * (d.box[0] + d.box[2]) < 320 for d in dets) == [False, True]  # one each side
    assert detector(np.full((240, 320, 3), 128, np.uint8)) == []
    with pytest.raises(ValueError):
        detector(np.zeros((10, 10), np.uint8))


def _skel(root, yaw=0.0):
    """A standing KINECT14 skeleton (optical frame: y down, z forward) at ``root`` (mid-hips),
    facing the camera, turned by ``yaw`` about the vertical."""
    c, s = np.cos(yaw), np.sin(yaw)
    # optical axes (x right in the image, y down, z away); facing the camera, the person's left
    # side is on the image's right (+x)
    pts = {"nose": (0, -0.65, 0), "neck": (0, -0.5, 0), "right_shoulder": (-0.2, -0.5, 0),
           "right_elbow": (-0.25, -0.25, 0), "right_wrist": (-0.25, 0, 0), "left_shoulder": (0.2, -0.5, 0),
           "left_elbow": (0.25, -0.25, 0), "left_wrist": (0.25, 0, 0), "right_hip": (-0.1, 0, 0),
           "right_knee": (-0.1, 0.45, 0), "right_ankle": (-0.1, 0.9, 0), "left_hip": (0.1, 0, 0),
           "left_knee": (0.1, 0.45, 0), "left_ankle": (0.1, 0.9, 0)}
    j = np.array([pts[n] for n in KINECT14.names], float)
    j = j @ np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]).T + root
    return Skeleton(joints=j.astype(np.float32), confidence=np.ones(14, np.float32), names=list(KINECT14.names))


def test_body_frame_follows_rep155():
    origin, R = body_pose(_skel(np.array([0.3, 0.2, 2.5])).joints)
    assert np.allclose(origin, [0.3, 0.2, 2.5], atol=1e-6)
    # facing the camera: x (forward) points back at the camera (−z optical), z (up) = −y optical,
    # y (the person's left) = +x optical
    assert np.allclose(R[:, 0], [0, 0, -1], atol=1e-6)
    assert np.allclose(R[:, 1], [1, 0, 0], atol=1e-6)
    assert np.allclose(R[:, 2], [0, -1, 0], atol=1e-6)
    assert np.allclose(R.T @ R, np.eye(3), atol=1e-9) and np.linalg.det(R) > 0
    # turned away from the camera: forward now points along +z optical
    _, R2 = body_pose(_skel(np.zeros(3) + [0, 0, 3], yaw=np.pi).joints)
    assert np.allclose(R2[:, 0], [0, 0, 1], atol=1e-6)
    q = rotation_to_quaternion(R)
    assert abs(np.linalg.norm(q) - 1) < 1e-9 and q[3] >= 0


def test_tracker_keeps_ids_through_motion_and_short_occlusion_and_never_reuses():
    tr = BodyTracker(max_age_s=0.5, seed=0)
    box = lambda u: np.array([u - 40, 50, u + 40, 250])  # noqa: E731
    a, b = np.array([-0.8, 0.0, 3.0]), np.array([0.8, 0.0, 3.0])
    ids, ended = tr.update([_skel(a), _skel(b)], [box(100), box(220)], 0.0)
    assert len(set(ids)) == 2 and not ended
    first = ids
    for k in range(1, 6):  # both walk 0.1 m per frame at 10 Hz, listed in swapped order
        step = np.array([0.1 * k, 0, 0])
        ids, ended = tr.update([_skel(b + step), _skel(a + step)], [box(220 + 8 * k), box(100 + 8 * k)], 0.1 * k)
        assert ids == first[::-1] and not ended
    # b is occluded for 0.3 s (< max_age): same id when it comes back
    tr.update([_skel(a + [0.5, 0, 0])], [box(140)], 0.6)
    ids, ended = tr.update([_skel(a + [0.5, 0, 0]), _skel(b + [0.5, 0, 0])], [box(140), box(260)], 0.8)
    assert ids == first and not ended
    # b leaves for good: its id ends once, later newcomers get fresh ids
    ids, ended = tr.update([_skel(a + [0.5, 0, 0])], [box(140)], 1.2)
    assert ids == [first[0]] and not ended
    ids, ended = tr.update([_skel(a + [0.5, 0, 0])], [box(140)], 1.4)
    assert ended == [first[1]] and tr.live_ids == [first[0]]
    ids, _ = tr.update([_skel(a + [0.5, 0, 0]), _skel(b + [0.5, 0, 0])], [box(140), box(260)], 1.6)
    assert ids[0] == first[0] and ids[1] not in first
    with pytest.raises(ValueError):
        tr.update([_skel(a)], [], 2.0)


def test_box_iou():
    iou = box_iou(np.array([[0, 0, 10, 10]]), np.array([[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]]))
    assert np.allclose(iou, [[1.0, 50 / 150, 0.0]])


def test_windows_cover_the_image_and_merge_rules():
    from pipose_ros.detect import Detection, _inside_window, _same_person, windows
    ws = windows(960, 540, (1.0, 0.6))
    assert (0, 0, 540) in ws and (420, 0, 540) in ws and windows(512, 512, (1.0,)) == []
    for x0, y0, side in ws:
        assert x0 >= 0 and y0 >= 0 and x0 + side <= 960 and y0 + side <= 540
    small = [w for w in ws if w[2] == 324]
    assert max(x + s for x, _, s in small) == 960 and max(y + s for _, y, s in small) == 540

    def det(hip, r, sh):
        hip = np.array(hip, float)
        return Detection(box=np.r_[hip - r, hip + r], score=0.9, hip=hip, radius=r,
                         keypoints=np.array([hip, hip + [0, -r], sh, sh], float))
    a = det((500, 300), 120, (505, 220))
    assert _same_person(a, det((508, 296), 130, (500, 226)), 0.25)       # one person, two windows
    assert not _same_person(a, det((457, 281), 119, (453, 205)), 0.25)   # the neighbour behind
    # a window that cuts the person's circle does not report them (unless the cut is the image's edge)
    assert not _inside_window(det((300, 300), 150, (300, 220)), 200, 200, 200, 960, 540)
    assert _inside_window(det((300, 300), 50, (300, 280)), 200, 200, 200, 960, 540)
    assert _inside_window(det((100, 300), 150, (100, 220)), 0, 140, 400, 960, 540)
    # a person cut by the border: two runs extrapolate the hips differently, the face is one
    b = det((589, 220), 214, (595, 115))
    c = det((614, 339), 343, (598, 148))
    assert not _same_person(b, c, 0.25)
    b.face, c.face = np.array([532.0, 31, 659, 159]), np.array([558.0, 78, 622, 142])
    assert _same_person(b, c, 0.25)
    c.face = np.array([400.0, 78, 464, 142])  # the face of someone beside them
    assert not _same_person(b, c, 0.25)


def test_a_person_cut_by_the_border_is_one_detection(detector):
    """The demo's ``people`` sequence, first frame (session 21): the astronaut and her mirror
    image, the camera yawed so that the right one is cut by the image border; before the face
    rule the full-image run and a window run gave the cut one two boxes (hips 121 px apart)."""
    from pipose_ros.camera import crop_K, intrinsics_from_fov, turned_view
    a = cv2.resize(skimage.data.astronaut(), (320, 320), interpolation=cv2.INTER_AREA)
    two = np.concatenate([a, np.full((320, 80, 3), 200, np.uint8), a[:, ::-1]], 1)
    K = intrinsics_from_fov(640, 320, 60.0)  # as the demo (its K is for a 640-wide view)
    img = turned_view(two, K, np.arctan2(-40.0, K[0, 0]), K_out=crop_K(K, 40.0, 0.0), width=640)
    dets = detector(img)
    assert len(dets) == 2
    assert sorted(0.5 * (d.box[0] + d.box[2]) < 320 for d in dets) == [False, True]


def test_tracker_gate_grows_with_distance_for_a_single_camera():
    """A far person whose estimated distance jumps by 0.9 m in one frame (a single camera's depth
    noise at 5 m), boxes moved apart: a new id with the fixed gate, the same with depth_noise."""
    box = np.array([100.0, 50, 140, 150])
    for noise, same in ((0.0, False), (None, True)):  # None: the default (0.15)
        tr = BodyTracker(seed=0) if noise is None else BodyTracker(seed=0, depth_noise=noise)
        (first,), _ = tr.update([_skel(np.array([0.0, 0.0, 5.0]))], [box], 0.0)
        (nxt,), _ = tr.update([_skel(np.array([0.0, 0.0, 5.9]))], [box + [30, 0, 30, 0]], 0.066)
        assert (nxt == first) == same


def test_a_newcomer_after_a_long_gap_never_takes_a_stale_id():
    tr = BodyTracker(max_age_s=1.0, seed=1)
    box = np.array([100, 50, 180, 250])
    (old,), _ = tr.update([_skel(np.array([0.0, 0.0, 3.0]))], [box], 0.0)
    # 2 s later someone appears 1 m away: the old track has ended first, the newcomer gets a new id
    ids, ended = tr.update([_skel(np.array([1.0, 0.0, 3.0]))], [box + 60], 2.0)
    assert ended == [old] and ids[0] != old


def _skeleton_in(box, conf=0.8):
    """A skeleton whose joints' box (points_box) is about ``box``, estimated in ``box``."""
    x0, y0, x1, y1 = box
    g = 0.15 / 1.3  # points_box grows by 0.15 × the larger side
    uv = np.array([[x0 + g * (x1 - x0), y0 + g * (y1 - y0)], [x1 - g * (x1 - x0), y1 - g * (y1 - y0)]] * 7, np.float32)
    return Skeleton(joints=np.zeros((14, 3), np.float32), confidence=np.full(14, conf, np.float32),
                    names=list(KINECT14.names), uv=uv, box=np.asarray(box, np.float64))


def test_tracking_mode_one_detector_run_per_frame_and_leavers_dropped(detector):
    """Tracking mode: one detector run per frame (the whole image every other frame), tracked
    people keep their crops between detections, a person who left is dropped within a scan
    cycle while the one who stays is kept every frame."""
    a = cv2.resize(skimage.data.astronaut(), (320, 320))
    two = np.ascontiguousarray(np.concatenate([a, a[:, ::-1]], 1))
    one = two.copy()
    one[:, 320:] = 128
    runs = []
    real_pass = detector.detect_pass
    detector.detect_pass = lambda rgb, i: (runs.append(i), real_pass(rgb, i))[1]
    try:
        f = PersonFinder(detector, tracking=True, follow="joints", full_every=0)
        n = detector.passes(640, 320)
        boxes, _ = f(two)
        assert len(boxes) == 2 and runs == [0]
        prev = [_skeleton_in(b) for b in boxes]
        for k in range(1, 4):
            boxes, scores = f(two, prev)
            assert len(boxes) == 2 and len(runs) == k + 1
            prev = [_skeleton_in(b) for b in boxes]
        assert runs[:4] == [0, 1, 0, 2 % n if n > 2 else 0]
        counts = []
        for k in range(2 * n + 3):
            boxes, _ = f(one, prev)
            counts.append(len(boxes))
            assert any(b[2] < 330 for b in boxes)  # the person who stays, every frame
            prev = [_skeleton_in(b) for b in boxes]
        assert counts[-1] == 1 and len(runs) == 4 + 2 * n + 3
    finally:
        detector.detect_pass = real_pass


def test_full_detection_mode_is_the_detector(detector):
    a = cv2.resize(skimage.data.astronaut(), (320, 320))
    two = np.ascontiguousarray(np.concatenate([a, a[:, ::-1]], 1))
    boxes, scores = PersonFinder(detector, tracking=False)(two)
    assert [d.score for d in detector(two)] == scores and len(boxes) == 2


def test_tracking_mode_detector_period(detector):
    """every=3: while people are tracked the detector runs on every third frame only; with
    nobody tracked, on every frame."""
    a = cv2.resize(skimage.data.astronaut(), (320, 320))
    two = np.ascontiguousarray(np.concatenate([a, a[:, ::-1]], 1))
    runs = []
    real_pass = detector.detect_pass
    detector.detect_pass = lambda rgb, i: (runs.append(i), real_pass(rgb, i))[1]
    try:
        f = PersonFinder(detector, tracking=True, every=3, full_every=0)
        prev = []
        for k in range(7):
            boxes, _ = f(two, prev)
            assert len(boxes) == 2
            prev = [_skeleton_in(b) for b in boxes]
        assert len(runs) == 3  # frames 0, 3, 6
        grey = np.full_like(two, 128)
        for k in range(3):
            f(grey, [])
        assert len(runs) == 6
        with pytest.raises(ValueError):
            PersonFinder(detector, every=0)
        with pytest.raises(ValueError):
            PersonFinder(detector, full_every=-1)
    finally:
        detector.detect_pass = real_pass


def test_tracking_mode_full_scans(detector):
    """The first frame and every ``full_every``-th frame get a full scan (every window, the boxes
    of a full detection); the frames between keep the one-pass schedule (``every``)."""
    a = cv2.resize(skimage.data.astronaut(), (320, 320))
    two = np.ascontiguousarray(np.concatenate([a, a[:, ::-1]], 1))
    n = detector.passes(640, 320)
    assert n > 1
    runs = []
    real_pass = detector.detect_pass
    detector.detect_pass = lambda rgb, i: (runs.append(i), real_pass(rgb, i))[1]
    try:
        f = PersonFinder(detector, tracking=True, every=2, full_every=5)
        boxes, scores = f(two)
        assert runs == list(range(n))  # frame 0: a full scan
        assert len(boxes) == 2 and scores == [d.score for d in detector._merge(
            [d for i in range(n) for d in real_pass(two, i)])]
        per_frame = []
        prev = [_skeleton_in(b) for b in boxes]
        for k in range(1, 11):
            before = len(runs)
            boxes, _ = f(two, prev)
            assert len(boxes) == 2
            prev = [_skeleton_in(b) for b in boxes]
            per_frame.append(len(runs) - before)
        # frames 1..10: full scans at 5 and 10, one pass on the other even frames, none on the odd
        assert per_frame == [0, 1, 0, 1, n, 1, 0, 1, 0, n]
        f(two, prev)
        f.reset()  # a restarted stream: its first frame is a full scan again, nothing tracked carries over
        assert f._confirmed == {}
        before = len(runs)
        assert len(f(two, prev)[0]) == 2 and len(runs) - before == n
    finally:
        detector.detect_pass = real_pass


def test_tracking_follows_detections_hips_or_joints(detector):
    """follow=detections holds the box a person was estimated in (no feedback from the joints);
    follow=hips moves that box, its size kept, to the previous frame's mid-hip — but holds it for a
    person cut by the image's border (the astronaut photo: her hips are out of view, the student
    still places them in the image) and for unsure hips; follow=joints takes the box of the previous
    joints."""
    a = cv2.resize(skimage.data.astronaut(), (320, 320))
    two = np.ascontiguousarray(np.concatenate([a, a[:, ::-1]], 1))
    lim = [639, 319, 639, 319]
    for follow in ("detections", "hips", "joints"):
        f = PersonFinder(detector, tracking=True, every=2, follow=follow)
        boxes, _ = f(two)
        moved = []
        for b in boxes:  # joints that drifted 40 px to the right of the crop they came from
            s = _skeleton_in(b)
            s.uv = s.uv + np.float32([40.0, 0.0])
            moved.append(s)
        held, _ = f(two, moved)  # a frame without a detector run
        for b, s in zip(sorted(held, key=lambda b: b[0]), sorted(moved, key=lambda s: s.box[0])):
            if follow in ("detections", "hips"):  # (both astronauts reach the image's bottom edge)
                assert s.box[3] >= 318 and np.allclose(b, np.clip(s.box, 0, lim))
            else:
                assert b[0] > s.box[0] + 20
    # a whole person (box inside the image): the box moves to the mid-hip, its size kept
    f = PersonFinder(detector, tracking=True, follow="hips")
    s = _skeleton_in([100.0, 50.0, 200.0, 250.0])  # _skeleton_in puts the mid-hip at the box centre
    s.uv = s.uv + np.float32([12.0, -5.0])
    assert np.allclose(f._follow(s, 640, 320), [112.0, 45.0, 212.0, 245.0])
    s.confidence[KINECT14.index("left_hip")] = 0.1  # unsure hips: held
    assert np.allclose(f._follow(s, 640, 320), [100.0, 50.0, 200.0, 250.0])
    with pytest.raises(ValueError):
        PersonFinder(detector, follow="pixels")


def test_decode_centres_finds_each_peak_once():
    from pipose_ros.detect import decode_centres
    G = 32
    heat = np.zeros((G, G), np.float32)
    heat[10, 5], heat[10, 6] = 0.9, 0.5  # a peak and its shoulder: one detection
    heat[20, 25] = 0.6
    heat[2, 2] = 0.2  # below the threshold
    size = np.zeros((2, G, G), np.float32)
    size[:, 10, 5] = np.log([40.0, 100.0])
    size[:, 20, 25] = np.log([20.0, 50.0])
    off = np.full((2, G, G), 0.5, np.float32)
    boxes, scores = decode_centres(heat, size, off, min_score=0.4, stride=8)
    assert np.allclose(scores, [0.9, 0.6])
    assert np.allclose(boxes[0], [5.5 * 8 - 20, 10.5 * 8 - 50, 5.5 * 8 + 20, 10.5 * 8 + 50])
    assert np.allclose(boxes[1], [25.5 * 8 - 10, 20.5 * 8 - 25, 25.5 * 8 + 10, 20.5 * 8 + 25])


def _body(box, score=0.8):
    from pipose_ros.detect import Detection
    b = np.array(box, float)
    return Detection(box=b, score=score, hip=(b[:2] + b[2:]) / 2, radius=float(np.hypot(*(b[2:] - b[:2])) / 2),
                     keypoints=None)


def test_a_body_box_and_a_blazepose_square_of_one_person_merge_and_neighbours_do_not():
    from pipose_ros.detect import Detection, _same_person
    hip = np.array([200.0, 300.0])
    sq = Detection(box=np.r_[hip - 110, hip + 110], score=0.9, hip=hip, radius=122.0,
                   keypoints=np.array([hip, hip + [0, -122], hip + [0, -90], hip + [0, -60]]))
    cut = Detection(box=np.array([90.0, 190, 310, 410]), score=0.9, hip=np.array([200.0, 440]), radius=122.0,
                    keypoints=np.array([[200.0, 440], [200, 318], [200, 260], [200, 290]]))
    assert _same_person(cut, _body([160, 190, 240, 410]), 0.25)      # hips out of view: the shoulders
    assert _same_person(sq, _body([160, 190, 240, 410]), 0.25)       # the same person's body box
    assert _same_person(_body([160, 190, 240, 410]), sq, 0.25)       # symmetric
    assert not _same_person(sq, _body([250, 190, 330, 410]), 0.25)   # the neighbour beside her
    assert not _same_person(sq, _body([190, 280, 215, 330]), 0.25)   # a child-sized box: heights differ 4x
    assert not _same_person(_body([0, 0, 50, 120]), _body([60, 0, 110, 120]), 0.25)
    assert _same_person(_body([0, 0, 50, 120]), _body([4, 2, 52, 118]), 0.25)


class _FixedBodies:
    """A stand-in for BodyDetector that reports fixed boxes (the merge logic under test)."""

    def __init__(self, boxes):
        self.boxes = boxes
        self.calls = 0

    def __call__(self, rgb):
        self.calls += 1
        return [_body(b, 0.95) for b in self.boxes]


def test_person_detector_adds_the_people_blazepose_misses():
    """The astronaut: BlazePose finds her; a body box on her merges into its detection, a body box
    elsewhere (someone seen from behind) is added; windows do not run the body detector."""
    img = skimage.data.astronaut()
    alone = PersonDetector(max_people=4, window_scales=())(img)
    assert len(alone) == 1
    bodies = _FixedBodies([[90, 60, 400, 511], [440, 200, 500, 400]])  # her hips: out of view
    dets = PersonDetector(max_people=4, window_scales=(), body=bodies)(img)
    assert bodies.calls == 1 and len(dets) == 2
    assert [d.keypoints is None for d in dets].count(True) == 1
    assert np.allclose([d.box for d in dets if d.keypoints is not None][0], alone[0].box)
    wide = np.ascontiguousarray(np.concatenate([img, img], 1))
    bodies.calls = 0
    PersonDetector(max_people=4, window_scales=(1.0,), body=bodies)(wide)
    assert bodies.calls == 1  # the whole image's run only


def test_tracking_with_body_detections_keeps_the_tracked_box_and_drops_unconfirmed_bodies_soon():
    """A person only the whole-body detector sees (BlazePose finds nobody on a grey image): found at the
    whole image's run, kept between runs, re-confirmed by the next body detection without taking its box
    (the crop's size is the student's distance cue; it should not flip between detectors), and
    dropped BODY_MAX_AGE runs after the body detector last saw them (BlazePose's people live 2 × the
    runs of a scan cycle)."""
    from pipose_ros.detect import BODY_MAX_AGE
    grey = np.full((320, 640, 3), 128, np.uint8)
    bodies = _FixedBodies([[300, 40, 360, 300]])
    f = PersonFinder(PersonDetector(max_people=4, body=bodies), tracking=True, every=1, full_every=0,
                     follow="detections")
    boxes, _ = f(grey)  # run 0: the whole image
    assert len(boxes) == 1 and np.allclose(boxes[0], [300, 40, 360, 300])
    prev = [_skeleton_in(b) for b in boxes]
    boxes, _ = f(grey, prev)  # run 1: a window, no body detector
    assert len(boxes) == 1 and bodies.calls == 1
    bodies.boxes = [[306, 46, 366, 306]]
    prev = [_skeleton_in(b) for b in boxes]
    boxes, _ = f(grey, prev)  # run 2: the body detector confirms the person
    assert len(boxes) == 1 and np.allclose(boxes[0], [300, 40, 360, 300])
    bodies.boxes = []
    counts = []
    for _ in range(BODY_MAX_AGE + 2):
        prev = [_skeleton_in(b) for b in boxes]
        boxes, _ = f(grey, prev)
        counts.append(len(boxes))
    assert counts == [1] * BODY_MAX_AGE + [0, 0]
