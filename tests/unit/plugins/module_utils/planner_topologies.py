"""Build Topology objects directly (no files) for property tests of the planner.

The layout follows the c5n fixture trees: core c sits on node c // cores_per_node and thread t of core c
is vCPU c + t * cores. test_planner checks this builder against read_topology on the generated shapes.
"""

from __future__ import annotations

from ansible_collections.lowlat.trading.plugins.module_utils.topology import Nic, NicIrq, Topology


def build_topology(
    nodes: int,
    cores_per_node: int,
    threads: int,
    offline_cores: set[int] | frozenset[int] = frozenset(),
    nic_node: int = 0,
    mem_kb_per_node: int = 4 * 1024 * 1024,
    queues: int = 4,
) -> Topology:
    total = nodes * cores_per_node
    if 0 in offline_cores:
        raise ValueError("core 0 (CPU 0) cannot be offline")
    cpus: dict[int, dict[str, int]] = {}
    cores: list[list[int]] = []
    offline: list[int] = []
    for core in range(total):
        node = core // cores_per_node
        threads_of = [core + t * total for t in range(threads)]
        if core in offline_cores:
            offline.extend(threads_of)
            continue
        cores.append(threads_of)
        for cpu in threads_of:
            cpus[cpu] = {"core": core, "package": node, "node": node}
    online = sorted(cpus)
    node_ids = sorted({info["node"] for info in cpus.values()})
    topo_nodes = {
        n: {"cpus": [c for c in online if cpus[c]["node"] == n], "mem_total_kb": mem_kb_per_node}
        for n in node_ids
    }
    # read_topology: a NIC on a node with no online CPUs keeps its node unless the host has one node only
    nic_numa = nic_node if nic_node in topo_nodes or len(node_ids) > 1 else node_ids[0]
    nic = Nic(
        name="eth0",
        driver="ena",
        numa_node=nic_numa,
        pci_address="0000:00:05.0",
        queue_irqs=[NicIrq(irq=25 + q, name=f"eth0-Tx-Rx-{q}", queue=q) for q in range(queues)],
        other_irqs=[NicIrq(irq=24, name="ena-mgmnt@pci:0000:00:05.0", queue=None)],
    )
    return Topology(
        online=online,
        offline=sorted(offline),
        cpus=cpus,
        cores=sorted(cores, key=lambda c: c[0]),
        nodes=topo_nodes,
        smt_active=threads > 1,
        hugepage_sizes_kb=[2048, 1048576],
        supports_1g_pages=True,
        nic=nic,
        instance_type="test",
        fixture="built",
    )
