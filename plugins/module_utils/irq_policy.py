"""The plan's IRQ policy, applied in one pass: the NIC's queue IRQs to the IRQ CPUs, every other IRQ to the
housekeeping CPUs, and /proc/irq/default_smp_affinity to housekeeping for IRQs registered later.

One function (``pin_plan``) for both places that pin: the lowlat.trading.irq_policy module at converge
and lowlat-irq-pin at boot, when the NIC re-registers and on its timer (the irq_affinity role installs it
as a zipapp carrying this file), so the two cannot drift apart.
"""

from __future__ import annotations

from ansible_collections.lowlat.trading.plugins.module_utils import irq_pinning
from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import format_cpulist, parse_cpulist
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.interrupts import read_irqs
from ansible_collections.lowlat.trading.plugins.module_utils.topology import read_nic


class PinError(ValueError):
    pass


def _online_check(fs: HostFS, cpus: list[int]) -> None:
    online = parse_cpulist(fs.read("/sys/devices/system/cpu/online", default="") or "")
    absent = sorted(c for c in set(cpus) if online and c not in online)
    if absent:
        raise PinError(
            f"CPU(s) {format_cpulist(absent)} of the plan are not online (online: {format_cpulist(online)}); "
            "re-run the lowlat converge"
        )


def pin_plan(
    fs: HostFS,
    irq_cpus: list[int],
    housekeeping: list[int],
    nic: str | None = None,
    nic_mode: str = "spread",
    others: bool = True,
    exclude_match: list[str] | tuple = (),
    default_affinity: bool = True,
    require_nic: bool = False,
    check: bool = False,
) -> dict:
    """Pin (or with check, plan) every IRQ; the report lists each IRQ's before, wanted, changed and error.

    A NIC that is not there is a warning (its queue IRQs are pinned when it appears: udev) unless
    require_nic, when it is a PinError like an empty or offline CPU set.
    """
    if not housekeeping:
        raise PinError("the housekeeping CPU set is empty")
    _online_check(fs, list(irq_cpus) + list(housekeeping))
    irqs = read_irqs(fs)
    report: dict = {"nic": nic, "queues": [], "others": [], "warnings": []}
    excluded: list[int] = []
    if nic:
        found = read_nic(fs, nic, irqs)
        if found is None:
            if require_nic:
                raise PinError(f"network interface {nic} not found under /sys/class/net")
            report["warnings"].append(
                f"NIC {nic} is not present: its queue IRQs are pinned when it appears (udev rule)"
            )
        else:
            if not irq_cpus:
                raise PinError("the IRQ CPU set is empty")
            queue_irqs = [q.irq for q in found.queue_irqs]
            excluded = queue_irqs + [o.irq for o in found.other_irqs]
            chosen = irq_pinning.select(irqs, numbers=queue_irqs)
            report["queues"] = irq_pinning.apply(
                fs, irqs, irq_pinning.targets(irqs, chosen, irq_cpus, nic_mode), check
            )
            if not queue_irqs:
                report["warnings"].append(f"NIC {nic} has no queue IRQs")
    if others:
        chosen = irq_pinning.select(
            irqs, exclude_numbers=excluded, exclude_patterns=exclude_match, everything=True
        )
        report["others"] = irq_pinning.apply(
            fs, irqs, irq_pinning.targets(irqs, chosen, housekeeping, "all"), check
        )
    if default_affinity:
        report["default_affinity"] = irq_pinning.set_default_affinity(fs, housekeeping, check)
    return report


def changed(report: dict) -> bool:
    moved = any(e["changed"] for e in report["queues"] + report["others"])
    return moved or bool((report.get("default_affinity") or {}).get("changed"))


def refused(report: dict, part: str) -> list[int]:
    """The IRQs of one part (queues, others) the kernel refused to move."""
    return [e["irq"] for e in report[part] if e["error"]]


def summary(report: dict, check: bool) -> list[str]:
    """The report in a few lines: per part, how many IRQs on which CPUs, what moved, what was refused."""
    verb = "would move" if check else "moved"
    lines = []
    for part, label in (("queues", f"NIC {report.get('nic')} queue IRQs"), ("others", "other IRQs")):
        entries = report.get(part) or []
        if not entries:
            continue
        moved = [e for e in entries if e["changed"]]
        wanted = sorted({e["wanted"] for e in entries})
        shown = ", ".join(wanted[:4]) + (" ..." if len(wanted) > 4 else "")
        line = f"{label}: {len(entries)} on {shown}; {verb} {len(moved)}"
        denied = [e for e in entries if e["error"]]
        if denied:
            line += "; kernel refused " + ", ".join(f"{e['irq']} ({e['name']})" for e in denied[:8])
        lines.append(line)
        lines += [f"  {e['irq']} {e['name']}: {e['before']} -> {e['wanted']}" for e in moved]
    dflt = report.get("default_affinity")
    if dflt:
        state = (("would set" if check else "set") if dflt["changed"] else "already") + f" {dflt['after']}"
        lines.append(f"default_smp_affinity: {state}")
    lines += [f"warning: {w}" for w in report.get("warnings", [])]
    return lines
