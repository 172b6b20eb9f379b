"""roles/rancher_agent's `import` entry point (tasks_from: import.yml) against the stub Rancher.

The import runs on the controller (a play on localhost, connection local), so no container is
needed: tests/integration/rancher_stub/server.py listens on this machine's 127.0.0.1 (a free port,
test-time CA and certificate) and answers the Rancher v3 calls of an "Import Existing" with the
bearer API token checked: clusters by name and create, cluster registration tokens (whose
manifestUrl, as in Rancher, is filled in a moment after creation) and the manifest download. It
records every request (never a token). The API token comes from AWS Secrets Manager, emulated by
the session's moto server on 127.0.0.1, or from a plain variable.

What is real and what is stood in:

- real: the role's tasks, Ansible's uri module talking TLS to the stub with only the verified CA
  trusted, the amazon.aws lookup against moto, the Rancher v3 request and answer shapes as the
  stub reproduces them (not checked against a real Rancher here);
- stood in: kubectl. There is no Kubernetes API server on this machine (no EKS, k3s or kind), and
  `kubectl apply --dry-run=client --validate=false` still fails without one (kubectl asks the API
  server for its resource list to map kinds before any dry run). The role's
  rancher_agent_import_kubectl points at tests/integration/rancher_stub/fake_kubectl.py, which
  answers `version --client`, `auth can-i '*' '*' --all-namespaces` and `apply -f FILE` the way
  kubectl prints them and records what it was given: the kubeconfig path and the sha256 of the
  manifest, compared here with what the stub served. Whether a real EKS cluster accepts the
  manifest and its agent connects is not tested; the agent's connection is simulated by the test
  (the stub's /_stub/clusters/<id>/connect marks the cluster as Rancher shows a connected one).

Sequence (one module fixture): import (-vvv, token from Secrets Manager) -> run again before the
agent connected (-vvv: nothing created, manifest re-applied and reported unchanged by kubectl) ->
the agent connects -> run again (nothing fetched or applied) -> --check on it -> --check with a
new cluster name -> a wrong token (-vvv) -> a kubeconfig whose identity is not a cluster admin ->
the preflight refusals, which must make no request at all.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import string
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.rancher_stub.certs import StubTLS, make_tls
from tools.lowlat_testbed.moto_server import MotoServer, safe_aws_env

pytestmark = [pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
STUB = Path(__file__).resolve().parent / "rancher_stub"
SECRET_ID = "lowlat/rancher/api-token"
REGION = "us-east-1"
CLUSTER = "lowlat-prod"  # the eks_cluster module's cluster_name in the operator's steps

PLAYBOOK = """\
- name: Import the EKS cluster into the stub Rancher
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Import
      ansible.builtin.include_role:
        name: lowlat.trading.rancher_agent
        tasks_from: import.yml
"""

KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://127.0.0.1:1
  name: {name}
contexts:
- context:
    cluster: {name}
    user: {user}
  name: {name}
current-context: {name}
users:
- name: {user}
  user:
    token: not-used-by-the-fake-kubectl
"""


def _random_token(prefix: str = "") -> str:
    alphabet = string.ascii_lowercase + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(54 - len(prefix)))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _ansible_playbook() -> Path:
    return Path(sys.executable).with_name("ansible-playbook")


@dataclass
class Run:
    rc: int
    seconds: float
    output: str
    changed: int
    failed: int
    requests: list[dict[str, Any]]  # the stub's requests during this run
    kubectl: list[dict[str, Any]]  # the fake kubectl's calls during this run

    def paths(self, method: str | None = None) -> list[str]:
        return [r["path"] for r in self.requests if method is None or r["method"] == method]

    @property
    def applies(self) -> list[dict[str, Any]]:
        return [c for c in self.kubectl if "applied" in c]

    @property
    def text(self) -> str:
        return " ".join(self.output.split())


@dataclass
class Stub:
    """The stub Rancher on 127.0.0.1 and a fake kubectl, in a private directory."""

    workdir: Path
    tls: StubTLS
    api_token: str
    proc: subprocess.Popen[bytes] | None = None
    port: int = 0
    runs: dict[str, Run] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.workdir / "requests.jsonl"

    @property
    def kubectl(self) -> Path:
        return self.workdir / "bin" / "kubectl"

    def start(self) -> None:
        (self.workdir / "bin").mkdir()
        self.kubectl.write_text(f"#!{sys.executable}\n" + (STUB / "fake_kubectl.py").read_text())
        self.kubectl.chmod(0o755)
        ready = self.workdir / "ready"
        self.proc = subprocess.Popen(
            [sys.executable, str(STUB / "server.py"), "--port", "0",
             "--cert", str(self.tls.cert), "--key", str(self.tls.key), "--ca", str(self.tls.ca),
             "--script", str(STUB / "system-agent-install.sh"), "--token-sha256", _sha256("unused"),
             "--api-token-sha256", _sha256(self.api_token), "--manifest-delay", "1",
             "--state", str(self.workdir / "state.json"), "--log", str(self.log), "--ready", str(ready)],
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not ready.exists() or not ready.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the stub Rancher did not start")
            time.sleep(0.1)
        self.port = int(ready.read_text())

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def state(self) -> dict[str, Any]:
        path = self.workdir / "state.json"
        return (
            json.loads(path.read_text()) if path.exists() else {"clusters": {}, "tokens": {}, "manifests": {}}
        )

    def connect(self, cluster_id: str) -> None:
        """What the cluster's cattle-cluster-agent would cause: Rancher shows the cluster connected."""
        import ssl

        context = ssl.create_default_context(cafile=str(self.tls.ca))
        request = urllib.request.Request(f"{self.url}/_stub/clusters/{cluster_id}/connect", method="POST")
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            assert answer.status == 200

    @staticmethod
    def _jsonl(path: Path) -> list[dict[str, Any]]:
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def play(self, step: str, variables: dict[str, Any], env: dict[str, str], *options: str) -> Run:
        playbook = self.workdir / "import.yml"
        playbook.write_text(PLAYBOOK)
        vars_file = self.workdir / f"{step}.vars.json"
        vars_file.write_text(json.dumps({"ansible_python_interpreter": sys.executable, **variables}))
        before_requests = len(self._jsonl(self.log))
        before_kubectl = len(self._jsonl(self.workdir / "bin" / "kubectl-calls.jsonl"))
        started = time.monotonic()
        proc = subprocess.run(
            [str(_ansible_playbook()), "-i", "localhost,", "-c", "local", "-e", f"@{vars_file}", *options,
             str(playbook)],
            env=env, cwd=self.workdir, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        vars_file.unlink()
        output = proc.stdout + proc.stderr
        (self.workdir / f"{step}.log").write_text(output)
        changed, failed = _recap(output)
        run = Run(
            rc=proc.returncode,
            seconds=time.monotonic() - started,
            output=output,
            changed=changed,
            failed=failed,
            requests=self._jsonl(self.log)[before_requests:],
            kubectl=self._jsonl(self.workdir / "bin" / "kubectl-calls.jsonl")[before_kubectl:],
        )
        self.runs[step] = run
        return run


@dataclass
class Scenario:
    stub: Stub
    wrong_token: str
    kubeconfig: Path
    not_admin_kubeconfig: Path
    state_dir: Path
    refusals: dict[str, Run]
    requests_after_refusals: int = -1

    @property
    def runs(self) -> dict[str, Run]:
        return self.stub.runs

    def registration_tokens(self) -> list[str]:
        return [t["token"] for t in self.stub.state()["tokens"].values() if t["token"]]


def _vars(sc_stub: Stub, kubeconfig: Path, state_dir: Path, **overrides: Any) -> dict[str, Any]:
    return {
        "rancher_agent_server_url": sc_stub.url,
        "rancher_agent_ca_checksum": sc_stub.tls.ca_sha256,
        "rancher_agent_import_cluster_name": CLUSTER,
        "rancher_agent_import_kubeconfig": str(kubeconfig),
        "rancher_agent_import_kubectl": str(sc_stub.kubectl),
        "rancher_agent_import_api_token_secret_id": SECRET_ID,
        "rancher_agent_import_api_token_secret_region": REGION,
        "rancher_agent_import_api_token_secret_key": "token",
        "rancher_agent_import_state_dir": str(state_dir),
        "rancher_agent_import_token_wait": 20,
        **overrides,
    }


# Preflight refusals: variables to change -> text the message must contain.
REFUSALS: dict[str, tuple[dict[str, Any], str]] = {
    "upper_case_name": (
        {"rancher_agent_import_cluster_name": "Lowlat_Prod"},
        "rancher_agent_import_cluster_name must be the cluster's name in Rancher, a DNS label",
    ),
    "local_name": (
        {"rancher_agent_import_cluster_name": "local"},
        'and not "local" (Rancher\'s own cluster)',
    ),
    "relative_kubeconfig": (
        {"rancher_agent_import_kubeconfig": "kube/lowlat-prod"},
        "rancher_agent_import_kubeconfig must be the absolute path of the target cluster's kubeconfig",
    ),
    "missing_kubeconfig": (
        {"rancher_agent_import_kubeconfig": "/nonexistent/lowlat-prod.kubeconfig"},
        "rancher_agent_import_kubeconfig /nonexistent/lowlat-prod.kubeconfig is not a readable file",
    ),
    "http_server": (
        {"rancher_agent_server_url": "http://127.0.0.1:1"},
        "rancher_agent_server_url must be Rancher's server URL, https://host[:port] with no path",
    ),
    "two_token_sources": (
        {"rancher_agent_import_api_token": "token-abcde:xyz"},
        "set exactly one of rancher_agent_import_api_token (vaulted) and rancher_agent_import_api_token_secret_id",
    ),
    "no_kubectl": (
        {"rancher_agent_import_kubectl": "/nonexistent/kubectl"},
        "Install kubectl or set rancher_agent_import_kubectl to its path",
    ),
}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, moto_server: MotoServer) -> Iterator[Scenario]:
    if not _ansible_playbook().exists():
        pytest.skip("ansible-playbook is not installed next to this Python")

    api_token = "token-" + _random_token()[:5] + ":" + _random_token()
    wrong_token = "token-" + _random_token()[:5] + ":" + _random_token("wrong")
    moto_server.client("secretsmanager", REGION).create_secret(
        Name=SECRET_ID, SecretString=json.dumps({"token": api_token})
    )
    workdir = tmp_path_factory.mktemp("rancher-import")
    stub = Stub(workdir, make_tls(workdir / "tls"), api_token)
    kubeconfig = workdir / "kube" / f"{CLUSTER}.kubeconfig"
    kubeconfig.parent.mkdir()
    kubeconfig.write_text(KUBECONFIG.format(name=CLUSTER, user="eks-admin"))
    not_admin = workdir / "kube" / "read-only.kubeconfig"
    not_admin.write_text(KUBECONFIG.format(name=CLUSTER, user="lowlat-test-not-admin"))
    state_dir = workdir / "state"
    env = {
        **safe_aws_env(),
        "AWS_URL": moto_server.url,  # endpoint of the amazon.aws lookup: the local moto server
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_CACHE_PLUGIN": "memory",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0",
    }
    env.pop("KUBECONFIG", None)
    sc = Scenario(stub, wrong_token, kubeconfig, not_admin, state_dir, {})
    stub.start()
    base = _vars(stub, kubeconfig, state_dir)
    try:
        # The refusals first, in parallel: each must fail in preflight, before any request.
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = {
                name: pool.submit(_refusal_run, stub, {**base, **changes}, env)
                for name, (changes, _) in REFUSALS.items()
            }
            sc.refusals.update({name: f.result() for name, f in futures.items()})
        sc.requests_after_refusals = len(stub._jsonl(stub.log))
        if stub.play("import", base, env, "-vvv").rc == 0:
            stub.play("again", base, env, "-vvv")
            stub.connect(next(iter(stub.state()["clusters"])))
            stub.play("connected", base, env)
            stub.play("check_connected", base, env, "--check", "--diff")
            stub.play(
                "check_new", {**base, "rancher_agent_import_cluster_name": "lowlat-dev"}, env, "--check"
            )
        no_secret = {
            k: v for k, v in base.items() if not k.startswith("rancher_agent_import_api_token_secret")
        }
        wrong = {
            **no_secret,
            "rancher_agent_import_cluster_name": "lowlat-dev",
            "rancher_agent_import_api_token": wrong_token,
        }
        stub.play("wrong_token", wrong, env, "-vvv")
        not_admin_vars = {
            **base,
            "rancher_agent_import_cluster_name": "lowlat-dev",
            "rancher_agent_import_kubeconfig": str(not_admin),
        }
        stub.play("not_admin", not_admin_vars, env)
        yield sc
    finally:
        stub.stop()


def _refusal_run(stub: Stub, variables: dict[str, Any], env: dict[str, str]) -> Run:
    """A run whose preflight must refuse, in its own directory (they run in parallel)."""
    work = stub.workdir / f"refusal-{secrets.token_hex(4)}"
    work.mkdir()
    playbook = work / "import.yml"
    playbook.write_text(PLAYBOOK)
    vars_file = work / "vars.json"
    vars_file.write_text(json.dumps({"ansible_python_interpreter": sys.executable, **variables}))
    started = time.monotonic()
    proc = subprocess.run(
        [str(_ansible_playbook()), "-i", "localhost,", "-c", "local", "-e", f"@{vars_file}", str(playbook)],
        env=env, cwd=work, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    output = proc.stdout + proc.stderr
    changed, failed = _recap(output)
    return Run(proc.returncode, time.monotonic() - started, output, changed, failed, [], [])


def _recap(output: str) -> tuple[int, int]:
    recap = next((line for line in output.splitlines() if line.startswith("localhost") and "ok=" in line), "")
    fields = dict(part.split("=", 1) for part in recap.split() if "=" in part)
    return int(fields.get("changed", -1)), int(fields.get("failed", -1))


def _assert_ok(run: Run) -> None:
    assert run.rc == 0, run.output[-6000:]
    assert run.failed == 0, run.output[-6000:]


def _record(sc: Scenario, name: str = CLUSTER) -> dict[str, Any] | None:
    path = sc.state_dir / f"rancher_import_{name}.yml"
    return yaml.safe_load(path.read_text()) if path.exists() else None


# --- first import --------------------------------------------------------------------------------


def test_import_creates_the_cluster_and_its_token(scenario: Scenario) -> None:
    run = scenario.runs["import"]
    _assert_ok(run)
    assert run.changed > 0
    state = scenario.stub.state()
    assert [c["name"] for c in state["clusters"].values()] == [CLUSTER]
    (cluster_id,) = state["clusters"]
    posts = [r for r in run.requests if r["method"] == "POST"]
    assert [(r["path"], r["status"]) for r in posts] == [
        ("/v3/clusters", 201),
        ("/v3/clusterregistrationtokens", 201),
    ]
    assert posts[0]["body"] == {
        "type": "cluster",
        "name": CLUSTER,
        "description": "EKS cluster imported by lowlat.trading.rancher_agent",
    }
    assert posts[1]["body"] == {"type": "clusterRegistrationToken", "clusterId": cluster_id}
    # Every API call carried the API token from Secrets Manager; the CA was checked first.
    api = [r for r in run.requests if r["path"].startswith(("/v3/clusters", "/v3/clusterregistrationtokens"))]
    assert api and all(r["token_sha256"] == _sha256(scenario.stub.api_token) for r in api)
    assert run.paths()[0] == "/cacerts"
    assert run.paths()[1] == f"/v3/clusters?name={CLUSTER}"


def test_import_waits_for_the_manifest_url(scenario: Scenario) -> None:
    """The stub fills the token in a second after creation, as Rancher's controller does: the role polls."""
    run = scenario.runs["import"]
    token_reads = [p for p in run.paths("GET") if p.startswith("/v3/clusterregistrationtokens")]
    assert len(token_reads) >= 3  # the lookup, then at least one poll that found no manifestUrl yet
    assert "FAILED - RETRYING" in run.output


def test_import_applies_the_served_manifest_with_the_kubeconfig(scenario: Scenario) -> None:
    run = scenario.runs["import"]
    (cluster_id,) = scenario.stub.state()["clusters"]
    downloads = [r for r in run.requests if r["path"].startswith("/v3/import/")]
    assert [(d["path"], d["status"]) for d in downloads] == [(f"/v3/import/<token>_{cluster_id}.yaml", 200)]
    assert downloads[0]["token_sha256"] == ""  # the manifest URL is the credential; no API token sent
    (apply,) = run.applies
    assert apply["applied"] == downloads[0]["body_sha256"]  # exactly the bytes the stub served
    assert apply["mode"] == "0o600"
    assert apply["kubeconfig"] == str(scenario.kubeconfig)
    commands = [c["command"] for c in run.kubectl if "command" in c]
    assert commands == [["version", "--client"], ["auth", "can-i"], ["apply", "-f"]]
    assert "deployment/cattle-cluster-agent created" in run.output


def test_import_is_recorded_without_tokens(scenario: Scenario) -> None:
    (cluster_id,) = scenario.stub.state()["clusters"]
    record = _record(scenario)
    assert record == {
        "server": scenario.stub.url,
        "cluster_name": CLUSTER,
        "cluster_id": cluster_id,
        "kubeconfig": str(scenario.kubeconfig),
    }
    text = (scenario.state_dir / f"rancher_import_{CLUSTER}.yml").read_text()
    for token in [scenario.stub.api_token, *scenario.registration_tokens()]:
        assert token not in text


# --- later runs: idempotence, the connected agent, check mode -----------------------------------


def test_second_run_creates_nothing_and_kubectl_reports_unchanged(scenario: Scenario) -> None:
    run = scenario.runs["again"]
    _assert_ok(run)
    assert run.changed == 0, run.output[-6000:]
    assert run.paths("POST") == []
    assert len(scenario.stub.state()["clusters"]) == 1 and len(scenario.stub.state()["tokens"]) == 1
    # The agent had not connected yet: the same manifest is applied again, and kubectl changes nothing.
    (apply,) = run.applies
    assert apply["applied"] == scenario.runs["import"].applies[0]["applied"]
    assert "deployment/cattle-cluster-agent unchanged" in run.output


def test_connected_cluster_is_left_alone(scenario: Scenario) -> None:
    run = scenario.runs["connected"]
    _assert_ok(run)
    assert run.changed == 0, run.output[-6000:]
    assert run.paths() == ["/cacerts", f"/v3/clusters?name={CLUSTER}"]  # no token read, no download
    assert run.kubectl == [c for c in run.kubectl if c.get("command") == ["version", "--client"]]
    assert "cattle-cluster-agent is connected: nothing to apply" in run.text


def test_check_mode_on_the_imported_cluster_changes_nothing(scenario: Scenario) -> None:
    run = scenario.runs["check_connected"]
    _assert_ok(run)
    assert run.changed == 0, run.output[-6000:]
    assert run.paths("POST") == []
    assert run.applies == []


def test_check_mode_on_a_new_cluster_writes_nothing(scenario: Scenario) -> None:
    run = scenario.runs["check_new"]
    _assert_ok(run)
    assert run.changed > 0  # it says what it would do
    assert "would create the imported cluster lowlat-dev" in run.text
    assert run.paths("POST") == []
    assert run.paths() == ["/cacerts", "/v3/clusters?name=lowlat-dev"]
    assert run.applies == []
    assert [c["name"] for c in scenario.stub.state()["clusters"].values()] == [CLUSTER]
    assert _record(scenario, "lowlat-dev") is None


# --- failures ---------------------------------------------------------------------------------------


def test_wrong_token_is_refused_with_a_clear_message(scenario: Scenario) -> None:
    run = scenario.runs["wrong_token"]
    assert run.rc != 0
    assert run.changed == 0
    assert "Rancher refused the API token (HTTP 401) from rancher_agent_import_api_token" in run.text
    assert run.paths("POST") == []
    assert run.applies == []
    assert all(
        r["token_sha256"] == _sha256(scenario.wrong_token)
        for r in run.requests
        if r["path"].startswith("/v3")
    )


def test_non_admin_kubeconfig_is_refused_before_anything_is_created(scenario: Scenario) -> None:
    run = scenario.runs["not_admin"]
    assert run.rc != 0
    assert "is not a cluster admin of the cluster it points at" in run.text
    assert "AmazonEKSClusterAdminPolicy" in run.text
    assert run.paths("POST") == []
    assert run.applies == []
    assert [c["name"] for c in scenario.stub.state()["clusters"].values()] == [CLUSTER]


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_preflight_refusals(scenario: Scenario, name: str) -> None:
    run = scenario.refusals[name]
    assert run.rc != 0, run.output[-4000:]
    assert run.changed == 0
    assert REFUSALS[name][1] in run.text, run.output[-4000:]
    assert "Nothing was changed" in run.text


def test_refusals_made_no_request(scenario: Scenario) -> None:
    assert scenario.requests_after_refusals == 0


def test_tokens_never_appear_in_the_output_even_at_vvv(scenario: Scenario) -> None:
    secrets_ = [scenario.stub.api_token, scenario.wrong_token, *scenario.registration_tokens()]
    assert len(secrets_) == 3
    for step in ("import", "again", "wrong_token"):
        assert "task path:" in scenario.runs[step].output  # really -vvv
    runs = {**scenario.runs, **{f"refusal {k}": v for k, v in scenario.refusals.items()}}
    for step, run in runs.items():
        for secret in secrets_:
            assert secret not in run.output, step
            assert secret.split(":")[-1] not in run.output, step


def test_runtime_stays_reasonable(scenario: Scenario) -> None:
    for step, run in scenario.runs.items():
        assert run.seconds < 60, f"{step}: {run.seconds:.0f} s"
