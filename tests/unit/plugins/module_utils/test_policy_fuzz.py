"""Arbitrary JSON-like input at every entry point: a plan whose invariants hold, or the entry point's own
error, never anything else (no AttributeError or TypeError traceback reaches a user)."""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError
from hypothesis import event, given, settings
from hypothesis import strategies as st

from ansible_collections.lowlat.trading.plugins.filter.plan import shape_plan
from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import parse_cpulist
from ansible_collections.lowlat.trading.plugins.module_utils.input_checks import InputError
from ansible_collections.lowlat.trading.plugins.module_utils.irq_inputs import irq_inputs
from ansible_collections.lowlat.trading.plugins.module_utils.planner import PlanError, make_plan
from ansible_collections.lowlat.trading.plugins.module_utils.policy import OPTIONS
from tests.unit.plugins.module_utils.planner_topologies import build_topology

FUZZ = settings(max_examples=200, deadline=None)
TOPOLOGIES = {
    "c5n.large": build_topology(1, 1, 2),
    "c5n.xlarge": build_topology(1, 2, 2),
    "c5n.9xlarge": build_topology(1, 18, 2),
    "c5n.18xlarge": build_topology(2, 18, 2),
    "c5n.18xlarge-smt-off": build_topology(2, 18, 1),
    "offline-nic-node1": build_topology(2, 6, 2, offline_cores={3, 7}, nic_node=1),
}
SHAPES = [
    {"vcpus": 2, "cores": 1, "threads_per_core": 2, "memory_mib": 5376, "instance_type": "c5n.large"},
    {"vcpus": 36, "cores": 18, "threads_per_core": 2, "memory_mib": 98304, "instance_type": "c5n.9xlarge"},
    {"vcpus": 72, "cores": 36, "threads_per_core": 2, "memory_mib": 196608, "instance_type": "c5n.18xlarge"},
]

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=80),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
JSON_LIKE = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
# Values a user might really write, so that a fair share of the policies plan.
PLAUSIBLE = st.sampled_from(
    [
        "auto",
        "AUTO",
        "0",
        "0,36",
        "0-1",
        "2-5",
        [0, 18],
        "",
        [],
        "yes",
        "no",
        "true",
        "off",
        "dedicated",
        "housekeeping",
        "use_siblings",
        "idle_sibling",
        "require_off",
        "nic",
        "all",
        0,
        1,
        2,
        "2",
        0.5,
        "0.5",
        True,
        False,
        None,
    ]
)
CPU_SETS = ["auto", "AUTO", "0", "0,36", "0-1", "1,19", "2-5", [0, 18], "", []]
# Per option, values that are mostly right, so that many policies get as far as the planner.
SENSIBLE = {
    "housekeeping": CPU_SETS,
    "housekeeping_cores_per_node": [1, 2, "1", 0],
    "irq_mode": ["auto", "dedicated", "housekeeping", "shared"],
    "irq_cpus": CPU_SETS,
    "irq_cores": [1, 2, "1"],
    "isolated": CPU_SETS,
    "engine_cpus": CPU_SETS,
    "engine_cpu_count": [0, 1, 4, "2", -1],
    "smt": ["use_siblings", "idle_sibling", "require_off"],
    "allow_sibling_split": [True, False, "yes", "no", "maybe"],
    "nic_numa_node": ["auto", 0, 1, "1", True],
    "hugepages_2m": [0, 16, "64", 10**6],
    "hugepages_1g": [0, 1, 4],
    "hugepages_nodes": ["nic", "all", [0], "0-1", []],
    "hugepages_max_share": [0.5, "0.5", 0.9, 1],
}
MOSTLY_RIGHT = st.fixed_dictionaries({}, optional={key: st.sampled_from(v) for key, v in SENSIBLE.items()})
KEYS = st.one_of(st.sampled_from(sorted(OPTIONS)), st.sampled_from(sorted(OPTIONS)), st.text(max_size=14))
POLICIES = st.one_of(
    MOSTLY_RIGHT,
    MOSTLY_RIGHT,
    st.dictionaries(KEYS, st.one_of(PLAUSIBLE, JSON_LIKE), max_size=6),
    st.dictionaries(st.sampled_from(sorted(OPTIONS)), PLAUSIBLE, max_size=5),
    JSON_LIKE,
)


def _kind(err: Exception) -> str:
    return re.sub(r"[0-9,-]+|'[^']*'", "N", str(err))[:40]


def _cpus(plan: dict, name: str) -> set[int]:
    return set(parse_cpulist(plan[name]))


def check_invariants(topo, plan: dict) -> None:
    online = set(topo.online)
    hk, irq, iso, engine = (_cpus(plan, name) for name in ("housekeeping", "irq", "isolated", "engine"))
    assert hk | irq | iso | engine <= online, "every CPU of the plan exists on the topology"
    assert hk | irq | iso == online
    assert hk and irq and engine, "no set the plan hands out is empty"
    assert engine <= iso
    assert not engine & hk and not engine & irq
    assert not iso & hk and not iso & irq
    if plan["irq_mode"] == "dedicated":
        assert not irq & hk
    else:
        assert irq <= hk
    assert iso != online and 0 not in iso, "the isolated set is never every CPU"
    assert plan["numa_node"] in topo.nodes
    assert all(topo.node_of(cpu) == plan["numa_node"] for cpu in engine)
    assert all(entry["node"] in topo.nodes for entry in plan["hugepages"])


@FUZZ
@given(name=st.sampled_from(sorted(TOPOLOGIES)), policy=POLICIES)
def test_any_policy_gives_a_sound_plan_or_a_plan_error(name, policy):
    topo = TOPOLOGIES[name]
    try:
        plan = make_plan(topo, policy)
    except PlanError as err:  # PolicyError included; anything else fails the test
        event(f"{type(err).__name__}: {_kind(err)}")
        return
    event("plan")
    check_invariants(topo, plan)


@settings(max_examples=100, deadline=None)
@given(shape=st.sampled_from(SHAPES), policy=POLICIES)
def test_any_policy_through_the_filter_gives_a_result_or_a_filter_error(shape, policy):
    try:
        result = shape_plan(shape, policy)
    except AnsibleFilterError as err:
        assert str(err).startswith("shape_plan: invalid policy: ")
        event("filter error")
        return
    assert set(result) == {"error", "plan"}
    assert (result["plan"] is None) == bool(result["error"])
    event("plan" if result["plan"] else "error")


IRQ_PARAMS = {
    "cpus": st.one_of(st.sampled_from(["0", "1,19", "0-3", [1, 2]]), JSON_LIKE),
    "device": st.one_of(st.none(), st.sampled_from(["eth0", "ens5"]), st.text(max_size=20)),
    "exclude_device": st.one_of(st.none(), st.text(max_size=20)),
    "irqs": st.one_of(
        st.lists(st.integers(min_value=0, max_value=70000), max_size=4), st.lists(JSON_LIKE, max_size=3)
    ),
    "match": st.one_of(
        st.lists(st.sampled_from(["^eth0-", "nvme", "ena-mgmnt"]), max_size=2), st.lists(JSON_LIKE)
    ),
    "exclude_match": st.lists(st.one_of(st.text(max_size=10), JSON_LIKE), max_size=3),
}


@FUZZ
@given(params=st.fixed_dictionaries(IRQ_PARAMS))
def test_any_irq_affinity_input_is_checked_or_refused(params):
    try:
        clean = irq_inputs(params)
    except InputError as err:
        event(_kind(err))
        return
    assert clean["cpus"] and all(isinstance(cpu, int) for cpu in clean["cpus"])
    assert all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 65535 for n in clean["irqs"])
    for pattern in clean["match"] + clean["exclude_match"]:
        re.compile(pattern)
