#!/usr/bin/python
"""Apply the plan's IRQ policy in one call: the code lowlat-irq-pin runs at boot."""

from __future__ import annotations

DOCUMENTATION = r"""
module: irq_policy
short_description: Apply the plan's IRQ policy (NIC queues to the IRQ CPUs, the rest to housekeeping)
description:
  - Pins the NIC's queue IRQs to I(irq_cpus) (C(spread) puts queue k on the k-th CPU, C(all) every queue on
    the whole set), every other IRQ to I(housekeeping_cpus) (minus I(exclude_match) and the NIC's own
    vectors), and C(/proc/irq/default_smp_affinity) to I(housekeeping_cpus) for IRQs registered later.
  - The same function (module_utils/irq_policy.py C(pin_plan)) as lowlat-irq-pin, which the irq_affinity
    role installs for boot, NIC re-registration and its repair timer, so converge and boot cannot differ.
  - Idempotent, an IRQ already on its CPUs is left alone; reports before and after per IRQ. IRQs the kernel
    refuses to move (managed IRQs answer EIO) are reported, not fatal, unless I(strict) and a NIC queue IRQ.
  - Every input is checked before anything is read or written (CPU lists, patterns, the interface name);
    CPUs that are not online and an absent NIC fail with what to do.
version_added: "0.2.0"
author: lowlat maintainers (!UNKNOWN)
extends_documentation_fragment:
  - lowlat.trading.hostfs
  - lowlat.trading.attributes
options:
  irq_cpus:
    description: The plan's IRQ CPUs (cpulist syntax, a CPU id or a list); required when I(nic) is set.
    type: raw
  housekeeping_cpus:
    description: The plan's housekeeping CPUs (non-empty).
    type: raw
    required: true
  nic:
    description: The NIC whose queue IRQs go to I(irq_cpus); none leaves only the housekeeping part.
    type: str
  nic_mode:
    description: C(spread) gives each queue IRQ one CPU round-robin; C(all) pins each to the whole set.
    type: str
    choices: [all, spread]
    default: spread
  others:
    description: Pin every IRQ but the NIC's to I(housekeeping_cpus).
    type: bool
    default: true
  exclude_match:
    description: Leave out IRQs whose action name matches any of these regular expressions (Python C(re)).
    type: list
    elements: raw
    default: []
  default_affinity:
    description: Also write I(housekeeping_cpus) to C(/proc/irq/default_smp_affinity).
    type: bool
    default: true
  strict:
    description: Fail when the kernel refuses to move a NIC queue IRQ.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Apply the plan's IRQ policy
  lowlat.trading.irq_policy:
    nic: "{{ lowlat_plan.nic.name }}"
    irq_cpus: "{{ lowlat_plan.irq }}"
    housekeeping_cpus: "{{ lowlat_plan.housekeeping }}"
    exclude_match: ['^nvme']
"""

RETURN = r"""
queues:
  description: The NIC's queue IRQs, one entry each (irq, name, before, wanted, after, changed, error).
  returned: always
  type: list
  elements: dict
others:
  description: Every other IRQ pinned to housekeeping, entries as for queues.
  returned: always
  type: list
  elements: dict
default_affinity:
  description: Before and after of /proc/irq/default_smp_affinity.
  returned: when default_affinity is true
  type: dict
changed_irqs:
  description: Numbers of the IRQs that were moved (or would be, in check mode).
  returned: always
  type: list
  elements: int
nic_refused:
  description: NIC queue IRQs the kernel refused to move.
  returned: always
  type: list
  elements: int
other_refused:
  description: Other IRQs the kernel refused to move (left where they are).
  returned: always
  type: list
  elements: int
summary:
  description: The result in a few lines, as lowlat-irq-pin prints it.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.input_checks import InputError, cpu_list
from ansible_collections.lowlat.trading.plugins.module_utils.irq_inputs import interface, patterns
from ansible_collections.lowlat.trading.plugins.module_utils.irq_policy import (
    PinError,
    changed,
    pin_plan,
    refused,
    summary,
)


def _inputs(params: dict) -> dict:
    nic = interface("nic", params["nic"])
    return {
        "nic": nic,
        "housekeeping": cpu_list("housekeeping_cpus", params["housekeeping_cpus"]),
        "irq_cpus": cpu_list("irq_cpus", params["irq_cpus"]) if nic else [],
        "exclude_match": patterns("exclude_match", params["exclude_match"]),
    }


def main():
    module = AnsibleModule(
        argument_spec={
            "root": {"type": "path", "default": "/"},
            "irq_cpus": {"type": "raw"},
            "housekeeping_cpus": {"type": "raw", "required": True},
            "nic": {"type": "str"},
            "nic_mode": {"type": "str", "choices": ["all", "spread"], "default": "spread"},
            "others": {"type": "bool", "default": True},
            "exclude_match": {"type": "list", "elements": "raw", "default": []},
            "default_affinity": {"type": "bool", "default": True},
            "strict": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    p = module.params
    try:
        inputs = _inputs(p)
        report = pin_plan(
            HostFS(p["root"]),
            inputs["irq_cpus"],
            inputs["housekeeping"],
            nic=inputs["nic"],
            nic_mode=p["nic_mode"],
            others=p["others"],
            exclude_match=inputs["exclude_match"],
            default_affinity=p["default_affinity"],
            require_nic=True,
            check=module.check_mode,
        )
    except (InputError, PinError) as err:
        module.fail_json(msg=str(err))
    for warning in report["warnings"]:
        module.warn(warning)
    moved = [e for e in report["queues"] + report["others"] if e["changed"]]
    result = {
        "queues": report["queues"],
        "others": report["others"],
        "changed_irqs": [e["irq"] for e in moved],
        "nic_refused": refused(report, "queues"),
        "other_refused": refused(report, "others"),
        "summary": summary(report, module.check_mode),
    }
    if "default_affinity" in report:
        result["default_affinity"] = report["default_affinity"]
    if module._diff:
        result["diff"] = {
            "before": "".join(f"{e['irq']} {e['name']}: {e['before']}\n" for e in moved),
            "after": "".join(f"{e['irq']} {e['name']}: {e['wanted']}\n" for e in moved),
        }
    if p["strict"] and result["nic_refused"]:
        denied = ", ".join(f"{e['irq']} ({e['name']}: {e['error']})" for e in report["queues"] if e["error"])
        module.fail_json(
            msg=f"the kernel refused to move NIC queue IRQ(s) {denied}", changed=changed(report), **result
        )
    module.exit_json(changed=changed(report), **result)


if __name__ == "__main__":
    main()
