"""What the monitoring roles' audit checks share (node_exporter, prometheus, alertmanager, grafana_dashboards).

node_exporter, prometheus and alertmanager each run one systemd service whose command line and
sandbox come from a lowlat drop-in (ExecStart one argument per line, then the sandbox lines). Their
checks modules (module_utils/<role>_checks.py) pass these helpers:

``settings`` (the role's variables, prefix dropped): port, listen_private_only

``host`` (values the role's vars/main.yml derives once, for the drop-in and for the audit):

- service: the service's unit (the distribution package's, or the release archive's)
- dropin: the drop-in's path
- listen: the address:port it listens on ([address]:port for IPv6)
- execstart_lines: the drop-in's ExecStart lines, exactly as written
- hardening: the drop-in's sandbox lines (Setting=value)
"""

from __future__ import annotations

import re

from ansible_collections.lowlat.trading.plugins.module_utils.check_builders import (
    command,
    file_line,
    service,
    switch_on,
)


def flag_line(host: dict, flag: str) -> str:
    """The drop-in's ExecStart line that passes --<flag>=... (the first, as systemd reads them in order)."""
    quoted = f'"--{flag}='
    for line in host["execstart_lines"]:
        if quoted in line:
            return line
    raise ValueError(f"no {quoted[1:]}... argument in the drop-in's ExecStart lines")


def flag_check(knob: str, host: dict, flag: str) -> dict:
    """The drop-in passes --<flag>=... as the role wrote it."""
    return file_line(knob, host["dropin"], flag_line(host, flag))


def service_checks(name: str, unit: str) -> list[dict]:
    """The service starts at boot and runs now."""
    return [
        service(f"{name} enabled", unit, "enabled", "persistent"),
        service(f"{name} running", unit, "active", "runtime"),
    ]


def listen_check(name: str, settings: dict, host: dict) -> dict:
    """`ss -Hltn` on the port: every listening socket is on the listen address (listen_private_only), or
    one of them is."""
    listen = host["listen"]
    escaped = re.escape(listen)
    if switch_on(settings["listen_private_only"]):
        pattern = rf"\A(LISTEN +[0-9]+ +[0-9]+ +{escaped} +\S+\s*)+\Z"
        expected = f"listening on {listen} only"
    else:
        pattern = f"(^| ){escaped}( |$)"
        expected = f"listening on {listen}"
    return command(
        f"{name} listen address",
        ["ss", "-Hltn", f"sport = :{settings['port']}"],
        pattern,
        expected,
        "runtime",
    )


def daemon_checks(name: str, settings: dict, host: dict) -> list[dict]:
    """The service enabled and running, its listen address in the drop-in and on the port."""
    return [
        *service_checks(name, host["service"]),
        flag_check(f"{name} listen address (drop-in)", host, "web.listen-address"),
        listen_check(name, settings, host),
    ]


def sandbox_checks(name: str, host: dict) -> list[dict]:
    """Each sandbox line of the drop-in, named by its setting."""
    return [
        file_line(f"{name} sandbox {line.split('=')[0]}", host["dropin"], line) for line in host["hardening"]
    ]
