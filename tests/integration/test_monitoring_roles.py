"""roles node_exporter, alertmanager, prometheus and grafana_dashboards converged in one podman container.

One throwaway systemd container (image localhost/lowlat-debian:bookworm, which has the Debian
packages) plays the monitoring host; the inventory adds an engine host "engine-a" that is only an
address (the container's), so Prometheus gets an engine target without an engine running.
node_exporter gets TLS (a throwaway CA and certificate made here) and basic auth (a bcrypt hash made
here); Prometheus scrapes it over https with that CA and the password.

Sequence (module-scoped, the container is removed at teardown even on failure):
preflight rejections on the fresh container (each fails with its message, nothing is written) ->
converge -> converge again (changed=0) -> --check --diff (changed=0) -> live checks: Prometheus'
targets, Alertmanager ready, node_exporter only on the private address and only with TLS + auth,
the audit of the written manifests has no drift. Skipped when podman or the image is missing.
"""

from __future__ import annotations

import base64
import crypt  # bcrypt through libxcrypt, as node_exporter's web config wants; gone in Python 3.13
import json
import re
import secrets
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.containers import (
    missing_image_reason,
    podman,
    podman_env,
    remove_container,
    start_systemd_container,
)
from tests.integration.rancher_stub.certs import StubTLS, make_tls

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
TLS_DIR = "/etc/lowlat-test-tls"
DROPIN = "/etc/systemd/system/prometheus-node-exporter.service.d/lowlat.conf"
RECAP_RE = re.compile(
    r"^(?P<host>\S+)\s*:\s*ok=\d+\s+changed=(?P<changed>\d+)\s+unreachable=\d+\s+failed=(?P<failed>\d+)", re.M
)

ROLES = ("node_exporter", "alertmanager", "prometheus", "grafana_dashboards")
PLAYBOOK = """\
- name: Monitoring host
  hosts: monitoring
  gather_facts: true
  gather_subset: [min, network]
  roles: {roles}
"""


pytestmark.append(pytest.mark.skipif(missing_image_reason() is not None, reason=str(missing_image_reason())))


@dataclass
class Run:
    rc: int
    seconds: float
    output: str
    changed: int


@dataclass
class Host:
    name: str
    address: str
    workdir: Path
    password: str
    tls: StubTLS

    @cached_property
    def password_hash(self) -> str:
        """One bcrypt hash per session (a new salt each run would rewrite the web config)."""
        return crypt.crypt(self.password, crypt.mksalt(crypt.METHOD_BLOWFISH))

    def podman(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return podman(*args, check=check)

    def sh(self, script: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.podman("exec", self.name, "/bin/sh", "-c", script, check=check)

    def variables(self) -> dict[str, Any]:
        return {
            "node_exporter_tls_cert_file": f"{TLS_DIR}/server.pem",
            "node_exporter_tls_key_file": f"{TLS_DIR}/server.key",
            "node_exporter_basic_auth_user": "prometheus",
            "node_exporter_basic_auth_password_hash": self.password_hash,
            "prometheus_scrape_interval": "2s",
            "prometheus_scrape_timeout": "2s",
            "prometheus_node_exporter_scheme": "https",
            "prometheus_node_exporter_tls_ca_file": f"{TLS_DIR}/ca.pem",
            # The throwaway certificate names localhost and 127.0.0.1, not the container's address.
            "prometheus_node_exporter_tls_server_name": "localhost",
            "prometheus_node_exporter_basic_auth_user": "prometheus",
            "prometheus_node_exporter_basic_auth_password": self.password,
        }

    def play(
        self, step: str, extra: dict[str, Any] | None = None, *options: str, roles: tuple[str, ...] = ROLES
    ) -> Run:
        inventory = {
            "all": {
                "children": {
                    "monitoring": {
                        "hosts": {
                            self.name: {
                                "ansible_connection": "containers.podman.podman",
                                "lowlat_private_address": self.address,
                                "lowlat_role": "monitoring",
                            }
                        }
                    },
                    "role_monitoring": {"hosts": {self.name: {}}},
                    "role_engine": {"hosts": {"engine-a": {"lowlat_private_address": self.address, "lowlat_role": "engine"}}},
                }
            }
        }  # fmt: skip
        (self.workdir / "inventory.yml").write_text(yaml.safe_dump(inventory))
        (self.workdir / "play.yml").write_text(PLAYBOOK.format(roles=[f"lowlat.trading.{r}" for r in roles]))
        vars_file = self.workdir / f"{step}.vars.json"  # secrets: in real use a vaulted file
        vars_file.write_text(json.dumps({**self.variables(), **(extra or {})}))
        started = time.monotonic()
        proc = subprocess.run(
            [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(self.workdir / "inventory.yml"),
             "-e", f"@{vars_file}", *options, str(self.workdir / "play.yml")],
            env={**podman_env(), "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")},
            cwd=self.workdir, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        vars_file.unlink()
        output = proc.stdout + proc.stderr
        (self.workdir / f"{step}.log").write_text(output)
        recap = next((m for m in RECAP_RE.finditer(output) if m["host"] == self.name), None)
        run = Run(proc.returncode, time.monotonic() - started, output, int(recap["changed"]) if recap else -1)
        print(f"{step}: rc={run.rc} changed={run.changed} in {run.seconds:.1f}s")
        assert self.password not in output, f"{step}: the basic auth password was logged"
        return run


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    workdir = tmp_path_factory.mktemp("monitoring")
    name = f"lowlat-mon-{uuid.uuid4().hex[:8]}"
    try:
        address = start_systemd_container(name)
        tls = make_tls(workdir / "tls")
        h = Host(name, address, workdir, secrets.token_urlsafe(24), tls)
        h.sh(f"install -d -m 0750 -g prometheus {TLS_DIR}")
        for src, dest in ((tls.ca, "ca.pem"), (tls.cert, "server.pem"), (tls.key, "server.key")):
            h.podman("cp", str(src), f"{name}:{TLS_DIR}/{dest}")
        h.sh(f"chgrp prometheus {TLS_DIR}/* && chmod 0640 {TLS_DIR}/*")
        yield h
    finally:
        remove_container(name)


# step, the role whose preflight must refuse (alone in the play, so no other role changes anything
# first), its variables, the message.
REJECTIONS = [
    ("tls_without_key", "node_exporter", {"node_exporter_tls_key_file": ""}, "give both node_exporter_tls_cert_file and node_exporter_tls_key_file"),
    ("retention", "prometheus", {"prometheus_retention_time": "15 days"}, "durations must be Prometheus durations"),
    ("wildcard", "alertmanager", {"alertmanager_listen_address": "0.0.0.0"}, "not a wildcard, while alertmanager_listen_private_only is true"),
    ("no_engines", "prometheus", {"prometheus_engine_group": "role_nothing"}, 'the inventory group "role_nothing" (prometheus_engine_group) is missing or empty'),
    ("threshold", "prometheus", {"prometheus_alert_tick_to_trade_p99_seconds": 0}, "alert thresholds must be > 0 seconds"),
    ("grafana_secret_id", "grafana_dashboards", {"grafana_dashboards_admin_secret_id": "arn:aws:s3:::lowlat-grafana"}, "grafana_dashboards_admin_secret_id must be the name of a Secrets Manager secret"),
    ("grafana_region", "grafana_dashboards", {"grafana_dashboards_admin_secret_id": "lowlat-prod/grafana/admin", "grafana_dashboards_admin_secret_region": "eu west 2"}, "grafana_dashboards_admin_secret_region must be an AWS region such as eu-west-2"),
    ("grafana_relative_path", "grafana_dashboards", {"grafana_dashboards_admin_password_file": "grafana-admin-password"}, "grafana_dashboards_admin_password_file and grafana_dashboards_systemd_dropin_dir must be absolute paths"),
]  # fmt: skip


@pytest.fixture(scope="module")
def converged(host: Host) -> dict[str, Run]:
    """Rejections first (on the untouched container), then converge, converge again, check mode."""
    runs = {
        f"reject_{step}": host.play(f"reject_{step}", extra, roles=(role,))
        for step, role, extra, _ in REJECTIONS
    }
    runs["untouched"] = Run(0, 0, host.sh(f"ls {DROPIN} /etc/lowlat/expected 2>&1; true").stdout, 0)
    runs["converge"] = host.play("converge")
    runs["again"] = host.play("again")
    runs["check"] = host.play("check", None, "--check", "--diff")
    return runs


@pytest.mark.parametrize(("step", "message"), [(s, m) for s, _, _, m in REJECTIONS])
def test_preflight_rejects_before_any_change(converged: dict[str, Run], step: str, message: str) -> None:
    run = converged[f"reject_{step}"]
    assert run.rc != 0
    assert run.changed == 0
    assert message in " ".join(run.output.split()), run.output[-3000:]
    assert "No such file or directory" in converged["untouched"].output
    assert converged["untouched"].output.count("No such file") == 2


def test_converges_then_changes_nothing(converged: dict[str, Run]) -> None:
    assert converged["converge"].rc == 0, converged["converge"].output[-4000:]
    assert converged["converge"].changed > 0
    assert converged["again"].rc == 0, converged["again"].output[-4000:]
    assert converged["again"].changed == 0, converged["again"].output[-4000:]
    assert converged["check"].rc == 0, converged["check"].output[-4000:]
    assert converged["check"].changed == 0, converged["check"].output[-4000:]


def _get(
    url: str, auth: tuple[str, str] | None = None, context: ssl.SSLContext | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if auth:
        request.add_header(
            "Authorization", "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        )
    try:
        with urllib.request.urlopen(request, timeout=5, context=context) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_prometheus_scrapes_the_inventory_targets(host: Host, converged: dict[str, Run]) -> None:
    assert converged["converge"].rc == 0
    url = f"http://{host.address}:9090"
    deadline = time.monotonic() + 60
    while True:
        status, body = _get(f"{url}/api/v1/targets")
        targets = json.loads(body)["data"]["activeTargets"] if status == 200 else []
        by_job = {(t["labels"]["job"], t["labels"]["instance"]): t for t in targets}
        node = by_job.get(("lowlat-node", host.name))
        if node and node["health"] == "up":
            break
        if time.monotonic() > deadline:
            pytest.fail(f"node_exporter target not up: {node}")
        time.sleep(1)
    assert node["scrapeUrl"] == f"https://{host.address}:9100/metrics"
    assert node["labels"]["role"] == "monitoring"
    assert set(by_job) == {
        ("prometheus", host.name),
        ("lowlat-node", host.name),
        ("lowlat-node", "engine-a"),
        ("lowlat-engine", "engine-a"),
    }
    assert by_job[("lowlat-engine", "engine-a")]["scrapeUrl"] == f"http://{host.address}:9108/metrics"
    status, body = _get(f"{url}/api/v1/rules")
    alerts = {
        r["name"] for g in json.loads(body)["data"]["groups"] for r in g["rules"] if r["type"] == "alerting"
    }
    assert "LowlatExecutionDelayHigh" in alerts and "LowlatKillSwitchEngaged" in alerts
    status, body = _get(f"{url}/api/v1/alertmanagers")
    active = json.loads(body)["data"]["activeAlertmanagers"]
    assert [a["url"] for a in active] == [f"http://{host.address}:9093/api/v2/alerts"]


def test_alertmanager_is_ready_on_the_private_address(host: Host, converged: dict[str, Run]) -> None:
    assert converged["converge"].rc == 0
    assert _get(f"http://{host.address}:9093/-/ready")[0] == 200
    listening = host.sh("ss -Hltn 'sport = :9093'").stdout.split()
    assert f"{host.address}:9093" in listening
    # No cluster peers: the gossip port is closed.
    assert host.sh("ss -Hltnu 'sport = :9094'").stdout.strip() == ""


def test_node_exporter_wants_tls_and_auth_on_the_private_address_only(
    host: Host, converged: dict[str, Run]
) -> None:
    assert converged["converge"].rc == 0
    context = ssl.create_default_context(cafile=str(host.tls.ca))
    context.check_hostname = False  # the certificate names localhost; the address is the container's
    url = f"https://{host.address}:9100/metrics"
    status, body = _get(url, ("prometheus", host.password), context)
    assert status == 200 and b"node_softnet_processed_total" in body and b"node_interrupts_total" in body
    assert _get(url, None, context)[0] == 401
    assert _get(url, ("prometheus", "wrong"), context)[0] == 401
    status, body = _get(f"http://{host.address}:9100/metrics")  # plain HTTP to the TLS port
    assert status == 400 and b"HTTPS" in body
    assert host.sh("ss -Hltn 'sport = :9100'").stdout.split()[3] == f"{host.address}:9100"
    loopback = host.sh(
        "python3 -c \"import socket; socket.create_connection(('127.0.0.1', 9100), 2)\"", check=False
    )
    assert loopback.returncode != 0 and "Connection refused" in loopback.stderr


def test_audit_finds_no_drift(host: Host, converged: dict[str, Run]) -> None:
    assert converged["converge"].rc == 0
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("ansible")), "-i", str(host.workdir / "inventory.yml"), host.name,
         "-m", "lowlat.trading.audit", "-a", "dir=/etc/lowlat"],
        env={**podman_env(), "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
             "ANSIBLE_STDOUT_CALLBACK": "json"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(proc.stdout)["plays"][0]["tasks"][0]["hosts"][host.name]
    rows = result["rows"]
    assert {r["role"] for r in rows} == {"node_exporter", "alertmanager", "prometheus", "grafana_dashboards"}
    bad = [r for r in rows if r["status"] not in ("ok", "n/a")]
    assert not bad, bad
    na = {(r["role"], r["knob"]) for r in rows if r["status"] == "n/a"}
    assert na == {("alertmanager", "alertmanager clustering"), ("grafana_dashboards", "grafana running")}
