"""What the kernel role sets on a host, derived from the plan and the role's settings.

Pure functions (no I/O) behind the lowlat.trading.kernel_* filters, so that the boot command line,
the sysctl drop-in, the boot-time units' commands and irqbalance's bans are unit tested on fixture
plans instead of living in Jinja. ``settings`` is the role's variables without their ``kernel_``
prefix (roles/kernel/vars/main.yml builds it); ``plan`` is lowlat_plan.
"""

from __future__ import annotations

import re

from ansible_collections.lowlat.trading.plugins.module_utils.check_builders import setting_on
from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import (
    format_cpulist,
    format_mask,
    parse_cpulist,
)

CPU_SYSFS = "/sys/devices/system/cpu"
THP_SYSFS = "/sys/kernel/mm/transparent_hugepage"
UNIT_DIR = "/etc/systemd/system"
CPUAFFINITY_FILE = "/etc/systemd/system.conf.d/50-lowlat-cpuaffinity.conf"
WORKQUEUE_SYSFS = "/sys/devices/virtual/workqueue"
# A kernel may refuse these keys whatever the value: kernel.nmi_watchdog answers ENOTSUPP (524)
# where no hard-lockup detector exists (VMs without a PMU: EC2 non-metal, QEMU). The drop-in prefixes
# them with "-" (systemd-sysctl then ignores the failure) and the runtime write tolerates the refusal.
TOLERATED_SYSCTLS = ("kernel.nmi_watchdog",)
SYSCTL_KEY = re.compile(r"^[A-Za-z0-9_./-]+$")


def arg_key(arg: str) -> str:
    """The key of a boot argument: 'nohz_full=2-3' -> 'nohz_full', 'nosoftlockup' -> itself."""
    return arg.split("=", 1)[0]


def cstate_control(plan: dict, settings: dict) -> bool:
    """Whether the instance type gives the OS C-state control (only some AWS sizes do)."""
    return instance_type(plan) in (settings.get("cstate_instance_types") or [])


def instance_type(plan: dict) -> str:
    return (plan.get("topology") or {}).get("instance_type") or ""


def boot_args(plan: dict, settings: dict) -> list[str]:
    """The boot arguments the role adds, in the order the kernel_* switches are documented."""
    iso = plan.get("isolated") or ""
    args: list[str] = []
    if iso and setting_on(settings, "isolcpus"):
        args.append("isolcpus=" + ",".join([*(settings.get("isolcpus_flags") or []), iso]))
    if iso and setting_on(settings, "nohz_on"):
        args.append("nohz=on")
    if iso and setting_on(settings, "nohz_full"):
        args.append(f"nohz_full={iso}")
    if iso and setting_on(settings, "rcu_nocbs"):
        args.append(f"rcu_nocbs={iso}")
        if setting_on(settings, "rcu_nocb_poll"):
            args.append("rcu_nocb_poll")
    if setting_on(settings, "rcu_normal_after_boot"):
        args.append("rcupdate.rcu_normal_after_boot=1")
    if setting_on(settings, "irqaffinity"):
        args.append(f"irqaffinity={plan['housekeeping']}")
    for switch, arg in (
        ("skew_tick", "skew_tick=1"),
        ("tsc_reliable", "tsc=reliable"),
        ("nosoftlockup", "nosoftlockup"),
        ("nmi_watchdog_off", "nmi_watchdog=0"),
    ):
        if setting_on(settings, switch):
            args.append(arg)
    args.append(f"transparent_hugepage={settings['thp']}")
    if cstate_control(plan, settings):
        args.append(f"intel_idle.max_cstate={settings['max_cstate']}")
        args.append(f"processor.max_cstate={settings['max_cstate']}")
    if setting_on(settings, "idle_poll"):
        args.append("idle=poll")
    return args + list(settings.get("extra_args") or [])


def sysctls(settings: dict) -> dict:
    """kernel_sysctls with kernel_sysctls_extra over it; a key set to null is left alone."""
    merged = {**(settings.get("sysctls") or {}), **(settings.get("sysctls_extra") or {})}
    return {key: value for key, value in merged.items() if value is not None}


def sysctl_lines(values: dict) -> dict[str, str]:
    """The drop-in's line for each key (the template and the audit's file_line checks share it)."""
    return {
        key: ("-" if key in TOLERATED_SYSCTLS else "") + f"{key} = {value}"
        for key, value in sorted(values.items())
    }


def _words(value) -> str:
    return " ".join(str(value).split())


def sysctl_drift(values: dict, live_lines: list[str]) -> list[str]:
    """Keys whose live value (`sysctl -e KEY...` output) differs; keys this kernel lacks are left to the audit."""
    live = {}
    for line in live_lines:
        key, sep, value = line.partition(" = ")
        if sep:
            live[key.strip()] = _words(value)
    return [key for key in sorted(values) if key in live and live[key] != _words(values[key])]


def sysctl_writes(values: dict, drift: list[str]) -> list[str]:
    """key=value arguments for one `sysctl -w` of the drifted keys (the tolerated ones go one by one)."""
    return [f"{key}={values[key]}" for key in drift if key not in TOLERATED_SYSCTLS]


def preflight_errors(plan: dict, settings: dict) -> list[str]:
    """Every reason the role's inputs cannot be applied, each saying what to change."""
    errors = []
    iso = plan.get("isolated") or ""
    if setting_on(settings, "nohz_full") and 0 in parse_cpulist(iso):
        errors.append(
            f"the plan isolates CPU 0 ({iso}), which the kernel forces out of nohz_full: keep CPU 0 in "
            "plan_housekeeping, or set kernel_nohz_full: false"
        )
    keys = [arg_key(arg) for arg in boot_args(plan, settings)]
    removed = {arg_key(arg) for arg in settings.get("remove_args") or []}
    clash = [key for key in dict.fromkeys(keys) if key in removed]
    if clash:
        errors.append(
            f"{', '.join(clash)} both set (by the plan, kernel_* switches or kernel_extra_args) and listed in "
            "kernel_remove_args: keep each key in one place"
        )
    if len(keys) != len(set(keys)):
        errors.append(
            f"a boot argument key appears twice ({' '.join(keys)}): for a key the role sets, change the matching "
            "kernel_* variable instead of adding it to kernel_extra_args; a key repeated inside kernel_extra_args "
            "(e.g. two hugepagesz=) cannot be checked against /proc/cmdline one by one and is not supported"
        )
    values = sysctls(settings)
    bad = [
        str(key)
        for key, value in values.items()
        if not SYSCTL_KEY.match(str(key)) or re.search("[\n=]", str(value))
    ]
    if bad:
        errors.append(
            f"kernel_sysctls / kernel_sysctls_extra: {', '.join(bad)}: keys are dotted names, values one line "
            "without '='"
        )
    return errors


def cpuaffinity_line(plan: dict) -> str:
    """systemd's CPUAffinity= takes a space-separated list."""
    return "CPUAffinity=" + plan["housekeeping"].replace(",", " ")


def helper(settings: dict) -> str:
    return f"{settings['libexec_dir']}/lowlat-sysfs-write"


def thp_exec(settings: dict) -> list[str]:
    return [
        f"ExecStart={helper(settings)} {THP_SYSFS}/enabled {settings['thp']}",
        f"ExecStart={helper(settings)} {THP_SYSFS}/defrag {settings['thp_defrag']}",
    ]


def governor_exposed(power: dict) -> bool:
    return isinstance(power.get("governor"), dict)


def cpuidle_exposed(power: dict) -> bool:
    return isinstance(power.get("cpuidle_states"), list)


def deep_idle_states(power: dict, settings: dict) -> list[dict]:
    """The cpuidle states (as cpu0 lists them) deeper than kernel_cpuidle_max_state."""
    if not cpuidle_exposed(power):
        return []
    limit = int(settings["cpuidle_max_state"])
    return [s for s in power["cpuidle_states"] if int(str(s["state"]).replace("state", "")) > limit]


def cpupower_exec(power: dict, settings: dict) -> list[str]:
    out = []
    if governor_exposed(power):
        out.append(
            f"ExecStart={helper(settings)} {CPU_SYSFS}/cpu[0-9]*/cpufreq/scaling_governor {settings['cpu_governor']}"
        )
    for state in deep_idle_states(power, settings):
        out.append(f"ExecStart={helper(settings)} {CPU_SYSFS}/cpu[0-9]*/cpuidle/{state['state']}/disable 1")
    return out


def workqueue_exec(plan: dict, settings: dict) -> list[str]:
    mask = plan["masks"]["housekeeping"]
    return [
        f"ExecStart={helper(settings)} {WORKQUEUE_SYSFS}/cpumask {mask}",
        f"ExecStart={helper(settings)} {WORKQUEUE_SYSFS}/*/cpumask {mask}",
    ]


def workqueue_mask_pattern(plan: dict) -> str:
    """The kernel prints a mask as wide as its possible CPUs: match it without leading zero groups."""
    significant = re.sub(r"^[0,]+", "", plan["masks"]["housekeeping"])
    return rf"\A[0,]*{significant}\s*\Z"


def boot_units(plan: dict, settings: dict, state: dict) -> dict:
    """The boot-time units' commands and whether the live values drifted from them.

    ``state`` is lowlat_state (the plan role's reading of the host): thp and power.
    """
    power = state.get("power") or {}
    thp = state.get("thp") or {}
    deep = deep_idle_states(power, settings)
    cpupower = cpupower_exec(power, settings)
    governor = power.get("governor")
    return {
        "thp_exec": thp_exec(settings),
        "thp_drift": thp.get("enabled", "") != settings["thp"]
        or thp.get("defrag", "") != settings["thp_defrag"],
        "governor_exposed": governor_exposed(power),
        "cpuidle_exposed": cpuidle_exposed(power),
        "deep_idle_states": deep,
        "cpupower_exec": cpupower,
        "cpupower_applicable": setting_on(settings, "cpupower") and bool(cpupower),
        "cpupower_drift": (governor_exposed(power) and list(governor) != [settings["cpu_governor"]])
        or any(not s.get("disabled") for s in deep),
        "workqueue_mask": plan["masks"]["housekeeping"],
        "workqueue_exec": workqueue_exec(plan, settings),
        "workqueue_mask_pattern": workqueue_mask_pattern(plan),
    }


def irqbalance(plan: dict) -> dict:
    """What irqbalance is told in 'ban' mode: the isolated CPUs (and dedicated IRQ CPUs) and the NIC's IRQs."""
    banned = plan["isolated"]
    if plan.get("irq_mode") == "dedicated":
        banned = format_cpulist(parse_cpulist(banned) + parse_cpulist(plan["irq"]))
    lines = {
        "IRQBALANCE_BANNED_CPULIST": f"IRQBALANCE_BANNED_CPULIST={banned}",
        "IRQBALANCE_BANNED_CPUS": f"IRQBALANCE_BANNED_CPUS={format_mask(parse_cpulist(banned), int(plan.get('nr_cpus') or 0) or None)}",
    }
    irqs = (plan.get("nic") or {}).get("queue_irqs") or []
    if irqs:
        lines["IRQBALANCE_ARGS"] = 'IRQBALANCE_ARGS="' + " ".join(f"--banirq={irq}" for irq in irqs) + '"'
    return {"banned": banned, "lines": lines}


def reboot_reason(in_container: bool, settings: dict, cmdline: dict) -> str:
    """Why the host must (or need not) reboot, from the kernel_cmdline module's result."""
    if in_container:
        return (
            f"host is a container: it has no boot loader, the drop-in {settings['grub_dropin']} is written for "
            "reference only"
        )
    if not setting_on(settings, "update_bootloader"):
        return (
            "kernel_update_bootloader is false: the boot loader was not regenerated, so a reboot would not apply "
            "the arguments"
        )
    if cmdline.get("reboot_required"):
        reason = f"boot arguments pending ({cmdline.get('backend') or 'boot loader'})"
        if cmdline.get("missing"):
            reason += ": missing " + " ".join(cmdline["missing"])
        if cmdline.get("unexpected"):
            reason += "; still present " + " ".join(cmdline["unexpected"])
        return reason
    return "the running kernel already has the planned arguments"


def tuning(
    plan: dict,
    settings: dict,
    state: dict | None = None,
    sysctl_live: list[str] | None = None,
    cmdline: dict | None = None,
    in_container: bool = False,
) -> dict:
    """Everything the role sets on the host, and ``errors``: why the inputs cannot be applied."""
    errors = preflight_errors(plan, settings)
    if errors:
        return {"errors": errors}
    values = sysctls(settings)
    drift = sysctl_drift(values, sysctl_live or [])
    return {
        "errors": [],
        "boot_args": boot_args(plan, settings),
        "cstate_control": cstate_control(plan, settings),
        "sysctls": values,
        "sysctl_lines": sysctl_lines(values),
        "sysctl_drift": drift,
        "sysctl_writes": sysctl_writes(values, drift),
        "sysctl_tolerated": [key for key in drift if key in TOLERATED_SYSCTLS],
        "cpuaffinity_file": CPUAFFINITY_FILE,
        "cpuaffinity_line": cpuaffinity_line(plan),
        "helper": helper(settings),
        "irqbalance": irqbalance(plan),
        "reboot_reason": reboot_reason(in_container, settings, cmdline or {}),
        **boot_units(plan, settings, state or {}),
    }
