#!/usr/bin/python
"""Persist kernel boot arguments idempotently and say whether a reboot is needed."""

from __future__ import annotations

DOCUMENTATION = r"""
module: kernel_cmdline
short_description: Add, replace or remove kernel boot arguments through the boot loader
description:
  - Ensures kernel arguments are present with the given values and that others are absent.
  - On Debian and Ubuntu it writes a lexically-last GRUB drop-in (C(/etc/default/grub.d/99-lowlat.cfg))
    whose C(GRUB_CMDLINE_LINUX) is the distribution's value with the managed keys replaced, then runs
    C(update-grub). On the RHEL family and Amazon Linux it edits every kernel entry with C(grubby).
  - Keeps a backup of the previous drop-in and C(grub.cfg), or of C(grubby --info=ALL).
  - Compares the wanted arguments with the running kernel's C(/proc/cmdline) and returns C(reboot_required).
version_added: "0.1.0"
author: lowlat maintainers
extends_documentation_fragment:
  - lowlat.trading.hostfs
options:
  args:
    description:
      - Arguments that must be present, as C(key=value) or bare C(key) strings, in order.
      - A key already on the command line gets this value (replace); a bare key is a flag.
    type: list
    elements: str
    default: []
  remove:
    description: Keys that must not be present (with any value).
    type: list
    elements: str
    default: []
  backend:
    description: Boot-loader backend; C(auto) picks C(grubby) when it is installed, else C(grub).
    type: str
    choices: [auto, grub, grubby]
    default: auto
  grub_defaults:
    description: The GRUB defaults file the drop-in builds on.
    type: path
    default: /etc/default/grub
  grub_dropin:
    description: The drop-in this module owns.
    type: path
    default: /etc/default/grub.d/99-lowlat.cfg
  grub_cfg:
    description: The generated GRUB configuration, checked to catch a drop-in that was never applied.
    type: path
    default: /boot/grub/grub.cfg
  update_command:
    description: Command that regenerates the GRUB configuration.
    type: list
    elements: str
    default: [update-grub]
  backup_dir:
    description: Where the grubby backend saves C(grubby --info=ALL) before changing entries.
    type: path
    default: /var/lib/lowlat
  update_bootloader:
    description:
      - Regenerate the boot-loader configuration after changing the drop-in.
      - Set to false where no boot loader exists (containers); the drop-in is still written.
    type: bool
    default: true
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Isolate the plan's CPUs at boot
  lowlat.trading.kernel_cmdline:
    args:
      - "isolcpus=managed_irq,domain,{{ lowlat_plan.isolated }}"
      - "nohz_full={{ lowlat_plan.isolated }}"
      - "rcu_nocbs={{ lowlat_plan.isolated }}"
      - skew_tick=1
    remove: [quiet]
  register: cmdline

- name: Reboot only where needed
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }} needs a reboot"
  when: cmdline.reboot_required
"""

RETURN = r"""
backend:
  description: The backend used.
  returned: always
  type: str
  sample: grub
cmdline:
  description: The full command line the boot loader will pass on the next boot (managed part for GRUB).
  returned: always
  type: str
running_cmdline:
  description: The running kernel's command line.
  returned: always
  type: str
missing:
  description: Wanted arguments the running kernel does not have (yet).
  returned: always
  type: list
  elements: str
unexpected:
  description: Keys in I(remove) that the running kernel still has.
  returned: always
  type: list
  elements: str
reboot_required:
  description: True when the running kernel's command line differs from the wanted one.
  returned: always
  type: bool
actions:
  description: What was done (files written, backups, commands run). Empty in check mode.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lowlat.trading.plugins.module_utils.bootloader import (
    BootloaderError,
    Grubby,
    GrubDropin,
)
from ansible_collections.lowlat.trading.plugins.module_utils.cmdline import (
    missing_from,
    normalize,
    parse_cmdline,
)
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS


def main():
    module = AnsibleModule(
        argument_spec={
            "args": {"type": "list", "elements": "str", "default": []},
            "remove": {"type": "list", "elements": "str", "default": []},
            "backend": {"type": "str", "choices": ["auto", "grub", "grubby"], "default": "auto"},
            "grub_defaults": {"type": "path", "default": "/etc/default/grub"},
            "grub_dropin": {"type": "path", "default": "/etc/default/grub.d/99-lowlat.cfg"},
            "grub_cfg": {"type": "path", "default": "/boot/grub/grub.cfg"},
            "update_command": {"type": "list", "elements": "str", "default": ["update-grub"]},
            "update_bootloader": {"type": "bool", "default": True},
            "backup_dir": {"type": "path", "default": "/var/lib/lowlat"},
            "root": {"type": "path", "default": "/"},
        },
        supports_check_mode=True,
    )
    p = module.params
    ensure = normalize(p["args"])
    clash = sorted({k for k, _ in ensure} & set(p["remove"]))
    if clash:
        module.fail_json(msg=f"keys {', '.join(clash)} are both in args and remove; keep each in one list")

    def run(argv):
        return module.run_command(argv)

    backend_name = p["backend"]
    if backend_name == "auto":
        backend_name = "grubby" if module.get_bin_path("grubby") else "grub"
    if backend_name == "grubby":
        backend = Grubby(run, backup_dir=p["backup_dir"])
    else:
        backend = GrubDropin(
            run,
            defaults_file=p["grub_defaults"],
            dropin=p["grub_dropin"],
            grub_cfg=p["grub_cfg"],
            update_command=p["update_command"],
            update_bootloader=p["update_bootloader"],
        )

    running = HostFS(p["root"]).read("/proc/cmdline", default="") or ""
    drift = missing_from(parse_cmdline(running), ensure, p["remove"])
    try:
        planned = backend.plan(ensure, p["remove"])
        actions = backend.apply(planned) if planned["changed"] and not module.check_mode else []
    except BootloaderError as err:
        module.fail_json(msg=str(err))

    result = {
        "changed": planned["changed"],
        "backend": backend.name,
        "cmdline": planned["cmdline"],
        "running_cmdline": running,
        "missing": drift["missing"],
        "unexpected": drift["unexpected"],
        "reboot_required": bool(drift["missing"] or drift["unexpected"]),
        "actions": actions,
    }
    if module._diff:
        where = p["grub_dropin"] if backend.name == "grub" else "grubby DEFAULT args"
        result["diff"] = {
            "before_header": where,
            "after_header": where,
            "before": planned["before"] or "",
            "after": planned["content"],
        }
    module.exit_json(**result)


if __name__ == "__main__":
    main()
