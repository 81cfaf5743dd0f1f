from types import SimpleNamespace

from pipose_ros.msgs import stamp_ns
from pipose_ros.ros.sync import ApproxPairSync


def msg(t, tag):
    sec, ns = divmod(int(round(t * 1e9)), 10**9)
    return SimpleNamespace(header=SimpleNamespace(stamp=SimpleNamespace(sec=sec, nanosec=ns)), tag=tag)


def test_pairs_within_slop_only():
    out = []
    s = ApproxPairSync(lambda a, b: out.append((a.tag, b.tag)), queue_size=5, slop=0.02)
    s.add(0, msg(1.000, "i1"))
    s.add(1, msg(1.050, "d_far"))  # 50 ms away: no pair
    assert out == []
    s.add(1, msg(1.010, "d1"))
    assert out == [("i1", "d1")]
    # queues were emptied up to the match: the old far depth does not pair later
    s.add(0, msg(1.049, "i2"))
    assert out == [("i1", "d1")]


def test_closest_match_and_order():
    out = []
    s = ApproxPairSync(lambda a, b: out.append((a.tag, b.tag)), slop=0.05)
    s.add(1, msg(2.00, "d0"))
    s.add(1, msg(2.03, "d1"))
    s.add(0, msg(2.031, "i"))
    assert out == [("i", "d1")]
    assert stamp_ns(msg(2.5, "x")) == 2_500_000_000


def test_camera_info_by_stamp_else_newest():
    from pipose_ros.ros.sync import InfoByStamp
    infos = InfoByStamp(keep=3)
    assert infos.lookup(5) == (None, False)
    for t in (1, 2, 3):
        infos.add(t, f"K{t}")
    assert infos.lookup(2) == ("K2", True)      # its own stamp's, not the newest
    assert infos.lookup(9) == ("K3", False)     # none with its stamp: the newest
    infos.add(4, "K4")                          # only the newest 3 are kept
    assert infos.lookup(1) == ("K4", False)
    infos.add(4, "K4b")                         # a second camera_info of one stamp: the later one
    assert infos.lookup(4) == ("K4b", True)
    infos.clear()
    assert infos.lookup(4) == (None, False)
