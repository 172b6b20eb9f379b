"""module_utils/kernel_checks: the kernel role's audit checks are valid and their patterns find what they mean."""

from __future__ import annotations

import re

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils import kernel_checks as kc
from ansible_collections.lowlat.trading.plugins.module_utils.audit import validate_check
from tests.unit.plugins.module_utils.kernel_fixtures import plan, settings

HOST = {
    "in_container": False,
    "bootloader_backend": "grub",
    "ksm_present": True,
    "sysfs_root": "/",
    "state": {
        "power": {
            "governor": {"powersave": [0]},
            "cpuidle_states": [{"state": "state2", "name": "C1E", "disabled": False}],
        }
    },
    "reboot_reason": "",
    "irqbalance_config": "/etc/default/irqbalance",
}


def by_knob(checks, knob):
    return [c for c in checks if c["knob"] == knob]


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"irqbalance_mode": "ban", "swapoff": True},
        {
            "cpupower": False,
            "systemd_cpuaffinity": False,
            "workqueue_cpumask": False,
            "remove_args": ["quiet"],
        },
    ],
)
@pytest.mark.parametrize("host", [HOST, {**HOST, "in_container": True, "ksm_present": False, "state": {}}])
def test_every_check_is_valid(overrides, host):
    p = plan()
    for index, check in enumerate(kc.checks(p, settings(p, **overrides), host)):
        validate_check(check, index)


def test_each_boot_argument_is_checked_live_and_in_the_boot_loader():
    p = plan()
    checks = kc.checks(p, settings(p), HOST)
    live = by_knob(checks, "nohz_full")
    assert live == [
        {"knob": "nohz_full", "kind": "cmdline", "key": "nohz_full", "expected": "2-7,10-15", "scope": "boot"}
    ]
    assert by_knob(checks, "nosoftlockup")[0]["expected"] is None
    loader = by_knob(checks, "nohz_full (boot loader)")[0]
    assert loader["argv"] == ["cat", "/etc/default/grub.d/99-lowlat.cfg"]
    pattern = re.compile(loader["pattern"], re.M)
    assert pattern.search('GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX nohz_full=2-7,10-15 skew_tick=1"')
    assert pattern.search('args="ro nohz_full=2-7,10-15"')
    assert not pattern.search('GRUB_CMDLINE_LINUX="nohz_full=2-7,10-151"')
    grubby = kc.checks(p, settings(p), {**HOST, "bootloader_backend": "grubby"})
    assert by_knob(grubby, "nohz_full (boot loader)")[0]["argv"] == ["grubby", "--info=DEFAULT"]


def test_removed_arguments_are_checked_absent():
    p = plan()
    checks = kc.checks(p, settings(p, remove_args=["quiet"]), HOST)
    live = re.compile(by_knob(checks, "quiet removed")[0]["pattern"])
    assert live.search("BOOT_IMAGE=/vmlinuz ro splash") and not live.search(
        "BOOT_IMAGE=/vmlinuz ro quiet splash"
    )
    assert live.search("ro quietly")
    loader = re.compile(by_knob(checks, "quiet removed (boot loader)")[0]["pattern"], re.M)
    assert loader.search('GRUB_CMDLINE_LINUX="ro splash"\n')
    assert not loader.search('X=1\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash"\n')


def test_what_does_not_apply_says_why():
    p = plan(instance_type="c5n.large")
    p["isolated"] = ""
    checks = kc.checks(
        p,
        settings(p, cpupower=True),
        {
            **HOST,
            "in_container": True,
            "ksm_present": False,
            "reboot_reason": "host is a container",
            "state": {},
        },
    )
    reasons = {c["knob"]: c["reason"] for c in checks if c["kind"] == "not_applicable"}
    assert reasons["isolcpus / nohz_full / rcu_nocbs"] == "the plan isolates no CPUs on this host"
    assert reasons["intel_idle.max_cstate / processor.max_cstate"].startswith("c5n.large does not give")
    assert reasons["boot loader update"] == "host is a container"
    assert reasons["KSM"].startswith("no /sys/kernel/mm/ksm under /")
    assert reasons["cpufreq governor"] == "cpufreq is not exposed on this instance (c5n.large)"
    assert reasons["swap"] == "kernel_swapoff is false (vm.swappiness 10 applies)"


def test_power_checks_name_each_deep_idle_state_and_the_unit_lines():
    p = plan()
    checks = kc.checks(p, settings(p), HOST)
    assert by_knob(checks, "cpuidle state2 (C1E) disabled")[0]["pattern"] == r"\A1\s*\Z"
    lines = [c["line"] for c in by_knob(checks, "lowlat-cpupower.service setting")]
    assert len(lines) == 2 and lines[0].endswith("scaling_governor performance")


def test_irqbalance_ban_mode_checks_the_os_config_file():
    p = plan()
    checks = kc.checks(
        p, settings(p, irqbalance_mode="ban"), {**HOST, "irqbalance_config": "/etc/sysconfig/irqbalance"}
    )
    files = {c["path"] for c in checks if c["knob"].startswith("irqbalance IRQBALANCE")}
    assert files == {"/etc/sysconfig/irqbalance"}
    assert [c["expected"] for c in by_knob(checks, "irqbalance")] == ["enabled", "active"]


def test_sysctls_are_checked_live_and_in_the_drop_in():
    p = plan()
    checks = kc.checks(p, settings(p), HOST)
    assert by_knob(checks, "kernel.nmi_watchdog")[0]["expected"] == "0"
    assert by_knob(checks, "kernel.nmi_watchdog (drop-in)")[0]["line"] == "-kernel.nmi_watchdog = 0"
