"""The kernel role's settings as roles/kernel/vars/main.yml passes them (its defaults, prefix dropped) and plans
from the planner on built topologies, for the kernel_tuning and kernel_checks tests."""

from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.lowlat.trading.plugins.module_utils.planner import make_plan
from tests.unit.plugins.module_utils.planner_topologies import build_topology

DEFAULTS = Path(__file__).resolve().parents[4] / "roles" / "kernel" / "defaults" / "main.yml"


def settings(plan: dict, **overrides) -> dict:
    """The role's defaults with their templated values resolved as Ansible would for `plan`."""
    raw = yaml.safe_load(DEFAULTS.read_text())
    out = {key.removeprefix("kernel_"): value for key, value in raw.items()}
    out["update_bootloader"] = True
    out["sysctls"] = {**out["sysctls"], "kernel.watchdog_cpumask": plan["housekeeping"]}
    out.update(overrides)
    return out


def plan(
    nodes: int = 1, cores: int = 8, threads: int = 2, instance_type: str = "c5n.9xlarge", **policy
) -> dict:
    built = make_plan(build_topology(nodes, cores, threads), policy)
    built["topology"]["instance_type"] = instance_type
    return built
