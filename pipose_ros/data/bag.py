"""``pipose dataset from-bag``: rosbag2 (MCAP or sqlite3) → pipose dataset folder (no ROS needed).

Reads the bag with rosbags' ``AnyReader``, pairs colour and depth images by approximate time
(each colour image with the nearest depth image within ``slop``, every depth image used at most
once — the ApproximateTimeSynchronizer idea, offline), converts depth to uint16 millimetres
(REP-118: 16UC1 mm, 32FC1 m), undistorts when the CameraInfo has non-zero D, and makes sure the
depth is **registered** to the colour image:

* same frame_id and size → used as is (the aligned-depth streams of RealSense / Azure Kinect);
* otherwise → every depth pixel is back-projected with the depth CameraInfo, moved into the
  colour optical frame with the extrinsics from the bag's /tf_static (and /tf), projected with
  the colour K and z-buffered (nearest surface wins). With no TF path between the two frames the
  conversion stops with an error that says so.

Each frame gets the K of the colour CameraInfo nearest in time (``camera_info_changes`` counts how
often it changed; a fixed camera has 0). The bag is streamed twice (stamps and pairing first, then the images), so memory holds only
the few messages between the two halves of a pair: hour-long recordings convert like short ones.
Frames are written unlabelled (``"joints": null``); ``pipose label`` fills them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from scipy.spatial.transform import Rotation

from ..camera import Undistorter, metres_to_mm16
from ..msgs import (COLOUR_ENCODINGS, DEPTH_ENCODINGS, camera_info_to_K, image_to_depth_m, image_to_rgb,
                    stamp_ns)
from .folder import FolderWriter


@dataclass
class BagStats:
    """What the conversion did (printed by the CLI and stored in dataset.yaml)."""

    colour_msgs: int = 0
    depth_msgs: int = 0
    pairs: int = 0
    unpaired_colour: int = 0
    bad_frames: int = 0
    max_dt_ms: float = 0.0
    registration: str = ""
    camera_info_changes: int = 0
    recovered: str = ""  # a bag cut short: what pipose_ros.data.recover recovered ("" = complete bag)
    topics: dict = field(default_factory=dict)


class TFTree:
    """Static transforms from /tf_static (+ /tf, latest value) as parent ← child rigid motions."""

    def __init__(self):
        self.edges: dict[str, tuple[str, np.ndarray]] = {}  # child -> (parent, 4x4 T_parent_child)

    def add(self, msg) -> None:
        """Add the transforms of a tf2_msgs/TFMessage (REP-105 parent ← child, metres and unit
        quaternions); a newer transform of the same child replaces the older one."""
        for t in msg.transforms:
            q = t.transform.rotation
            tr = t.transform.translation
            T = np.eye(4)
            T[:3, :3] = Rotation.from_quat([q.x, q.y, q.z, q.w]).as_matrix()
            T[:3, 3] = [tr.x, tr.y, tr.z]
            self.edges[t.child_frame_id.lstrip("/")] = (t.header.frame_id.lstrip("/"), T)

    def _to_root(self, frame: str) -> tuple[list[str], np.ndarray]:
        chain, T = [frame], np.eye(4)
        while frame in self.edges and len(chain) < 64:
            parent, Tpc = self.edges[frame]
            T = Tpc @ T
            frame = parent
            chain.append(frame)
        return chain, T

    def lookup(self, target: str, source: str) -> np.ndarray:
        """4×4 T_target_source (maps points in ``source`` into ``target``).

        Raises: ``LookupError`` when the frames are not connected."""
        target, source = target.lstrip("/"), source.lstrip("/")
        ct, Tt = self._to_root(target)
        cs, Ts = self._to_root(source)
        if ct[-1] != cs[-1]:
            raise LookupError(f"no TF path between {target!r} and {source!r}")
        return np.linalg.inv(Tt) @ Ts


def register_depth(depth_m: np.ndarray, K_d: np.ndarray, T_c_d: np.ndarray, K_c: np.ndarray,
                   size_c: tuple[int, int]) -> np.ndarray:
    """Reproject a depth image into the colour camera.

    Args:
        depth_m: float32 [h, w] metres (NaN/0 invalid) in the depth optical frame.
        K_d: depth intrinsics. T_c_d: 4×4 transform depth optical → colour optical (metres).
        K_c: colour intrinsics. size_c: (width, height) of the colour image.
    Returns: float32 [H, W] metres in the colour optical frame, 0 = no depth (z-buffered: the
    nearest surface wins when several depth pixels land on one colour pixel).
    """
    h, w = depth_m.shape
    v, u = np.mgrid[0:h, 0:w]
    z = np.nan_to_num(depth_m.astype(np.float64), nan=0.0)
    ok = z > 0
    x = (u[ok] - K_d[0, 2]) / K_d[0, 0] * z[ok]
    y = (v[ok] - K_d[1, 2]) / K_d[1, 1] * z[ok]
    P = T_c_d[:3, :3] @ np.stack([x, y, z[ok]]) + T_c_d[:3, 3:4]
    W, H = size_c
    out = np.full(H * W, np.inf)
    front = P[2] > 1e-3
    P = P[:, front]
    uc = np.round(K_c[0, 0] * P[0] / P[2] + K_c[0, 2]).astype(np.int64)
    vc = np.round(K_c[1, 1] * P[1] / P[2] + K_c[1, 2]).astype(np.int64)
    inside = (uc >= 0) & (uc < W) & (vc >= 0) & (vc < H)
    np.minimum.at(out, vc[inside] * W + uc[inside], P[2, inside])
    out = out.reshape(H, W)
    out[~np.isfinite(out)] = 0
    # fill the 1-pixel cracks a lower-resolution depth leaves, without blending across edges
    filled = cv2.morphologyEx(out.astype(np.float32), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    return np.where(out > 0, out, filled).astype(np.float32)


def _pick_topics(conns, image_topic, depth_topic, info_topic, depth_info_topic, reader):
    """Fill in unset topics from the bag: Image topics are told apart by their first encoding;
    a CameraInfo topic belongs to the Image topic in the same namespace."""
    images = [c.topic for c in conns if c.msgtype == "sensor_msgs/msg/Image"]
    infos = [c.topic for c in conns if c.msgtype == "sensor_msgs/msg/CameraInfo"]
    enc = {}
    for t in images:
        if image_topic and depth_topic:
            break
        for conn, _, raw in reader.messages(connections=[c for c in conns if c.topic == t]):
            enc[t] = reader.deserialize(raw, conn.msgtype).encoding
            break
    image_topic = image_topic or next((t for t in images if enc.get(t) in COLOUR_ENCODINGS), None)
    depth_topic = depth_topic or next((t for t in images if enc.get(t) in DEPTH_ENCODINGS), None)
    if not image_topic or not depth_topic:
        raise ValueError(f"cannot find a colour and a depth Image topic in the bag (Image topics: {images})")

    def sibling(t):
        ns = t.rsplit("/", 1)[0]
        return next((i for i in infos if i.rsplit("/", 1)[0] == ns), None)

    info_topic = info_topic or sibling(image_topic)
    depth_info_topic = depth_info_topic or sibling(depth_topic)
    if not info_topic:
        raise ValueError(f"no CameraInfo for {image_topic} (CameraInfo topics: {infos}); pass --camera-info")
    return image_topic, depth_topic, info_topic, depth_info_topic


def bag_to_dataset(bag: str | Path, out: str | Path, image_topic: str | None = None,
                   depth_topic: str | None = None, info_topic: str | None = None,
                   depth_info_topic: str | None = None, slop: float = 0.02, every: int = 1,
                   overwrite: bool = False, log=print) -> BagStats:
    """Convert ``bag`` (a rosbag2 folder, MCAP or sqlite3) into the dataset folder ``out``.

    A recording that was cut short (killed, power loss, disk full: no MCAP footer or no
    metadata.yaml) is first recovered up to its last complete chunk into a temporary folder
    beside ``out`` (:func:`pipose_ros.data.recover.recover_bag`, the original is not touched);
    ``log`` says so and :attr:`BagStats.recovered` keeps the summary.

    Args:
        slop: maximum |stamp(colour) − stamp(depth)|, seconds, for a pair.
        every: keep every n-th pair (recordings at 30 Hz are highly redundant).
    Returns: :class:`BagStats`. Raises ``ValueError`` (missing topics / CameraInfo, unregistered
    depth without TF, nothing recoverable) and ``FileExistsError`` (``out`` has a dataset and
    not ``overwrite``).
    """
    import shutil
    import tempfile

    from .recover import needs_recovery, recover_bag

    stats = BagStats()
    reason = needs_recovery(bag)
    if not reason:
        return _convert(Path(bag), out, stats, image_topic, depth_topic, info_topic, depth_info_topic, slop, every,
                        overwrite, log)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".pipose_recovered_", dir=Path(out).parent))
    try:
        rep = recover_bag(bag, tmp / "bag", reason)
        stats.recovered = rep.summary()
        log(f"note: {stats.recovered}; converting what is there")
        return _convert(tmp / "bag", out, stats, image_topic, depth_topic, info_topic, depth_info_topic, slop, every,
                        overwrite, log)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _convert(bag: Path, out, stats: BagStats, image_topic, depth_topic, info_topic, depth_info_topic, slop: float,
             every: int, overwrite: bool, log) -> BagStats:
    """bag_to_dataset on a readable bag."""
    from rosbags.highlevel import AnyReader

    with AnyReader([Path(bag)]) as reader:
        conns = reader.connections
        image_topic, depth_topic, info_topic, depth_info_topic = _pick_topics(
            conns, image_topic, depth_topic, info_topic, depth_info_topic, reader)
        stats.topics = {"image": image_topic, "depth": depth_topic, "camera_info": info_topic,
                        "depth_info": depth_info_topic}
        # pass 1 (streaming): header stamps of every image, the first CameraInfos, the TF tree
        tf = TFTree()
        cstamps, dstamps, infos = [], [], {}
        wanted = {image_topic, depth_topic, info_topic, depth_info_topic, "/tf_static", "/tf"}
        sel = [c for c in conns if c.topic in wanted]
        for conn, _, raw in reader.messages(connections=sel):
            if conn.topic in ("/tf_static", "/tf"):
                tf.add(reader.deserialize(raw, conn.msgtype))
            elif conn.topic in (info_topic, depth_info_topic):
                m = reader.deserialize(raw, conn.msgtype)
                lst = infos.setdefault(conn.topic, [])
                if lst and (not np.allclose(np.asarray(m.k), np.asarray(lst[-1][1].k)) or
                            (m.width, m.height) != (lst[-1][1].width, lst[-1][1].height)):
                    stats.camera_info_changes += 1
                lst.append((stamp_ns(m), m))
            elif conn.topic == image_topic:
                cstamps.append(stamp_ns(reader.deserialize(raw, conn.msgtype)))
            elif conn.topic == depth_topic:
                dstamps.append(stamp_ns(reader.deserialize(raw, conn.msgtype)))
        if info_topic not in infos:
            raise ValueError(f"the bag has no message on {info_topic}")
        stats.colour_msgs, stats.depth_msgs = len(cstamps), len(dstamps)
        # pairing: each colour image with the nearest unused depth image within the slop
        ds = np.asarray(dstamps, np.int64)
        used = np.zeros(len(ds), bool)
        slop_ns = int(slop * 1e9)
        pair_of: dict[int, int] = {}  # colour index -> depth index
        for i, t in enumerate(cstamps):
            if len(ds) == 0:
                stats.unpaired_colour += 1
                continue
            dt = np.abs(ds - t).astype(np.float64)
            dt[used] = np.inf
            j = int(np.argmin(dt))
            if dt[j] > slop_ns:
                stats.unpaired_colour += 1
                continue
            used[j] = True
            stats.pairs += 1
            if (stats.pairs - 1) % every == 0:
                pair_of[i] = j
                stats.max_dt_ms = max(stats.max_dt_ms, float(dt[j]) / 1e6)
        depth_wanted = {j: i for i, j in pair_of.items()}
        und_c, und_d = Undistorter(), Undistorter()
        for lst in infos.values():
            lst.sort(key=lambda x: x[0])
        info_stamps = {topic: np.array([x[0] for x in lst], np.int64) for topic, lst in infos.items()}

        def nearest_info(topic, t):
            """The CameraInfo of ``topic`` closest in time to stamp ``t`` (K may change)."""
            if topic not in infos:
                return None
            ts = info_stamps[topic]
            k = int(np.searchsorted(ts, t))
            cand = [i for i in (k - 1, k) if 0 <= i < len(ts)]
            return infos[topic][min(cand, key=lambda i: abs(int(ts[i]) - t))][1]

        def convert(msg, dmsg):
            K_c, D_c, (Wc, Hc), model_c, _ = camera_info_to_K(nearest_info(info_topic, stamp_ns(msg)))
            dinfo = nearest_info(depth_info_topic, stamp_ns(dmsg))
            rgb = image_to_rgb(msg)
            d_m = image_to_depth_m(dmsg)
            if rgb.shape[:2] != (Hc, Wc):
                raise ValueError(f"colour image {rgb.shape[1]}x{rgb.shape[0]} ≠ its CameraInfo {Wc}x{Hc}")
            cf, df = msg.header.frame_id.lstrip("/"), dmsg.header.frame_id.lstrip("/")
            if d_m.shape == rgb.shape[:2] and (cf == df or not df):
                stats.registration = "same frame and size (registered by the driver)"
                d_m = und_d(np.nan_to_num(d_m, nan=0.0), K_c, D_c, interpolation=cv2.INTER_NEAREST, model=model_c)
            else:
                if dinfo is None:
                    raise LookupError(f"depth ({df}, {d_m.shape[1]}x{d_m.shape[0]}) is not registered to the "
                                      f"colour image ({cf}) and the bag has no depth CameraInfo")
                K_d, D_d, _, model_d, _ = camera_info_to_K(dinfo)
                d_m = und_d(np.nan_to_num(d_m, nan=0.0), K_d, D_d, interpolation=cv2.INTER_NEAREST, model=model_d)
                T = np.eye(4) if cf == df else tf.lookup(cf, df)
                stats.registration = (f"reprojected {df} → {cf} with the depth CameraInfo"
                                      + ("" if cf == df else " and /tf_static"))
                d_m = register_depth(d_m, K_d, T, K_c, (Wc, Hc))
            return und_c(rgb, K_c, D_c, model=model_c), d_m, K_c

        # pass 2 (streaming): only messages in flight between a pair's two halves are held
        info = {"source": "rosbag2", "bag": str(bag), "topics": stats.topics, "slop_s": slop, "every": every}
        # a pair is keyed by its depth index; whichever half arrives first waits for the other
        waiting: dict[int, object] = {}
        ci = di = 0
        with FolderWriter(out, info=info, overwrite=overwrite) as w:
            for conn, _, raw in reader.messages(connections=[c for c in sel if c.topic in (image_topic, depth_topic)]):
                is_colour = conn.topic == image_topic
                key = pair_of.get(ci) if is_colour else (di if di in depth_wanted else None)
                ci, di = (ci + 1, di) if is_colour else (ci, di + 1)
                if key is None:
                    continue
                msg = reader.deserialize(raw, conn.msgtype)
                if key not in waiting:
                    waiting[key] = msg
                    continue
                other = waiting.pop(key)
                cmsg, dmsg = (msg, other) if is_colour else (other, msg)
                try:
                    rgb, d_m, K_c = convert(cmsg, dmsg)
                except LookupError as e:
                    raise ValueError(f"{e}: depth is not registered to the colour image; record the "
                                     "driver's aligned depth or include /tf_static in the bag") from e
                except ValueError as e:
                    stats.bad_frames += 1
                    if stats.bad_frames <= 5:
                        log(f"skipping frame at {stamp_ns(cmsg)} ns: {e}")
                    continue
                w.add(rgb, metres_to_mm16(d_m), K_c, stamp_ns=stamp_ns(cmsg))
            w.update_info(conversion={k: v for k, v in stats.__dict__.items() if k != "topics"})
    return stats
