"""The planner: default plans per shape, SMT and IRQ policies, hugepages, impossible policies, properties."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import parse_cpulist, parse_mask
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.planner import (
    PLAN_VERSION,
    PlanError,
    Policy,
    make_plan,
)
from ansible_collections.lowlat.trading.plugins.module_utils.policy import IRQ_MODES
from ansible_collections.lowlat.trading.plugins.module_utils.topology import read_topology
from tests.unit.helpers import write_file
from tests.unit.plugins.module_utils.planner_topologies import build_topology

SETS = ("housekeeping", "irq", "isolated", "engine")
MINIMAL = {"housekeeping": "0", "irq_mode": "housekeeping", "allow_sibling_split": True}
PROPS = settings(max_examples=200, deadline=None)


def cpus(plan: dict, name: str) -> set[int]:
    return set(parse_cpulist(plan[name]))


# --- default plans -----------------------------------------------------------------------------

C5N_18_NIC = {
    "name": "eth0",
    "driver": "ena",
    "numa_node": 0,
    "queue_irqs": list(range(25, 57)),
    "queues": 32,
}

DEFAULT_PLANS = {
    "c5n.xlarge": {
        "housekeeping": "0,2",
        "irq": "0,2",
        "isolated": "1,3",
        "engine": "1,3",
        "irq_mode": "housekeeping",
        "masks": {"housekeeping": "5", "irq": "5", "isolated": "a", "engine": "a"},
        "numa_node": 0,
        "nr_cpus": 4,
    },
    "c5n.9xlarge": {
        "housekeeping": "0,18",
        "irq": "1,19",
        "isolated": "2-17,20-35",
        "engine": "2-17,20-35",
        "irq_mode": "dedicated",
        "masks": {
            "housekeeping": "0,00040001",
            "irq": "0,00080002",
            "isolated": "f,fff3fffc",
            "engine": "f,fff3fffc",
        },
        "numa_node": 0,
        "nr_cpus": 36,
    },
    "c5n.18xlarge": {
        "housekeeping": "0,18,36,54",
        "irq": "1,37",
        "isolated": "2-17,19-35,38-53,55-71",
        "engine": "2-17,38-53",
        "irq_mode": "dedicated",
        "masks": {
            "housekeeping": "00,00400010,00040001",
            "irq": "00,00000020,00000002",
            "isolated": "ff,ffbfffcf,fffbfffc",
            "engine": "00,003fffc0,0003fffc",
        },
        "numa_node": 0,
        "nr_cpus": 72,
    },
    "c5n.metal": {
        "housekeeping": "0,18,36,54",
        "irq": "1,37",
        "isolated": "2-17,19-35,38-53,55-71",
        "engine": "2-17,38-53",
        "irq_mode": "dedicated",
        "numa_node": 0,
        "nr_cpus": 72,
    },
    "c5n.18xlarge-nic-node1": {
        "housekeeping": "0,18,36,54",
        "irq": "19,55",
        "isolated": "1-17,20-35,37-53,56-71",
        "engine": "20-35,56-71",
        "irq_mode": "dedicated",
        "numa_node": 1,
        "nr_cpus": 72,
    },
    "c5n.18xlarge-smt-off": {
        "housekeeping": "0,18",
        "irq": "1",
        "isolated": "2-17,19-35",
        "engine": "2-17",
        "irq_mode": "dedicated",
        "numa_node": 0,
        "nr_cpus": 36,
    },
    "c5n.9xlarge-offline": {
        "housekeeping": "0,18",
        "irq": "1,19",
        "isolated": "2-16,20-34",
        "engine": "2-16,20-34",
        "irq_mode": "dedicated",
        "numa_node": 0,
        "nr_cpus": 36,
    },
}


@pytest.mark.parametrize("shape", sorted(DEFAULT_PLANS))
def test_default_plan(topology, shape):
    plan = make_plan(topology(shape), {})
    expected = DEFAULT_PLANS[shape]
    assert {key: plan[key] for key in expected} == expected
    assert plan["idle_siblings"] == ""
    assert plan["notes"] == []
    assert plan["hugepages"] == []
    assert plan["smt"] == "use_siblings"
    assert plan["version"] == PLAN_VERSION
    assert plan["topology"]["fixture"] == shape


def test_default_plan_summary_fields(topology):
    plan = make_plan(topology("c5n.18xlarge"), None)
    assert plan["online"] == "0-71"
    assert plan["smt_active"] is True
    assert plan["nic"] == C5N_18_NIC
    assert plan["topology"] == {
        "instance_type": "c5n.18xlarge",
        "fixture": "c5n.18xlarge",
        "nodes": 2,
        "cores": 36,
        "threads_per_core": 2,
    }


def test_policy_object_and_dict_give_the_same_plan(topology):
    topo = topology("c5n.9xlarge")
    assert make_plan(topo, Policy(engine_cpu_count=3)) == make_plan(topo, {"engine_cpu_count": 3})


def test_none_valued_options_mean_default(topology):
    topo = topology("c5n.9xlarge")
    assert make_plan(topo, {"isolated": None, "smt": None}) == make_plan(topo, {})


def test_c5n_large_is_refused_by_default(topology):
    with pytest.raises(PlanError) as err:
        make_plan(topology("c5n.large"), {})
    assert "minimal policy (housekeeping: '0', irq_mode: housekeeping, allow_sibling_split: true)" in str(
        err.value
    )


def test_c5n_large_accepts_the_documented_minimal_policy(topology):
    plan = make_plan(topology("c5n.large"), MINIMAL)
    assert (plan["housekeeping"], plan["irq"], plan["isolated"], plan["engine"]) == ("0", "0", "1", "1")
    assert plan["irq_mode"] == "housekeeping"
    assert plan["masks"] == {"housekeeping": "1", "irq": "1", "isolated": "2", "engine": "2"}


@pytest.mark.parametrize("shape", [*sorted(DEFAULT_PLANS), "c5n.large"])
def test_masks_match_cpulists(topology, shape):
    plan = make_plan(topology(shape), MINIMAL if shape == "c5n.large" else {})
    for name in SETS:
        assert parse_mask(plan["masks"][name]) == parse_cpulist(plan[name])
        assert len(plan["masks"][name].split(",")) == (plan["nr_cpus"] + 31) // 32


# --- SMT, engine count, explicit sets ----------------------------------------------------------


def test_idle_sibling_9xlarge(topology):
    plan = make_plan(topology("c5n.9xlarge"), {"smt": "idle_sibling"})
    assert plan["engine"] == "2-17"
    assert plan["idle_siblings"] == "20-35"
    assert plan["isolated"] == "2-17,20-35"  # idle siblings stay isolated: nothing else runs there
    assert plan["smt"] == "idle_sibling"


def test_idle_sibling_18xlarge_only_uses_the_nic_node(topology):
    plan = make_plan(topology("c5n.18xlarge"), {"smt": "idle_sibling"})
    assert plan["engine"] == "2-17"
    assert plan["idle_siblings"] == "38-53"


def test_idle_sibling_with_engine_count(topology):
    plan = make_plan(topology("c5n.9xlarge"), {"smt": "idle_sibling", "engine_cpu_count": 4})
    assert plan["engine"] == "2-5"
    assert plan["idle_siblings"] == "20-23"


def test_idle_sibling_with_explicit_engine(topology):
    plan = make_plan(topology("c5n.9xlarge"), {"smt": "idle_sibling", "engine_cpus": "3,7"})
    assert plan["engine"] == "3,7"
    assert plan["idle_siblings"] == "21,25"


def test_idle_sibling_without_smt_idles_nothing(topology):
    plan = make_plan(topology("c5n.18xlarge-smt-off"), {"smt": "idle_sibling"})
    assert plan["engine"] == "2-17"
    assert plan["idle_siblings"] == ""


@pytest.mark.parametrize("shape", ["c5n.large", "c5n.xlarge", "c5n.9xlarge", "c5n.18xlarge", "c5n.metal"])
def test_require_off_refused_with_smt(topology, shape):
    with pytest.raises(PlanError) as err:
        make_plan(topology(shape), {"smt": "require_off"})
    assert str(err.value).startswith("smt is require_off but SMT is active on this host")


def test_require_off_accepted_without_smt(topology):
    plan = make_plan(topology("c5n.18xlarge-smt-off"), {"smt": "require_off"})
    assert plan["smt"] == "require_off"
    assert plan["smt_active"] is False
    assert plan["engine"] == "2-17"
    assert plan["topology"]["threads_per_core"] == 1


@pytest.mark.parametrize(
    ("count", "engine"),
    [(0, "2-17,20-35"), (1, "2"), (4, "2-5"), (16, "2-17"), (17, "2-17,20"), (32, "2-17,20-35")],
)
def test_engine_cpu_count(topology, count, engine):
    plan = make_plan(topology("c5n.9xlarge"), {"engine_cpu_count": count})
    assert plan["engine"] == engine
    assert plan["isolated"] == "2-17,20-35"  # the count narrows the engine, not the isolated set


def test_explicit_sets(topology):
    plan = make_plan(
        topology("c5n.18xlarge"),
        {"housekeeping": "0,36", "irq_cpus": "1,37", "isolated": "2-35,38-71"},
    )
    assert plan["housekeeping"] == "0,36"
    assert plan["irq"] == "1,37"
    assert plan["isolated"] == "2-35,38-71"
    assert plan["engine"] == "2-17,38-53"
    assert plan["irq_mode"] == "dedicated"
    assert plan["notes"] == []


def test_explicit_sets_as_int_lists(topology):
    plan = make_plan(topology("c5n.9xlarge"), {"housekeeping": [0, 18], "engine_cpus": [5, 4, 23]})
    assert plan["housekeeping"] == "0,18"
    assert plan["engine"] == "4-5,23"


def test_explicit_engine_narrowed_by_count(topology):
    plan = make_plan(topology("c5n.9xlarge"), {"engine_cpus": "2-9", "engine_cpu_count": 3})
    assert plan["engine"] == "2-4"


def test_leftover_cpus_go_to_housekeeping_with_a_note(topology):
    plan = make_plan(topology("c5n.9xlarge"), {"isolated": "3-17,21-35"})
    assert plan["housekeeping"] == "0,2,18,20"
    assert plan["isolated"] == "3-17,21-35"
    assert plan["notes"] == ["CPU(s) 2,20 were in no set and were added to housekeeping"]


def test_irq_mode_housekeeping_on_a_big_host(topology):
    plan = make_plan(topology("c5n.18xlarge"), {"irq_mode": "housekeeping"})
    assert plan["irq"] == "0,36"  # the housekeeping CPUs on the NIC's node
    assert plan["isolated"] == "1-17,19-35,37-53,55-71"


def test_two_irq_cores_and_two_housekeeping_cores(topology):
    plan = make_plan(topology("c5n.9xlarge"), {"irq_cores": 2, "housekeeping_cores_per_node": 2})
    assert plan["housekeeping"] == "0-1,18-19"
    assert plan["irq"] == "2-3,20-21"
    assert plan["isolated"] == "4-17,22-35"


def test_allow_sibling_split(topology):
    plan = make_plan(topology("c5n.9xlarge"), {"housekeeping": "0", "allow_sibling_split": True})
    assert plan["housekeeping"] == "0"
    assert plan["irq"] == "1,19"
    assert plan["isolated"] == "2-18,20-35"


def test_nic_without_numa_node_is_assumed_on_node_0_with_a_note(fresh_root):
    root = fresh_root("c5n.18xlarge")
    write_file(root, "/sys/devices/pci0000:00/0000:00:05.0/numa_node", "-1\n")
    topo = read_topology(HostFS(root))
    plan = make_plan(topo, {})
    assert plan["numa_node"] == 0
    assert plan["engine"] == "2-17,38-53"
    assert plan["notes"] == ["NIC eth0 reports no NUMA node; assumed node 0 (set nic_numa_node to override)"]
    override = make_plan(topo, {"nic_numa_node": 1})
    assert override["numa_node"] == 1
    assert override["irq"] == "19,55"
    assert override["engine"] == "20-35,56-71"
    assert override["notes"] == []


def test_no_nic_single_node_has_no_note(fresh_root):
    root = fresh_root("c5n.9xlarge")
    os.remove(os.path.join(root, "sys/class/net/eth0"))
    topo = read_topology(HostFS(root))
    assert topo.nic is None
    plan = make_plan(topo, {})
    assert plan["nic"] is None
    assert plan["numa_node"] == 0
    assert plan["notes"] == []


# --- hugepages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "policy", "expected"),
    [
        ("c5n.18xlarge", {"hugepages_2m": 1024}, [{"node": 0, "size_kb": 2048, "count": 1024}]),
        ("c5n.18xlarge-nic-node1", {"hugepages_1g": 8}, [{"node": 1, "size_kb": 1048576, "count": 8}]),
        (
            "c5n.18xlarge",
            {"hugepages_2m": 512, "hugepages_1g": 4, "hugepages_nodes": "all"},
            [
                {"node": 0, "size_kb": 2048, "count": 512},
                {"node": 0, "size_kb": 1048576, "count": 4},
                {"node": 1, "size_kb": 2048, "count": 512},
                {"node": 1, "size_kb": 1048576, "count": 4},
            ],
        ),
        (
            "c5n.18xlarge",
            {"hugepages_2m": 16, "hugepages_nodes": [1]},
            [{"node": 1, "size_kb": 2048, "count": 16}],
        ),
        (
            "c5n.18xlarge",
            {"hugepages_2m": 16, "hugepages_nodes": 1},
            [{"node": 1, "size_kb": 2048, "count": 16}],
        ),
        (
            "c5n.18xlarge",
            {"hugepages_2m": 16, "hugepages_nodes": "1"},
            [{"node": 1, "size_kb": 2048, "count": 16}],
        ),
        (
            "c5n.18xlarge",
            {"hugepages_2m": 16, "hugepages_nodes": "0,1"},
            [{"node": 0, "size_kb": 2048, "count": 16}, {"node": 1, "size_kb": 2048, "count": 16}],
        ),
        (
            "c5n.9xlarge",
            {"hugepages_2m": 16, "hugepages_nodes": "auto"},
            [{"node": 0, "size_kb": 2048, "count": 16}],
        ),
        # budget edges: 96 GiB per node; 50% -> 48 1G pages fit exactly, 90% -> 86 fit
        ("c5n.9xlarge", {"hugepages_1g": 48}, [{"node": 0, "size_kb": 1048576, "count": 48}]),
        (
            "c5n.9xlarge",
            {"hugepages_1g": 86, "hugepages_max_share": 0.9},
            [{"node": 0, "size_kb": 1048576, "count": 86}],
        ),
        ("c5n.9xlarge", {}, []),
    ],
    ids=[
        "nic-2m",
        "nic-node1-1g",
        "all-both",
        "list",
        "int",
        "str",
        "str-list",
        "auto",
        "budget-50",
        "budget-90",
        "none",
    ],
)
def test_hugepages(topology, shape, policy, expected):
    assert make_plan(topology(shape), policy)["hugepages"] == expected


# --- impossible policies -----------------------------------------------------------------------
# Policies that are well-formed but that the topology cannot satisfy. Malformed values (types, ranges,
# names, modes, empty sets) are refused before planning: tests/unit/plugins/module_utils/test_policy.py.


def _drop_pdpe1gb(root: str) -> None:
    path = os.path.join(root, "proc/cpuinfo")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert " pdpe1gb " in text
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace(" pdpe1gb ", " "))


def _drop_1g_size(root: str) -> None:
    shutil.rmtree(os.path.join(root, "sys/kernel/mm/hugepages/hugepages-1048576kB"))


IMPOSSIBLE = [
    pytest.param(
        "c5n.large",
        None,
        {},
        "nothing is left to isolate: housekeeping 0-1 and IRQ CPUs 0-1 take all 2 online CPU(s); use a larger "
        "instance, or on a small one the minimal policy (housekeeping: '0', irq_mode: housekeeping, "
        "allow_sibling_split: true)",
        id="nothing-isolated-left",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"housekeeping": "0,18", "irq_cpus": "1,18"},
        "CPU(s) 18 are both housekeeping and dedicated IRQ CPUs; give them to one set, or drop irq_cpus and use "
        "irq_mode housekeeping",
        id="housekeeping-irq-overlap",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"isolated": "0,2-17,20-35"},
        "CPU(s) 0 are both housekeeping and isolated; give them to one set",
        id="isolated-housekeeping-overlap",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"isolated": "1-17,19-35"},
        "IRQ CPU(s) 1,19 are inside the isolated set; IRQs must land outside it: remove them from isolated or "
        "pick other irq_cpus",
        id="irq-inside-isolated",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"engine_cpus": "1"},
        "engine CPU(s) 1 are not in the isolated set 2-17,20-35; the engine must run on isolated CPUs",
        id="engine-outside-isolated",
    ),
    pytest.param(
        "c5n.18xlarge",
        None,
        {"engine_cpus": "16-17,19-21"},
        "engine CPU(s) 19-21 are on NUMA node 1 but the NIC is on node 0; choose isolated CPUs on node 0",
        id="engine-wrong-node",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"housekeeping": "0,18,40-41"},
        "housekeeping CPU(s) 40-41 do not exist or are offline on this host (online: 0-35); pick CPUs from the "
        "online set",
        id="cpu-does-not-exist",
    ),
    pytest.param(
        "c5n.9xlarge-offline",
        None,
        {"engine_cpus": "16-17"},
        "engine_cpus CPU(s) 17 do not exist or are offline on this host (online: 0-16,18-34); pick CPUs from the "
        "online set",
        id="cpu-offline",
    ),
    pytest.param(
        "c5n.18xlarge-nic-node1",
        None,
        {"isolated": "2-17,38-53"},
        "the NIC's NUMA node 1 has no isolated CPUs left for the engine; move housekeeping or IRQ CPUs off "
        "node 1 or isolate CPUs there",
        id="nic-node-without-isolated",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"hugepages_1g": 49},
        "hugepages on NUMA node 0 would take 50176 MiB, over the 50% budget (49152 MiB) of its 98304 MiB; "
        "lower hugepages_2m/hugepages_1g or raise hugepages_max_share",
        id="hugepages-over-budget",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"hugepages_2m": 24576, "hugepages_1g": 1},
        "hugepages on NUMA node 0 would take 50176 MiB, over the 50% budget (49152 MiB) of its 98304 MiB; "
        "lower hugepages_2m/hugepages_1g or raise hugepages_max_share",
        id="hugepages-mixed-sizes-over-budget",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"hugepages_1g": 87, "hugepages_max_share": 0.9},
        "hugepages on NUMA node 0 would take 89088 MiB, over the 90% budget (88473 MiB) of its 98304 MiB; "
        "lower hugepages_2m/hugepages_1g or raise hugepages_max_share",
        id="hugepages-over-raised-budget",
    ),
    pytest.param(
        "c5n.xlarge",
        _drop_pdpe1gb,
        {"hugepages_1g": 4},
        "1G hugepages requested but this CPU does not support them (no pdpe1gb flag); use hugepages_2m instead",
        id="1g-without-pdpe1gb",
    ),
    pytest.param(
        "c5n.xlarge",
        _drop_1g_size,
        {"hugepages_1g": 4},
        "the kernel offers no 1G hugepages (offered: 2048kB); use another size",
        id="hugepage-size-not-offered",
    ),
    pytest.param(
        "c5n.18xlarge",
        None,
        {"hugepages_2m": 8, "hugepages_nodes": [0, 3]},
        "hugepages_nodes [3] are not NUMA nodes of this host (nodes: [0, 1])",
        id="hugepages-unknown-node",
    ),
    pytest.param(
        "c5n.18xlarge",
        None,
        {"smt": "require_off"},
        "smt is require_off but SMT is active on this host; set threads_per_core = 1 in its Terraform host group "
        "(terraform/modules/trading_hosts) to launch it with one thread per core, or disable SMT (boot with nosmt, "
        "the only way on c5n.metal), or use smt use_siblings / idle_sibling",
        id="require-off-on-smt-host",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"housekeeping": "0"},
        "SMT siblings 0,18 are split across sets (CPU 0 in housekeeping, CPU 18 in isolated); keep each core's "
        "threads in one set, or set allow_sibling_split to accept the noise",
        id="siblings-split",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"irq_cpus": "1", "irq_mode": "dedicated"},
        "SMT siblings 1,19 are split across sets (CPU 1 in irq, CPU 19 in isolated); keep each core's "
        "threads in one set, or set allow_sibling_split to accept the noise",
        id="siblings-split-irq",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"engine_cpu_count": 33},
        "engine_cpu_count 33 is more than the 32 usable isolated CPU(s) on the NIC's node 0 (2-17,20-35); lower "
        "it or isolate more CPUs",
        id="engine-count-too-large",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"engine_cpu_count": 17, "smt": "idle_sibling"},
        "engine_cpu_count 17 is more than the 16 usable isolated CPU(s) on the NIC's node 0 (2-17); lower "
        "it or isolate more CPUs",
        id="engine-count-too-large-idle-sibling",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"smt": "idle_sibling", "engine_cpus": "2-3,20"},
        "engine CPUs 2,20 are SMT siblings but smt is idle_sibling; keep one thread per core or use smt "
        "use_siblings",
        id="idle-sibling-with-sibling-engine-cpus",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"housekeeping": "1,19", "irq_mode": "housekeeping"},
        "CPU 0 is the boot CPU and cannot be nohz_full/isolated; keep it in housekeeping",
        id="cpu0-isolated",
    ),
    pytest.param(
        "c5n.large",
        None,
        {"irq_mode": "dedicated"},
        "irq_mode dedicated needs 1 free core(s) on the NIC's NUMA node 0, but only 0 remain after housekeeping; "
        "lower irq_cores or use irq_mode housekeeping",
        id="dedicated-irq-no-free-core",
    ),
    pytest.param(
        "c5n.xlarge",
        None,
        {"irq_mode": "dedicated"},
        "nothing is left to isolate: housekeeping 0,2 and IRQ CPUs 1,3 take all 4 online CPU(s); use a larger "
        "instance, or on a small one the minimal policy (housekeeping: '0', irq_mode: housekeeping, "
        "allow_sibling_split: true)",
        id="dedicated-irq-takes-the-last-core",
    ),
    pytest.param(
        "c5n.9xlarge",
        None,
        {"irq_cores": 18},
        "irq_mode dedicated needs 18 free core(s) on the NIC's NUMA node 0, but only 17 remain after "
        "housekeeping; lower irq_cores or use irq_mode housekeeping",
        id="too-many-irq-cores",
    ),
    pytest.param(
        "c5n.18xlarge",
        None,
        {"nic_numa_node": 2},
        "nic_numa_node 2 is not a NUMA node of this host (nodes: [0, 1])",
        id="bad-nic-node",
    ),
]


@pytest.mark.parametrize(("shape", "mutate", "policy", "message"), IMPOSSIBLE)
def test_impossible_policy(topology, fresh_root, shape, mutate, policy, message):
    if mutate is None:
        topo = topology(shape)
    else:
        root = fresh_root(shape)
        mutate(root)
        topo = read_topology(HostFS(root))
    with pytest.raises(PlanError) as err:
        make_plan(topo, policy)
    assert str(err.value) == message


def test_mutated_trees_are_fine_without_1g_pages(fresh_root):
    # The two mutations only matter for 1G pages: 2M pages still plan.
    for mutate in (_drop_pdpe1gb, _drop_1g_size):
        root = fresh_root("c5n.xlarge")
        mutate(root)
        plan = make_plan(read_topology(HostFS(root)), {"hugepages_2m": 64})
        assert plan["hugepages"] == [{"node": 0, "size_kb": 2048, "count": 64}]
        shutil.rmtree(root)


def test_plan_error_is_a_value_error():
    assert issubclass(PlanError, ValueError)


# --- properties --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "params"),
    [
        ("c5n.large", (1, 1, 2, set())),
        ("c5n.xlarge", (1, 2, 2, set())),
        ("c5n.9xlarge", (1, 18, 2, set())),
        ("c5n.18xlarge", (2, 18, 2, set())),
        ("c5n.18xlarge-smt-off", (2, 18, 1, set())),
        ("c5n.9xlarge-offline", (1, 18, 2, {17})),
    ],
)
def test_builder_agrees_with_read_topology(topology, shape, params):
    nodes, per_node, threads, offline = params
    built = build_topology(nodes, per_node, threads, offline)
    read = topology(shape)
    assert built.online == read.online
    assert built.offline == read.offline
    assert built.cores == read.cores
    assert built.cpus == read.cpus
    assert {n: i["cpus"] for n, i in built.nodes.items()} == {n: i["cpus"] for n, i in read.nodes.items()}
    assert built.smt_active == read.smt_active


@st.composite
def topologies(draw):
    nodes = draw(st.integers(min_value=1, max_value=2))
    per_node = draw(st.integers(min_value=2, max_value=12))
    threads = draw(st.integers(min_value=1, max_value=2))
    total = nodes * per_node
    offline = draw(st.sets(st.integers(min_value=1, max_value=total - 1), max_size=total - 1))
    nic_node = draw(st.integers(min_value=0, max_value=nodes - 1))
    mem = draw(st.sampled_from([2 * 1024 * 1024, 8 * 1024 * 1024]))
    return build_topology(nodes, per_node, threads, offline, nic_node, mem_kb_per_node=mem)


def random_policy(draw, topo) -> dict:
    policy = {
        "smt": draw(st.sampled_from(["use_siblings", "idle_sibling"])),
        "irq_mode": draw(st.sampled_from(IRQ_MODES)),
        "engine_cpu_count": draw(st.integers(min_value=0, max_value=len(topo.online))),
        "housekeeping_cores_per_node": draw(st.integers(min_value=1, max_value=2)),
        "allow_sibling_split": draw(st.booleans()),
    }
    if policy["irq_mode"] != "housekeeping":  # housekeeping mode refuses irq_cores (it ignores it)
        policy["irq_cores"] = draw(st.integers(min_value=1, max_value=2))
    if draw(st.booleans()):
        policy["hugepages_2m"] = draw(st.integers(min_value=1, max_value=3000))
        policy["hugepages_nodes"] = draw(st.sampled_from(["nic", "all", sorted(topo.nodes)]))
    return policy


def check_plan(topo, policy: dict, plan: dict) -> None:
    online = set(topo.online)
    hk, irq, iso, engine = (cpus(plan, name) for name in SETS)
    idle = cpus(plan, "idle_siblings")
    nic_node = plan["numa_node"]
    assert not hk & iso
    assert not irq & iso
    assert hk | irq | iso == online
    assert hk, "housekeeping is never empty"
    if plan["irq_mode"] == "dedicated":
        assert not irq & hk
    else:
        assert irq <= hk
    assert engine
    assert engine <= iso
    assert all(topo.node_of(c) == nic_node for c in engine)
    assert 0 not in iso
    assert 0 in hk
    assert nic_node in topo.nodes
    for name in SETS:
        assert set(parse_mask(plan["masks"][name])) == cpus(plan, name)
    if policy.get("engine_cpu_count"):
        assert len(engine) == policy["engine_cpu_count"]
    if not policy.get("allow_sibling_split"):
        for core in topo.cores:
            assert len({c in iso for c in core}) == 1, f"core {core} split"
    if policy.get("smt") == "idle_sibling":
        assert idle <= iso
        assert not idle & engine
        for core in topo.cores:
            assert len(set(core) & engine) <= 1
        assert idle == {s for c in engine for s in topo.siblings_of(c) if s != c and s in iso}
    else:
        assert not idle
    for entry in plan["hugepages"]:
        assert entry["node"] in topo.nodes
        assert entry["size_kb"] * entry["count"] <= topo.nodes[entry["node"]]["mem_total_kb"] * 0.5


@PROPS
@given(st.data())
def test_random_policies_keep_the_invariants(data):
    topo = data.draw(topologies())
    policy = random_policy(data.draw, topo)
    try:
        plan = make_plan(topo, policy)
    except PlanError as err:
        event(f"PlanError: {re.sub(r'[0-9,-]+', 'N', str(err).split(';')[0])[:50]}")
        return  # the only exception allowed
    event("plan")
    check_plan(topo, policy, plan)


@PROPS
@given(st.data())
def test_roomy_hosts_always_get_a_plan(data):
    # With at least 4 online cores on the NIC's node there is room for 2 housekeeping cores, an IRQ core and
    # an isolated one, so a policy without engine or hugepage demands must succeed.
    topo = data.draw(topologies())
    nic_node = topo.nic.numa_node
    on_nic_node = [core for core in topo.cores if topo.node_of(core[0]) == nic_node]
    if len(on_nic_node) < 4:
        event("too small")
        return
    event("roomy")
    policy = random_policy(data.draw, topo)
    policy["engine_cpu_count"] = data.draw(st.integers(min_value=0, max_value=1))
    if "irq_cores" in policy:
        policy["irq_cores"] = 1
    policy.pop("hugepages_2m", None)
    plan = make_plan(topo, policy)
    check_plan(topo, policy, plan)
    assert plan["numa_node"] == nic_node


def _cpu_values(topo):
    ids = st.integers(min_value=0, max_value=max(topo.online) + 3)
    whole_cores = st.lists(st.sampled_from(topo.cores), max_size=6).map(
        lambda cs: sorted(c for core in cs for c in core)
    )
    return st.one_of(
        st.just("auto"),
        st.just("auto"),
        whole_cores,
        whole_cores.map(lambda xs: ",".join(map(str, xs))),
        st.lists(ids, max_size=8).map(lambda xs: ",".join(map(str, xs))),
        st.sampled_from(["", "x", "1-", "3-1", "0-3:2/4", 1.5, None]),
    )


@PROPS
@given(st.data())
def test_random_explicit_sets_only_raise_plan_error(data):
    topo = data.draw(topologies())
    policy = random_policy(data.draw, topo)
    for key in ("housekeeping", "irq_cpus", "isolated", "engine_cpus"):
        policy[key] = data.draw(_cpu_values(topo), label=key)
    # Explicit sets make the counts that size the automatic ones meaningless (and refused): drop them.
    if policy["housekeeping"] not in ("auto", None):
        policy.pop("housekeeping_cores_per_node")
    if policy["irq_cpus"] not in ("auto", None):
        policy.pop("irq_cores", None)
        if policy["irq_mode"] == "housekeeping":
            policy["irq_mode"] = "dedicated"
    if data.draw(st.booleans()):
        policy["nic_numa_node"] = data.draw(st.sampled_from([*topo.nodes, -1, 2, "1"]))
    try:
        plan = make_plan(topo, policy)
    except PlanError as err:
        event(f"PlanError: {re.sub(r'[0-9,-]+', 'N', str(err).split(';')[0])[:50]}")
        return
    event("plan")
    online = set(topo.online)
    hk, irq, iso, engine = (cpus(plan, name) for name in SETS)
    assert not hk & iso
    assert not irq & iso
    assert hk | irq | iso == online
    if plan["irq_mode"] == "dedicated":
        assert not irq & hk
    assert engine <= iso
    assert all(topo.node_of(c) == plan["numa_node"] for c in engine)
    assert 0 not in iso
    for name in SETS:
        assert set(parse_mask(plan["masks"][name])) == cpus(plan, name)
