"""roles/rancher_agent against a local stub Rancher, in throwaway podman containers.

Rancher cannot run here. Each container (image localhost/lowlat-debian:bookworm, systemd as PID 1)
runs tests/integration/rancher_stub/server.py on ITS OWN 127.0.0.1: it serves a test CA at
/cacerts, a fake system-agent-install.sh that records its arguments (and only a hash of
CATTLE_TOKEN) and checks the token at /v3/connect/agent the way Rancher's config server does.
The certificates are made at test time; the registration token is random per session and comes
from AWS Secrets Manager as emulated by the session's moto server on the controller's 127.0.0.1
(the lookup runs on the controller), or from a plain variable.

Two containers run their sequences in parallel (the podman connection costs seconds per task):

- host "a": register (-vvv, token from Secrets Manager) -> run again (-vvv: nothing changes, nothing
  fetched) -> the same in --check --diff -> another server URL is refused -> re-registered with rancher_agent_force_reregister
  (-vvv, token from a plain variable);
- host "b": a wrong CA checksum fails before anything is fetched or installed -> --check --diff on
  the fresh host changes nothing -> a token Rancher refuses fails with the script's output shown,
  token masked (-vvv) -> a missing secret fails with the lookup's reason.

Every run's output is checked for both tokens. What a real Rancher would do after registration
(install RKE2 through the agent, apply the labels and taints to the node) is not tested here.

The containers are removed in a finalizer. Skipped when podman or the image is missing.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import string
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.containers import (
    CONTAINERS_CONF,
    missing_image_reason,
    podman,
    remove_container,
    start_systemd_container,
)
from tests.integration.rancher_stub.certs import StubTLS, make_tls
from tools.lowlat_testbed.moto_server import MotoServer, safe_aws_env

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
STUB = Path(__file__).resolve().parent / "rancher_stub"
PORT = 9443
SERVER = f"https://127.0.0.1:{PORT}"
OTHER_SERVER = f"https://localhost:{PORT}"  # the same stub under another name: "another server"
SECRET_ID = "lowlat/rancher/registration"
REGION = "us-east-1"
STUB_SA_TOKEN = "stub-service-account-token-not-a-secret"  # inside the stub's connection info

UNIT = "/etc/systemd/system/rancher-system-agent.service"
RECORD = "/etc/lowlat/rancher_agent.yml"
MANIFEST = "/etc/lowlat/expected/rancher_agent.json"
CONN_INFO = "/var/lib/rancher/agent/rancher2_connection_info.json"
CALLS = "/var/lib/rancher-stub/install-calls.jsonl"
REQUESTS = "/opt/rancher-stub/requests.jsonl"

PLAYBOOK = """\
- name: Register with the stub Rancher
  hosts: all
  gather_facts: true
  gather_subset: [min]
  roles:
    - lowlat.trading.rancher_agent
"""

RECAP_RE = re.compile(
    r"^(?P<host>\S+)\s*:\s*ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
    r"\s+failed=(?P<failed>\d+)",
    re.M,
)


def _random_token(prefix: str = "") -> str:
    """Shaped like a Rancher registration token (lowercase letters and digits), unmistakable in logs."""
    alphabet = string.ascii_lowercase + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(54 - len(prefix)))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _skip_reason() -> str | None:
    if reason := missing_image_reason():
        return reason
    if not _ansible_playbook().exists():
        return "ansible-playbook is not installed next to this Python"
    return None


def _ansible_playbook() -> Path:
    return Path(sys.executable).with_name("ansible-playbook")


@dataclass
class Run:
    """One ansible-playbook run and what the container and the stub saw afterwards."""

    rc: int
    seconds: float
    output: str
    recap: dict[str, int]
    calls: list[dict[str, Any]]  # install script invocations recorded by the fake script
    requests: list[dict[str, Any]]  # requests the stub server answered
    files: dict[str, bool]  # path -> exists
    record: dict[str, Any] | None  # the role's registration record, parsed


@dataclass
class Host:
    """A throwaway systemd container with the stub Rancher listening on its own loopback."""

    name: str
    tls: StubTLS
    token_sha256: str
    workdir: Path
    runs: dict[str, Run] = field(default_factory=dict)

    def podman(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return podman(*args, check=check)

    def sh(self, script: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.podman("exec", self.name, "/bin/sh", "-c", script, check=check)

    def start(self) -> None:
        start_systemd_container(self.name)
        self.sh("mkdir -p /opt/rancher-stub")
        for src in (
            STUB / "server.py",
            STUB / "system-agent-install.sh",
            self.tls.ca,
            self.tls.cert,
            self.tls.key,
        ):
            self.podman("cp", str(src), f"{self.name}:/opt/rancher-stub/{src.name}")
        self.podman(
            "exec", "-d", self.name, "python3", "/opt/rancher-stub/server.py", "--port", str(PORT),
            "--cert", f"/opt/rancher-stub/{self.tls.cert.name}", "--key", f"/opt/rancher-stub/{self.tls.key.name}",
            "--ca", f"/opt/rancher-stub/{self.tls.ca.name}", "--script", "/opt/rancher-stub/system-agent-install.sh",
            "--token-sha256", self.token_sha256, "--log", REQUESTS, "--ready", "/opt/rancher-stub/ready",
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while self.sh("test -f /opt/rancher-stub/ready", check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: the stub Rancher did not start")
            time.sleep(0.2)

    def remove(self) -> None:
        remove_container(self.name)

    def jsonl(self, path: str) -> list[dict[str, Any]]:
        out = self.sh(f"cat {path} 2>/dev/null || true").stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def snapshot(self, rc: int, seconds: float, output: str) -> Run:
        paths = (UNIT, RECORD, MANIFEST, CONN_INFO)
        exists = self.sh("; ".join(f"test -e {p} && echo {p}" for p in paths) + "; true").stdout.split()
        record_text = self.sh(f"cat {RECORD} 2>/dev/null || true").stdout
        recap = next((m.groupdict() for m in RECAP_RE.finditer(output) if m["host"] == self.name), {})
        return Run(
            rc=rc,
            seconds=seconds,
            output=output,
            recap={k: int(v) for k, v in recap.items() if k != "host"},
            calls=self.jsonl(CALLS),
            requests=self.jsonl(REQUESTS),
            files={p: p in exists for p in paths},
            record=yaml.safe_load(record_text) if record_text.strip() else None,
        )

    def play(self, step: str, variables: dict[str, Any], env: dict[str, str], *options: str) -> Run:
        """Run the role on this container; keep the result under `step`."""
        (self.workdir / "play.yml").write_text(PLAYBOOK)
        # In real use the token sits in a vaulted vars file; here a plain one, outside the repository.
        vars_file = self.workdir / f"{step}.vars.json"
        vars_file.write_text(json.dumps(variables))
        started = time.monotonic()
        proc = subprocess.run(
            [str(_ansible_playbook()), "-i", f"{self.name},", "-c", "containers.podman.podman",
             "-e", f"@{vars_file}", *options, str(self.workdir / "play.yml")],
            env=env, cwd=self.workdir, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        vars_file.unlink()
        run = self.snapshot(proc.returncode, time.monotonic() - started, proc.stdout + proc.stderr)
        (self.workdir / f"{step}.log").write_text(run.output)
        self.runs[step] = run
        return run


PLAN = {
    "version": 1,
    "online": "0-35",
    "nr_cpus": 36,
    "housekeeping": "0,18",
    "irq": "1,19",
    "isolated": "2-17,20-35",
    "engine": "2-17,20-35",
    "idle_siblings": "",
    "irq_mode": "dedicated",
    "masks": {
        "housekeeping": "0,00040001",
        "irq": "0,00080002",
        "isolated": "f,fff3fffc",
        "engine": "f,fff3fffc",
    },
    "numa_node": 0,
    "nic": {"name": "eth0", "driver": "ena", "numa_node": 0, "queue_irqs": [25, 26], "queues": 2},
    "hugepages": [],
    "smt": "use_siblings",
    "smt_active": True,
    "topology": {
        "instance_type": "c5n.9xlarge",
        "fixture": "",
        "nodes": 1,
        "cores": 18,
        "threads_per_core": 2,
    },
    "notes": [],
}


@dataclass
class Scenario:
    token: str
    rejected_token: str
    checksum: str
    a: Host
    b: Host


def _base_vars(checksum: str) -> dict[str, Any]:
    return {
        # The plan role's facts, given directly: this test is about registration, and every remote
        # task costs seconds over the podman connection. A whole plan of the contract's version (the
        # role's preflight checks it): the planner's for a 36-vCPU single-node shape.
        "lowlat_plan": PLAN,
        "lowlat_state_dir": "/etc/lowlat",
        "lowlat_is_container": True,
        "rancher_agent_allow_container": True,
        # The fake script needs neither curl nor openssl, and the test must not depend on a mirror.
        "rancher_agent_install_packages": False,
        "rancher_agent_server_url": SERVER,
        "rancher_agent_ca_checksum": checksum,
        "rancher_agent_roles": ["worker", "etcd"],
        "rancher_agent_labels": {"lowlat.io/team": "md-desk"},
        "rancher_agent_taints": [{"key": "dedicated", "value": "md", "effect": "NoExecute"}],
        "rancher_agent_isolate_trading": True,
        "rancher_agent_host_role": "md",
        "rancher_agent_node_name": "md-1",
    }


def _sequence_a(host: Host, sc: Scenario, env: dict[str, str]) -> None:
    base = _base_vars(sc.checksum)
    from_secret = {
        **base,
        "rancher_agent_token_secret_id": SECRET_ID,
        "rancher_agent_token_secret_region": REGION,
        "rancher_agent_token_secret_key": "token",
    }
    if host.play("register", from_secret, env, "-vvv").rc != 0:
        return
    host.play("again", from_secret, env, "-vvv")
    host.play("again_check", from_secret, env, "--check", "--diff")
    host.play("other_server", {**from_secret, "rancher_agent_server_url": OTHER_SERVER}, env)
    host.play(
        "force",
        {**base, "rancher_agent_server_url": OTHER_SERVER, "rancher_agent_force_reregister": True,
         "rancher_agent_token": sc.token},
        env,
        "-vvv",
    )  # fmt: skip


def _sequence_b(host: Host, sc: Scenario, env: dict[str, str]) -> None:
    base = {**_base_vars(sc.checksum), "rancher_agent_token": sc.token}
    wrong = sc.checksum[::-1] if sc.checksum[::-1] != sc.checksum else "0" * 64
    host.play("wrong_checksum", {**base, "rancher_agent_ca_checksum": wrong}, env)
    host.play("check_fresh", base, env, "--check", "--diff")
    host.play("rejected_token", {**base, "rancher_agent_token": sc.rejected_token}, env, "-vvv")
    no_token = {k: v for k, v in base.items() if k != "rancher_agent_token"}
    host.play(
        "missing_secret",
        {
            **no_token,
            "rancher_agent_token_secret_id": "lowlat/rancher/missing",
            "rancher_agent_token_secret_region": REGION,
        },
        env,
    )


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, moto_server: MotoServer) -> Iterator[Scenario]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)

    token = _random_token()
    rejected = _random_token("rejected")
    moto_server.client("secretsmanager", REGION).create_secret(
        Name=SECRET_ID, SecretString=json.dumps({"token": token})
    )
    tls = make_tls(tmp_path_factory.mktemp("rancher-tls"))
    suffix = uuid.uuid4().hex[:8]
    hosts = [
        Host(f"lowlat-rancher-{x}-{suffix}", tls, _sha256(token), tmp_path_factory.mktemp(f"rancher-{x}"))
        for x in "ab"
    ]
    env = {
        **safe_aws_env(),  # fake credentials, no AWS profile or config file in reach
        "AWS_URL": moto_server.url,  # endpoint of the amazon.aws lookups: the local moto server
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_CACHE_PLUGIN": "memory",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "CONTAINERS_CONF": str(CONTAINERS_CONF),
    }
    sc = Scenario(token, rejected, tls.ca_sha256, *hosts)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for f in [pool.submit(h.start) for h in hosts]:
                f.result()
            futures = [pool.submit(_sequence_a, sc.a, sc, env), pool.submit(_sequence_b, sc.b, sc, env)]
            for f in futures:
                f.result()
        yield sc
    finally:
        for h in hosts:
            h.remove()


def _assert_ok(run: Run) -> None:
    assert run.rc == 0, run.output[-6000:]
    assert run.recap.get("failed") == 0, run.output[-6000:]


def _installed(run: Run) -> bool:
    return run.files[UNIT] or run.files[CONN_INFO]


# --- host a: registration, idempotence, another server, forced re-registration ------------------


def test_registers_with_the_expected_flags(scenario: Scenario) -> None:
    run = scenario.a.runs["register"]
    _assert_ok(run)
    assert run.recap["changed"] > 0
    assert len(run.calls) == 1
    call = run.calls[0]
    assert call["argv"] == [
        "--server", SERVER,
        "--ca-checksum", scenario.checksum,
        "--etcd", "--worker",
        "--label", "cattle.io/os=linux",
        "--label", "lowlat.io/role=md",
        "--label", "lowlat.io/team=md-desk",
        "--label", "lowlat.io/trading=true",
        "--taint", "dedicated=md:NoExecute",
        "--taint", "lowlat.io/trading=true:NoSchedule",
        "--node-name", "md-1",
    ]  # fmt: skip
    # The token came from the Secrets Manager secret, through the environment, not the command line.
    assert call["token_sha256"] == _sha256(scenario.token)
    assert call["token_in_argv"] is False
    assert "CATTLE_TOKEN" in call["cattle_env"]


def test_rancher_saw_the_token_roles_labels_and_taints(scenario: Scenario) -> None:
    run = scenario.a.runs["register"]
    connects = [r for r in run.requests if r["path"] == "/v3/connect/agent"]
    assert len(connects) == 1
    connect = connects[0]
    assert connect["status"] == 200
    assert connect["token_sha256"] == _sha256(scenario.token)
    headers = {k.lower(): v for k, v in connect["cattle"].items()}
    assert headers["x-cattle-role-etcd"] == "true"
    assert headers["x-cattle-role-worker"] == "true"
    assert headers["x-cattle-role-control-plane"] == "false"
    assert headers["x-cattle-node-name"] == "md-1"
    assert headers["x-cattle-labels"] == (
        "cattle.io/os=linux,lowlat.io/role=md,lowlat.io/team=md-desk,lowlat.io/trading=true"
    )
    assert headers["x-cattle-taints"] == "dedicated=md:NoExecute,lowlat.io/trading=true:NoSchedule"


def test_install_script_was_fetched_after_the_ca_check(scenario: Scenario) -> None:
    paths = [r["path"] for r in scenario.a.runs["register"].requests]
    assert paths.index("/cacerts") < paths.index("/system-agent-install.sh")


def test_registration_is_recorded_and_the_agent_runs(scenario: Scenario) -> None:
    a = scenario.a
    run = a.runs["register"]
    assert run.files[UNIT] and run.files[CONN_INFO] and run.files[MANIFEST]
    assert run.record is not None
    assert run.record["server"] == SERVER
    assert run.record["ca_checksum"] == scenario.checksum
    assert run.record["roles"] == ["etcd", "worker"]
    assert "lowlat.io/trading=true:NoSchedule" in run.record["taints"]
    assert scenario.token not in json.dumps(run.record)
    manifest = json.loads(a.sh(f"cat {MANIFEST}").stdout)
    kinds = {c["knob"]: c["kind"] for c in manifest["checks"]}
    assert kinds["rancher-system-agent running"] == "service"
    assert kinds["Rancher registration server"] == "file_line"


def test_kubelet_cpu_settings_for_the_plan_are_shown(scenario: Scenario) -> None:
    text = " ".join(scenario.a.runs["again"].output.split())
    assert "reserved-cpus=1-17,19-35 (every CPU outside the plan" in text
    assert "housekeeping 0,18), cpu-manager-policy-options=strict-cpu-reservation=true" in text


def test_token_never_appears_in_the_output_even_at_vvv(scenario: Scenario) -> None:
    # register: from Secrets Manager; force: from rancher_agent_token; rejected_token: masked failure.
    verbose = [scenario.a.runs[s] for s in ("register", "again", "force")] + [
        scenario.b.runs["rejected_token"]
    ]
    for run in verbose:
        assert "task path:" in run.output and "> RUN [" in run.output  # really -vvv
        # The connection info holds the agent's own credential: read on later runs, never shown.
        assert STUB_SA_TOKEN not in run.output
    for host in (scenario.a, scenario.b):
        for step, run in host.runs.items():
            assert scenario.token not in run.output, step
            assert scenario.rejected_token not in run.output, step


def test_second_run_changes_nothing_and_fetches_nothing(scenario: Scenario) -> None:
    first, again = scenario.a.runs["register"], scenario.a.runs["again"]
    _assert_ok(again)
    assert again.recap["changed"] == 0, again.output[-6000:]
    assert len(again.calls) == 1
    assert again.requests == first.requests  # not even /cacerts: the token was not read either


def test_check_mode_on_a_registered_host_changes_nothing(scenario: Scenario) -> None:
    first, check = scenario.a.runs["register"], scenario.a.runs["again_check"]
    _assert_ok(check)
    assert check.recap["changed"] == 0, check.output[-6000:]
    assert len(check.calls) == 1
    assert check.requests == first.requests


def test_another_server_is_refused_without_force(scenario: Scenario) -> None:
    run = scenario.a.runs["other_server"]
    assert run.rc != 0
    assert run.recap["changed"] == 0
    assert f"registered with {SERVER}" in run.output
    assert "rancher_agent_force_reregister" in run.output
    assert len(run.calls) == 1
    assert run.record is not None and run.record["server"] == SERVER


def test_force_reregisters_with_the_other_server(scenario: Scenario) -> None:
    run = scenario.a.runs["force"]
    _assert_ok(run)
    assert len(run.calls) == 2
    assert run.calls[1]["argv"][:2] == ["--server", OTHER_SERVER]
    assert run.calls[1]["token_sha256"] == _sha256(scenario.token)  # this time from rancher_agent_token
    assert run.record is not None and run.record["server"] == OTHER_SERVER
    assert scenario.token not in run.output


# --- host b: failures before anything is installed, check mode ----------------------------------


def test_wrong_ca_checksum_fails_before_anything_is_installed(scenario: Scenario) -> None:
    run = scenario.b.runs["wrong_checksum"]
    assert run.rc != 0
    assert "Nothing was installed" in run.output
    assert f"/cacerts has sha256 {scenario.checksum}" in " ".join(run.output.split())
    assert run.recap["changed"] == 0
    assert [r["path"] for r in run.requests] == ["/cacerts"]  # no script download, no connect
    assert run.calls == []
    assert not _installed(run)
    assert not run.files[RECORD] and not run.files[MANIFEST]


def test_check_mode_on_a_fresh_host_changes_nothing(scenario: Scenario) -> None:
    run = scenario.b.runs["check_fresh"]
    _assert_ok(run)
    assert "would register with" in run.output
    assert run.calls == []
    assert [r["path"] for r in run.requests] == ["/cacerts", "/cacerts"]  # read-only CA check only
    assert not _installed(run)
    assert not run.files[RECORD] and not run.files[MANIFEST]
    assert scenario.token not in run.output


def test_rejected_token_fails_with_the_script_output_masked(scenario: Scenario) -> None:
    run = scenario.b.runs["rejected_token"]
    assert run.rc != 0
    assert len(run.calls) == 1
    assert run.calls[0]["token_sha256"] == _sha256(scenario.rejected_token)
    # The fake script prints the token on purpose; the role shows its output with the token masked.
    assert "401 received" in run.output
    assert "Bearer <token>" in run.output
    assert scenario.rejected_token not in run.output
    assert not _installed(run)
    assert not run.files[RECORD]


def test_unreadable_secret_fails_with_a_reason(scenario: Scenario) -> None:
    run = scenario.b.runs["missing_secret"]
    assert run.rc != 0
    text = " ".join(run.output.split())
    assert (
        'could not read the registration token from AWS Secrets Manager secret "lowlat/rancher/missing"'
        in text
    )
    assert "Nothing was installed" in text
    assert len(run.calls) == 1  # only the rejected-token run's
    assert not _installed(run)


def test_runtime_stays_reasonable(scenario: Scenario) -> None:
    """Both sequences run in parallel; each playbook run should stay well under a minute and a half."""
    for host in (scenario.a, scenario.b):
        for step, run in host.runs.items():
            assert run.seconds < 90, f"{host.name} {step}: {run.seconds:.0f} s"
