"""What the audit checks for the ena role (the checks of /etc/lowlat/expected/ena.json).

``plan`` is not read: the plan's NIC comes in ``host`` as roles/ena/vars/main.yml resolved it for the
role's other tasks. ``settings`` is the role's variables without their ``ena_`` prefix (those read
here: force_large_llq_header, driver_version, counter_checks, counter_max, express, check_srd_mode,
coalesce, adaptive_rx).

``host`` carries what the role derived from the plan and its variables (roles/ena/vars/main.yml):

- ifname: the plan's NIC ('' when the plan has none)
- is_ena: that NIC uses the ena driver (the ENA-only checks apply)
- tune_nic: the generic ethtool settings apply to it (an ENA NIC, or ena_generic_nic_settings)
- skip_reason: why the ENA-only checks do not apply (no NIC, or the NIC's other driver)
- module_options: the ena module options written (the two switches, then ena_module_options)
- modprobe_path, modprobe_line: the modprobe.d file and its `options ena ...` line
- conf_path: lowlat-nic-tune's settings file for the NIC
- unit: the boot-time unit that applies it (lowlat-ena@<ifname>.service)
- nic_settings: the settings lowlat-nic-tune applies (channels, rx_ring, tx_ring, tx_push_buf_len,
  adaptive_rx, rx_usecs, tx_usecs, napi_defer_hard_irqs, gro_flush_timeout; -1 = left as is)
"""

from __future__ import annotations

import re

from ansible_collections.lowlat.trading.plugins.module_utils.check_builders import not_applicable, setting_on

# Knob names said once, so the checks on an ENA NIC and the not_applicable rows on any other NIC
# carry the same names.
MODULE_OPTIONS = "ena module options (modprobe.d line)"
LARGE_LLQ = "large LLQ header (force_large_llq_header)"
PHC = "ENA PTP hardware clock (phc_enable)"
DRIVER = "ena driver bound to the NIC"
EXPRESS = "ENA Express (ENI attribute)"
QUEUES = "NIC combined queue count"
MODERATION = "interrupt moderation"
RINGS = ("rx", "tx")
NAPI_KNOBS = {
    "napi_defer_hard_irqs": "napi_defer_hard_irqs (busy-poll IRQ deferral)",
    "gro_flush_timeout": "gro_flush_timeout (busy-poll GRO flush timer)",
}
COUNTER_MEANING = {
    "bw_in_allowance_exceeded": "inbound bandwidth",
    "bw_out_allowance_exceeded": "outbound bandwidth",
    "pps_allowance_exceeded": "packets per second",
    "conntrack_allowance_exceeded": "connection tracking",
    "linklocal_allowance_exceeded": "link-local: DNS, IMDS, NTP",
    "tx_timeout": "Tx timeouts: device resets",
    "wd_expired": "watchdog expiries: device resets",
}

# A line of ethtool's output ends with the value (blanks allowed, not a longer number).
EOL = "[ \t]*$"
# ethtool -l / -g print the maximums first: the value must be in the last block (current settings).
CURRENT = r"(?![\s\S]*Current hardware settings)"


def _int(value) -> int:
    """A number as Jinja's int filter reads it (0 when it is none)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError, OverflowError):
            return 0


def _ethtool(knob: str, option: str, ifname: str, pattern: str, expected: str) -> dict:
    """A runtime check on what `ethtool <option> <ifname>` prints."""
    return {
        "knob": knob,
        "kind": "command",
        "argv": ["ethtool", option, ifname],
        "pattern": pattern,
        "expected": expected,
        "scope": "runtime",
    }


def _counter_knob(stat: str) -> str:
    meaning = COUNTER_MEANING.get(stat)
    return f"{stat} ({meaning})" if meaning else f"{stat}"


def generic_skip_reason(host: dict) -> str:
    """Why the generic ethtool settings do not apply to the NIC."""
    reason = host["skip_reason"]
    return reason + (" and ena_generic_nic_settings is false" if host["ifname"] else "")


def module_checks(settings: dict, host: dict) -> list[dict]:
    """The modprobe.d line and each option's loaded value; the options left unset, why."""
    options = host.get("module_options") or {}
    checks = []
    if options:
        checks.append(
            {
                "knob": MODULE_OPTIONS,
                "kind": "file_line",
                "path": host["modprobe_path"],
                "line": host["modprobe_line"],
                "scope": "persistent",
            }
        )
        checks.extend(
            {
                "knob": f"ena module parameter {key} (loaded value)",
                "kind": "sysfs",
                "path": f"/sys/module/ena/parameters/{key}",
                "expected": str(value),
                "scope": "boot",
            }
            for key, value in options.items()
        )
    if not setting_on(settings, "force_large_llq_header"):
        checks.append(
            not_applicable(
                LARGE_LLQ,
                "ena_force_large_llq_header is false: the driver's default LLQ header size "
                "(96 B on c5n / Nitro v3)",
            )
        )
    if "phc_enable" not in options:
        checks.append(
            not_applicable(
                PHC,
                "ena_phc_enable is false: AWS offers the PTP hardware clock on "
                "M7a/M7g/M7i/R7a/R7g/R7i/I8g/I8ge, not c5n",
            )
        )
    return checks


def driver_checks(settings: dict, host: dict) -> list[dict]:
    """The in-tree large-LLQ switch when set, and the driver (its version when pinned)."""
    ifname = host["ifname"]
    push = host["nic_settings"]["tx_push_buf_len"]
    checks = []
    if _int(push) > 0:
        checks.append(
            _ethtool(
                "tx push buffer length (in-tree large LLQ)",
                "-g",
                ifname,
                rf"(?i)^TX push buff len:\s+{push}" + EOL,
                f"tx-push-buf-len {push}",
            )
        )
    version = settings["driver_version"]
    if version == "":
        checks.append(_ethtool(DRIVER, "-i", ifname, "^driver: ena" + EOL, "driver ena"))
    else:
        pattern = "^version: " + re.escape(f"{version}") + EOL
        checks.append(_ethtool(DRIVER, "-i", ifname, pattern, f"ena version {version}"))
    return checks


def counter_checks(settings: dict, host: dict) -> list[dict]:
    """The ethtool -S counters, ENA Express (recorded, not on the host) and its srd counter."""
    ifname = host["ifname"]
    checks = [
        {
            "knob": _counter_knob(stat),
            "kind": "ethtool_stat",
            "device": ifname,
            "stat": stat,
            "max": _int(settings["counter_max"]),
            "scope": "runtime",
        }
        for stat in settings["counter_checks"]
    ]
    express = setting_on(settings, "express")
    checks.append(
        not_applicable(
            EXPRESS,
            "an ENI attribute set through the EC2 API (terraform), not on the host; expected "
            f"{'on' if express else 'off'} (ena_express)",
        )
    )
    if setting_on(settings, "check_srd_mode") and not express:
        checks.append(
            {
                "knob": "ENA Express off (ena_srd_mode counter)",
                "kind": "ethtool_stat",
                "device": ifname,
                "stat": "ena_srd_mode",
                "max": 0,
                "scope": "runtime",
            }
        )
    return checks


def ena_only_checks(settings: dict, host: dict) -> list[dict]:
    """The ENA-only knobs, or (on any other NIC, or none) each of them not_applicable."""
    if setting_on(host, "is_ena"):
        return [
            *module_checks(settings, host),
            *driver_checks(settings, host),
            *counter_checks(settings, host),
        ]
    knobs = [LARGE_LLQ, MODULE_OPTIONS, PHC, DRIVER, EXPRESS]
    knobs += [_counter_knob(stat) for stat in settings["counter_checks"]]
    return [not_applicable(knob, host["skip_reason"]) for knob in knobs]


def queue_checks(host: dict) -> list[dict]:
    """Combined queues and ring sizes, each when set (the ethtool value 0 or -1 leaves it as is)."""
    ifname = host["ifname"]
    nic = host["nic_settings"]
    channels = nic["channels"]
    checks = []
    if _int(channels) > 0:
        pattern = rf"^Combined:\s+{channels}" + EOL + CURRENT
        checks.append(_ethtool(QUEUES, "-l", ifname, pattern, f"combined {channels}"))
    else:
        checks.append(not_applicable(QUEUES, "ena_channels is 0: the driver's queue count is left as is"))
    for ring in RINGS:
        size = nic[f"{ring}_ring"]
        knob = f"{ring} ring size"
        if _int(size) > 0:
            pattern = rf"^{ring.upper()}:\s+{size}" + EOL + CURRENT
            checks.append(_ethtool(knob, "-g", ifname, pattern, f"{ring} {size}"))
        else:
            checks.append(not_applicable(knob, f"ena_{ring}_ring is 0: the driver default is left as is"))
    return checks


def moderation_checks(settings: dict, host: dict) -> list[dict]:
    """Adaptive Rx and the two interrupt delays, when ena_coalesce manages them."""
    if not setting_on(settings, "coalesce"):
        return [not_applicable(MODERATION, "ena_coalesce is false: interrupt moderation is left as is")]
    ifname = host["ifname"]
    nic = host["nic_settings"]
    adaptive = "on" if setting_on(settings, "adaptive_rx") else "(off|n/a)"
    checks = [
        _ethtool(
            "adaptive rx interrupt moderation",
            "-c",
            ifname,
            rf"^Adaptive RX:\s+{adaptive}\b",
            f"adaptive-rx {nic['adaptive_rx']}",
        )
    ]
    for key in ("rx-usecs", "tx-usecs"):
        value = nic[key.replace("-", "_")]
        checks.append(
            _ethtool(f"{key} interrupt delay", "-c", ifname, rf"^{key}:\s+{value}" + EOL, f"{key} {value}")
        )
    return checks


def napi_checks(host: dict) -> list[dict]:
    """The per-netdev NAPI knobs, each when set (-1 leaves it as is)."""
    checks = []
    for key, knob in NAPI_KNOBS.items():
        value = host["nic_settings"][key]
        if _int(value) >= 0:
            checks.append(
                {
                    "knob": knob,
                    "kind": "sysfs",
                    "path": f"/sys/class/net/{host['ifname']}/{key}",
                    "expected": str(value),
                    "scope": "runtime",
                }
            )
        else:
            checks.append(
                not_applicable(
                    knob,
                    f"ena_{key} is -1: left as is (only useful with busy polling, set by the kernel role)",
                )
            )
    return checks


def nic_checks(settings: dict, host: dict) -> list[dict]:
    """The generic ethtool knobs (any driver), or each of them not_applicable."""
    if not setting_on(host, "tune_nic"):
        knobs = [QUEUES, *(f"{ring} ring size" for ring in RINGS), MODERATION, *NAPI_KNOBS.values()]
        return [not_applicable(knob, generic_skip_reason(host)) for knob in knobs]
    return [
        {
            "knob": f"NIC settings file {host['conf_path']}",
            "kind": "file_line",
            "path": host["conf_path"],
            "line": f"interface={host['ifname']}",
            "scope": "persistent",
        },
        {
            "knob": f"boot-time unit {host['unit']}",
            "kind": "service",
            "unit": host["unit"],
            "expected": "enabled",
            "scope": "persistent",
        },
        *queue_checks(host),
        *moderation_checks(settings, host),
        *napi_checks(host),
    ]


def checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    """Every check of the ena role, in the manifest's order."""
    return [*ena_only_checks(settings, host), *nic_checks(settings, host)]
