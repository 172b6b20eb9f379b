"""module_utils/kernel_tuning: what the kernel role sets, from fixture plans and the role's defaults."""

from __future__ import annotations

import re

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils import kernel_tuning as kt
from tests.unit.plugins.module_utils.kernel_fixtures import plan, settings


@pytest.fixture
def dedicated():
    """16 vCPUs, SMT on: housekeeping 0,8; IRQ CPUs 1,9; isolated 2-7,10-15; NIC queue IRQs 25-28."""
    return plan()


def test_boot_args_follow_the_plan_and_the_switches(dedicated):
    assert kt.boot_args(dedicated, settings(dedicated)) == [
        "isolcpus=managed_irq,domain,2-7,10-15",
        "nohz=on",
        "nohz_full=2-7,10-15",
        "rcu_nocbs=2-7,10-15",
        "rcupdate.rcu_normal_after_boot=1",
        "irqaffinity=0,8",
        "skew_tick=1",
        "tsc=reliable",
        "nosoftlockup",
        "nmi_watchdog=0",
        "transparent_hugepage=never",
        "intel_idle.max_cstate=1",
        "processor.max_cstate=1",
    ]


def test_switches_read_as_ansible_booleans_and_extra_args_come_last(dedicated):
    s = settings(
        dedicated,
        isolcpus_flags=[],
        nohz_on="no",
        rcu_nocb_poll="yes",
        skew_tick="false",
        idle_poll="true",
        extra_args=["hugepagesz=1G"],
    )
    args = kt.boot_args(dedicated, s)
    assert args[0] == "isolcpus=2-7,10-15"
    assert "nohz=on" not in args and "skew_tick=1" not in args
    assert args[args.index("rcu_nocbs=2-7,10-15") + 1] == "rcu_nocb_poll"
    assert args[-2:] == ["idle=poll", "hugepagesz=1G"]


def test_no_isolation_and_no_cstate_control_leave_those_arguments_out():
    p = plan(instance_type="c5n.large")
    p["isolated"] = ""
    args = kt.boot_args(p, settings(p))
    assert not [a for a in args if re.match(r"(isolcpus|nohz|rcu_nocbs)", a)]
    assert not [a for a in args if "max_cstate" in a]
    assert f"irqaffinity={p['housekeeping']}" in args


def test_a_consistent_plan_passes_the_preflight(dedicated):
    assert kt.preflight_errors(dedicated, settings(dedicated)) == []


def test_preflight_lists_every_reason_at_once(dedicated):
    p = {**dedicated, "isolated": "0-7"}
    s = settings(
        p,
        remove_args=["nohz_full", "quiet"],
        extra_args=["skew_tick=0"],
        sysctls_extra={"bad key": 1, "vm.ok": "a=b"},
    )
    errors = kt.preflight_errors(p, s)
    assert len(errors) == 4
    assert "isolates CPU 0 (0-7)" in errors[0] and "kernel_nohz_full: false" in errors[0]
    assert errors[1].startswith("nohz_full both set") and "kernel_remove_args" in errors[1]
    assert "appears twice" in errors[2] and "skew_tick" in errors[2]
    assert "bad key, vm.ok" in errors[3]


def test_cpu0_isolated_is_fine_without_nohz_full(dedicated):
    p = {**dedicated, "isolated": "0-7"}
    assert kt.preflight_errors(p, settings(p, nohz_full=False)) == []


def test_tuning_returns_only_the_errors_when_there_are_some(dedicated):
    p = {**dedicated, "isolated": "0-7"}
    assert set(kt.tuning(p, settings(p))) == {"errors"}


def test_sysctls_merge_extra_over_defaults_and_null_leaves_a_key_alone(dedicated):
    values = kt.sysctls(settings(dedicated, sysctls_extra={"vm.swappiness": None, "net.core.busy_poll": 0}))
    assert "vm.swappiness" not in values and values["net.core.busy_poll"] == 0


def test_sysctl_lines_prefix_the_keys_a_kernel_may_refuse():
    lines = kt.sysctl_lines({"kernel.nmi_watchdog": 0, "vm.stat_interval": 10})
    assert lines == {
        "kernel.nmi_watchdog": "-kernel.nmi_watchdog = 0",
        "vm.stat_interval": "vm.stat_interval = 10",
    }


def test_drift_compares_words_and_ignores_keys_the_kernel_lacks():
    values = {
        "net.ipv4.tcp_rmem": "4096 87380  6291456",
        "vm.stat_interval": 10,
        "kernel.nmi_watchdog": 0,
        "net.core.busy_poll": 50,
    }
    live = [
        "net.ipv4.tcp_rmem = 4096\t87380\t6291456",
        "vm.stat_interval = 1",
        "kernel.nmi_watchdog = 1",
        "sysctl: cannot stat /proc/sys/net/core/busy_poll",
    ]
    drift = kt.sysctl_drift(values, live)
    assert drift == ["kernel.nmi_watchdog", "vm.stat_interval"]
    assert kt.sysctl_writes(values, drift) == ["vm.stat_interval=10"]


def test_power_units_follow_what_the_host_exposes(dedicated):
    s = settings(dedicated)
    state = {
        "thp": {"enabled": "never", "defrag": "never"},
        "power": {
            "governor": {"powersave": [0]},
            "cpuidle_states": [
                {"state": "state1", "name": "C1", "disabled": False},
                {"state": "state2", "name": "C1E", "disabled": True},
            ],
        },
    }
    units = kt.boot_units(dedicated, s, state)
    assert [line.rsplit("/", 2)[-2:] for line in units["cpupower_exec"]] == [
        ["cpufreq", "scaling_governor performance"],
        ["state2", "disable 1"],
    ]
    assert units["cpupower_applicable"] and units["cpupower_drift"] and not units["thp_drift"]
    hidden = kt.boot_units(dedicated, s, {"power": {"governor": "n/a", "cpuidle_states": "n/a"}})
    assert hidden["cpupower_exec"] == [] and not hidden["cpupower_applicable"] and hidden["thp_drift"]


def test_the_workqueue_pattern_accepts_the_kernels_wider_mask(dedicated):
    pattern = kt.workqueue_mask_pattern(dedicated)
    assert re.search(pattern, "00000000,00000101\n") and re.search(pattern, "0101")
    assert not re.search(pattern, "00000103")


def test_irqbalance_bans_isolated_and_dedicated_irq_cpus_and_the_nic_irqs(dedicated):
    banned = kt.irqbalance(dedicated)
    assert banned["banned"] == "1-7,9-15"
    assert banned["lines"] == {
        "IRQBALANCE_BANNED_CPULIST": "IRQBALANCE_BANNED_CPULIST=1-7,9-15",
        "IRQBALANCE_BANNED_CPUS": "IRQBALANCE_BANNED_CPUS=fefe",
        "IRQBALANCE_ARGS": 'IRQBALANCE_ARGS="--banirq=25 --banirq=26 --banirq=27 --banirq=28"',
    }
    shared = {**dedicated, "irq_mode": "shared", "nic": None}
    assert kt.irqbalance(shared)["banned"] == dedicated["isolated"]
    assert "IRQBALANCE_ARGS" not in kt.irqbalance(shared)["lines"]


@pytest.mark.parametrize(
    ("in_container", "update", "cmdline", "reason"),
    [
        (True, True, {"reboot_required": True}, "host is a container"),
        (False, "no", {"reboot_required": True}, "kernel_update_bootloader is false"),
        (
            False,
            True,
            {"reboot_required": True, "backend": "grubby", "missing": ["nohz=on"], "unexpected": ["quiet"]},
            "boot arguments pending (grubby): missing nohz=on; still present quiet",
        ),
        (False, True, {"reboot_required": False}, "the running kernel already has the planned arguments"),
    ],
)
def test_reboot_reason(dedicated, in_container, update, cmdline, reason):
    assert reason in kt.reboot_reason(in_container, settings(dedicated, update_bootloader=update), cmdline)
