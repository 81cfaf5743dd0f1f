"""Issue 13, CI-sized: the whole distillation loop of `pipose distill-demo` end to end — robot-domain
renders → synthetic camera → pipose record (MCAP) → from-bag → depth-teacher labels (the student's
2D, anchored to the recorded depth) → student
training with L_PI + L_PE (and the α = 0 control) from the shipped student → evaluation before and
after on held-out robot frames. A handful of frames and two training steps: it checks that the
loop runs and measures, not that it helps (docs/FINETUNE.md has the full run)."""

import json

import numpy as np
import pytest

pytest.importorskip("rclpy")
pytest.importorskip("anny")


def test_distill_loop_end_to_end(tmp_path):
    from pipose_ros.tools import distill_demo

    res = distill_demo.run(tmp_path / "work", frames=16, rate=8.0, every=1, test_frames=8, steps=2,
                           mix_frames=8, mix_ratio=0.25, mediapipe=False, batch_size=4)
    S = res["steps"]
    assert S["record"]["published"] == 16 and S["record"]["written"]["/image"] == 16, S["record"]
    rep = S["label_teacher"]["report"]
    assert rep["frames"] == 16 and rep["people_kept"] > 0, rep
    assert S["label_teacher"]["people_labelled"] == rep["people_kept"]
    assert rep["people_with_student_2d"] == rep["people_kept"] and rep["student_2d"], rep  # the student's 2D
    assert rep["anchor"]["people_anchored"] + rep["anchor"]["people_not_anchored"] == rep["people_kept"], rep
    assert S["label_teacher_alone"]["report"]["student_2d"] is None  # the teacher's own labels, scored too
    assert np.isfinite(S["label_teacher"]["label_error_cm"])  # scored against the stream's GT afterwards
    for name in ("before", "after", "no_pi"):
        assert np.isfinite(res["eval"][name]["mpjpe_cm"]), res["eval"]
    assert res["eval"]["after"] != res["eval"]["before"]  # the student changed
    # the same students with the ground-plane prior of the robot's camera mount (pipose evaluate --floor)
    assert set(res["eval_floor"]) == set(res["eval"]) and np.isfinite(res["eval_floor"]["before"]["mpjpe_cm"])
    assert res["eval_floor"]["before"]["pa_mpjpe_cm"] == pytest.approx(res["eval"]["before"]["pa_mpjpe_cm"], abs=0.05)
    # the mount measured from the recording's depth (pipose floor) and the students with it
    mount = S["measure_floor"]["mount"]
    assert 1.0 < mount["height_m"] < 1.3 and -21 < mount["pitch_deg"] < -7, mount  # ROBOT: 1.05–1.25 m, −20…−8°
    assert set(res["eval_measured_floor"]) == set(res["eval_floor"])
    ck = json.loads((tmp_path / "work" / "train_teacher_pi.done.json").read_text())
    assert ck["seconds"] > 0
    # resumable: a second run skips every finished step
    again = distill_demo.run(tmp_path / "work", frames=16, rate=8.0, every=1, test_frames=8, steps=2,
                             mix_frames=8, mix_ratio=0.25, mediapipe=False, batch_size=4)
    assert again["eval"] == res["eval"]
    md, js = tmp_path / "F.md", tmp_path / "r.json"
    distill_demo.write(res, str(md), str(js))
    doc = json.loads(js.read_text())["robot_domain"]
    assert doc["before_mpjpe_cm"] > 0 and doc["after_mpjpe_cm"] > 0 and doc["mediapipe_labels_mpjpe_cm"] is None
    assert "MediaPipe labels + L_PI | not run" in md.read_text()
    assert "MPJPE with the floor prior" in md.read_text() and doc["floor_prior_mpjpe_cm"]["before"] > 0
    assert "measured from the recording" in md.read_text() and doc["measured_floor_mpjpe_cm"]["after"] > 0
    assert doc["measured_mount"] == mount
