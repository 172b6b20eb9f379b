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

4. the grafana_dashboards role's admin tasks (tasks/admin.yml) read the Grafana admin secret (JSON
   {username, password}) the same way and write the password file and the grafana-server drop-in,
   both under this test's directory, then its audit tasks write the manifest there: the file holds
   the secret's password (compared by sha256), mode 0640; the drop-in names the user and the file;
   a second run and a --check --diff run change nothing; another region, and a secret whose password
   is too short, fail with the role's reasons and write nothing; no output holds the password.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
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

from tools.lowlat_testbed.moto_server import MotoServer, safe_aws_env

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


GRAFANA_PLAYBOOK = """\
---
- name: Set Grafana's admin credential from the platform's secret
  hosts: all
  gather_facts: false
  tasks:
    - name: The grafana_dashboards role's admin tasks (lookup on the controller, no_log)
      ansible.builtin.include_role:
        name: lowlat.trading.grafana_dashboards
        tasks_from: admin.yml

    - name: The grafana_dashboards role's audit manifest (under lowlat_state_dir)
      ansible.builtin.include_role:
        name: lowlat.trading.grafana_dashboards
        tasks_from: audit.yml
"""
RECAP_RE = re.compile(
    r"^controller\s*:\s*ok=\d+\s+changed=(?P<changed>\d+)\s+unreachable=\d+\s+failed=(?P<failed>\d+)", re.M
)


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
    workdir: Path
    inventory: Path
    env: dict[str, str]


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


def _playbook(
    workdir: Path, inventory: Path, env: dict[str, str], *args: str, playbook: str = "play.yml"
) -> Play:
    started = time.monotonic()
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(inventory), *args,
         str(workdir / playbook)],
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
    values, arns = _create_platform_secrets(moto_server.client("secretsmanager", REGION), name)

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
    yield Scenario(name, values, arns, generated, tool.stdout + tool.stderr, plays, workdir, inventory, env)


def test_the_generated_file_points_at_the_secret(scenario: Scenario) -> None:
    data = yaml.safe_load(scenario.generated.read_text())
    token_arn = scenario.arns["rancher_agent_token"]
    assert token_arn.startswith(f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{scenario.name}/")
    assert data["rancher_agent_token_secret_id"] == token_arn
    assert data["rancher_agent_token_secret_region"] == REGION
    assert data["grafana_dashboards_admin_secret_id"] == scenario.arns["grafana_admin"]
    assert data["grafana_dashboards_admin_secret_region"] == REGION
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
        "lowlat.trading.common : Look up the secret on the controller",
        "lowlat.trading.rancher_agent : Pick the token",
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


# --- Grafana's admin credential (roles/grafana_dashboards/tasks/admin.yml) --------------------------


@dataclass
class GrafanaRuns:
    password: str
    password_file: Path
    dropin: Path
    manifest: Path
    short_value: str
    short_password_file: Path
    plays: dict[str, Play]


def _changed(play: Play) -> int:
    match = RECAP_RE.search(play.output)
    assert match, play.output[-3000:]
    return int(match["changed"])


@pytest.fixture(scope="module")
def grafana(scenario: Scenario, moto_server: MotoServer) -> GrafanaRuns:
    if os.geteuid() != 0:
        pytest.skip("the role writes the password file owned by root: run as root (as CI's containers do)")
    workdir = scenario.workdir
    (workdir / "grafana.yml").write_text(GRAFANA_PLAYBOOK)
    password = json.loads(scenario.values["grafana_admin"])["password"]
    # A second secret, as an operator might have made it by hand: a password too short to be kept.
    short_value = json.dumps({"username": "admin", "password": _random("grafanapw", 14)})
    short_arn = moto_server.client("secretsmanager", REGION).create_secret(
        Name=f"{scenario.name}/grafana/admin-short", SecretString=short_value
    )["ARN"]

    def paths(label: str) -> list[str]:
        root = workdir / label
        return [
            # The modules run on this controller: with this Python, not one found by discovery.
            "-e", f"ansible_python_interpreter={sys.executable}",
            "-e", f"grafana_dashboards_admin_password_file={root}/etc-grafana/lowlat-admin-password",
            "-e", f"grafana_dashboards_systemd_dropin_dir={root}/systemd/grafana-server.service.d",
            "-e", f"lowlat_state_dir={root}/state",
        ]  # fmt: skip

    # grafana_dashboards_admin_secret_id and _region come from the generated group_vars alone;
    # the failing runs override one of them on the command line.
    wrong_region = ["-e", "grafana_dashboards_admin_secret_region=us-east-1"]
    short = ["-e", f"grafana_dashboards_admin_secret_id={short_arn}"]
    plays = {
        "grafana_wrong_region": _playbook(workdir, scenario.inventory, scenario.env, "-vvv", *wrong_region,
                                          *paths("grafana-wrong-region"), playbook="grafana.yml"),
        "grafana": _playbook(workdir, scenario.inventory, scenario.env, "-vvv",
                             *paths("grafana"), playbook="grafana.yml"),
        "grafana_again": _playbook(workdir, scenario.inventory, scenario.env, "-vvv",
                                   *paths("grafana"), playbook="grafana.yml"),
        "grafana_check": _playbook(workdir, scenario.inventory, scenario.env, "-vvv", "--check", "--diff",
                                   *paths("grafana"), playbook="grafana.yml"),
        "grafana_short": _playbook(workdir, scenario.inventory, scenario.env, "-vvv", *short,
                                   *paths("grafana-short"), playbook="grafana.yml"),
    }  # fmt: skip
    for step, play in plays.items():
        (workdir / f"{step}.log").write_text(play.output)
    root = workdir / "grafana"
    return GrafanaRuns(
        password=password,
        password_file=root / "etc-grafana" / "lowlat-admin-password",
        dropin=root / "systemd" / "grafana-server.service.d" / "lowlat-admin.conf",
        manifest=root / "state" / "expected" / "grafana_dashboards.json",
        short_value=short_value,
        short_password_file=workdir / "grafana-short" / "etc-grafana" / "lowlat-admin-password",
        plays=plays,
    )


def test_grafana_password_file_holds_the_secret(grafana: GrafanaRuns) -> None:
    play = grafana.plays["grafana"]
    assert play.rc == 0, play.output[-6000:]
    assert "task path:" in play.output  # really -vvv
    assert _changed(play) > 0
    # Compared by sha256: the password itself is never printed by this test either.
    assert _sha256(grafana.password_file.read_text()) == _sha256(grafana.password)
    st = grafana.password_file.stat()
    assert oct(st.st_mode & 0o7777) == oct(0o640)
    assert st.st_uid == 0
    # This controller has no grafana group: the file stays root's until Grafana's packages make it.
    expected_gid = 0
    try:
        import grp

        expected_gid = grp.getgrnam("grafana").gr_gid
    except KeyError:
        pass
    assert st.st_gid == expected_gid
    for task in (
        "lowlat.trading.common : Look up the secret on the controller",
        "lowlat.trading.grafana_dashboards : Parse the secret",
        "lowlat.trading.grafana_dashboards : Write the admin password file",
    ):
        section = _task(play.output, task)
        assert NO_LOG in section, section


def test_grafana_dropin_points_at_the_file(grafana: GrafanaRuns) -> None:
    lines = grafana.dropin.read_text().splitlines()
    assert "[Service]" in lines
    assert "Environment=GF_SECURITY_ADMIN_USER=admin" in lines
    # grafana-server expands $__file{} in any setting, environment overrides included.
    assert f"Environment=GF_SECURITY_ADMIN_PASSWORD=$__file{{{grafana.password_file}}}" in lines
    assert grafana.password not in grafana.dropin.read_text()
    assert oct(grafana.dropin.stat().st_mode & 0o7777) == oct(0o644)


def test_grafana_audit_manifest_records_the_file_not_its_content(grafana: GrafanaRuns) -> None:
    text = grafana.manifest.read_text()
    assert grafana.password not in text
    assert _sha256(grafana.password) not in text
    assert hashlib.sha1(grafana.password.encode()).hexdigest() not in text
    checks = {c["knob"]: c for c in json.loads(text)["checks"]}
    stat = checks["grafana admin password file"]
    assert stat["kind"] == "command"
    assert stat["argv"] == ["stat", "-c", "%a %U:%G", str(grafana.password_file)]
    assert re.search(
        stat["pattern"], subprocess.run(stat["argv"], capture_output=True, text=True, check=True).stdout
    )
    assert checks["grafana admin user"]["line"] == "Environment=GF_SECURITY_ADMIN_USER=admin"
    assert checks["grafana admin password read from the file"]["path"] == str(grafana.dropin)


def test_grafana_second_run_and_check_mode_change_nothing(grafana: GrafanaRuns) -> None:
    for step in ("grafana_again", "grafana_check"):
        play = grafana.plays[step]
        assert play.rc == 0, play.output[-6000:]
        assert _changed(play) == 0, play.output[-6000:]


def test_grafana_wrong_region_fails_with_the_role_reason(grafana: GrafanaRuns, scenario: Scenario) -> None:
    play = grafana.plays["grafana_wrong_region"]
    assert play.rc != 0
    text = " ".join(play.output.split())
    assert (
        "could not read Grafana's admin credential from AWS Secrets Manager secret "
        f'"{scenario.arns["grafana_admin"]}" in us-east-1'
    ) in text
    assert "(ResourceNotFound)" in text
    assert "Nothing was written" in text
    assert not (scenario.workdir / "grafana-wrong-region").exists()


def test_grafana_short_password_is_refused_and_nothing_written(grafana: GrafanaRuns) -> None:
    play = grafana.plays["grafana_short"]
    assert play.rc != 0
    text = " ".join(play.output.split())
    assert 'the "password" of secret' in text
    assert "must be at least 16 characters" in text
    assert not grafana.short_password_file.exists()
    assert not grafana.short_password_file.parent.exists()


def test_grafana_password_appears_in_no_output(grafana: GrafanaRuns) -> None:
    short_password = json.loads(grafana.short_value)["password"]
    for step, play in grafana.plays.items():
        assert grafana.password not in play.output, step
        assert short_password not in play.output, step
        assert "grafanapw" not in play.output, step  # the prefix of every password made here


def test_grafana_runs_stay_fast(grafana: GrafanaRuns) -> None:
    for step, play in grafana.plays.items():
        assert play.seconds < 60, f"{step}: {play.seconds:.0f} s"
