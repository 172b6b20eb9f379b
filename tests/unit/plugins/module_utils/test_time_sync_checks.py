"""module_utils/time_sync_checks: the time_sync role's audit checks are valid and say what they mean."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from ansible_collections.lowlat.trading.plugins.module_utils import time_sync_checks as tc
from ansible_collections.lowlat.trading.plugins.module_utils.audit import validate_check

SETTINGS = {"max_offset_seconds": 0.0001, "ptp_kvm": False, "phc": "auto"}
NTP_ONLY = {
    "service": "chrony.service",
    "conf_path": "/etc/chrony/chrony.conf",
    "refclock": {},
    "server_lines": ["server 169.254.169.123 iburst minpoll 4 maxpoll 4 prefer"],
    "refclock_lines": [],
    "setting_lines": ["makestep 1.0 3", "leapsecmode slew", "rtcsync"],
    "ptp_kvm_conf": "/etc/modules-load.d/lowlat-ptp-kvm.conf",
}
ENA = {
    **NTP_ONLY,
    "refclock": {"kind": "ena", "device": "/dev/ptp_ena", "options": "poll 0 prefer trust", "clock": "ptp0"},
    "server_lines": ["server 169.254.169.123 iburst minpoll 4 maxpoll 4"],
    "refclock_lines": ["refclock PHC /dev/ptp_ena poll 0 prefer trust"],
    "setting_lines": ["makestep 1.0 3", "leapsecmode slew", "leapsectz right/UTC", "rtcsync"],
}
KVM = {
    **ENA,
    "refclock": {"kind": "kvm", "device": "/dev/ptp_kvm", "options": "poll 0 prefer", "clock": "ptp_kvm"},
    "refclock_lines": ["refclock PHC /dev/ptp_kvm poll 0 prefer"],
    "setting_lines": ["makestep 1.0 3", "leapsecmode slew"],
}


def knobs(checks):
    return [c["knob"] for c in checks]


def by_knob(checks, knob):
    (check,) = [c for c in checks if c["knob"] == knob]
    return check


@pytest.mark.parametrize("host", [NTP_ONLY, ENA, KVM, {**NTP_ONLY, "server_lines": []}])
@pytest.mark.parametrize(
    "settings",
    [SETTINGS, {**SETTINGS, "ptp_kvm": True, "phc": "never"}, {**SETTINGS, "max_offset_seconds": 1e-05}],
)
def test_every_check_is_valid(settings, host):
    checks = tc.checks({}, settings, host)
    for index, check in enumerate(checks):
        validate_check(check, index)
    assert len(set(knobs(checks))) == len(checks)


def test_ntp_only_host_in_manifest_order():
    assert knobs(tc.checks({}, SETTINGS, NTP_ONLY)) == [
        "chrony service enabled",
        "chrony service running",
        "NTP server 169.254.169.123",
        "chrony makestep",
        "chrony leapsecmode",
        "chrony rtcsync",
        "clock offset from the reference (chronyc tracking)",
        "KVM PTP clock refclock (ptp_kvm)",
        "ENA PTP hardware clock refclock",
        "hardware packet timestamping",
        "ClockBound (error-bounded timestamps)",
    ]


def test_service_checks_name_the_os_unit():
    checks = tc.checks({}, SETTINGS, {**NTP_ONLY, "service": "chronyd.service"})
    assert by_knob(checks, "chrony service enabled")["unit"] == "chronyd.service"
    assert by_knob(checks, "chrony service running") == {
        "knob": "chrony service running",
        "kind": "service",
        "unit": "chronyd.service",
        "expected": "active",
        "scope": "runtime",
    }


def test_each_server_line_is_checked_in_chrony_conf_by_address():
    host = {
        **NTP_ONLY,
        "conf_path": "/etc/chrony.conf",
        "server_lines": ["server a  prefer", "server fd00:ec2::123 x"],
    }
    checks = tc.checks({}, SETTINGS, host)
    assert by_knob(checks, "NTP server a") == {
        "knob": "NTP server a",
        "kind": "file_line",
        "path": "/etc/chrony.conf",
        "line": "server a  prefer",
        "scope": "persistent",
    }
    assert by_knob(checks, "NTP server fd00:ec2::123")["line"] == "server fd00:ec2::123 x"


def test_ena_refclock_line_and_selection():
    checks = tc.checks({}, SETTINGS, ENA)
    line = by_knob(checks, "PHC refclock /dev/ptp_ena (ENA PTP hardware clock)")
    assert line["line"] == "refclock PHC /dev/ptp_ena poll 0 prefer trust"
    selected = by_knob(checks, "PHC selected by chrony (ena)")
    assert selected["argv"] == ["chronyc", "-n", "sources"]
    pattern = re.compile(selected["pattern"], re.M)
    assert pattern.search(
        "MS Name/IP address\n#* PHC0  0 0 377 1 +2ns[ +3ns] +/- 5ns\n^- 169.254.169.123 ..."
    )
    assert not pattern.search("#+ PHC0  0 0 377 1 +2ns\n^* 169.254.169.123 ...")
    assert not pattern.search("#x PHC0\n^* 169.254.169.123")
    assert "ENA PTP hardware clock refclock" not in knobs(checks)


def test_kvm_refclock_is_named_as_such():
    checks = tc.checks({}, {**SETTINGS, "ptp_kvm": True}, KVM)
    assert "PHC refclock /dev/ptp_kvm (KVM PTP clock)" in knobs(checks)
    assert "PHC selected by chrony (kvm)" in knobs(checks)
    assert "ENA PTP hardware clock refclock" not in knobs(checks)


def test_setting_lines_are_named_by_directive():
    checks = tc.checks({}, SETTINGS, ENA)
    assert by_knob(checks, "chrony leapsectz")["line"] == "leapsectz right/UTC"
    assert by_knob(checks, "chrony makestep")["path"] == "/etc/chrony/chrony.conf"


@pytest.mark.parametrize("on", [True, "yes", "true", 1])
def test_ptp_kvm_on_checks_the_modules_load_file(on):
    check = tc.checks({}, {**SETTINGS, "ptp_kvm": on}, NTP_ONLY)
    assert by_knob(check, "ptp_kvm module loaded at boot") == {
        "knob": "ptp_kvm module loaded at boot",
        "kind": "file_line",
        "path": "/etc/modules-load.d/lowlat-ptp-kvm.conf",
        "line": "ptp_kvm",
        "scope": "persistent",
    }


@pytest.mark.parametrize("off", [False, "no", "false", 0])
def test_ptp_kvm_off_is_not_applicable(off):
    checks = tc.checks({}, {**SETTINGS, "ptp_kvm": off}, NTP_ONLY)
    na = by_knob(checks, "KVM PTP clock refclock (ptp_kvm)")
    assert na["kind"] == "not_applicable" and na["reason"].startswith("time_sync_ptp_kvm is false")
    assert "ptp_kvm module loaded at boot" not in knobs(checks)


@pytest.mark.parametrize(
    ("phc", "reason"),
    [
        ("auto", "no ENA PTP hardware clock on this host"),
        ("require", "no ENA PTP hardware clock on this host"),
        ("never", "time_sync_phc is never"),
    ],
)
def test_no_refclock_says_why(phc, reason):
    checks = tc.checks({}, {**SETTINGS, "phc": phc}, NTP_ONLY)
    assert by_knob(checks, "ENA PTP hardware clock refclock")["reason"] == reason
    assert not [k for k in knobs(checks) if k.startswith("PHC ")]


def test_offset_limit():
    checks = tc.checks({}, {**SETTINGS, "max_offset_seconds": "0.5"}, NTP_ONLY)
    check = by_knob(checks, "clock offset from the reference (chronyc tracking)")
    assert check == {
        "knob": "clock offset from the reference (chronyc tracking)",
        "kind": "chrony_offset",
        "max_seconds": 0.5,
        "scope": "runtime",
    }


@pytest.mark.parametrize("value", [0.0001, 1e-05, 1.5e-05, 2, "0.25", 1e16, 1.5e16, -1e-07, float("inf")])
def test_offset_limit_as_the_yaml_manifest_read_it(value):
    # What `{{ value | float | to_json }}` in YAML gave once parsed: the manifest must not change.
    expected = yaml.safe_load(json.dumps(float(value)))
    got = tc.max_seconds(value)
    assert got == expected and type(got) is type(expected)


def test_offset_limit_types():
    assert tc.max_seconds(0.0001) == 0.0001 and isinstance(tc.max_seconds(0.0001), float)
    assert tc.max_seconds(1e-05) == "1e-05"
    assert tc.max_seconds(3) == 3.0
