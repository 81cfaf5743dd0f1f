"""Recordings that survive (issue 12 item 5): `pipose record` stopped by SIGINT, killed by
SIGKILL, out of disk space, or refused a write — and `pipose bag recover` / `pipose dataset
from-bag` on what is left. Every test runs the real recorder process against the real synthetic
camera over DDS."""

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("rclpy")
from rosbags.highlevel import AnyReader  # noqa: E402

from pipose_ros.data.recover import needs_recovery, recover_bag  # noqa: E402
from pipose_ros.msgs import stamp_ns  # noqa: E402

from test_ros_node import wait  # noqa: E402

CLI = [sys.executable, "-m", "pipose_ros.cli"]
IMAGE_TOPICS = ("/image", "/depth/image")


def _camera(tmp_path, count, rate, wait=True):
    """The synthetic RGB-D camera (160×120, reliable QoS) as a process."""
    return subprocess.Popen(CLI + ["synthetic-camera", "--size", "160", "120", "--frames", "4", "--count", str(count),
                                   "--rate", str(rate), "--gt", "gt.jsonl"]
                            + (["--wait-subscribers", "60"] if wait else []),
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _recorder(tmp_path, *args, preexec=None):
    return subprocess.Popen(CLI + ["record", "bag", *args], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=preexec)


def _until_the_recorder_stops(tmp_path, *args, preexec=None):
    """Record the camera (300 frames at 20 Hz) until the recorder stops by itself; the camera is
    stopped then. Returns (process, stdout, stderr)."""
    rec = _recorder(tmp_path, *args, preexec=preexec)
    cam = _camera(tmp_path, 300, 20)
    try:
        out, err = rec.communicate(timeout=180)
    finally:
        cam.send_signal(signal.SIGINT)
        cam.communicate(timeout=60)
    return rec, out, err


def _counts(bag: Path) -> dict[str, int]:
    with AnyReader([bag]) as r:
        return {c.topic: c.msgcount for c in r.connections}


def _image_stamps(bag: Path) -> dict[str, list[int]]:
    """Header stamps of every image in the bag (each message deserialises: intact)."""
    out: dict[str, list[int]] = {}
    with AnyReader([bag]) as r:
        conns = [c for c in r.connections if c.topic in IMAGE_TOPICS]
        for c, _, raw in r.messages(connections=conns):
            m = r.deserialize(raw, c.msgtype)
            assert len(m.data) == m.step * m.height
            out.setdefault(c.topic, []).append(stamp_ns(m.header.stamp))
    return out


def test_sigint_gives_a_complete_bag_and_matching_counts(tmp_path):
    """Ctrl-C: a complete bag (footer + metadata.yaml); the counts the recorder prints (received
    and written per topic) are the bag's counts."""
    rec = _recorder(tmp_path)
    cam = _camera(tmp_path, 30, 15)
    assert cam.wait(timeout=180) == 0, cam.stderr.read()[-2000:]
    time.sleep(1.0)
    rec.send_signal(signal.SIGINT)
    out, err = rec.communicate(timeout=60)
    assert rec.returncode == 0, err[-2000:]
    stats = json.loads(out.strip().splitlines()[-1])
    assert needs_recovery(tmp_path / "bag") is None
    counts = _counts(tmp_path / "bag")
    assert stats["received"] == stats["written"] == counts, (stats, counts)
    assert all(counts[t] == 30 for t in IMAGE_TOPICS), counts


def test_sigkill_leaves_a_bag_recoverable_up_to_the_last_sync(tmp_path):
    """SIGKILL mid-recording (power-loss-like: no clean-up at all): the folder has no
    metadata.yaml and the MCAP no footer; `pipose bag recover` gives a complete bag with every
    image published more than `--sync-every` (+ transport margin) before the kill, all intact, in
    order; `pipose dataset from-bag` converts the killed bag itself and says so."""
    rec = _recorder(tmp_path, "--sync-every", "0.5")
    cam = _camera(tmp_path, 200, 10)
    gt = tmp_path / "gt.jsonl"
    assert wait(lambda: gt.exists() and len(gt.read_text().splitlines()) >= 35, 120), cam.stderr
    t_kill = time.time_ns()
    rec.send_signal(signal.SIGKILL)
    rec.wait(timeout=30)
    cam.send_signal(signal.SIGINT)
    cam.communicate(timeout=60)
    bag = tmp_path / "bag"
    why = needs_recovery(bag)
    assert why and "footer" in why, why
    with pytest.raises(Exception):
        _counts(bag)  # unreadable as it is

    r = subprocess.run(CLI + ["bag", "recover", "bag"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "recovered" in r.stdout and "up to the last complete chunk" in r.stdout
    fixed = tmp_path / "bag_recovered"
    assert needs_recovery(fixed) is None
    got = _image_stamps(fixed)
    published = [json.loads(x)["stamp_ns"] for x in gt.read_text().splitlines()]
    must = [s for s in published if s < t_kill - int(1.5e9)]  # 0.5 s sync + transport/scheduling margin
    assert len(must) >= 20
    for topic in IMAGE_TOPICS:
        assert set(must) <= set(got[topic]), (topic, len(must), len(got[topic]))
        assert got[topic] == sorted(got[topic])

    r = subprocess.run(CLI + ["dataset", "from-bag", "bag", "ds"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "note:" in r.stdout and "no MCAP footer" in r.stdout and "recovered:" in r.stdout
    n_pairs = int(r.stdout.split(" pairs")[0].rsplit("→ ", 1)[1])
    assert n_pairs >= len(must)
    assert not list(tmp_path.glob(".pipose_recovered_*"))  # the temporary copy is gone


def test_low_disk_space_stops_with_a_valid_bag(tmp_path):
    """Less free space than --min-free-mb (set 3 MB under what is free now): the recorder stops
    by itself with a clear error (exit 1) and closes the bag properly — valid, counts match."""
    free_mb = shutil.disk_usage(tmp_path).free / 1e6
    rec, out, err = _until_the_recorder_stops(tmp_path, "--min-free-mb", f"{free_mb - 3:.1f}")
    assert rec.returncode == 1, err[-2000:]
    assert "MB free" in err and "recording stopped, the bag is closed and valid" in err, err[-2000:]
    stats = json.loads(out.strip().splitlines()[-1])
    assert needs_recovery(tmp_path / "bag") is None
    counts = _counts(tmp_path / "bag")
    assert counts == stats["written"] and 0 < counts["/image"] < 300, (counts, stats)


def test_write_error_stops_and_the_bag_is_recoverable(tmp_path):
    """A write the disk refuses (here: a 3 MB file-size limit on the recorder, EFBIG — what a full
    disk does to a write, ENOSPC): the recorder stops with the error and the recover hint (exit 1);
    the messages in complete chunks are recovered."""
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (3_000_000, 3_000_000))

    rec, out, err = _until_the_recorder_stops(tmp_path, preexec=limit)
    assert rec.returncode == 1, err[-2000:]
    assert "File too large" in err and "pipose bag recover" in err, err[-2000:]
    bag = tmp_path / "bag"
    assert needs_recovery(bag)
    rep = recover_bag(bag, tmp_path / "fixed")
    assert rep.messages["/image"] > 5 and rep.messages["/depth/image"] > 5, rep.summary()
    assert _counts(tmp_path / "fixed")["/image"] == rep.messages["/image"]


def test_recover_refuses_what_is_not_a_recording(tmp_path):
    """Clear errors: no .mcap, an existing output folder, a file that is not MCAP."""
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError):
        recover_bag(tmp_path / "empty", tmp_path / "o1")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "junk.mcap").write_bytes(os.urandom(4096))
    assert "footer" in needs_recovery(tmp_path / "junk")
    with pytest.raises(ValueError):
        recover_bag(tmp_path / "junk", tmp_path / "o2")
    with pytest.raises(FileExistsError):
        recover_bag(tmp_path / "junk", tmp_path / "junk")
