"""A topology built from an EC2 instance type's CPU shape, so the planner can preflight a policy on the
controller before connecting to the host. The host's real topology still decides the final plan."""

from __future__ import annotations

from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import MAX_CPUS
from ansible_collections.lowlat.trading.plugins.module_utils.topology import Nic, Topology

# DescribeInstanceTypes gives vCPUs, cores and threads per core but not sockets; the two-socket
# c5n sizes are these.
TWO_SOCKET_TYPES = frozenset({"c5n.18xlarge", "c5n.metal"})
HUGEPAGE_SIZES_KB = [2048, 1048576]


def _option(options: dict, ec2_name: str, inventory_name: str):
    value = options.get(ec2_name, options.get(inventory_name))
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(
            f"ec2_cpu_options {inventory_name} must be a whole number of at least 1, got {value!r}"
        )
    return value


def launched_shape(shape: dict, cpu_options: dict | None) -> dict | None:
    """`shape` as the instance was launched with its EC2 CpuOptions (the inventory's ec2_cpu_options,
    CoreCount/ThreadsPerCore or core_count/threads_per_core), or None when they are unknown or do not
    apply: bare metal takes no CPU options, so there only the host's own topology tells SMT."""
    if cpu_options is not None and not isinstance(cpu_options, dict):
        raise ValueError(f"ec2_cpu_options must be a dict, got {type(cpu_options).__name__}")
    options = cpu_options or {}
    threads = _option(options, "ThreadsPerCore", "threads_per_core")
    cores = _option(options, "CoreCount", "core_count") or int(shape["cores"])
    bare_metal = shape.get("bare_metal") or str(shape.get("instance_type") or "").endswith(".metal")
    if threads is None or bare_metal:
        return None
    return {**shape, "cores": cores, "threads_per_core": threads, "vcpus": cores * threads}


def topology_from_shape(shape: dict) -> Topology:
    """shape: {vcpus, cores, threads_per_core, instance_type?, memory_mib?, nodes?}.

    vCPUs are numbered as EC2 does: thread t of core c is vCPU c + t * cores, and on two-socket
    sizes the first half of the cores sit on node 0.
    """
    cores = int(shape["cores"])
    threads = int(shape.get("threads_per_core") or 1)
    if cores < 1 or threads < 1 or int(shape.get("vcpus", cores * threads)) != cores * threads:
        raise ValueError(f"inconsistent CPU shape {shape}: vcpus must equal cores x threads_per_core")
    if cores * threads > MAX_CPUS:
        raise ValueError(f"CPU shape {shape} has more than {MAX_CPUS} vCPUs, the kernel's largest NR_CPUS")
    nodes = int(shape.get("nodes") or (2 if shape.get("instance_type") in TWO_SOCKET_TYPES else 1))
    per_node = max(1, cores // nodes)
    cpus, groups = {}, []
    for core in range(cores):
        siblings = [core + t * cores for t in range(threads)]
        groups.append(siblings)
        for cpu in siblings:
            cpus[cpu] = {
                "core": core,
                "package": min(core // per_node, nodes - 1),
                "node": min(core // per_node, nodes - 1),
            }
    online = sorted(cpus)
    mem_kb = int(shape.get("memory_mib") or 0) * 1024
    node_ids = sorted({c["node"] for c in cpus.values()})
    return Topology(
        online=online,
        offline=[],
        cpus=cpus,
        cores=groups,
        nodes={
            n: {"cpus": [c for c in online if cpus[c]["node"] == n], "mem_total_kb": mem_kb // len(node_ids)}
            for n in node_ids
        },
        smt_active=threads > 1,
        hugepage_sizes_kb=list(HUGEPAGE_SIZES_KB),
        supports_1g_pages=True,
        nic=Nic(
            name="eth0",
            driver="ena" if shape.get("ena_support", "required") != "unsupported" else None,
            numa_node=0,
            pci_address=None,
        ),
        instance_type=shape.get("instance_type"),
        fixture=None,
    )
