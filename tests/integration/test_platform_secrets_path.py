"""From Terraform outputs to the Rancher token, against Secrets Manager as emulated by moto.

The path of docs/platform.md, end to end on the controller:

1. the secrets are created as terraform/modules/security/secrets.tf makes them (same names, same
   purposes; no KMS key), in eu-west-2 on the session's moto server on 127.0.0.1, and the operator's
   step is done: the Rancher registration token is put into its (empty) secret;
2. the prod fixture's `terraform output -json` gets the ARNs moto gave, and
   tools/tf_outputs_to_group_vars.py writes group_vars/all/platform.yml of a throwaway inventory;
3. ansible-playbook -vvv runs, on that inventory, the rancher_agent role's token tasks
   (tasks/token.yml: the amazon.aws.secretsmanager_secret lookup, no_log) with no variable but the
   generated ones, and proves by its sha256 that the token it holds is the secret's value.

The fake environment's default region is us-east-1, so the lookup finds the secret only through
rancher_agent_token_secret_region, parsed from the ARN by the tool; a second run with another region
fails with the role's reason. No secret value appears in the generated file or in any output.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import string
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.moto_server import FAKE_CREDENTIALS, MotoServer, safe_aws_env

pytestmark = [pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "tools" / "tf_outputs_to_group_vars.py"
FIXTURE = REPO / "tests" / "fixtures" / "terraform" / "prod_outputs.json"
REGION = "eu-west-2"  # where the prod fixture lives; not the fake environment's default region

PLAYBOOK = """\
---
- name: Read Rancher's registration token from the platform's secret
  hosts: all
  gather_facts: false
  tasks:
    - name: The rancher_agent role's token tasks (lookup on the controller, no_log)
      ansible.builtin.include_role:
        name: lowlat.trading.rancher_agent
        tasks_from: token.yml

    - name: The token is the secret's value (compared by its sha256 only)
      ansible.builtin.assert:
        that: __rancher_agent_token | hash('sha256') == expected_token_sha256
        fail_msg: the token read is not the secret's value
        success_msg: token read from the platform's secret
      no_log: true

    - name: What the generated group_vars gave (ARNs and names only)
      ansible.builtin.debug:
        msg: >-
          secret {{ rancher_agent_token_secret_id }} in {{ rancher_agent_token_secret_region }};
          order bus {{ lowlat_platform.order_bus_name }}
"""


def _random(prefix: str, length: int = 48) -> str:
    """Unmistakable in any log: a random lowercase/digit string."""
    alphabet = string.ascii_lowercase + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length - len(prefix)))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Play:
    rc: int
    output: str
    seconds: float


@dataclass
class Scenario:
    name: str
    values: dict[str, str]  # purpose -> the secret's value (never to be seen outside Secrets Manager)
    arns: dict[str, str]  # purpose -> ARN, as moto made it
    generated: Path
    generator_output: str
    plays: dict[str, Play]


def _secretsmanager(url: str) -> Any:
    import boto3

    return boto3.client(
        "secretsmanager",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
    )


def _create_platform_secrets(client: Any, name: str) -> tuple[dict[str, str], dict[str, str]]:
    """The three secrets of terraform/modules/security/secrets.tf, then the operator's token."""
    values = {
        "grafana_admin": json.dumps({"username": "admin", "password": _random("grafanapw")}),
        "rancher_bootstrap_admin": _random("bootstrappw"),
        "rancher_agent_token": _random("ranchertoken", 54),  # the shape of Rancher's tokens
    }
    names = {
        "grafana_admin": f"{name}/grafana/admin",
        "rancher_bootstrap_admin": f"{name}/rancher/bootstrap-admin-password",
        "rancher_agent_token": f"{name}/rancher/agent-registration-token",
    }
    arns = {}
    for purpose, secret_name in names.items():
        tags = [{"Key": "lowlat:secret", "Value": purpose}, {"Key": "Name", "Value": secret_name}]
        if purpose == "rancher_agent_token":
            # Terraform makes the container only; the operator stores the token Rancher issues.
            arns[purpose] = client.create_secret(Name=secret_name, Tags=tags)["ARN"]
            client.put_secret_value(SecretId=arns[purpose], SecretString=values[purpose])
        else:
            arns[purpose] = client.create_secret(Name=secret_name, Tags=tags, SecretString=values[purpose])[
                "ARN"
            ]
    return values, arns


def _playbook(workdir: Path, inventory: Path, env: dict[str, str], *args: str) -> Play:
    started = time.monotonic()
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(inventory), *args,
         str(workdir / "play.yml")],
        env=env, cwd=workdir, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return Play(proc.returncode, proc.stdout + proc.stderr, time.monotonic() - started)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, moto_server: MotoServer) -> Iterator[Scenario]:
    if not Path(sys.executable).with_name("ansible-playbook").exists():
        pytest.skip("ansible-playbook is not installed next to this Python")
    workdir = tmp_path_factory.mktemp("platform-secrets")
    # The session's moto server is shared: a name of this run's own (lowlat-<env> as the stack names).
    name = f"lowlat-it{uuid.uuid4().hex[:6]}"
    values, arns = _create_platform_secrets(_secretsmanager(moto_server.url), name)

    outputs = json.loads(FIXTURE.read_text())
    outputs["stack"]["value"]["platform"]["secret_arns"] = arns
    (workdir / "outputs.json").write_text(json.dumps(outputs, indent=2))

    inventory = workdir / "inventory"
    inventory.mkdir()
    (inventory / "hosts.yml").write_text(
        yaml.safe_dump({"all": {"hosts": {"controller": {"ansible_connection": "local"}}}})
    )
    generated = inventory / "group_vars" / "all" / "platform.yml"
    tool = subprocess.run(
        [sys.executable, str(TOOL), str(workdir / "outputs.json"), "--output", str(generated),
         "--source", "moto"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert tool.returncode == 0, tool.stderr
    (workdir / "play.yml").write_text(PLAYBOOK)

    env = {
        **safe_aws_env(),  # fake credentials, default region us-east-1, no AWS profile or config file
        "AWS_URL": moto_server.url,  # endpoint of the amazon.aws lookup: the local moto server
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_CACHE_PLUGIN": "memory",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
    }
    expected = ["-e", f"expected_token_sha256={_sha256(values['rancher_agent_token'])}"]
    wrong_region = ["-e", "rancher_agent_token_secret_region=us-east-1"]
    plays = {
        "read": _playbook(workdir, inventory, env, "-vvv", *expected),
        "wrong_region": _playbook(workdir, inventory, env, "-vvv", *expected, *wrong_region),
    }
    for step, play in plays.items():
        (workdir / f"{step}.log").write_text(play.output)
    yield Scenario(name, values, arns, generated, tool.stdout + tool.stderr, plays)


def test_the_generated_file_points_at_the_secret(scenario: Scenario) -> None:
    data = yaml.safe_load(scenario.generated.read_text())
    token_arn = scenario.arns["rancher_agent_token"]
    assert token_arn.startswith(f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{scenario.name}/")
    assert data["rancher_agent_token_secret_id"] == token_arn
    assert data["rancher_agent_token_secret_region"] == REGION
    assert data["lowlat_platform"]["secret_arns"] == scenario.arns


def test_no_secret_value_reaches_the_file(scenario: Scenario) -> None:
    text = scenario.generated.read_text()
    for purpose, value in scenario.values.items():
        assert value not in text, purpose
    assert "grafanapw" not in text and "ranchertoken" not in text and "bootstrappw" not in text


def _task(output: str, name: str) -> str:
    """The part of a playbook's output that belongs to the task called `name`."""
    start = output.index(f"TASK [{name}")
    end = output.find("\nTASK [", start + 1)
    return output[start : end if end >= 0 else len(output)]


NO_LOG = "the output has been hidden due to the fact that ''no_log: true'' was specified"


def test_the_token_is_read_from_secrets_manager(scenario: Scenario) -> None:
    play = scenario.plays["read"]
    assert play.rc == 0, play.output[-6000:]
    assert "task path:" in play.output  # really -vvv
    # The role's lookup ran and its result was hidden; so were the token's pick and the comparison
    # of its sha256 with the value put into moto (which passed: the play did not fail).
    for task in (
        "lowlat.trading.rancher_agent : Look up the secret on the controller",
        "lowlat.trading.rancher_agent : Pick the registration token",
        "The token is the secret's value",
    ):
        section = _task(play.output, task)
        assert "ok: [controller]" in section, section
        assert NO_LOG in section, section
    assert "ok=" in play.output and "failed=0" in play.output
    text = " ".join(play.output.split())
    assert f"secret {scenario.arns['rancher_agent_token']} in {REGION}" in text


def test_the_region_comes_from_the_generated_file(scenario: Scenario) -> None:
    play = scenario.plays["wrong_region"]
    assert play.rc != 0
    text = " ".join(play.output.split())
    assert (
        "could not read the registration token from AWS Secrets Manager secret "
        f'"{scenario.arns["rancher_agent_token"]}" in us-east-1'
    ) in text
    assert "The lookup plugin 'amazon.aws.secretsmanager_secret' failed" in text
    assert "(ResourceNotFound)" in text  # moto answered: the secret is not in that region


def test_no_secret_value_appears_in_any_output(scenario: Scenario) -> None:
    outputs = [scenario.generator_output, *(play.output for play in scenario.plays.values())]
    for output in outputs:
        for purpose, value in scenario.values.items():
            assert value not in output, purpose
        assert "ranchertoken" not in output


def test_it_stays_fast(scenario: Scenario) -> None:
    for step, play in scenario.plays.items():
        assert play.seconds < 60, f"{step}: {play.seconds:.0f} s"
