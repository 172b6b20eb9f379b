"""What the audit checks for the grafana_dashboards role (the checks of
/etc/lowlat/expected/grafana_dashboards.json).

The plan is not read. ``settings`` are the grafana_dashboards_* variables the checks read (prefix
dropped): dir, prometheus_url, admin_secret_id, admin_password_file, service.

``host`` carries what the role wrote and found:

- provider_file, datasource_file: the provisioning files it writes
- dashboards: [file name, uid] of each dashboard shipped in files/dashboards, in file name order
- admin_dropin: the systemd drop-in that sets Grafana's admin credential
- admin_password_env: its Environment= setting that reads the password file
- admin_user: the admin username from the secret ("" or null when the role did not read the secret)
- admin_group: the password file's group (grafana, else root)
- installed: Grafana's unit exists on the host
"""

from __future__ import annotations

import json
import re

from ansible_collections.lowlat.trading.plugins.module_utils import check_builders as cb

NOT_INSTALLED = " is not installed: this role provisions dashboards and the datasource only; install Grafana from its packages"


def provisioning_checks(settings: dict, host: dict) -> list[dict]:
    """The dashboard provider and the datasource point where the role says, and each dashboard is there."""
    checks = [
        cb.file_line(
            "grafana dashboard provider",
            host["provider_file"],
            "      path: " + json.dumps(settings["dir"]),
        ),
        cb.file_line(
            "grafana Prometheus datasource",
            host["datasource_file"],
            "    url: " + json.dumps(settings["prometheus_url"]),
        ),
    ]
    for file, uid in host["dashboards"]:
        checks.append(
            cb.file_line(
                f"grafana dashboard {file}", f"{settings['dir']}/{file}", f'  "uid": {json.dumps(uid)},'
            )
        )
    return checks


def admin_checks(settings: dict, host: dict) -> list[dict]:
    """With an admin secret: the password file's mode, owner and group (never its content or a hash of it)
    and the drop-in that makes Grafana read it."""
    if len(settings["admin_secret_id"]) == 0:
        return []
    group = host["admin_group"]
    checks = [
        cb.command(
            "grafana admin password file",
            ["stat", "-c", "%a %U:%G", settings["admin_password_file"]],
            f"^640 root:{re.escape(group)}$",
            f"present, 0640 root:{group} (content not recorded)",
            "persistent",
        ),
        cb.file_line(
            "grafana admin password read from the file",
            host["admin_dropin"],
            f"Environment={host['admin_password_env']}",
        ),
    ]
    if host.get("admin_user"):
        checks.append(
            cb.file_line(
                "grafana admin user",
                host["admin_dropin"],
                f"Environment=GF_SECURITY_ADMIN_USER={host['admin_user']}",
            )
        )
    return checks


def service_check(settings: dict, host: dict) -> dict:
    """Grafana runs, when it is installed (the role does not install it)."""
    unit = settings["service"]
    if cb.switch_on(host["installed"]):
        return cb.service("grafana running", unit, "active", "runtime")
    return cb.not_applicable("grafana running", f"{unit}{NOT_INSTALLED}")


def checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    """Every check of the grafana_dashboards role, in the manifest's order."""
    return [
        *provisioning_checks(settings, host),
        *admin_checks(settings, host),
        service_check(settings, host),
    ]
