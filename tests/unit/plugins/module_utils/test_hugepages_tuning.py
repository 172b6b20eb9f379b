"""module_utils/hugepages_tuning and hugepages_checks: the hugepages role's allocation, mount and audit checks."""

from __future__ import annotations

import re

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils import hugepages_checks as hc
from ansible_collections.lowlat.trading.plugins.module_utils import hugepages_tuning as ht
from ansible_collections.lowlat.trading.plugins.module_utils.audit import validate_check

PLAN = {
    "hugepages": [
        {"node": 1, "size_kb": 2048, "count": 512},
        {"node": 0, "size_kb": 1048576, "count": 2},
        {"node": 0, "size_kb": 2048, "count": 512},
        {"node": 1, "size_kb": 1048576, "count": 0},
    ]
}
SETTINGS = {
    "mount": True,
    "mount_path": "/mnt/lowlat-hugepages",
    "mount_pagesize_kb": "auto",
    "mount_owner": "root",
    "mount_group": "trading",
    "mount_mode": "0770",
    "libexec_dir": "/usr/local/libexec/lowlat",
}
HOST = {
    "in_container": False,
    "size_supported": True,
    "getent_passwd": {"root": ["x", "0", "0"]},
    "getent_group": {"trading": ["x", "2000"]},
}


def per_node(**counts):
    """per_node(n0_2048=512) -> lowlat_state with node 0 holding 512 2 MiB pages."""
    out: dict = {}
    for key, nr in counts.items():
        node, size = key[1:].split("_")
        out.setdefault(node, {})[size] = {"nr": nr}
    return {"hugepages": {"per_node": out}}


def test_allocation_lines_skip_empty_entries_and_go_node_then_size():
    assert ht.alloc_lines(PLAN) == ["allocate 0 2048 512", "allocate 0 1048576 2", "allocate 1 2048 512"]
    assert ht.sizes(PLAN) == [2048, 1048576]


def test_drift_compares_the_counts_seen_before_the_role_ran():
    assert not ht.drift(PLAN, per_node(n1_2048=512, n0_1048576=2, n0_2048=512))
    assert ht.drift(PLAN, per_node(n1_2048=512, n0_1048576=0, n0_2048=512))
    assert ht.drift(PLAN, {})


def test_shortfall_names_each_entry_the_kernel_did_not_grant():
    got = ht.shortfall(PLAN, per_node(n1_2048=512, n0_1048576=1))
    assert got == [
        "node 0 1 GiB pages: wanted 2, granted 1",
        "node 0 2 MiB pages: wanted 512, granted none (no such sysfs file)",
    ]
    odd = {"hugepages": [{"node": 0, "size_kb": 16384, "count": 4}]}
    assert ht.shortfall(odd, {}) == ["node 0 16384 kB: wanted 4, granted none (no such sysfs file)"]


def test_the_mount_takes_the_largest_planned_size_and_numeric_ids():
    mount = ht.mount(PLAN, SETTINGS, HOST)
    assert mount["unit"] == "mnt-lowlat\\x2dhugepages.mount"
    assert mount["options"] == "pagesize=1G,uid=0,gid=2000,mode=0770"
    assert mount["startable"]
    small = ht.mount(PLAN, {**SETTINGS, "mount_pagesize_kb": "2048", "mount_owner": 1001}, HOST)
    assert small["options"].startswith("pagesize=2M,uid=1001,")
    assert ht.mount({"hugepages": []}, SETTINGS, HOST)["size_kb"] == 2048


def test_an_unknown_owner_is_empty_for_the_preflight_to_refuse():
    assert ht.numeric_id("nobody-here", {"root": ["x", "0"]}) == ""
    assert ht.numeric_id("42", {}) == "42"


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ({**HOST, "in_container": True}, "inside an unprivileged container"),
        ({**HOST, "size_supported": False}, "the running kernel has no 1048576 kB hugepages"),
    ],
)
def test_a_mount_that_cannot_start_says_why(host, reason):
    mount = ht.mount(PLAN, SETTINGS, host)
    assert not mount["startable"] and reason in mount["skip_reason"]
    na = [c for c in hc.checks(PLAN, SETTINGS, host) if c["knob"] == "hugetlbfs mount"]
    assert na == [{"knob": "hugetlbfs mount", "kind": "not_applicable", "reason": mount["skip_reason"]}]


def test_checks_cover_each_entry_the_unit_the_script_and_the_mount():
    checks = hc.checks(PLAN, SETTINGS, HOST)
    for index, check in enumerate(checks):
        validate_check(check, index)
    assert [c["knob"] for c in checks if c["kind"] == "hugepages"] == [
        "hugepages node0 2048kB",
        "hugepages node0 1048576kB",
        "hugepages node1 2048kB",
    ]
    lines = [c["line"] for c in checks if c["knob"] == "hugepages allocation"]
    assert lines == ht.alloc_lines(PLAN)
    options = next(c for c in checks if c["knob"] == "hugetlbfs mount options")
    assert options["path"] == "/etc/systemd/system/mnt-lowlat\\x2dhugepages.mount"
    assert checks[-1] == {
        "knob": "hugetlbfs mount",
        "kind": "mount",
        "path": "/mnt/lowlat-hugepages",
        "expected": "hugetlbfs",
        "scope": "runtime",
    }


def test_no_pages_and_no_mount_are_not_applicable():
    assert [c["kind"] for c in hc.checks({"hugepages": []}, SETTINGS, HOST)] == ["not_applicable"]
    checks = hc.checks(PLAN, {**SETTINGS, "mount": "false"}, HOST)
    assert checks[-1] == {
        "knob": "hugetlbfs mount",
        "kind": "not_applicable",
        "reason": "hugepages_mount is false",
    }
    assert not [c for c in checks if re.match("hugetlbfs mount (unit|options)", c["knob"])]
