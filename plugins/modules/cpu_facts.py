#!/usr/bin/python
"""Gather the host's topology and current tuning state as facts."""

from __future__ import annotations

DOCUMENTATION = r"""
module: cpu_facts
short_description: Topology and current latency-tuning state of a host
description:
  - Returns the topology (CPUs, SMT siblings, NUMA nodes and memory, hugepage sizes, the NIC, its
    NUMA node, driver and queue IRQs) and the current tuning state (boot command line, isolated and
    nohz_full CPUs, every IRQ's affinity, hugepages per node and size, THP, governor, idle states,
    irqbalance, clocksource, NIC queues/coalescing/rings, ENA allowance counters, latency sysctls,
    systemd CPUAffinity, chrony offset).
  - Structured for the audit to compare with the plan. Changes nothing.
  - When I(root) points at a fixture tree, C(lowlat_topology.fixture) names the shape it stands in for.
version_added: "0.1.0"
author: lowlat maintainers (!UNKNOWN)
extends_documentation_fragment:
  - lowlat.trading.hostfs
  - lowlat.trading.attributes
options:
  nic:
    description: The trading NIC. Default is the default-route interface, else the first physical one.
    type: str
  gather_state:
    description: Also read the tuning state (not only the topology).
    type: bool
    default: true
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Read topology and tuning state
  lowlat.trading.cpu_facts:

- name: Show the isolated CPUs the running kernel has
  ansible.builtin.debug:
    var: lowlat_state.isolated
"""

RETURN = r"""
ansible_facts:
  description: C(lowlat_topology) and (with I(gather_state)) C(lowlat_state).
  returned: always
  type: dict
  contains:
    lowlat_topology:
      description: online/offline CPUs, cpus, cores (sibling groups), nodes, smt_active, hugepage sizes,
        supports_1g_pages, nic, instance_type, fixture.
      type: dict
    lowlat_state:
      description: The current tuning state; see the module description for its parts.
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.tool_runner import tool_runner
from ansible_collections.lowlat.trading.plugins.module_utils.topology import read_topology
from ansible_collections.lowlat.trading.plugins.module_utils.tuning_state import read_state


def main():
    module = AnsibleModule(
        argument_spec={
            "root": {"type": "path", "default": "/"},
            "nic": {"type": "str"},
            "gather_state": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    fs = HostFS(module.params["root"])
    topo = read_topology(fs, module.params["nic"])
    facts = {"lowlat_topology": topo.as_dict()}
    if module.params["gather_state"]:
        runner = tool_runner(module)

        facts["lowlat_state"] = read_state(fs, topo, runner)
    module.exit_json(changed=False, ansible_facts=facts)


if __name__ == "__main__":
    main()
