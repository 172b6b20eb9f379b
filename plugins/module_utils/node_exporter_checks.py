"""What the audit checks for the node_exporter role (the checks of /etc/lowlat/expected/node_exporter.json).

The ENA allowance and health counters and the clock's discipline are observed through this
exporter; these checks verify the exporter itself. The plan is not read.

``settings`` are the node_exporter_* variables the checks read (prefix dropped): port,
listen_private_only, tls_cert_file, basic_auth_user.

``host`` carries what vars/main.yml derives once for the drop-in and for these checks: service,
dropin, listen, execstart_lines and hardening (module_utils/monitoring_checks.py), and
web_config, the path of the web configuration file (TLS, basic auth).
"""

from __future__ import annotations

import json

from ansible_collections.lowlat.trading.plugins.module_utils import check_builders as cb
from ansible_collections.lowlat.trading.plugins.module_utils import monitoring_checks as mc

NAME = "node_exporter"
PLAIN_HTTP = (
    "no certificate supplied (node_exporter_tls_cert_file): plain HTTP on the private address; "
    "only the monitoring tier's security group reaches the port"
)


def web_config_checks(settings: dict, host: dict) -> list[dict]:
    """The web configuration file in use when TLS or basic auth is on, and its certificate; or why not."""
    tls = len(settings["tls_cert_file"]) > 0
    basic_auth = len(settings["basic_auth_user"]) > 0
    checks = []
    if tls or basic_auth:
        checks.append(mc.flag_check(f"{NAME} web configuration in use", host, "web.config.file"))
    if tls:
        cert_line = "  cert_file: " + json.dumps(settings["tls_cert_file"])
        checks.append(cb.file_line(f"{NAME} TLS certificate", host["web_config"], cert_line))
    else:
        checks.append(cb.not_applicable(f"{NAME} TLS", PLAIN_HTTP))
    if not basic_auth:
        checks.append(cb.not_applicable(f"{NAME} basic auth", "node_exporter_basic_auth_user is empty"))
    return checks


def checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    """Every check of the node_exporter role, in the manifest's order."""
    return [
        *mc.daemon_checks(NAME, settings, host),
        *mc.sandbox_checks(NAME, host),
        *web_config_checks(settings, host),
    ]
