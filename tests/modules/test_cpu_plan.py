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
