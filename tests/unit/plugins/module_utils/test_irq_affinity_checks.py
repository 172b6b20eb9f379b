"""module_utils/irq_affinity_checks: the irq_affinity role's audit checks are valid and say what they mean."""

from __future__ import annotations

import base64
import json
import re

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils import irq_affinity_checks as ic
from ansible_collections.lowlat.trading.plugins.module_utils.audit import validate_check

PLAN = {
    "nic": {"name": "ens5", "driver": "ena", "queue_irqs": [30, 31, 32]},
    "irq": "1",
    "housekeeping": "0-1,18-19",
    "isolated": "2-17",
    "masks": {"housekeeping": "0000000c,00000003"},
}
NO_NIC = {**PLAN, "nic": None}
SETTINGS = {"others": True, "exclude_match": [], "default_affinity": True, "recheck_interval": "1min"}
CONFIG = {
    "apply": True,
    "default_affinity": True,
    "exclude_match": [],
    "housekeeping_cpus": "0-1,18-19",
    "irq_cpus": "1",
    "nic": "ens5",
    "nic_mode": "spread",
    "others": True,
    "reason": "",
    "root": "/",
    "version": 1,
}
HOST = {
    "nic": "ens5",
    "runtime": True,
    "nic_refused": [],
    "other_refused": [],
    "previous_manifest": "",
    "unit": "lowlat-irq-affinity.service",
    "timer": "lowlat-irq-affinity.timer",
    "cli": "/usr/local/libexec/lowlat/lowlat-irq-pin",
    "udev_rule": "/etc/udev/rules.d/90-lowlat-irq-affinity.rules",
    "conf_path": "/etc/lowlat/irq-affinity.json",
    "config_text": json.dumps(CONFIG, indent=2, sort_keys=True) + "\n",
}
NO_NIC_HOST = {
    **HOST,
    "nic": "",
    "config_text": json.dumps({**CONFIG, "nic": None}, indent=2, sort_keys=True),
}


def manifest(*checks) -> str:
    return base64.b64encode(json.dumps({"role": "irq_affinity", "checks": list(checks)}).encode()).decode()


PREVIOUS = manifest(
    {"knob": "NIC ens5 queue IRQs", "kind": "irq_affinity", "device": "ens5", "ignore_irqs": [32, 30]},
    {"knob": "NIC eth0 queue IRQs", "kind": "irq_affinity", "device": "eth0", "ignore_irqs": [99]},
    {"knob": "renamed other IRQs", "kind": "irq_affinity", "match": ".", "ignore_irqs": [7, 1]},
    {"knob": "a command", "kind": "command", "device": "ens5", "ignore_irqs": [1000]},
)


def knobs(checks):
    return [c["knob"] for c in checks]


def by_knob(checks, knob):
    (check,) = [c for c in checks if c["knob"] == knob]
    return check


@pytest.mark.parametrize(
    ("plan", "host"),
    [
        (PLAN, HOST),
        (PLAN, {**HOST, "nic_refused": [31], "other_refused": [5], "previous_manifest": PREVIOUS}),
        (NO_NIC, NO_NIC_HOST),
        ({**PLAN, "nic": {"name": "eth0", "queue_irqs": []}}, {**HOST, "nic": "eth0", "runtime": False}),
    ],
)
@pytest.mark.parametrize(
    "settings",
    [
        SETTINGS,
        {**SETTINGS, "others": False, "default_affinity": False, "recheck_interval": ""},
        {**SETTINGS, "exclude_match": ["^nvme"], "others": "yes", "default_affinity": "no"},
    ],
)
def test_every_check_is_valid(plan, settings, host):
    checks = ic.checks(plan, settings, host)
    for index, check in enumerate(checks):
        validate_check(check, index)
    assert len(set(knobs(checks))) == len(checks)


def test_all_checks_in_manifest_order():
    assert knobs(ic.checks(PLAN, SETTINGS, HOST)) == [
        "NIC ens5 queue IRQs on the IRQ CPUs",
        "other IRQs on the housekeeping CPUs",
        "new IRQs on housekeeping (default_smp_affinity)",
        "boot-time unit lowlat-irq-affinity.service",
        "recheck timer lowlat-irq-affinity.timer",
        "lowlat-irq-pin imports the collection's pinning code",
        "pinning configuration housekeeping_cpus",
        "pinning configuration irq_cpus",
        "pinning configuration nic",
        "pinning configuration nic_mode",
        "udev re-pin rule",
        "irqbalance (kernel role)",
        "irqaffinity= boot argument (kernel role)",
    ]


def test_nic_queue_irqs_on_the_irq_cpus():
    check = ic.checks(PLAN, SETTINGS, HOST)[0]
    assert check == {
        "knob": "NIC ens5 queue IRQs on the IRQ CPUs",
        "kind": "irq_affinity",
        "device": "ens5",
        "expected": "1",
        "ignore_irqs": [],
        "scope": "runtime",
    }


@pytest.mark.parametrize(
    ("nic", "reason"),
    [
        ({"name": "eth0", "driver": "virtio_net", "queue_irqs": []}, "(driver virtio_net)"),
        ({"name": "eth0", "driver": "", "queue_irqs": []}, "(driver unknown)"),
        ({"name": "eth0"}, "(driver unknown)"),
    ],
)
def test_nic_without_queue_irqs_is_not_applicable(nic, reason):
    check = ic.checks({**PLAN, "nic": nic}, SETTINGS, {**HOST, "nic": "eth0"})[0]
    assert check == {
        "knob": "NIC queue IRQs on the IRQ CPUs",
        "kind": "not_applicable",
        "reason": f"no queue IRQs of eth0 {reason} were found in the IRQ table",
    }


def test_no_nic():
    checks = ic.checks(NO_NIC, SETTINGS, NO_NIC_HOST)
    assert checks[0] == {
        "knob": "NIC queue IRQs on the IRQ CPUs",
        "kind": "not_applicable",
        "reason": "no NIC in the plan",
    }
    assert "exclude_device" not in by_knob(checks, "other IRQs on the housekeeping CPUs")
    assert "udev re-pin rule" not in knobs(checks)
    assert by_knob(checks, "pinning configuration nic")["line"] == '  "nic": null,'


def test_other_irqs_leave_the_nic_and_the_excluded_actions():
    check = ic.checks(PLAN, {**SETTINGS, "exclude_match": ["^nvme"]}, HOST)[1]
    assert check == {
        "knob": "other IRQs on the housekeeping CPUs",
        "kind": "irq_affinity",
        "match": ".",
        "exclude_device": "ens5",
        "exclude_match": ["^nvme"],
        "expected": "0-1,18-19",
        "ignore_irqs": [],
        "scope": "runtime",
    }


@pytest.mark.parametrize("off", [False, "no", "false", 0])
def test_other_irqs_off(off):
    check = ic.checks(PLAN, {**SETTINGS, "others": off}, HOST)[1]
    assert check["kind"] == "not_applicable" and check["reason"] == "irq_affinity_others is false"


def test_refusals_of_this_run_and_earlier_runs_are_ignored_sorted_once():
    host = {**HOST, "nic_refused": [31, 30], "other_refused": [5, 1, 5], "previous_manifest": PREVIOUS}
    checks = ic.checks(PLAN, SETTINGS, host)
    assert checks[0]["ignore_irqs"] == [30, 31, 32]
    # The match check's refusals are found by what it pins ('other'), not by its (renamed) knob.
    assert checks[1]["ignore_irqs"] == [1, 5, 7]


def test_refusals_for_another_device_or_kind_are_not_taken():
    checks = ic.checks(
        {**PLAN, "nic": {**PLAN["nic"], "name": "ens6"}},
        SETTINGS,
        {**HOST, "nic": "ens6", "previous_manifest": PREVIOUS},
    )
    assert checks[0]["ignore_irqs"] == []
    assert 1000 not in checks[1]["ignore_irqs"]


def test_a_later_previous_check_wins():
    previous = manifest(
        {"kind": "irq_affinity", "device": "ens5", "ignore_irqs": [32]},
        {"kind": "irq_affinity", "device": "ens5", "ignore_irqs": [33]},
        {"kind": "irq_affinity", "device": "ens5"},
    )
    assert ic.checks(PLAN, SETTINGS, {**HOST, "previous_manifest": previous})[0]["ignore_irqs"] == [33]


def test_a_previous_manifest_without_checks():
    empty = base64.b64encode(b'{"role": "irq_affinity"}').decode()
    assert ic.checks(PLAN, SETTINGS, {**HOST, "nic_refused": [31], "previous_manifest": empty})[0][
        "ignore_irqs"
    ] == [31]


def test_no_refusals_where_irqs_are_not_moved():
    host = {
        **HOST,
        "runtime": False,
        "nic_refused": [31],
        "other_refused": [5],
        "previous_manifest": PREVIOUS,
    }
    checks = ic.checks(PLAN, SETTINGS, host)
    assert checks[0]["ignore_irqs"] == [] and checks[1]["ignore_irqs"] == []


@pytest.mark.parametrize(
    ("mask", "matches", "misses"),
    [
        (
            "0000000c,00000003",
            ["0000000c,00000003\n", "c,00000003", "00000000,0000000c,00000003 \t"],
            ["0000000f,00000003", "c,00000003,0"],
        ),
        ("03", ["3", "00000003\n", "0,00000003"], ["13", "30", "7"]),
        ("0,0000000f", ["f", "0000000f", "00000000,0000000f"], ["ff", "1f"]),
    ],
)
def test_default_smp_affinity_pattern_ignores_leading_zero_words(mask, matches, misses):
    check = ic.checks({**PLAN, "masks": {"housekeeping": mask}}, SETTINGS, HOST)[2]
    assert check["argv"] == ["cat", "/proc/irq/default_smp_affinity"]
    assert check["expected"] == "housekeeping 0-1,18-19"
    pattern = re.compile(check["pattern"], re.M)  # as the audit searches
    for text in matches:
        assert pattern.search(text), (mask, text)
    for text in misses:
        assert not pattern.search(text), (mask, text)


def test_default_smp_affinity_off():
    check = ic.checks(PLAN, {**SETTINGS, "default_affinity": "false"}, HOST)[2]
    assert check == {
        "knob": "new IRQs on housekeeping (default_smp_affinity)",
        "kind": "not_applicable",
        "reason": "irq_affinity_default_affinity is false",
    }


def test_no_recheck_timer_without_an_interval():
    assert "recheck timer lowlat-irq-affinity.timer" not in knobs(
        ic.checks(PLAN, {**SETTINGS, "recheck_interval": ""}, HOST)
    )


def test_the_cli_self_test():
    check = by_knob(ic.checks(PLAN, SETTINGS, HOST), "lowlat-irq-pin imports the collection's pinning code")
    assert check["argv"] == ["/usr/bin/python3", "/usr/local/libexec/lowlat/lowlat-irq-pin", "--self-test"]
    pattern = re.compile(check["pattern"], re.M)  # as the audit searches
    assert pattern.search("lowlat-irq-pin ok: cpulist hostfs interrupts irq_pinning topology")
    assert not pattern.search("Traceback ...\nModuleNotFoundError: lowlat-irq-pin ok:")


def test_configuration_lines_are_checked_as_written():
    checks = ic.checks(PLAN, SETTINGS, HOST)
    lines = HOST["config_text"].splitlines()
    irq_cpus = by_knob(checks, "pinning configuration irq_cpus")
    assert irq_cpus == {
        "knob": "pinning configuration irq_cpus",
        "kind": "file_line",
        "path": "/etc/lowlat/irq-affinity.json",
        "line": '  "irq_cpus": "1",',
        "scope": "persistent",
    }
    assert irq_cpus["line"] in lines
    assert not [k for k in knobs(checks) if k.endswith(("others", "apply", "root", "exclude_match"))]


def test_udev_rule_restarts_the_unit_when_the_nic_registers():
    check = by_knob(ic.checks(PLAN, SETTINGS, HOST), "udev re-pin rule")
    assert check["path"] == "/etc/udev/rules.d/90-lowlat-irq-affinity.rules"
    assert check["line"] == (
        'ACTION=="add", SUBSYSTEM=="net", KERNEL=="ens5", '
        'RUN+="/bin/systemctl --no-block restart lowlat-irq-affinity.service"'
    )
