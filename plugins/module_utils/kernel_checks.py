"""What the audit checks for the kernel role (the checks of /etc/lowlat/expected/kernel.json).

``host`` carries what the role learnt on the host before writing the manifest:

- in_container: the host is a container (no boot loader of its own)
- bootloader_backend: the kernel_cmdline module's backend ('grub' or 'grubby')
- ksm_present: /sys/kernel/mm/ksm/run exists under sysfs_root
- sysfs_root: lowlat_sysfs_root (named in the KSM check's reason)
- state: lowlat_state (the plan role's reading: power.governor, power.cpuidle_states)
- reboot_reason: what kernel_tuning.reboot_reason said
- irqbalance_config: the OS family's irqbalance defaults file
"""

from __future__ import annotations

import re

from ansible_collections.lowlat.trading.plugins.module_utils import kernel_tuning as kt
from ansible_collections.lowlat.trading.plugins.module_utils.check_builders import (
    not_applicable,
    service,
    setting_on,
)

# An argument is present in GRUB_CMDLINE_LINUX='...' (drop-in) or args="..." (grubby --info).
LOADER_PRE = r"""^(?:GRUB_CMDLINE_LINUX|args)=.*?[\s'"=]"""
LOADER_POST = r"""(?=[\s'"]|$)"""
LOADER_ABSENT_PRE = r"""\A(?![\s\S]*^(?:GRUB_CMDLINE_LINUX\w*|args)=.*?[\s'"=]"""
LOADER_ABSENT_POST = r"""(?:[=\s'"]|$))"""
PROC_ABSENT_PRE = r"\A(?!.*(?:^|\s)"
PROC_ABSENT_POST = r"(?:[=\s]|$))"
NO_SWAP = r"\AFilename[^\n]*\n?\Z"


def _whole(value: str) -> str:
    """The whole output (e.g. `sort -u` of a per-CPU file) is exactly this value."""
    return rf"\A{value}\s*\Z"


def _file_lines(knob: str, path: str, lines) -> list[dict]:
    return [
        {"knob": knob, "kind": "file_line", "path": path, "line": line, "scope": "persistent"}
        for line in lines
    ]


def _type_or(plan: dict, unknown: str) -> str:
    return kt.instance_type(plan) or unknown


def bootloader_argv(host: dict, settings: dict) -> list[str]:
    """The boot loader's view of the arguments (read-only commands)."""
    if (host.get("bootloader_backend") or "grub") == "grubby":
        return ["grubby", "--info=DEFAULT"]
    return ["cat", settings["grub_dropin"]]


def cmdline_checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    checks = []
    loader = bootloader_argv(host, settings)
    for arg in kt.boot_args(plan, settings):
        key, sep, value = arg.partition("=")
        checks.append(
            {"knob": key, "kind": "cmdline", "key": key, "expected": value if sep else None, "scope": "boot"}
        )
        checks.append(
            {
                "knob": f"{key} (boot loader)",
                "kind": "command",
                "argv": loader,
                "pattern": LOADER_PRE + re.escape(arg) + LOADER_POST,
                "expected": arg,
                "scope": "persistent",
            }
        )
    for key in settings.get("remove_args") or []:
        checks.append(
            {
                "knob": f"{key} removed",
                "kind": "command",
                "argv": ["cat", "/proc/cmdline"],
                "pattern": PROC_ABSENT_PRE + re.escape(key) + PROC_ABSENT_POST,
                "expected": f"no {key} on the command line",
                "scope": "boot",
            }
        )
        checks.append(
            {
                "knob": f"{key} removed (boot loader)",
                "kind": "command",
                "argv": loader,
                "pattern": LOADER_ABSENT_PRE + re.escape(key) + LOADER_ABSENT_POST,
                "expected": f"no {key} in the boot loader",
                "scope": "persistent",
            }
        )
    iso = plan.get("isolated") or ""
    flags = settings.get("isolcpus_flags") or []
    if iso and setting_on(settings, "isolcpus") and (not flags or "domain" in flags):
        checks.append(
            {
                "knob": "isolated CPUs",
                "kind": "sysfs",
                "path": f"{kt.CPU_SYSFS}/isolated",
                "expected": iso,
                "cpulist": True,
                "scope": "boot",
            }
        )
    if iso and setting_on(settings, "nohz_full"):
        checks.append(
            {
                "knob": "nohz_full CPUs",
                "kind": "sysfs",
                "path": f"{kt.CPU_SYSFS}/nohz_full",
                "expected": iso,
                "cpulist": True,
                "scope": "boot",
            }
        )
    if not iso:
        checks.append(
            not_applicable("isolcpus / nohz_full / rcu_nocbs", "the plan isolates no CPUs on this host")
        )
    if not kt.cstate_control(plan, settings):
        types = ", ".join(settings.get("cstate_instance_types") or [])
        checks.append(
            not_applicable(
                "intel_idle.max_cstate / processor.max_cstate",
                f"{_type_or(plan, 'this instance type (unknown)')} does not give the OS C-state control (AWS: {types})",
            )
        )
    if host.get("in_container"):
        checks.append(not_applicable("boot loader update", host.get("reboot_reason") or ""))
    return checks


def sysctl_checks(settings: dict) -> list[dict]:
    values = kt.sysctls(settings)
    lines = kt.sysctl_lines(values)
    checks = []
    for key in sorted(values):
        checks.append(
            {"knob": key, "kind": "sysctl", "key": key, "expected": str(values[key]), "scope": "runtime"}
        )
        checks.extend(_file_lines(f"{key} (drop-in)", settings["sysctl_file"], [lines[key]]))
    return checks


def cpuaffinity_checks(plan: dict, settings: dict) -> list[dict]:
    if not setting_on(settings, "systemd_cpuaffinity"):
        return [
            {
                "knob": "systemd CPUAffinity",
                "kind": "file_absent",
                "path": kt.CPUAFFINITY_FILE,
                "scope": "persistent",
            },
            not_applicable("PID 1 CPU affinity", "kernel_systemd_cpuaffinity is false"),
        ]
    housekeeping = plan["housekeeping"]
    return [
        *_file_lines("systemd CPUAffinity", kt.CPUAFFINITY_FILE, [kt.cpuaffinity_line(plan)]),
        {
            "knob": "PID 1 CPU affinity",
            "kind": "command",
            "argv": ["grep", "Cpus_allowed_list", "/proc/1/status"],
            "pattern": r"^Cpus_allowed_list:\s*" + re.escape(housekeeping) + r"\s*$",
            "expected": housekeeping,
            "scope": "boot",
        },
    ]


def thp_checks(settings: dict) -> list[dict]:
    return [
        {
            "knob": "THP enabled",
            "kind": "sysfs",
            "path": f"{kt.THP_SYSFS}/enabled",
            "expected": settings["thp"],
            "bracketed": True,
            "scope": "runtime",
        },
        {
            "knob": "THP defrag",
            "kind": "sysfs",
            "path": f"{kt.THP_SYSFS}/defrag",
            "expected": settings["thp_defrag"],
            "bracketed": True,
            "scope": "runtime",
        },
        service("lowlat-thp.service", "lowlat-thp.service", "enabled", "persistent"),
        *_file_lines(
            "lowlat-thp.service setting", f"{kt.UNIT_DIR}/lowlat-thp.service", kt.thp_exec(settings)
        ),
    ]


def cpupower_checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    if not setting_on(settings, "cpupower"):
        return [not_applicable("cpufreq governor / cpuidle states", "kernel_cpupower is false")]
    units = kt.boot_units(plan, settings, host.get("state") or {})
    governor = settings["cpu_governor"]
    checks = []
    if units["governor_exposed"]:
        checks.append(
            {
                "knob": "cpufreq governor",
                "kind": "command",
                "argv": ["sh", "-c", f"cat {kt.CPU_SYSFS}/cpu[0-9]*/cpufreq/scaling_governor | sort -u"],
                "pattern": _whole(governor),
                "expected": f"{governor} on every CPU",
                "scope": "runtime",
            }
        )
    else:
        checks.append(
            not_applicable(
                "cpufreq governor",
                f"cpufreq is not exposed on this instance ({_type_or(plan, 'unknown type')})",
            )
        )
    deep = units["deep_idle_states"]
    if not units["cpuidle_exposed"]:
        checks.append(
            not_applicable(
                "cpuidle deep states",
                f"cpuidle states are not exposed on this instance ({_type_or(plan, 'unknown type')})",
            )
        )
    elif not deep:
        checks.append(
            not_applicable(
                "cpuidle deep states", f"no idle state deeper than state{settings['cpuidle_max_state']}"
            )
        )
    for state in deep:
        checks.append(
            {
                "knob": f"cpuidle {state['state']} ({state['name']}) disabled",
                "kind": "command",
                "argv": [
                    "sh",
                    "-c",
                    f"cat {kt.CPU_SYSFS}/cpu[0-9]*/cpuidle/{state['state']}/disable | sort -u",
                ],
                "pattern": _whole("1"),
                "expected": "1 on every CPU",
                "scope": "runtime",
            }
        )
    if units["cpupower_applicable"]:
        checks.append(service("lowlat-cpupower.service", "lowlat-cpupower.service", "enabled", "persistent"))
        checks.extend(
            _file_lines(
                "lowlat-cpupower.service setting",
                f"{kt.UNIT_DIR}/lowlat-cpupower.service",
                units["cpupower_exec"],
            )
        )
    return checks


def workqueue_checks(plan: dict, settings: dict) -> list[dict]:
    if not setting_on(settings, "workqueue_cpumask"):
        return [not_applicable("workqueue cpumask", "kernel_workqueue_cpumask is false")]
    mask = plan["masks"]["housekeeping"]
    return [
        {
            "knob": "workqueue cpumask",
            "kind": "command",
            "argv": ["cat", f"{kt.WORKQUEUE_SYSFS}/cpumask"],
            "pattern": kt.workqueue_mask_pattern(plan),
            "expected": f"{mask} (housekeeping)",
            "scope": "runtime",
        },
        service("lowlat-workqueue.service", "lowlat-workqueue.service", "enabled", "persistent"),
        *_file_lines(
            "lowlat-workqueue.service setting",
            f"{kt.UNIT_DIR}/lowlat-workqueue.service",
            kt.workqueue_exec(plan, settings),
        ),
    ]


def irqbalance_checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    if settings["irqbalance_mode"] == "stop":
        return [
            service("irqbalance", "irqbalance.service", "masked", "persistent"),
            service("irqbalance", "irqbalance.service", "inactive", "runtime"),
        ]
    lines = kt.irqbalance(plan)["lines"]
    return [
        service("irqbalance", "irqbalance.service", "enabled", "persistent"),
        service("irqbalance", "irqbalance.service", "active", "runtime"),
        *(
            {
                "knob": f"irqbalance {key}",
                "kind": "file_line",
                "path": host["irqbalance_config"],
                "line": lines[key],
                "scope": "persistent",
            }
            for key in sorted(lines)
        ),
    ]


def service_checks(settings: dict, host: dict) -> list[dict]:
    checks = [service(unit, unit, "masked", "persistent") for unit in settings.get("masked_units") or []]
    if host.get("ksm_present"):
        checks.append(
            {
                "knob": "KSM",
                "kind": "sysfs",
                "path": "/sys/kernel/mm/ksm/run",
                "expected": "0",
                "scope": "runtime",
            }
        )
    else:
        checks.append(
            not_applicable(
                "KSM",
                f"no /sys/kernel/mm/ksm under {host.get('sysfs_root', '/')} "
                "(kernel without CONFIG_KSM, or a fixture tree)",
            )
        )
    if setting_on(settings, "swapoff"):
        checks.append(service("swap", "swap.target", "masked", "persistent"))
        checks.append(
            {
                "knob": "swap",
                "kind": "command",
                "argv": ["cat", "/proc/swaps"],
                "pattern": NO_SWAP,
                "expected": "no active swap",
                "scope": "runtime",
            }
        )
    else:
        swappiness = kt.sysctls(settings).get("vm.swappiness", "unchanged")
        checks.append(not_applicable("swap", f"kernel_swapoff is false (vm.swappiness {swappiness} applies)"))
    return checks


def checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    """Every check of the kernel role, in the manifest's order."""
    return [
        *cmdline_checks(plan, settings, host),
        *sysctl_checks(settings),
        *cpuaffinity_checks(plan, settings),
        *thp_checks(settings),
        *cpupower_checks(plan, settings, host),
        *workqueue_checks(plan, settings),
        *irqbalance_checks(plan, settings, host),
        *service_checks(settings, host),
    ]
