"""module_utils/monitoring_checks and the node_exporter, prometheus, alertmanager and grafana_dashboards
checks: every check is valid, the branches say what they must, and the patterns find what they mean."""

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.lowlat.trading.plugins.filter.audit_checks import audit_checks
from ansible_collections.lowlat.trading.plugins.module_utils import alertmanager_checks as amc
from ansible_collections.lowlat.trading.plugins.module_utils import grafana_dashboards_checks as gdc
from ansible_collections.lowlat.trading.plugins.module_utils import monitoring_checks as mc
from ansible_collections.lowlat.trading.plugins.module_utils import node_exporter_checks as nec
from ansible_collections.lowlat.trading.plugins.module_utils import prometheus_checks as prc
from ansible_collections.lowlat.trading.plugins.module_utils.audit import validate_check

HARDENING = [
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
]


def execstart(binary: str, args: list[str]) -> list[str]:
    """The drop-in's ExecStart lines as the roles' vars/main.yml write them (one quoted argument a line)."""
    quoted = ['    "' + a.replace("\\", "\\\\").replace('"', '\\"') + '"' for a in args]
    return [f"ExecStart={binary} \\", *(q + " \\" for q in quoted[:-1]), quoted[-1]]


def daemon_host(service: str, binary: str, listen: str, args: list[str]) -> dict:
    return {
        "service": service,
        "dropin": f"/etc/systemd/system/{service}.d/lowlat.conf",
        "listen": listen,
        "execstart_lines": execstart(binary, [f"--web.listen-address={listen}", *args]),
        "hardening": HARDENING,
    }


def node_exporter(listen="10.0.1.5:9100", tls="", user="", private=True, extra=()):
    web = ["--web.config.file=/etc/prometheus/node-exporter-web.yml"] if tls or user else []
    settings = {"port": 9100, "listen_private_only": private, "tls_cert_file": tls, "basic_auth_user": user}
    host = daemon_host(
        "prometheus-node-exporter.service",
        "/usr/bin/prometheus-node-exporter",
        listen,
        ["--collector.disable-defaults", "--collector.cpu", *web, *extra],
    )
    return settings, {**host, "web_config": "/etc/prometheus/node-exporter-web.yml"}


def prometheus(private=True, extra=()):
    settings = {"port": 9090, "listen_private_only": private}
    args = ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.retention.time=15d", *extra]
    host = daemon_host("prometheus.service", "/usr/bin/prometheus", "10.0.1.6:9090", args)
    host.update(
        {
            "promtool": "/usr/bin/promtool",
            "config": "/etc/prometheus/prometheus.yml",
            "rules_dir": "/etc/prometheus/rules",
            "rule_files": ["lowlat-recording.rules.yml", "lowlat-alerts.rules.yml"],
        }
    )
    return settings, host


def alertmanager(topic="", peers=(), private="yes"):
    settings = {
        "port": 9093,
        "listen_private_only": private,
        "sns_topic_arn": topic,
        "cluster_peers": list(peers),
    }
    host = daemon_host(
        "prometheus-alertmanager.service",
        "/usr/bin/prometheus-alertmanager",
        "10.0.1.7:9093",
        ["--config.file=/etc/prometheus/alertmanager.yml", *(f"--cluster.peer={p}" for p in peers)],
    )
    return settings, {**host, "amtool": "/usr/bin/amtool", "config": "/etc/prometheus/alertmanager.yml"}


def grafana(secret="", user="", group="root", installed=False):
    settings = {
        "dir": "/var/lib/grafana/dashboards/lowlat",
        "prometheus_url": "http://10.0.1.6:9090",
        "admin_secret_id": secret,
        "admin_password_file": "/etc/grafana/lowlat-admin-password",
        "service": "grafana-server.service",
    }
    host = {
        "provider_file": "/etc/grafana/provisioning/dashboards/lowlat.yml",
        "datasource_file": "/etc/grafana/provisioning/datasources/lowlat.yml",
        "dashboards": [["lowlat-engine.json", "lowlat-engine"], ["lowlat-host.json", "lowlat-host"]],
        "admin_dropin": "/etc/systemd/system/grafana-server.service.d/lowlat-admin.conf",
        "admin_password_env": "GF_SECURITY_ADMIN_PASSWORD=$__file{/etc/grafana/lowlat-admin-password}",
        "admin_user": user,
        "admin_group": group,
        "installed": installed,
    }
    return settings, host


def by_knob(checks: list[dict]) -> dict[str, dict]:
    return {c["knob"]: c for c in checks}


VARIANTS = [
    ("node_exporter", node_exporter()),
    (
        "node_exporter",
        node_exporter(listen="[fd00::5]:9100", tls="/etc/pki/n.crt", user="scraper", private="no"),
    ),
    ("node_exporter", node_exporter(user="scraper", extra=['--x="a b"'])),
    ("prometheus", prometheus()),
    ("prometheus", prometheus(private=False, extra=["--storage.tsdb.retention.size=50GB"])),
    ("alertmanager", alertmanager()),
    (
        "alertmanager",
        alertmanager(topic="arn:aws:sns:eu-west-2:123456789012:a", peers=["10.0.2.1:9094"], private=0),
    ),
    ("grafana_dashboards", grafana()),
    ("grafana_dashboards", grafana(secret="lowlat/grafana", user="admin", group="grafana", installed=True)),
    ("grafana_dashboards", grafana(secret="lowlat/grafana", installed="true")),
]


@pytest.mark.parametrize(("role", "inputs"), VARIANTS)
def test_every_check_is_valid_and_found_by_the_filter(role, inputs):
    settings, host = inputs
    checks = audit_checks(role, {}, settings, host)
    assert checks
    for index, check in enumerate(checks):
        validate_check(check, index)
    knobs = [c["knob"] for c in checks]
    assert len(knobs) == len(set(knobs)), knobs


@pytest.mark.parametrize(
    ("module", "inputs", "name"),
    [
        (nec, node_exporter(), "node_exporter"),
        (prc, prometheus(), "prometheus"),
        (amc, alertmanager(), "alertmanager"),
    ],
)
def test_daemons_are_checked_enabled_running_listening_and_sandboxed(module, inputs, name):
    settings, host = inputs
    checks = module.checks({}, settings, host)
    assert checks[:2] == [
        {
            "knob": f"{name} enabled",
            "kind": "service",
            "unit": host["service"],
            "expected": "enabled",
            "scope": "persistent",
        },
        {
            "knob": f"{name} running",
            "kind": "service",
            "unit": host["service"],
            "expected": "active",
            "scope": "runtime",
        },
    ]
    dropin = checks[2]
    assert dropin["knob"] == f"{name} listen address (drop-in)" and dropin["path"] == host["dropin"]
    assert dropin["line"] == f'    "--web.listen-address={host["listen"]}" \\'
    assert checks[3]["argv"] == ["ss", "-Hltn", f"sport = :{settings['port']}"]
    sandbox = [c for c in checks if c["knob"].startswith(f"{name} sandbox ")]
    assert [c["knob"] for c in sandbox] == [
        f"{name} sandbox NoNewPrivileges",
        f"{name} sandbox ProtectSystem",
        f"{name} sandbox RestrictAddressFamilies",
    ]
    assert [c["line"] for c in sandbox] == HARDENING and {c["path"] for c in sandbox} == {host["dropin"]}


SS_PRIVATE = "LISTEN 0      4096       10.0.1.5:9100       0.0.0.0:*\n"
SS_WILDCARD = "LISTEN 0      4096        0.0.0.0:9100       0.0.0.0:*\n"


def test_private_only_listen_pattern_needs_every_socket_on_the_address():
    settings, host = node_exporter()
    check = mc.listen_check("node_exporter", settings, host)
    assert check["expected"] == "listening on 10.0.1.5:9100 only"
    pattern = re.compile(check["pattern"], re.M)
    assert pattern.search(SS_PRIVATE)
    assert pattern.search(SS_PRIVATE + SS_PRIVATE.replace("4096", "128"))
    assert not pattern.search(SS_PRIVATE + SS_WILDCARD)
    assert not pattern.search("")
    assert not pattern.search(SS_PRIVATE.replace("10.0.1.5", "10.0.1.59"))
    assert not pattern.search(SS_PRIVATE.replace("10.0.1.5", "10a0b1c5"))


@pytest.mark.parametrize("private", [False, "no", "false", 0])
def test_listen_pattern_without_private_only_accepts_other_sockets(private):
    settings, host = node_exporter(private=private)
    check = mc.listen_check("node_exporter", settings, host)
    assert check["expected"] == "listening on 10.0.1.5:9100"
    pattern = re.compile(check["pattern"], re.M)
    assert pattern.search(SS_WILDCARD + SS_PRIVATE)
    assert not pattern.search(SS_WILDCARD)


def test_ipv6_listen_address_is_matched_literally():
    settings, host = node_exporter(listen="[fd00::5]:9100")
    pattern = re.compile(mc.listen_check("node_exporter", settings, host)["pattern"], re.M)
    assert pattern.search("LISTEN 0 4096 [fd00::5]:9100 [::]:*\n")
    assert not pattern.search("LISTEN 0 4096 f:9100 [::]:*\n")


def test_node_exporter_without_tls_or_basic_auth_says_why():
    checks = by_knob(nec.checks({}, *node_exporter()))
    assert "node_exporter web configuration in use" not in checks
    assert "node_exporter TLS certificate" not in checks
    assert checks["node_exporter TLS"]["kind"] == "not_applicable"
    assert "plain HTTP" in checks["node_exporter TLS"]["reason"]
    assert checks["node_exporter basic auth"] == {
        "knob": "node_exporter basic auth",
        "kind": "not_applicable",
        "reason": "node_exporter_basic_auth_user is empty",
    }


def test_node_exporter_tls_checks_the_web_configuration_and_its_certificate():
    settings, host = node_exporter(tls='/etc/pki/a "b".crt')
    checks = by_knob(nec.checks({}, settings, host))
    assert checks["node_exporter web configuration in use"]["line"] == (
        '    "--web.config.file=/etc/prometheus/node-exporter-web.yml"'
    )
    cert = checks["node_exporter TLS certificate"]
    assert cert["path"] == "/etc/prometheus/node-exporter-web.yml"
    assert cert["line"] == '  cert_file: "/etc/pki/a \\"b\\".crt"'
    assert "node_exporter TLS" not in checks
    assert checks["node_exporter basic auth"]["kind"] == "not_applicable"


def test_node_exporter_basic_auth_alone_still_uses_the_web_configuration():
    checks = by_knob(nec.checks({}, *node_exporter(user="scraper")))
    assert "node_exporter web configuration in use" in checks
    assert checks["node_exporter TLS"]["kind"] == "not_applicable"
    assert "node_exporter basic auth" not in checks
    assert [c["knob"] for c in nec.checks({}, *node_exporter(user="scraper"))][-2:] == [
        "node_exporter web configuration in use",
        "node_exporter TLS",
    ]


def test_a_drop_in_without_the_flag_is_an_error_the_filter_names():
    settings, host = node_exporter(tls="/c.pem")
    host["execstart_lines"] = [line for line in host["execstart_lines"] if "web.config.file" not in line]
    with pytest.raises(ValueError, match=r"--web\.config\.file="):
        nec.checks({}, settings, host)
    with pytest.raises(AnsibleFilterError, match=r"audit_checks\(node_exporter\): ValueError"):
        audit_checks("node_exporter", {}, settings, host)


def test_prometheus_checks_the_first_retention_flag_and_each_rule_file():
    settings, host = prometheus(extra=["--storage.tsdb.retention.time=9d"])
    checks = prc.checks({}, settings, host)
    assert by_knob(checks)["prometheus retention"]["line"] == '    "--storage.tsdb.retention.time=15d" \\'
    config = by_knob(checks)["prometheus configuration and rules valid"]
    assert config["argv"] == ["/usr/bin/promtool", "check", "config", "/etc/prometheus/prometheus.yml"]
    assert re.search(
        config["pattern"], "SUCCESS: /etc/prometheus/prometheus.yml is valid prometheus config file"
    )
    assert not re.search(config["pattern"], "SUCCESS: /etc/prometheus/prometheusXyml is valid")
    rules = [c for c in checks if c["knob"].startswith("prometheus rules ")]
    assert [c["argv"][-1] for c in rules] == [
        "/etc/prometheus/rules/lowlat-recording.rules.yml",
        "/etc/prometheus/rules/lowlat-alerts.rules.yml",
    ]
    assert re.search(rules[0]["pattern"], "SUCCESS: 12 rules found")
    assert not re.search(rules[0]["pattern"], "FAILED: 0 rules found")
    assert checks[-1]["knob"] == "prometheus sandbox RestrictAddressFamilies"


def test_alertmanager_single_instance_without_sns():
    checks = by_knob(amc.checks({}, *alertmanager()))
    assert checks["alertmanager configuration valid"]["argv"] == [
        "/usr/bin/amtool",
        "check-config",
        "/etc/prometheus/alertmanager.yml",
    ]
    assert checks["alertmanager clustering"]["kind"] == "not_applicable"
    assert "gossip port closed" in checks["alertmanager clustering"]["reason"]
    assert "alertmanager alerts to the SNS alert topic" not in checks


def test_alertmanager_sns_topic_and_cluster_peers():
    arn = "arn:aws:sns:eu-west-2:123456789012:lowlat-alerts"
    checks = by_knob(amc.checks({}, *alertmanager(topic=arn, peers=["10.0.2.1:9094"])))
    assert checks["alertmanager alerts to the SNS alert topic"] == {
        "knob": "alertmanager alerts to the SNS alert topic",
        "kind": "file_line",
        "path": "/etc/prometheus/alertmanager.yml",
        "line": f"  - topic_arn: {arn}",
        "scope": "persistent",
    }
    assert "alertmanager clustering" not in checks


def test_grafana_provisioning_files_and_dashboards():
    settings, host = grafana()
    settings["dir"] = '/srv/d "x"'
    checks = gdc.checks({}, settings, host)
    assert checks[0]["line"] == '      path: "/srv/d \\"x\\""'
    assert checks[1] == {
        "knob": "grafana Prometheus datasource",
        "kind": "file_line",
        "path": "/etc/grafana/provisioning/datasources/lowlat.yml",
        "line": '    url: "http://10.0.1.6:9090"',
        "scope": "persistent",
    }
    engine = by_knob(checks)["grafana dashboard lowlat-engine.json"]
    assert engine["path"] == '/srv/d "x"/lowlat-engine.json'
    assert engine["line"] == '  "uid": "lowlat-engine",'


def test_grafana_without_admin_secret_or_grafana_installed():
    checks = gdc.checks({}, *grafana(user="admin", group="grafana"))
    assert not [c for c in checks if "admin" in c["knob"]]
    assert checks[-1] == {
        "knob": "grafana running",
        "kind": "not_applicable",
        "reason": "grafana-server.service is not installed: this role provisions dashboards and the datasource "
        "only; install Grafana from its packages",
    }


@pytest.mark.parametrize(("user", "expected"), [("admin", True), ("", False), (None, False)])
def test_grafana_admin_password_file_and_drop_in(user, expected):
    checks = by_knob(
        gdc.checks({}, *grafana(secret="lowlat/grafana", user=user, group="grafana", installed=True))
    )
    password = checks["grafana admin password file"]
    assert password["argv"] == ["stat", "-c", "%a %U:%G", "/etc/grafana/lowlat-admin-password"]
    assert password["expected"] == "present, 0640 root:grafana (content not recorded)"
    assert re.search(password["pattern"], "640 root:grafana\n", re.M)
    assert not re.search(password["pattern"], "644 root:grafana\n", re.M)
    assert not re.search(password["pattern"], "640 root:root\n", re.M)
    assert checks["grafana admin password read from the file"]["line"] == (
        "Environment=GF_SECURITY_ADMIN_PASSWORD=$__file{/etc/grafana/lowlat-admin-password}"
    )
    assert ("grafana admin user" in checks) is expected
    if expected:
        assert checks["grafana admin user"]["line"] == "Environment=GF_SECURITY_ADMIN_USER=admin"
    assert checks["grafana running"]["kind"] == "service"
