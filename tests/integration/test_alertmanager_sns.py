"""The alertmanager role's SNS receiver, end to end against SNS as emulated by moto.

1. moto (the session's server on 127.0.0.1) holds the platform's alert topic in eu-west-2, as
   terraform/modules/events makes it, and an SQS queue subscribed to it (the test's eyes);
2. ansible-playbook runs the role's preflight on the controller and renders alertmanager.yml from the
   role's own template and variables, with alertmanager_sns_topic_arn set (as the generated
   group_vars of docs/platform.md set it) and alertmanager_sns_api_url pointing at moto;
3. the real Alertmanager (Debian's prometheus-alertmanager, installed by tools/install-system-deps.sh)
   runs that file on 127.0.0.1 with fake credentials in its environment, gets alerts through its API
   and publishes them: a critical one arrives in the queue with the role's short subject (firing,
   then resolved), an alert of a severity outside alertmanager_sns_severities never does.

The preflight's refusals of bad SNS settings are checked on the same controller play (preflight
changes nothing).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.lowlat_testbed.moto_server import FAKE_CREDENTIALS, MotoServer, free_port, safe_aws_env

pytestmark = [pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "roles" / "alertmanager" / "templates" / "alertmanager.yml.j2"
DEBIAN_VARS = REPO / "roles" / "alertmanager" / "vars" / "Debian.yml"
REGION = "eu-west-2"
ALERTMANAGER = shutil.which("prometheus-alertmanager")
AMTOOL = shutil.which("amtool")

PLAYBOOK = """\
---
- name: Render alertmanager.yml as the alertmanager role does
  hosts: all
  gather_facts: false
  vars:
    # The monitoring host's facts the preflight reads (this controller may not run systemd).
    ansible_facts: {{service_mgr: systemd, os_family: Debian}}
  tasks:
    - name: The OS family's package and path names, as the role's main.yml loads them
      ansible.builtin.include_vars: {debian_vars}

    - name: The role's preflight (also loads its defaults and vars)
      ansible.builtin.include_role:
        name: lowlat.trading.alertmanager
        tasks_from: preflight.yml
        public: true

    - name: The role's template
      ansible.builtin.template:
        src: {template}
        dest: "{{{{ rendered_config }}}}"
        mode: "0600"
"""


@dataclass
class Rendered:
    rc: int
    output: str
    config: Path


def _render(workdir: Path, name: str, variables: dict[str, Any]) -> Rendered:
    inventory = workdir / "inventory.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "all": {
                    "hosts": {
                        "controller": {
                            "ansible_connection": "local",
                            "ansible_python_interpreter": sys.executable,
                        }
                    }
                }
            }
        )
    )
    (workdir / "play.yml").write_text(PLAYBOOK.format(template=TEMPLATE, debian_vars=DEBIAN_VARS))
    config = workdir / f"{name}.alertmanager.yml"
    vars_file = workdir / f"{name}.vars.json"
    vars_file.write_text(json.dumps({**variables, "rendered_config": str(config)}))
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(inventory), "-e", f"@{vars_file}",
         str(workdir / "play.yml")],
        env={**safe_aws_env(), "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"},
        cwd=workdir, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return Rendered(proc.returncode, proc.stdout + proc.stderr, config)


def _base_vars(topic_arn: str, api_url: str) -> dict[str, Any]:
    return {
        "alertmanager_listen_address": "127.0.0.1",
        "alertmanager_sns_topic_arn": topic_arn,
        "alertmanager_sns_api_url": api_url,
        # Notify at once (the defaults wait 10 s and group for a minute).
        "alertmanager_group_wait": "1s",
        "alertmanager_group_interval": "2s",
    }


@dataclass
class Setup:
    topic_arn: str
    queue_url: str
    sqs: Any
    workdir: Path
    moto_url: str


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, moto_server: MotoServer) -> Setup:
    if not Path(sys.executable).with_name("ansible-playbook").exists():
        pytest.skip("ansible-playbook is not installed next to this Python")
    workdir = tmp_path_factory.mktemp("alertmanager-sns")
    sns, sqs = moto_server.client("sns", REGION), moto_server.client("sqs", REGION)
    suffix = workdir.name.replace("_", "-")[-12:]
    topic_arn = sns.create_topic(Name=f"lowlat-it-alerts-{suffix}")["TopicArn"]
    queue_url = sqs.create_queue(QueueName=f"lowlat-it-alert-watch-{suffix}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return Setup(topic_arn, queue_url, sqs, workdir, moto_server.url)


@pytest.fixture(scope="module")
def rendered(setup: Setup) -> Rendered:
    result = _render(setup.workdir, "sns", _base_vars(setup.topic_arn, setup.moto_url))
    assert result.rc == 0, result.output
    return result


@pytest.fixture(scope="module")
def alertmanager(setup: Setup, rendered: Rendered) -> Iterator[str]:
    if ALERTMANAGER is None:
        pytest.skip("prometheus-alertmanager is not installed (tools/install-system-deps.sh installs it)")
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(setup.workdir),
        # The default credential chain of the sigv4 settings: what the instance role gives on EC2.
        **FAKE_CREDENTIALS,
    }
    log = (setup.workdir / "alertmanager.log").open("w")
    proc = subprocess.Popen(
        [ALERTMANAGER, f"--config.file={rendered.config}", f"--storage.path={setup.workdir / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=debug"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/-/ready", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Alertmanager did not start: {(setup.workdir / 'alertmanager.log').read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _post_alerts(url: str, alerts: list[dict[str, Any]]) -> None:
    request = urllib.request.Request(
        f"{url}/api/v2/alerts", data=json.dumps(alerts).encode(), headers={"Content-Type": "application/json"},
        method="POST",
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def _alert(name: str, severity: str, ends: datetime | None = None) -> dict[str, Any]:
    alert: dict[str, Any] = {
        "labels": {"alertname": name, "severity": severity, "instance": "engine-a:8080"},
        "annotations": {"summary": f"{name} on engine-a"},
    }
    if ends is not None:
        alert["endsAt"] = ends.isoformat()
    return alert


def _notifications(setup: Setup, want: int, seconds: float) -> list[dict[str, Any]]:
    """SNS envelopes delivered to the watching queue: until `want` have come or the time is up."""
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while len(found) < want and time.monotonic() < deadline:
        answer = setup.sqs.receive_message(
            QueueUrl=setup.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        )
        for message in answer.get("Messages", []):
            found.append(json.loads(message["Body"]))
            setup.sqs.delete_message(QueueUrl=setup.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return found


def test_the_rendered_configuration_has_the_topic_route_first(rendered: Rendered, setup: Setup) -> None:
    config = yaml.safe_load(rendered.config.read_text())
    receivers = {r["name"]: r for r in config["receivers"]}
    sns = receivers["lowlat-sns-alert-topic"]["sns_configs"]
    assert sns == [{
        "topic_arn": setup.topic_arn,
        "sigv4": {"region": REGION},
        "subject": "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})",
        "send_resolved": True,
        "api_url": setup.moto_url,
    }]  # fmt: skip
    first = config["route"]["routes"][0]
    assert first == {
        "receiver": "lowlat-sns-alert-topic",
        "continue": True,
        "matchers": ['severity=~"critical|warning"'],
    }
    # The line the role's audit manifest expects (module_utils/alertmanager_checks.py).
    assert f"  - topic_arn: {setup.topic_arn}" in rendered.config.read_text().splitlines()
    # The severity routes still follow: the topic is in addition to them.
    assert [r["receiver"] for r in config["route"]["routes"][1:]] == ["null", "null"]


@pytest.mark.skipif(
    AMTOOL is None, reason="amtool is not installed (tools/install-system-deps.sh installs it)"
)
def test_amtool_accepts_the_rendered_configuration(rendered: Rendered) -> None:
    assert AMTOOL is not None
    check = subprocess.run(
        [AMTOOL, "check-config", str(rendered.config)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_alerts_reach_the_topic_firing_then_resolved(alertmanager: str, setup: Setup) -> None:
    # An info alert first: outside alertmanager_sns_severities, it must never reach the topic.
    _post_alerts(alertmanager, [_alert("LowlatInfoOnly", "info")])
    _post_alerts(alertmanager, [_alert("LowlatExecutionDelayHigh", "critical")])
    firing = _notifications(setup, 1, 30)
    assert [n["Subject"] for n in firing] == ["[FIRING] LowlatExecutionDelayHigh (critical)"], firing
    assert firing[0]["TopicArn"] == setup.topic_arn
    assert "engine-a:8080" in firing[0]["Message"]

    _post_alerts(
        alertmanager,
        [_alert("LowlatExecutionDelayHigh", "critical", datetime.now(UTC) - timedelta(seconds=1))],
    )
    resolved = _notifications(setup, 1, 30)
    assert [n["Subject"] for n in resolved] == ["[RESOLVED] LowlatExecutionDelayHigh (critical)"], resolved
    # Nothing else came: the info alert stayed off the topic.
    assert _notifications(setup, 1, 4) == []


REFUSALS = [
    ("fifo topic", {"alertmanager_sns_topic_arn": "arn:aws:sns:eu-west-2:123456789012:alerts.fifo"}),
    ("not an ARN", {"alertmanager_sns_topic_arn": "lowlat-prod-alerts"}),
    ("SQS ARN", {"alertmanager_sns_topic_arn": "arn:aws:sqs:eu-west-2:123456789012:alerts"}),
    ("no severities", {"alertmanager_sns_severities": []}),
    ("bad severity", {"alertmanager_sns_severities": ["Critical"]}),
    ("credentials in URL", {"alertmanager_sns_api_url": "https://key:secret@sns.eu-west-2.amazonaws.com"}),
    ("not http", {"alertmanager_sns_api_url": "sns.eu-west-2.amazonaws.com"}),
    (
        "receiver name taken",
        {"alertmanager_receivers": [{"name": "null"}, {"name": "lowlat-sns-alert-topic"}]},
    ),
]


@pytest.mark.parametrize(("case", "bad"), REFUSALS, ids=[c for c, _ in REFUSALS])
def test_preflight_refuses_bad_sns_settings(setup: Setup, case: str, bad: dict[str, Any]) -> None:
    variables = {**_base_vars("arn:aws:sns:eu-west-2:123456789012:lowlat-prod-alerts", ""), **bad}
    result = _render(setup.workdir, case.replace(" ", "-"), variables)
    assert result.rc != 0, result.output
    assert "Check the SNS alert topic settings" in result.output
    assert "must be a standard SNS topic's ARN" in result.output
    assert not result.config.exists()
