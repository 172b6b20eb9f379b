#!/usr/bin/env python3
"""Feed the reference engine over loopback UDP at fixed rates and report what it sustained.

For each placement (pinned: engine on one CPU, feed and venue simulators on another; unpinned:
left to the scheduler) and each rate, a recorded market data stream is replayed at that rate
for --duration seconds into a running engine connected to the venue simulator. Reported per run:
the rate the feed achieved, messages the engine missed on first delivery (gaps it then had to
recover), the engine's CPU use, and tick-to-trade percentiles from the engine's own raw samples
(datagram received -> order handed to the kernel, time.perf_counter_ns inside the engine).

Not part of the test suite. Example:
    .venv/bin/python benchmarks/engine_throughput.py --duration 5 --batch 1
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from array import array
from pathlib import Path

from lowlat_engine.feed_gen import RandomWalk, Recorder
from lowlat_engine.wire import MESSAGE, MESSAGE_SIZE

SYMBOLS = ["AAPL", "MSFT", "AMZN", "GOOG"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def record_stream(path: Path, messages: int) -> None:
    """Write a random-walk recording without going through sockets (fast, deterministic)."""
    walk = RandomWalk(SYMBOLS, seed=7)
    rec = Recorder(str(path))
    buf = bytearray(MESSAGE_SIZE)
    for event in [*walk.initial_book(), *(walk.next() for _ in range(messages))]:
        mtype, side, size, symbol, price = event
        MESSAGE.pack_into(buf, 0, mtype, side, 0, size, symbol, price, 0)
        rec.write(bytes(buf))
    rec.close()


class Child:
    def __init__(self, args: list[str], cpus: set[int] | None, log: Path) -> None:
        self.log = log
        self._out = open(log, "w")  # noqa: SIM115 - closed in stop()

        def place() -> None:
            if cpus:
                os.sched_setaffinity(0, cpus)

        self.popen = subprocess.Popen(
            [sys.executable, "-m", *args],
            stdout=subprocess.PIPE,
            stderr=self._out,
            text=True,
            preexec_fn=place,
        )

    def event(self, name: str, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.popen.stdout.readline()
            if not line:
                break
            event = json.loads(line)
            if event.get("event") == name:
                return event
        raise RuntimeError(f"no {name!r} event; see {self.log}")

    def stop(self) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._out.close()
        return self.popen.returncode


def wait_log(path: Path, needle: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in path.read_text().splitlines():
            if needle in line:
                return json.loads(line)
        time.sleep(0.05)
    raise RuntimeError(f"{needle!r} not logged; see {path}")


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def percentile(sorted_values: list[int], p: float) -> float:
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)] / 1000  # microseconds


def engine_config(
    work: Path, feed_port: int, recovery_port: int, venue_port: int, cpu: int | None, busy: bool
):
    return {
        "engine": {"name": "bench", "cpu_affinity": [cpu] if cpu is not None else [], "busy_poll": busy},
        "feed": {"listen": f"127.0.0.1:{feed_port}", "recovery": f"127.0.0.1:{recovery_port}"},
        "venue": {"address": f"127.0.0.1:{venue_port}", "session": "BENCH", "order_timeout_ms": 5000},
        "strategy": {"symbols": SYMBOLS, "threshold_pct": 70, "order_qty": 100, "cooldown_updates": 20},
        "risk": {
            "max_order_qty": 1000,
            "max_order_notional": 1e9,
            "max_position": 10**9,
            "price_collar_bps": 500,
            "max_orders_per_second": 20_000,
            "halt_on_order_timeout": False,
        },
        "journal": {"dir": str(work / "journal"), "fsync": "interval", "fsync_interval_ms": 10},
        "http": {"listen": "127.0.0.1:0"},
        "diagnostics": {"latency_samples": 2_000_000, "latency_samples_file": str(work / "t2t.bin")},
    }


def run_once(recording: Path, rate: int, duration: float, batch: int, pinned: bool, busy: bool) -> dict:
    cpus = sorted(os.sched_getaffinity(0))
    engine_cpu, sim_cpus = (cpus[0], {cpus[-1]}) if pinned and len(cpus) > 1 else (None, None)
    with tempfile.TemporaryDirectory(prefix="lowlat-bench-") as tmp:
        work = Path(tmp)
        children: list[Child] = []
        try:
            venue = Child(
                ["lowlat_engine.venue_sim", "--listen", "127.0.0.1:0"], sim_cpus, work / "venue.log"
            )
            children.append(venue)
            venue_port = venue.event("listening")["order_port"]
            feed_port, recovery_port = free_udp_port(), free_udp_port()
            cfg = engine_config(work, feed_port, recovery_port, venue_port, engine_cpu, busy)
            (work / "engine.json").write_text(json.dumps(cfg))
            engine = Child(["lowlat_engine.cli", str(work / "engine.json")], None, work / "engine.log")
            children.append(engine)
            http = wait_log(work / "engine.log", '"engine started"')["http_port"]
            wait_log(work / "engine.log", '"venue session active"')
            cpu_before = cpu_seconds(engine.popen.pid)
            feed = Child(
                [
                    "lowlat_engine.feed_sim",
                    "--dest",
                    f"127.0.0.1:{feed_port}",
                    "--recovery-listen",
                    f"127.0.0.1:{recovery_port}",
                    "--replay",
                    str(recording),
                    "--loop",
                    "--rate",
                    str(rate),
                    "--batch",
                    str(batch),
                    "--duration",
                    str(duration),
                    "--linger",
                    "30",
                ],
                sim_cpus,
                work / "feed.log",
            )
            children.append(feed)
            feed.event("listening")
            published = feed.event("published", timeout=duration + 60)
            cpu_used = cpu_seconds(engine.popen.pid) - cpu_before
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:  # let recovery of the last gaps finish
                m = scrape(http)
                if m["lowlat_engine_feed_sequence"] >= published["messages"]:
                    break
                time.sleep(0.1)
            if engine.stop() != 0:
                raise RuntimeError(f"engine did not exit cleanly; see {work / 'engine.log'}")
            samples = array("q")
            t2t_file = work / "t2t.bin"
            if t2t_file.exists():
                with open(t2t_file, "rb") as f:
                    samples.frombytes(f.read())
            values = sorted(samples)
            return {
                "mode": ("pinned" if pinned else "unpinned") + ("+busy" if busy else ""),
                "target_rate": rate,
                "achieved_rate": published["achieved_rate"],
                "messages": published["messages"],
                "applied": int(m["lowlat_engine_feed_sequence"]),
                "gaps": int(m["lowlat_engine_feed_gaps_total"]),
                "gap_messages": int(m["lowlat_engine_feed_gap_messages_total"]),
                "snapshots": int(m["lowlat_engine_feed_snapshots_total"]),
                "engine_cpu_pct": round(100 * cpu_used / published["elapsed_s"], 1),
                "orders": len(values),
                "t2t_p50_us": percentile(values, 0.50),
                "t2t_p99_us": percentile(values, 0.99),
                "t2t_p999_us": percentile(values, 0.999),
            }
        finally:
            for child in reversed(children):
                child.stop()


def print_table(rows: list[dict]) -> None:
    cols = [
        ("mode", "{}"),
        ("target_rate", "{:,}"),
        ("achieved_rate", "{:,.0f}"),
        ("gap_messages", "{}"),
        ("gaps", "{}"),
        ("engine_cpu_pct", "{}"),
        ("orders", "{}"),
        ("t2t_p50_us", "{:.1f}"),
        ("t2t_p99_us", "{:.1f}"),
        ("t2t_p999_us", "{:.1f}"),
    ]
    cells = [[fmt.format(row[name]) for name, fmt in cols] for row in rows]
    widths = [max(len(name), *(len(c[i]) for c in cells)) for i, (name, _) in enumerate(cols)]
    print("  ".join(name.rjust(w) for (name, _), w in zip(cols, widths, strict=True)))
    for c in cells:
        print("  ".join(v.rjust(w) for v, w in zip(c, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="10000,50000,100000", help="comma-separated messages per second")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run")
    parser.add_argument("--batch", type=int, default=1, help="max messages per datagram")
    parser.add_argument("--modes", default="pinned,unpinned", help="pinned and/or unpinned")
    parser.add_argument("--busy-poll", action="store_true", help="engine spins on the feed socket")
    parser.add_argument("--json", default="", help="also write the results to this file")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(
        f"# {os.cpu_count()} CPUs, load average {' '.join(load)}, batch {args.batch}, "
        f"{args.duration:g} s per run, python {sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory(prefix="lowlat-bench-rec-") as tmp:
        recording = Path(tmp) / "stream.bin"
        record_stream(recording, 300_000)
        rows = []
        for mode in args.modes.split(","):
            for rate in rates:
                row = run_once(recording, rate, args.duration, args.batch, mode == "pinned", args.busy_poll)
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
