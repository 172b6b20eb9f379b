#!/usr/bin/python
"""Pin IRQs to a CPU set, idempotently, reporting every IRQ's before and after."""

from __future__ import annotations

DOCUMENTATION = r"""
module: irq_affinity
short_description: Pin IRQs selected by device, name pattern or number to a CPU set
description:
  - Selects IRQs by the NIC they belong to (its queue vectors), by regular expressions on their action
    names in C(/proc/interrupts), by number, or all of them, minus exclusions.
  - Pins them to I(cpus) either all-to-set (C(mode=all)) or one CPU per IRQ round-robin
    (C(mode=spread), so NIC queue k lands on the k-th CPU of the set).
  - Idempotent, an IRQ already on the wanted CPUs is left alone. Reports before and after per IRQ.
  - IRQs the kernel refuses to move (managed IRQs answer EIO) are reported, not fatal, unless I(strict).
  - Optionally sets C(/proc/irq/default_smp_affinity) for IRQs registered later.
  - Every input is checked before anything is read or written; a bad one fails with a message naming
    the option, the value given and what to give (an empty or invalid pattern, an IRQ number that is a
    bool, a float or outside 0-65535, an interface name the kernel would not accept, an empty CPU set).
version_added: "0.1.0"
author: lowlat maintainers (!UNKNOWN)
extends_documentation_fragment:
  - lowlat.trading.hostfs
  - lowlat.trading.attributes
options:
  cpus:
    description: The CPU set, non-empty (cpulist syntax, for example C(1,37) or C(0-3); or a CPU id or a list).
    type: raw
    required: true
  device:
    description: Select the queue IRQs of this network interface (for example C(eth0)).
    type: str
  match:
    description:
      - Select IRQs whose action name matches any of these regular expressions (Python C(re) syntax,
        searched anywhere in the name). Each is non-empty and at most 256 characters.
      - Give a YAML list; Ansible splits a bare string at its commas, which breaks a pattern like C(a{1,3}).
    type: list
    elements: raw
    default: []
  irqs:
    description: Select these IRQ numbers (whole numbers 0-65535; digit strings are accepted).
    type: list
    elements: raw
    default: []
  all:
    description: Select every numbered IRQ.
    type: bool
    default: false
  exclude_device:
    description: Leave out every IRQ (queues and management vector) of this network interface.
    type: str
  exclude_match:
    description: Leave out IRQs whose action name matches any of these regular expressions (as for I(match)).
    type: list
    elements: raw
    default: []
  mode:
    description: C(all) pins each IRQ to the whole set; C(spread) gives each IRQ one CPU, round-robin.
    type: str
    choices: [all, spread]
    default: all
  default_affinity:
    description: Also write the set to C(/proc/irq/default_smp_affinity).
    type: bool
    default: false
  strict:
    description: Fail when the kernel refuses to move a selected IRQ.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: One NIC queue per IRQ CPU
  lowlat.trading.irq_affinity:
    device: eth0
    cpus: "{{ lowlat_plan.irq }}"
    mode: spread

- name: Everything else to housekeeping, also for IRQs registered later
  lowlat.trading.irq_affinity:
    all: true
    exclude_device: eth0
    cpus: "{{ lowlat_plan.housekeeping }}"
    default_affinity: true
"""

RETURN = r"""
irqs:
  description: One entry per selected IRQ.
  returned: always
  type: list
  elements: dict
  contains:
    irq:
      description: IRQ number.
      type: int
    name:
      description: Action name from /proc/interrupts.
      type: str
    before:
      description: Affinity before (cpulist).
      type: str
    wanted:
      description: Wanted affinity (cpulist).
      type: str
    after:
      description: Affinity read back after the write.
      type: str
    changed:
      description: Whether this IRQ was moved.
      type: bool
    error:
      description: Why the kernel refused to move it; null when it moved or needed no move.
      type: str
changed_irqs:
  description: Numbers of the IRQs that were moved.
  returned: always
  type: list
  elements: int
refused_irqs:
  description: Numbers of the IRQs the kernel refused to move.
  returned: always
  type: list
  elements: int
default_affinity:
  description: Before and after of /proc/irq/default_smp_affinity, when managed.
  returned: when default_affinity is true
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import format_cpulist, parse_cpulist
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.input_checks import InputError
from ansible_collections.lowlat.trading.plugins.module_utils.interrupts import read_irqs
from ansible_collections.lowlat.trading.plugins.module_utils.irq_inputs import irq_inputs
from ansible_collections.lowlat.trading.plugins.module_utils.irq_pinning import (
    apply,
    select,
    set_default_affinity,
    targets,
)
from ansible_collections.lowlat.trading.plugins.module_utils.topology import read_nic


def _device_irqs(module, fs, irqs, name, queues_only):
    nic = read_nic(fs, name, irqs)
    if nic is None:
        module.fail_json(msg=f"network interface {name} not found under /sys/class/net")
    chosen = [q.irq for q in nic.queue_irqs]
    if not queues_only:
        chosen += [o.irq for o in nic.other_irqs]
    return chosen


def main():
    module = AnsibleModule(
        argument_spec={
            "root": {"type": "path", "default": "/"},
            "cpus": {"type": "raw", "required": True},
            "device": {"type": "str"},
            "match": {"type": "list", "elements": "raw", "default": []},
            "irqs": {"type": "list", "elements": "raw", "default": []},
            "all": {"type": "bool", "default": False},
            "exclude_device": {"type": "str"},
            "exclude_match": {"type": "list", "elements": "raw", "default": []},
            "mode": {"type": "str", "choices": ["all", "spread"], "default": "all"},
            "default_affinity": {"type": "bool", "default": False},
            "strict": {"type": "bool", "default": False},
        },
        required_one_of=[("device", "match", "irqs", "all")],
        supports_check_mode=True,
    )
    try:
        p = {**module.params, **irq_inputs(module.params)}
    except InputError as err:
        module.fail_json(msg=str(err))
    cpus = p["cpus"]
    fs = HostFS(p["root"])
    online = parse_cpulist(fs.read("/sys/devices/system/cpu/online", default="") or "")
    absent = [c for c in cpus if online and c not in online]
    if absent:
        module.fail_json(
            msg=f"CPU(s) {format_cpulist(absent)} are not online (online: {format_cpulist(online)})"
        )

    irqs = read_irqs(fs)
    numbers = list(p["irqs"])
    if p["device"]:
        numbers += _device_irqs(module, fs, irqs, p["device"], queues_only=True)
    exclude = (
        _device_irqs(module, fs, irqs, p["exclude_device"], queues_only=False) if p["exclude_device"] else []
    )
    chosen = select(irqs, numbers, p["match"], exclude, p["exclude_match"], everything=p["all"])
    report = apply(fs, irqs, targets(irqs, chosen, cpus, p["mode"]), module.check_mode)

    result = {
        "irqs": report,
        "changed_irqs": [r["irq"] for r in report if r["changed"]],
        "refused_irqs": [r["irq"] for r in report if r["error"]],
    }
    changed = bool(result["changed_irqs"])
    if p["default_affinity"]:
        result["default_affinity"] = set_default_affinity(fs, cpus, module.check_mode)
        changed = changed or result["default_affinity"]["changed"]
    if module._diff:
        result["diff"] = {
            "before": "".join(f"{r['irq']} {r['name']}: {r['before']}\n" for r in report if r["changed"]),
            "after": "".join(f"{r['irq']} {r['name']}: {r['wanted']}\n" for r in report if r["changed"]),
        }
    if p["strict"] and result["refused_irqs"]:
        refused = ", ".join(f"{r['irq']} ({r['name']}: {r['error']})" for r in report if r["error"])
        module.fail_json(msg=f"the kernel refused to move IRQ(s) {refused}", changed=changed, **result)
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
