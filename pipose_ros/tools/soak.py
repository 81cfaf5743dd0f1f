"""``pipose soak`` (issue 12): the live node under overload for minutes — memory, latency and
frame counts per period, written to docs/RELIABILITY.md.

pose_node (ONNX Runtime, node defaults) runs in its own process; this process publishes the
1-person 640×480 benchmark frame (:func:`pipose_ros.tools.bench.bench_frames`) with CameraInfo at
``rate`` Hz (60 by default: twice a 30 Hz camera, more than the node can process on 2 cores, so
the newest-frame policy must skip) over Fast DDS with the large-data profile. Per period: input
and output rate, latency image stamp → TF received (p50/p95), CPU % and RSS of the node. Checked
against issue 12's targets: RSS growth < 5 % after warm-up (the first period), p95 latency of the
last period within 20 % of the first, no error in the node's log and a clean exit.
"""

from __future__ import annotations

import re
import sys

from .bench import bench_frames, live_node

TARGET_RSS_GROWTH = 5.0  # % after the first period
TARGET_P95_DRIFT = 20.0  # % last period vs first


def soak(seconds: float = 600.0, rate: float = 60.0, period: float | None = None,
         python: str | None = None, params: dict | None = None) -> dict:
    """Run the soak; returns the live run (:func:`pipose_ros.tools.bench.live_node`) plus
    ``rss_growth_percent``, ``p95_drift_percent``, ``skipped``/``frames_in``/``frames_out``
    (the node's own counters, from its last stats line) and ``ok`` per target."""
    period = period or (60.0 if seconds >= 300 else max(5.0, seconds / 6))
    r = live_node(python or sys.executable, {"backend": "onnxruntime", **(params or {})},
                  bench_frames()["1 person"], rate=rate, seconds=seconds, settle=5.0, period=period)
    per = r.get("periods", [])
    if len(per) >= 2:
        r["rss_growth_percent"] = 100.0 * (per[-1]["rss_mb"] - per[0]["rss_mb"]) / per[0]["rss_mb"]
        r["p95_drift_percent"] = 100.0 * (per[-1]["latency_p95_ms"] - per[0]["latency_p95_ms"]) / per[0]["latency_p95_ms"]
    m = re.search(r"frames in (\d+) out (\d+) skipped\([^)]*\) (\d+) dropped\([^)]*\) (\d+)", r.get("last_stats", ""))
    if m:
        r["frames_in"], r["frames_out"], r["skipped"], r["dropped"] = map(int, m.groups())
    r["ok"] = {"rss": r.get("rss_growth_percent", float("inf")) < TARGET_RSS_GROWTH,
               "latency": r.get("p95_drift_percent", float("inf")) < TARGET_P95_DRIFT,
               "errors": not r.get("errors") and r.get("exit_code") == 0}
    return r


def write(r: dict, seconds: float, rate: float, out: str) -> None:
    """The ``soak`` section of ``out`` and ``reliability.soak.*`` in docs/results.json."""
    from ..report import machine, today, update_json, update_md_section

    L = ["## Overload soak (issue 12 item 4)", "",
         f"`pipose soak --seconds {seconds:.0f} --rate {rate:.0f}` — {today()}, {machine()}: pose_node (ONNX Runtime, "
         f"node defaults) fed 640×480 rgb8 + CameraInfo at {rate:.0f} Hz over Fast DDS (large-data profile) by "
         f"another process on the same 2 cores; latency = image stamp → TF received there.", "",
         "| period end (s) | input (Hz) | output (Hz) | latency p50 (ms) | latency p95 (ms) | CPU % | RSS (MB) |",
         "|---|---|---|---|---|---|---|"]
    t = 0.0
    for p in r.get("periods", []):
        t += p["seconds"]
        L.append(f"| {t:.0f} | {p['in_hz']:.1f} | {p['out_hz']:.1f} | {p['latency_p50_ms']:.0f} | "
                 f"{p['latency_p95_ms']:.0f} | {p['cpu_percent']:.0f} | {p['rss_mb']:.0f} |")
    ok = r["ok"]
    L += ["",
          f"Node counters at the end: frames in {r.get('frames_in', '?')}, out {r.get('frames_out', '?')}, skipped "
          f"(a newer frame arrived) {r.get('skipped', '?')}, dropped (bad input) {r.get('dropped', '?')}. "
          f"RSS growth after the first period **{r.get('rss_growth_percent', float('nan')):+.1f} %** (target < "
          f"{TARGET_RSS_GROWTH:.0f} %: {'met' if ok['rss'] else 'not met'}); p95 latency last vs first period "
          f"**{r.get('p95_drift_percent', float('nan')):+.1f} %** (target within {TARGET_P95_DRIFT:.0f} %: "
          f"{'met' if ok['latency'] else 'not met'}); errors in the node's log {len(r.get('errors', []))}, exit code "
          f"{r.get('exit_code')} ({'met' if ok['errors'] else 'not met'})."]
    update_md_section("soak", "\n".join(L), out)
    update_json({"reliability.soak.seconds": seconds, "reliability.soak.rate_hz": rate,
                 "reliability.soak.rss_growth_percent": round(r.get("rss_growth_percent", float("nan")), 2),
                 "reliability.soak.p95_drift_percent": round(r.get("p95_drift_percent", float("nan")), 2),
                 "reliability.soak.errors": len(r.get("errors", [])), "reliability.soak.date": today()})
