"""Checks for the values users write in YAML, -e extra vars, group_vars and Jinja.

Shared by every lowlat entry point that takes such values. Each check returns the value coerced the
way Ansible's argument_spec coerces it, or raises InputError saying which key, what was given and what
to give instead:

- booleans from yes/no, true/false, on/off, y/n, t/f and 1/0 (strings case-insensitive, or the ints 1/0);
- whole numbers from ints or digit strings; a bool or a float is never taken for a whole number;
- numbers from ints, floats or numeric strings; never a bool, never NaN or infinity;
- CPU lists as cpulist strings ("2-5,8"), a CPU id, or a list of those; never empty.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable

from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import CpuListError, parse_cpulist

TRUE_WORDS = frozenset({"yes", "on", "true", "1", "y", "t"})
FALSE_WORDS = frozenset({"no", "off", "false", "0", "n", "f"})
BOOLEAN_RULE = "true or false (yes/no, on/off and 1/0 work too)"
CPU_LIST_RULE = "a non-empty CPU list such as '2-5,8' (a string, a CPU id or a list of them)"
# Long enough for any 64-bit number; int() of a longer digit string is slow or refused by Python.
_WHOLE = re.compile(r"^[+-]?[0-9]{1,19}$")
_NUMBER_CHARS = 32
_SHOWN_CHARS = 80
_SUGGEST_CHARS = 64


class InputError(ValueError):
    """A value of the wrong type, range or meaning; the message names the key and what to give."""


def shown(value) -> str:
    """The value as YAML would show it, cut short: 'no', null, true, 2.5, [1, 2]."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else f"{text[:40]}... ({len(text)} characters)"


def refuse(key: str, rule: str, value, hint: str = "") -> InputError:
    """The one message shape: '<key> must be <rule>, given <value>[; <hint>]'."""
    return InputError(f"{key} must be {rule}, given {shown(value)}" + (f"; {hint}" if hint else ""))


def did_you_mean(value, names: Iterable[str]) -> str:
    """'did you mean X?' for the name closest to value, or '' when none is close."""
    if not isinstance(value, str) or len(value) > _SUGGEST_CHARS:
        return ""
    close = difflib.get_close_matches(value.strip(), sorted(names), n=1)
    return f"did you mean {close[0]}?" if close else ""


def unknown_keys(what: str, data: dict, known: Iterable[str]) -> str:
    """'' when every key of data is known, else a message naming each unknown key (null values too)
    with the nearest known name, or the known names when none is near."""
    known = sorted(known)
    parts, lost = [], False
    for key in sorted((key for key in data if key not in known), key=str):
        hint = did_you_mean(key, known)
        lost = lost or not hint
        parts.append(f"{shown(key)} (given {shown(data[key])}" + (f"; {hint})" if hint else ")"))
    if not parts:
        return ""
    message = f"unknown {what}{'s' if len(parts) > 1 else ''} {', '.join(parts)}"
    if lost:
        message += f"; remove {'them' if len(parts) > 1 else 'it'} or use one of: {', '.join(known)}"
    return message


def is_word(value, word: str) -> bool:
    """value is the keyword `word`, in any case and with surrounding blanks."""
    return isinstance(value, str) and value.strip().lower() == word


def boolean(key: str, value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
    raise refuse(key, BOOLEAN_RULE, value)


def whole(key: str, value, low: int, high: int, rule: str = "") -> int:
    number = int(value.strip()) if isinstance(value, str) and _WHOLE.match(value.strip()) else value
    if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
        raise refuse(key, rule or f"a whole number from {low} to {high}", value)
    return int(number)


def _float(value) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, str):
            return float(value.strip()) if len(value) <= _NUMBER_CHARS else None
        return float(value) if isinstance(value, (int, float)) else None
    except (ValueError, OverflowError):
        return None


def number(key: str, value, above: float, most: float, why: str = "") -> float:
    """A number in (above, most]; why is appended to the rule ('(the kernel needs the rest)')."""
    parsed = _float(value)
    if parsed is None or not math.isfinite(parsed) or not above < parsed <= most:
        rule = f"a number above {above:g} and at most {most:g}" + (f" {why}" if why else "")
        raise refuse(key, rule, value)
    return parsed


def choice(key: str, value, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    if isinstance(value, str) and value in choices:
        return value
    raise refuse(key, f"one of {', '.join(choices)}", value, did_you_mean(value, choices))


def cpu_list(key: str, value, rule: str = CPU_LIST_RULE, hint: str = "name at least one CPU") -> list[int]:
    """A non-empty CPU list: a cpulist string, one CPU id, or a list of those; sorted unique ids."""
    items = value if isinstance(value, (list, tuple)) else [value]
    if not all(isinstance(item, (int, str)) and not isinstance(item, bool) for item in items):
        raise refuse(key, rule, value)
    try:
        cpus = parse_cpulist(items)
    except CpuListError as err:
        raise InputError(f"{key}: {err}") from None
    if not cpus:
        raise refuse(key, rule, value, hint)
    return cpus
