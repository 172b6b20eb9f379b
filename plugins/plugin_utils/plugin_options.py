"""Checks on a lowlat_ec2 inventory file that Ansible's option types do not make.

Ansible ignores keys no option has (a misspelt `strict_tag: true` silently leaves the check off),
reads any word it does not know as false for a bool option ("maybe", "ture"), and has no ranges.
These run on the file as written, before any AWS call.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from ansible.errors import AnsibleParserError

BOOL_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "1", "0", "y", "n", "t", "f"})
BOOL_OPTIONS = ("strict_tags", "strict", "leading_separator", "use_extra_vars", "cache")
# Whole-number options: (lowest, highest). page_size keeps the API's own limits (ec2_api),
# the timeouts are checked where they are used (time_budget).
INT_RANGES = {"max_concurrency": (1, 64), "max_attempts": (1, 20)}
ENDPOINT_SCHEMES = ("http", "https")


def fail(message: str) -> None:
    raise AnsibleParserError(f"lowlat_ec2: {message}")


def check_keys(config: Mapping[str, Any], known: Iterable[str]) -> None:
    """Refuse keys that no option has, naming the nearest option."""
    names = sorted(known)
    for key in config:
        if not isinstance(key, str):
            fail(f"option names are text, got {key!r}.")
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else "see ansible-doc -t inventory lowlat.trading.lowlat_ec2."
            )
            fail(f"unknown option {key!r}; {hint}")


def check_bools(config: Mapping[str, Any]) -> None:
    """A bool option must be a YAML bool or a word Ansible reads as one, not any other text."""
    for name in BOOL_OPTIONS:
        value = config.get(name)
        if value is None or isinstance(value, bool):
            continue
        if not (isinstance(value, str | int) and str(value).strip().lower() in BOOL_WORDS):
            fail(f"{name} must be true or false, got {value!r}.")


def check_ranges(options: Mapping[str, Any]) -> None:
    for name, (low, high) in INT_RANGES.items():
        value = options[name]
        if not low <= value <= high:
            fail(f"{name} must be {low}..{high}, got {value}.")


def check_endpoint(url: str | None) -> None:
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ENDPOINT_SCHEMES or not parts.hostname:
        fail(f"endpoint_url must be an http:// or https:// URL with a host, got {url!r}.")


def check_filters(filters: Mapping[Any, Any] | None) -> None:
    """EC2 filters: a name, and a scalar or a list of scalars (never a mapping)."""
    for name, value in (filters or {}).items():
        if not isinstance(name, str) or not name.strip():
            fail(f"filters: a filter name must be non-empty text, got {name!r}.")
        values = value if isinstance(value, list | tuple) else [value]
        if not values:
            fail(f"filters: {name} has no values; give a value or remove the filter.")
        for item in values:
            if item is None or isinstance(item, Mapping | list | tuple):
                fail(f"filters: {name} values must be text, numbers or booleans, got {item!r}.")


def check(config: Mapping[str, Any], options: Mapping[str, Any]) -> None:
    """Every check, on the file as written (`config`) and the options Ansible resolved from it."""
    check_keys(config, options)
    check_bools(config)
    check_ranges(options)
    check_endpoint(options.get("endpoint_url"))
    check_filters(options.get("filters"))
