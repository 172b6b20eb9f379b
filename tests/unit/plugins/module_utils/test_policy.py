"""Bad policy values through the python API (make_plan): every one refused with the exact message.

The same check guards the cpu_plan module (tests/unit/plugins/modules/test_cpu_plan.py), the
shape_plan filter (tests/unit/plugins/modules/test_shape_plan.py) and so the plan role;
test_policy_fuzz.py (next to this file) feeds it arbitrary JSON-like policies.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.lowlat.trading.plugins.module_utils.planner import PlanError, Policy, make_plan
from ansible_collections.lowlat.trading.plugins.module_utils.policy import (
    IRQ_MODES,
    OPTIONS,
    SMT_POLICIES,
    PolicyError,
    validate_policy,
)
from tests.unit.plugins.module_utils.planner_topologies import build_topology

REPO_ROOT = Path(__file__).resolve().parents[4]
TOPO = build_topology(nodes=2, cores_per_node=18, threads=2)  # laid out as a c5n.18xlarge
CPU_LIST = "a non-empty CPU list such as '2-5,8' (a string, a CPU id or a list of them)"
KNOWN = (
    "allow_sibling_split, engine_cpu_count, engine_cpus, housekeeping, housekeeping_cores_per_node, "
    "hugepages_1g, hugepages_2m, hugepages_max_share, hugepages_nodes, irq_cores, irq_cpus, irq_mode, "
    "isolated, nic_numa_node, smt"
)
BOOL = "must be true or false (yes/no, on/off and 1/0 work too), given"
SHARE = (
    "hugepages_max_share must be a number above 0 and at most 0.9 (the kernel and the engine need the "
    "rest), given"
)
NODES = "hugepages_nodes must be nic, all or a non-empty list of NUMA node ids such as '0-1', given"
NIC_NODE = "nic_numa_node must be auto or a NUMA node id from 0 to 1023, given"


def row(policy, message, ident):
    return pytest.param(policy, message, id=ident)


BAD_POLICIES = [
    # the policy itself
    row(
        ["smt"],
        "the policy must be a mapping of option names to values, given ['smt']; write it as a dict such as "
        "{smt: idle_sibling, hugepages_2m: 512}",
        "policy-is-a-list",
    ),
    row(
        "smt=idle_sibling",
        "the policy must be a mapping of option names to values, given 'smt=idle_sibling'; write it as a "
        "dict such as {smt: idle_sibling, hugepages_2m: 512}",
        "policy-is-a-string",
    ),
    # unknown keys, null values included
    row(
        {"hugepage_2m": 64},
        "unknown policy option 'hugepage_2m' (given 64; did you mean hugepages_2m?)",
        "typo",
    ),
    row(
        {"hugepage_2m": None},
        "unknown policy option 'hugepage_2m' (given null; did you mean hugepages_2m?)",
        "typo-with-null-value",
    ),
    row(
        {"frobnicate": 1},
        f"unknown policy option 'frobnicate' (given 1); remove it or use one of: {KNOWN}",
        "unknown-without-a-near-name",
    ),
    row(
        {"isolate": "2-5", "hugepages": 4},
        "unknown policy options 'hugepages' (given 4; did you mean hugepages_2m?), 'isolate' (given '2-5'; "
        "did you mean isolated?)",
        "two-unknown",
    ),
    row({1: "x"}, f"unknown policy option 1 (given 'x'); remove it or use one of: {KNOWN}", "non-string-key"),
    # booleans
    row({"allow_sibling_split": "maybe"}, f"allow_sibling_split {BOOL} 'maybe'", "bool-word"),
    row({"allow_sibling_split": 2}, f"allow_sibling_split {BOOL} 2", "bool-int-2"),
    row({"allow_sibling_split": ""}, f"allow_sibling_split {BOOL} ''", "bool-empty-string"),
    row({"allow_sibling_split": [True]}, f"allow_sibling_split {BOOL} [True]", "bool-in-a-list"),
    # whole numbers
    row(
        {"irq_cores": "1.5"},
        "irq_cores must be a whole number from 1 to 8192, given '1.5'",
        "int-decimal-string",
    ),
    row({"irq_cores": True}, "irq_cores must be a whole number from 1 to 8192, given true", "int-bool"),
    row(
        {"engine_cpu_count": 2.0},
        "engine_cpu_count must be a whole number from 0 to 8192, given 2.0",
        "int-float",
    ),
    row(
        {"housekeeping_cores_per_node": 0},
        "housekeeping_cores_per_node must be a whole number from 1 to 8192, given 0",
        "int-below-range",
    ),
    row(
        {"engine_cpu_count": -1},
        "engine_cpu_count must be a whole number from 0 to 8192, given -1",
        "int-negative",
    ),
    row(
        {"engine_cpu_count": "-1"},
        "engine_cpu_count must be a whole number from 0 to 8192, given '-1'",
        "int-negative-string",
    ),
    row(
        {"hugepages_2m": 16777217},
        "hugepages_2m must be a whole number from 0 to 16777216, given 16777217",
        "int-above-range",
    ),
    row(
        {"hugepages_1g": "lots"},
        "hugepages_1g must be a whole number from 0 to 32768, given 'lots'",
        "int-word",
    ),
    row(
        {"engine_cpu_count": "9" * 30},
        f"engine_cpu_count must be a whole number from 0 to 8192, given '{'9' * 30}'",
        "int-huge-digit-string",
    ),
    # numbers
    row({"hugepages_max_share": 0.95}, f"{SHARE} 0.95", "share-too-high"),
    row({"hugepages_max_share": 0}, f"{SHARE} 0", "share-zero"),
    row({"hugepages_max_share": "half"}, f"{SHARE} 'half'", "share-word"),
    row({"hugepages_max_share": True}, f"{SHARE} true", "share-bool"),
    row({"hugepages_max_share": "nan"}, f"{SHARE} 'nan'", "share-nan"),
    # choices
    row(
        {"smt": "off"},
        "smt must be one of use_siblings, idle_sibling, require_off, given 'off'",
        "smt-unknown",
    ),
    row(
        {"smt": "idle_siblings"},
        "smt must be one of use_siblings, idle_sibling, require_off, given 'idle_siblings'; did you mean "
        "idle_sibling?",
        "smt-near-miss",
    ),
    row(
        {"irq_mode": "Dedicated"},
        "irq_mode must be one of auto, dedicated, housekeeping, given 'Dedicated'; did you mean dedicated?",
        "irq-mode-case",
    ),
    row({"irq_mode": 1}, "irq_mode must be one of auto, dedicated, housekeeping, given 1", "irq-mode-int"),
    # CPU sets
    row(
        {"engine_cpus": ""},
        f"engine_cpus must be auto or {CPU_LIST}, given ''; name at least one CPU, or use auto",
        "empty-engine-cpus",
    ),
    row(
        {"irq_cpus": "", "irq_mode": "dedicated"},
        f"irq_cpus must be auto or {CPU_LIST}, given ''; name at least one CPU, or use auto",
        "empty-irq-cpus-dedicated",
    ),
    row(
        {"housekeeping": []},
        f"housekeeping must be auto or {CPU_LIST}, given []; name at least one CPU, or use auto",
        "empty-housekeeping-list",
    ),
    row(
        {"isolated": " "},
        f"isolated must be auto or {CPU_LIST}, given ' '; name at least one CPU, or use auto",
        "blank-isolated",
    ),
    row({"engine_cpus": 2.5}, f"engine_cpus must be auto or {CPU_LIST}, given 2.5", "cpus-float"),
    row({"isolated": True}, f"isolated must be auto or {CPU_LIST}, given true", "cpus-bool"),
    row(
        {"engine_cpus": {"2": 3}}, f"engine_cpus must be auto or {CPU_LIST}, given {{'2': 3}}", "cpus-mapping"
    ),
    row({"isolated": [2, 3.5]}, f"isolated must be auto or {CPU_LIST}, given [2, 3.5]", "cpus-float-in-list"),
    row(
        {"isolated": "2-x"},
        "isolated: bad CPU list token '2-x' in '2-x': expected N, N-M or N-M:used/group",
        "cpus-malformed",
    ),
    row(
        {"irq_cpus": "3-1"},
        "irq_cpus: bad CPU list token '3-1' in '3-1': range end is below its start",
        "cpus-backwards-range",
    ),
    row(
        {"isolated": "2-4000000000"},
        "isolated: bad CPU list token '2-4000000000' in '2-4000000000': CPU ids stop at 8191",
        "cpus-absurd-range",
    ),
    # NUMA nodes
    row({"nic_numa_node": True}, f"{NIC_NODE} true", "nic-node-true"),
    row({"nic_numa_node": False}, f"{NIC_NODE} false", "nic-node-false"),
    row({"nic_numa_node": "first"}, f"{NIC_NODE} 'first'", "nic-node-word"),
    row({"nic_numa_node": 1024}, f"{NIC_NODE} 1024", "nic-node-above-range"),
    row(
        {"hugepages_2m": 8, "hugepages_nodes": "every"},
        f"{NODES} 'every'; name at least one node id, or use nic or all",
        "hugepage-nodes-word",
    ),
    row({"hugepages_nodes": "al"}, f"{NODES} 'al'; did you mean all?", "hugepage-nodes-near-miss"),
    row(
        {"hugepages_nodes": []},
        f"{NODES} []; name at least one node id, or use nic or all",
        "hugepage-nodes-empty",
    ),
    row(
        {"hugepages_nodes": [0, 1024]},
        f"{NODES} [0, 1024]; NUMA node ids stop at 1023",
        "hugepage-node-too-high",
    ),
    row(
        {"hugepages_nodes": [True]},
        f"{NODES} [True]; name at least one node id, or use nic or all",
        "hugepage-node-bool",
    ),
    # options the chosen mode ignores
    row(
        {"irq_mode": "housekeeping", "irq_cores": 2},
        "irq_cores (given 2) counts dedicated IRQ cores but irq_mode is housekeeping, which puts the IRQs on "
        "the housekeeping CPUs; drop irq_cores or set irq_mode to dedicated",
        "irq-cores-with-housekeeping-mode",
    ),
    row(
        {"irq_mode": "housekeeping", "irq_cpus": "1,37"},
        "irq_cpus names dedicated IRQ CPUs (given '1,37') but irq_mode is housekeeping, which puts the IRQs "
        "on the housekeeping CPUs; drop irq_cpus or set irq_mode to dedicated",
        "irq-cpus-with-housekeeping-mode",
    ),
    row(
        {"irq_cpus": "1,37", "irq_cores": 2},
        "irq_cores (given 2) is ignored when irq_cpus names the IRQ CPUs (given '1,37'); drop irq_cores or "
        "set irq_cpus to auto",
        "irq-cores-with-irq-cpus",
    ),
    row(
        {"housekeeping": "0,36", "housekeeping_cores_per_node": "2"},
        "housekeeping_cores_per_node (given '2') only sizes auto housekeeping but housekeeping names its CPUs "
        "(given '0,36'); drop housekeeping_cores_per_node or set housekeeping to auto",
        "housekeeping-cores-with-explicit-housekeeping",
    ),
]


@pytest.mark.parametrize(("policy", "message"), BAD_POLICIES)
def test_bad_policy_is_refused_with_the_exact_message(policy, message):
    with pytest.raises(PlanError) as err:
        make_plan(TOPO, policy)
    assert type(err.value) is PolicyError
    assert str(err.value) == message


# --- what is accepted, and as what ---------------------------------------------------------------

COERCED = [
    pytest.param({"allow_sibling_split": "no"}, {"allow_sibling_split": False}, id="no"),
    pytest.param({"allow_sibling_split": "FALSE"}, {"allow_sibling_split": False}, id="FALSE"),
    pytest.param({"allow_sibling_split": "Off"}, {"allow_sibling_split": False}, id="Off"),
    pytest.param({"allow_sibling_split": "0"}, {"allow_sibling_split": False}, id="zero-string"),
    pytest.param({"allow_sibling_split": "yes"}, {"allow_sibling_split": True}, id="yes"),
    pytest.param({"allow_sibling_split": " On "}, {"allow_sibling_split": True}, id="On"),
    pytest.param({"allow_sibling_split": 1}, {"allow_sibling_split": True}, id="one"),
    pytest.param({"irq_cores": "2"}, {"irq_cores": 2}, id="digit-string"),
    pytest.param({"engine_cpu_count": " +3 "}, {"engine_cpu_count": 3}, id="signed-digit-string"),
    pytest.param({"hugepages_max_share": "0.5"}, {"hugepages_max_share": 0.5}, id="share-string"),
    pytest.param({"hugepages_max_share": 0.9}, {"hugepages_max_share": 0.9}, id="share-at-most"),
    pytest.param({"nic_numa_node": "1"}, {"nic_numa_node": 1}, id="node-string"),
    pytest.param({"housekeeping": " AUTO "}, {"housekeeping": "auto"}, id="auto-any-case"),
    pytest.param({"engine_cpus": "5,4,23"}, {"engine_cpus": [4, 5, 23]}, id="cpulist"),
    pytest.param({"engine_cpus": ["2-3", 7]}, {"engine_cpus": [2, 3, 7]}, id="cpulist-mixed-list"),
    pytest.param({"isolated": 5}, {"isolated": [5]}, id="cpu-id"),
    pytest.param({"hugepages_nodes": "ALL"}, {"hugepages_nodes": "all"}, id="nodes-all"),
    pytest.param({"hugepages_nodes": "auto"}, {"hugepages_nodes": "nic"}, id="nodes-auto-is-nic"),
    pytest.param({"hugepages_nodes": "0-1"}, {"hugepages_nodes": [0, 1]}, id="nodes-list"),
    pytest.param({"smt": None, "irq_cores": None}, {}, id="null-is-the-default"),
    pytest.param(
        {"irq_mode": "dedicated", "irq_cores": 2}, {"irq_mode": "dedicated", "irq_cores": 2}, id="irq-cores"
    ),
    pytest.param({"irq_mode": "auto", "irq_cpus": "1,37"}, {"irq_cpus": [1, 37]}, id="irq-cpus-auto-mode"),
]


@pytest.mark.parametrize(("policy", "expected"), COERCED)
def test_values_are_coerced_as_ansible_coerces_them(policy, expected):
    assert validate_policy(policy) == Policy(**expected)


def test_no_for_a_boolean_is_false():
    """'no' used to be a truthy string, so the sibling split went through."""
    with pytest.raises(PlanError, match=r"^SMT siblings 0,36 are split across sets"):
        make_plan(TOPO, {"housekeeping": "0", "allow_sibling_split": "no"})
    assert make_plan(TOPO, {"housekeeping": "0", "allow_sibling_split": "yes"})["housekeeping"] == "0"


def test_policy_objects_are_checked_too():
    with pytest.raises(PolicyError, match=r"^smt must be one of"):
        make_plan(TOPO, Policy(smt="off"))
    with pytest.raises(PolicyError, match=r"^irq_cores \(given 2\) counts dedicated IRQ cores"):
        make_plan(TOPO, Policy(irq_mode="housekeeping", irq_cores=2))
    # A Policy cannot tell a default it was given from one it was not: defaults count as not given.
    assert make_plan(TOPO, Policy(irq_mode="housekeeping"))["irq_mode"] == "housekeeping"
    assert validate_policy(Policy(engine_cpus="2-3")) == Policy(engine_cpus=[2, 3])


def test_policy_error_is_the_planners_error():
    assert issubclass(PolicyError, PlanError)
    assert issubclass(PolicyError, ValueError)


# --- the plan role's argument spec agrees with the check ---------------------------------------


def _role_options() -> dict:
    spec = yaml.safe_load((REPO_ROOT / "roles/plan/meta/argument_specs.yml").read_text())
    options = spec["argument_specs"]["main"]["options"]
    return {
        name[len("plan_") :]: option for name, option in options.items() if name[len("plan_") :] in OPTIONS
    }


def test_the_role_passes_every_policy_option():
    defaults = yaml.safe_load((REPO_ROOT / "roles/plan/defaults/main.yml").read_text())
    role_vars = yaml.safe_load((REPO_ROOT / "roles/plan/vars/main.yml").read_text())
    assert set(_role_options()) == set(OPTIONS)
    assert set(role_vars["__plan_policy"]) == set(OPTIONS)
    for key in OPTIONS:
        assert role_vars["__plan_policy"][key] == f"{{{{ plan_{key} }}}}", key  # no | int / | bool
        assert _role_options()[key].get("default") == defaults[f"plan_{key}"], key


def test_the_role_defaults_are_a_valid_policy_and_the_planners_defaults():
    defaults = yaml.safe_load((REPO_ROOT / "roles/plan/defaults/main.yml").read_text())
    assert validate_policy({key: defaults[f"plan_{key}"] for key in OPTIONS}) == Policy()


@pytest.mark.parametrize(
    ("key", "kind", "choices"),
    [
        ("smt", "str", list(SMT_POLICIES)),
        ("irq_mode", "str", list(IRQ_MODES)),
        ("allow_sibling_split", "bool", None),
        ("hugepages_max_share", "float", None),
        ("housekeeping_cores_per_node", "int", None),
        ("irq_cores", "int", None),
        ("engine_cpu_count", "int", None),
        ("hugepages_2m", "int", None),
        ("hugepages_1g", "int", None),
        ("housekeeping", "raw", None),
        ("irq_cpus", "raw", None),
        ("isolated", "raw", None),
        ("engine_cpus", "raw", None),
        ("nic_numa_node", "raw", None),
        ("hugepages_nodes", "raw", None),
    ],
)
def test_the_role_argument_spec_types_match_the_check(key, kind, choices):
    option = _role_options()[key]
    assert option["type"] == kind
    assert option.get("choices") == choices
