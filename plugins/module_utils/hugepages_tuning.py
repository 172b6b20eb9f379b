"""What the hugepages role sets on a host, derived from the plan (lowlat_plan.hugepages) and its settings.

Pure functions behind the lowlat.trading.hugepages_tuning filter: the allocation script's lines, whether
the live counts drifted, what the kernel fell short of, and the hugetlbfs mount (page size, unit name,
options, why it is not started). ``settings`` is the role's variables without their ``hugepages_`` prefix.
The plan was validated by the planner (budget per node, 1 GiB support): nothing here recomputes it.
"""

from __future__ import annotations

import re

SIZE_NAMES = {2048: "2 MiB pages", 1048576: "1 GiB pages"}
DEFAULT_SIZE_KB = 2048


def planned(plan: dict) -> list[dict]:
    """The plan's entries that reserve pages, in the plan's order."""
    return [e for e in plan.get("hugepages") or [] if int(e["count"]) > 0]


def sizes(plan: dict) -> list[int]:
    return sorted({e["size_kb"] for e in planned(plan)})


def planned_by_node(plan: dict) -> list[dict]:
    """The planned entries in node then size order: the allocation script's order."""
    return sorted(planned(plan), key=lambda e: (e["node"], e["size_kb"]))


def alloc_lines(plan: dict) -> list[str]:
    """One `allocate NODE SIZE_KB COUNT` line per node and size, in node then size order."""
    return [f"allocate {e['node']} {e['size_kb']} {e['count']}" for e in planned_by_node(plan)]


def _granted(state: dict, entry: dict):
    per_node = ((state or {}).get("hugepages") or {}).get("per_node") or {}
    return (per_node.get(str(entry["node"])) or {}).get(str(entry["size_kb"]), {}).get("nr")


def drift(plan: dict, state: dict) -> bool:
    """Whether the counts cpu_facts saw before the role ran differ from the plan's."""
    entries = planned(plan)
    return [_granted(state, e) for e in entries] != [e["count"] for e in entries]


def shortfall(plan: dict, state: dict) -> list[str]:
    """What the kernel granted short of the plan, per entry, after the allocation ran."""
    out = []
    for e in planned(plan):
        got = _granted(state, e)
        if got is None or int(got) != int(e["count"]):
            size = SIZE_NAMES.get(int(e["size_kb"]), f"{e['size_kb']} kB")
            granted = got if got is not None else "none (no such sysfs file)"
            out.append(f"node {e['node']} {size}: wanted {e['count']}, granted {granted}")
    return out


def mount_size_kb(plan: dict, settings: dict) -> int:
    """The mount's page size: the largest planned size for 'auto'."""
    if settings["mount_pagesize_kb"] == "auto":
        return (sizes(plan) or [DEFAULT_SIZE_KB])[-1]
    return int(settings["mount_pagesize_kb"])


def pagesize_option(size_kb: int) -> str:
    return f"{size_kb // 1048576}G" if size_kb >= 1048576 else f"{size_kb // 1024}M"


def mount_unit(path: str) -> str:
    """systemd names a mount unit after its path: /mnt/lowlat-hugepages -> mnt-lowlat\\x2dhugepages.mount."""
    return path.strip("/").replace("-", "\\x2d").replace("/", "-") + ".mount"


def numeric_id(name, getent: dict) -> str:
    """A user or group as hugetlbfs takes it: a number as given, a name through getent ('' when unknown)."""
    if (isinstance(name, int) and not isinstance(name, bool)) or re.fullmatch(r"[0-9]+", str(name)):
        return str(name)
    entry = (getent or {}).get(name)
    return str(entry[1]) if entry and len(entry) > 1 else ""


def mount_skip_reason(in_container: bool, size_kb: int) -> str:
    if in_container:
        return (
            "hugetlbfs cannot be mounted inside an unprivileged container (mount: permission denied without "
            "CAP_SYS_ADMIN); the mount unit is installed and enabled for the host"
        )
    return (
        f"the running kernel has no {size_kb} kB hugepages (/sys/kernel/mm/hugepages/hugepages-{size_kb}kB is "
        "missing), so the mount unit is installed but not started"
    )


def mount(plan: dict, settings: dict, host: dict) -> dict:
    """The hugetlbfs mount: host has in_container, size_supported, getent_passwd, getent_group."""
    size_kb = mount_size_kb(plan, settings)
    pagesize = pagesize_option(size_kb)
    uid = numeric_id(settings["mount_owner"], host.get("getent_passwd"))
    gid = numeric_id(settings["mount_group"], host.get("getent_group"))
    return {
        "size_kb": size_kb,
        "pagesize": pagesize,
        "unit": mount_unit(settings["mount_path"]),
        "uid": uid,
        "gid": gid,
        "options": f"pagesize={pagesize},uid={uid},gid={gid},mode={settings['mount_mode']}",
        "startable": not host.get("in_container") and bool(host.get("size_supported")),
        "skip_reason": mount_skip_reason(bool(host.get("in_container")), size_kb),
    }


def tuning(plan: dict, settings: dict, host: dict) -> dict:
    """Everything the role applies; host also has state (before) and readback (after the allocation)."""
    return {
        "planned": planned(plan),
        "sizes": sizes(plan),
        "alloc_lines": alloc_lines(plan),
        "drift": drift(plan, host.get("state") or {}),
        "shortfall": shortfall(plan, host.get("readback") or {}),
        "mount": mount(plan, settings, host),
    }
