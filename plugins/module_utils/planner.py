"""The CPU plan: one pure function from a host's topology and a policy to the plan every role reads.

Nothing here touches the host. The policy is checked first (policy.validate_policy: types, ranges, names,
modes); what only the topology can refuse is checked here. Both raise PlanError (the policy's PolicyError
is one) with a message saying what to change.
"""

from __future__ import annotations

from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import format_cpulist, format_mask
from ansible_collections.lowlat.trading.plugins.module_utils.plan_contract import (
    PLAN_VERSION,
    Plan,
    PlanHugepages,
    PlanNic,
    PlanTopology,
)
from ansible_collections.lowlat.trading.plugins.module_utils.plan_error import PlanError
from ansible_collections.lowlat.trading.plugins.module_utils.policy import (
    AUTO,
    Policy,
    PolicyError,
    validate_policy,
)
from ansible_collections.lowlat.trading.plugins.module_utils.topology import Topology

__all__ = ["PLAN_VERSION", "PlanError", "Policy", "PolicyError", "make_plan"]

HUGEPAGE_KB = {"2M": 2048, "1G": 1048576}
# Below this many cores on the NIC's node, auto IRQ mode shares the housekeeping core instead of
# taking a dedicated one (a c5n.xlarge would otherwise have nothing left to isolate).
DEDICATED_IRQ_MIN_CORES = 4


def _explicit(topo: Topology, what: str, cpus: list[int]) -> list[int]:
    missing = [c for c in cpus if c not in topo.cpus]
    if missing:
        raise PlanError(
            f"{what} CPU(s) {format_cpulist(missing)} do not exist or are offline on this host "
            f"(online: {format_cpulist(topo.online)}); pick CPUs from the online set"
        )
    return cpus


def _cores_on_node(topo: Topology, node: int) -> list[list[int]]:
    return [core for core in topo.cores if topo.node_of(core[0]) == node]


def _nic_node(topo: Topology, policy: Policy, notes: list[str]) -> int:
    if policy.nic_numa_node != AUTO:
        node = policy.nic_numa_node
        if node not in topo.nodes:
            raise PlanError(
                f"nic_numa_node {node!r} is not a NUMA node of this host (nodes: {sorted(topo.nodes)})"
            )
        return node
    if topo.nic is not None and topo.nic.numa_node in topo.nodes:
        return topo.nic.numa_node
    first = min(topo.nodes)
    what = f"NIC {topo.nic.name}" if topo.nic else "no NIC was found; the plan"
    if len(topo.nodes) > 1:
        notes.append(f"{what} reports no NUMA node; assumed node {first} (set nic_numa_node to override)")
    return first


def _auto_housekeeping(topo: Topology, policy: Policy) -> list[int]:
    cpus: list[int] = []
    for node in sorted(topo.nodes):
        for core in _cores_on_node(topo, node)[: policy.housekeeping_cores_per_node]:
            cpus.extend(core)
    return sorted(cpus)


def _irq_set(topo: Topology, policy: Policy, nic_node: int, housekeeping: list[int]) -> tuple[str, list[int]]:
    if policy.irq_cpus != AUTO:
        return "dedicated", _explicit(topo, "irq_cpus", policy.irq_cpus)
    mode = policy.irq_mode
    node_cores = _cores_on_node(topo, nic_node)
    if mode == "auto":
        mode = "dedicated" if len(node_cores) >= DEDICATED_IRQ_MIN_CORES else "housekeeping"
    if mode == "housekeeping":
        on_node = [c for c in housekeeping if topo.node_of(c) == nic_node]
        return mode, on_node or list(housekeeping)
    free = [core for core in node_cores if not set(core) & set(housekeeping)]
    if len(free) < policy.irq_cores:
        raise PlanError(
            f"irq_mode dedicated needs {policy.irq_cores} free core(s) on the NIC's NUMA node {nic_node}, "
            f"but only {len(free)} remain after housekeeping; lower irq_cores or use irq_mode housekeeping"
        )
    return mode, sorted(c for core in free[: policy.irq_cores] for c in core)


def _check_siblings(topo: Topology, sets: dict[str, list[int]]) -> None:
    owner = {cpu: name for name, cpus in sets.items() for cpu in cpus}
    for core in topo.cores:
        names = {owner.get(cpu) for cpu in core}
        if len(names) > 1:
            detail = ", ".join(f"CPU {cpu} in {owner.get(cpu) or 'no set'}" for cpu in core)
            raise PlanError(
                f"SMT siblings {format_cpulist(core)} are split across sets ({detail}); keep each core's "
                f"threads in one set, or set allow_sibling_split to accept the noise"
            )


def _engine_cpus(topo: Topology, policy: Policy, isolated: list[int], nic_node: int):
    if policy.engine_cpus != AUTO:
        engine = _explicit(topo, "engine_cpus", policy.engine_cpus)
        outside = [c for c in engine if c not in isolated]
        if outside:
            raise PlanError(
                f"engine CPU(s) {format_cpulist(outside)} are not in the isolated set "
                f"{format_cpulist(isolated)}; the engine must run on isolated CPUs"
            )
        far = [c for c in engine if topo.node_of(c) != nic_node]
        if far:
            raise PlanError(
                f"engine CPU(s) {format_cpulist(far)} are on NUMA node {topo.node_of(far[0])} but the NIC is on "
                f"node {nic_node}; choose isolated CPUs on node {nic_node}"
            )
        if policy.smt == "idle_sibling":
            for core in topo.cores:
                both = [c for c in core if c in engine]
                if len(both) > 1:
                    raise PlanError(
                        f"engine CPUs {format_cpulist(both)} are SMT siblings but smt is idle_sibling; "
                        f"keep one thread per core or use smt use_siblings"
                    )
    else:
        engine = [c for c in isolated if topo.node_of(c) == nic_node]
        if policy.smt == "idle_sibling":
            engine = [c for c in engine if c == min(x for x in topo.siblings_of(c) if x in isolated)]
    if policy.engine_cpu_count:
        if policy.engine_cpu_count > len(engine):
            raise PlanError(
                f"engine_cpu_count {policy.engine_cpu_count} is more than the {len(engine)} usable isolated "
                f"CPU(s) on the NIC's node {nic_node} ({format_cpulist(engine)}); lower it or isolate more CPUs"
            )
        engine = engine[: policy.engine_cpu_count]
    idle = []
    if policy.smt == "idle_sibling":
        idle = sorted(s for c in engine for s in topo.siblings_of(c) if s != c and s in isolated)
    return sorted(engine), idle


def _hugepages(topo: Topology, policy: Policy, nic_node: int) -> list[dict]:
    wanted = {
        size: count for size, count in (("2M", policy.hugepages_2m), ("1G", policy.hugepages_1g)) if count
    }
    if not wanted:
        return []
    if "1G" in wanted and not topo.supports_1g_pages:
        raise PlanError(
            "1G hugepages requested but this CPU does not support them (no pdpe1gb flag); "
            "use hugepages_2m instead"
        )
    for size in wanted:
        if HUGEPAGE_KB[size] not in topo.hugepage_sizes_kb:
            offered = ", ".join(f"{kb}kB" for kb in topo.hugepage_sizes_kb) or "none"
            raise PlanError(f"the kernel offers no {size} hugepages (offered: {offered}); use another size")
    if policy.hugepages_nodes == "nic":
        nodes = [nic_node]
    elif policy.hugepages_nodes == "all":
        nodes = sorted(topo.nodes)
    else:
        nodes = policy.hugepages_nodes
        unknown = [n for n in nodes if n not in topo.nodes]
        if unknown:
            raise PlanError(
                f"hugepages_nodes {unknown} are not NUMA nodes of this host (nodes: {sorted(topo.nodes)})"
            )
    result = []
    for node in nodes:
        mem_kb = topo.nodes[node]["mem_total_kb"]
        total_kb = sum(HUGEPAGE_KB[size] * count for size, count in wanted.items())
        budget_kb = int(mem_kb * policy.hugepages_max_share)
        if total_kb > budget_kb:
            raise PlanError(
                f"hugepages on NUMA node {node} would take {total_kb // 1024} MiB, over the "
                f"{policy.hugepages_max_share:.0%} budget ({budget_kb // 1024} MiB) of its "
                f"{mem_kb // 1024} MiB; lower hugepages_2m/hugepages_1g or raise hugepages_max_share"
            )
        result.extend(
            {"node": node, "size_kb": HUGEPAGE_KB[size], "count": count} for size, count in wanted.items()
        )
    return result


def make_plan(topo: Topology, policy: Policy | dict | None = None) -> dict:
    """Return the plan for `topo` under `policy`, or raise PlanError (PolicyError for a bad policy)."""
    policy = validate_policy(policy)
    notes: list[str] = []
    if policy.smt == "require_off" and topo.smt_active:
        raise PlanError(
            "smt is require_off but SMT is active on this host; set threads_per_core = 1 in its Terraform host "
            "group (terraform/modules/trading_hosts) to launch it with one thread per core, or disable SMT "
            "(boot with nosmt, the only way on c5n.metal), or use smt use_siblings / idle_sibling"
        )
    nic_node = _nic_node(topo, policy, notes)

    if policy.housekeeping == AUTO:
        housekeeping = _auto_housekeeping(topo, policy)
    else:
        housekeeping = _explicit(topo, "housekeeping", policy.housekeeping)
    if not housekeeping:
        raise PlanError("the housekeeping set is empty; the kernel and system services need at least one CPU")

    irq_mode, irq = _irq_set(topo, policy, nic_node, housekeeping)
    if irq_mode == "dedicated":
        shared = sorted(set(irq) & set(housekeeping))
        if shared:
            raise PlanError(
                f"CPU(s) {format_cpulist(shared)} are both housekeeping and dedicated IRQ CPUs; "
                f"give them to one set, or drop irq_cpus and use irq_mode housekeeping"
            )
    taken = set(housekeeping) | set(irq)

    if policy.isolated == AUTO:
        isolated = [c for c in topo.online if c not in taken]
    else:
        isolated = _explicit(topo, "isolated", policy.isolated)
        clash = sorted(set(isolated) & set(irq))
        if clash:
            raise PlanError(
                f"IRQ CPU(s) {format_cpulist(clash)} are inside the isolated set; IRQs must land outside it: "
                f"remove them from isolated or pick other irq_cpus"
            )
        clash = sorted(set(isolated) & set(housekeeping))
        if clash:
            raise PlanError(
                f"CPU(s) {format_cpulist(clash)} are both housekeeping and isolated; give them to one set"
            )
        leftover = [c for c in topo.online if c not in taken and c not in isolated]
        if leftover:
            housekeeping = sorted(set(housekeeping) | set(leftover))
            notes.append(f"CPU(s) {format_cpulist(leftover)} were in no set and were added to housekeeping")
    if not isolated:
        raise PlanError(
            f"nothing is left to isolate: housekeeping {format_cpulist(housekeeping)} and IRQ CPUs "
            f"{format_cpulist(irq)} take all {len(topo.online)} online CPU(s); use a larger instance, or on a "
            f"small one the minimal policy (housekeeping: '0', irq_mode: housekeeping, allow_sibling_split: true)"
        )
    if 0 in isolated:
        raise PlanError("CPU 0 is the boot CPU and cannot be nohz_full/isolated; keep it in housekeeping")
    if not policy.allow_sibling_split:
        _check_siblings(topo, {"housekeeping": housekeeping, "irq": irq, "isolated": isolated})
    if not any(topo.node_of(c) == nic_node for c in isolated):
        raise PlanError(
            f"the NIC's NUMA node {nic_node} has no isolated CPUs left for the engine; move housekeeping or "
            f"IRQ CPUs off node {nic_node} or isolate CPUs there"
        )
    engine, idle = _engine_cpus(topo, policy, isolated, nic_node)
    hugepages = _hugepages(topo, policy, nic_node)

    nr_cpus = max(topo.online + topo.offline) + 1
    sets = {"housekeeping": housekeeping, "irq": irq, "isolated": isolated, "engine": engine}
    masks = {name: format_mask(cpus, nr_cpus) for name, cpus in sets.items()}
    return Plan(
        version=PLAN_VERSION,
        online=format_cpulist(topo.online),
        nr_cpus=nr_cpus,
        housekeeping=format_cpulist(housekeeping),
        irq=format_cpulist(irq),
        isolated=format_cpulist(isolated),
        engine=format_cpulist(engine),
        idle_siblings=format_cpulist(idle),
        irq_mode=irq_mode,
        masks=masks,
        numa_node=nic_node,
        nic=_nic_summary(topo),
        hugepages=[PlanHugepages(**entry) for entry in hugepages],
        smt=policy.smt,
        smt_active=topo.smt_active,
        topology=PlanTopology(
            instance_type=topo.instance_type,
            fixture=topo.fixture,
            nodes=len(topo.nodes),
            cores=len(topo.cores),
            threads_per_core=max((len(c) for c in topo.cores), default=1),
        ),
        notes=notes,
    ).as_dict()


def _nic_summary(topo: Topology) -> PlanNic | None:
    if topo.nic is None:
        return None
    return PlanNic(
        name=topo.nic.name,
        driver=topo.nic.driver,
        numa_node=topo.nic.numa_node,
        queue_irqs=[q.irq for q in topo.nic.queue_irqs],
        queues=len({q.queue for q in topo.nic.queue_irqs}),
    )
