"""What the audit checks for the prometheus role (the checks of /etc/lowlat/expected/prometheus.json).

The plan is not read. ``settings`` are the prometheus_* variables the checks read (prefix dropped):
port, listen_private_only.

``host`` carries what vars/main.yml derives once for the drop-in, the configuration and these
checks: service, dropin, listen, execstart_lines and hardening (module_utils/monitoring_checks.py),
and:

- promtool: the promtool binary of the install
- config: prometheus.yml's path
- rules_dir: the rules directory
- rule_files: the rule files the role writes there (each checked with promtool)
"""

from __future__ import annotations

import re

from ansible_collections.lowlat.trading.plugins.module_utils import check_builders as cb
from ansible_collections.lowlat.trading.plugins.module_utils import monitoring_checks as mc

NAME = "prometheus"


def promtool_checks(host: dict) -> list[dict]:
    """promtool accepts the configuration (which includes the rule files) and each rule file the role wrote."""
    promtool, config = host["promtool"], host["config"]
    checks = [
        cb.command(
            f"{NAME} configuration and rules valid",
            [promtool, "check", "config", config],
            f"SUCCESS: {re.escape(config)} is valid",
            "promtool check config: SUCCESS (rule files included)",
            "persistent",
        )
    ]
    for rules in host["rule_files"]:
        checks.append(
            cb.command(
                f"{NAME} rules {rules}",
                [promtool, "check", "rules", f"{host['rules_dir']}/{rules}"],
                "SUCCESS: [0-9]+ rules found",
                "promtool check rules: SUCCESS",
                "persistent",
            )
        )
    return checks


def checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    """Every check of the prometheus role, in the manifest's order."""
    return [
        *mc.daemon_checks(NAME, settings, host),
        mc.flag_check(f"{NAME} retention", host, "storage.tsdb.retention.time"),
        *promtool_checks(host),
        *mc.sandbox_checks(NAME, host),
    ]
