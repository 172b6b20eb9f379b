"""playbooks/latency_probe.yml's network probe: sockperf ping-pong between two podman containers
paired by their placement group, read-only, the server stopped afterwards; bad pairs refused
before anything starts. The numbers are container-to-container on one machine: the mechanism,
not a latency result."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.containers import (
    REPO,
    missing_image_reason,
    podman,
    podman_env,
    remove_container,
    start_systemd_container,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(missing_image_reason() is not None, reason=str(missing_image_reason())),
]

PLAYBOOK = REPO / "playbooks" / "latency_probe.yml"
RECAP_RE = re.compile(r"^(?P<host>\S+)\s+: ok=\d+\s+changed=(?P<changed>\d+)", re.M)
BASE_VARS = {
    "latency_probe_cyclictest": False,
    "latency_probe_sockperf": True,
    "latency_probe_sockperf_cpu": 0,
    "latency_probe_sockperf_seconds": 2,
}


@dataclass
class Pair:
    server: str
    client: str
    addresses: dict[str, str]
    workdir: Path

    def play(self, step: str, extra: dict[str, Any] | None = None, *options: str) -> tuple[int, str]:
        inventory = {
            "all": {"children": {"role_engine": {"hosts": {
                name: {"ansible_connection": "containers.podman.podman", "lowlat_private_address": address,
                       "ec2_placement_group": "pg-probe"}
                for name, address in self.addresses.items()
            }}}}
        }  # fmt: skip
        (self.workdir / "inventory.yml").write_text(yaml.safe_dump(inventory))
        # The controller-side result directory exists, so a changed= in the recap is a host change.
        (self.workdir / "results").mkdir(exist_ok=True)
        variables = {
            **BASE_VARS,
            "latency_probe_output_dir": str(self.workdir / "results"),
            "latency_probe_label": step,
        }
        variables.update(extra or {})
        (self.workdir / f"{step}.json").write_text(json.dumps(variables))
        proc = subprocess.run(
            [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(self.workdir / "inventory.yml"),
             "-e", f"@{self.workdir / f'{step}.json'}", *options, str(PLAYBOOK)],
            env={**podman_env(), "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")},
            cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        output = proc.stdout + proc.stderr
        (self.workdir / f"{step}.log").write_text(output)
        return proc.returncode, output

    def result(self, host: str, label: str) -> dict:
        return json.loads((self.workdir / "results" / f"{host}-{label}.json").read_text())

    def sockperf_processes(self, host: str) -> str:
        return podman("exec", host, "pgrep", "-a", "sockperf", check=False).stdout.strip()


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    tag = uuid.uuid4().hex[:8]
    # Auto pairing takes the first host by name as the server.
    server, client = f"lowlat-sp-{tag}-a", f"lowlat-sp-{tag}-b"
    try:
        addresses = {server: start_systemd_container(server), client: start_systemd_container(client)}
        yield Pair(server, client, addresses, tmp_path_factory.mktemp("sockperf"))
    finally:
        remove_container(server)
        remove_container(client)


@pytest.mark.parametrize("protocol", ["udp", "tcp"])
def test_ping_pong_between_the_placement_group(pair: Pair, protocol: str) -> None:
    rc, output = pair.play(protocol, {"latency_probe_sockperf_protocol": protocol})
    assert rc == 0, output
    # Read-only on both hosts.
    assert {m["host"]: m["changed"] for m in RECAP_RE.finditer(output)} == {
        pair.server: "0",
        pair.client: "0",
    }
    client = pair.result(pair.client, protocol)
    assert client["runs"] == []  # cyclictest was off
    [run] = client["sockperf"]
    assert (run["server"], run["address"], run["protocol"], run["cpu"]) == (
        pair.server, pair.addresses[pair.server], protocol, 0,
    )  # fmt: skip
    stats = run["stats"]
    assert stats["observations"] > 100
    assert 0 < stats["min_us"] <= stats["p50_us"] <= stats["p99_us"] <= stats["p99_9_us"] <= stats["max_us"]
    assert pair.result(pair.server, protocol)["sockperf"] == []
    assert "sockperf ping-pong (latency = half the round trip)" in output
    # The server is gone once the play is over.
    assert pair.sockperf_processes(pair.server) == ""
    print(
        f"{protocol}: {stats['observations']} round trips, p50 {stats['p50_us']} us, p99 {stats['p99_us']} us"
    )


def test_check_mode_starts_nothing(pair: Pair) -> None:
    rc, output = pair.play("check", None, "--check")
    assert rc == 0, output
    assert pair.result(pair.client, "check")["sockperf"] == []
    assert pair.sockperf_processes(pair.server) == ""


REJECTIONS = [
    ("unknown_host", {"latency_probe_sockperf_pairs": [{"client": "nosuch", "server": "{server}"}]},
     "each sockperf pair needs a client and a server among the play's hosts (nosuch not in the play)"),
    ("serving_client", {"latency_probe_sockperf_pairs": [{"client": "{client}", "server": "{server}"},
                                                         {"client": "{server}", "server": "{client}"}]},
     "a host cannot be a client while it serves"),
    ("no_group", {"ec2_placement_group": ""}, "no two of the play's hosts share an EC2 placement group"),
    ("protocol", {"latency_probe_sockperf_protocol": "sctp"}, "latency_probe_sockperf_protocol must be one of: udp, tcp, got: sctp"),
    ("msg_size", {"latency_probe_sockperf_msg_size": 8}, "msg_size within 14..65000 bytes"),
    ("nothing", {"latency_probe_sockperf": False}, "at least one of latency_probe_cyclictest and latency_probe_sockperf"),
]  # fmt: skip


@pytest.mark.parametrize(("step", "extra", "message"), REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_impossible_probes_are_refused_before_anything_runs(
    pair: Pair, step: str, extra: dict[str, Any], message: str
) -> None:
    names = {"server": pair.server, "client": pair.client}
    extra = json.loads(
        json.dumps(extra).replace("{server}", names["server"]).replace("{client}", names["client"])
    )
    rc, output = pair.play(step, extra)
    assert rc != 0
    assert message in " ".join(output.split()), output
    assert "Start the sockperf server" not in output
    assert pair.sockperf_processes(pair.server) == ""
