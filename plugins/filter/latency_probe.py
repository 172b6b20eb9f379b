"""Filters of the latency_probe role: cyclictest histogram -> percentiles, and the table.

lowlat.trading.cyclictest_stats and lowlat.trading.latency_table (collection roles cannot
carry their own filter plugins, so they live here).

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
    ]


def _cell(value: int | None, histogram_us: int | None) -> str:
    if value is None:
        return f">={histogram_us}" if histogram_us else "overflow"
    return str(value)


def latency_table(results: list[dict]) -> list[str]:
    """A fixed-width table, one line per measurement of every result document."""
    header = ("host", "label", "cpu role", "cpu", "samples", "p50 us", "p99 us", "p99.9 us", "max us")
    rows = [header]
    for result in results:
        for run in result["runs"]:
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
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


class FilterModule:
    def filters(self):
        return {
            "cyclictest_stats": cyclictest_stats,
            "cyclictest_runs": cyclictest_runs,
            "latency_table": latency_table,
        }
