import json
from pathlib import Path

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils.audit import CHECKERS, Reader
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.modules import audit, audit_manifest

CHECKS = [
    {
        "knob": "numa balancing",
        "kind": "sysctl",
        "key": "kernel.numa_balancing",
        "expected": "0",
        "scope": "runtime",
    },
    {
        "knob": "THP",
        "kind": "sysfs",
        "path": "/sys/kernel/mm/transparent_hugepage/enabled",
        "bracketed": True,
        "expected": "madvise",
        "scope": "runtime",
    },
    {
        "knob": "isolated",
        "kind": "sysfs",
        "path": "/sys/devices/system/cpu/isolated",
        "cpulist": True,
        "expected": "2-17,20-35",
        "scope": "boot",
    },
    {
        "knob": "nohz_full arg",
        "kind": "cmdline",
        "key": "nohz_full",
        "expected": "2-17,20-35",
        "scope": "boot",
    },
    {"knob": "NIC queues", "kind": "irq_affinity", "device": "eth0", "expected": "1,19", "scope": "runtime"},
    {
        "knob": "other IRQs",
        "kind": "irq_affinity",
        "match": ".",
        "exclude_device": "eth0",
        "expected": "0-35",
        "scope": "runtime",
    },
    {
        "knob": "2M pages node0",
        "kind": "hugepages",
        "node": 0,
        "size_kb": 2048,
        "expected": 0,
        "scope": "runtime",
    },
    {"knob": "governor", "kind": "not_applicable", "reason": "cpufreq is not exposed on this instance"},
]


@pytest.fixture
def state_dir(tmp_path):
    return tmp_path / "lowlat"


def write_manifest(run_module, state_dir, checks=CHECKS, runtime=True, **extra):
    return run_module(
        audit_manifest,
        {
            "role": "kernel",
            "dir": str(state_dir),
            "runtime_applied": runtime,
            "runtime_reason": "container",
            "checks": checks,
            **extra,
        },
    )


def rows_by_knob(result):
    return {row["knob"]: row for row in result["rows"]}


def test_manifest_is_written_once(run_module, state_dir):
    first = write_manifest(run_module, state_dir)
    assert first["changed"] is True
    assert json.loads(Path(first["path"]).read_text())["checks"] == CHECKS
    assert write_manifest(run_module, state_dir)["changed"] is False


def test_manifest_check_mode_writes_nothing(run_module, state_dir):
    args = {"role": "kernel", "dir": str(state_dir), "runtime_applied": True, "checks": CHECKS}
    result = run_module(audit_manifest, args, check_mode=True)
    assert result["changed"] is True
    assert not Path(result["path"]).exists()


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ({"knob": "x", "kind": "bogus", "scope": "runtime"}, "unknown kind 'bogus'"),
        ({"knob": "x", "kind": "sysctl", "key": "a.b", "scope": "runtime"}, "kind sysctl needs expected"),
        (
            {"knob": "x", "kind": "sysctl", "key": "a.b", "expected": "1"},
            "scope must be one of persistent, runtime, boot",
        ),
        (
            {"kind": "sysctl", "key": "a", "expected": "1", "scope": "runtime"},
            "every check needs a 'knob' name",
        ),
        (
            {"knob": "x", "kind": "irq_affinity", "expected": "0", "scope": "runtime"},
            "irq_affinity needs 'device' or 'match'",
        ),
        (
            {"knob": "x", "kind": "service", "unit": "a", "expected": "up", "scope": "runtime"},
            "service expected must be",
        ),
    ],
)
def test_malformed_checks_fail_the_converge(run_module, state_dir, check, message):
    result = write_manifest(run_module, state_dir, checks=[check])
    assert result.failed
    assert message in result["msg"]
    assert not (state_dir / "expected/kernel.json").exists()


def test_audit_reports_drift_then_ok(run_module, state_dir, shape_root):
    root = shape_root("c5n.9xlarge")
    write_manifest(run_module, state_dir)
    before = run_module(audit, {"root": root, "dir": str(state_dir), "host": "h1"})
    rows = rows_by_knob(before)
    assert before["changed"] is False
    assert before["fixture"] == "c5n.9xlarge"
    assert rows["numa balancing"]["status"] == "drift" and rows["numa balancing"]["actual"] == "1"
    assert rows["THP"]["status"] == "ok"
    assert rows["isolated"]["status"] == "drift"
    assert rows["nohz_full arg"]["actual"] == "absent"
    assert rows["NIC queues"]["status"] == "drift"
    assert rows["other IRQs"]["status"] == "ok"
    assert rows["2M pages node0"]["status"] == "ok"
    assert rows["governor"]["status"] == "n/a"
    assert "fixture topology: c5n.9xlarge" in before["table"]

    # What tuning would do to this tree:
    (Path(root) / "proc/sys/kernel/numa_balancing").write_text("0\n")
    (Path(root) / "sys/devices/system/cpu/isolated").write_text("2-17,20-35\n")
    (Path(root) / "proc/cmdline").write_text("ro nohz_full=2-17,20-35\n")
    for k, irq in enumerate(range(25, 57)):
        cpu = "1" if k % 2 == 0 else "19"
        (Path(root) / f"proc/irq/{irq}/effective_affinity_list").write_text(cpu + "\n")
    after = run_module(audit, {"root": root, "dir": str(state_dir)})
    assert after["summary"] == {"ok": 7, "drift": 0, "n/a": 1}


def test_irq_move_pending_until_the_next_interrupt_is_not_drift(run_module, state_dir, shape_root):
    # x86 without interrupt remapping: after a write to smp_affinity_list the IRQ moves when it
    # next fires; an idle queue shows the new mask as requested and the old CPU as effective.
    root = shape_root("c5n.9xlarge")
    nic_check = [c for c in CHECKS if c["knob"] == "NIC queues"]
    write_manifest(run_module, state_dir, checks=nic_check)
    for k, irq in enumerate(range(25, 57)):
        cpu = "1" if k % 2 == 0 else "19"
        (Path(root) / f"proc/irq/{irq}/smp_affinity_list").write_text(cpu + "\n")
        (Path(root) / f"proc/irq/{irq}/effective_affinity_list").write_text("5\n")
    row = rows_by_knob(run_module(audit, {"root": root, "dir": str(state_dir)}))["NIC queues"]
    assert row["status"] == "ok"
    assert row["actual"] == "32 IRQs on 1,19"
    assert row["reason"].startswith("32 moved when they next fire")

    # A requested mask outside the expected CPUs is drift whatever the effective CPU.
    (Path(root) / "proc/irq/25/smp_affinity_list").write_text("5\n")
    row = rows_by_knob(run_module(audit, {"root": root, "dir": str(state_dir)}))["NIC queues"]
    assert row["status"] == "drift"
    assert row["reason"].startswith("outside: 25 ")


# `chronyc -n tracking` as chrony 4.3 prints it (field names padded), here synchronised to its
# local reference.
CHRONYC_TRACKING = """\
Reference ID    : 7F7F0101 ()
Stratum         : 10
Ref time (UTC)  : Sat Nov 21 21:39:14 2026
System time     : 0.000012000 seconds slow of NTP time
Last offset     : +0.000000000 seconds
Leap status     : Normal
"""


@pytest.mark.parametrize(
    ("out", "status", "actual"),
    [
        (CHRONYC_TRACKING, "ok", "0.000012 s slow"),
        (CHRONYC_TRACKING.replace("0.000012000", "0.250000000"), "drift", "0.250000 s slow"),
        (
            CHRONYC_TRACKING.replace("Normal", "Not synchronised"),
            "drift",
            "not synchronised (Not synchronised)",
        ),
    ],
)
def test_chrony_offset_reads_chronyc_as_printed(out, status, actual):
    reader = Reader(HostFS("/"), lambda argv: (0, out, ""))
    row = CHECKERS["chrony_offset"](reader, {"knob": "clock offset", "max_seconds": 0.0001})
    assert (row["status"], row["actual"]) == (status, actual)


def test_runtime_checks_are_not_applicable_when_runtime_was_blocked(run_module, state_dir, shape_root):
    write_manifest(run_module, state_dir, runtime=False)
    result = run_module(audit, {"root": shape_root("c5n.9xlarge"), "dir": str(state_dir)})
    statuses = {row["status"] for row in result["rows"]}
    assert statuses == {"n/a"}
    assert rows_by_knob(result)["numa balancing"]["reason"] == "container"


def test_boot_drift_is_marked_reboot_pending(run_module, state_dir, shape_root):
    write_manifest(run_module, state_dir)
    result = run_module(
        audit, {"root": shape_root("c5n.9xlarge"), "dir": str(state_dir), "reboot_pending": True}
    )
    assert rows_by_knob(result)["isolated"]["reason"] == "reboot pending"
    assert rows_by_knob(result)["numa balancing"]["reason"] == ""


def test_persistent_file_checks(run_module, state_dir, shape_root, tmp_path):
    conf = tmp_path / "90-lowlat.conf"
    conf.write_text("kernel.numa_balancing = 0\n")
    checks = [
        {
            "knob": "drop-in",
            "kind": "file_line",
            "path": str(conf),
            "line": "kernel.numa_balancing = 0",
            "scope": "persistent",
        },
        {"knob": "old file", "kind": "file_absent", "path": str(tmp_path / "gone"), "scope": "persistent"},
        {
            "knob": "missing line",
            "kind": "file_line",
            "path": str(conf),
            "line": "vm.swappiness = 0",
            "scope": "persistent",
        },
    ]
    write_manifest(run_module, state_dir, checks=checks, runtime=False)
    rows = rows_by_knob(run_module(audit, {"root": shape_root("c5n.9xlarge"), "dir": str(state_dir)}))
    assert rows["drop-in"]["status"] == "ok"
    assert rows["old file"]["status"] == "ok"
    assert rows["missing line"]["status"] == "drift"


def test_no_manifest_is_a_clear_error(run_module, state_dir, shape_root):
    result = run_module(audit, {"root": shape_root("c5n.9xlarge"), "dir": str(state_dir)})
    assert result.failed
    assert "converge the host with playbooks/site.yml first" in result["msg"]
