import pytest

from ansible_collections.lowlat.trading.plugins.modules import cpu_plan


def test_plan_is_returned_and_set_as_fact(run_module, shape_root):
    result = run_module(cpu_plan, {"root": shape_root("c5n.18xlarge"), "policy": {"hugepages_2m": 1024}})
    assert not result.failed
    assert result["changed"] is False
    plan = result["plan"]
    assert result["ansible_facts"]["lowlat_plan"] == plan
    assert plan["housekeeping"] == "0,18,36,54"
    assert plan["irq"] == "1,37"
    assert plan["engine"] == "2-17,38-53"
    assert plan["topology"]["fixture"] == "c5n.18xlarge"
    assert plan["nic"]["queues"] == 32
    assert plan["hugepages"] == [{"node": 0, "size_kb": 2048, "count": 1024}]


def test_check_mode_gives_the_same_plan(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    normal = run_module(cpu_plan, {"root": root})
    checked = run_module(cpu_plan, {"root": root}, check_mode=True)
    assert normal["plan"] == checked["plan"]
    assert checked["changed"] is False


def test_impossible_policy_fails_with_the_planner_message(run_module, shape_root):
    result = run_module(cpu_plan, {"root": shape_root("c5n.9xlarge"), "policy": {"engine_cpus": "0"}})
    assert result.failed
    assert result["msg"] == (
        "impossible CPU plan: engine CPU(s) 0 are not in the isolated set 2-17,20-35; "
        "the engine must run on isolated CPUs"
    )


def test_small_host_is_refused_by_default(run_module, shape_root):
    result = run_module(cpu_plan, {"root": shape_root("c5n.large")})
    assert result.failed
    assert "nothing is left to isolate" in result["msg"]
    assert "minimal policy" in result["msg"]


def test_unknown_nic_fails(run_module, shape_root):
    result = run_module(cpu_plan, {"root": shape_root("c5n.9xlarge"), "nic": "eth9"})
    assert result.failed
    assert result["msg"] == "NIC eth9 not found under /sys/class/net"


# --- bad policy values: refused with the option, the value and what to give --------------------

CPU_LIST = "a non-empty CPU list such as '2-5,8' (a string, a CPU id or a list of them)"
BAD_POLICIES = [
    pytest.param(
        {"engine_cpus": ""},
        f"invalid policy: engine_cpus must be auto or {CPU_LIST}, given ''; name at least one CPU, or use auto",
        id="empty-engine-cpus",
    ),
    pytest.param(
        {"irq_cpus": "", "irq_mode": "dedicated"},
        f"invalid policy: irq_cpus must be auto or {CPU_LIST}, given ''; name at least one CPU, or use auto",
        id="empty-irq-cpus-dedicated",
    ),
    pytest.param(
        {"allow_sibling_split": "no", "housekeeping": "0"},
        "impossible CPU plan: SMT siblings 0,18 are split across sets (CPU 0 in housekeeping, CPU 18 in "
        "isolated); keep each core's threads in one set, or set allow_sibling_split to accept the noise",
        id="no-is-false",
    ),
    pytest.param(
        {"allow_sibling_split": "maybe"},
        "invalid policy: allow_sibling_split must be true or false (yes/no, on/off and 1/0 work too), "
        "given 'maybe'",
        id="bool-word",
    ),
    pytest.param(
        {"hugepages_max_share": "0.5x"},
        "invalid policy: hugepages_max_share must be a number above 0 and at most 0.9 (the kernel and the "
        "engine need the rest), given '0.5x'",
        id="share-not-a-number",
    ),
    pytest.param(
        {"nic_numa_node": True},
        "invalid policy: nic_numa_node must be auto or a NUMA node id from 0 to 1023, given true",
        id="nic-node-bool",
    ),
    pytest.param(
        {"irq_cores": 2, "irq_mode": "housekeeping"},
        "invalid policy: irq_cores (given 2) counts dedicated IRQ cores but irq_mode is housekeeping, which "
        "puts the IRQs on the housekeeping CPUs; drop irq_cores or set irq_mode to dedicated",
        id="irq-cores-ignored",
    ),
    pytest.param(
        {"hugepage_2m": None},
        "invalid policy: unknown policy option 'hugepage_2m' (given null; did you mean hugepages_2m?)",
        id="typo-with-null-value",
    ),
    pytest.param(
        {"engine_cpus": 2.5},
        f"invalid policy: engine_cpus must be auto or {CPU_LIST}, given 2.5",
        id="cpus-float",
    ),
    pytest.param(
        {"hugepages_nodes": []},
        "invalid policy: hugepages_nodes must be nic, all or a non-empty list of NUMA node ids such as '0-1', "
        "given []; name at least one node id, or use nic or all",
        id="empty-hugepage-nodes",
    ),
    pytest.param(
        '{"smt": "require-off"}',
        "invalid policy: smt must be one of use_siblings, idle_sibling, require_off, given 'require-off'; "
        "did you mean require_off?",
        id="json-string-policy",
    ),
    pytest.param(
        "smt=off",
        "invalid policy: smt must be one of use_siblings, idle_sibling, require_off, given 'off'",
        id="key-value-string-policy",
    ),
    pytest.param(
        {"housekeeping_cores_per_node": "two"},
        "invalid policy: housekeeping_cores_per_node must be a whole number from 1 to 8192, given 'two'",
        id="int-word",
    ),
]


@pytest.mark.parametrize(("policy", "message"), BAD_POLICIES)
def test_bad_policy_fails_with_the_exact_message(run_module, shape_root, policy, message):
    result = run_module(cpu_plan, {"root": shape_root("c5n.9xlarge"), "policy": policy})
    assert result.failed
    assert "exception" not in result, result.get("exception")
    assert result["msg"] == message


def test_strings_are_coerced_as_ansible_coerces_them(run_module, shape_root):
    policy = {
        "irq_cores": "2",
        "allow_sibling_split": "off",
        "hugepages_max_share": "0.5",
        "hugepages_2m": "64",
    }
    result = run_module(cpu_plan, {"root": shape_root("c5n.9xlarge"), "policy": policy})
    assert not result.failed, result["msg"]
    assert result["plan"]["irq"] == "1-2,19-20"
    assert result["plan"]["hugepages"] == [{"node": 0, "size_kb": 2048, "count": 64}]
