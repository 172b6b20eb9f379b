"""Lab smoke test: `tools/lab.sh up` end to end, then what it claims is checked from outside.

The chain under test: moto EC2 API -> lowlat_ec2 inventory -> playbooks/site.yml (tune, reboot
where needed, deploy engine/simulators/monitoring, audit) -> Prometheus scraping the engines ->
the summary's p99. The lab is torn down at the end even when a check fails, and the teardown is
checked too. It uses the lab's fixed container names and 127.0.0.1 ports, so it replaces a lab
that is already up.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS = "http://127.0.0.1:19090"
ALERTMANAGER = "http://127.0.0.1:19093"
AUDIT_DIR = REPO / ".cache" / "lab" / "audit"
HOSTS = {
    "lowlat-lab-engine-1": "engine",
    "lowlat-lab-engine-2": "engine",
    "lowlat-lab-feed-1": "feed",
    "lowlat-lab-venue-1": "venue",
    "lowlat-lab-mon-1": "monitoring",
}


def lab(command: str) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, "LOWLAT_LAB_PROMETHEUS_PORT": "19090", "LOWLAT_LAB_ALERTMANAGER_PORT": "19093"}
    start = time.monotonic()
    proc = subprocess.run(
        [str(REPO / "tools" / "lab.sh"), command],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    return proc, time.monotonic() - start


def lab_containers() -> list[str]:
    out = subprocess.run(
        ["podman", "ps", "-a", "--filter", "label=lowlat.lab=1", "--format", "{{.Names}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(out.split())


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def lab_up():
    lab("down")
    for report in AUDIT_DIR.glob("*.json"):
        report.unlink()
    try:
        proc, seconds = lab("up")
        print(f"\nlab first run: {seconds:.0f} s")
        assert proc.returncode == 0, f"lab.sh up failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
        yield proc.stdout
    finally:
        down, _ = lab("down")
        assert down.returncode == 0, down.stderr
        assert lab_containers() == [], "lab.sh down left containers behind"


def recap(output: str) -> dict[str, dict[str, int]]:
    """PLAY RECAP counters per host."""
    counts = {}
    for host, fields in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, flags=re.MULTILINE):
        counts[host] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", fields)}
    return counts


def test_every_lab_host_converged_without_failures(lab_up):
    counts = recap(lab_up)
    assert set(HOSTS) <= set(counts), counts
    for host in HOSTS:
        assert counts[host]["failed"] == 0 and counts[host]["unreachable"] == 0, (host, counts[host])


def test_audit_has_no_drift_on_any_host(lab_up):
    reports = {p.stem: json.loads(p.read_text()) for p in AUDIT_DIR.glob("*.json")}
    assert set(reports) == set(HOSTS)
    for host, report in reports.items():
        assert report["summary"]["drift"] == 0, (host, [r for r in report["rows"] if r["status"] == "drift"])
        assert report["summary"]["ok"] > 0, host


def test_summary_prints_p99_from_prometheus_and_the_urls(lab_up):
    lines = re.findall(r"^\s+(\S+)\s+p50\s+([\d.]+) us\s+p99\s+([\d.]+) us$", lab_up, flags=re.MULTILINE)
    assert len(lines) == 2, lab_up[-3000:]
    for _, p50, p99 in lines:
        assert 0 < float(p50) <= float(p99)
    assert f"Prometheus    {PROMETHEUS}" in lab_up
    assert f"Alertmanager  {ALERTMANAGER}" in lab_up


def test_prometheus_scrapes_every_target(lab_up):
    targets = get_json(f"{PROMETHEUS}/api/v1/targets")["data"]["activeTargets"]
    by_job: dict[str, list[str]] = {}
    for target in targets:
        assert target["health"] == "up", target
        by_job.setdefault(target["labels"]["job"], []).append(target["labels"]["instance"])
    engine_jobs = [job for job in by_job if "engine" in job]
    assert engine_jobs and sum(len(by_job[j]) for j in engine_jobs) == 2, by_job
    node_jobs = [job for job in by_job if "node" in job]
    assert node_jobs and sum(len(by_job[j]) for j in node_jobs) == len(HOSTS), by_job


def test_engines_are_ready_and_trading(lab_up):
    ready = get_json(f"{PROMETHEUS}/api/v1/query?query=lowlat_engine_ready")["data"]["result"]
    assert len(ready) == 2 and all(float(r["value"][1]) == 1 for r in ready), ready
    sent = get_json(f"{PROMETHEUS}/api/v1/query?query=lowlat_engine_orders_sent_total")["data"]["result"]
    assert len(sent) == 2 and all(float(r["value"][1]) > 0 for r in sent), sent


def test_every_dashboard_query_returns_series(lab_up):
    # Recording rules and rate() windows fill over the first minutes of scraping: poll, bounded.
    deadline = time.monotonic() + 240
    while True:
        proc = check_dashboards()
        if proc.returncode == 0 or time.monotonic() > deadline:
            break
        time.sleep(15)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def check_dashboards() -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "python"),
            str(REPO / "tools" / "check_dashboards.py"),
            "--prometheus",
            PROMETHEUS,
            "--dashboards",
            str(REPO / "roles" / "grafana_dashboards" / "files" / "dashboards"),
            # The only panels with no source in the lab; everything else must return series.
            "--absent-ok",
            r"node_ethtool_\w+_allowance_exceeded=no ENA NIC in the lab containers",
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_alertmanager_is_ready_and_knows_prometheus(lab_up):
    with urllib.request.urlopen(f"{ALERTMANAGER}/-/ready", timeout=10) as response:
        assert response.status == 200
    alertmanagers = get_json(f"{PROMETHEUS}/api/v1/alertmanagers")["data"]["activeAlertmanagers"]
    assert alertmanagers, "Prometheus has no Alertmanager"
