"""The latency_probe role's filters: cyclictest histogram and sockperf report -> percentiles,
ping-pong pairs, and the tables."""

from pathlib import Path

import pytest

from ansible_collections.lowlat.trading.plugins.filter.latency_probe import (
    FilterModule,
    LatencyParseError,
    cyclictest_stats,
    latency_table,
    parse_cyclictest,
    percentile,
    sockperf_pairs,
    sockperf_runs,
    sockperf_stats,
)


def histogram(buckets: dict[int, int], size: int = 10, overflows: int = 0, max_us: int | None = None) -> str:
    """cyclictest -h SIZE -q output for one thread, as rt-tests 2.x prints it."""
    lines = ["# /dev/cpu_dma_latency set to 0us", "# Histogram"]
    lines += [f"{us:06d} {buckets.get(us, 0):06d}" for us in range(size)]
    total = sum(buckets.values())
    top = max_us if max_us is not None else max(buckets)
    lines += [
        f"# Total: {total:09d}",
        f"# Min Latencies: {min(buckets):05d}",
        "# Avg Latencies: 00004",
        f"# Max Latencies: {top:05d}",
        f"# Histogram Overflows: {overflows:05d}",
        "# Histogram Overflow at cycle number:",
        "# Thread 0: 00017 00038",
    ]
    return "\n".join(lines) + "\n"


def test_parse_reads_buckets_and_summary():
    run = parse_cyclictest(histogram({2: 5, 3: 90, 7: 5}, overflows=2, max_us=55))
    assert run["buckets"] == {2: 5, 3: 90, 7: 5}
    assert (run["overflows"], run["min_us"], run["max_us"]) == (2, 2, 55)


def test_threads_columns_are_summed():
    text = "000001 000003 000004\n000002 000000 000001\n# Max Latencies: 00002 00002\n"
    assert parse_cyclictest(text)["buckets"] == {1: 7, 2: 1}


def test_percentiles_use_the_nearest_rank():
    stats = cyclictest_stats(histogram({1: 50, 2: 49, 9: 1}), 10)
    assert stats["samples"] == 100
    assert (stats["p50_us"], stats["p99_us"], stats["p99_9_us"], stats["max_us"]) == (1, 2, 9, 9)


def test_percentile_among_the_overflows_is_unknown():
    stats = cyclictest_stats(histogram({3: 98}, overflows=2, max_us=4000), 10)
    assert stats["samples"] == 100
    assert stats["p50_us"] == 3
    assert stats["p99_us"] is None
    assert stats["p99_9_us"] is None
    assert stats["max_us"] == 4000


def test_percentile_boundary():
    # 1000 samples: p99.9 is the 999th, which is still in bucket 5; the 1000th is the outlier.
    assert percentile({5: 999, 80: 1}, 0, 0.999) == 5
    assert percentile({5: 998, 80: 2}, 0, 0.999) == 80


def test_rejects_output_without_summary():
    with pytest.raises(LatencyParseError, match="Max Latencies"):
        parse_cyclictest("000001 000003\n")


def test_rejects_a_run_without_samples():
    with pytest.raises(LatencyParseError, match="no samples"):
        parse_cyclictest("000001 000000\n# Max Latencies: 00000\n# Histogram Overflows: 00000\n")


def test_table_lines_and_overflow_cells():
    before = {
        "host": "engine-1",
        "label": "before",
        "runs": [
            {"cpu_role": "engine", "cpu": 6, "stats": cyclictest_stats(histogram({3: 98}, overflows=2), 10)},
        ],
    }
    after = {
        "host": "engine-1",
        "label": "after",
        "runs": [{"cpu_role": "engine", "cpu": 6, "stats": cyclictest_stats(histogram({2: 100}), 10)}],
    }
    lines = latency_table([before, after])
    assert lines[0].split() == [
        "host",
        "label",
        "cpu",
        "role",
        "cpu",
        "samples",
        "p50",
        "us",
        "p99",
        "us",
        "p99.9",
        "us",
        "max",
        "us",
    ]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split() == ["engine-1", "before", "engine", "6", "100", "3", ">=10", ">=10", "3"]
    assert lines[3].split() == ["engine-1", "after", "engine", "6", "100", "2", "2", "2", "2"]


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {
        "cyclictest_stats",
        "cyclictest_runs",
        "latency_table",
        "sockperf_pairs",
        "sockperf_runs",
        "sockperf_stats",
    }


def test_runs_from_registered_loop_results():
    results = [
        {"item": {"role": "engine", "cpu": "6"}, "stdout": histogram({4: 10})},
        {"item": {"role": "housekeeping", "cpu": 1}, "stdout": histogram({2: 10})},
    ]
    runs = FilterModule().filters()["cyclictest_runs"](results, 10)
    assert [(r["cpu_role"], r["cpu"], r["stats"]["p50_us"]) for r in runs] == [
        ("engine", 6, 4),
        ("housekeeping", 1, 2),
    ]


# sockperf 3.7 (Debian bookworm) output, recorded on 127.0.0.1.
SOCKPERF = Path(__file__).resolve().parents[3] / "fixtures" / "sockperf"


def test_sockperf_udp_report_is_parsed():
    stats = sockperf_stats((SOCKPERF / "pingpong-udp.txt").read_text())
    assert stats == {
        "observations": 294246,
        "dropped": 0,
        "min_us": 2.244,
        "avg_us": 2.618,
        "max_us": 133.268,
        "p50_us": 2.458,
        "p99_us": 7.15,
        "p99_9_us": 20.999,
    }


def test_sockperf_tcp_report_is_parsed():
    stats = sockperf_stats((SOCKPERF / "pingpong-tcp.txt").read_text())
    assert stats["observations"] > 0
    assert stats["min_us"] <= stats["p50_us"] <= stats["p99_us"] <= stats["p99_9_us"] <= stats["max_us"]


def test_sockperf_without_a_server_says_so():
    with pytest.raises(LatencyParseError, match="no answer from the server"):
        sockperf_stats((SOCKPERF / "pingpong-no-server.txt").read_text())


def test_sockperf_rejects_other_output():
    with pytest.raises(LatencyParseError, match="not sockperf ping-pong output"):
        sockperf_stats("sockperf: unrecognized option '--bogus'\n")
    report = (SOCKPERF / "pingpong-udp.txt").read_text()
    with pytest.raises(LatencyParseError, match=r"no percentile 99\.900"):
        sockperf_stats("\n".join(line for line in report.splitlines() if "99.900" not in line))
    with pytest.raises(LatencyParseError, match="no round trips"):
        sockperf_stats(report.replace("Total 294246 observations", "Total 0 observations"))


def test_sockperf_pairs_within_placement_groups():
    hosts = [
        ("e3", "pg-a"),
        ("e1", "pg-a"),
        ("e2", "pg-b"),
        ("lonely", ""),
        ("e4", "pg-b"),
        ("x", None),
        ("e5", "pg-a"),
    ]
    assert sockperf_pairs(hosts) == [
        {"client": "e3", "server": "e1", "placement_group": "pg-a"},
        {"client": "e5", "server": "e1", "placement_group": "pg-a"},
        {"client": "e4", "server": "e2", "placement_group": "pg-b"},
    ]
    assert sockperf_pairs([("a", "pg"), ("b", "other")]) == []


def test_sockperf_runs_and_table():
    item = {"server": "e1", "address": "10.0.0.5", "protocol": "udp", "msg_size": 64, "seconds": 10, "cpu": 6}
    results = [
        {"item": item, "stdout": (SOCKPERF / "pingpong-udp.txt").read_text()},
        {"item": {"server": "e9"}, "skipped": True},
    ]
    runs = sockperf_runs(results)
    assert len(runs) == 1
    assert runs[0]["address"] == "10.0.0.5" and runs[0]["stats"]["p99_us"] == 7.15
    lines = latency_table([{"host": "e2", "label": "after", "runs": [], "sockperf": runs}])
    assert lines[0] == "sockperf ping-pong (latency = half the round trip)"
    assert lines[1].split() == [
        "client",
        "label",
        "server",
        "proto",
        "bytes",
        "cpu",
        "round",
        "trips",
        "dropped",
        "p50",
        "us",
        "p99",
        "us",
        "p99.9",
        "us",
        "max",
        "us",
    ]
    assert lines[3].split() == [
        "e2",
        "after",
        "e1",
        "udp",
        "64",
        "6",
        "294246",
        "0",
        "2.5",
        "7.2",
        "21.0",
        "133.3",
    ]
