#!/usr/bin/env python3
"""Print the lab's summary: the audit per host, and the engines' tick-to-trade p99 read from Prometheus.

    lab_summary.py AUDIT_DIR [--prometheus URL --engines N --wait SECONDS] [--alertmanager URL]

With --prometheus it waits until Prometheus has a tick-to-trade rate from N engines (it fails after
--wait seconds), then prints each engine's p50/p99 over the last minute and the local URLs.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

# Per engine instance, over the last minute of scrapes.
P_QUERY = (
    "histogram_quantile({q}, sum by (instance, le) (rate(lowlat_engine_tick_to_trade_seconds_bucket[1m])))"
)


def summarize(report: dict) -> list[str]:
    plan = report.get("plan") or {}
    fixture = report.get("fixture")
    topo = plan.get("topology", {})
    shape = f"{topo.get('instance_type') or 'unknown'}" + (
        f" (fixture {fixture}, not this machine)" if fixture else ""
    )
    if plan:
        lines = [
            f"{report['host']}: {shape}",
            f"  plan: housekeeping {plan.get('housekeeping')} | irq {plan.get('irq')} ({plan.get('irq_mode')}) | "
            f"isolated {plan.get('isolated')} | engine {plan.get('engine')} | NUMA node {plan.get('numa_node')}",
            f"  hugepages: {plan.get('hugepages')}",
        ]
    else:
        lines = [f"{report['host']}: not tuned (services only)"]
    per_role: dict[str, Counter] = {}
    for row in report["rows"]:
        per_role.setdefault(row["role"], Counter())[row["status"]] += 1
    for role, counts in sorted(per_role.items()):
        lines.append(f"  {role:18} {counts['ok']:3} ok {counts['drift']:3} drift {counts['n/a']:3} n/a")
    s = report["summary"]
    lines.append(f"  {'total':18} {s['ok']:3} ok {s['drift']:3} drift {s['n/a']:3} n/a")
    return lines


def query(prometheus: str, expr: str) -> list[dict]:
    url = f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(f"Prometheus refused {expr!r}: {body}")
    return body["data"]["result"]


def latency_by_instance(prometheus: str, q: float) -> dict[str, float]:
    """Engine instance -> tick-to-trade quantile in seconds (engines with no trades yet are left out)."""
    values = {}
    for series in query(prometheus, P_QUERY.format(q=q)):
        value = float(series["value"][1])
        if not math.isnan(value):
            values[series["metric"].get("instance", "?")] = value
    return values


def targets_not_up(prometheus: str) -> list[str]:
    """Scrape targets that are not (yet) healthy."""
    with urllib.request.urlopen(f"{prometheus}/api/v1/targets?state=active", timeout=10) as response:
        targets = json.load(response)["data"]["activeTargets"]
    return [f"{t['labels'].get('instance')} ({t['health']})" for t in targets if t["health"] != "up"]


def wait_for_latency(prometheus: str, engines: int, wait: float) -> dict[str, float]:
    """Wait until every target is up and N engines have a tick-to-trade rate."""
    deadline = time.monotonic() + wait
    seen: dict[str, float] = {}
    last_error = ""
    while time.monotonic() < deadline:
        try:
            seen = latency_by_instance(prometheus, 0.99)
            pending = targets_not_up(prometheus)
            if len(seen) >= engines and not pending:
                return seen
            last_error = f" (targets not up: {', '.join(pending)})" if pending else ""
        except (urllib.error.URLError, OSError, RuntimeError) as exc:
            last_error = f" (last error: {exc})"
        time.sleep(5)
    raise SystemExit(
        f"Prometheus at {prometheus} had tick-to-trade latency from {len(seen)} of {engines} engines "
        f"after {wait:.0f} s{last_error}; check the engines' /readyz and Prometheus' targets page"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audit_dir", type=Path, nargs="?", default=Path(".cache/lab/audit"))
    parser.add_argument("--prometheus", help="Prometheus base URL")
    parser.add_argument("--alertmanager", help="Alertmanager base URL (printed)")
    parser.add_argument("--engines", type=int, default=1, help="engines that must report latency")
    parser.add_argument("--wait", type=float, default=300.0, help="seconds to wait for their latency")
    args = parser.parse_args(argv)
    reports = sorted(args.audit_dir.glob("*.json"))
    if not reports:
        print(f"no audit reports in {args.audit_dir}", file=sys.stderr)
        return 1
    print("== lab summary: audit per host (runtime knobs are n/a inside containers)")
    for path in reports:
        print("\n".join(summarize(json.loads(path.read_text()))))
    if args.prometheus:
        started = time.monotonic()
        p99 = wait_for_latency(args.prometheus, args.engines, args.wait)
        p50 = latency_by_instance(args.prometheus, 0.5)
        print(f"== tick-to-trade from Prometheus (last minute; waited {time.monotonic() - started:.0f} s)")
        for instance in sorted(p99):
            median = p50.get(instance, math.nan) * 1e6
            print(f"  {instance:24} p50 {median:9.1f} us   p99 {p99[instance] * 1e6:9.1f} us")
        print("== local URLs")
        print(f"  Prometheus    {args.prometheus}")
        if args.alertmanager:
            print(f"  Alertmanager  {args.alertmanager}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
