"""Kernel command lines as ordered (key, value) arguments: parse, compare, merge, render."""

from __future__ import annotations

import shlex

Arg = tuple[str, str | None]  # ("isolcpus", "managed_irq,domain,2-17") or ("nosoftlockup", None)


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


def normalize(args) -> list[Arg]:
    """Accept 'k=v' strings, (k, v) pairs or a {k: v} dict (v None/'' for a bare flag)."""
    if isinstance(args, dict):
        return [(str(k), None if v is None or v == "" else str(v)) for k, v in args.items()]
    out: list[Arg] = []
    for item in args or []:
        out.append(parse_arg(item) if isinstance(item, str) else (str(item[0]), item[1]))
    return out


def merge(base: list[Arg], ensure: list[Arg], remove: list[str]) -> list[Arg]:
    """base with every key in `ensure` or `remove` dropped, then `ensure` appended in order."""
    managed = {k for k, _ in ensure} | set(remove)
    return [a for a in base if a[0] not in managed] + list(ensure)


def missing_from(current: list[Arg], ensure: list[Arg], remove: list[str]) -> dict[str, list[str]]:
    """What a running kernel's command line lacks (or still has) compared with the wanted state."""
    have: dict[str, list[str | None]] = {}
    for key, value in current:
        have.setdefault(key, []).append(value)
    missing = [render_arg(a) for a in ensure if have.get(a[0], [object()])[-1] != a[1]]
    present = [k for k in remove if k in have]
    return {"missing": missing, "unexpected": present}
