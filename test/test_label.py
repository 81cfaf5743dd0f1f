"""Auto-label lifting (holes, depth edges, offsets) and the MediaPipe → KINECT14 mapping."""
import numpy as np
import pytest

from pipose_ros.label import INSTALL_HINT, label_folder
from pipose_ros.label.lift import SURFACE_OFFSET_M, LiftConfig, lift, lift_joint, mediapipe_to_joints
from pipose_ros.skeleton import KINECT14


def test_mediapipe_mapping():
    lm = np.zeros((33, 3))
    lm[:, 2] = 0.9
    lm[11] = [100, 50, 0.8]  # person's left shoulder
    lm[12] = [60, 50, 0.6]   # person's right shoulder
    lm[0] = [80, 20, 0.95]
    uv, score = mediapipe_to_joints(lm.tolist())
    n = KINECT14.names
    assert np.allclose(uv[n.index("neck")], [80, 50]) and score[n.index("neck")] == pytest.approx(0.6)
    assert np.allclose(uv[n.index("left_shoulder")], [100, 50]) and np.allclose(uv[n.index("nose")], [80, 20])


def test_lift_joint_surfaces_holes_and_edges():
    cfg = LiftConfig(window_px=5)
    d = np.full((480, 640), 2.0, np.float32)
    z, why = lift_joint(d, 320, 240, cfg)
    assert why == "ok" and z == pytest.approx(2.0)
    d[200:280, 300:340] = 0  # a hole
    assert lift_joint(d, 320, 240, cfg)[1] == "holes"
    d = np.full((480, 640), 3.0, np.float32)
    d[:, :322] = 1.5  # an arm edge: the keypoint is on the near surface
    z, why = lift_joint(d, 320, 240, cfg)
    assert why == "ok" and z == pytest.approx(1.5)
    noisy = np.random.default_rng(0).uniform(1.0, 4.0, (480, 640)).astype(np.float32)
    assert lift_joint(noisy, 320, 240, cfg)[1] == "edge"  # no consistent surface
    assert lift_joint(d, -3, 10, cfg)[1] == "outside"


def test_lift_backprojects_with_offsets_and_rejects_low_scores():
    K = np.array([[500.0, 0, 319.5], [0, 500, 239.5], [0, 0, 1]])
    d = np.full((480, 640), 2.0, np.float32)
    uv = np.tile([[419.5, 239.5]], (14, 1))
    score = np.ones(14)
    score[3] = 0.2
    joints, vis, why = lift(uv, score, d, K)
    j = KINECT14.names.index("right_hip")
    z = 2.0 + SURFACE_OFFSET_M["right_hip"]
    assert np.allclose(joints[j], [100 / 500 * z, 0, z], atol=1e-5) and vis[j]
    assert np.isnan(joints[3]).all() and not vis[3] and why[3] == "score"


def test_label_without_mediapipe_says_how_to_install(tmp_path, monkeypatch):
    from pipose_ros.data.folder import FolderWriter
    with FolderWriter(tmp_path) as w:
        w.add(np.zeros((8, 8, 3), np.uint8), np.zeros((8, 8), np.uint16), np.diag([8.0, 8.0, 1.0]))
    monkeypatch.setattr("pipose_ros.label.mediapipe_python", lambda: None)
    with pytest.raises(RuntimeError, match="make label-env"):
        label_folder(tmp_path)
    assert "mediapipe==0.10.14" in INSTALL_HINT


def _rgbd_folder(tmp_path):
    """Three RGB-D frames: the astronaut photo with a depth 'person' at 1.6 m before a wall at
    3 m; the same photo with no valid depth at all; a blank image (nobody to detect)."""
    import cv2
    import skimage.data

    from pipose_ros.camera import intrinsics_from_fov
    from pipose_ros.data.folder import FolderWriter

    rgb = cv2.resize(skimage.data.astronaut(), (480, 480))
    K = intrinsics_from_fov(480, 480, 60)
    d = np.full((480, 480), 3000, np.uint16)
    d[40:480, 60:420] = 1600
    with FolderWriter(tmp_path / "ds") as w:
        w.add(rgb, d, K)
        w.add(rgb, np.zeros_like(d), K)
        w.add(np.full_like(rgb, 128), d, K)
    return tmp_path / "ds"


def test_teacher_labels_people_crops_masks_and_report(tmp_path):
    """pipose label --teacher: the shipped depth teacher labels the detected person on her crop
    of the registered depth (box, per-joint confidence, visibility, label_source); the frame
    without valid depth and the frame without a person are rejected with their reasons; the report
    (label_report.json) counts them and holds the confidence histogram. Thresholds move the
    masking: at joint_min_confidence 1.01 every joint is masked and the person rejected."""
    from pipose_ros.assets import model_path
    from pipose_ros.data.folder import frame_people, read_folder
    from pipose_ros.label.teacher import TeacherLabelConfig, teacher_label_folder

    root = _rgbd_folder(tmp_path)
    teacher = model_path("pipose_teacher_kinect14.onnx")
    # the depth 'person' is a flat slab, not a body: depth support off here, tested below
    cfg = TeacherLabelConfig(min_confidence=0.0, joint_min_confidence=0.0, min_joints=0, min_depth_support=0.0)
    rep = teacher_label_folder(root, teacher, cfg, progress=False, log=lambda s: None)
    assert rep["frames"] == 3 and rep["people_kept"] == 1 and rep["frames_with_people"] == 1, rep
    assert rep["rejected"] == {"frame: no person detected": 1, "person: under 30% valid depth in the box": 1}, rep
    assert sum(rep["confidence_histogram"]["counts"]) == 14
    _, recs = read_folder(root)
    p = frame_people(recs[0], 14)
    assert len(p) == 1 and p[0]["box"] is not None and len(p[0]["confidence"]) == 14
    assert recs[0]["label_source"] == "teacher:pipose_teacher_kinect14.onnx"
    z = p[0]["joints"][:, 2]
    assert np.isfinite(z).all() and (np.abs(z - 1.6) < 1.0).all(), z  # near the person's surface
    assert p[0]["visible"].any()
    assert recs[1]["people"] == [] and recs[2]["people"] == []
    assert (root / "label_report.json").exists() and (root / "frames.jsonl.bak").exists()

    strict = TeacherLabelConfig(min_confidence=0.0, joint_min_confidence=1.01, min_joints=1, min_depth_support=0.0)
    rep = teacher_label_folder(root, teacher, strict, relabel=True, progress=False, log=lambda s: None)
    assert rep["people_kept"] == 0 and rep["rejected"]["person: under 1 confident joints"] == 1
    # depth support (as the node's): the person in the photo, but the depth shows only a wall 60 m away
    # (valid pixels, none where the teacher puts the joints): refused, with its reason
    import cv2
    import skimage.data

    from pipose_ros.camera import intrinsics_from_fov
    from pipose_ros.data.folder import FolderWriter
    with FolderWriter(tmp_path / "wall") as w:
        w.add(cv2.resize(skimage.data.astronaut(), (480, 480)), np.full((480, 480), 60000, np.uint16),
              intrinsics_from_fov(480, 480, 60))
    cfg.min_depth_support = 0.3
    rep = teacher_label_folder(tmp_path / "wall", teacher, cfg, progress=False, log=lambda s: None)
    key = "person: the depth does not show the teacher's skeleton (under 30% of its joints on measured depth)"
    assert rep["people_kept"] == 0 and rep["rejected"] == {key: 1}, rep["rejected"]


def test_teacher_labels_with_the_students_2d(tmp_path):
    """--student: the labels' pixels are the RGB student's 2D on the same crop (the teacher gives
    the depth); the report counts the people and the anchoring; a teacher is refused as --student."""
    from pipose_ros.assets import model_path
    from pipose_ros.camera import project
    from pipose_ros.data.folder import frame_people, read_folder, read_frame
    from pipose_ros.estimator import PoseEstimator
    from pipose_ros.label.teacher import TeacherLabelConfig, report_text, teacher_label_folder

    root = _rgbd_folder(tmp_path)
    teacher, student = model_path("pipose_teacher_kinect14.onnx"), model_path("pipose_student_kinect14.onnx")
    cfg = TeacherLabelConfig(min_confidence=0.0, joint_min_confidence=0.0, min_joints=0, min_depth_support=0.0)
    rep = teacher_label_folder(root, teacher, cfg, progress=False, log=lambda s: None, student=student)
    assert rep["people_kept"] == 1 and rep["people_with_student_2d"] == 1, rep
    assert rep["student_2d"] == "pipose_student_kinect14.onnx"
    assert rep["anchor"]["people_anchored"] + rep["anchor"]["people_not_anchored"] == 1, rep["anchor"]
    text = report_text(rep)
    assert "2D from the student pipose_student_kinect14.onnx: 1 people" in text and "depth anchoring: " in text
    assert "{rej}" not in text and "frame: no person detected: 1" in text, text
    _, recs = read_folder(root)
    p = frame_people(recs[0], 14)[0]
    rgb, _ = read_frame(root, recs[0])
    K = np.asarray(recs[0]["K"], float)
    est = PoseEstimator.from_checkpoint(student, "cpu", 0.0)
    s = est.estimate(rgb, K, [p["detector_box"]])[0]  # the crop it was labelled on
    assert not np.allclose(p["box"], p["detector_box"])  # trained on the joints' box (label_box)
    assert np.allclose(project(p["joints"], K), s.uv, atol=0.05), np.abs(project(p["joints"], K) - s.uv).max()
    # --flip-test: both networks also run mirrored; the labels' 2D is the student's flip-test 2D
    from dataclasses import replace
    rep = teacher_label_folder(root, teacher, replace(cfg, flip_test=True), relabel=True, progress=False,
                               log=lambda s: None, student=student)
    assert rep["thresholds"]["flip_test"] is True and rep["people_kept"] == 1, rep
    p = frame_people(read_folder(root)[1][0], 14)[0]
    est.set_flip_test(True)
    sf = est.estimate(rgb, K, [p["detector_box"]])[0]
    assert np.allclose(project(p["joints"], K), sf.uv, atol=0.05) and not np.allclose(sf.uv, s.uv, atol=0.05)
    with pytest.raises(ValueError, match="not an RGB student"):
        teacher_label_folder(root, teacher, cfg, progress=False, log=lambda s: None, relabel=True, student=teacher)


def test_teacher_labels_refuse_a_student(tmp_path):
    from pipose_ros.assets import model_path
    from pipose_ros.label.teacher import teacher_label_folder

    root = _rgbd_folder(tmp_path)
    with pytest.raises(ValueError, match="not a depth teacher"):
        teacher_label_folder(root, model_path("pipose_student_kinect14.onnx"), progress=False)


def test_combine_puts_mediapipe_joints_into_the_person_they_fall_on():
    """--combine: MediaPipe's landmarks inside a teacher person's box replace that person's joints
    where the depth lift is reliable (here: all but the two with low visibility); landmarks on
    nobody's box become a person of their own; none at all change nothing."""
    from collections import Counter

    from pipose_ros.label.teacher import _merge_mediapipe

    K = np.array([[300.0, 0, 160], [0, 300, 120], [0, 0, 1]])
    depth = np.full((240, 320), 2.0, np.float32)

    def teacher_person(box):
        return {"joints": np.full((14, 3), 9.0), "visible": np.zeros(14, bool), "box": np.asarray(box, float)}

    lm = np.zeros((33, 3))
    lm[:, 0] = np.linspace(60, 100, 33)
    lm[:, 1] = np.linspace(40, 200, 33)
    lm[:, 2] = 0.9
    lm[25:29, 2] = 0.1  # knees and ankles: not confident
    people = [teacher_person([200, 20, 300, 230]), teacher_person([50, 30, 110, 220])]
    counts = Counter()
    _merge_mediapipe(people, lm.tolist(), depth, K, counts)
    on = people[1]
    assert (people[0]["joints"] == 9.0).all()  # the other person is untouched
    replaced = np.array(on["from_mediapipe"])
    assert replaced.sum() == counts["joints_from_mediapipe"] >= 8
    assert np.allclose(on["joints"][replaced, 2], 2.0, atol=0.2) and (on["joints"][~replaced] == 9.0).all()
    assert counts["people_with_mediapipe_joints"] == 1

    alone = [teacher_person([200, 20, 300, 230])]
    _merge_mediapipe(alone, lm.tolist(), depth, K, counts)
    x0, _, x1, _ = alone[1]["box"]  # the box of its keypoints (grown a little)
    assert len(alone) == 2 and counts["mediapipe_only_people"] == 1 and 30 < x0 < 62 and 90 < x1 < 130


def test_scale_boxes_grows_about_the_centre():
    from pipose_ros.camera import scale_boxes
    b = np.array([[10.0, 20.0, 30.0, 60.0], [0.0, 0.0, 4.0, 2.0]])
    out = scale_boxes(b, 1.5)
    assert out.shape == (2, 4)
    assert np.allclose(out[0], [5.0, 10.0, 35.0, 70.0]) and np.allclose(out[1], [-1.0, -0.5, 5.0, 2.5])
    assert np.allclose(scale_boxes(b, 1.0), b)


def test_label_box_follows_the_training_convention_not_the_detector():
    """A labelled person's box is the box of their in-image joints grown 15 % (the training renders'
    rule, pipose_ros.camera.points_box), so that the loop's crops frame people as the training crops
    did; the detector's box only when fewer than two joints are in the image."""
    from pipose_ros.camera import points_box
    from pipose_ros.label.teacher import label_box

    uv = np.array([[100.0, 50.0], [120.0, 60.0], [110.0, 150.0], [400.0, 80.0], [np.nan, np.nan]])
    det = np.array([95.0, 45.0, 125.0, 140.0])
    assert np.allclose(label_box(uv, (240, 320), det), points_box(uv[:3]))  # the joint outside is left out
    assert np.allclose(label_box(uv[3:], (240, 320), det), det)
