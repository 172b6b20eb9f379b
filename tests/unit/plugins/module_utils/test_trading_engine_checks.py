"""module_utils/trading_engine_checks: the trading_engine role's audit checks are valid, their patterns find
what they mean, and what does not apply says why."""

from __future__ import annotations

import re

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils import trading_engine_checks as tc
from ansible_collections.lowlat.trading.plugins.module_utils.audit import validate_check

RELEASE = "0.1.0-0123456789ab"
RELEASE_DIR = f"/opt/lowlat-engine/releases/{RELEASE}"
SETTINGS = {
    "user": "lowlat-engine",
    "numa_policy": "bind",
    "sched_fifo_priority": 0,
    "hugetlbfs_path": "/mnt/lowlat-hugepages",
    "cloudwatch_namespace": "",
}
# What roles/trading_engine/vars/main.yml derives on a bare-metal host with the defaults.
HOST = {
    "unit": "lowlat-engine.service",
    "unit_path": "/etc/systemd/system/lowlat-engine.service",
    "config": "/etc/lowlat-engine/engine.toml",
    "current": "/opt/lowlat-engine/current",
    "bin": "/opt/lowlat-engine/current/venv/bin/lowlat-engine",
    "release": RELEASE,
    "release_dir": RELEASE_DIR,
    "python": "/usr/bin/python3",
    "ready_url": "http://10.0.0.5:9108/readyz",
    "http_listen": "10.0.0.5:9108",
    "venue_address": "10.0.1.7:21000",
    "feed_recovery": "",
    "admin_token_set": False,
    "admin_token_file": "/etc/lowlat-engine/admin.token",
    "in_container": False,
    "cpus": "8-15",
    "affinity": True,
    "affinity_reason": "trading_engine_enforce_cpu_affinity is false",
    "numa": True,
    "numa_node": 1,
    "numa_reason": "trading_engine_numa_policy is none",
    "fifo": False,
    "fifo_reason": "trading_engine_sched_fifo_priority is 0",
    "hugetlbfs_fallback": False,
    "hugetlbfs_reason": "trading_engine_hugetlbfs_fallback is true: the engine uses ordinary memory when hugetlbfs is missing",
    "cloudwatch_enabled": False,
    "cloudwatch_unit": "lowlat-engine-cloudwatch.service",
    "cloudwatch_unit_path": "/etc/systemd/system/lowlat-engine-cloudwatch.service",
    "cloudwatch_config": "/etc/lowlat-engine/cloudwatch.toml",
    "cloudwatch_exec": "/opt/lowlat-engine/current/venv/bin/lowlat-engine-cloudwatch --config /etc/lowlat-engine/cloudwatch.toml",
}
CONTAINER = {
    **HOST,
    "in_container": True,
    "hugetlbfs_fallback": True,
    "hugetlbfs_reason": "hugetlbfs cannot be mounted inside a container",
}
FIFO = {**HOST, "fifo": True}
PUBLISHER = {**HOST, "cloudwatch_enabled": True, "admin_token_set": True}


def checks(settings=None, host=None):
    return tc.checks({}, {**SETTINGS, **(settings or {})}, host or HOST)


def by_knob(found, knob):
    return [c for c in found if c["knob"] == knob]


def one(found, knob) -> dict:
    [check] = by_knob(found, knob)
    return check


def reasons(found) -> dict:
    return {c["knob"]: c["reason"] for c in found if c["kind"] == "not_applicable"}


@pytest.mark.parametrize(
    "settings", [{}, {"sched_fifo_priority": 50, "cloudwatch_namespace": "Lowlat/Engine"}]
)
@pytest.mark.parametrize(
    "host",
    [HOST, CONTAINER, FIFO, PUBLISHER, {**HOST, "affinity": False, "numa": False, "fifo": False}],
)
def test_every_check_is_valid(settings, host):
    found = checks(settings, host)
    assert len(found) >= 20
    for index, check in enumerate(found):
        validate_check(check, index)


def test_release_checks_match_only_this_release():
    found = checks()
    current = re.compile(one(found, "current release")["pattern"])
    assert current.search(RELEASE_DIR)
    assert not current.search(RELEASE_DIR + "0") and not current.search(RELEASE_DIR.replace(".", "x"))
    running = one(found, "running release")
    assert running["argv"] == [
        "sh",
        "-c",
        r'tr "\0" " " < /proc/$(systemctl show -p MainPID --value lowlat-engine.service)/cmdline',
    ]
    pattern = re.compile(running["pattern"])
    assert pattern.search(f"{RELEASE_DIR}/venv/bin/python3.11 {RELEASE_DIR}/venv/bin/lowlat-engine x ")
    assert not pattern.search("/opt/lowlat-engine/releases/0.0.9-aaaaaaaaaaaa/venv/bin/python3 x ")


def test_engine_ready_probes_the_ready_url_with_the_role_interpreter():
    ready = one(checks(), "engine ready")
    assert ready["argv"][0] == "/usr/bin/python3" and ready["argv"][-1] == "http://10.0.0.5:9108/readyz"
    assert re.search(ready["pattern"], "ready") and not re.search(ready["pattern"], "not ready")


def test_unit_and_config_lines():
    found = checks({"user": "trader"})
    unit = [c["line"] for c in found if c["knob"].startswith("unit ") and c["kind"] == "file_line"]
    assert unit[:3] == [
        "User=trader",
        "ExecStart=/opt/lowlat-engine/current/venv/bin/lowlat-engine /etc/lowlat-engine/engine.toml",
        "Restart=on-failure",
    ]
    assert one(found, "unit CapabilityBoundingSet")["line"] == "CapabilityBoundingSet="
    toml = {c["knob"]: c["line"] for c in found if c["knob"].startswith("engine.toml")}
    assert toml == {
        "engine.toml listen": 'listen = "10.0.0.5:9108"',
        "engine.toml address": 'address = "10.0.1.7:21000"',
        "engine.toml recovery": 'recovery = ""',
    }
    with_token = checks(host=PUBLISHER)
    assert one(with_token, "engine.toml admin_token_file")["line"] == (
        'admin_token_file = "/etc/lowlat-engine/admin.token"'
    )


def test_cpu_affinity_is_enforced_or_written_as_a_comment():
    found = checks()
    assert one(found, "unit CPUAffinity")["line"] == "CPUAffinity=8-15"
    live = one(found, "engine CPU affinity")
    pattern = re.compile(live["pattern"], re.M)
    assert pattern.search("Cpus_allowed_list:\t8-15") and not pattern.search("Cpus_allowed_list:\t8-150")
    assert "lowlat-engine.service)/status" in live["argv"][2]
    off = checks(host={**HOST, "affinity": False, "affinity_reason": "a fixture topology (c5n) ..."})
    assert one(off, "unit CPUAffinity")["line"] == "# CPUAffinity=8-15"
    assert reasons(off)["engine CPU affinity"] == "a fixture topology (c5n) ..."


@pytest.mark.parametrize(("policy", "maps"), [("bind", "bind:1"), ("preferred", "prefer:1")])
def test_numa_policy_is_read_as_numa_maps_names_it(policy, maps):
    found = checks({"numa_policy": policy})
    assert [c["line"] for c in found if c["knob"].startswith("unit NUMA")] == [
        f"NUMAPolicy={policy}",
        "NUMAMask=1",
    ]
    live = one(found, "engine NUMA policy")
    assert live["expected"] == maps
    assert re.search(live["pattern"], f"7f0000000000 {maps} anon=1 dirty=1")
    assert not re.search(live["pattern"], "7f0000000000 default anon=1")


def test_numa_not_applicable_when_absent_or_unreadable():
    absent = checks(
        host={**HOST, "numa": False, "numa_reason": "NUMA node 1 (the NIC node of the plan) does not exist"}
    )
    assert not [c for c in absent if c["knob"].startswith("unit NUMA")]
    assert reasons(absent)["engine NUMA policy"].startswith("NUMA node 1")
    container = checks(host=CONTAINER)
    assert len(by_knob(container, "unit NUMA node")) == 1
    assert "CAP_SYS_PTRACE" in reasons(container)["engine NUMA policy"]


def test_sched_fifo_when_it_applies():
    found = checks({"sched_fifo_priority": 50}, FIFO)
    assert one(found, "unit SCHED_FIFO")["line"] == "CPUSchedulingPriority=50"
    pattern = re.compile(one(found, "engine SCHED_FIFO")["pattern"], re.M)
    chrt = "pid 42's current scheduling policy: SCHED_FIFO\npid 42's current scheduling priority: {}"
    assert pattern.search(chrt.format(50)) and not pattern.search(chrt.format(5))
    assert not pattern.search(chrt.format(50).replace("SCHED_FIFO", "SCHED_OTHER"))
    assert reasons(checks())["engine SCHED_FIFO"] == "trading_engine_sched_fifo_priority is 0"


def test_memory_checks_on_a_host_and_in_a_container():
    found = checks()
    memlock = re.compile(one(found, "engine locked-memory limit")["pattern"])
    assert memlock.search("Max locked memory         unlimited            unlimited            bytes")
    assert not memlock.search("Max locked memory         8388608              8388608              bytes")
    assert one(found, "engine hugetlbfs")["kind"] == "mount"
    container = reasons(checks(host=CONTAINER))
    assert "RLIMIT_MEMLOCK" in container["engine locked-memory limit"]
    assert container["engine hugetlbfs"] == "hugetlbfs cannot be mounted inside a container"
    no_path = checks({"hugetlbfs_path": ""}, {**HOST, "hugetlbfs_reason": "path is empty"})
    assert reasons(no_path)["engine hugetlbfs"] == "path is empty"


def test_cloudwatch_publisher_checked_while_its_namespace_is_set_else_absent():
    off = checks()
    assert one(off, "lowlat-engine-cloudwatch.service absent")["kind"] == "file_absent"
    on = checks({"cloudwatch_namespace": 'Team/"q"'}, PUBLISHER)
    assert not by_knob(on, "lowlat-engine-cloudwatch.service absent")
    assert [c["expected"] for c in on if c["knob"].startswith("lowlat-engine-cloudwatch")] == [
        "enabled",
        "active",
    ]
    assert one(on, "publisher unit PartOf")["line"] == "PartOf=lowlat-engine.service"
    assert one(on, "cloudwatch.toml namespace")["line"] == r'namespace = "Team/\"q\""'
