"""Jinja filter kernel_tuning: what the kernel role sets, computed in Python (module_utils/kernel_tuning.py)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.lowlat.trading.plugins.module_utils import kernel_tuning
from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import CpuListError


def kernel_tuning_filter(plan, settings, state=None, sysctl_live=None, cmdline=None, in_container=False):
    try:
        return kernel_tuning.tuning(
            plan, settings, state, sysctl_live, cmdline, boolean(in_container, strict=False)
        )
    except (CpuListError, KeyError, TypeError, ValueError) as err:
        raise AnsibleFilterError(f"kernel_tuning: {type(err).__name__}: {err}") from err


class FilterModule:
    def filters(self):
        return {"kernel_tuning": kernel_tuning_filter}
