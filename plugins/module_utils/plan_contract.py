"""The plan every role reads (lowlat_plan, /etc/lowlat/plan.json): a typed, versioned contract.

The planner builds a ``Plan`` and hands it on as a dict (``as_dict``: facts and JSON carry plain data);
a role's preflight reads the dict back through ``Plan.from_dict`` (filter ``plan_problem``), so a plan
of another contract version, a field missing or of the wrong type, or a malformed CPU list is refused
before the role changes anything, with what to do. ``PLAN_VERSION`` changes whenever a field is added,
removed or changes meaning; the plan role records the version it wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import (
    CpuListError,
    parse_cpulist,
    parse_mask,
)

PLAN_VERSION = 1
RERUN = "run playbooks/tune.yml (or the lowlat.trading.plan role) on this host to compute and record the plan anew"


class PlanContractError(ValueError):
    pass


def _is(value, kind) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _check(where: str, value, kind, optional: bool = False):
    if value is None and optional:
        return None
    if not _is(value, kind):
        raise PlanContractError(f"{where} is {type(value).__name__}, the plan contract says {kind.__name__}")
    return value


def _cpus(where: str, value: str, allow_empty: bool = True) -> str:
    _check(where, value, str)
    try:
        if parse_cpulist(value) or allow_empty:
            return value
    except CpuListError as err:
        raise PlanContractError(f"{where} is not a CPU list: {err}") from None
    raise PlanContractError(f"{where} is empty")


@dataclass(frozen=True)
class PlanNic:
    name: str
    driver: str
    numa_node: int
    queue_irqs: list
    queues: int


@dataclass(frozen=True)
class PlanHugepages:
    node: int
    size_kb: int
    count: int


@dataclass(frozen=True)
class PlanTopology:
    instance_type: str
    fixture: str
    nodes: int
    cores: int
    threads_per_core: int


# Field -> (type, optional). Nested records are checked by their own table.
_NIC = {
    "name": (str, False),
    "driver": (str, True),
    "numa_node": (int, True),
    "queue_irqs": (list, False),
    "queues": (int, False),
}
_HUGEPAGES = {"node": (int, False), "size_kb": (int, False), "count": (int, False)}
_TOPOLOGY = {
    "instance_type": (str, True),
    "fixture": (str, True),
    "nodes": (int, False),
    "cores": (int, False),
    "threads_per_core": (int, False),
}
CPU_SETS = ("housekeeping", "irq", "isolated", "engine")


def _record(where: str, data, table: dict) -> dict:
    _check(where, data, dict)
    missing = [name for name in table if name not in data]
    if missing:
        raise PlanContractError(f"{where} has no {', '.join(missing)}")
    return {
        name: _check(f"{where}.{name}", data[name], kind, optional)
        for name, (kind, optional) in table.items()
    }


@dataclass(frozen=True)
class Plan:
    version: int
    online: str
    nr_cpus: int
    housekeeping: str
    irq: str
    isolated: str
    engine: str
    idle_siblings: str
    irq_mode: str
    masks: dict
    numa_node: int
    nic: PlanNic | None
    hugepages: list
    smt: str
    smt_active: bool
    topology: PlanTopology
    notes: list

    @classmethod
    def from_dict(cls, data) -> Plan:
        """The plan a role was given, checked against this contract (PlanContractError says what is wrong)."""
        if not isinstance(data, dict):
            raise PlanContractError(f"lowlat_plan is {type(data).__name__}, not a plan: {RERUN}")
        version = data.get("version")
        if version != PLAN_VERSION:
            raise PlanContractError(
                f"lowlat_plan has contract version {version!r} and this collection reads version {PLAN_VERSION}: {RERUN}"
            )
        missing = [f.name for f in fields(cls) if f.name not in data]
        if missing:
            raise PlanContractError(
                f"lowlat_plan has no {', '.join(missing)} (plan contract {PLAN_VERSION}): {RERUN}"
            )
        try:
            return cls._checked(data)
        except PlanContractError as err:
            raise PlanContractError(f"{err} (plan contract {PLAN_VERSION}): {RERUN}") from None

    @classmethod
    def _checked(cls, data: dict) -> Plan:
        masks = _check("lowlat_plan.masks", data["masks"], dict)
        for name in CPU_SETS:
            _check(f"lowlat_plan.masks.{name}", masks.get(name), str)
            try:
                parse_mask(masks[name])
            except CpuListError as err:
                raise PlanContractError(f"lowlat_plan.masks.{name} is not a CPU mask: {err}") from None
        nic = None
        if data["nic"] is not None:
            nic = PlanNic(**_record("lowlat_plan.nic", data["nic"], _NIC))
        pages = _check("lowlat_plan.hugepages", data["hugepages"], list)
        return cls(
            version=data["version"],
            online=_cpus("lowlat_plan.online", data["online"], allow_empty=False),
            nr_cpus=_check("lowlat_plan.nr_cpus", data["nr_cpus"], int),
            housekeeping=_cpus("lowlat_plan.housekeeping", data["housekeeping"], allow_empty=False),
            irq=_cpus("lowlat_plan.irq", data["irq"], allow_empty=False),
            isolated=_cpus("lowlat_plan.isolated", data["isolated"]),
            engine=_cpus("lowlat_plan.engine", data["engine"]),
            idle_siblings=_cpus("lowlat_plan.idle_siblings", data["idle_siblings"]),
            irq_mode=_check("lowlat_plan.irq_mode", data["irq_mode"], str),
            masks=masks,
            numa_node=_check("lowlat_plan.numa_node", data["numa_node"], int),
            nic=nic,
            hugepages=[
                PlanHugepages(**_record(f"lowlat_plan.hugepages[{i}]", entry, _HUGEPAGES))
                for i, entry in enumerate(pages)
            ],
            smt=_check("lowlat_plan.smt", data["smt"], str),
            smt_active=_check("lowlat_plan.smt_active", data["smt_active"], bool),
            topology=PlanTopology(**_record("lowlat_plan.topology", data["topology"], _TOPOLOGY)),
            notes=_check("lowlat_plan.notes", data["notes"], list),
        )

    def as_dict(self) -> dict:
        """The plan as facts and plan.json carry it (the planner's output)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["nic"] = (
            None if self.nic is None else {f.name: getattr(self.nic, f.name) for f in fields(self.nic)}
        )
        out["hugepages"] = [{f.name: getattr(e, f.name) for f in fields(e)} for e in self.hugepages]
        out["topology"] = {f.name: getattr(self.topology, f.name) for f in fields(self.topology)}
        return out


def plan_problem(data) -> str:
    """'' when ``data`` is a plan of this contract, else what is wrong and what to run."""
    if data is None:
        return "lowlat_plan is not set: run the lowlat.trading.plan role first; playbooks/tune.yml does"
    try:
        Plan.from_dict(data)
    except PlanContractError as err:
        return str(err)
    return ""
