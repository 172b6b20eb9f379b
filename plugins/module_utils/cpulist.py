"""Linux CPU list syntax ("0-3,8-11", "0-15:2/4") and comma-grouped hex masks ("ff,00000f0f")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice


class CpuListError(ValueError):
    """Malformed or oversized CPU list or mask; the message names the bad token."""


# Size caps, all derived from the kernel's largest NR_CPUS (8192, x86-64 MAXSMP). Inputs past them are
# refused before anything proportional to them is built, so a typo like 0-4000000000 or a pasted
# megabyte fails at once instead of filling memory; below them parsing takes time linear in the input.
MAX_CPUS = 8192
MAX_CPU_ID = MAX_CPUS - 1
# Every range names at least one CPU, so a list with more ranges than CPUs can only repeat some.
MAX_RANGES = MAX_CPUS
MAX_TOKEN_CHARS = len(f"{MAX_CPU_ID}-{MAX_CPU_ID}:{MAX_CPUS}/{MAX_CPUS}")
MAX_LIST_CHARS = MAX_RANGES * (MAX_TOKEN_CHARS + 1)
MAX_MASK_GROUPS = MAX_CPUS // 32
MAX_MASK_CHARS = MAX_MASK_GROUPS * 9 - 1  # 8 hex digits per group, a comma between groups

_RANGE = re.compile(r"^(\d+)(?:-(\d+)(?::(\d+)/(\d+))?)?$")
_HEX_GROUP = re.compile(r"^[0-9a-fA-F]{1,8}$")


def _quote(text: str) -> str:
    """repr() of text, cut short when long so an error message stays readable."""
    return repr(text) if len(text) <= 80 else f"{text[:40]!r}... ({len(text)} characters)"


def _check_size(what: str, length: int, limit: int) -> None:
    if length > limit:
        raise CpuListError(
            f"{what} of {length} characters is longer than the {limit} that {MAX_CPUS} CPUs need"
        )


def _check_ranges(count: int, what: str) -> None:
    if count > MAX_RANGES:
        raise CpuListError(
            f"{count} entries in {what}: at most {MAX_RANGES}, one per CPU (ids 0-{MAX_CPU_ID})"
        )


def _cpu_id(cpu: int) -> int:
    if cpu < 0 or cpu > MAX_CPU_ID:
        raise CpuListError(f"CPU id {cpu} is outside 0-{MAX_CPU_ID}")
    return cpu


def _ids(bits: int) -> list[int]:
    """The set bits of a bitmap, ascending."""
    return [cpu for cpu, digit in enumerate(reversed(bin(bits)[2:])) if digit == "1"]


def _stripes(used: int, group: int, width: int) -> int:
    """A bitmap at least `width` bits wide: the first `used` bits of every `group` bits."""
    bits, covered = (1 << used) - 1, group
    while covered < width:  # doubling: a handful of big-int operations, not one per group
        bits |= bits << covered
        covered *= 2
    return bits


def _bad_token(token: str, text: str, reason: str) -> CpuListError:
    return CpuListError(f"bad CPU list token {_quote(token)} in {_quote(text)}: {reason}")


def _token_bits(token: str, text: str) -> int:
    if len(token) > MAX_TOKEN_CHARS:
        raise _bad_token(token, text, f"longer than any CPU list token for CPU ids up to {MAX_CPU_ID}")
    match = _RANGE.match(token)
    if not match:
        raise _bad_token(token, text, "expected N, N-M or N-M:used/group")
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) is not None else first
    if last < first:
        raise _bad_token(token, text, "range end is below its start")
    if last > MAX_CPU_ID:
        raise _bad_token(token, text, f"CPU ids stop at {MAX_CPU_ID}")
    used, group = (int(match.group(3)), int(match.group(4))) if match.group(3) else (1, 1)
    if used < 1 or group < 1 or used > group:
        raise _bad_token(token, text, "stride needs 1 <= used <= group")
    span = last - first + 1
    bits = (1 << span) - 1
    if used < group and used < span:
        bits &= _stripes(used, min(group, span), span)
    return bits << first


def _list_bits(text: str) -> int:
    text = text.strip()
    _check_size("CPU list", len(text), MAX_LIST_CHARS)
    if text == "":
        return 0
    tokens = text.split(",")
    _check_ranges(len(tokens), f"CPU list {_quote(text)}")
    bits = 0
    for token in tokens:
        bits |= _token_bits(token.strip(), text)
    return bits


def _bits(value: str | int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise CpuListError(f"not a CPU list: {value!r}")
    return 1 << _cpu_id(value) if isinstance(value, int) else _list_bits(value)


def parse_cpulist(text: str | int | Iterable[int | str] | None) -> list[int]:
    """Parse a cpulist into sorted unique CPU ids.

    Accepts the kernel's syntax: single ids, ranges "a-b", and strided ranges
    "a-b:used/group" (as in isolcpus=). An int, or an iterable of ints and cpulists, passes through.
    """
    if text is None:
        return []
    if isinstance(text, (bool, int, str)):
        return _ids(_bits(text))
    items = list(islice(text, MAX_RANGES + 1))
    if len(items) > MAX_RANGES:
        raise CpuListError(
            f"more than {MAX_RANGES} entries in CPU list: at most one per CPU (ids 0-{MAX_CPU_ID})"
        )
    _check_ranges(sum(item.count(",") + 1 if isinstance(item, str) else 1 for item in items), "CPU list")
    bits = 0
    for item in items:
        bits |= _bits(item)
    return _ids(bits)


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
    _check_size("CPU mask", len(text), MAX_MASK_CHARS)
    groups = text.split(",")
    if len(groups) > MAX_MASK_GROUPS:
        raise CpuListError(
            f"{len(groups)} groups in CPU mask {_quote(text)}: {MAX_CPUS} CPUs need at most {MAX_MASK_GROUPS}"
        )
    for group in groups:
        if not _HEX_GROUP.match(group):
            raise CpuListError(
                f"bad CPU mask group {_quote(group)} in {_quote(text)}: expected 1-8 hex digits per group"
            )
    return _ids(int("".join(group.zfill(8) for group in groups), 16))


def format_mask(cpus: Iterable[int], nr_cpus: int | None = None) -> str:
    """Format CPU ids as the kernel prints a cpumask of `nr_cpus` bits.

    32-bit groups separated by commas, most significant first; every group but the first is
    zero-padded to 8 digits and the first is as wide as its share of the bits
    (nr_cpus=4 -> "f", nr_cpus=72 -> "ff,ffffffff,ffffffff").
    """
    if nr_cpus is not None and not 0 <= nr_cpus <= MAX_CPUS:
        raise CpuListError(f"nr_cpus {nr_cpus} is outside 0-{MAX_CPUS}")
    ids = sorted(set(cpus))
    if ids and ids[0] < 0:
        raise CpuListError(f"negative CPU id in {ids}")
    if ids:
        _cpu_id(ids[-1])
    width_bits = max(nr_cpus or 0, (ids[-1] + 1) if ids else 1)
    ngroups = (width_bits + 31) // 32
    groups = [0] * ngroups
    for cpu in ids:
        groups[cpu // 32] |= 1 << (cpu % 32)
    groups.reverse()
    top_bits = width_bits - 32 * (ngroups - 1)
    first_width = (top_bits + 3) // 4
    out = [f"{groups[0]:0{first_width}x}"] + [f"{g:08x}" for g in groups[1:]]
    return ",".join(out)
