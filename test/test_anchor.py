"""The core's depth anchoring (pipose_ros.anchor): the labeller's and the node's rgbd output."""

import numpy as np

from pipose_ros.anchor import SURFACE_OFFSET_M, AnchorConfig, anchor_people, anchor_to_depth
from pipose_ros.camera import intrinsics_from_fov, project
from pipose_ros.skeleton import KINECT14, Skeleton


def _scene(x0=0.0, z0=2.5, seed=0):
    """One person's true joints (metres), their pixels, and a depth image with each joint on a
    small patch of its own surface (NaN elsewhere)."""
    K = intrinsics_from_fov(320, 240, 60)
    rng = np.random.default_rng(seed)
    true = np.stack([x0 + rng.uniform(-0.3, 0.3, 14), np.linspace(-0.7, 0.8, 14), z0 + rng.uniform(-0.1, 0.1, 14)], 1)
    uv = project(true, K)
    depth = np.full((240, 320), np.nan, np.float32)
    off = np.array([SURFACE_OFFSET_M[n] for n in KINECT14.names])
    for j, (u, v) in enumerate(uv):
        depth[int(v) - 3:int(v) + 4, int(u) - 3:int(u) + 4] = true[j, 2] - off[j]
    return K, true, uv, depth


def test_anchor_to_depth_moves_the_skeleton_onto_the_measured_depth():
    """Depth anchoring: a skeleton predicted 30 cm too far is moved along the rays onto the
    measured depth (lifted depth + the joint's surface offset); the joints seen on the sensor take
    their lifted depth; a joint behind an occluder (depth 1 m in front of it) keeps the anchored
    skeleton's depth; the result projects to the given pixels; masked joints stay NaN; with too
    few joints on valid depth nothing is anchored (−1) and the pixels are kept."""
    K, true, uv, depth = _scene()
    occluded = 5
    u, v = uv[occluded].astype(int)
    depth[v - 3:v + 4, u - 3:u + 4] = true[occluded, 2] - 1.0
    pred = true * (true[:, 2:3] + 0.3) / true[:, 2:3]  # 30 cm too far, same pixels
    pred[[2, 9]] *= ((pred[[2, 9], 2] + [0.08, -0.1]) / pred[[2, 9], 2])[:, None]  # relative-depth error
    pred[13] = np.nan  # a masked joint
    out, on_depth = anchor_to_depth(pred, uv, K, depth, AnchorConfig())
    seen = np.setdiff1d(np.arange(13), [occluded])
    assert on_depth == len(seen)
    assert np.allclose(out[seen], true[seen], atol=2e-3), np.abs(out - true).max(1)
    assert abs(out[occluded, 2] - true[occluded, 2]) < 0.05  # moved with the skeleton, not onto the occluder
    assert np.isnan(out[13]).all()
    assert np.allclose(project(out[:13], K), uv[:13], atol=1e-6)
    few = np.full_like(depth, np.nan)
    out, on_depth = anchor_to_depth(pred, uv, K, few, AnchorConfig())
    assert on_depth == -1 and np.allclose(out[:13], pred[:13], atol=1e-9)


def test_anchor_people_gives_the_students_2d_the_teachers_depth_on_the_sensor():
    """The rgbd output: a student skeleton 60 cm too far (right pixels) with a teacher skeleton on
    the same box (right distance within 20 cm, its own 2D a little off) ends on the true joints,
    projecting to the student's pixels with the student's confidence; a student skeleton without
    a teacher skeleton (another box: the depth did not show that person) is returned unchanged."""
    K, true, uv, depth = _scene()
    box = np.array([10.0, 10.0, 200.0, 230.0])
    conf = np.linspace(0.2, 0.9, 14).astype(np.float32)
    far = (true * (true[:, 2:3] + 0.6) / true[:, 2:3]).astype(np.float32)
    student = Skeleton(joints=far, confidence=conf, names=list(KINECT14.names), uv=uv.astype(np.float32), box=box)
    t_joints = true.copy()
    t_joints[:, 2] += 0.2
    t_joints[:, 0] += 0.04  # the teacher's 2D is off: only its depths are used
    teacher = Skeleton(joints=t_joints.astype(np.float32), confidence=np.ones(14, np.float32),
                       names=list(KINECT14.names), uv=project(t_joints, K).astype(np.float32), box=box.copy())
    other = Skeleton(joints=far + 1.0, confidence=conf, names=list(KINECT14.names), uv=uv.astype(np.float32),
                     box=box + 50.0)
    out, placed = anchor_people([student, other], [teacher], depth, K)
    assert placed == 1 and len(out) == 2
    assert np.allclose(out[0].joints, true, atol=3e-3), np.abs(out[0].joints - true).max()
    assert np.allclose(project(out[0].joints, K), uv, atol=1e-3)
    assert out[0].confidence is conf and out[0].box is box and out[0].joints.dtype == np.float32
    assert out[1] is other
    # a whole-image estimate (no boxes): the single teacher skeleton belongs to the single student one
    whole = Skeleton(joints=far, confidence=conf, names=list(KINECT14.names), uv=uv.astype(np.float32))
    t_whole = Skeleton(joints=teacher.joints, confidence=teacher.confidence, names=teacher.names, uv=teacher.uv)
    out, placed = anchor_people([whole], [t_whole], depth, K)
    assert placed == 1 and np.allclose(out[0].joints, true, atol=3e-3)
    # no usable depth: the teacher's depths along the student's rays, not anchored
    out, placed = anchor_people([student], [teacher], np.full_like(depth, np.nan), K)
    assert placed == 0 and np.allclose(out[0].joints[:, 2], t_joints[:, 2], atol=1e-5)
