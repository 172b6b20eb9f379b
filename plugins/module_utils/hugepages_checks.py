"""What the audit checks for the hugepages role (the checks of /etc/lowlat/expected/hugepages.json).

``settings`` as for hugepages_tuning (mount, mount_path, libexec_dir and the mount's owner, group, mode,
page size); ``host`` as hugepages_tuning.mount reads it (in_container, size_supported, getent_passwd,
getent_group).
"""

from __future__ import annotations

from ansible_collections.lowlat.trading.plugins.module_utils import hugepages_tuning as ht
from ansible_collections.lowlat.trading.plugins.module_utils.check_builders import setting_on

UNIT = "lowlat-hugepages.service"
UNIT_DIR = "/etc/systemd/system"


def _na(reason: str) -> dict:
    return {"knob": "hugetlbfs mount", "kind": "not_applicable", "reason": reason}


def mount_checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    if not setting_on(settings, "mount"):
        return [_na("hugepages_mount is false")]
    mount = ht.mount(plan, settings, host)
    checks = [
        {
            "knob": "hugetlbfs mount unit",
            "kind": "service",
            "unit": mount["unit"],
            "expected": "enabled",
            "scope": "persistent",
        },
        {
            "knob": "hugetlbfs mount options",
            "kind": "file_line",
            "path": f"{UNIT_DIR}/{mount['unit']}",
            "line": f"Options={mount['options']}",
            "scope": "persistent",
        },
    ]
    if mount["startable"]:
        checks.append(
            {
                "knob": "hugetlbfs mount",
                "kind": "mount",
                "path": settings["mount_path"],
                "expected": "hugetlbfs",
                "scope": "runtime",
            }
        )
    else:
        checks.append(_na(mount["skip_reason"]))
    return checks


def checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    """Every check of the hugepages role, in the manifest's order."""
    if not ht.planned(plan):
        return [
            {
                "knob": "hugepages",
                "kind": "not_applicable",
                "reason": "the plan reserves no hugepages (plan_hugepages_2m and plan_hugepages_1g are 0)",
            }
        ]
    script = f"{settings['libexec_dir']}/lowlat-hugepages-allocate"
    return [
        *(
            {
                "knob": f"hugepages node{e['node']} {e['size_kb']}kB",
                "kind": "hugepages",
                "node": e["node"],
                "size_kb": e["size_kb"],
                "expected": e["count"],
                "scope": "runtime",
            }
            for e in ht.planned_by_node(plan)
        ),
        {"knob": UNIT, "kind": "service", "unit": UNIT, "expected": "enabled", "scope": "persistent"},
        *(
            {
                "knob": "hugepages allocation",
                "kind": "file_line",
                "path": script,
                "line": line,
                "scope": "persistent",
            }
            for line in ht.alloc_lines(plan)
        ),
        *mount_checks(plan, settings, host),
    ]
