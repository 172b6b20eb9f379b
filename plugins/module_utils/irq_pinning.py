"""Choose IRQs and the CPUs each should land on, then write /proc/irq/N/smp_affinity_list."""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass

from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import (
    format_cpulist,
    format_mask,
    parse_mask,
)
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS, HostFSError
from ansible_collections.lowlat.trading.plugins.module_utils.interrupts import Irq

# The kernel refuses to move these: EIO for managed IRQs, EINVAL/EPERM for per-CPU or fixed ones.
REFUSALS = (errno.EIO, errno.EINVAL, errno.EPERM)


@dataclass
class Target:
    irq: int
    name: str
    cpus: list[int]


def select(
    irqs: dict[int, Irq], numbers=(), patterns=(), exclude_numbers=(), exclude_patterns=(), everything=False
):
    """IRQ numbers chosen by number or by action-name regex, minus the excluded ones, ascending."""
    rx = [re.compile(p) for p in patterns]
    ex = [re.compile(p) for p in exclude_patterns]
    chosen = []
    for number, irq in sorted(irqs.items()):
        picked = everything or number in numbers or any(r.search(irq.actions) for r in rx)
        dropped = number in exclude_numbers or any(r.search(irq.actions) for r in ex)
        if picked and not dropped:
            chosen.append(number)
    return chosen


def targets(irqs: dict[int, Irq], chosen: list[int], cpus: list[int], mode: str) -> list[Target]:
    """`all`: every IRQ may use every CPU of the set. `spread`: one CPU each, round-robin, so
    queue k of a NIC lands on cpus[k % len(cpus)]."""
    out = []
    for index, number in enumerate(chosen):
        want = list(cpus) if mode == "all" else [cpus[index % len(cpus)]]
        out.append(Target(irq=number, name=irqs[number].actions, cpus=want))
    return out


def apply(fs: HostFS, irqs: dict[int, Irq], wanted: list[Target], check_mode: bool) -> list[dict]:
    """Pin each IRQ; report before/after. A refused IRQ is reported with its error, not raised."""
    report = []
    for target in wanted:
        before = irqs[target.irq].affinity
        entry = {
            "irq": target.irq,
            "name": target.name,
            "before": format_cpulist(before) if before is not None else None,
            "wanted": format_cpulist(target.cpus),
            "changed": before != sorted(target.cpus),
            "error": None,
        }
        if entry["changed"] and not check_mode:
            try:
                fs.write(f"/proc/irq/{target.irq}/smp_affinity_list", format_cpulist(target.cpus))
            except HostFSError as err:
                if err.errno not in REFUSALS:
                    raise
                entry["changed"] = False
                entry["error"] = (
                    f"kernel refused ({errno.errorcode.get(err.errno, err.errno)}): {err.strerror}"
                )
        after = fs.read(f"/proc/irq/{target.irq}/smp_affinity_list") if not check_mode else entry["wanted"]
        entry["after"] = after if entry["error"] is None else entry["before"]
        report.append(entry)
    return report


def set_default_affinity(fs: HostFS, cpus: list[int], check_mode: bool) -> dict:
    """/proc/irq/default_smp_affinity (for IRQs registered later), written in the kernel's own width."""
    path = "/proc/irq/default_smp_affinity"
    current = fs.read(path)
    before = format_cpulist(parse_mask(current)) if current else None
    changed = before != format_cpulist(cpus)
    if changed and not check_mode:
        nbits = len(current.replace(",", "")) * 4 if current else None
        fs.write(path, format_mask(cpus, nbits))
    return {"before": before, "after": format_cpulist(cpus), "changed": changed}
