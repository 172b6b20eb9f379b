"""The IRQ table: /proc/interrupts plus each IRQ's affinity files under /proc/irq."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import CpuListError, parse_cpulist
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS

# The token before the action names ends with the trigger type ("81920-edge", "IO-APIC 9-fasteoi").
_TRIGGER = re.compile(r"-(edge|level|fasteoi|eoi|simple|percpu)$", re.IGNORECASE)


@dataclass
class Irq:
    number: int
    actions: str
    counts: dict[int, int] = field(default_factory=dict)
    affinity: list[int] | None = None
    effective_affinity: list[int] | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def parse_proc_interrupts(text: str) -> dict[int, Irq]:
    """Numbered IRQs from /proc/interrupts with per-CPU counts and action names.

    Named rows (NMI, LOC, ...) are per-CPU interrupts that cannot be moved; they are skipped.
    """
    lines = text.splitlines()
    if not lines:
        return {}
    cpus = [int(tok[3:]) for tok in lines[0].split() if tok.startswith("CPU")]
    irqs: dict[int, Irq] = {}
    for line in lines[1:]:
        head, sep, rest = line.partition(":")
        if not sep or not head.strip().isdigit():
            continue
        tokens = rest.split()
        counts = {}
        for idx, cpu in enumerate(cpus):
            # Counts are the leading numeric columns; stop at the first word (the chip name).
            if idx >= len(tokens) or not tokens[idx].isdigit():
                break
            counts[cpu] = int(tokens[idx])
        tail = tokens[len(counts) :]
        actions = ""
        for pos, tok in enumerate(tail):
            if _TRIGGER.search(tok):
                actions = " ".join(tail[pos + 1 :])
                break
        else:
            actions = tail[-1] if tail else ""
        irqs[int(head)] = Irq(number=int(head), actions=actions, counts=counts)
    return irqs


def _read_list(fs: HostFS, path: str) -> list[int] | None:
    text = fs.read(path)
    if text is None:
        return None
    try:
        return parse_cpulist(text)
    except CpuListError:
        return None


def read_irqs(fs: HostFS) -> dict[int, Irq]:
    """All numbered IRQs with their requested and effective affinity."""
    irqs = parse_proc_interrupts(fs.read("/proc/interrupts", default="") or "")
    for number, irq in irqs.items():
        irq.affinity = _read_list(fs, f"/proc/irq/{number}/smp_affinity_list")
        irq.effective_affinity = _read_list(fs, f"/proc/irq/{number}/effective_affinity_list")
    return irqs
