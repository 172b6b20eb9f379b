"""Controller-side preflight: run the planner on an instance type's CPU shape before connecting."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.lowlat.trading.plugins.module_utils.planner import PlanError, make_plan
from ansible_collections.lowlat.trading.plugins.module_utils.shape import topology_from_shape


def shape_plan(shape: dict, policy: dict | None = None) -> dict:
    """{'error': '' or the planner's message, 'plan': plan or None}."""
    if not isinstance(shape, dict):
        raise AnsibleFilterError(f"shape_plan expects the lowlat_cpu_shape dict, got {type(shape).__name__}")
    try:
        topo = topology_from_shape(shape)
    except (KeyError, ValueError) as err:
        raise AnsibleFilterError(f"shape_plan: {err}") from err
    try:
        return {"error": "", "plan": make_plan(topo, policy or {})}
    except PlanError as err:
        return {"error": str(err), "plan": None}


class FilterModule:
    def filters(self):
        return {"shape_plan": shape_plan}
