"""Turning-camera sequences (pipose_ros.train.temporal_eval): geometry, scoring, smoothing."""

import numpy as np

from pipose_ros.camera import intrinsics_from_fov, project
from pipose_ros.skeleton import KINECT14, Skeleton
from pipose_ros.smooth import SkeletonSmoother
from pipose_ros.train.temporal_eval import panned_frame, predict_sequences, score_sequences


def test_turned_view_and_its_ground_truth_agree():
    """A point's pixel in the warped image is where its turned ground truth projects."""
    K = intrinsics_from_fov(160, 120, 70.0)
    img = np.zeros((120, 160, 3), np.uint8)
    X = np.array([[0.3, -0.2, 3.0]])
    u, v = np.round(project(X, K)[0]).astype(int)
    img[v - 1:v + 2, u - 1:u + 2] = 255
    out, (Xt,) = panned_frame(img, K, [X], np.radians(4.0), 0.0, np.random.default_rng(0))
    ut, vt = project(Xt, K)[0]
    ys, xs = np.nonzero(out[..., 0] > 100)
    assert abs(xs.mean() - ut) < 1.0 and abs(ys.mean() - vt) < 1.0
    assert abs(ut - u) > 5  # the turn moved it
    assert np.isclose(np.linalg.norm(Xt), np.linalg.norm(X))  # a rotation about the optical centre


def _sequences(noise, rng, n=3, length=40, fps=15.0):
    K = intrinsics_from_fov(320, 240, 60.0)
    base = np.c_[rng.uniform(-0.3, 0.3, (14, 2)), np.full(14, 3.0)]
    seqs = []
    for _ in range(n):
        seq = []
        for k in range(length):
            gt = base + [0.01 * k, 0.0, 0.0]  # the camera's turn, slowly
            pred = gt * np.exp(noise * rng.standard_normal())  # distance noise along the rays
            s = Skeleton(joints=pred.astype(np.float32), confidence=np.ones(14, np.float32),
                         names=list(KINECT14.names), uv=project(pred, K).astype(np.float32))
            seq.append({"t": k / fps, "K": K, "gt": [gt], "mask": [np.ones(14, bool)], "pred": {0: s}})
        seqs.append(seq)
    return seqs


def test_scores_exact_noisy_and_smoothed_skeletons():
    rng = np.random.default_rng(0)
    exact = score_sequences(_sequences(0.0, rng), None)
    assert exact["mpjpe_cm"] < 1e-4 and exact["jitter_cm"] < 1e-4 and exact["people_frames"] == 120
    noisy = _sequences(0.05, rng)
    raw = score_sequences(noisy, None)
    smooth = score_sequences(noisy, SkeletonSmoother(1.0, 5.0, 0.0))
    assert raw["jitter_cm"] > 5.0
    assert smooth["jitter_cm"] < 0.4 * raw["jitter_cm"] and smooth["mpjpe_cm"] < raw["mpjpe_cm"]


def test_predict_sequences_on_rendered_people(tmp_path, tiny_checkpoints):
    from pipose_ros.data.generate import BENCHMARK_V2, write_scenes
    from pipose_ros.estimator import PoseEstimator
    root = tmp_path / "set"
    write_scenes(root, dict(BENCHMARK_V2, name="t", stream_seed=5, frames=2, width=128, views=1),
                 workers=1, shard_size=4, progress=False)
    est = PoseEstimator.from_checkpoint(tiny_checkpoints["student"], device="cpu", min_confidence=0.0)
    seqs = predict_sequences(est, root, sequences=2, length=3, min_visible=2, progress=False)
    assert len(seqs) == 2 and all(len(s) == 3 for s in seqs)
    for fr in seqs[0]:
        assert set(fr["pred"]) <= set(range(len(fr["gt"])))
        assert all(g.shape == (14, 3) for g in fr["gt"])
    r = score_sequences(seqs, None)
    assert r["people_frames"] == sum(len(fr["pred"]) for s in seqs for fr in s)


def test_tracking_score_counts_switches_and_false_positives():
    from pipose_ros.train.temporal_eval import score_tracking
    seq = [{"people": 2, "ids": {0: "a", 1: "b"}, "false_positives": 0},
           {"people": 2, "ids": {0: "b", 1: "a"}, "false_positives": 1},   # swapped: two switches
           {"people": 2, "ids": {0: "b"}, "false_positives": 0},           # person 1 missed
           {"people": 1, "ids": {0: "b"}, "false_positives": 0}]
    t = score_tracking([seq])
    assert t == {"people_frames": 7, "matched_pct": 100.0 * 6 / 7, "false_positives": 1, "id_switches": 2,
                 "people": 2, "id_switches_per_person": 1.0}


def test_moving_people_keep_their_rows_and_move(tmp_path):
    """AnnyMotion: the same person is the same row in every frame, walkers move, the frames' times
    follow the frame rate, and the rendered people are where their joints project."""
    from pipose_ros.data.anny_motion import AnnyMotion
    gen = AnnyMotion(seed=4, width=96, length=4, fps=10.0, people=(2, 2))
    seq = gen.sequence(0)
    assert [f.meta["t"] for f in seq] == [0.0, 0.1, 0.2, 0.3]
    J = np.stack([f.joints for f in seq])                       # [T, P, 14, 3]
    assert J.shape[:2] == (4, 2) and np.isfinite(J).all()
    step = np.linalg.norm(np.diff(J[:, :, 1], axis=0), axis=-1)  # neck motion per frame
    assert (step < 0.3).all()                                   # ≤ 1.4 m/s + the pose swing, not a jump
    assert np.array_equal(gen.sequence(0)[2].rgb, seq[2].rgb)    # deterministic
    f = seq[0]
    for p in range(2):
        uv = project(f.joints[p][f.visible[p]], f.K)
        if len(uv):
            u, v = np.round(uv).astype(int).T
            assert (f.rgb[v, u].astype(int).sum(-1) > 0).all()  # on something rendered, not the black sky


def test_predict_motion_oracle_and_node_pipeline(tiny_checkpoints):
    from pipose_ros.data.anny_motion import AnnyMotion
    from pipose_ros.detect import PersonDetector, PersonFinder
    from pipose_ros.estimator import PoseEstimator
    from pipose_ros.track import BodyTracker
    from pipose_ros.train.temporal_eval import predict_motion, score_tracking
    gen = AnnyMotion(seed=4, width=96, length=3, fps=10.0, people=(2, 2))
    est = PoseEstimator.from_checkpoint(tiny_checkpoints["student"], device="cpu", min_confidence=0.0)
    oracle = predict_motion(est, gen, 1, min_visible=2, progress=False)
    assert len(oracle[0]) == 3 and all(set(fr["pred"]) <= {0, 1} for fr in oracle[0])
    finder = PersonFinder(PersonDetector(max_people=8), tracking=True)
    node = predict_motion(est, gen, 1, min_visible=2, finder=finder, tracker_factory=BodyTracker, progress=False)
    for fr in node[0]:
        assert set(fr["ids"]) == set(fr["pred"]) and fr["false_positives"] >= 0
        assert fr["people"] == sum(int(m.sum() >= 2) for m in fr["mask"])
    t = score_tracking(node)
    assert t["people_frames"] == sum(fr["people"] for fr in node[0])
