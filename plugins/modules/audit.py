#!/usr/bin/python
"""Read every tuned knob back from the host and compare it with what the roles recorded."""

from __future__ import annotations

DOCUMENTATION = r"""
module: audit
short_description: Compare a host's live tuning with the plan and the roles' recorded expectations
description:
  - Reads the manifests written by M(lowlat.trading.audit_manifest) under C(<dir>/expected/) and the plan at
    C(<dir>/plan.json), reads every knob back from the host, and returns one row per knob with the
    expected and actual value and a status of C(ok), C(drift) or C(n/a) with the reason.
  - Read-only. It never changes the host, so it is safe on production hosts.
  - When I(root) is a fixture tree, the result says so (C(fixture)), so no one mistakes it for the machine.
version_added: "0.1.0"
author: lowlat maintainers (!UNKNOWN)
extends_documentation_fragment:
  - lowlat.trading.hostfs
  - lowlat.trading.attributes
options:
  dir:
    description: lowlat's state directory.
    type: path
    default: /etc/lowlat
  host:
    description: Name to show in the table header (the inventory hostname); default is the node name.
    type: str
  reboot_pending:
    description: Mark boot-scope drift as C(reboot pending).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Audit
  lowlat.trading.audit:
  register: audit

- name: Show the table
  ansible.builtin.debug:
    msg: "{{ audit.table }}"
"""

RETURN = r"""
rows:
  description: One row per check, with role, scope, knob, expected, actual, status and reason.
  returned: always
  type: list
  elements: dict
summary:
  description: Counts per status.
  returned: always
  type: dict
  sample: {ok: 41, drift: 0, "n/a": 12}
table:
  description: The rows as a fixed-width text table.
  returned: always
  type: str
plan:
  description: The recorded plan, when there is one.
  returned: always
  type: dict
fixture:
  description: The fixture shape the sysfs root stands in for, or null on a real host.
  returned: always
  type: str
roles:
  description: The roles whose manifests were found.
  returned: always
  type: list
  elements: str
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lowlat.trading.plugins.module_utils.audit import (
    CheckError,
    Reader,
    evaluate,
    format_table,
    summarize,
    validate_manifest,
)
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.tool_runner import tool_runner
from ansible_collections.lowlat.trading.plugins.module_utils.topology import FIXTURE_MARKER


def _load(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def main():
    module = AnsibleModule(
        argument_spec={
            "root": {"type": "path", "default": "/"},
            "dir": {"type": "path", "default": "/etc/lowlat"},
            "host": {"type": "str"},
            "reboot_pending": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    p = module.params
    fs = HostFS(p["root"])
    expected_dir = os.path.join(p["dir"], "expected")
    names = (
        sorted(n for n in os.listdir(expected_dir) if n.endswith(".json"))
        if os.path.isdir(expected_dir)
        else []
    )
    if not names:
        module.fail_json(
            msg=f"no manifests under {expected_dir}: converge the host with playbooks/site.yml first"
        )

    runner = tool_runner(module)

    reader = Reader(fs, runner)
    rows, roles = [], []
    for name in names:
        try:
            manifest = _load(os.path.join(expected_dir, name))
            validate_manifest(manifest)
        except (ValueError, CheckError) as err:
            module.fail_json(msg=f"{expected_dir}/{name} is not a valid manifest: {err}")
        roles.append(manifest["role"])
        rows.extend(evaluate(manifest, reader, p["reboot_pending"]))
    plan_path = os.path.join(p["dir"], "plan.json")
    plan = _load(plan_path) if os.path.exists(plan_path) else {}
    marker = fs.read(FIXTURE_MARKER)
    fixture = marker.splitlines()[0] if marker else None
    header = f"(fixture topology: {fixture}, not this machine's CPUs)" if fixture else ""
    module.exit_json(
        changed=False,
        rows=rows,
        summary=summarize(rows),
        table=format_table(p["host"] or os.uname().nodename, rows, header),
        plan=plan,
        fixture=fixture,
        roles=roles,
    )


if __name__ == "__main__":
    main()
