"""benchmarks/converge.py: what it reads from a run's output and how it sums repeats up."""

from __future__ import annotations

import pytest

from benchmarks import converge

RECAP = """
TASK [Print the audit table] ****
ok: [lowlat-lab-engine-1]

PLAY RECAP *********************************************************************
lowlat-lab-engine-1        : ok=200  changed=59   unreachable=0    failed=0    skipped=95   rescued=0    ignored=0
lowlat-lab-engine-2        : ok=201  changed=60   unreachable=0    failed=0    skipped=95   rescued=0    ignored=0
lowlat-lab-feed-1          : ok=62   changed=18   unreachable=0    failed=0    skipped=21   rescued=0    ignored=0
"""


def test_recap_gives_tasks_and_changes_per_host():
    tasks, changed = converge.parse_recap(RECAP)
    assert tasks == {"lowlat-lab-engine-1": 295, "lowlat-lab-engine-2": 296, "lowlat-lab-feed-1": 83}
    assert changed["lowlat-lab-engine-2"] == 60


def test_only_the_last_recap_counts():
    earlier = RECAP.replace("changed=59", "changed=1")
    _, changed = converge.parse_recap(earlier + RECAP)
    assert changed["lowlat-lab-engine-1"] == 59


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no recap here", "no PLAY RECAP"),
        (
            RECAP.replace(
                "failed=0    skipped=95   rescued=0    ignored=0\nlowlat-lab-engine-2",
                "failed=1    skipped=95   rescued=0    ignored=0\nlowlat-lab-engine-2",
                1,
            ),
            "lowlat-lab-engine-1 failed",
        ),
    ],
)
def test_a_failed_or_missing_recap_stops_the_benchmark(text, message):
    with pytest.raises(SystemExit, match=message):
        converge.parse_recap(text)


def run(name: str, wall: float, engine_tasks: int = 100) -> converge.Run:
    hosts = {"lowlat-lab-engine-1": engine_tasks, "lowlat-lab-feed-1": 10}
    return converge.Run(name, wall, wall / 2, hosts, {h: 0 for h in hosts}, "log")


def test_summary_takes_medians_and_engine_hosts_only():
    repeats = [
        [run(n, w * k) for n, w in zip(converge.RUNS, (200, 50, 60, 10), strict=True)] for k in (1, 2, 3)
    ]
    table = converge.summarise(repeats)
    assert (
        table["first"]["wall"] == 400
        and table["first"]["wall_min"] == 200
        and table["first"]["wall_max"] == 600
    )
    assert table["noop"]["tasks_per_host"] == 100
    assert table["ratio"]["noop_over_first"] == 0.25
    assert "| default | noop | 100 | 50-150 |" in converge.markdown({"default": table}, "all", 3)


def test_unknown_variant_is_refused():
    with pytest.raises(SystemExit, match="unknown variant 'turbo'"):
        converge.variant("turbo")
