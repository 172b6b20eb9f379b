"""lowlat.trading.irq_policy: the plan's IRQ policy in one call, on fresh fixture trees."""

from __future__ import annotations

from pathlib import Path

from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.irq_policy import pin_plan
from ansible_collections.lowlat.trading.plugins.modules import irq_policy
from tools.lowlat_testbed.topology_fixtures import generate

QUEUE_IRQS = range(25, 57)  # eth0-Tx-Rx-0..31 in the generated c5n.18xlarge fixture


def affinity(root: str, irq: int) -> str:
    return Path(root, f"proc/irq/{irq}/smp_affinity_list").read_text().strip()


def args(root: str, **extra) -> dict:
    return {"root": root, "nic": "eth0", "irq_cpus": "1,37", "housekeeping_cpus": "0,36", **extra}


def test_one_call_pins_queues_others_and_the_default_then_changes_nothing(run_module, shape_root):
    root = shape_root("c5n.18xlarge")
    first = run_module(irq_policy, args(root))
    assert first["changed"] is True
    assert [affinity(root, irq) for irq in QUEUE_IRQS[:4]] == ["1", "37", "1", "37"]
    assert affinity(root, 24) == "0-71", "the NIC's management vector is neither a queue nor the others'"
    assert affinity(root, 0) == "0,36"
    assert first["default_affinity"]["after"] == "0,36"
    assert first["summary"][0].startswith("NIC eth0 queue IRQs: 32 on 1, 37; moved 32")
    second = run_module(irq_policy, args(root))
    assert second["changed"] is False and second["changed_irqs"] == []


def test_check_mode_and_diff_write_nothing(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    result = run_module(
        irq_policy, args(root, irq_cpus="1,19", housekeeping_cpus="0,18"), check_mode=True, diff=True
    )
    assert result["changed"] is True and affinity(root, 25) == "0-35"
    assert "25 eth0-Tx-Rx-0: 1\n" in result["diff"]["after"]
    assert result["summary"][0].endswith("would move 32")


def test_the_module_and_the_boot_cli_make_the_same_moves(run_module, shape_root, tmp_path):
    module_root = shape_root("c5n.18xlarge")
    cli_root = generate("c5n.18xlarge", str(tmp_path / "cli"))
    moved = run_module(irq_policy, args(module_root, exclude_match=["^acpi"]))
    report = pin_plan(HostFS(cli_root), [1, 37], [0, 36], nic="eth0", exclude_match=["^acpi"])
    assert [(e["irq"], e["wanted"]) for e in report["queues"] + report["others"]] == [
        (e["irq"], e["wanted"]) for e in moved["queues"] + moved["others"]
    ]
    assert not [e for e in moved["others"] if e["name"].startswith("acpi")]


def test_bad_inputs_fail_before_anything_is_read(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    result = run_module(irq_policy, args(root, irq_cpus="1,19", housekeeping_cpus="", nic="eth/0"))
    assert result["failed"] and "nic" in result["msg"] and "eth0" in result["msg"]
    result = run_module(irq_policy, args(root, irq_cpus="1,99", housekeeping_cpus="0,18"))
    assert result["failed"] and "CPU(s) 99 of the plan are not online" in result["msg"]
    assert affinity(root, 0) == "0-35"


def test_an_absent_nic_fails_the_module_and_is_a_warning_at_boot(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    result = run_module(irq_policy, args(root, nic="eth7", irq_cpus="1,19", housekeeping_cpus="0,18"))
    assert result["failed"] and result["msg"] == "network interface eth7 not found under /sys/class/net"
    report = pin_plan(HostFS(root), [1, 19], [0, 18], nic="eth7", check=True)
    assert report["warnings"] == [
        "NIC eth7 is not present: its queue IRQs are pinned when it appears (udev rule)"
    ]
