"""Filters of the latency_probe role: cyclictest histogram -> percentiles, sockperf ping-pong
output -> percentiles, and the tables.

lowlat.trading.cyclictest_stats, cyclictest_runs, sockperf_stats and latency_table (collection
roles cannot carry their own filter plugins, so they live here).

cyclictest -h N -q prints one line per microsecond bucket ("000042 000017": 17 samples of
42 us, one count column per measurement thread) and a summary of comment lines, among them
"# Total:" (samples inside the histogram), "# Max Latencies:" and "# Histogram Overflows:"
(samples of N us or more, which the histogram cannot place).
"""

from __future__ import annotations

import math
import re

PERCENTILES = (("p50", 50.0), ("p99", 99.0), ("p99_9", 99.9))

_BUCKET = re.compile(r"^(\d+)((?:\s+\d+)+)\s*$")
_SUMMARY = re.compile(r"^#\s*(Min Latencies|Avg Latencies|Max Latencies|Histogram Overflows):\s*(.*)$")
# sockperf ping-pong's report (ANSI colour codes stripped first).
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_SP_PERCENTILE = re.compile(r"--->\s*percentile\s+([0-9.]+)\s*=\s*([0-9.]+)")
_SP_EXTREME = re.compile(r"--->\s*<(MAX|MIN)>\s*observation\s*=\s*([0-9.]+)")
_SP_OBSERVATIONS = re.compile(r"Total\s+(\d+)\s+observations")
_SP_AVG = re.compile(r"avg-latency=([0-9.]+)")
_SP_DROPPED = re.compile(r"#\s*dropped messages\s*=\s*(\d+)")


class LatencyParseError(ValueError):
    """The text is not cyclictest histogram output."""


def _numbers(text: str) -> list[int]:
    return [int(word) for word in text.split()]


def parse_cyclictest(text: str) -> dict:
    """Histogram and summary of one cyclictest run (all threads' columns summed)."""
    buckets: dict[int, int] = {}
    summary: dict[str, list[int]] = {}
    for line in text.splitlines():
        line = line.strip()
        bucket = _BUCKET.match(line)
        if bucket:
            count = sum(_numbers(bucket.group(2)))
            if count:
                buckets[int(bucket.group(1))] = buckets.get(int(bucket.group(1)), 0) + count
            continue
        field = _SUMMARY.match(line)
        if field:
            summary[field.group(1)] = _numbers(field.group(2))
    if "Max Latencies" not in summary:
        raise LatencyParseError("no '# Max Latencies:' line: not cyclictest -h output (was -q given?)")
    if not buckets and not sum(summary.get("Histogram Overflows", [])):
        raise LatencyParseError("cyclictest recorded no samples")
    return {
        "buckets": buckets,
        "overflows": sum(summary.get("Histogram Overflows", [0])),
        "min_us": min(summary.get("Min Latencies", [0]) or [0]),
        "max_us": max(summary["Max Latencies"]),
        "avg_us": summary.get("Avg Latencies", []),
    }


def percentile(buckets: dict[int, int], overflows: int, fraction: float) -> int | None:
    """Smallest latency (us) with at least `fraction` of all samples at or below it.

    None when that rank falls among the overflows: the value is then only known to be at
    least the histogram size.
    """
    total = sum(buckets.values()) + overflows
    if total == 0:
        raise LatencyParseError("no samples")
    rank = max(1, math.ceil(total * fraction))
    seen = 0
    for latency in sorted(buckets):
        seen += buckets[latency]
        if seen >= rank:
            return latency
    return None


def cyclictest_stats(text: str, histogram_us: int | None = None) -> dict:
    """p50/p99/p99.9/max (us) of cyclictest -h output, as the probe records them."""
    run = parse_cyclictest(text)
    samples = sum(run["buckets"].values()) + run["overflows"]
    stats = {
        "samples": samples,
        "overflows": run["overflows"],
        "histogram_us": histogram_us,
        "min_us": run["min_us"],
        "max_us": run["max_us"],
    }
    for name, pct in PERCENTILES:
        stats[f"{name}_us"] = percentile(run["buckets"], run["overflows"], pct / 100)
    return stats


def cyclictest_runs(results: list[dict], histogram_us: int | None = None) -> list[dict]:
    """The registered results of the probe's cyclictest loop (item: {role, cpu}) as runs."""
    return [
        {
            "cpu_role": result["item"]["role"],
            "cpu": int(result["item"]["cpu"]),
            "stats": cyclictest_stats(result["stdout"], histogram_us),
        }
        for result in results
        if not result.get("skipped")
    ]


def sockperf_stats(text: str) -> dict:
    """Observations, drops and min/avg/p50/p99/p99.9/max (us) of `sockperf ping-pong` output.

    sockperf's latency is half the measured round trip unless --full-rtt was given; the values
    are kept as sockperf prints them.
    """
    text = _ANSI.sub("", text)
    if "No messages were received from the server" in text:
        raise LatencyParseError(
            "sockperf got no answer from the server: is it running, and the port open between the hosts?"
        )
    percentiles = {float(p): float(v) for p, v in _SP_PERCENTILE.findall(text)}
    extremes = {name: float(v) for name, v in _SP_EXTREME.findall(text)}
    observations = _SP_OBSERVATIONS.search(text)
    if not observations or not percentiles:
        raise LatencyParseError(
            "no 'Total N observations' and percentile lines: not sockperf ping-pong output"
        )
    if int(observations.group(1)) == 0:
        raise LatencyParseError("sockperf recorded no round trips (is the server reachable?)")
    dropped, avg = _SP_DROPPED.search(text), _SP_AVG.search(text)
    stats = {
        "observations": int(observations.group(1)),
        "dropped": int(dropped.group(1)) if dropped else None,
        "min_us": extremes.get("MIN"),
        "avg_us": float(avg.group(1)) if avg else None,
        "max_us": extremes.get("MAX"),
    }
    for name, pct in PERCENTILES:
        if pct not in percentiles:
            raise LatencyParseError(f"sockperf printed no percentile {pct:.3f}")
        stats[f"{name}_us"] = percentiles[pct]
    return stats


def sockperf_runs(results: list[dict]) -> list[dict]:
    """The registered results of the probe's ping-pong loop (item: one pair) as runs; skipped
    items (hosts that are no client) are left out."""
    keys = ("server", "address", "protocol", "msg_size", "seconds", "cpu")
    return [
        {**{key: result["item"][key] for key in keys}, "stats": sockperf_stats(result["stdout"])}
        for result in results
        if not result.get("skipped")
    ]


def sockperf_pairs(hosts_and_groups: list) -> list[dict]:
    """(host, placement group) pairs -> ping-pong pairs: in each placement group the first host
    by name serves and every other host is a client of it. Hosts without a group are left out."""
    members: dict[str, list[str]] = {}
    for host, group in hosts_and_groups:
        if group:
            members.setdefault(group, []).append(host)
    return [
        {"client": client, "server": hosts[0], "placement_group": group}
        for group, hosts in sorted((g, sorted(h)) for g, h in members.items())
        for client in hosts[1:]
    ]


def _cell(value: int | None, histogram_us: int | None) -> str:
    if value is None:
        return f">={histogram_us}" if histogram_us else "overflow"
    return str(value)


def _fixed_width(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def _us(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def latency_table(results: list[dict]) -> list[str]:
    """Fixed-width tables: one line per cyclictest run of every result document, then (when any
    document has them) one line per sockperf ping-pong run."""
    header = ("host", "label", "cpu role", "cpu", "samples", "p50 us", "p99 us", "p99.9 us", "max us")
    rows = [header]
    for result in results:
        for run in result.get("runs", []):
            stats = run["stats"]
            hist = stats.get("histogram_us")
            rows.append(
                (
                    result["host"],
                    result["label"],
                    run["cpu_role"],
                    str(run["cpu"]),
                    str(stats["samples"]),
                    _cell(stats["p50_us"], hist),
                    _cell(stats["p99_us"], hist),
                    _cell(stats["p99_9_us"], hist),
                    str(stats["max_us"]),
                )
            )
    lines = _fixed_width(rows) if len(rows) > 1 else []
    network_header = ("client", "label", "server", "proto", "bytes", "cpu", "round trips", "dropped")
    network = [(*network_header, "p50 us", "p99 us", "p99.9 us", "max us")]
    for result in results:
        for run in result.get("sockperf", []):
            stats = run["stats"]
            network.append(
                (
                    result["host"],
                    result["label"],
                    run["server"],
                    run["protocol"],
                    str(run["msg_size"]),
                    str(run["cpu"]),
                    str(stats["observations"]),
                    "-" if stats["dropped"] is None else str(stats["dropped"]),
                    _us(stats["p50_us"]),
                    _us(stats["p99_us"]),
                    _us(stats["p99_9_us"]),
                    _us(stats["max_us"]),
                )
            )
    if len(network) > 1:
        lines += ([""] if lines else []) + ["sockperf ping-pong (latency = half the round trip)"]
        lines += _fixed_width(network)
    return lines


class FilterModule:
    def filters(self):
        return {
            "cyclictest_stats": cyclictest_stats,
            "cyclictest_runs": cyclictest_runs,
            "latency_table": latency_table,
            "sockperf_pairs": sockperf_pairs,
            "sockperf_runs": sockperf_runs,
            "sockperf_stats": sockperf_stats,
        }
