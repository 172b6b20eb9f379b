"""roles/trading_engine (and roles/market_simulators) in two throwaway podman containers.

Container "sims" runs the feed and venue simulators (market_simulators role) and serves wheels
over HTTP for the URL artifact cases; container "engine" gets a fixture c5n.9xlarge topology, the
plan role, and the engine (trading_engine role), so /readyz is really reached: feed joined over
UDP from the other container, venue session active over TCP.

Wheels are built at test time from engine/: the real one (0.1.0, deployed from a controller path)
and a broken one (0.2.0, from a URL) whose engine passes --check-config but raises at startup.

Sequence (the podman connection costs a second or two per task, so runs that change nothing run in
parallel): deploy v1 -> in parallel: the same again (changes nothing, no restart), --check --diff,
the audit, the preflight rejections, the release cleanup on a tree of its own -> deploy the broken
v2 (fails, rolls back to v1) -> the CloudWatch publisher turned off (removed).

The CloudWatch publisher is on from the first deploy: it talks to a stand-in for CloudWatch and the
instance metadata service on the sims container (FAKE_AWS below; a test drop-in points the
publisher's IMDS endpoint there), which records each PutMetricData it receives.

The containers are removed in a finalizer. Skipped when podman or the image is missing.
"""

from __future__ import annotations

import json
import os
import re
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
from tests.integration.engine_artifacts import ENGINE, Wheel, build_broken_wheel, build_wheel

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SHAPE = "c5n.9xlarge"
FIXTURE_ROOT = f"/opt/lowlat-fixture/{SHAPE}"
HTTP_PORT = 8000  # the sims container's artifact server
FAKE_AWS_PORT = 8001  # the sims container's stand-in for CloudWatch and IMDS

UNIT = "/etc/systemd/system/lowlat-engine.service"
CONFIG = "/etc/lowlat-engine/engine.toml"
CURRENT = "/opt/lowlat-engine/current"
RELEASES = "/opt/lowlat-engine/releases"
JOURNAL = "/var/lib/lowlat-engine/engine.journal"
MANIFEST = "/etc/lowlat/expected/trading_engine.json"
ADMIN_TOKEN_FILE = "/etc/lowlat-engine/admin.token"
ADMIN_TOKEN = "integration-test-admin-token-0123456789"  # a test value, not a secret
CW_UNIT = "/etc/systemd/system/lowlat-engine-cloudwatch.service"
CW_CONFIG = "/etc/lowlat-engine/cloudwatch.toml"
CW_REQUESTS = "/srv/cloudwatch-requests.jsonl"
CW_INTERVAL = 10
# Test values, not secrets: what the stand-in IMDS hands out as the instance role's credentials.
IMDS_ROLE_KEY = "ASIALOWLATTESTROLE"
IMDS_ROLE_TOKEN = "lowlat-test-role-session-token"

# Stand-in for CloudWatch (POST /: records the request, answers like PutMetricData) and IMDSv2
# (token, role, credentials), run with the sims container's python3.
FAKE_AWS = """\
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "imds-session-for-tests"
ROLE = "lowlat-engine-test-role"


class Handler(BaseHTTPRequestHandler):
    def send(self, status, body, ctype="text/plain"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        ok = self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        self.send(200 if ok else 400, TOKEN)

    def do_GET(self):
        prefix = "/latest/meta-data/iam/security-credentials/"
        if self.headers.get("X-aws-ec2-metadata-token") != TOKEN:
            self.send(401, "")
        elif self.path == prefix:
            self.send(200, ROLE)
        elif self.path == prefix + ROLE:
            doc = {"Code": "Success", "AccessKeyId": sys.argv[2], "SecretAccessKey": "lowlat-test-secret",
                   "Token": sys.argv[3], "Expiration": "2099-01-01T00:00:00Z"}
            self.send(200, json.dumps(doc))
        else:
            self.send(404, "")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        entry = {"auth": self.headers.get("Authorization", ""), "token": self.headers.get("X-Amz-Security-Token", ""),
                 "body": body}
        with open(sys.argv[4], "a") as f:
            f.write(json.dumps(entry) + "\\n")
        self.send(200, '<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">'
                       "<ResponseMetadata><RequestId>lowlat-test</RequestId></ResponseMetadata>"
                       "</PutMetricDataResponse>", "text/xml")

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()
"""

SIMS_PLAY = """\
- name: Simulators (lab only)
  hosts: role_feed:role_venue
  gather_facts: true
  gather_subset: [min]
  vars:
    lowlat_state_dir: /etc/lowlat
  roles:
    - lowlat.trading.market_simulators
"""
ENGINE_PLAY = """\
- name: Engine
  hosts: role_engine
  gather_facts: true
  gather_subset: [min, network, virtual]
  roles:
    - lowlat.trading.plan
    - lowlat.trading.trading_engine
"""
# Preflight rejections: the plan facts are given (from the first deploy's plan.json), no plan role.
ENGINE_ONLY_PLAY = """\
- name: Engine without the plan role
  hosts: role_engine
  gather_facts: true
  gather_subset: [min]
  roles:
    - lowlat.trading.trading_engine
"""

# The trading_engine role's cleanup alone, on a prepared release tree (see _prepare_cleanup).
CLEANUP_PLAY = """\
- name: Release cleanup
  hosts: role_engine
  gather_facts: false
  tasks:
    - name: Run the role's cleanup
      ansible.builtin.include_role:
        name: lowlat.trading.trading_engine
        tasks_from: cleanup.yml
      vars:
        trading_engine_install_dir: /opt/cleanup-test
        trading_engine_keep_releases: 2
"""
CLEANUP_STAGED = "9.9.9-aaaaaaaaaaaa"  # the release "just deployed" in the cleanup run

RECAP_RE = re.compile(
    r"^(?P<host>\S+)\s*:\s*ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
    r"\s+failed=(?P<failed>\d+)",
    re.M,
)
TASK_TIME_RE = re.compile(r"^(?P<task>.+?) -+ (?P<seconds>[0-9.]+)s$", re.M)


def _ansible_playbook() -> Path:
    return Path(sys.executable).with_name("ansible-playbook")


def _skip_reason() -> str | None:
    if reason := missing_image_reason():
        return reason
    if not _ansible_playbook().exists():
        return "ansible-playbook is not installed next to this Python"
    return None


@dataclass
class Container:
    name: str

    def sh(self, script: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return podman("exec", self.name, "/bin/sh", "-c", script, check=check)

    def start(self) -> None:
        start_systemd_container(self.name)

    @property
    def ip(self) -> str:
        return podman("inspect", "-f", "{{.NetworkSettings.IPAddress}}", self.name).stdout.strip()

    def remove(self) -> None:
        remove_container(self.name)

    def http_get(self, url: str) -> tuple[int, str]:
        """GET from inside the container (status -1 when nothing answers)."""
        code = (
            "import sys, urllib.request, urllib.error\n"
            "try:\n"
            "    r = urllib.request.urlopen(sys.argv[1], timeout=5); print(r.status); print(r.read().decode())\n"
            "except urllib.error.HTTPError as e:\n"
            "    print(e.code); print(e.read().decode())\n"
            "except OSError as e:\n"
            "    print(-1); print(e)\n"
        )
        out = podman("exec", self.name, "python3", "-c", code, url).stdout
        status, _, body = out.partition("\n")
        return int(status), body.strip()

    def http_post(self, url: str, token: str | None = None) -> tuple[int, str]:
        """POST from inside the container, with a bearer token when given."""
        code = (
            "import sys, urllib.request, urllib.error\n"
            "h = {'Authorization': 'Bearer ' + sys.argv[2]} if len(sys.argv) > 2 else {}\n"
            "req = urllib.request.Request(sys.argv[1], data=b'', method='POST', headers=h)\n"
            "try:\n"
            "    r = urllib.request.urlopen(req, timeout=5); print(r.status); print(r.read().decode())\n"
            "except urllib.error.HTTPError as e:\n"
            "    print(e.code); print(e.read().decode())\n"
            "except OSError as e:\n"
            "    print(-1); print(e)\n"
        )
        out = podman("exec", self.name, "python3", "-c", code, url, *([token] if token else [])).stdout
        status, _, body = out.partition("\n")
        return int(status), body.strip()


@dataclass
class EngineState:
    """What the engine host looks like after a run."""

    current: str
    main_pid: str
    active: str
    ready: tuple[int, str]
    build_version: str
    running_release: str
    journal: tuple[int, int]  # inode, size
    releases: list[str]


@dataclass
class Run:
    rc: int
    seconds: float
    output: str
    recap: dict[str, dict[str, int]]
    state: EngineState | None = None

    def text(self) -> str:
        return " ".join(self.output.split())

    def task_seconds(self, task: str) -> float:
        return sum(float(m["seconds"]) for m in TASK_TIME_RE.finditer(self.output) if task in m["task"])


@dataclass
class Lab:
    engine: Container
    sims: Container
    workdir: Path
    good: Wheel
    broken: Wheel
    env: dict[str, str]
    runs: dict[str, Run] = field(default_factory=dict)
    plan: dict[str, Any] = field(default_factory=dict)
    audit_rows: list[dict[str, Any]] = field(default_factory=list)
    between: EngineState | None = None  # after the parallel runs, before the broken deploy
    publisher: dict[str, str] = field(default_factory=dict)  # the publisher, after the parallel runs
    setup_seconds: float = 0.0

    @property
    def ready_url(self) -> str:
        return f"http://{self.engine.ip}:9108/readyz"

    def release_dir(self, wheel: Wheel) -> str:
        return f"{RELEASES}/{wheel.version}-{wheel.sha256[:12]}"

    def write_inventory(self) -> Path:
        inventory = {
            "all": {
                "vars": {
                    "ansible_connection": "containers.podman.podman",
                    "ansible_python_interpreter": "/usr/bin/python3",
                    "trading_engine_artifact": str(self.good.path),
                    "trading_engine_artifact_sha256": self.good.sha256,
                    "trading_engine_admin_token": ADMIN_TOKEN,
                    "market_simulators_feed_rate": 200,
                    # The lab's containers share two CPUs with the rest of the test command: under
                    # that load an ack can take over the default second, and the engine rightly
                    # engages its kill switch on a timeout, which is not what these tests are about.
                    "trading_engine_venue_order_timeout_ms": 10000,
                    "trading_engine_cloudwatch_namespace": "Lowlat/Engine",
                    "trading_engine_cloudwatch_region": "eu-west-2",
                    "trading_engine_cloudwatch_dimensions": {"Env": "lab"},
                    "trading_engine_cloudwatch_interval": CW_INTERVAL,
                    "trading_engine_cloudwatch_endpoint_url": f"http://{self.sims.ip}:{FAKE_AWS_PORT}/",
                },
                "children": {
                    "role_engine": {
                        "hosts": {
                            self.engine.name: {
                                "lowlat_private_address": self.engine.ip,
                                "plan_sysfs_root": FIXTURE_ROOT,
                                "plan_hugepages_2m": 512,
                            }
                        }
                    },
                    "role_feed": {"hosts": {self.sims.name: {"lowlat_private_address": self.sims.ip}}},
                    "role_venue": {"hosts": {self.sims.name: {}}},
                },
            }
        }
        path = self.workdir / "inventory.yml"
        path.write_text(yaml.safe_dump(inventory, sort_keys=False))
        return path

    def engine_state(self) -> EngineState:
        script = (
            f"readlink {CURRENT}; echo; systemctl show -p MainPID --value lowlat-engine.service; "
            "systemctl is-active lowlat-engine.service; "
            f"stat -c '%i %s' {JOURNAL} 2>/dev/null || echo '0 0'; "
            "pid=$(systemctl show -p MainPID --value lowlat-engine.service); "
            'tr "\\0" " " < /proc/$pid/cmdline 2>/dev/null; echo; '
            f"ls {RELEASES} 2>/dev/null | tr '\\n' ' '"
        )
        lines = self.engine.sh(script, check=False).stdout.split("\n")
        current, _, pid, active, journal, cmdline, releases = (lines + [""] * 7)[:7]
        metrics = self.engine.http_get(f"http://{self.engine.ip}:9108/metrics")[1]
        version = re.search(r'lowlat_engine_build_info\{[^}]*version="([^"]+)"', metrics)
        inode, size = (int(x) for x in journal.split())
        running = re.search(r"releases/([^/]+)/venv/bin/python", cmdline)
        return EngineState(
            current=current.strip(),
            main_pid=pid.strip(),
            active=active.strip(),
            ready=self.engine.http_get(self.ready_url),
            build_version=version.group(1) if version else "",
            running_release=running.group(1) if running else "",
            journal=(inode, size),
            releases=releases.split(),
        )

    def audit(self) -> list[dict[str, Any]]:
        """The lowlat audit module's rows for this role on the engine host (read-only)."""
        proc = subprocess.run(
            [str(_ansible_playbook().with_name("ansible")), "-i", str(self.workdir / "inventory.yml"), "-o",
             self.engine.name, "-m", "lowlat.trading.audit", "-a", "root=/"],
            env=self.env, cwd=self.workdir, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        _, _, result = proc.stdout.partition("=>")
        rows = json.loads(result)["rows"] if proc.returncode == 0 else []
        assert rows, proc.stdout + proc.stderr
        return [r for r in rows if r["role"] == "trading_engine"]

    def play(self, step: str, playbook: str, variables: dict[str, Any] | None = None, *options: str) -> Run:
        book = self.workdir / f"{step}.yml"
        book.write_text(playbook)
        args = [str(_ansible_playbook()), "-i", str(self.workdir / "inventory.yml"), *options, str(book)]
        if variables:
            vars_file = self.workdir / f"{step}.vars.json"
            vars_file.write_text(json.dumps(variables))
            args[1:1] = ["-e", f"@{vars_file}"]
        started = time.monotonic()
        proc = subprocess.run(
            args, env=self.env, cwd=self.workdir, capture_output=True, text=True, timeout=900, check=False
        )
        output = proc.stdout + proc.stderr
        (self.workdir / f"{step}.log").write_text(output)
        recap = {
            m["host"]: {k: int(v) for k, v in m.groupdict().items() if k != "host"}
            for m in RECAP_RE.finditer(output)
        }
        run = Run(proc.returncode, time.monotonic() - started, output, recap)
        self.runs[step] = run
        return run


def _reject_vars(lab: Lab, **overrides: Any) -> dict[str, Any]:
    """Plan facts as the first deploy recorded them, plus overrides."""
    return {
        "lowlat_plan": lab.plan,
        "lowlat_state_dir": "/etc/lowlat",
        "lowlat_is_container": True,
        "trading_engine_install_packages": False,  # no apt runs in parallel with other plays
        **overrides,
    }


def _rejections(lab: Lab) -> dict[str, dict[str, Any]]:
    wrong = lab.good.sha256[::-1]
    url = f"http://{lab.sims.ip}:{HTTP_PORT}"
    return {
        "reject_no_plan": {"lowlat_state_dir": "/etc/lowlat"},
        "reject_missing_sha": _reject_vars(lab, trading_engine_artifact_sha256=""),
        "reject_bad_sha": _reject_vars(lab, trading_engine_artifact_sha256="not-a-sha"),
        "reject_keep_one": _reject_vars(lab, trading_engine_keep_releases=1),
        "reject_not_a_wheel": _reject_vars(lab, trading_engine_artifact=f"{url}/lowlat-engine.tar.gz"),
        "reject_wrong_sha_local": _reject_vars(lab, trading_engine_artifact_sha256=wrong),
        "reject_wrong_sha_url": _reject_vars(
            lab, trading_engine_artifact=f"{url}/{lab.good.path.name}", trading_engine_artifact_sha256=wrong
        ),
        # Every CloudWatch setting wrong at once: one run, one message naming each.
        "reject_cloudwatch": _reject_vars(
            lab,
            trading_engine_cloudwatch_namespace="AWS/EC2",
            trading_engine_cloudwatch_region="eu-west",
            trading_engine_cloudwatch_interval=5,
            trading_engine_cloudwatch_dimensions={f"D{i}": "" if i == 0 else "v" for i in range(31)},
            trading_engine_cloudwatch_endpoint_url="ftp://example.invalid/",
        ),
        "reject_cloudwatch_interval": _reject_vars(lab, trading_engine_cloudwatch_interval=3601),
    }


def _prepare_cleanup(lab: Lab) -> None:
    """Six complete releases (r1 oldest ... r5, then the staged one newest), one incomplete; current
    -> r1 and previous -> r2 (both older than what keep_releases=2 alone would keep)."""
    root = "/opt/cleanup-test/releases"
    script = [f"mkdir -p {root}/r6-incomplete"]
    for age, name in enumerate(["r5", "r4", "r3", "r2", "r1"], start=1):
        script.append(f"mkdir -p {root}/{name} && touch -d '-{age} hour' {root}/{name}/.lowlat-release.json")
    script.append(f"mkdir -p {root}/{CLEANUP_STAGED} && touch {root}/{CLEANUP_STAGED}/.lowlat-release.json")
    script.append(
        f"ln -sfn {root}/r1 /opt/cleanup-test/current && ln -sfn {root}/r2 /opt/cleanup-test/previous"
    )
    lab.engine.sh(" && ".join(script))


def _sequence(lab: Lab) -> None:
    site = SIMS_PLAY + "\n" + ENGINE_PLAY
    timing = ("-e", "trading_engine_ready_timeout=60")
    deploy = lab.play("deploy_v1", site, None, *timing)
    deploy.state = lab.engine_state()
    if deploy.rc != 0:
        return
    lab.plan = json.loads(lab.engine.sh("cat /etc/lowlat/plan.json").stdout)

    def run_with_state(step: str, playbook: str, *options: str) -> None:
        lab.play(step, playbook, None, *options).state = lab.engine_state()

    # Everything between the two deploys leaves the engine alone (the cleanup run works on a tree of
    # its own), so it runs in parallel: idempotence, check mode, the audit, preflight rejections.
    _prepare_cleanup(lab)
    cleanup_vars = {
        "trading_engine_artifact": f"/unused/lowlat_engine-{CLEANUP_STAGED.split('-')[0]}-py3-none-any.whl",
        "trading_engine_artifact_sha256": "a" * 64,  # its first 12 digits name CLEANUP_STAGED
    }
    with ThreadPoolExecutor(max_workers=5) as pool:
        audit = pool.submit(lab.audit)
        futures = [
            pool.submit(run_with_state, "again", site),
            pool.submit(run_with_state, "check", ENGINE_PLAY, "--check", "--diff"),
            pool.submit(lab.play, "cleanup", CLEANUP_PLAY, cleanup_vars),
            *(pool.submit(lab.play, step, ENGINE_ONLY_PLAY, v) for step, v in _rejections(lab).items()),
        ]
        for future in futures:
            future.result()
        lab.audit_rows = audit.result()
    lab.between = lab.engine_state()
    lab.publisher = {
        "unit": lab.engine.sh(f"cat {CW_UNIT}", check=False).stdout,
        "config": lab.engine.sh(f"cat {CW_CONFIG}", check=False).stdout,
        "state": lab.engine.sh(
            "systemctl is-enabled lowlat-engine-cloudwatch.service; systemctl is-active lowlat-engine-cloudwatch.service; "
            "systemctl show -p MainPID --value lowlat-engine-cloudwatch.service; "
            "ps -o user= -p $(systemctl show -p MainPID --value lowlat-engine-cloudwatch.service)",
            check=False,
        ).stdout,
        "requests": lab.sims.sh(f"cat {CW_REQUESTS}", check=False).stdout,
        "journal": lab.engine.sh(
            "journalctl -u lowlat-engine-cloudwatch.service --no-pager -o cat | tail -n 20", check=False
        ).stdout,
        "halts": "\n".join(
            line
            for line in lab.engine.http_get(f"http://{lab.engine.ip}:9108/metrics")[1].splitlines()
            if line.startswith(("lowlat_engine_halts_total", "lowlat_engine_kill_switch"))
        ),
    }

    broken = lab.play(
        "deploy_broken",
        ENGINE_PLAY,
        {
            "trading_engine_artifact": f"http://{lab.sims.ip}:{HTTP_PORT}/{lab.broken.path.name}",
            "trading_engine_artifact_sha256": lab.broken.sha256,
            "trading_engine_ready_timeout": 10,
        },
    )
    broken.state = lab.engine_state()

    off = lab.play("publisher_off", ENGINE_PLAY, {"trading_engine_cloudwatch_namespace": ""})
    off.state = lab.engine_state()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    started = time.monotonic()
    workdir = tmp_path_factory.mktemp("trading-engine")
    wheels = workdir / "wheels"
    suffix = uuid.uuid4().hex[:8]
    engine, sims = Container(f"lowlat-te-engine-{suffix}"), Container(f"lowlat-te-sims-{suffix}")
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            good = pool.submit(build_wheel, ENGINE, wheels / "good")
            broken = pool.submit(build_broken_wheel, workdir, wheels / "broken")
            for f in [pool.submit(c.start) for c in (engine, sims)]:
                f.result()
            fixture = workdir / "fixture"
            subprocess.run(
                [sys.executable, str(REPO / "tools" / "lowlat_testbed" / "topology_fixtures.py"), SHAPE, str(fixture)],
                check=True, capture_output=True, timeout=120,
            )  # fmt: skip
            engine.sh("mkdir -p /opt/lowlat-fixture")
            podman("cp", str(fixture), f"{engine.name}:{FIXTURE_ROOT}")
            good_wheel, broken_wheel = good.result(), broken.result()
        # The artifact server for the URL cases, on the sims container's own address.
        sims.sh("mkdir -p /srv/artifacts")
        for wheel in (good_wheel, broken_wheel):
            podman("cp", str(wheel.path), f"{sims.name}:/srv/artifacts/{wheel.path.name}")
        podman(
            "exec",
            "-d",
            sims.name,
            "python3",
            "-m",
            "http.server",
            str(HTTP_PORT),
            "--directory",
            "/srv/artifacts",
        )
        # The stand-in for CloudWatch and IMDS; the publisher finds IMDS there through a test-only
        # drop-in (the role writes no environment and no credentials).
        fake_aws = workdir / "fake_aws.py"
        fake_aws.write_text(FAKE_AWS)
        podman("cp", str(fake_aws), f"{sims.name}:/srv/fake_aws.py")
        podman(
            "exec", "-d", sims.name, "python3", "/srv/fake_aws.py", str(FAKE_AWS_PORT), IMDS_ROLE_KEY,
            IMDS_ROLE_TOKEN, CW_REQUESTS,
        )  # fmt: skip
        dropin = "/etc/systemd/system/lowlat-engine-cloudwatch.service.d"
        engine.sh(
            f"mkdir -p {dropin} && printf '[Service]\\nEnvironment=AWS_EC2_METADATA_SERVICE_ENDPOINT="
            f"http://{sims.ip}:{FAKE_AWS_PORT}\\n' > {dropin}/test-imds.conf"
        )
        env = {
            **os.environ,
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "ANSIBLE_CACHE_PLUGIN": "memory",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks",
            "PROFILE_TASKS_TASK_OUTPUT_LIMIT": "all",
            "CONTAINERS_CONF": str(CONTAINERS_CONF),
        }
        lab = Lab(engine, sims, workdir, good_wheel, broken_wheel, env)
        lab.write_inventory()
        lab.setup_seconds = time.monotonic() - started
        _sequence(lab)
        yield lab
    finally:
        engine.remove()
        sims.remove()


def _assert_ok(run: Run) -> None:
    assert run.rc == 0, run.output[-8000:]
    assert all(r["failed"] == 0 for r in run.recap.values()), run.output[-8000:]


def _changed(run: Run) -> int:
    return sum(r["changed"] for r in run.recap.values())


# --- first deploy -------------------------------------------------------------------------------


def test_first_deploy_serves_v1(lab: Lab) -> None:
    run = lab.runs["deploy_v1"]
    _assert_ok(run)
    state = run.state
    assert state is not None
    assert state.active == "active"
    assert state.ready == (200, "ready")
    assert state.current == lab.release_dir(lab.good)
    assert state.running_release == f"{lab.good.version}-{lab.good.sha256[:12]}"
    assert state.build_version == lab.good.version


def test_unit_is_generated_from_the_plan(lab: Lab) -> None:
    unit = lab.engine.sh(f"cat {UNIT}").stdout
    lines = unit.splitlines()
    # The fixture plan's engine CPUs do not exist in this container: written, but as a comment.
    assert lab.plan["topology"]["fixture"] == SHAPE
    assert f"# CPUAffinity={lab.plan['engine']}" in lines
    assert not any(line.startswith("CPUAffinity=") for line in lines)
    assert "NUMAPolicy=bind" in lines
    assert f"NUMAMask={lab.plan['numa_node']}" in lines
    for line in (
        "LimitMEMLOCK=infinity", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
        "PrivateTmp=yes", "User=lowlat-engine", "Restart=on-failure", "CapabilityBoundingSet=",
        "ReadWritePaths=/var/lib/lowlat-engine -/mnt/lowlat-hugepages",
    ):  # fmt: skip
        assert line in lines, line
    # seccomp-based options add a filter to every system call: deliberately absent.
    assert not any(line.startswith(("SystemCallFilter=", "RestrictAddressFamilies=")) for line in lines)
    assert "lowlat-irq-affinity.service" in unit and "mnt-lowlat\\x2dhugepages.mount" in unit


def test_config_points_at_the_simulators_and_private_address(lab: Lab) -> None:
    config = lab.engine.sh(f"cat {CONFIG}").stdout
    assert f'recovery = "{lab.sims.ip}:20001"' in config
    assert f'address = "{lab.sims.ip}:21000"' in config
    assert f'listen = "{lab.engine.ip}:9108"' in config
    assert f'admin_token_file = "{ADMIN_TOKEN_FILE}"' in config
    assert "hugetlbfs_fallback = true" in config  # forced in a container, with the reason in the audit


def test_admin_token_file_is_private_and_guards_the_kill_switch(lab: Lab) -> None:
    owner_mode = lab.engine.sh(f"stat -c '%U %G %a' {ADMIN_TOKEN_FILE}").stdout.split()
    assert owner_mode == ["lowlat-engine", "lowlat-engine", "600"]
    assert lab.engine.sh(f"cat {ADMIN_TOKEN_FILE}").stdout == ADMIN_TOKEN + "\n"
    for run in lab.runs.values():  # no_log: the token never reaches the play's output
        assert ADMIN_TOKEN not in run.output
    base = f"http://{lab.engine.ip}:9108/kill-switch"
    assert lab.engine.http_post(f"{base}/engage")[0] == 401
    assert lab.engine.http_post(f"{base}/engage", "not-the-admin-token-at-all")[0] == 403
    assert lab.engine.http_post(f"{base}/engage", ADMIN_TOKEN) == (200, '{"kill_switch": true}')
    assert lab.engine.http_post(f"{base}/release", ADMIN_TOKEN) == (200, '{"kill_switch": false}')


def test_audit_manifest_marks_what_the_container_cannot_check(lab: Lab) -> None:
    manifest = json.loads(lab.engine.sh(f"cat {MANIFEST}").stdout)
    checks = {c["knob"]: c for c in manifest["checks"]}
    assert checks["unit CPUAffinity"]["line"] == f"# CPUAffinity={lab.plan['engine']}"
    affinity = checks["engine CPU affinity"]
    assert affinity["kind"] == "not_applicable"
    assert f"a fixture topology ({SHAPE})" in affinity["reason"]
    assert checks["current release"]["expected"] == lab.release_dir(lab.good)
    assert checks["lowlat-engine.service running"]["kind"] == "service"
    assert checks["engine ready"]["argv"][-1] == lab.ready_url


def test_audit_finds_no_drift(lab: Lab) -> None:
    rows = {r["knob"]: r for r in lab.audit_rows}
    assert [r for r in rows.values() if r["status"] == "drift"] == []
    for knob in ("running release", "engine ready", "lowlat-engine.service running", "unit CPUAffinity"):
        assert rows[knob]["status"] == "ok", rows[knob]
    assert rows["engine CPU affinity"]["status"] == "n/a"


def test_simulators_run_as_services(lab: Lab) -> None:
    out = lab.sims.sh("systemctl is-active lowlat-feed-sim.service lowlat-venue-sim.service", check=False)
    assert out.stdout.split() == ["active", "active"]
    unit = lab.sims.sh("cat /etc/systemd/system/lowlat-feed-sim.service").stdout
    assert f"--dest {lab.engine.ip}:20000" in unit
    assert (
        lab.sims.sh("readlink /opt/lowlat-sim/current")
        .stdout.strip()
        .endswith(f"/{lab.good.version}-{lab.good.sha256[:12]}")
    )


# --- idempotence and check mode -----------------------------------------------------------------


def test_second_run_changes_nothing_and_does_not_restart(lab: Lab) -> None:
    first, again = lab.runs["deploy_v1"], lab.runs["again"]
    _assert_ok(again)
    assert _changed(again) == 0, again.output[-8000:]
    assert again.state is not None and first.state is not None
    assert again.state.main_pid == first.state.main_pid
    assert again.state.ready[0] == 200


def test_check_mode_changes_nothing(lab: Lab) -> None:
    check = lab.runs["check"]
    _assert_ok(check)
    assert _changed(check) == 0, check.output[-8000:]
    assert check.state is not None and lab.runs["deploy_v1"].state is not None
    assert check.state.main_pid == lab.runs["deploy_v1"].state.main_pid
    assert check.state.current == lab.release_dir(lab.good)


# --- preflight rejections (nothing switched, nothing restarted) ---------------------------------

REJECTIONS = {
    "reject_no_plan": "run the lowlat.trading.plan role first",
    "reject_missing_sha": "must be the 64 hex digits of the artifact",
    "reject_bad_sha": 'got "not-a-sha"',
    "reject_keep_one": "trading_engine_keep_releases must be at least 2 (got 1)",
    "reject_not_a_wheel": 'the artifact "lowlat-engine.tar.gz" is not a wheel file name',
    "reject_wrong_sha_local": "Nothing was staged or switched",
    "reject_wrong_sha_url": "Nothing was staged or switched",
    "reject_cloudwatch": (
        'trading_engine_cloudwatch_namespace must not start with AWS/ (reserved for AWS services; got "AWS/EC2")'
        ' - trading_engine_cloudwatch_region must be an AWS region such as eu-west-2 (got "eu-west")'
        " - trading_engine_cloudwatch_interval must be 10..3600 seconds (got 5)"
        " - trading_engine_cloudwatch_dimensions must be a mapping of at most 30 dimensions (got 31)"
        ' - fix "D0="'
        " - trading_engine_cloudwatch_endpoint_url must be empty or an http:// or https:// URL"
        ' (got "ftp://example.invalid/")'
    ),
    "reject_cloudwatch_interval": "trading_engine_cloudwatch_interval must be 10..3600 seconds (got 3601)",
}


@pytest.mark.parametrize("step", sorted(REJECTIONS))
def test_preflight_rejects_before_any_change(lab: Lab, step: str) -> None:
    run = lab.runs[step]
    assert run.rc != 0
    for part in REJECTIONS[step].split(" - "):
        assert part in run.text(), run.output[-6000:]
    assert _changed(run) == 0, run.output[-6000:]


def test_wrong_sha_messages_name_both_checksums(lab: Lab) -> None:
    wrong = lab.good.sha256[::-1]
    local = lab.runs["reject_wrong_sha_local"].text()
    assert f"has sha256 {lab.good.sha256}, but trading_engine_artifact_sha256 is {wrong}" in local
    url = lab.runs["reject_wrong_sha_url"].text()
    assert f"could not fetch http://{lab.sims.ip}:{HTTP_PORT}/{lab.good.path.name} with sha256 {wrong}" in url
    # Nothing of the rejected artifacts was staged.
    state = lab.between
    assert state is not None
    assert state.releases == [f"{lab.good.version}-{lab.good.sha256[:12]}"]


# --- broken release: rollback -------------------------------------------------------------------


def test_broken_release_fails_the_play_with_the_reason(lab: Lab) -> None:
    run = lab.runs["deploy_broken"]
    assert run.rc != 0
    text = run.text()
    broken_release = f"{lab.broken.version}-{lab.broken.sha256[:12]}"
    good_release = f"{lab.good.version}-{lab.good.sha256[:12]}"
    assert f"deploy of release {broken_release} failed at" in text
    assert "Wait until the engine is ready" in text
    assert lab.ready_url in text
    assert f"Rolled back to {good_release}, which is ready again" in text
    # The failed unit's journal, with the engine's own error.
    assert "broken build for the rollback test" in text


def test_rollback_serves_v1_again(lab: Lab) -> None:
    state = lab.runs["deploy_broken"].state
    assert state is not None
    assert state.current == lab.release_dir(lab.good)
    assert state.active == "active"
    assert state.ready == (200, "ready")
    assert state.running_release == f"{lab.good.version}-{lab.good.sha256[:12]}"
    assert state.build_version == lab.good.version
    assert lab.engine.sh("test -e /opt/lowlat-engine/previous", check=False).returncode != 0


def test_rollback_keeps_the_failed_release_and_the_journal(lab: Lab) -> None:
    before, after = lab.between, lab.runs["deploy_broken"].state
    assert before is not None and after is not None
    assert sorted(after.releases) == sorted(
        [f"{lab.good.version}-{lab.good.sha256[:12]}", f"{lab.broken.version}-{lab.broken.sha256[:12]}"]
    )
    assert after.journal[0] == before.journal[0]  # same file
    assert after.journal[1] >= before.journal[1] > 16  # only ever appended to (16 = header)


def test_cleanup_keeps_newest_current_and_previous(lab: Lab) -> None:
    run = lab.runs["cleanup"]
    _assert_ok(run)
    left = lab.engine.sh("ls /opt/cleanup-test/releases").stdout.split()
    # keep_releases=2 newest complete (the staged one, r5) + current (r1) + previous (r2); r3, r4 and
    # the incomplete directory go.
    assert sorted(left) == sorted([CLEANUP_STAGED, "r5", "r1", "r2"])


def test_print_durations(lab: Lab) -> None:
    lines = [f"setup (wheels, containers, fixture) {lab.setup_seconds:6.1f} s"]
    for step, run in lab.runs.items():
        lines.append(f"{step:<24} {run.seconds:6.1f} s  rc={run.rc} changed={_changed(run)}")
    deploy, broken = lab.runs["deploy_v1"], lab.runs["deploy_broken"]
    lines.append(f"deploy v1: start -> ready {deploy.task_seconds('Wait until the engine is ready'):.1f} s")
    lines.append(
        "broken v2: waited for readiness "
        f"{broken.task_seconds('Wait until the engine is ready'):.1f} s, rollback restart -> ready "
        f"{broken.task_seconds('Wait until the previous release is ready again'):.1f} s"
    )
    print("\n" + "\n".join(lines))
    assert lab.runs["deploy_v1"].seconds < 400


# --- CloudWatch publisher -----------------------------------------------------------------------


def test_publisher_unit_runs_the_current_release_as_the_engine_user(lab: Lab) -> None:
    lines = lab.publisher["unit"].splitlines()
    for line in (
        "ExecStart=/opt/lowlat-engine/current/venv/bin/lowlat-engine-cloudwatch --config /etc/lowlat-engine/cloudwatch.toml",
        "User=lowlat-engine", "Group=lowlat-engine", "Restart=on-failure", "PartOf=lowlat-engine.service",
        "NoNewPrivileges=yes", "ProtectSystem=strict", "CapabilityBoundingSet=",
    ):  # fmt: skip
        assert line in lines, line
    assert any(line.startswith("After=") and "lowlat-engine.service" in line for line in lines)
    enabled, active, _pid, user = (lab.publisher["state"].split() + [""] * 4)[:4]
    assert (enabled, active, user) == ("enabled", "active", "lowlat-engine"), lab.publisher
    config = lab.publisher["config"]
    assert 'namespace = "Lowlat/Engine"' in config and 'region = "eu-west-2"' in config
    assert f'metrics_url = "http://{lab.engine.ip}:9108/metrics"' in config
    assert '"Env" = "lab"' in config
    assert "secret" not in config.lower() and "AWS_" not in config


def test_publisher_sends_the_engines_metrics_with_the_instance_role(lab: Lab) -> None:
    requests = [json.loads(line) for line in lab.publisher["requests"].splitlines() if line.strip()]
    assert requests, lab.publisher["journal"]
    from urllib.parse import parse_qsl

    for request in requests:
        assert request["auth"].startswith(f"AWS4-HMAC-SHA256 Credential={IMDS_ROLE_KEY}/")
        assert "/eu-west-2/monitoring/aws4_request" in request["auth"]
        assert request["token"] == IMDS_ROLE_TOKEN
    bodies = [dict(parse_qsl(r["body"])) for r in requests]
    for body in bodies:
        assert body["Action"] == "PutMetricData" and body["Namespace"] == "Lowlat/Engine"
        names = {v: k for k, v in body.items() if k.endswith(".MetricName")}
        kill = names["KillSwitchEngaged"].removesuffix(".MetricName")
        assert body[f"{kill}.Value"] == "0", f"the engine halted itself:\n{lab.publisher['halts']}"
        assert body[f"{kill}.Unit"] == "None"
        assert body[f"{kill}.Dimensions.member.1.Name"] == "Env"
        assert body[f"{kill}.Dimensions.member.1.Value"] == "lab"
    # From the second interval on, the order rate is sent too.
    if len(bodies) > 1:
        assert any("OrdersPerSecond" in b.values() for b in bodies[1:])
    assert IMDS_ROLE_TOKEN not in lab.publisher["journal"]


def test_audit_checks_the_publisher(lab: Lab) -> None:
    rows = {r["knob"]: r for r in lab.audit_rows}
    for knob in (
        "lowlat-engine-cloudwatch.service enabled",
        "lowlat-engine-cloudwatch.service running",
        "publisher unit ExecStart",
        "publisher unit User",
        "cloudwatch.toml namespace",
    ):
        assert rows[knob]["status"] == "ok", rows[knob]


def test_publisher_off_removes_it_without_touching_the_engine(lab: Lab) -> None:
    run = lab.runs["publisher_off"]
    _assert_ok(run)
    assert _changed(run) > 0
    assert lab.engine.sh(f"test -e {CW_UNIT} || test -e {CW_CONFIG}", check=False).returncode != 0
    active = lab.engine.sh("systemctl is-active lowlat-engine-cloudwatch.service", check=False).stdout.strip()
    assert active in ("inactive", "unknown"), active
    before, after = lab.runs["deploy_broken"].state, run.state
    assert before is not None and after is not None
    assert after.main_pid == before.main_pid and after.ready[0] == 200
    manifest = json.loads(lab.engine.sh(f"cat {MANIFEST}").stdout)
    checks = {c["knob"]: c for c in manifest["checks"]}
    assert checks["lowlat-engine-cloudwatch.service absent"] == {
        "knob": "lowlat-engine-cloudwatch.service absent", "kind": "file_absent", "path": CW_UNIT,
        "scope": "persistent",
    }  # fmt: skip
    assert "lowlat-engine-cloudwatch.service running" not in checks
