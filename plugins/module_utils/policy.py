"""The planner's policy: its options, their defaults, and the one check every entry point runs.

make_plan, the cpu_plan module (so the plan role) and the shape_plan filter all pass the user's policy
through validate_policy before anything is planned. A bad value raises PolicyError, a PlanError whose
message says which option, what was given and what to give instead:

- types are coerced as Ansible coerces them (input_checks) or refused;
- numbers are range-checked;
- unknown options are refused, null-valued ones too, with the nearest valid name;
- options that the chosen mode ignores are refused with the reason;
- CPU and node sets are never empty.

Only what needs the host's topology (do these CPUs exist, is this node there) is left to the planner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import partial

from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import MAX_CPUS
from ansible_collections.lowlat.trading.plugins.module_utils.input_checks import (
    CPU_LIST_RULE,
    InputError,
    boolean,
    choice,
    cpu_list,
    did_you_mean,
    is_word,
    number,
    refuse,
    shown,
    unknown_keys,
    whole,
)
from ansible_collections.lowlat.trading.plugins.module_utils.plan_error import PlanError

AUTO = "auto"
SMT_POLICIES = ("use_siblings", "idle_sibling", "require_off")
IRQ_MODES = ("auto", "dedicated", "housekeeping")
HUGEPAGE_NODE_WORDS = ("nic", "all")
MAX_NUMA_NODES = 1024  # the kernel's MAX_NUMNODES (NODES_SHIFT 10)
MAX_HUGEPAGES_2M = 16 * 1024 * 1024  # 32 TiB of 2 MiB pages per node
MAX_HUGEPAGES_1G = 32 * 1024  # 32 TiB of 1 GiB pages per node
MAX_HUGEPAGES_SHARE = 0.9


class PolicyError(PlanError):
    """A policy value of the wrong type, range or meaning, whatever the host looks like."""


@dataclass
class Policy:
    housekeeping: str | list[int] = AUTO
    housekeeping_cores_per_node: int = 1
    irq_mode: str = "auto"
    irq_cpus: str | list[int] = AUTO
    irq_cores: int = 1
    isolated: str | list[int] = AUTO
    engine_cpus: str | list[int] = AUTO
    engine_cpu_count: int = 0
    smt: str = "use_siblings"
    allow_sibling_split: bool = False
    nic_numa_node: str | int = AUTO
    hugepages_2m: int = 0
    hugepages_1g: int = 0
    hugepages_nodes: str | list[int] = "nic"
    hugepages_max_share: float = 0.5

    @classmethod
    def from_dict(cls, data) -> Policy:
        return validate_policy(data)

    def given(self) -> dict:
        """The options that differ from their defaults, as a policy dict would give them."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != f.default}


def _cpus_or_auto(key: str, value):
    if is_word(value, AUTO):
        return AUTO
    return cpu_list(key, value, f"auto or {CPU_LIST_RULE}", "name at least one CPU, or use auto")


def _nic_node(key: str, value):
    if is_word(value, AUTO):
        return AUTO
    return whole(key, value, 0, MAX_NUMA_NODES - 1, f"auto or a NUMA node id from 0 to {MAX_NUMA_NODES - 1}")


def _hugepage_nodes(key: str, value):
    if is_word(value, AUTO):
        return "nic"
    for word in HUGEPAGE_NODE_WORDS:
        if is_word(value, word):
            return word
    rule = "nic, all or a non-empty list of NUMA node ids such as '0-1'"
    hint = did_you_mean(value, HUGEPAGE_NODE_WORDS) or "name at least one node id, or use nic or all"
    try:
        nodes = cpu_list(key, value, rule, hint)
    except InputError:
        raise refuse(key, rule, value, hint) from None
    if nodes[-1] >= MAX_NUMA_NODES:
        raise refuse(key, rule, value, f"NUMA node ids stop at {MAX_NUMA_NODES - 1}")
    return nodes


# One check per option, in the order the options are checked (the first bad one is reported).
OPTIONS = {
    "housekeeping": _cpus_or_auto,
    "housekeeping_cores_per_node": partial(whole, low=1, high=MAX_CPUS),
    "irq_mode": partial(choice, choices=IRQ_MODES),
    "irq_cpus": _cpus_or_auto,
    "irq_cores": partial(whole, low=1, high=MAX_CPUS),
    "isolated": _cpus_or_auto,
    "engine_cpus": _cpus_or_auto,
    "engine_cpu_count": partial(whole, low=0, high=MAX_CPUS),
    "smt": partial(choice, choices=SMT_POLICIES),
    "allow_sibling_split": boolean,
    "nic_numa_node": _nic_node,
    "hugepages_2m": partial(whole, low=0, high=MAX_HUGEPAGES_2M),
    "hugepages_1g": partial(whole, low=0, high=MAX_HUGEPAGES_1G),
    "hugepages_nodes": _hugepage_nodes,
    "hugepages_max_share": partial(
        number, above=0, most=MAX_HUGEPAGES_SHARE, why="(the kernel and the engine need the rest)"
    ),
}


def _ignored(raw: dict, clean: dict) -> str:
    """Why an option given together with a mode that ignores it is refused, or ''."""
    irq_mode = clean.get("irq_mode", "auto")
    explicit_irq = clean.get("irq_cpus", AUTO) != AUTO
    if explicit_irq and irq_mode == "housekeeping":
        return (
            f"irq_cpus names dedicated IRQ CPUs (given {shown(raw['irq_cpus'])}) but irq_mode is housekeeping, "
            f"which puts the IRQs on the housekeeping CPUs; drop irq_cpus or set irq_mode to dedicated"
        )
    if "irq_cores" in clean and irq_mode == "housekeeping":
        return (
            f"irq_cores (given {shown(raw['irq_cores'])}) counts dedicated IRQ cores but irq_mode is "
            f"housekeeping, which puts the IRQs on the housekeeping CPUs; drop irq_cores or set irq_mode "
            f"to dedicated"
        )
    if "irq_cores" in clean and explicit_irq:
        return (
            f"irq_cores (given {shown(raw['irq_cores'])}) is ignored when irq_cpus names the IRQ CPUs "
            f"(given {shown(raw['irq_cpus'])}); drop irq_cores or set irq_cpus to auto"
        )
    if "housekeeping_cores_per_node" in clean and clean.get("housekeeping", AUTO) != AUTO:
        return (
            f"housekeeping_cores_per_node (given {shown(raw['housekeeping_cores_per_node'])}) only sizes "
            f"auto housekeeping but housekeeping names its CPUs (given {shown(raw['housekeeping'])}); "
            f"drop housekeeping_cores_per_node or set housekeeping to auto"
        )
    return ""


def validate_policy(data) -> Policy:
    """The Policy for a user's policy dict (None is the default policy), or raise PolicyError.

    A Policy object is checked too: its options that differ from the defaults count as given.
    A null value means the option's default.
    """
    if isinstance(data, Policy):
        data = data.given()
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise PolicyError(
            f"the policy must be a mapping of option names to values, given {shown(data)}; "
            f"write it as a dict such as {{smt: idle_sibling, hugepages_2m: 512}}"
        )
    try:
        problem = unknown_keys("policy option", data, OPTIONS)
        if problem:
            raise InputError(problem)
        raw = {key: value for key, value in data.items() if value is not None}
        clean = {key: check(key, raw[key]) for key, check in OPTIONS.items() if key in raw}
        problem = _ignored(raw, clean)
        if problem:
            raise InputError(problem)
    except InputError as err:
        raise PolicyError(str(err)) from None
    return Policy(**clean)
