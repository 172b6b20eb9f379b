"""The irq_affinity module's user inputs, checked before anything is read or written.

Same rules and message shape as the planner's policy (input_checks): each check names the option, the
value given and what to give, and raises InputError.
"""

from __future__ import annotations

import re

from ansible_collections.lowlat.trading.plugins.module_utils.input_checks import cpu_list, refuse, whole

MAX_PATTERN_CHARS = 256
MAX_IRQ = 65535
# The kernel's dev_valid_name(): below IFNAMSIZ (16) bytes, not . or .., no '/', ':' or whitespace.
IFNAMSIZ = 16
_BAD_IFNAME = re.compile(r"[/:\s]")


def irq_numbers(key: str, values: list) -> list[int]:
    rule = f"a whole number from 0 to {MAX_IRQ}"
    return [whole(f"{key}[{index}]", value, 0, MAX_IRQ, rule) for index, value in enumerate(values)]


def _pattern(key: str, value) -> str:
    rule = f"a non-empty regular expression of at most {MAX_PATTERN_CHARS} characters"
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # as Ansible's elements: str would
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_PATTERN_CHARS:
        blank = isinstance(value, str) and not value.strip()
        hint = "an empty pattern would match every IRQ; use all: true for that" if blank else ""
        raise refuse(key, rule, value, hint)
    try:
        re.compile(value)
    except (re.error, RecursionError, OverflowError) as err:
        raise refuse(
            key,
            "a valid regular expression (Python re syntax)",
            value,
            f"{err}; escape a literal ( [ {{ * + ? or \\ with a backslash",
        ) from None
    return value


def patterns(key: str, values: list) -> list[str]:
    return [_pattern(f"{key}[{index}]", value) for index, value in enumerate(values)]


def interface(key: str, value) -> str | None:
    if value is None:
        return None
    rule = f"a network interface name of 1 to {IFNAMSIZ - 1} characters without '/', ':' or blanks"
    if (
        not isinstance(value, str)
        or not 0 < len(value.encode("utf-8", "surrogatepass")) < IFNAMSIZ
        or value in (".", "..")
        or _BAD_IFNAME.search(value)
    ):
        raise refuse(key, rule, value, "for example eth0 or ens5")
    return value


def irq_inputs(params: dict) -> dict:
    """The module's selection and CPU options, checked and coerced; raises InputError."""
    for key in ("irqs", "match", "exclude_match"):
        if not isinstance(params[key], list):
            raise refuse(key, "a list", params[key])
    return {
        "cpus": cpu_list("cpus", params["cpus"]),
        "device": interface("device", params["device"]),
        "exclude_device": interface("exclude_device", params["exclude_device"]),
        "irqs": irq_numbers("irqs", params["irqs"]),
        "match": patterns("match", params["match"]),
        "exclude_match": patterns("exclude_match", params["exclude_match"]),
    }
