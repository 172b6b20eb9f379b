"""Linux CPU list syntax ("0-3,8-11", "0-15:2/4") and comma-grouped hex masks ("ff,00000f0f")."""

from __future__ import annotations

import re
from collections.abc import Iterable


class CpuListError(ValueError):
    """Malformed CPU list or mask; the message names the bad token."""


# The kernel's NR_CPUS ceiling; also keeps a typo like 0-4000000000 from filling memory.
MAX_CPU_ID = 8191
_RANGE = re.compile(r"^(\d+)(?:-(\d+)(?::(\d+)/(\d+))?)?$")
_HEX_GROUP = re.compile(r"^[0-9a-fA-F]{1,8}$")


def parse_cpulist(text: str | int | Iterable[int] | None) -> list[int]:
    """Parse a cpulist into sorted unique CPU ids.

    Accepts the kernel's syntax: single ids, ranges "a-b", and strided ranges
    "a-b:used/group" (as in isolcpus=). An int or an iterable of ints passes through.
    """
    if text is None:
        return []
    if isinstance(text, bool):
        raise CpuListError(f"not a CPU list: {text!r}")
    if isinstance(text, int):
        if text < 0 or text > MAX_CPU_ID:
            raise CpuListError(f"CPU id {text} is outside 0-{MAX_CPU_ID}")
        return [text]
    if not isinstance(text, str):
        cpus = set()
        for item in text:
            cpus.update(parse_cpulist(item))
        return sorted(cpus)
    text = text.strip()
    if text == "":
        return []
    cpus: set[int] = set()
    for token in text.split(","):
        token = token.strip()
        match = _RANGE.match(token)
        if not match:
            raise CpuListError(f"bad CPU list token {token!r} in {text!r}: expected N, N-M or N-M:used/group")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        if last < first:
            raise CpuListError(f"bad CPU list token {token!r} in {text!r}: range end is below its start")
        if last > MAX_CPU_ID:
            raise CpuListError(f"bad CPU list token {token!r} in {text!r}: CPU ids stop at {MAX_CPU_ID}")
        used, group = (int(match.group(3)), int(match.group(4))) if match.group(3) else (1, 1)
        if used < 1 or group < 1 or used > group:
            raise CpuListError(f"bad CPU list token {token!r} in {text!r}: stride needs 1 <= used <= group")
        for cpu in range(first, last + 1):
            if (cpu - first) % group < used:
                cpus.add(cpu)
    return sorted(cpus)


def format_cpulist(cpus: Iterable[int]) -> str:
    """Format CPU ids as the kernel does: ascending, ranges collapsed ("0-3,8,10-11")."""
    ordered = sorted(set(cpus))
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(parts)


def parse_mask(text: str) -> list[int]:
    """Parse a /proc/irq/*/smp_affinity style mask ("ff,00000f0f") into CPU ids."""
    text = text.strip()
    if text == "":
        raise CpuListError("empty CPU mask")
    groups = text.split(",")
    value = 0
    for group in groups:
        if not _HEX_GROUP.match(group):
            raise CpuListError(f"bad CPU mask group {group!r} in {text!r}: expected 1-8 hex digits per group")
        value = (value << 32) | int(group, 16)
    return [bit for bit in range(value.bit_length()) if value >> bit & 1]


def format_mask(cpus: Iterable[int], nr_cpus: int | None = None) -> str:
    """Format CPU ids as the kernel prints a cpumask of `nr_cpus` bits.

    32-bit groups separated by commas, most significant first; every group but the first is
    zero-padded to 8 digits and the first is as wide as its share of the bits
    (nr_cpus=4 -> "f", nr_cpus=72 -> "ff,ffffffff,ffffffff").
    """
    ids = sorted(set(cpus))
    if any(cpu < 0 for cpu in ids):
        raise CpuListError(f"negative CPU id in {ids}")
    width_bits = max(nr_cpus or 0, (ids[-1] + 1) if ids else 1)
    value = 0
    for cpu in ids:
        value |= 1 << cpu
    ngroups = (width_bits + 31) // 32
    groups = [(value >> (32 * i)) & 0xFFFFFFFF for i in range(ngroups)]
    groups.reverse()
    top_bits = width_bits - 32 * (ngroups - 1)
    first_width = (top_bits + 3) // 4
    out = [f"{groups[0]:0{first_width}x}"] + [f"{g:08x}" for g in groups[1:]]
    return ",".join(out)
