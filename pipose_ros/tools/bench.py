"""``pipose benchmark`` (issue 11): pipose end to end against MediaPipe Pose on the same real
frames, per backend, and the live node over DDS — one run, one section of docs/BENCHMARKS.md.

Frames: scikit-image's astronaut photo (a real person) in a 640×480 frame, alone ("1 person") and
as four copies in a 2×2 grid ("4 people"). pipose is timed as the node runs it: the person finder
(:class:`pipose_ros.detect.PersonFinder`, tracking mode as the node's defaults, or full detection)
then all crops of the frame as one batch through the student, SPDH decoding included; each frame
of a stream gets the previous frame's skeletons. MediaPipe Pose full and heavy run in tracking
mode (a video of the same frame) in the interpreter that has mediapipe (``.venv-label``), after
pipose, on the same frames (:mod:`.mediapipe_bench`). The live node: ``pose_node`` in its own
process, 640×480 rgb8 frames published at 30 Hz over Fast DDS, latency = image stamp → its TF
message received here, CPU % and RSS of the node process from /proc.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from ..assets import config_path, model_path
from ..camera import intrinsics_from_fov
from ..detect import BodyDetector, PersonDetector, PersonFinder
from ..estimator import PoseEstimator
from ..params import defaults, person_finder

W, H = 640, 480
NODE_MAX_PEOPLE = 4  # the node's default max_people (config/pose.yaml; a test keeps them equal)
MEDIAPIPE_SCRIPT = Path(__file__).with_name("mediapipe_bench.py")


KINECT = Path.home() / ".cache" / "pipose_ros" / "realdepth" / "color.png"


def bench_frames() -> dict[str, np.ndarray]:
    """{"1 person", "4 people"}: uint8 [480, 640, 3] RGB frames. 1 person: scikit-image's
    astronaut photo. 4 people: the real Kinect frame of lmb-freiburg/rgbd-pose3d (four people;
    README, "real RGB-D frame"), its central 4:3 part resized to 640×480, when it is in the cache;
    else four copies of the astronaut in a 2×2 grid (the key then says so)."""
    from skimage import data

    a = data.astronaut()
    one = np.full((H, W, 3), 110, np.uint8)
    one[:, 80:560] = cv2.resize(a, (480, 480), interpolation=cv2.INTER_AREA)
    kin = cv2.imread(str(KINECT), cv2.IMREAD_COLOR) if KINECT.is_file() else None
    if kin is not None:
        h, w = kin.shape[:2]
        cw = min(w, h * 4 // 3)
        kin = kin[:, (w - cw) // 2:(w + cw) // 2, ::-1]
        return {"1 person": one, "4 people": np.ascontiguousarray(cv2.resize(kin, (W, H), interpolation=cv2.INTER_AREA))}
    four = np.full((H, W, 3), 110, np.uint8)
    t = cv2.resize(a, (240, 240), interpolation=cv2.INTER_AREA)
    for i, (y, x) in enumerate(((0, 40), (0, 360), (240, 40), (240, 360))):
        four[y:y + 240, x:x + 240] = t if i % 2 == 0 else t[:, ::-1]
    return {"1 person": one, "4 people (astronaut grid)": four}


def _stats(ts: list[float]) -> dict:
    return {"p50_ms": float(np.median(ts)), "p95_ms": float(np.percentile(ts, 95)), "mean_ms": float(np.mean(ts))}


def time_stream(est: PoseEstimator, finder: PersonFinder | None, rgb: np.ndarray, K: np.ndarray, n: int,
                warmup: int, boxes=None, max_people: int = NODE_MAX_PEOPLE) -> dict:
    """Per-frame wall clock of the node's pipeline on a stream of ``rgb`` (see the module
    docstring). ``finder`` None: the fixed ``boxes`` every frame (the network part alone);
    with a finder (its detector keeping ``CANDIDATES_PER_PERSON`` × ``max_people`` candidates,
    as the node's),
    :meth:`PoseEstimator.estimate_people` as in the node.
    Returns p50/p95/mean ms, mean crops run and skeletons per frame, detector runs per frame."""
    runs, ran = [0], [0]
    if finder is not None:
        real = finder.detector.detect_pass

        def counted(img, i):
            runs[0] += 1
            return real(img, i)
        finder.detector.detect_pass = counted
    real_estimate = est.estimate

    def counted_estimate(img, K_, b=None):  # crops that really ran (estimate_people may add a batch)
        ran[0] += 1 if b is None else len(b)
        return real_estimate(img, K_, b)
    est.estimate = counted_estimate
    prev, ts, crops, people = [], [], [], []
    try:
        for i in range(n + warmup):
            ran[0] = 0
            if i == warmup:
                runs[0] = 0
            t0 = time.perf_counter()
            if finder is not None:  # as the node: spare candidate boxes, at most max_people people
                b = finder(rgb, prev)[0]
                prev = est.estimate_people(rgb, K, b, max_people) if b else []
            else:
                prev = est.estimate(rgb, K, boxes) if boxes else []
            dt = (time.perf_counter() - t0) * 1000.0
            if i >= warmup:
                ts.append(dt)
                crops.append(ran[0])
                people.append(len(prev))
    finally:
        del est.estimate  # the instance attribute goes, the method is back
        if finder is not None:
            finder.detector.detect_pass = real
    return {**_stats(ts), "crops": float(np.mean(crops)), "people": float(np.mean(people)),
            "detector_runs": runs[0] / n}


def time_mediapipe(frames: dict[str, np.ndarray], complexity: int, n: int, warmup: int, python: str) -> dict:
    """{frame key: {p50_ms, p95_ms, mean_ms, found}} of MediaPipe Pose (1 full, 2 heavy)."""
    with tempfile.TemporaryDirectory() as d:
        np.savez(Path(d) / "frames.npz", **frames)
        env = dict(os.environ, GLOG_minloglevel="2", TF_CPP_MIN_LOG_LEVEL="2")
        r = subprocess.run([python, str(MEDIAPIPE_SCRIPT), str(Path(d) / "frames.npz"), str(complexity), str(n),
                            str(warmup)], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"MediaPipe benchmark failed: {r.stderr[-1500:]}")
    return {d["frame"]: d for d in map(json.loads, (ln for ln in r.stdout.splitlines() if ln.startswith("{")))}


def _proc_file(pid: int, name: str) -> str | None:
    """The text of /proc/<pid>/<name> (Linux), None once the process has exited (the caller then
    reports its exit code and log instead of failing here)."""
    try:
        return Path(f"/proc/{pid}/{name}").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None


def _proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid``; NaN once it has exited."""
    stat = _proc_file(pid, "stat")
    if stat is None:
        return float("nan")
    f = stat.rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def _proc_rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MiB; NaN once it has exited."""
    for line in (_proc_file(pid, "status") or "").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def live_node(python: str, params: dict, rgb: np.ndarray, rate: float = 30.0, seconds: float = 30.0,
              settle: float = 5.0, period: float | None = None) -> dict:
    """Run ``pose_node`` (``python -m pipose_ros.ros.node``) in its own process and publish
    ``rgb`` (640×480 rgb8 + CameraInfo) at ``rate`` Hz for ``settle`` + ``seconds`` s.

    Returns: start-up (s from spawn to the first TF received), output rate (Hz), latency p50/p95
    (ms, image stamp → TF received), node CPU % (of one core) and RSS (MB) over the timed window,
    frames published, the node's log (``log``: last lines; ``errors``: lines with ERROR or a
    traceback; ``exit_code``) and, with ``period`` s, the same numbers per period of the timed
    window (``periods``, for the soak)."""
    import rclpy
    from rclpy.node import Node
    from sensor_msgs.msg import CameraInfo, Image
    from tf2_msgs.msg import TFMessage

    from ..msgs import K_to_camera_info, rgb_to_image, stamp_ns

    # the transport the README recommends for 640×480 at 30 Hz between processes (shared memory);
    # with Fast DDS defaults best-effort readers lose most fragmented image samples
    os.environ["FASTDDS_DEFAULT_PROFILES_FILE"] = str(config_path("fastdds_large_data.xml"))
    python = os.path.abspath(python)  # (not resolve(): a venv interpreter is a symlink)
    ns = f"/pipose_bench_{os.getpid()}"
    args = [python, "-m", "pipose_ros.ros.node", "--ros-args", "-r", f"__ns:={ns}", "-p", "stats_period:=5.0"]
    for k, v in params.items():
        args += ["-p", f"{k}:={v}"]
    log = tempfile.TemporaryFile("w+")
    own = not rclpy.ok()
    if own:
        rclpy.init()
    node = Node("pipose_bench_publisher")
    got: list[tuple[int, float]] = []
    node.create_subscription(TFMessage, "/tf", lambda m: got.append((stamp_ns(m.transforms[0]), time.time()))
                             if m.transforms and m.transforms[0].header.frame_id == "bench_optical_frame" else None, 100)
    pub_img = node.create_publisher(Image, f"{ns}/image", 5)
    pub_info = node.create_publisher(CameraInfo, f"{ns}/camera_info", 5)
    K = intrinsics_from_fov(rgb.shape[1], rgb.shape[0], 60)
    info = K_to_camera_info(K, rgb.shape[1], rgb.shape[0], frame_id="bench_optical_frame")
    img = rgb_to_image(rgb, "rgb8")
    img.header.frame_id = "bench_optical_frame"
    stop = threading.Event()
    spin = threading.Thread(target=lambda: [rclpy.spin_once(node, timeout_sec=0.05) for _ in iter(stop.is_set, True)],
                            daemon=True)
    spin.start()
    t_spawn = time.time()
    # cwd outside the source tree: an installed package is imported as installed
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"),
                            cwd=tempfile.gettempdir())
    sent = 0
    res: dict = {}
    try:
        t_next = time.time()
        first = t_end = cpu0 = None
        rss, t_rss = [], 0.0
        periods, p_start = [], None
        while proc.poll() is None:
            now = time.time()
            if first is None and got:
                first = got[0][1] - t_spawn
                t_end = now + settle + seconds
            if first is None and now - t_spawn > 120:
                break
            if t_end is not None:
                if cpu0 is None and now >= t_end - seconds:
                    cpu0, t0, n0, sent0 = _proc_cpu_s(proc.pid), now, len(got), sent
                    p_start = (now, len(got), sent, cpu0)
                if period and p_start and (now - p_start[0] >= period or now >= t_end):
                    periods.append(_window(got[p_start[1]:], now - p_start[0], sent - p_start[2],
                                           _proc_cpu_s(proc.pid) - p_start[3], _proc_rss_mb(proc.pid)))
                    p_start = (now, len(got), sent, _proc_cpu_s(proc.pid))
                if cpu0 is not None and now - t_rss >= 0.5:
                    rss.append(_proc_rss_mb(proc.pid))
                    t_rss = now
                if now >= t_end:
                    break
            stamp = node.get_clock().now().to_msg()
            img.header.stamp = info.header.stamp = stamp
            pub_info.publish(info)
            pub_img.publish(img)
            sent += 1
            t_next += 1.0 / rate
            time.sleep(max(0.0, t_next - time.time()))
        res.update(startup_s=first, published=sent, periods=periods,
                   exited_early=proc.poll() is not None)  # the node stopped before the run's end
        if cpu0 is not None:
            w = _window(got[n0:], time.time() - t0, sent - sent0, _proc_cpu_s(proc.pid) - cpu0,
                        float(np.max(rss)) if rss else _proc_rss_mb(proc.pid))
            res.update(w)
    finally:
        stop.set()
        proc.send_signal(2)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        spin.join(2)
        node.destroy_node()
        if own:
            rclpy.try_shutdown()
        log.seek(0)
        lines = [ln.rstrip() for ln in log.readlines()]
        res["log"] = lines[-6:]
        res["errors"] = [ln for ln in lines if "[ERROR]" in ln or "Traceback" in ln]
        res["stats_lines"] = [ln for ln in lines if "frames in" in ln]  # every stats_period: per-stage p50
        res["last_stats"] = res["stats_lines"][-1] if res["stats_lines"] else ""
        res["exit_code"] = proc.returncode
    return res


def _window(got: list[tuple[int, float]], dt: float, sent: int, cpu_s: float, rss_mb: float) -> dict:
    """Output rate, latency p50/p95 (image stamp → TF received), input rate, CPU % and RSS of one
    stretch of a live run."""
    lat = [(r - s * 1e-9) * 1000.0 for s, r in got]
    return {"seconds": dt, "out_hz": len(got) / dt, "in_hz": sent / dt,
            "latency_p50_ms": float(np.median(lat)) if lat else float("nan"),
            "latency_p95_ms": float(np.percentile(lat, 95)) if lat else float("nan"),
            "cpu_percent": 100.0 * cpu_s / dt, "rss_mb": rss_mb}


def run(n: int = 100, warmup: int = 10, backends=("onnxruntime", "torch"), mediapipe_python: str | None = None,
        live_seconds: float = 30.0, runtime_python: str | None = None, out: str = "docs/BENCHMARKS.md") -> dict:
    """The whole benchmark (module docstring); writes the ``runtime`` section of ``out`` and
    returns every number measured."""
    from ..report import machine, today

    frames = bench_frames()
    K = intrinsics_from_fov(W, H, 60)
    student = model_path("pipose_student_kinect14.pt")
    res: dict = {"pipose": {}, "parts": {}, "mediapipe": {}, "live": {}}
    det = PersonDetector()
    res["parts"]["detector run (whole image → 224×224)"] = time_calls(lambda: det._detect(frames["1 person"], 0, 0, (H, W)),
                                                                       n, warmup)
    body = BodyDetector()
    res["parts"]["whole-body detector run (whole image → 256×256)"] = time_calls(lambda: body(frames["1 person"]), n, warmup)
    for backend in backends:
        est = PoseEstimator.from_checkpoint(student, backend=backend, device="cpu")
        res["student_input"] = f"{est.input_w}×{est.input_h}"
        print(f"{backend}: {est.backend}", flush=True)
        box = np.array([80.0, 0.0, 560.0, 479.0])
        for k in (1, 4):
            res["parts"][f"student, {k} crop{'s' if k > 1 else ''}, {backend}"] = time_stream(
                est, None, frames["1 person"], K, n, warmup, boxes=[box] * k)
        for mode, finder_kw in (("tracking, detector every 3rd frame (node default)", dict(tracking=True, detector_every=3)),
                                ("tracking, detector every frame", dict(tracking=True, detector_every=1)),
                                ("full detection every frame", dict(tracking=False))):
            if backend != backends[0] and "default" not in mode:
                continue
            for key, rgb in frames.items():
                # the node's person finder with its defaults (BlazePose alone: detector_body is off by default)
                finder = person_finder({**defaults(), "max_people": NODE_MAX_PEOPLE, **finder_kw}, crop_model=True)
                r = time_stream(est, finder, rgb, K, n, warmup, max_people=NODE_MAX_PEOPLE)
                res["pipose"][(mode, backend, key)] = r
                print(mode, backend, key, {k: round(v, 2) for k, v in r.items()}, flush=True)
    if mediapipe_python:
        for complexity, name in ((1, "full"), (2, "heavy")):
            res["mediapipe"][name] = time_mediapipe(frames, complexity, n, warmup, mediapipe_python)
            print("MediaPipe", name, res["mediapipe"][name], flush=True)
    if live_seconds > 0:
        for label, py in (("full install (.venv)", sys.executable), ("runtime-only install", runtime_python)):
            if not py:
                continue
            r = live_node(py, {"backend": "onnxruntime"}, frames["1 person"], seconds=live_seconds)
            res["live"][label] = r
            print("live", label, {k: v for k, v in r.items() if k != "log"}, flush=True)
    _write(res, n, warmup, live_seconds, out, machine(), today())
    return res


def time_calls(f, n: int, warmup: int) -> dict:
    """p50/p95/mean ms of ``n`` calls of ``f()`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        f()
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t0) * 1000.0)
    return _stats(ts)


def _write(res: dict, n: int, warmup: int, live_seconds: float, out: str, mach: str, day: str) -> None:
    import onnxruntime

    from ..report import update_json, update_md_section

    cmd = "pipose " + " ".join(sys.argv[1:]) if Path(sys.argv[0]).name == "pipose" else "pipose benchmark"
    L = ["## Speed: pipose end to end vs MediaPipe Pose, and the live node (issue 11)", "",
         f"`{cmd}` (`make benchmark`) — {day}, {mach}, ONNX Runtime {onnxruntime.__version__} (default threads), "
         f"one process at a time on an otherwise idle machine. Frames (640×480, `pipose_ros/tools/bench.py`): 1 "
         f"person = the astronaut photo; 4 people = the real Kinect frame of the README's real RGB-D check "
         f"(central 4:3 part), or four astronauts when it is not in the cache; {n} timed frames "
         f"after {warmup} warm-up frames per row. pipose = person finder + student on all crops as one batch + SPDH "
         f"decoding, as in the node (shipped student `pipose_student_kinect14`, {res.get('student_input', '?')} crops).", "",
         "| pipeline | backend | frame | crops / frame | detector runs / frame | p50 (ms) | p95 (ms) | mean (ms) |",
         "|---|---|---|---|---|---|---|---|"]
    for (mode, backend, key), r in res["pipose"].items():
        L.append(f"| pipose, {mode} | {backend} | {key} | {r['crops']:.2f} | {r['detector_runs']:.2f} | "
                 f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['mean_ms']:.1f} |")
    for name, per in res["mediapipe"].items():
        for key, r in per.items():
            L.append(f"| MediaPipe Pose {name} (tracking mode; one person at most) | TFLite/XNNPACK | {key} | — "
                     f"| pose found in {100 * r['found']:.0f} % | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                     f"{r['mean_ms']:.1f} |")
    default = [(k, r) for k, r in res["pipose"].items() if "default" in k[0] and k[1] == "onnxruntime"]
    d1 = next((r for k, r in default if k[2] == "1 person"), None)
    d4 = next((r for k, r in default if k[2].startswith("4 people")), None)
    L += [""]
    if d1 and "full" in res["mediapipe"]:
        mp1 = res["mediapipe"]["full"]["1 person"]
        L.append(f"**Ratio** MediaPipe full p50 / pipose p50 (1 person, node defaults, ONNX Runtime): "
                 f"{mp1['p50_ms']:.1f} / {d1['p50_ms']:.1f} = **{mp1['p50_ms'] / d1['p50_ms']:.2f}** (target ≥ 1.0); "
                 f"by mean time per frame {mp1['mean_ms'] / d1['mean_ms']:.2f}.")
    if d1 and d4:
        L.append(f"**4 people / 1 person** (p50): {d4['p50_ms']:.1f} / {d1['p50_ms']:.1f} = "
                 f"**{d4['p50_ms'] / d1['p50_ms']:.2f}×** (target ≤ 2.5×).")
    L += ["", "Parts (same frames):", "", "| part | p50 (ms) | p95 (ms) |", "|---|---|---|"]
    L += [f"| {k} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} |" for k, r in res["parts"].items()]
    if res["live"]:
        L += ["", f"**Live node** (`pose_node`, backend onnxruntime, node defaults otherwise): 640×480 rgb8 + "
              f"CameraInfo published at 30 Hz over Fast DDS by the benchmark process (which shares the cores), "
              f"{live_seconds:.0f} s timed after the first output + 5 s. Latency = image stamp → its /tf message "
              f"received by the publisher process. CPU % of one core; RSS = peak resident set of the node process.", "",
              "| install | start-up → first TF (s) | input (Hz) | output (Hz) | latency p50 (ms) | latency p95 (ms) "
              "| CPU % | RSS (MB) |", "|---|---|---|---|---|---|---|---|"]
        for label, r in res["live"].items():
            if "out_hz" not in r:
                L.append(f"| {label} | no output: {' / '.join(r.get('log', [])[-2:])} | | | | | | |")
                continue
            L.append(f"| {label} | {r['startup_s']:.1f} | {r['in_hz']:.1f} | {r['out_hz']:.1f} | "
                     f"{r['latency_p50_ms']:.0f} | {r['latency_p95_ms']:.0f} | {r['cpu_percent']:.0f} | "
                     f"{r['rss_mb']:.0f} |")
    update_md_section("runtime", "\n".join(L), out, first=True)
    if Path(out).resolve() == (Path(__file__).resolve().parents[2] / "docs" / "BENCHMARKS.md"):
        rec = {}
        if d1 and "full" in res["mediapipe"]:
            rec["speed.mediapipe_full_over_pipose_p50"] = round(res["mediapipe"]["full"]["1 person"]["p50_ms"]
                                                                / d1["p50_ms"], 3)
        if d1:
            rec["speed.pipose_1person_p50_ms"] = round(d1["p50_ms"], 1)
        for label, key in (("full install (.venv)", "live"), ("runtime-only install", "live_runtime_only")):
            r = res["live"].get(label, {})
            if "out_hz" in r:
                rec.update({f"speed.{key}.out_hz": round(r["out_hz"], 1),
                            f"speed.{key}.latency_p95_ms": round(r["latency_p95_ms"], 1),
                            f"speed.{key}.rss_mb": round(r["rss_mb"], 1)})
        rec["speed.date"] = day
        update_json(rec)
