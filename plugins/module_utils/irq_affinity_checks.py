"""What the audit checks for the irq_affinity role (the checks of /etc/lowlat/expected/irq_affinity.json).

``plan`` is lowlat_plan (irq, housekeeping, masks.housekeeping, nic.queue_irqs, nic.driver).
``settings`` are the irq_affinity_* variables the checks read (prefix dropped): others,
exclude_match, default_affinity, recheck_interval.

``host`` carries what the role did and found on the host, and the names vars/main.yml gives once:

- nic: the plan's NIC ('' without one)
- runtime: IRQs are moved on this host (refusals are excluded from the checks only then)
- nic_refused, other_refused: the IRQs the kernel refused to move in this run (the pinning
  tasks' refused_irqs, [] when they did not run)
- previous_manifest: base64 of the manifest an earlier run wrote ('' when there is none)
- unit, timer, cli, udev_rule, conf_path: the boot-time unit, the recheck timer, the pinning CLI,
  the udev rule and the pinning configuration
- config_text: the pinning configuration, as written to conf_path
"""

from __future__ import annotations

import base64
import json
import re

from ansible_collections.lowlat.trading.plugins.module_utils.check_builders import (
    file_line,
    not_applicable,
    service,
    setting_on,
)

NIC_KNOB = "NIC queue IRQs on the IRQ CPUs"
OTHER_KNOB = "other IRQs on the housekeeping CPUs"
DEFAULT_AFFINITY_KNOB = "new IRQs on housekeeping (default_smp_affinity)"
# The configuration keys that say what is pinned where (each is checked as its line of the file).
CONFIG_LINE = re.compile(r'"(nic|irq_cpus|housekeeping_cpus|nic_mode)":')
KERNEL_ROLE_OWNS = [
    (
        "irqbalance (kernel role)",
        "owned by the kernel role (kernel_irqbalance_mode): stopped, or banned from the IRQ and "
        "isolated CPUs, so it does not undo this pinning",
    ),
    (
        "irqaffinity= boot argument (kernel role)",
        "owned by the kernel role (kernel_irqaffinity: irqaffinity=<housekeeping> on the command "
        "line); this role re-pins after boot",
    ),
]


def previous_refused(host: dict) -> dict:
    """The IRQs the kernel refused in earlier runs, from the manifest they wrote.

    Whether the kernel lets an IRQ move is a property of the IRQ, so these stay excluded. They are
    keyed by what the check pins ('nic:<device>', or 'other' for the match check), not by its knob.
    """
    content = host.get("previous_manifest") or ""
    if not content:
        return {}
    manifest = json.loads(base64.b64decode(content).decode("utf-8"))
    by_key = {}
    for check in manifest.get("checks", []):
        if check.get("kind", "") == "irq_affinity" and "ignore_irqs" in check:
            key = f"nic:{check['device']}" if "device" in check else "other"
            by_key[key] = check["ignore_irqs"]
    return by_key


def refused(host: dict, this_run: str, key: str) -> list:
    """IRQs the check must ignore: refused in this run or an earlier one (only where IRQs are moved)."""
    if not setting_on(host, "runtime"):
        return []
    return sorted(set(host.get(this_run) or []) | set(previous_refused(host).get(key, [])))


def nic_check(plan: dict, host: dict) -> dict:
    nic = host["nic"]
    if not nic:
        return not_applicable(NIC_KNOB, "no NIC in the plan")
    if not plan["nic"].get("queue_irqs"):
        driver = plan["nic"].get("driver") or "unknown"
        return not_applicable(
            NIC_KNOB, f"no queue IRQs of {nic} (driver {driver}) were found in the IRQ table"
        )
    return {
        "knob": f"NIC {nic} queue IRQs on the IRQ CPUs",
        "kind": "irq_affinity",
        "device": nic,
        "expected": plan["irq"],
        "ignore_irqs": refused(host, "nic_refused", f"nic:{nic}"),
        "scope": "runtime",
    }


def others_check(plan: dict, settings: dict, host: dict) -> dict:
    if not setting_on(settings, "others"):
        return not_applicable(OTHER_KNOB, "irq_affinity_others is false")
    check = {
        "knob": OTHER_KNOB,
        "kind": "irq_affinity",
        "match": ".",
        "exclude_match": settings["exclude_match"],
        "expected": plan["housekeeping"],
        "ignore_irqs": refused(host, "other_refused", "other"),
        "scope": "runtime",
    }
    if host["nic"]:
        check["exclude_device"] = host["nic"]
    return check


def default_affinity_check(plan: dict, settings: dict) -> dict:
    """/proc/irq/default_smp_affinity is the housekeeping mask, whatever its leading zero words."""
    if not setting_on(settings, "default_affinity"):
        return not_applicable(DEFAULT_AFFINITY_KNOB, "irq_affinity_default_affinity is false")
    significant = re.sub(r"^[0,]+", "", plan["masks"]["housekeeping"])
    return {
        "knob": DEFAULT_AFFINITY_KNOB,
        "kind": "command",
        "argv": ["cat", "/proc/irq/default_smp_affinity"],
        "pattern": f"^[0,]*{significant}[ \t]*$",
        "expected": f"housekeeping {plan['housekeeping']}",
        "scope": "runtime",
    }


def unit_checks(settings: dict, host: dict) -> list[dict]:
    checks = [service(f"boot-time unit {host['unit']}", host["unit"], "enabled", "persistent")]
    if settings["recheck_interval"] != "":
        checks.append(service(f"recheck timer {host['timer']}", host["timer"], "enabled", "persistent"))
    checks.append(
        {
            "knob": "lowlat-irq-pin imports the collection's pinning code",
            "kind": "command",
            "argv": ["/usr/bin/python3", host["cli"], "--self-test"],
            "pattern": "^lowlat-irq-pin ok:",
            "expected": "the CLI zipapp and the module_utils it carries are installed",
            "scope": "persistent",
        }
    )
    return checks


def _config_key(line: str) -> str:
    """'  "irq_cpus": "1",' -> 'irq_cpus'."""
    return line.strip().split(":", 1)[0].replace('"', "")


def config_checks(host: dict) -> list[dict]:
    """The configuration lines that say what is pinned where, each named by its key."""
    return [
        file_line(f"pinning configuration {_config_key(line)}", host["conf_path"], line)
        for line in host["config_text"].splitlines()
        if CONFIG_LINE.search(line)
    ]


def udev_checks(host: dict) -> list[dict]:
    """The rule that re-pins when the NIC (re)registers."""
    if not host["nic"]:
        return []
    line = (
        f'ACTION=="add", SUBSYSTEM=="net", KERNEL=="{host["nic"]}", '
        f'RUN+="/bin/systemctl --no-block restart {host["unit"]}"'
    )
    return [file_line("udev re-pin rule", host["udev_rule"], line)]


def checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    """Every check of the irq_affinity role, in the manifest's order."""
    return [
        nic_check(plan, host),
        others_check(plan, settings, host),
        default_affinity_check(plan, settings),
        *unit_checks(settings, host),
        *config_checks(host),
        *udev_checks(host),
        *(not_applicable(knob, reason) for knob, reason in KERNEL_ROLE_OWNS),
    ]
