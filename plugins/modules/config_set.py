#!/usr/bin/python
"""Apply a role's directories, files and systemd units in one module call."""

from __future__ import annotations

DOCUMENTATION = r"""
module: config_set
short_description: Apply a set of directories, files and systemd units in one call
description:
  - One task for what a role would otherwise write as a loop of M(ansible.builtin.file),
    M(ansible.builtin.template), M(ansible.builtin.copy) and M(ansible.builtin.systemd_service)
    tasks. Every item is brought to its state idempotently and the result names each item's changes.
  - Directories first, then files (content rendered on the controller, written atomically), then
    paths to remove; then one C(systemctl daemon-reload) if a file under a systemd directory
    changed, then the units' unmask, disable, enable, stop, mask, start and restart actions, each
    run once for every unit that needs it.
  - A unit with O(units[].state=started) that is already running restarts only when its unit file,
    one of its drop-ins or one of its O(units[].watch) paths changed in this call, or when
    O(units[].restart) is true.
  - Supports check mode (a unit whose file is only about to be written is planned as new) and diff
    (one diff per changed file).
version_added: "0.2.0"
author: lowlat maintainers (!UNKNOWN)
extends_documentation_fragment:
  - lowlat.trading.attributes
options:
  directories:
    description: Directories to create or correct.
    type: list
    elements: dict
    default: []
    suboptions:
      path: {description: Absolute path., type: path, required: true}
      mode: {description: Octal mode as a string., type: str, default: "0755"}
      owner: {description: Owner name., type: str, default: root}
      group: {description: Group name., type: str, default: root}
  files:
    description: Files with their whole content.
    type: list
    elements: dict
    default: []
    suboptions:
      path: {description: Absolute path. Its directory must exist or be in O(directories)., type: path, required: true}
      content: {description: The file's text (for example from the template lookup)., type: str, required: true}
      mode: {description: Octal mode as a string., type: str, default: "0644"}
      owner: {description: Owner name., type: str, default: root}
      group: {description: Group name., type: str, default: root}
  absent:
    description: Files (not directories) that must not exist.
    type: list
    elements: path
    default: []
  units:
    description: systemd units and the state each must be in; a key left out is not managed.
    type: list
    elements: dict
    default: []
    suboptions:
      name: {description: Full unit name (C(chrony.service))., type: str, required: true}
      enabled: {description: Enabled at boot., type: bool}
      masked: {description: Masked., type: bool}
      state: {description: "C(started), C(stopped), or null to leave it as it is (a template may choose none).", type: str}
      restart: {description: Restart even if nothing it reads changed (when it runs)., type: bool, default: false}
      watch: {description: Paths whose change restarts it., type: list, elements: path, default: []}
  unit_dir:
    description: Where the set's unit files and drop-ins live (to tell which unit a changed file belongs to).
    type: path
    default: /etc/systemd/system
  daemon_reload:
    description: Reload systemd; by default only when a file under a systemd directory changed.
    type: bool
  prefix:
    description:
      - Prefix for every path (tests apply sets to a temporary tree); units are not prefixed.
      - Not the C(root) of the other lowlat modules (the root of /proc and /sys), so config_set is not
        in their action group.
    type: path
    default: /
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Install and start the THP unit
  lowlat.trading.config_set:
    files:
      - path: /etc/systemd/system/lowlat-thp.service
        content: "{{ lookup('ansible.builtin.template', 'lowlat-thp.service.j2') }}"
    units:
      - {name: lowlat-thp.service, enabled: true, state: started}

- name: chrony's configuration, restarted only when it changes
  lowlat.trading.config_set:
    directories:
      - {path: /etc/chrony/conf.d}
    files:
      - {path: /etc/chrony/chrony.conf, content: "{{ lookup('ansible.builtin.template', 'chrony.conf.j2') }}"}
    units:
      - {name: chrony.service, enabled: true, state: started, watch: [/etc/chrony/chrony.conf]}
"""

RETURN = r"""
changed_paths:
  description: Paths created, rewritten, corrected or removed.
  returned: always
  type: list
  elements: str
  sample: [/etc/systemd/system/lowlat-thp.service]
files:
  description: Each changed path and its changes (created, content, mode, owner, group, removed).
  returned: always
  type: dict
  sample: {/etc/systemd/system/lowlat-thp.service: [created]}
units:
  description: Each unit that needed actions and the actions, in the order they ran.
  returned: always
  type: dict
  sample: {lowlat-thp.service: [enable, start]}
daemon_reload:
  description: Whether systemd was (or in check mode would be) reloaded.
  returned: always
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lowlat.trading.plugins.module_utils import file_set, unit_set


def _entry_options(mode: str) -> dict:
    return {
        "path": {"type": "path", "required": True},
        "mode": {"type": "str", "default": mode},
        "owner": {"type": "str", "default": "root"},
        "group": {"type": "str", "default": "root"},
    }


def main():
    module = AnsibleModule(
        argument_spec={
            "directories": {
                "type": "list",
                "elements": "dict",
                "default": [],
                "options": _entry_options("0755"),
            },
            "files": {
                "type": "list",
                "elements": "dict",
                "default": [],
                "options": {
                    **_entry_options("0644"),
                    "content": {"type": "str", "required": True, "no_log": False},
                },
            },
            "absent": {"type": "list", "elements": "path", "default": []},
            "units": {
                "type": "list",
                "elements": "dict",
                "default": [],
                "options": {
                    "name": {"type": "str", "required": True},
                    "enabled": {"type": "bool"},
                    "masked": {"type": "bool"},
                    "state": {"type": "str"},
                    "restart": {"type": "bool", "default": False},
                    "watch": {"type": "list", "elements": "path", "default": []},
                },
            },
            "unit_dir": {"type": "path", "default": "/etc/systemd/system"},
            "daemon_reload": {"type": "bool"},
            "prefix": {"type": "path", "default": "/"},
        },
        supports_check_mode=True,
    )
    p = module.params
    try:
        entries = file_set.parse(p["directories"], p["files"], p["absent"])
        units = unit_set.parse(p["units"])
    except (file_set.FileSetError, unit_set.UnitSetError) as err:
        module.fail_json(msg=str(err))
    try:
        files = file_set.apply(entries, root=p["prefix"], check=module.check_mode)
    except file_set.FileSetError as err:
        module.fail_json(msg=str(err))
    changed_paths = list(files.changes)
    applied = unit_set.UnitSetResult()
    result = {"changed_paths": changed_paths, "files": files.changes}
    if units or unit_set.needs_reload(changed_paths, p["daemon_reload"]):
        if not module.get_bin_path("systemctl"):
            module.fail_json(msg="systemctl not found: units need systemd on the host", **result)
        try:
            applied = unit_set.apply(
                module.run_command,
                units,
                changed_paths,
                unit_dir=p["unit_dir"],
                check=module.check_mode,
                daemon_reload=p["daemon_reload"],
            )
        except unit_set.UnitSetError as err:
            module.fail_json(msg=str(err), **result)
    result.update(
        units=applied.actions, daemon_reload=applied.daemon_reload, changed=files.changed or applied.changed
    )
    if module._diff and files.diffs:
        result["diff"] = files.diffs
    module.exit_json(**result)


if __name__ == "__main__":
    main()
