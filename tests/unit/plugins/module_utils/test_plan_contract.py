"""module_utils/plan_contract: the planner's output is a plan of the contract, and what is not is refused
with what is wrong and what to run."""

from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils.plan_contract import (
    PLAN_VERSION,
    Plan,
    PlanContractError,
    plan_problem,
)
from ansible_collections.lowlat.trading.plugins.module_utils.planner import make_plan
from tests.unit.plugins.module_utils.planner_topologies import build_topology


@pytest.fixture(
    params=[
        (1, 8, 2, {}),
        (2, 18, 2, {"hugepages_2m": 64}),
        (1, 2, 1, {"housekeeping": "0", "irq_mode": "housekeeping", "allow_sibling_split": True}),
    ]
)
def plan(request):
    nodes, cores, threads, policy = request.param
    return make_plan(build_topology(nodes, cores, threads), policy)


def test_the_planners_plans_keep_the_contract_through_json(plan):
    recorded = json.loads(json.dumps(plan))  # plan.json and facts carry plain data
    typed = Plan.from_dict(recorded)
    assert typed.version == PLAN_VERSION and typed.as_dict() == plan
    assert plan_problem(recorded) == ""


def test_no_plan_says_to_run_the_plan_role():
    assert plan_problem(None).startswith("lowlat_plan is not set: run the lowlat.trading.plan role first")


def test_another_contract_version_is_refused_with_what_to_run(plan):
    problem = plan_problem({**plan, "version": PLAN_VERSION + 1})
    assert f"contract version {PLAN_VERSION + 1}" in problem and f"reads version {PLAN_VERSION}" in problem
    assert "run playbooks/tune.yml" in problem
    assert "contract version None" in plan_problem({k: v for k, v in plan.items() if k != "version"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.pop("engine"), "lowlat_plan has no engine"),
        (lambda p: p.update(nr_cpus="16"), "lowlat_plan.nr_cpus is str, the plan contract says int"),
        (lambda p: p.update(smt_active="yes"), "lowlat_plan.smt_active is str"),
        (lambda p: p.update(isolated="2-x"), "lowlat_plan.isolated is not a CPU list"),
        (lambda p: p.update(housekeeping=""), "lowlat_plan.housekeeping is empty"),
        (lambda p: p["masks"].update(irq="zz"), "lowlat_plan.masks.irq is not a CPU mask"),
        (lambda p: p["topology"].pop("cores"), "lowlat_plan.topology has no cores"),
        (
            lambda p: p.update(nic={"name": "eth0"}),
            "lowlat_plan.nic has no driver, numa_node, queue_irqs, queues",
        ),
        (
            lambda p: p.update(hugepages=[{"node": 0, "size_kb": "2048", "count": 1}]),
            "lowlat_plan.hugepages[0].size_kb is str",
        ),
    ],
)
def test_a_broken_plan_names_the_field(plan, change, message):
    broken = copy.deepcopy(plan)
    change(broken)
    with pytest.raises(PlanContractError, match=r"run playbooks/tune\.yml") as err:
        Plan.from_dict(broken)
    assert message in str(err.value)


def test_a_plan_without_a_nic_is_a_plan(plan):
    assert Plan.from_dict({**plan, "nic": None}).nic is None


def test_not_a_mapping_is_refused():
    assert plan_problem(["0-3"]).startswith("lowlat_plan is list, not a plan")
