#!/usr/bin/python
"""Compute the host's one CPU plan from its real topology and the policy."""

from __future__ import annotations

DOCUMENTATION = r"""
module: cpu_plan
short_description: Compute the CPU, IRQ, NUMA and hugepage plan for a trading host
description:
  - Reads the host's topology (online CPUs, SMT siblings, NUMA nodes and memory, the NIC's node and
    queue IRQs, hugepage sizes) and applies the policy to produce ONE plan.
  - Every lowlat role reads the plan from the C(lowlat_plan) fact; none recomputes it.
  - A bad policy value (wrong type, out of range, unknown option, an option the chosen mode ignores, an
    empty CPU set) fails with C(invalid policy:) and a message naming the option, the value given and
    what to give, before the topology is read. Strings are coerced as Ansible does (C(yes)/C(no) for
    booleans, digit strings for whole numbers). See docs/planner.md, Validation.
  - A policy this host cannot satisfy fails with C(impossible CPU plan:) and a message saying what to
    change, before anything is changed.
  - Changes nothing on the host.
version_added: "0.1.0"
author: lowlat maintainers (!UNKNOWN)
extends_documentation_fragment:
  - lowlat.trading.hostfs
  - lowlat.trading.attributes
options:
  nic:
    description: The trading NIC. Default is the default-route interface, else the first physical one.
    type: str
  policy:
    description:
      - Planner policy. Keys (all optional; a null value is the key's default; an unknown key is refused)
      - C(housekeeping) C(auto) (one full core per NUMA node) or a cpulist;
        C(housekeeping_cores_per_node) (default 1; only with C(housekeeping=auto)).
      - C(irq_mode) C(auto), C(dedicated) or C(housekeeping); C(irq_cpus) C(auto) or a cpulist (implies
        dedicated); C(irq_cores) dedicated cores on the NIC's node (default 1; not with C(irq_cpus) or
        C(irq_mode=housekeeping)).
      - C(isolated) C(auto) (everything else) or a cpulist. An explicit CPU set is never empty.
      - C(engine_cpus) C(auto) (isolated CPUs on the NIC's node) or a cpulist; C(engine_cpu_count) (0 = all).
      - C(smt) C(use_siblings), C(idle_sibling) or C(require_off); C(allow_sibling_split) (default false).
      - C(nic_numa_node) C(auto) or a node id.
      - C(hugepages_2m), C(hugepages_1g) pages per node; C(hugepages_nodes) C(nic), C(all) or a list;
        C(hugepages_max_share) of each node's memory (default 0.5).
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Plan the host
  lowlat.trading.cpu_plan:
    policy:
      smt: idle_sibling
      hugepages_2m: 1024

- name: Show where the engine runs
  ansible.builtin.debug:
    msg: "engine on {{ lowlat_plan.engine }}, IRQs on {{ lowlat_plan.irq }}"
"""

RETURN = r"""
plan:
  description: The plan (also set as the fact C(lowlat_plan)). CPU sets are cpulist strings.
  returned: success
  type: dict
  contains:
    housekeeping:
      description: CPUs for the kernel and system services.
      type: str
      sample: "0,36"
    irq:
      description: CPUs that take the NIC's queue IRQs.
      type: str
      sample: "1,37"
    isolated:
      description: CPUs removed from the scheduler (isolcpus, nohz_full, rcu_nocbs).
      type: str
    engine:
      description: Isolated CPUs on the NIC's node for the trading engine.
      type: str
    idle_siblings:
      description: SMT siblings kept idle when smt is idle_sibling.
      type: str
    irq_mode:
      description: C(dedicated) or C(housekeeping).
      type: str
    masks:
      description: The same sets as comma-grouped hex masks.
      type: dict
    numa_node:
      description: The NIC's NUMA node.
      type: int
    nic:
      description: NIC name, driver, node and queue IRQ numbers.
      type: dict
    hugepages:
      description: List of node, size_kb and count entries.
      type: list
    topology:
      description: Instance type, fixture name when a fixture tree was read, nodes and cores.
      type: dict
    notes:
      description: Decisions the planner made that the user should know about.
      type: list
ansible_facts:
  description: C(lowlat_plan).
  returned: success
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.planner import PlanError, make_plan
from ansible_collections.lowlat.trading.plugins.module_utils.policy import PolicyError, validate_policy
from ansible_collections.lowlat.trading.plugins.module_utils.topology import read_topology


def main():
    module = AnsibleModule(
        argument_spec={
            "root": {"type": "path", "default": "/"},
            "nic": {"type": "str"},
            "policy": {"type": "dict", "default": {}},
        },
        supports_check_mode=True,
    )
    try:
        policy = validate_policy(module.params["policy"])
    except PolicyError as err:
        module.fail_json(msg=f"invalid policy: {err}")
    fs = HostFS(module.params["root"])
    topo = read_topology(fs, module.params["nic"])
    if module.params["nic"] and topo.nic is None:
        module.fail_json(msg=f"NIC {module.params['nic']} not found under /sys/class/net")
    try:
        plan = make_plan(topo, policy)
    except PlanError as err:
        module.fail_json(msg=f"impossible CPU plan: {err}", topology=topo.as_dict())
    module.exit_json(changed=False, plan=plan, ansible_facts={"lowlat_plan": plan})


if __name__ == "__main__":
    main()
