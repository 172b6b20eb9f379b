"""Jinja filter audit_checks: a role's audit checks, built in Python by module_utils/<role>_checks.py."""

from __future__ import annotations

import importlib
import re

from ansible.errors import AnsibleFilterError

from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import CpuListError

PACKAGE = "ansible_collections.lowlat.trading.plugins.module_utils"


def checks_module(role: str):
    """module_utils/<role>_checks.py, whose checks(plan, settings, host) lists the role's checks."""
    if not isinstance(role, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", role):
        raise AnsibleFilterError(f"audit_checks: {role!r} is not a role name")
    try:
        return importlib.import_module(f"{PACKAGE}.{role}_checks")
    except ModuleNotFoundError as err:
        if err.name != f"{PACKAGE}.{role}_checks":
            raise
        raise AnsibleFilterError(
            f"audit_checks: no checks for role {role!r} (no module_utils/{role}_checks.py)"
        ) from None


def audit_checks(role, plan, settings, host=None):
    module = checks_module(role)
    try:
        return module.checks(plan, settings, host or {})
    except (CpuListError, KeyError, TypeError, ValueError) as err:
        raise AnsibleFilterError(f"audit_checks({role}): {type(err).__name__}: {err}") from err


class FilterModule:
    def filters(self):
        return {"audit_checks": audit_checks}
