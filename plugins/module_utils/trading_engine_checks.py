"""What the audit checks for the trading_engine role (the checks of /etc/lowlat/expected/trading_engine.json).

Live checks read the running engine's /proc entries through its MainPID (read-only commands).

``plan`` is not read: the engine's CPUs and NUMA node come in ``host`` as roles/trading_engine/vars/main.yml
resolved them for the unit file. ``settings`` is the role's variables without their ``trading_engine_``
prefix (those read here: user, numa_policy, sched_fifo_priority, hugetlbfs_path, cloudwatch_namespace).

``host`` carries what the role derived for this host (roles/trading_engine/vars/main.yml) and shares with
its other tasks and templates:

- unit, unit_path: the engine's systemd unit and its file
- config: engine.toml's path
- current: the `current` release link; bin: the engine's program through it
- release, release_dir: the release deployed and its directory
- python: the interpreter that runs the readiness probe
- ready_url: the engine's readiness URL
- http_listen, venue_address, feed_recovery: the addresses written in engine.toml
- admin_token_set, admin_token_file: whether the admin token is written, and where
- in_container: the host is a container
- cpus, affinity, affinity_reason: the plan's engine CPUs, whether CPUAffinity= is enforced, and why not
- numa, numa_node, numa_reason: whether the NUMA policy applies (the plan's NIC node exists here), that
  node, and why not
- fifo, fifo_reason: whether SCHED_FIFO applies, and why not
- hugetlbfs_fallback, hugetlbfs_reason: whether the engine may fall back to ordinary memory, and why
- cloudwatch_enabled, cloudwatch_unit, cloudwatch_unit_path, cloudwatch_config, cloudwatch_exec: the
  CloudWatch publisher (on while trading_engine_cloudwatch_namespace is set), its unit, unit file,
  configuration and command
"""

from __future__ import annotations

import json
import re

from ansible_collections.lowlat.trading.plugins.module_utils.check_builders import (
    file_line,
    not_applicable,
    service,
    setting_on,
)

READY_PROBE = (
    "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=3).read().decode())"
)
# numa_maps names the policies differently from systemd.
NUMA_MAPS_POLICY = {"bind": "bind", "preferred": "prefer"}
# The engine unit's lines that depend on nothing (after User= and ExecStart=).
FIXED_UNIT_LINES = (
    "Restart=on-failure",
    "LimitMEMLOCK=infinity",
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "CapabilityBoundingSet=",
)


def _proc(knob: str, host: dict, command: str, pattern: str, expected: str) -> dict:
    """A runtime check on `command`, a shell line reading the running engine's /proc/{pid}/... entry."""
    pid = f"$(systemctl show -p MainPID --value {host['unit']})"
    return {
        "knob": knob,
        "kind": "command",
        "argv": ["sh", "-c", command.format(pid=pid)],
        "pattern": pattern,
        "expected": expected,
        "scope": "runtime",
    }


def service_checks(host: dict) -> list[dict]:
    """The unit enabled and running, the release `current` points at and the one the process runs, ready."""
    release_dir = re.escape(f"{host['release_dir']}")
    return [
        service("lowlat-engine.service enabled", host["unit"], "enabled", "persistent"),
        service("lowlat-engine.service running", host["unit"], "active", "runtime"),
        {
            "knob": "current release",
            "kind": "command",
            "argv": ["readlink", host["current"]],
            "pattern": f"^{release_dir}$",
            "expected": host["release_dir"],
            "scope": "persistent",
        },
        _proc(
            "running release",
            host,
            r'tr "\0" " " < /proc/{pid}/cmdline',
            f"^{release_dir}/venv/bin/python[0-9.]* ",
            f"{host['release']} (the process was started from it)",
        ),
        {
            "knob": "engine ready",
            "kind": "command",
            "argv": [host["python"], "-c", READY_PROBE, host["ready_url"]],
            "pattern": "^(ready|ok)$",
            "expected": f"200 from {host['ready_url']}",
            "scope": "runtime",
        },
    ]


def config_checks(settings: dict, host: dict) -> list[dict]:
    """The unit's fixed lines and engine.toml's addresses (the admin token file when there is one)."""
    unit_lines = [
        f"User={settings['user']}",
        f"ExecStart={host['bin']} {host['config']}",
        *FIXED_UNIT_LINES,
    ]
    toml = {
        "listen": host["http_listen"],
        "address": host["venue_address"],
        "recovery": host["feed_recovery"],
    }
    if setting_on(host, "admin_token_set"):
        toml["admin_token_file"] = host["admin_token_file"]
    return [
        *(
            file_line(f"unit {line.split('=', maxsplit=1)[0]}", host["unit_path"], line)
            for line in unit_lines
        ),
        *(
            file_line(f"engine.toml {key}", host["config"], f"{key} = {json.dumps(value)}")
            for key, value in toml.items()
        ),
    ]


def affinity_checks(host: dict) -> list[dict]:
    """CPUAffinity= from the plan: written (as a comment when not enforced) and checked live."""
    cpus = host["cpus"]
    enforced = setting_on(host, "affinity")
    checks = [
        file_line("unit CPUAffinity", host["unit_path"], f"{'' if enforced else '# '}CPUAffinity={cpus}")
    ]
    if enforced:
        checks.append(
            _proc(
                "engine CPU affinity",
                host,
                "grep Cpus_allowed_list /proc/{pid}/status",
                r"^Cpus_allowed_list:\s*" + re.escape(f"{cpus}") + "$",
                cpus,
            )
        )
    else:
        checks.append(not_applicable("engine CPU affinity", host["affinity_reason"]))
    return checks


def numa_checks(settings: dict, host: dict) -> list[dict]:
    """NUMAPolicy=/NUMAMask= on the plan's NIC node, and the policy the running engine has."""
    if not setting_on(host, "numa"):
        return [not_applicable("engine NUMA policy", host["numa_reason"])]
    node = host["numa_node"]
    checks = [
        file_line("unit NUMA policy", host["unit_path"], f"NUMAPolicy={settings['numa_policy']}"),
        file_line("unit NUMA node", host["unit_path"], f"NUMAMask={node}"),
    ]
    if setting_on(host, "in_container"):
        checks.append(
            not_applicable(
                "engine NUMA policy",
                "reading another user's /proc/PID/numa_maps needs CAP_SYS_PTRACE, which a container does not have",
            )
        )
    else:
        policy = f"{NUMA_MAPS_POLICY.get(settings['numa_policy'], '')}:{node}"
        checks.append(
            _proc("engine NUMA policy", host, "head -n 1 /proc/{pid}/numa_maps", rf"\s{policy}\s", policy)
        )
    return checks


def fifo_checks(settings: dict, host: dict) -> list[dict]:
    """CPUSchedulingPriority= and the running engine's policy, when SCHED_FIFO applies."""
    if not setting_on(host, "fifo"):
        return [not_applicable("engine SCHED_FIFO", host["fifo_reason"])]
    priority = settings["sched_fifo_priority"]
    return [
        file_line("unit SCHED_FIFO", host["unit_path"], f"CPUSchedulingPriority={priority}"),
        _proc(
            "engine SCHED_FIFO",
            host,
            "chrt -p {pid}",
            rf"policy: SCHED_FIFO\s[\s\S]*priority: {priority}$",
            f"SCHED_FIFO {priority}",
        ),
    ]


def memory_checks(settings: dict, host: dict) -> list[dict]:
    """The locked-memory limit and the hugetlbfs mount, each where this host can have them."""
    checks = []
    if setting_on(host, "in_container"):
        checks.append(
            not_applicable(
                "engine locked-memory limit",
                "a container's systemd cannot raise RLIMIT_MEMLOCK above the container's own hard limit "
                "(no CAP_SYS_RESOURCE)",
            )
        )
    else:
        memlock = _proc(
            "engine locked-memory limit",
            host,
            'grep "Max locked memory" /proc/{pid}/limits',
            r"unlimited\s+unlimited",
            "unlimited",
        )
        checks.append(memlock)
    path = settings["hugetlbfs_path"]
    if path and not setting_on(host, "hugetlbfs_fallback"):
        checks.append(
            {
                "knob": "engine hugetlbfs",
                "kind": "mount",
                "path": path,
                "expected": "hugetlbfs",
                "scope": "runtime",
            }
        )
    else:
        checks.append(not_applicable("engine hugetlbfs", host["hugetlbfs_reason"]))
    return checks


def cloudwatch_checks(settings: dict, host: dict) -> list[dict]:
    """The CloudWatch publisher installed and running while its namespace is set, else its unit gone."""
    unit_path = host["cloudwatch_unit_path"]
    if not setting_on(host, "cloudwatch_enabled"):
        return [
            {
                "knob": "lowlat-engine-cloudwatch.service absent",
                "kind": "file_absent",
                "path": unit_path,
                "scope": "persistent",
            }
        ]
    unit = host["cloudwatch_unit"]
    lines = [f"User={settings['user']}", f"ExecStart={host['cloudwatch_exec']}", f"PartOf={host['unit']}"]
    namespace = json.dumps(f"{settings['cloudwatch_namespace']}")
    return [
        service("lowlat-engine-cloudwatch.service enabled", unit, "enabled", "persistent"),
        service("lowlat-engine-cloudwatch.service running", unit, "active", "runtime"),
        *(file_line(f"publisher unit {line.split('=', maxsplit=1)[0]}", unit_path, line) for line in lines),
        file_line("cloudwatch.toml namespace", host["cloudwatch_config"], f"namespace = {namespace}"),
    ]


def checks(plan: dict, settings: dict, host: dict) -> list[dict]:
    """Every check of the trading_engine role, in the manifest's order."""
    return [
        *service_checks(host),
        *config_checks(settings, host),
        *affinity_checks(host),
        *numa_checks(settings, host),
        *fifo_checks(settings, host),
        *memory_checks(settings, host),
        *cloudwatch_checks(settings, host),
    ]
