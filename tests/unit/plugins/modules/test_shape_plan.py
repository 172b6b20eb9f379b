import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.lowlat.trading.plugins.filter.plan import shape_plan
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.planner import PlanError, make_plan
from ansible_collections.lowlat.trading.plugins.module_utils.topology import read_topology

SHAPES = {
    "c5n.9xlarge": {"vcpus": 36, "cores": 18, "threads_per_core": 2, "memory_mib": 98304},
    "c5n.18xlarge": {"vcpus": 72, "cores": 36, "threads_per_core": 2, "memory_mib": 196608},
}


@pytest.mark.parametrize("instance_type", sorted(SHAPES))
def test_shape_plan_matches_the_plan_from_the_real_tree(instance_type, shape_root):
    """The controller-side preflight sees the same CPU sets as the on-host plan."""
    shape = {**SHAPES[instance_type], "instance_type": instance_type}
    policy = {"smt": "idle_sibling", "hugepages_2m": 512}
    preflight = shape_plan(shape, policy)
    on_host = make_plan(read_topology(HostFS(shape_root(instance_type))), policy)
    assert preflight["error"] == ""
    for key in ("housekeeping", "irq", "isolated", "engine", "idle_siblings", "hugepages", "numa_node"):
        assert preflight["plan"][key] == on_host[key], key


def test_small_instance_refused_before_connecting():
    result = shape_plan({"vcpus": 2, "cores": 1, "threads_per_core": 2, "instance_type": "c5n.large"})
    assert result["plan"] is None
    assert result["error"].startswith("nothing is left to isolate")


# --- smt require_off: the instance's EC2 CPU options (inventory host var ec2_cpu_options) ----------

C5N_18 = {**SHAPES["c5n.18xlarge"], "instance_type": "c5n.18xlarge"}
C5N_METAL = {**SHAPES["c5n.18xlarge"], "instance_type": "c5n.metal", "bare_metal": True}
REQUIRE_OFF = {"smt": "require_off"}
HOST_DECIDES = "SMT is checked on the host"


@pytest.mark.parametrize(
    "cpu_options",
    [{"core_count": 36, "threads_per_core": 1}, {"CoreCount": 36, "ThreadsPerCore": 1}],
    ids=["inventory-spelling", "ec2-spelling"],
)
def test_require_off_passes_when_launched_with_one_thread_per_core(cpu_options, shape_root):
    """threads_per_core = 1 in Terraform: SMT is off by construction, and the preflight plans the
    36-vCPU instance the host really is."""
    preflight = shape_plan(C5N_18, REQUIRE_OFF, cpu_options)
    assert preflight["error"] == ""
    plan = preflight["plan"]
    assert plan["smt_active"] is False
    assert plan["topology"]["threads_per_core"] == 1
    on_host = make_plan(read_topology(HostFS(shape_root("c5n.18xlarge-smt-off"))), REQUIRE_OFF)
    for key in ("online", "nr_cpus", "housekeeping", "irq", "isolated", "engine", "masks", "numa_node"):
        assert plan[key] == on_host[key], key
    assert not any(HOST_DECIDES in note for note in plan["notes"])


@pytest.mark.parametrize(
    "cpu_options",
    [{"core_count": 36, "threads_per_core": 2}, {"CoreCount": 36, "ThreadsPerCore": 2}],
    ids=["inventory-spelling", "ec2-spelling"],
)
def test_require_off_refused_when_launched_with_two_threads_per_core(cpu_options):
    result = shape_plan(C5N_18, REQUIRE_OFF, cpu_options)
    assert result["plan"] is None
    assert result["error"].startswith("smt is require_off but SMT is active on this host; ")
    assert (
        "set threads_per_core = 1 in its Terraform host group (terraform/modules/trading_hosts)"
        in result["error"]
    )
    assert "disable SMT" in result["error"]


def test_cpu_options_shape_the_preflight_for_every_policy():
    plan = shape_plan(C5N_18, {}, {"core_count": 36, "threads_per_core": 1})["plan"]
    assert (plan["online"], plan["nr_cpus"], plan["smt_active"]) == ("0-35", 36, False)
    plan = shape_plan(C5N_18, {}, {"core_count": 36, "threads_per_core": 2})["plan"]
    assert (plan["online"], plan["nr_cpus"], plan["smt_active"]) == ("0-71", 72, True)


@pytest.mark.parametrize("cpu_options", [None, {}, {"core_count": None, "threads_per_core": None}])
def test_without_cpu_options_the_hosts_topology_decides_require_off(cpu_options):
    """Nothing before connecting says whether SMT is off: the preflight plans the shape require_off
    accepts and leaves the verdict to the on-host plan, which reads the host's real siblings."""
    result = shape_plan(C5N_18, REQUIRE_OFF, cpu_options)
    assert result["error"] == ""
    assert result["plan"]["smt_active"] is False
    assert any(HOST_DECIDES in note for note in result["plan"]["notes"])
    # Other policies still plan the instance type's default shape.
    assert shape_plan(C5N_18, {}, cpu_options)["plan"]["smt_active"] is True


def test_bare_metal_takes_no_cpu_options_so_its_host_decides():
    # c5n.metal reports two threads per core whatever the OS does; only nosmt turns SMT off there.
    result = shape_plan(C5N_METAL, REQUIRE_OFF, {"core_count": 36, "threads_per_core": 2})
    assert result["error"] == ""
    assert any(HOST_DECIDES in note for note in result["plan"]["notes"])


def test_on_host_plan_refuses_siblings_with_the_terraform_hint(shape_root):
    with pytest.raises(
        PlanError, match=r"SMT is active on this host; set threads_per_core = 1 in its Terraform"
    ):
        make_plan(read_topology(HostFS(shape_root("c5n.18xlarge"))), REQUIRE_OFF)
    assert (
        make_plan(read_topology(HostFS(shape_root("c5n.18xlarge-smt-off"))), REQUIRE_OFF)["smt_active"]
        is False
    )


def test_bad_cpu_options_are_a_filter_error():
    with pytest.raises(AnsibleFilterError, match="ec2_cpu_options"):
        shape_plan(C5N_18, REQUIRE_OFF, {"threads_per_core": "two"})
    with pytest.raises(AnsibleFilterError, match="ec2_cpu_options"):
        shape_plan(C5N_18, REQUIRE_OFF, ["threads_per_core", 1])


def test_inconsistent_shape_is_a_filter_error():
    with pytest.raises(AnsibleFilterError, match="vcpus must equal cores x threads_per_core"):
        shape_plan({"vcpus": 10, "cores": 4, "threads_per_core": 2})


# --- bad policy values: an AnsibleFilterError naming the option, the value and what to give ------

C5N_9 = {**SHAPES["c5n.9xlarge"], "instance_type": "c5n.9xlarge"}
CPU_LIST = "a non-empty CPU list such as '2-5,8' (a string, a CPU id or a list of them)"
INVALID = "shape_plan: invalid policy: "
BAD_POLICIES = [
    pytest.param(
        ["smt", "require_off"],
        f"{INVALID}the policy must be a mapping of option names to values, given ['smt', 'require_off']; "
        "write it as a dict such as {smt: idle_sibling, hugepages_2m: 512}",
        id="policy-is-a-list",
    ),
    pytest.param(
        "smt: require_off",
        f"{INVALID}the policy must be a mapping of option names to values, given 'smt: require_off'; "
        "write it as a dict such as {smt: idle_sibling, hugepages_2m: 512}",
        id="policy-is-a-string",
    ),
    pytest.param(
        {"smt": "require-off"},
        f"{INVALID}smt must be one of use_siblings, idle_sibling, require_off, given 'require-off'; "
        "did you mean require_off?",
        id="smt-near-miss",
    ),
    pytest.param(
        {"engine_cpus": ""},
        f"{INVALID}engine_cpus must be auto or {CPU_LIST}, given ''; name at least one CPU, or use auto",
        id="empty-engine-cpus",
    ),
    pytest.param(
        {"irq_cpus": "", "irq_mode": "dedicated"},
        f"{INVALID}irq_cpus must be auto or {CPU_LIST}, given ''; name at least one CPU, or use auto",
        id="empty-irq-cpus-dedicated",
    ),
    pytest.param(
        {"allow_sibling_split": "sometimes"},
        f"{INVALID}allow_sibling_split must be true or false (yes/no, on/off and 1/0 work too), "
        "given 'sometimes'",
        id="bool-word",
    ),
    pytest.param(
        {"nic_numa_node": False},
        f"{INVALID}nic_numa_node must be auto or a NUMA node id from 0 to 1023, given false",
        id="nic-node-bool",
    ),
    pytest.param(
        {"irq_mode": "housekeeping", "irq_cores": "1"},
        f"{INVALID}irq_cores (given '1') counts dedicated IRQ cores but irq_mode is housekeeping, which puts "
        "the IRQs on the housekeeping CPUs; drop irq_cores or set irq_mode to dedicated",
        id="irq-cores-ignored",
    ),
    pytest.param(
        {"isolated_cpus": None},
        f"{INVALID}unknown policy option 'isolated_cpus' (given null; did you mean isolated?)",
        id="typo-with-null-value",
    ),
    pytest.param(
        {"isolated": 7.0},
        f"{INVALID}isolated must be auto or {CPU_LIST}, given 7.0",
        id="cpus-float",
    ),
    pytest.param(
        {"hugepages_2m": "1e3"},
        f"{INVALID}hugepages_2m must be a whole number from 0 to 16777216, given '1e3'",
        id="int-exponent-string",
    ),
]


@pytest.mark.parametrize(("policy", "message"), BAD_POLICIES)
def test_bad_policy_is_a_filter_error_with_the_exact_message(policy, message):
    with pytest.raises(AnsibleFilterError) as err:
        shape_plan(C5N_9, policy)
    assert str(err.value) == message


def test_no_is_false_in_the_preflight_too():
    result = shape_plan(C5N_9, {"housekeeping": "0", "allow_sibling_split": "no"})
    assert result["plan"] is None
    assert result["error"].startswith("SMT siblings 0,18 are split across sets")
    assert shape_plan(C5N_9, {"housekeeping": "0", "allow_sibling_split": "yes"})["error"] == ""
