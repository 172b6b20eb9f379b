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
  - Compares the whole command line the boot loader is configured with against the running kernel's
    C(/proc/cmdline) and returns C(reboot_required). The order of distinct keys does not matter; a
    repeated key such as EC2's C(console=tty0 console=ttyS0,115200n8) must have all its values in
    the same order (the last C(console=) is the primary console). Arguments only the running kernel
    has (C(BOOT_IMAGE), C(root), C(ro), C(initrd), which the boot loader adds) are ignored unless
    I(remove) names them, and so are C($name) words of the configured line (grubby's C($tuned_params)),
    which the boot loader expands.
  - Every item of I(args) and I(remove) must be one argument without whitespace, quotes or any of
    C($), C(`), C(;), C(&), C(|), C(<), C(>), C(\), C(#), characters that GRUB's configuration parser
    or a shell would interpret. The kernel's own quoting (C(key="value with spaces")) is not
    supported. A refused item fails the module, naming it, before anything is written.
version_added: "0.1.0"
author: lowlat maintainers (!UNKNOWN)
extends_documentation_fragment:
  - lowlat.trading.hostfs
  - lowlat.trading.attributes
options:
  args:
    description:
      - Arguments that must be present, as C(key=value) or bare C(key) strings, in order.
      - A key already on the command line gets this value (replace); a bare key is a flag.
      - Give a key more than once to keep several values in that order (C(console=tty0),
        C(console=ttyS0,115200n8)); the C(grubby) backend cannot change such a repeated key.
    type: list
    elements: str
    default: []
  remove:
    description:
      - Arguments that must not be present. A bare C(key) removes every occurrence of that key, with
        any value or none; C(key=value) removes exactly that argument and keeps the key's other values
        (the C(grubby) backend refuses this for a key that appears more than once).
      - A key may not be both in I(args) and in I(remove).
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
    description:
      - The generated GRUB configuration, checked to catch a drop-in that was never applied.
      - It is current when one of its C(linux) lines has the configured arguments (whole arguments
        compared, as for the running kernel) and none that I(remove) names.
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

- name: Keep only the serial console of EC2's two console= arguments
  lowlat.trading.kernel_cmdline:
    backend: grub
    remove: [console=tty0]
"""

RETURN = r"""
backend:
  description: The backend used.
  returned: always
  type: str
  sample: grub
cmdline:
  description:
    - The command line the boot loader is configured to pass on the next boot. For GRUB this is
      C(GRUB_CMDLINE_LINUX) and C(GRUB_CMDLINE_LINUX_DEFAULT), without what grub-mkconfig adds (C(root), C(ro)).
  returned: always
  type: str
  sample: console=tty0 console=ttyS0,115200n8 isolcpus=managed_irq,domain,2-17 nohz_full=2-17
added:
  description: Arguments this run adds to the configured command line (would add, in check mode).
  returned: always
  type: list
  elements: str
  sample: [nohz_full=2-17]
removed:
  description:
    - Arguments this run removes from the configured command line (would remove, in check mode),
      including the old value of a key that I(args) replaces.
  returned: always
  type: list
  elements: str
  sample: [console=tty0, quiet]
running_cmdline:
  description: The running kernel's command line.
  returned: always
  type: str
missing:
  description:
    - Arguments of the configured command line the running kernel does not have (yet). When a
      repeated key has the same values in another order, all its arguments are listed.
  returned: always
  type: list
  elements: str
unexpected:
  description:
    - Arguments the running kernel has that the configured command line drops, arguments I(remove)
      names and other values of a key the configured line sets.
  returned: always
  type: list
  elements: str
reboot_required:
  description:
    - True when the running kernel's command line differs from the configured one (see the
      description for how they are compared), i.e. when I(missing) or I(unexpected) is not empty.
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
    UNSAFE,
    check_arg,
    drift,
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
    refused = [
        f"{option} {text!r} {why}"
        for option in ("args", "remove")
        for text in p[option]
        if (why := check_arg(text))
    ]
    if refused:
        allowed = f"one argument per item; no whitespace, quotes or {' '.join(sorted(UNSAFE))}"
        module.fail_json(msg=f"refused ({allowed}), nothing was changed: " + "; ".join(refused))
    ensure, remove = normalize(p["args"]), normalize(p["remove"])
    clash = sorted({k for k, _value in ensure} & {k for k, _value in remove})
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
    try:
        planned = backend.plan(ensure, remove)
        actions = backend.apply(planned) if planned["changed"] and not module.check_mode else []
    except BootloaderError as err:
        module.fail_json(msg=str(err))
    pending = drift(parse_cmdline(running), planned["args"], remove)

    result = {
        "changed": planned["changed"],
        "backend": backend.name,
        "cmdline": planned["cmdline"],
        "running_cmdline": running,
        "added": planned["added"],
        "removed": planned["removed"],
        "missing": pending["missing"],
        "unexpected": pending["unexpected"],
        "reboot_required": bool(pending["missing"] or pending["unexpected"]),
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
