"""What the audit checks for the alertmanager role (the checks of /etc/lowlat/expected/alertmanager.json).

The plan is not read. ``settings`` are the alertmanager_* variables the checks read (prefix dropped):
port, listen_private_only, sns_topic_arn, cluster_peers.

``host`` carries what vars/main.yml derives once for the drop-in, the configuration and these
checks: service, dropin, listen, execstart_lines and hardening (module_utils/monitoring_checks.py),
and:

- amtool: the amtool binary of the install
- config: alertmanager.yml's path
"""

from __future__ import annotations

from ansible_collections.lowlat.trading.plugins.module_utils import check_builders as cb
from ansible_collections.lowlat.trading.plugins.module_utils import monitoring_checks as mc

NAME = "alertmanager"
SINGLE = "alertmanager_cluster_peers is empty: a single Alertmanager, gossip port closed"


def config_checks(settings: dict, host: dict) -> list[dict]:
    """amtool accepts alertmanager.yml; it publishes to the SNS alert topic when one is given; clustering
    is off without peers."""
    config = host["config"]
    checks = [
        cb.command(
            f"{NAME} configuration valid",
            [host["amtool"], "check-config", config],
            "SUCCESS",
            "amtool check-config: SUCCESS",
            "persistent",
        )
    ]
    topic = settings["sns_topic_arn"]
    if len(topic) > 0:
        checks.append(
            cb.file_line(f"{NAME} alerts to the SNS alert topic", config, f"  - topic_arn: {topic}")
        )
    if len(settings["cluster_peers"]) == 0:
        checks.append(cb.not_applicable(f"{NAME} clustering", SINGLE))
    return checks


def checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    """Every check of the alertmanager role, in the manifest's order."""
    return [
        *mc.daemon_checks(NAME, settings, host),
        *config_checks(settings, host),
        *mc.sandbox_checks(NAME, host),
    ]
