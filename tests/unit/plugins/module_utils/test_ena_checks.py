"""module_utils/ena_checks: the ena role's audit checks are valid, their patterns find what they mean, and
what does not apply says why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.lowlat.trading.plugins.module_utils import ena_checks as ec
from ansible_collections.lowlat.trading.plugins.module_utils.audit import validate_check

DEFAULTS = Path(__file__).resolve().parents[4] / "roles" / "ena" / "defaults" / "main.yml"

ETHTOOL_L = """Channel parameters for eth0:
Pre-set maximums:
RX:		n/a
TX:		n/a
Other:		n/a
Combined:	8
Current hardware settings:
RX:		n/a
TX:		n/a
Other:		n/a
Combined:	{combined}
"""
ETHTOOL_G = """Ring parameters for eth0:
Pre-set maximums:
RX:		16384
TX:		1024
Current hardware settings:
RX:		{rx}
TX:		512
TX push buff len:	224
"""


def settings(**overrides) -> dict:
    """The role's defaults, their ena_ prefix dropped, as roles/ena/vars/main.yml passes them."""
    raw = yaml.safe_load(DEFAULTS.read_text())
    return {**{key.removeprefix("ena_"): value for key, value in raw.items()}, **overrides}


def host(ifname: str = "eth0", driver: str = "ena", generic: bool = False, **overrides) -> dict:
    """What roles/ena/vars/main.yml derives for a NIC with the default settings (4 IRQ CPUs)."""
    is_ena = driver == "ena"
    skip = "no NIC in the plan" if not ifname else f"ENA-only: NIC {ifname} uses driver {driver or 'unknown'}"
    return {
        "ifname": ifname,
        "is_ena": is_ena,
        "tune_nic": bool(ifname) and (is_ena or generic),
        "skip_reason": skip,
        "module_options": {"force_large_llq_header": 1},
        "modprobe_path": "/etc/modprobe.d/lowlat-ena.conf",
        "modprobe_line": "options ena force_large_llq_header=1",
        "conf_path": f"/etc/lowlat/nic/{ifname}.conf",
        "unit": f"lowlat-ena@{ifname}.service",
        "nic_settings": {
            "channels": 4,
            "rx_ring": 4096,
            "tx_ring": -1,
            "tx_push_buf_len": -1,
            "adaptive_rx": "off",
            "adaptive_tx": "",
            "rx_usecs": 0,
            "tx_usecs": 0,
            "napi_defer_hard_irqs": -1,
            "gro_flush_timeout": -1,
        },
        **overrides,
    }


def by_knob(checks, knob):
    return [c for c in checks if c["knob"] == knob]


def reasons(checks) -> dict:
    return {c["knob"]: c["reason"] for c in checks if c["kind"] == "not_applicable"}


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"coalesce": False, "force_large_llq_header": False, "driver_version": "2.13.0g"},
        {"express": False, "check_srd_mode": True, "counter_checks": ["rx_drops"], "counter_max": "3"},
    ],
)
@pytest.mark.parametrize(
    "nic",
    [
        host(),
        host(
            module_options={}, nic_settings={**host()["nic_settings"], "channels": -1, "tx_push_buf_len": 224}
        ),
        host("eth1", "virtio_net"),
        host("eth1", "virtio_net", generic=True),
        host("", ""),
    ],
)
def test_every_check_is_valid(overrides, nic):
    checks = ec.checks({}, settings(**overrides), nic)
    assert checks
    for index, check in enumerate(checks):
        validate_check(check, index)


def test_each_module_option_is_checked_in_the_file_and_loaded():
    options = {"force_large_llq_header": 1, "phc_enable": 1, "enable_bql": True}
    checks = ec.checks({}, settings(), host(module_options=options, modprobe_line="options ena x"))
    assert by_knob(checks, ec.MODULE_OPTIONS)[0]["line"] == "options ena x"
    loaded = [c for c in checks if c["knob"].startswith("ena module parameter")]
    assert [(c["path"], c["expected"]) for c in loaded] == [
        ("/sys/module/ena/parameters/force_large_llq_header", "1"),
        ("/sys/module/ena/parameters/phc_enable", "1"),
        ("/sys/module/ena/parameters/enable_bql", "True"),
    ]
    assert ec.PHC not in reasons(checks) and ec.LARGE_LLQ not in reasons(checks)


def test_module_options_left_unset_say_why():
    checks = ec.checks({}, settings(force_large_llq_header=False), host(module_options={}))
    assert not by_knob(checks, ec.MODULE_OPTIONS)
    why = reasons(checks)
    assert why[ec.LARGE_LLQ].startswith("ena_force_large_llq_header is false")
    assert why[ec.PHC].startswith("ena_phc_enable is false")


def test_driver_check_matches_the_driver_or_its_pinned_version():
    plain = by_knob(ec.checks({}, settings(), host()), ec.DRIVER)[0]
    assert plain["argv"] == ["ethtool", "-i", "eth0"]
    pattern = re.compile(plain["pattern"], re.M)
    assert pattern.search("driver: ena\nversion: 2.13.0g\n")
    assert not pattern.search("driver: ena_x\n") and not pattern.search("driver: virtio_net\n")
    pinned = by_knob(ec.checks({}, settings(driver_version="2.13.0g"), host()), ec.DRIVER)[0]
    assert pinned["expected"] == "ena version 2.13.0g"
    pattern = re.compile(pinned["pattern"], re.M)
    assert pattern.search("driver: ena\nversion: 2.13.0g \t\n")
    assert not pattern.search("version: 2.13.0gx\n") and not pattern.search("version: 2x13x0g\n")


def test_queues_and_rings_are_read_from_the_current_settings_not_the_maximums():
    checks = ec.checks({}, settings(), host())
    queues = re.compile(by_knob(checks, ec.QUEUES)[0]["pattern"], re.M)
    assert queues.search(ETHTOOL_L.format(combined=4))
    assert not queues.search(
        ETHTOOL_L.format(combined=8).replace("Combined:\t8\nCurrent", "Combined:\t4\nCurrent")
    )
    assert not queues.search(ETHTOOL_L.format(combined=40))
    rx = re.compile(by_knob(checks, "rx ring size")[0]["pattern"], re.M)
    assert rx.search(ETHTOOL_G.format(rx=4096)) and not rx.search(ETHTOOL_G.format(rx=1024))
    assert reasons(checks)["tx ring size"] == "ena_tx_ring is 0: the driver default is left as is"


def test_tx_push_buffer_is_checked_only_when_set():
    knob = "tx push buffer length (in-tree large LLQ)"
    assert not by_knob(ec.checks({}, settings(), host()), knob)
    nic = {**host()["nic_settings"], "tx_push_buf_len": 224}
    check = by_knob(ec.checks({}, settings(), host(nic_settings=nic)), knob)[0]
    assert re.compile(check["pattern"], re.M).search(ETHTOOL_G.format(rx=4096))
    assert not re.compile(check["pattern"], re.M).search(ETHTOOL_G.format(rx=4096).replace("224", "96"))


def test_interrupt_moderation_follows_ena_coalesce_and_adaptive_rx():
    checks = ec.checks({}, settings(), host())
    adaptive = by_knob(checks, "adaptive rx interrupt moderation")[0]
    assert adaptive["expected"] == "adaptive-rx off"
    pattern = re.compile(adaptive["pattern"], re.M)
    assert pattern.search("Adaptive RX: off  TX: off\n") and pattern.search("Adaptive RX: n/a  TX: n/a\n")
    assert not pattern.search("Adaptive RX: on  TX: off\n")
    on = by_knob(ec.checks({}, settings(adaptive_rx=True), host()), "adaptive rx interrupt moderation")[0]
    assert re.compile(on["pattern"], re.M).search("Adaptive RX: on  TX: off\n")
    delay = re.compile(by_knob(checks, "rx-usecs interrupt delay")[0]["pattern"], re.M)
    assert delay.search("rx-usecs: 0\n") and not delay.search("rx-usecs: 64\n")
    off = ec.checks({}, settings(coalesce=False), host())
    assert reasons(off)[ec.MODERATION] == "ena_coalesce is false: interrupt moderation is left as is"
    assert not [c for c in off if c["knob"].endswith("interrupt delay")]


def test_napi_knobs_are_checked_when_not_minus_one():
    nic = {**host()["nic_settings"], "napi_defer_hard_irqs": 0, "gro_flush_timeout": 200000}
    checks = ec.checks({}, settings(), host(nic_settings=nic))
    sysfs = {c["path"]: c["expected"] for c in checks if c["kind"] == "sysfs" and "/class/net/" in c["path"]}
    assert sysfs == {
        "/sys/class/net/eth0/napi_defer_hard_irqs": "0",
        "/sys/class/net/eth0/gro_flush_timeout": "200000",
    }
    left = reasons(ec.checks({}, settings(), host()))
    assert left["gro_flush_timeout (busy-poll GRO flush timer)"].startswith("ena_gro_flush_timeout is -1")


def test_counters_are_named_by_meaning_and_srd_mode_only_without_ena_express():
    checks = ec.checks(
        {}, settings(counter_checks=["pps_allowance_exceeded", "rx_drops"], counter_max="5"), host()
    )
    stats = {c["knob"]: c["max"] for c in checks if c["kind"] == "ethtool_stat"}
    assert stats == {"pps_allowance_exceeded (packets per second)": 5, "rx_drops": 5}
    srd = "ENA Express off (ena_srd_mode counter)"
    assert by_knob(ec.checks({}, settings(check_srd_mode=True), host()), srd)[0]["max"] == 0
    with_express = ec.checks({}, settings(check_srd_mode=True, express=True), host())
    assert not by_knob(with_express, srd)
    assert reasons(with_express)[ec.EXPRESS].endswith("expected on (ena_express)")


def test_another_driver_gets_the_same_knobs_not_applicable():
    # On an ENA NIC with both switches off, every knob is named (checked or not_applicable).
    ena = ec.checks({}, settings(force_large_llq_header=False, coalesce=False), host())
    virtio = ec.checks({}, settings(), host("eth1", "virtio_net"))
    assert all(c["kind"] == "not_applicable" for c in virtio)
    assert {c["knob"] for c in virtio} <= {c["knob"] for c in ena}
    why = reasons(virtio)
    assert why[ec.DRIVER] == "ENA-only: NIC eth1 uses driver virtio_net"
    assert why[ec.QUEUES] == "ENA-only: NIC eth1 uses driver virtio_net and ena_generic_nic_settings is false"


def test_generic_settings_apply_to_another_driver_when_asked():
    checks = ec.checks({}, settings(), host("eth1", "virtio_net", generic=True))
    assert by_knob(checks, ec.QUEUES)[0]["argv"] == ["ethtool", "-l", "eth1"]
    assert by_knob(checks, "NIC settings file /etc/lowlat/nic/eth1.conf")[0]["line"] == "interface=eth1"
    assert by_knob(checks, "boot-time unit lowlat-ena@eth1.service")[0]["expected"] == "enabled"
    assert reasons(checks)[ec.DRIVER] == "ENA-only: NIC eth1 uses driver virtio_net"


def test_no_nic_says_so_without_the_generic_settings_suffix():
    why = reasons(ec.checks({}, settings(), host("", "")))
    assert why[ec.QUEUES] == "no NIC in the plan"
    assert why["wd_expired (watchdog expiries: device resets)"] == "no NIC in the plan"
