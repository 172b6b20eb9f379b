"""Jinja filter hugepages_tuning: what the hugepages role sets, computed in Python (module_utils/hugepages_tuning.py)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.lowlat.trading.plugins.module_utils import hugepages_tuning


def hugepages_tuning_filter(plan, settings, host=None):
    host = dict(host or {})
    host["in_container"] = boolean(host.get("in_container", False), strict=False)
    host["size_supported"] = boolean(host.get("size_supported", False), strict=False)
    try:
        return hugepages_tuning.tuning(plan, settings, host)
    except (KeyError, TypeError, ValueError) as err:
        raise AnsibleFilterError(f"hugepages_tuning: {type(err).__name__}: {err}") from err


class FilterModule:
    def filters(self):
        return {"hugepages_tuning": hugepages_tuning_filter}
