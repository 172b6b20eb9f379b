#!/usr/bin/python
"""Record what the audit must find for one role."""

from __future__ import annotations

DOCUMENTATION = r"""
module: audit_manifest
short_description: Record the checks the lowlat audit runs for one role
description:
  - Writes C(<dir>/expected/<role>.json) with the role's checks (see docs/audit.md for the check kinds).
  - Validates every check first, so a malformed check fails the converge rather than a later audit.
  - Idempotent; supports check mode and diff.
version_added: "0.1.0"
author: lowlat maintainers (!UNKNOWN)
extends_documentation_fragment:
  - lowlat.trading.attributes
options:
  role:
    description: The role the checks belong to.
    type: str
    required: true
  dir:
    description: lowlat's state directory.
    type: path
    default: /etc/lowlat
  runtime_applied:
    description: Whether the role applied runtime changes on this host; when false, runtime and boot checks are C(n/a).
    type: bool
    required: true
  runtime_reason:
    description: Why runtime changes were not applied (shown in the audit).
    type: str
    default: ""
  checks:
    description: The checks, each a dict with C(knob), C(kind), C(scope) and the kind's fields.
    type: list
    elements: dict
    required: true
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Record the kernel role's checks
  lowlat.trading.audit_manifest:
    role: kernel
    runtime_applied: "{{ __kernel_runtime }}"
    runtime_reason: "{{ lowlat_runtime_blocker }}"
    checks:
      - {knob: kernel.numa_balancing, kind: sysctl, key: kernel.numa_balancing, expected: "0", scope: runtime}
      - {knob: sysctl drop-in, kind: file_line, path: /etc/sysctl.d/90-lowlat.conf,
         line: "kernel.numa_balancing = 0", scope: persistent}
"""

RETURN = r"""
path:
  description: The manifest file.
  returned: always
  type: str
  sample: /etc/lowlat/expected/kernel.json
checks:
  description: Number of checks recorded.
  returned: always
  type: int
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lowlat.trading.plugins.module_utils.audit import CheckError, validate_manifest


def main():
    module = AnsibleModule(
        argument_spec={
            "role": {"type": "str", "required": True},
            "dir": {"type": "path", "default": "/etc/lowlat"},
            "runtime_applied": {"type": "bool", "required": True},
            "runtime_reason": {"type": "str", "default": ""},
            "checks": {"type": "list", "elements": "dict", "required": True},
        },
        supports_check_mode=True,
    )
    p = module.params
    manifest = {
        "role": p["role"],
        "runtime_applied": p["runtime_applied"],
        "runtime_reason": "" if p["runtime_applied"] else p["runtime_reason"],
        "checks": p["checks"],
    }
    try:
        validate_manifest(manifest)
    except CheckError as err:
        module.fail_json(msg=f"role {p['role']}: {err}")
    path = os.path.join(p["dir"], "expected", f"{p['role']}.json")
    content = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    try:
        with open(path, encoding="utf-8") as fh:
            before = fh.read()
    except FileNotFoundError:
        before = ""
    changed = before != content
    if changed and not module.check_mode:
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    result = {"changed": changed, "path": path, "checks": len(manifest["checks"])}
    if module._diff:
        result["diff"] = {"before_header": path, "after_header": path, "before": before, "after": content}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
