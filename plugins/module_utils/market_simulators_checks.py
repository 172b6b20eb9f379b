"""What the audit checks for the market_simulators role: the release they run and each simulator's unit.

``settings``: install_dir (the role's variable without the prefix); ``host``: release_dir, the release
directory the trading_engine role staged (its ``trading_engine_staged_release.dir``), and units, the
simulators' units this host runs.
"""

from __future__ import annotations

import re


def checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    release = host.get("release_dir") or ""
    out = [
        {
            "knob": "simulators release",
            "kind": "command",
            "argv": ["readlink", f"{settings['install_dir']}/current"],
            "pattern": f"^{re.escape(release)}$",
            "expected": release,
            "scope": "persistent",
        }
    ]
    for unit in host.get("units") or []:
        out.append(
            {
                "knob": f"{unit} enabled",
                "kind": "service",
                "unit": unit,
                "expected": "enabled",
                "scope": "persistent",
            }
        )
        out.append(
            {
                "knob": f"{unit} running",
                "kind": "service",
                "unit": unit,
                "expected": "active",
                "scope": "runtime",
            }
        )
    return out
