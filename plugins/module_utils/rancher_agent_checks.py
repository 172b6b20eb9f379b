"""What the audit checks for the rancher_agent role. Rancher changes no kernel knob: the knobs say what is checked.

``host``: service (the agent's unit), registered (this role registered the agent, now or in an earlier run,
so its registration record is known), record_path and record_lines (the record this role keeps, one
``key: value`` line each), origin (the Rancher server the agent belongs to).
"""

from __future__ import annotations

from ansible_collections.lowlat.trading.plugins.module_utils.check_builders import not_applicable


def registration_checks(host: dict) -> list[dict]:
    if not host.get("registered"):
        return [
            not_applicable(
                "Rancher registration settings",
                f"the agent was registered with {host.get('origin', '')} outside this role: its roles, labels "
                "and taints are not known here",
            )
        ]
    return [
        {
            "knob": f"Rancher registration {line.split(':')[0]}",
            "kind": "file_line",
            "path": host["record_path"],
            "line": line,
            "scope": "persistent",
        }
        for line in host.get("record_lines") or []
    ]


def checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    service = host["service"]
    return [
        {
            "knob": "rancher-system-agent enabled",
            "kind": "service",
            "unit": service,
            "expected": "enabled",
            "scope": "persistent",
        },
        {
            "knob": "rancher-system-agent running",
            "kind": "service",
            "unit": service,
            "expected": "active",
            "scope": "runtime",
        },
        *registration_checks(host),
        not_applicable(
            "node labels and taints",
            "they live in the Kubernetes API (Rancher applies them at registration): kubectl get node -o yaml",
        ),
        not_applicable(
            "kubelet reserved CPUs",
            "set in the Rancher cluster's machineSelectorConfig, not on the host: system-agent-install.sh takes no "
            "kubelet arguments (docs/rancher.md)",
        ),
    ]
