"""What the audit checks for the time_sync role (the checks of /etc/lowlat/expected/time_sync.json).

The plan is not read. ``settings`` are the time_sync_* variables the checks read (prefix dropped):
max_offset_seconds, ptp_kvm, phc.

``host`` carries what the role found on the host and the chrony.conf lines it wrote from that
(vars/main.yml computes the lines once, for chrony.conf.j2 and for these checks):

- service: the OS family's chrony unit (chrony.service or chronyd.service)
- conf_path: the OS family's chrony.conf
- refclock: the PTP hardware clock chrony uses ({'kind': 'ena' or 'kvm', 'device': ...}), {} for NTP only
- server_lines, refclock_lines, setting_lines: those lines of chrony.conf, exactly as written
- ptp_kvm_conf: the modules-load.d file that loads ptp_kvm at boot
"""

from __future__ import annotations

import json

from ansible_collections.lowlat.trading.plugins.module_utils.check_builders import (
    not_applicable,
    service,
    setting_on,
)

PHC_SELECTED = r"^#\* PHC"
PTP_KVM_OPT_IN = (
    "time_sync_ptp_kvm is false: the KVM PTP clock is opt-in "
    "(third-party measurements only; AWS does not document its time scale)"
)
NOT_CONFIGURED = [
    (
        "hardware packet timestamping",
        "not configured: ENA HW timestamping support on c5n is unconfirmed; "
        "chrony uses software timestamps (no hwtimestamp line)",
    ),
    (
        "ClockBound (error-bounded timestamps)",
        "not installed: error-bounded timestamps are an application concern; the engine reads CLOCK_REALTIME",
    ),
]


def _conf_line(knob: str, host: dict, line: str) -> dict:
    return {"knob": knob, "kind": "file_line", "path": host["conf_path"], "line": line, "scope": "persistent"}


def max_seconds(value) -> float | str:
    """The offset limit as the manifest has always carried it.

    The checks used to be YAML text with the limit written as JSON (`| float | to_json`), which
    YAML 1.1 reads as a float only when it has a decimal point: 0.0001 stays a float, but 1e-05,
    1e+16 and Infinity came out as strings. The audit reads either (float(max_seconds)); the
    manifest keeps the old values so that it does not change on hosts tuned before.
    """
    number = float(value)
    text = json.dumps(number)
    return number if "." in text else text


def service_checks(host: dict) -> list[dict]:
    return [
        service("chrony service enabled", host["service"], "enabled", "persistent"),
        service("chrony service running", host["service"], "active", "runtime"),
    ]


def server_checks(host: dict) -> list[dict]:
    """One per `server <address> <options>` line, named by the address."""
    return [_conf_line(f"NTP server {line.split()[1]}", host, line) for line in host["server_lines"]]


def refclock_checks(host: dict) -> list[dict]:
    """The refclock line, and that chrony selected the PHC (`#*` in `chronyc sources`)."""
    checks = []
    for line in host["refclock_lines"]:
        refclock = host["refclock"]
        name = "ENA PTP hardware clock" if refclock["kind"] == "ena" else "KVM PTP clock"
        checks.append(_conf_line(f"PHC refclock {refclock['device']} ({name})", host, line))
        checks.append(
            {
                "knob": f"PHC selected by chrony ({refclock['kind']})",
                "kind": "command",
                "argv": ["chronyc", "-n", "sources"],
                "pattern": PHC_SELECTED,
                "expected": "the PHC refclock is the selected source (#*)",
                "scope": "runtime",
            }
        )
    return checks


def setting_checks(host: dict) -> list[dict]:
    """makestep, leapsecmode, leapsectz, rtcsync: one per line, named by the directive."""
    return [_conf_line(f"chrony {line.split()[0]}", host, line) for line in host["setting_lines"]]


def offset_check(settings: dict) -> dict:
    return {
        "knob": "clock offset from the reference (chronyc tracking)",
        "kind": "chrony_offset",
        "max_seconds": max_seconds(settings["max_offset_seconds"]),
        "scope": "runtime",
    }


def ptp_kvm_check(settings: dict, host: dict) -> dict:
    if setting_on(settings, "ptp_kvm"):
        return {
            "knob": "ptp_kvm module loaded at boot",
            "kind": "file_line",
            "path": host["ptp_kvm_conf"],
            "line": "ptp_kvm",
            "scope": "persistent",
        }
    return not_applicable("KVM PTP clock refclock (ptp_kvm)", PTP_KVM_OPT_IN)


def ena_phc_checks(settings: dict, host: dict) -> list[dict]:
    """Why there is no PHC refclock, when there is none."""
    if host["refclock_lines"]:
        return []
    if settings["phc"] != "never":
        return [not_applicable("ENA PTP hardware clock refclock", "no ENA PTP hardware clock on this host")]
    return [not_applicable("ENA PTP hardware clock refclock", "time_sync_phc is never")]


def checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    """Every check of the time_sync role, in the manifest's order (plan unused)."""
    return [
        *service_checks(host),
        *server_checks(host),
        *refclock_checks(host),
        *setting_checks(host),
        offset_check(settings),
        ptp_kvm_check(settings, host),
        *ena_phc_checks(settings, host),
        *(not_applicable(knob, reason) for knob, reason in NOT_CONFIGURED),
    ]
