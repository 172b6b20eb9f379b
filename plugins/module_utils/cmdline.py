"""Kernel command lines as ordered (key, value) arguments: parse, check, compare, merge, render.

Two command lines are the same when every key has the same values in the same order: the kernel
does not care about the order of distinct keys, but a repeated key keeps all its values and their
order (the last console= is the primary console)."""

from __future__ import annotations

import shlex
from collections import Counter
from typing import Optional

Arg = tuple[str, Optional[str]]  # noqa: UP045 (a runtime alias: module_utils run on the targets' Python)  # ("isolcpus", "managed_irq,domain,2-17") or ("nosoftlockup", None)

# Characters that GRUB's script parser (grub.cfg) or a shell (the sourced defaults) would interpret.
# With whitespace and quotes refused too, an accepted argument is one word everywhere, unquoted.
UNSAFE = frozenset("\"'$`;&|<>\\#")


def parse_arg(text: str) -> Arg:
    key, sep, value = text.partition("=")
    return (key, value if sep else None)


def parse_cmdline(text: str) -> list[Arg]:
    """Split a command line as the kernel does, honouring double quotes in values."""
    try:
        tokens = shlex.split(text or "", posix=True)
    except ValueError:
        tokens = (text or "").split()
    return [parse_arg(tok) for tok in tokens]


def render_arg(arg: Arg) -> str:
    key, value = arg
    if value is None:
        return key
    return f'{key}="{value}"' if " " in value else f"{key}={value}"


def render_cmdline(args: list[Arg]) -> str:
    return " ".join(render_arg(a) for a in args)


def render_args(args: list[Arg]) -> list[str]:
    return [render_arg(a) for a in args]


def check_arg(text: str) -> str | None:
    """Why `text` cannot be written as one kernel argument into the boot loader, or None if it can."""
    if not text:
        return "is empty"
    if text.startswith("="):
        return "has no key before '='"
    bad = sorted({c for c in text if c in UNSAFE or c.isspace() or not (c.isascii() and c.isprintable())})
    if bad:
        return "contains " + " ".join(repr(c) for c in bad)
    return None


def normalize(args) -> list[Arg]:
    """Accept 'k=v' strings, (k, v) pairs or a {k: v} dict (v None/'' for a bare flag)."""
    if isinstance(args, dict):
        return [(str(k), None if v is None or v == "" else str(v)) for k, v in args.items()]
    out: list[Arg] = []
    for item in args or []:
        out.append(parse_arg(item) if isinstance(item, str) else (str(item[0]), item[1]))
    return out


def by_key(args: list[Arg]) -> dict[str, list[str | None]]:
    """Each key's values in command-line order."""
    out: dict[str, list[str | None]] = {}
    for key, value in args:
        out.setdefault(key, []).append(value)
    return out


def same_args(a: list[Arg], b: list[Arg]) -> bool:
    return by_key(a) == by_key(b)


def is_removed(arg: Arg, remove: list[Arg]) -> bool:
    """A bare key in `remove` matches every occurrence of that key, `key=value` exactly that argument."""
    return any(arg[0] == key and value in (None, arg[1]) for key, value in remove)


def drop(args: list[Arg], ensure: list[Arg], remove: list[Arg]) -> list[Arg]:
    """args without the keys `ensure` sets and without the arguments `remove` names."""
    managed = {k for k, _value in ensure}
    return [a for a in args if a[0] not in managed and not is_removed(a, remove)]


def merge(base: list[Arg], ensure: list[Arg], remove: list[Arg]) -> list[Arg]:
    """base with every key in `ensure` and every argument `remove` names dropped, then `ensure` in order."""
    return drop(base, ensure, remove) + list(ensure)


def difference(a: list[Arg], b: list[Arg]) -> list[Arg]:
    """The arguments of `a` that `b` lacks, counting repeats, in the order of `a`."""
    left = Counter(b)
    out = []
    for arg in a:
        if left[arg]:
            left[arg] -= 1
        else:
            out.append(arg)
    return out


def drift(current: list[Arg], wanted: list[Arg], remove: list[Arg]) -> dict[str, list[str]]:
    """How a command line (the running kernel's, a grub.cfg entry's) differs from the wanted one.

    Every key of `wanted` must have the same values in the same order. Keys only `current` has are
    what the boot loader adds (BOOT_IMAGE, root, ro, initrd) and are ignored unless `remove` names
    them. `$name` words in `wanted` are boot-loader variables (grubby's $tuned_params), expanded at
    boot, so they are not compared.
    """
    have, want = by_key(current), by_key([a for a in wanted if not a[0].startswith("$")])
    missing: list[Arg] = []
    unexpected: list[Arg] = []
    for key, values in want.items():
        if have.get(key, []) == values:
            continue
        ours, theirs = [(key, v) for v in values], [(key, v) for v in have.get(key, [])]
        lacks, extra = difference(ours, theirs), difference(theirs, ours)
        # Same values in another order: the whole key is missing, in its wanted order.
        missing += lacks if lacks or extra else ours
        unexpected += extra
    unexpected += [a for a in current if a[0] not in want and is_removed(a, remove)]
    return {"missing": render_args(missing), "unexpected": render_args(unexpected)}
