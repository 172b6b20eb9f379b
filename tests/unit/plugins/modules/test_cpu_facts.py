from ansible_collections.lowlat.trading.plugins.modules import cpu_facts


def test_topology_and_state_from_a_fixture(run_module, shape_root):
    result = run_module(cpu_facts, {"root": shape_root("c5n.18xlarge")})
    assert result["changed"] is False
    topo = result["ansible_facts"]["lowlat_topology"]
    state = result["ansible_facts"]["lowlat_state"]
    assert topo["fixture"] == "c5n.18xlarge"
    assert state["fixture"] == "c5n.18xlarge"
    assert len(topo["online"]) == 72
    assert topo["nodes"]["1"]["cpus"][:2] == [18, 19]
    assert topo["nic"]["driver"] == "ena"
    assert state["isolated"] == ""
    assert state["nohz_full"] == ""
    assert state["thp"] == {"enabled": "madvise", "defrag": "madvise"}
    assert state["power"]["governor"] == "not available on this host"
    assert state["sysctl"]["kernel.numa_balancing"] == "1"
    assert state["nic"]["rx_queues"] == 32
    assert state["irq"]["irqs"]["25"]["name"] == "eth0-Tx-Rx-0"
    assert state["irq"]["default_affinity"] == "0-71"
    assert state["hugepages"]["per_node"]["1"]["2048"] == {"nr": 0, "free": 0}


def test_metal_exposes_power_controls(run_module, shape_root):
    state = run_module(cpu_facts, {"root": shape_root("c5n.metal")})["ansible_facts"]["lowlat_state"]
    assert state["power"]["governor"] == {"powersave": "0-71"}
    assert [s["name"] for s in state["power"]["cpuidle_states"]] == ["POLL", "C1", "C1E", "C6"]
    assert state["power"]["intel_idle_max_cstate"] == 9


def test_topology_only(run_module, shape_root):
    facts = run_module(cpu_facts, {"root": shape_root("c5n.large"), "gather_state": False})["ansible_facts"]
    assert set(facts) == {"lowlat_topology"}
    assert facts["lowlat_topology"]["cores"] == [[0, 1]]
