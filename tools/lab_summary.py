#!/usr/bin/env python3
"""Print the lab's per-host summary from the audit JSON files playbooks/audit.yml wrote."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def summarize(report: dict) -> list[str]:
    plan = report.get("plan") or {}
    fixture = report.get("fixture")
    topo = plan.get("topology", {})
    shape = f"{topo.get('instance_type') or 'unknown'}" + (
        f" (fixture {fixture}, not this machine)" if fixture else ""
    )
    lines = [
        f"{report['host']}: {shape}",
        f"  plan: housekeeping {plan.get('housekeeping')} | irq {plan.get('irq')} ({plan.get('irq_mode')}) | "
        f"isolated {plan.get('isolated')} | engine {plan.get('engine')} | NUMA node {plan.get('numa_node')}",
        f"  hugepages: {plan.get('hugepages')}",
    ]
    per_role: dict[str, Counter] = {}
    for row in report["rows"]:
        per_role.setdefault(row["role"], Counter())[row["status"]] += 1
    for role, counts in sorted(per_role.items()):
        lines.append(f"  {role:14} {counts['ok']:3} ok {counts['drift']:3} drift {counts['n/a']:3} n/a")
    s = report["summary"]
    lines.append(f"  total          {s['ok']:3} ok {s['drift']:3} drift {s['n/a']:3} n/a")
    return lines


def main(argv: list[str]) -> int:
    directory = Path(argv[1] if len(argv) > 1 else ".cache/lab/audit")
    reports = sorted(directory.glob("*.json"))
    if not reports:
        print(f"no audit reports in {directory}", file=sys.stderr)
        return 1
    print("== lab summary: what was tuned per host (runtime knobs are n/a inside containers)")
    for path in reports:
        print("\n".join(summarize(json.loads(path.read_text()))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
