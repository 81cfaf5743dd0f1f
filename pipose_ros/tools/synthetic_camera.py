"""``pipose synthetic-camera``: an RGB-D camera driver made of synthetic humans.

Publishes what a RealSense-style driver with aligned depth publishes — colour ``Image`` (rgb8),
registered depth ``Image`` (16UC1 mm), both ``CameraInfo`` and the camera's /tf_static — from
pre-rendered frames of :class:`pipose_ros.data.synthetic.SyntheticHumans` (capsule people), or
the frames of a dataset folder (``--folder``, e.g. Anny scenes of the robot domain rendered by
``pipose data --domain robot``, read from disk one at a time), looped at a fixed rate with fresh
stamps. Use it to try the node, the recorder and the dataset tools without a camera; the
recording benchmark, the end-to-end tests and the distillation demonstration use it. The
ground-truth joints of each published stamp can be written to a JSONL file (``--gt``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from ..msgs import K_to_camera_info, depth_to_image, rgb_to_image, stamp_ns


class SyntheticCamera:
    """rclpy node publishing ``frames`` (list of :class:`~pipose_ros.data.synthetic.Frame`).

    Topics (relative, so a namespace applies): ``image``, ``camera_info``, ``depth/image``,
    ``depth/camera_info`` and /tf_static (``base_link`` → ``camera_color_optical_frame``).
    ``reliable`` picks the QoS (False = SensorDataQoS best effort, as most drivers).
    """

    def __init__(self, frames, frame_id: str = "camera_color_optical_frame", reliable: bool = True,
                 node_name: str = "synthetic_camera", topics: dict | None = None):
        from geometry_msgs.msg import TransformStamped
        from rclpy.node import Node
        from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy, qos_profile_sensor_data
        from sensor_msgs.msg import CameraInfo, Image
        from tf2_msgs.msg import TFMessage

        t = {"image": "image", "camera_info": "camera_info", "depth": "depth/image",
             "depth_info": "depth/camera_info"}
        t.update(topics or {})
        self.node = Node(node_name)
        qos = QoSProfile(depth=30, reliability=ReliabilityPolicy.RELIABLE) if reliable else qos_profile_sensor_data
        self.pub = {k: self.node.create_publisher(Image if k in ("image", "depth") else CameraInfo, v, qos)
                    for k, v in t.items()}
        static = QoSProfile(depth=1, reliability=ReliabilityPolicy.RELIABLE,
                            durability=DurabilityPolicy.TRANSIENT_LOCAL)
        self.tf_pub = self.node.create_publisher(TFMessage, "/tf_static", static)
        ts = TransformStamped()
        ts.header.stamp = self.node.get_clock().now().to_msg()
        ts.header.frame_id = "base_link"
        ts.child_frame_id = frame_id
        ts.transform.translation.z = 1.2
        ts.transform.rotation.x, ts.transform.rotation.y = -0.5, 0.5  # REP-103 body → optical
        ts.transform.rotation.z, ts.transform.rotation.w = -0.5, 0.5
        self.tf_pub.publish(TFMessage(transforms=[ts]))
        self.frame_id = frame_id
        self.frames = frames  # a sequence; each frame is converted to messages when published
        self.last_frame = None
        self.published = 0

    def publish_next(self) -> tuple[int, np.ndarray]:
        """Publish the next frame with the current time; returns (stamp ns, GT joints m: [J, 3]
        for one person, [P, J, 3] for a frame of several)."""
        f = self.frames[self.published % len(self.frames)]
        h, w = f.rgb.shape[:2]
        rgb, dep = rgb_to_image(f.rgb), depth_to_image(f.depth_mm)
        info = K_to_camera_info(f.K, w, h, frame_id=self.frame_id)
        for m in (rgb, dep, info):
            m.header.frame_id = self.frame_id
        self.last_frame = f
        stamp = self.node.get_clock().now().to_msg()
        for m in (rgb, dep, info):
            m.header.stamp = stamp
        self.pub["image"].publish(rgb)
        self.pub["depth"].publish(dep)
        self.pub["camera_info"].publish(info)
        self.pub["depth_info"].publish(info)
        self.published += 1
        return stamp_ns(stamp), f.joints

    def subscribers_ready(self, n: int = 1) -> bool:
        """True when every topic has at least ``n`` subscribers."""
        return all(p.get_subscription_count() >= n for p in self.pub.values())


class FolderFrames:
    """The frames of a dataset folder (docs/DATASET.md) as a sequence for :class:`SyntheticCamera`,
    read from disk when indexed: ``rgb``, ``depth_mm``, ``K``, ``joints`` float [P, J, 3] m (NaN =
    unknown), ``visible`` bool [P, J]. Raises ``FileNotFoundError`` for a missing folder."""

    def __init__(self, root: str | Path):
        from ..data.folder import read_folder

        self.root = Path(root)
        _, self.recs = read_folder(self.root)

    def __len__(self) -> int:
        return len(self.recs)

    def __getitem__(self, i: int):
        from types import SimpleNamespace

        from ..data.folder import frame_people, read_frame
        from ..skeleton import KINECT14

        rec = self.recs[i]
        rgb, dep = read_frame(self.root, rec)
        people = frame_people(rec, len(KINECT14))
        J = len(KINECT14)
        joints = np.stack([p["joints"] for p in people]) if people else np.zeros((0, J, 3), np.float32)
        vis = np.stack([p["visible"] for p in people]) if people else np.zeros((0, J), bool)
        return SimpleNamespace(rgb=rgb, depth_mm=dep, K=np.asarray(rec["K"], float), joints=joints, visible=vis)


def render_frames(n: int, width: int, height: int, seed: int = 500, workers: int = 2):
    """Render ``n`` synthetic frames at ``width``×``height`` (pool of ``workers`` processes)."""
    from multiprocessing import Pool

    from ..data.synthetic import SyntheticHumans

    global _G
    _G = SyntheticHumans(seed=seed, width=width, height=height)
    if workers > 1 and n > 1:
        with Pool(workers) as pool:
            return pool.map(_render_one, range(n))
    return [_G[i] for i in range(n)]


_G = None


def _render_one(i):
    return _G[i]


def add_args(p) -> None:
    """The ``pipose synthetic-camera`` options (rate Hz, size px, frames, QoS, GT output)."""
    p.add_argument("--rate", type=float, default=30.0, help="frames per second")
    p.add_argument("--size", type=int, nargs=2, default=(640, 480), metavar=("W", "H"))
    p.add_argument("--frames", type=int, default=20, help="distinct frames rendered, then looped")
    p.add_argument("--folder", type=Path, help="publish the frames of this dataset folder (their size and K) instead "
                                               "of rendering capsule people; --size and --frames are ignored")
    p.add_argument("--seed", type=int, default=500)
    p.add_argument("--count", type=int, default=0, help="publish this many frames then exit (0 = until Ctrl-C)")
    p.add_argument("--best-effort", action="store_true", help="SensorDataQoS instead of reliable")
    p.add_argument("--wait-subscribers", type=float, default=0.0,
                   help="wait up to this many seconds for a subscriber on every topic before publishing")
    p.add_argument("--gt", type=Path, help="write {stamp_ns, joints} per published frame here (JSONL)")


def main(args) -> int:
    """Publish until Ctrl-C or ``--count``; prints {"published": n} at the end."""
    import rclpy
    from rclpy.duration import Duration
    from rclpy.executors import ExternalShutdownException

    frames = FolderFrames(args.folder) if args.folder else render_frames(args.frames, args.size[0], args.size[1],
                                                                         args.seed)
    rclpy.init()
    cam = SyntheticCamera(frames, reliable=not args.best_effort)
    gt = open(args.gt, "w") if args.gt else None
    try:
        t_wait = time.monotonic() + args.wait_subscribers
        while args.wait_subscribers and not cam.subscribers_ready() and time.monotonic() < t_wait:
            rclpy.spin_once(cam.node, timeout_sec=0.05)
        if args.wait_subscribers:
            time.sleep(1.0)  # the match is seen here first; give the subscriber's side time to see it too
        period = 1.0 / args.rate
        t_next = t_first = time.monotonic()
        while rclpy.ok() and (args.count == 0 or cam.published < args.count):
            stamp, joints = cam.publish_next()
            if gt:
                f = cam.last_frame
                if np.ndim(joints) == 2:  # one capsule person
                    gt.write(json.dumps({"stamp_ns": stamp, "joints": np.asarray(joints).round(4).tolist(),
                                         "visible": [bool(v) for v in f.visible]}) + "\n")
                else:
                    from ..data.folder import joints_to_json
                    gt.write(json.dumps({"stamp_ns": stamp, "people": [
                        {"joints": joints_to_json(j), "visible": [bool(v) for v in vis]}
                        for j, vis in zip(joints, f.visible)]}) + "\n")
            t_next += period
            rclpy.spin_once(cam.node, timeout_sec=max(0.0, t_next - time.monotonic()))
            while time.monotonic() < t_next:
                time.sleep(min(0.002, t_next - time.monotonic()))
        t_last = time.monotonic()
        for p in cam.pub.values():  # reliable: let every subscriber get the tail before exiting
            p.wait_for_all_acked(Duration(seconds=10))
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        if gt:
            gt.close()
        cam.node.destroy_node()
        if rclpy.ok():
            rclpy.shutdown()
    rate = (cam.published - 1) / (t_last - t_first) if cam.published > 1 and "t_last" in locals() else float("nan")
    print(json.dumps({"published": cam.published, "rate_hz": round(rate, 2)}))
    return 0
