"""``pipose record``: record an RGB-D camera to a rosbag2 (MCAP) without rosbag2 installed.

Subscribes *raw* (serialized CDR, never deserialized) to the colour image, the registered
depth, both CameraInfo topics and /tf_static (+ /tf with ``--tf``), and writes every message
with the rosbags writer into a standard rosbag2 folder (``metadata.yaml`` + ``.mcap``) that
``ros2 bag info`` / ``ros2 bag play`` and ``pipose dataset from-bag`` read. Where rosbag2 exists,
``ros2 launch pipose_ros record.launch.py`` (``ros2 bag record -s mcap``) records the same topics.

QoS follows the publishers, like ``ros2 bag record``: reliable when every publisher offers
reliable, best effort otherwise (SensorDataQoS drivers); /tf_static is reliable + transient
local. Message timestamps in the bag are the receive times (ns), as rosbag2 does; the header
stamps stay inside the messages. Ctrl-C (or ``--duration``) closes the bag cleanly and prints
per-topic counts.

Crash safety (MCAP): every ``--sync-every`` seconds the pending chunk is closed, written and
``fsync``-ed, so a recorder killed by SIGKILL or a power loss leaves an MCAP file whose complete
chunks hold everything up to the last sync; ``pipose bag recover`` (and ``pipose dataset
from-bag`` by itself) turns it into a complete bag (:mod:`pipose_ros.data.recover`). When the free
space on the bag's file system falls below ``--min-free-mb`` the recording stops with an error and
the bag is closed properly (valid); a write that fails anyway (disk full under us) stops it with
the error and the file is recoverable up to its last complete chunk.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from pathlib import Path

from ..msgs import stamp_ns

TOPIC_TYPES = {
    "image": "sensor_msgs/msg/Image",
    "camera_info": "sensor_msgs/msg/CameraInfo",
    "depth": "sensor_msgs/msg/Image",
    "depth_info": "sensor_msgs/msg/CameraInfo",
}


def _msg_class(msgtype: str):
    import importlib
    pkg, _, name = msgtype.split("/")
    return getattr(importlib.import_module(f"{pkg}.msg"), name)


class BagRecorder:
    """rclpy node + rosbags writer.

    Args:
        out: bag folder to create (must not exist unless ``overwrite``).
        topics: {topic: msgtype}, e.g. ``{"/camera/color/image_raw": "sensor_msgs/msg/Image"}``.
        storage: ``mcap`` (default) or ``sqlite3``.
        sync_every_s: MCAP: close the pending chunk, flush and fsync at least this often (what a
            SIGKILL or power loss can lose); 0 = only when rosbags closes a 1 MiB chunk.
        min_free_mb: stop (bag closed, valid) when the file system has less free space than this.
    Raises: ``FileExistsError`` when ``out`` exists and not ``overwrite``.

    After a stop for lack of space or a write error, :attr:`error` says why and :attr:`failed`
    is set (the caller's loop ends on it).
    """

    def __init__(self, out: str | Path, topics: dict[str, str], storage: str = "mcap",
                 overwrite: bool = False, node_name: str = "pipose_record", sync_every_s: float = 1.0,
                 min_free_mb: float = 200.0):
        from rclpy.node import Node
        from rosbags.rosbag2 import StoragePlugin, Writer
        from rosbags.typesys import Stores, get_typestore

        self.out = Path(out)
        if self.out.exists():
            if not overwrite:
                raise FileExistsError(f"{self.out} exists (use --overwrite)")
            shutil.rmtree(self.out)
        self.node = Node(node_name)
        self.ts = get_typestore(Stores.ROS2_KILTED)
        plugin = StoragePlugin.MCAP if storage == "mcap" else StoragePlugin.SQLITE3
        self.writer = Writer(self.out, version=9, storage_plugin=plugin)
        self.writer.open()
        self.lock = threading.Lock()
        self.topics = dict(topics)
        self.conn: dict = {}
        self.subs: dict = {}
        self.received = {t: 0 for t in topics}
        self.written = {t: 0 for t in topics}
        self.closed = False
        self.sync_every_s = sync_every_s
        self.min_free_bytes = int(min_free_mb * 1e6)
        self.error: str | None = None
        self.broken = False  # a write failed: the file is closed without its index
        self.failed = threading.Event()
        self.synced = 0  # fsyncs done
        import queue
        self.queue: "queue.Queue" = queue.Queue()  # unbounded: DDS callbacks never wait on the disk
        self.thread = threading.Thread(target=self._write_loop, name="bag_writer", daemon=True)
        self.thread.start()
        self.timer = self.node.create_timer(0.2, self._subscribe_new)
        self._subscribe_new()

    def _qos(self, topic: str):
        from rclpy.qos import (DurabilityPolicy, QoSProfile, ReliabilityPolicy)
        if topic in ("/tf_static", "tf_static"):
            return QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE,
                              durability=DurabilityPolicy.TRANSIENT_LOCAL)
        pubs = self.node.get_publishers_info_by_topic(topic)
        reliable = bool(pubs) and all(p.qos_profile.reliability == ReliabilityPolicy.RELIABLE for p in pubs)
        return QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE if reliable else ReliabilityPolicy.BEST_EFFORT)

    def _subscribe_new(self) -> None:
        """Subscribe to each topic once a publisher appears (its QoS decides ours)."""
        for topic, msgtype in self.topics.items():
            if topic in self.subs:
                continue
            if topic not in ("/tf_static", "/tf") and not self.node.get_publishers_info_by_topic(topic):
                continue
            qos = self._qos(topic)
            with self.lock:
                self.conn[topic] = self.writer.add_connection(topic, msgtype, typestore=self.ts)
            self.subs[topic] = self.node.create_subscription(
                _msg_class(msgtype), topic, lambda raw, t=topic: self._on(t, raw), qos, raw=True)
            self.node.get_logger().info(f"recording {topic} [{msgtype}] "
                                        f"({'reliable' if qos.reliability.value == 1 else 'best effort'})")

    def _on(self, topic: str, raw: bytes) -> None:
        """DDS callback: stamp with the receive time and hand over to the writer thread."""
        if not self.closed:  # counted only while recording: after a clean stop received == written
            self.received[topic] += 1
            self.queue.put((topic, time.time_ns(), raw))

    def _write_loop(self) -> None:
        import queue
        t_sync = t_space = time.monotonic()
        dirty = False  # messages written since the last sync
        while True:
            try:
                item = self.queue.get(timeout=self.sync_every_s if self.sync_every_s > 0 else None)
            except queue.Empty:  # idle: what is written so far goes to disk now, not at the next message
                item = ()
            if item is None:
                return
            now = time.monotonic()
            if not item or self.failed.is_set():  # (after an error nothing more is written: drain)
                if dirty and not self.failed.is_set():
                    dirty = False
                    t_sync = now
                    try:
                        with self.lock:
                            self._sync()
                    except OSError as e:
                        self._write_failed(e)
                continue
            topic, stamp, raw = item
            try:
                if now - t_space >= 0.5:
                    t_space = now
                    free = shutil.disk_usage(self.out).free
                    if free < self.min_free_bytes:
                        self._fail(f"only {free / 1e6:.0f} MB free on the disk of {self.out} (--min-free-mb "
                                   f"{self.min_free_bytes / 1e6:.0f}): recording stopped, the bag is closed and valid")
                        continue
                with self.lock:
                    self.writer.write(self.conn[topic], stamp, raw)
                    dirty = True
                    if self.sync_every_s > 0 and now - t_sync >= self.sync_every_s:
                        t_sync, dirty = now, False
                        self._sync()
            except OSError as e:
                self._write_failed(e)
                continue
            self.written[topic] += 1

    def _write_failed(self, e: OSError) -> None:
        self._fail(f"writing {self.out} failed: {e}: recording stopped; the bag holds everything up to its "
                   f"last complete chunk — `pipose bag recover {self.out}` makes it a complete bag "
                   "(`pipose dataset from-bag` does that by itself)", broken=True)

    def _sync(self) -> None:
        """MCAP: close the pending chunk (rosbags keeps it in memory until 1 MiB), flush, fsync —
        after this the file holds every message written so far in complete chunks."""
        st = self.writer.storage
        if hasattr(st, "close_chunk"):  # rosbags' McapWriter (pinned in requirements.txt)
            if st.chunk.bio.tell():
                st.close_chunk()
            st.bio.flush()
            os.fsync(st.bio.fileno())
            self.synced += 1

    def _fail(self, why: str, broken: bool = False) -> None:
        """Stop recording with an error; ``broken``: the file could not be written (no clean close)."""
        self.error = why
        self.broken = broken
        self.failed.set()
        self.node.get_logger().error(why)

    def close(self) -> dict:
        """Write what is queued, close the bag (idempotent); returns {"received": …,
        "written": …, "bag": path}."""
        if not self.closed:
            self.closed = True
            self.queue.put(None)
            self.thread.join()
            with self.lock:
                if self.broken:
                    try:  # the disk refused a write: close the file without its index (recoverable)
                        self.writer.abort()
                    except OSError:
                        pass
                else:
                    self.writer.close()
        out = {"received": dict(self.received), "written": dict(self.written), "bag": str(self.out)}
        if self.error:
            out["error"] = self.error
        return out


def topics_from_args(a) -> dict[str, str]:
    """{topic: msgtype} to record from the ``pipose record`` options (image, depth, both
    CameraInfos, /tf_static, and /tf with ``--tf``)."""
    t = {a.image: TOPIC_TYPES["image"], a.camera_info: TOPIC_TYPES["camera_info"],
         a.depth: TOPIC_TYPES["depth"], a.depth_info: TOPIC_TYPES["depth_info"],
         "/tf_static": "tf2_msgs/msg/TFMessage"}
    if a.tf:
        t["/tf"] = "tf2_msgs/msg/TFMessage"
    return t


def add_args(p: argparse.ArgumentParser) -> None:
    """The ``pipose record`` options (topic defaults = pose.launch.py's; RealSense example in
    the README: /camera/camera/color/image_raw, /camera/camera/aligned_depth_to_color/image_raw)."""
    p.add_argument("out", type=Path, help="bag folder to create")
    p.add_argument("--image", default="/image", help="colour image (default %(default)s)")
    p.add_argument("--camera-info", default="/camera_info", help="its CameraInfo")
    p.add_argument("--depth", default="/depth/image", help="depth registered to the colour image, or raw depth")
    p.add_argument("--depth-info", default="/depth/camera_info", help="depth CameraInfo")
    p.add_argument("--tf", action="store_true", help="also record /tf")
    p.add_argument("--storage", default="mcap", choices=["mcap", "sqlite3"])
    p.add_argument("--duration", type=float, default=0.0, help="stop after this many seconds (0 = Ctrl-C)")
    p.add_argument("--overwrite", action="store_true")
    p.add_argument("--sync-every", type=float, default=1.0,
                   help="MCAP: write and fsync the pending chunk at least every this many seconds — what a kill or "
                        "power loss can lose (default %(default)s; 0 = every 1 MiB chunk only)")
    p.add_argument("--min-free-mb", type=float, default=200.0,
                   help="stop recording (bag closed, valid) when the disk has less free space (default %(default)s)")


def main(args) -> int:
    """Run the recorder until Ctrl-C / SIGTERM / ``--duration``; prints per-topic counts."""
    import json
    import signal

    import rclpy
    from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor

    rclpy.init()
    try:
        rec = BagRecorder(args.out, topics_from_args(args), storage=args.storage, overwrite=args.overwrite,
                          sync_every_s=args.sync_every, min_free_mb=args.min_free_mb)
    except FileExistsError as e:
        print(f"pipose record: {e}", file=sys.stderr)
        rclpy.shutdown()
        return 2
    ex = SingleThreadedExecutor()
    ex.add_node(rec.node)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    t_end = time.monotonic() + args.duration if args.duration > 0 else float("inf")
    try:
        while not stop.is_set() and not rec.failed.is_set() and time.monotonic() < t_end and rclpy.ok():
            ex.spin_once(timeout_sec=0.1)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stats = rec.close()
        rec.node.destroy_node()
        if rclpy.ok():
            rclpy.shutdown()
    for topic, n in stats["written"].items():
        if n == 0:
            print(f"pipose record: nothing was recorded on {topic} (no publisher, or a QoS mismatch)", file=sys.stderr)
    print(json.dumps(stats))
    if stats.get("error"):
        print(f"pipose record: {stats['error']}", file=sys.stderr)
        return 1
    return 0


def record_camera(bag: Path, camera_args: list, record_args: tuple = (), env: dict | None = None,
                  cwd: Path | None = None, stderr=None, timeout: float = 120.0) -> tuple[dict, dict]:
    """Run ``pipose record BAG`` while ``pipose synthetic-camera CAMERA_ARGS`` publishes, each in
    its own process; 2 s after the camera has finished the recorder gets Ctrl-C.

    Args:
        stderr: an open file for both processes' logs (None: kept for the error message).
        timeout: seconds the recorder may take to close the bag after Ctrl-C.
    Returns: (the recorder's summary, the camera's summary) — the JSON line each prints last
        (``received``/``written`` per topic; ``published``, ``rate_hz``).
    Raises: ``RuntimeError`` naming the process that failed (with the end of its log when kept).
    """
    import json
    import signal
    import subprocess

    cli = [sys.executable, "-m", "pipose_ros.cli"]
    err_to = stderr if stderr is not None else subprocess.PIPE
    rec = subprocess.Popen(cli + ["record", str(bag), *map(str, record_args)], env=env, cwd=cwd,
                           stdout=subprocess.PIPE, stderr=err_to, text=True)
    try:
        cam = subprocess.run(cli + ["synthetic-camera", *map(str, camera_args)], env=env, cwd=cwd,
                             stdout=subprocess.PIPE, stderr=err_to, text=True)
        time.sleep(2.0)
    finally:
        rec.send_signal(signal.SIGINT)
        out, rec_err = rec.communicate(timeout=timeout)
    for name, p, err in (("synthetic-camera", cam, cam.stderr), ("record", rec, rec_err)):
        if p.returncode != 0:
            raise RuntimeError(f"pipose {name} failed (exit {p.returncode})" + (f": {err[-1000:]}" if err else ""))
    return json.loads(out.strip().splitlines()[-1]), json.loads(cam.stdout.strip().splitlines()[-1])


def bench(seconds: float, rate: float, size: tuple[int, int], best_effort: bool, storage: str,
          workdir: Path, profile: Path | None = None) -> dict:
    """Publish ``pipose synthetic-camera`` for ``seconds`` at ``rate`` while ``pipose record``
    records it; returns published vs written per topic, bag size and the achieved rate."""
    import json
    import os

    bag = workdir / "bench_bag"
    env = dict(os.environ)
    env.pop("FASTDDS_DEFAULT_PROFILES_FILE", None)
    if profile is not None:
        env["FASTDDS_DEFAULT_PROFILES_FILE"] = str(profile)
    n = int(seconds * rate)
    stats, cam_out = record_camera(
        bag, ["--size", size[0], size[1], "--frames", 10, "--count", n, "--rate", rate, "--wait-subscribers", 60,
              "--gt", workdir / "published.jsonl"] + (["--best-effort"] if best_effort else []),
        ("--overwrite", "--storage", storage), env=env)
    published = cam_out["published"]
    size_mb = sum(f.stat().st_size for f in bag.iterdir()) / 1e6
    # which published stamps are missing from the bag, per topic (startup race or steady state?)
    from rosbags.highlevel import AnyReader
    pub = [json.loads(x)["stamp_ns"] for x in (workdir / "published.jsonl").read_text().splitlines()]
    got: dict[str, set] = {}
    with AnyReader([bag]) as r:
        for c, _, raw in r.messages():
            if c.msgtype != "tf2_msgs/msg/TFMessage":
                h = r.deserialize(raw, c.msgtype).header.stamp
                got.setdefault(c.topic, set()).add(stamp_ns(h))
    missing = {t: [i for i, s in enumerate(pub) if s not in got.get(t, set())] for t in stats["written"] if t != "/tf_static"}
    return {"published": published, "written": stats["written"], "achieved_rate_hz": cam_out["rate_hz"],
            "transport": "config/fastdds_large_data.xml" if profile else "Fast DDS defaults",
            "missing_frame_indices": {t: (m if len(m) <= 10 else m[:5] + ["…"] + m[-3:]) for t, m in missing.items()},
            "bag_mb": round(size_mb, 1), "qos": "best effort" if best_effort else "reliable",
            "storage": storage, "rate_hz": rate, "size": list(size), "cpu_cores": os.cpu_count()}
