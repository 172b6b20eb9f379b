"""The shapes of audit checks every module_utils/<role>_checks.py builds (docs/audit.md: the check kinds)."""

from __future__ import annotations

from ansible.module_utils.parsing.convert_bool import boolean


def switch_on(value) -> bool:
    """A boolean role variable as Ansible's `bool` filter reads it ('yes', 'true', 1, ...)."""
    return boolean(value, strict=False)


def setting_on(settings: dict, name: str) -> bool:
    """settings[name] as a boolean; absent is false."""
    return switch_on(settings.get(name, False))


def not_applicable(knob: str, reason: str) -> dict:
    return {"knob": knob, "kind": "not_applicable", "reason": reason}


def service(knob: str, unit: str, expected: str, scope: str) -> dict:
    return {"knob": knob, "kind": "service", "unit": unit, "expected": expected, "scope": scope}


def file_line(knob: str, path: str, line: str) -> dict:
    return {"knob": knob, "kind": "file_line", "path": path, "line": line, "scope": "persistent"}


def command(knob: str, argv: list[str], pattern: str, expected: str, scope: str) -> dict:
    return {
        "knob": knob,
        "kind": "command",
        "argv": argv,
        "pattern": pattern,
        "expected": expected,
        "scope": scope,
    }
