import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.lowlat.trading.plugins.filter.plan import shape_plan
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.planner import make_plan
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


def test_require_off_refused_on_smt_shape():
    result = shape_plan({**SHAPES["c5n.9xlarge"], "instance_type": "c5n.9xlarge"}, {"smt": "require_off"})
    assert "SMT is active" in result["error"]


def test_inconsistent_shape_is_a_filter_error():
    with pytest.raises(AnsibleFilterError, match="vcpus must equal cores x threads_per_core"):
        shape_plan({"vcpus": 10, "cores": 4, "threads_per_core": 2})
