"""Read back the host's current tuning state, structured for the audit to compare with the plan.

Kernel state comes through HostFS (so fixture trees work); tool output (systemctl, ethtool,
chronyc) comes through an optional runner, and is simply absent when the tool or runner is.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable

from ansible_collections.lowlat.trading.plugins.module_utils.cmdline import parse_cmdline
from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import (
    CpuListError,
    format_cpulist,
    parse_cpulist,
    parse_mask,
)
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.interrupts import read_irqs
from ansible_collections.lowlat.trading.plugins.module_utils.topology import Topology

Runner = Callable[[list[str]], tuple[int, str, str]]

# The sysctls that matter for latency (see docs/knobs.md); dotted names as `sysctl` prints them.
SYSCTL_KEYS = (
    "kernel.numa_balancing",
    "kernel.timer_migration",
    "kernel.sched_rt_runtime_us",
    "kernel.watchdog",
    "kernel.nmi_watchdog",
    "kernel.watchdog_cpumask",
    "kernel.hung_task_timeout_secs",
    "vm.stat_interval",
    "vm.swappiness",
    "vm.dirty_ratio",
    "vm.dirty_background_ratio",
    "vm.zone_reclaim_mode",
    "net.core.busy_poll",
    "net.core.busy_read",
    "net.core.netdev_budget",
    "net.core.somaxconn",
    "net.ipv4.tcp_low_latency",
    "net.ipv4.tcp_fastopen",
    "net.ipv4.tcp_timestamps",
    "net.ipv4.tcp_sack",
)

ENA_ALLOWANCE_COUNTERS = (
    "bw_in_allowance_exceeded",
    "bw_out_allowance_exceeded",
    "pps_allowance_exceeded",
    "conntrack_allowance_exceeded",
    "linklocal_allowance_exceeded",
)

NOT_AVAILABLE = "not available on this host"


def _selected(text: str | None) -> str | None:
    """'always [madvise] never' -> 'madvise'."""
    if not text:
        return None
    match = re.search(r"\[([^\]]+)\]", text)
    return match.group(1) if match else text.strip()


def _cpulist_or_none(text: str | None) -> str | None:
    if text is None:
        return None
    if text in ("", "(null)"):
        return ""
    try:
        return format_cpulist(parse_cpulist(text))
    except CpuListError:
        return text


def read_sysctls(fs: HostFS, keys=SYSCTL_KEYS) -> dict[str, str | None]:
    return {key: fs.read("/proc/sys/" + key.replace(".", "/")) for key in keys}


def read_hugepages(fs: HostFS, topo: Topology) -> dict:
    per_node: dict[str, dict[str, dict[str, int | None]]] = {}
    for node in topo.nodes:
        sizes = {}
        for size in topo.hugepage_sizes_kb:
            base = f"/sys/devices/system/node/node{node}/hugepages/hugepages-{size}kB"
            if fs.exists(base):
                sizes[str(size)] = {
                    "nr": fs.read_int(f"{base}/nr_hugepages"),
                    "free": fs.read_int(f"{base}/free_hugepages"),
                }
        per_node[str(node)] = sizes
    total = {}
    for size in topo.hugepage_sizes_kb:
        base = f"/sys/kernel/mm/hugepages/hugepages-{size}kB"
        total[str(size)] = {
            "nr": fs.read_int(f"{base}/nr_hugepages"),
            "free": fs.read_int(f"{base}/free_hugepages"),
        }
    return {"per_node": per_node, "total": total}


def read_cpu_power(fs: HostFS, topo: Topology) -> dict:
    governors: dict[str, list[int]] = {}
    for cpu in topo.online:
        gov = fs.read(f"/sys/devices/system/cpu/cpu{cpu}/cpufreq/scaling_governor")
        if gov is not None:
            governors.setdefault(gov, []).append(cpu)
    states = []
    for name in fs.glob("/sys/devices/system/cpu/cpu0/cpuidle", "state*"):
        base = f"/sys/devices/system/cpu/cpu0/cpuidle/{name}"
        states.append(
            {
                "state": name,
                "name": fs.read(f"{base}/name"),
                "latency_us": fs.read_int(f"{base}/latency"),
                "disabled": fs.read(f"{base}/disable") == "1",
            }
        )
    return {
        "governor": {g: format_cpulist(c) for g, c in governors.items()} or NOT_AVAILABLE,
        "cpufreq_driver": fs.read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_driver"),
        "cpuidle_driver": fs.read("/sys/devices/system/cpu/cpuidle/current_driver"),
        "cpuidle_states": states or NOT_AVAILABLE,
        "intel_idle_max_cstate": fs.read_int("/sys/module/intel_idle/parameters/max_cstate"),
        "no_turbo": fs.read_int("/sys/devices/system/cpu/intel_pstate/no_turbo"),
    }


def read_irq_state(fs: HostFS) -> dict:
    irqs = read_irqs(fs)
    default = fs.read("/proc/irq/default_smp_affinity")
    try:
        default_list = format_cpulist(parse_mask(default)) if default else None
    except CpuListError:
        default_list = default
    return {
        "default_affinity": default_list,
        "irqs": {
            str(n): {
                "name": irq.actions,
                "affinity": format_cpulist(irq.affinity) if irq.affinity is not None else None,
                "effective": format_cpulist(irq.effective_affinity)
                if irq.effective_affinity is not None
                else None,
                "count": irq.total,
            }
            for n, irq in irqs.items()
        },
    }


def _run(runner: Runner | None, argv: list[str]) -> str | None:
    if runner is None:
        return None
    try:
        rc, out, _err = runner(argv)
    except OSError:
        return None
    return out if rc == 0 else None


def _ethtool_pairs(text: str | None) -> dict[str, str]:
    pairs = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition(":")
        if sep and value.strip():
            pairs[key.strip()] = value.strip()
    return pairs


def read_nic_state(fs: HostFS, topo: Topology, runner: Runner | None) -> dict | None:
    nic = topo.nic
    if nic is None:
        return None
    queues = fs.listdir(f"/sys/class/net/{nic.name}/queues")
    state = {
        "name": nic.name,
        "driver": nic.driver,
        "numa_node": nic.numa_node,
        "rx_queues": len([q for q in queues if q.startswith("rx-")]),
        "tx_queues": len([q for q in queues if q.startswith("tx-")]),
        "queue_irqs": [q.irq for q in nic.queue_irqs],
        "mtu": fs.read_int(f"/sys/class/net/{nic.name}/mtu"),
        "ethtool": {},
        "allowance_exceeded": None,
    }
    channels = _run(runner, ["ethtool", "-l", nic.name])
    if channels is not None:
        current = channels.split("Current hardware settings:")[-1]
        state["ethtool"]["channels"] = _ethtool_pairs(current)
    coalesce = _run(runner, ["ethtool", "-c", nic.name])
    if coalesce is not None:
        state["ethtool"]["coalesce"] = _ethtool_pairs(coalesce)
    rings = _run(runner, ["ethtool", "-g", nic.name])
    if rings is not None:
        state["ethtool"]["rings"] = _ethtool_pairs(rings.split("Current hardware settings:")[-1])
    if nic.is_ena:
        stats = _ethtool_pairs(_run(runner, ["ethtool", "-S", nic.name]))
        state["allowance_exceeded"] = {k: int(stats[k]) for k in ENA_ALLOWANCE_COUNTERS if k in stats} or None
    return state


def _systemctl_word(runner: Runner | None, verb: str, unit: str) -> str:
    """systemctl is-active/is-enabled's answer. Its exit status is non-zero for "inactive",
    "failed", "disabled", "masked"... so the first word of its output is the state whatever the
    status; only no output (no systemd, no such tool) is "unknown"."""
    if runner is None:
        return "unknown"
    try:
        _rc, out, _err = runner(["systemctl", verb, unit])
    except OSError:
        return "unknown"
    words = (out or "").split()
    return words[0] if words else "unknown"


def read_service_state(runner: Runner | None, unit: str) -> dict:
    return {
        "active": _systemctl_word(runner, "is-active", unit),
        "enabled": _systemctl_word(runner, "is-enabled", unit),
    }


def read_irqbalance_config(fs: HostFS, etc_default: str = "/etc/default/irqbalance") -> dict:
    values = {}
    for line in (fs.read(etc_default, default="") or "").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            values[key.strip()] = value.strip().strip('"')
    return values


def read_systemd_affinity(fs: HostFS, conf_dir: str = "/etc/systemd/system.conf.d") -> str | None:
    value = None
    for path in sorted(glob.glob(os.path.join(fs.path(conf_dir), "*.conf"))):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip().startswith("CPUAffinity="):
                    value = line.strip().split("=", 1)[1].strip()
    return value


def read_time_state(runner: Runner | None) -> dict:
    out = _run(runner, ["chronyc", "-n", "tracking"])
    tracking = _ethtool_pairs(out)
    offset = None
    system_time = tracking.get("System time")
    if system_time:
        match = re.match(r"([0-9.]+) seconds (fast|slow)", system_time)
        if match:
            offset = float(match.group(1)) * (1 if match.group(2) == "fast" else -1)
    return {
        "source": tracking.get("Reference ID"),
        "stratum": tracking.get("Stratum"),
        "offset_seconds": offset,
        "leap_status": tracking.get("Leap status"),
    }


def read_state(fs: HostFS, topo: Topology, runner: Runner | None = None) -> dict:
    cmdline = fs.read("/proc/cmdline", default="") or ""
    return {
        "fixture": topo.fixture,
        "cmdline": cmdline,
        "cmdline_args": dict(parse_cmdline(cmdline)),
        "isolated": _cpulist_or_none(fs.read("/sys/devices/system/cpu/isolated")),
        "nohz_full": _cpulist_or_none(fs.read("/sys/devices/system/cpu/nohz_full")),
        "smt_active": topo.smt_active,
        "irq": read_irq_state(fs),
        "hugepages": read_hugepages(fs, topo),
        "thp": {
            "enabled": _selected(fs.read("/sys/kernel/mm/transparent_hugepage/enabled")),
            "defrag": _selected(fs.read("/sys/kernel/mm/transparent_hugepage/defrag")),
        },
        "power": read_cpu_power(fs, topo),
        "clocksource": {
            "current": fs.read("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
            "available": (
                fs.read("/sys/devices/system/clocksource/clocksource0/available_clocksource") or ""
            ).split(),
        },
        "sysctl": read_sysctls(fs),
        "nic": read_nic_state(fs, topo, runner),
        "irqbalance": {**read_service_state(runner, "irqbalance"), "config": read_irqbalance_config(fs)},
        "systemd_cpu_affinity": read_systemd_affinity(fs),
        "time": read_time_state(runner),
    }
