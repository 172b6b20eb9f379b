"""Controller-side preflight: run the planner on an instance type's CPU shape before connecting."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from jinja2 import Undefined

from ansible_collections.lowlat.trading.plugins.module_utils.plan_contract import plan_problem
from ansible_collections.lowlat.trading.plugins.module_utils.planner import PlanError, make_plan
from ansible_collections.lowlat.trading.plugins.module_utils.policy import PolicyError, validate_policy
from ansible_collections.lowlat.trading.plugins.module_utils.shape import launched_shape, topology_from_shape

HOST_DECIDES_SMT = (
    "the inventory has no CPU options that say whether SMT is off, so SMT is checked on the host "
    "(its real topology) for smt require_off"
)


def shape_plan(shape: dict, policy: dict | None = None, cpu_options: dict | None = None) -> dict:
    """{'error': '' or the planner's message, 'plan': plan or None}.

    A bad policy value (policy.validate_policy) is an AnsibleFilterError, not an 'error': the policy is
    wrong whatever the instance type, so the task fails with the message naming the option.

    cpu_options (the inventory's ec2_cpu_options) say how the instance was launched: ThreadsPerCore 1 is
    SMT off by construction, 2 is SMT on. Without them smt require_off is left to the host's topology:
    the preflight plans the one shape require_off accepts, and the on-host plan refuses siblings.
    """
    if isinstance(shape, Undefined):
        # ansible-core < 2.19 calls filters with undefined input: say "undefined", as Jinja would.
        shape._fail_with_undefined_error()
    if not isinstance(shape, dict):
        raise AnsibleFilterError(f"shape_plan expects the lowlat_cpu_shape dict, got {type(shape).__name__}")
    try:
        policy = validate_policy(policy)
    except PolicyError as err:
        raise AnsibleFilterError(f"shape_plan: invalid policy: {err}") from None
    try:
        launched = launched_shape(shape, cpu_options)
        host_decides = launched is None and policy.smt == "require_off"
        if host_decides:
            launched = {**shape, "threads_per_core": 1, "vcpus": shape["cores"]}
        topo = topology_from_shape(launched or shape)
    except (KeyError, TypeError, ValueError) as err:
        raise AnsibleFilterError(f"shape_plan: {err}") from err
    try:
        plan = make_plan(topo, policy)
    except PlanError as err:
        return {"error": str(err), "plan": None}
    if host_decides:
        plan["notes"].append(HOST_DECIDES_SMT)
    return {"error": "", "plan": plan}


def plan_problem_filter(plan) -> str:
    """'' for a plan of this collection's contract, else what is wrong and what to run (a role's preflight)."""
    if isinstance(plan, Undefined):
        plan = None
    return plan_problem(plan)


class FilterModule:
    def filters(self):
        return {"shape_plan": shape_plan, "plan_problem": plan_problem_filter}
