"""A service from its release archive: node_exporter through roles/common/tasks/install_archive.yml.

node_exporter, prometheus and alertmanager share that task file where the distribution has no
package. Here node_exporter is installed with node_exporter_install_from=archive in a throwaway
systemd container (image localhost/lowlat-debian:bookworm). The archive is made here in the layout
of a release (node_exporter-<version>.linux-amd64/node_exporter) from this machine's Debian
node_exporter binary, and copied from the controller (node_exporter_archive_path). The image's own
Debian node_exporter service is stopped and masked first, as on a host without the package.

Sequence (module-scoped; the container is removed at teardown even on failure): converge -> the
link points into the directory named after the checksum and node_exporter answers on the private
address -> converge again (changed=0) -> --check (changed=0) -> a second archive whose sha256 is not
the one given: refused with the shared task's message before anything is unpacked, the running
link untouched.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.containers import (
    missing_image_reason,
    podman_env,
    remove_container,
    start_systemd_container,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]
pytestmark.append(pytest.mark.skipif(missing_image_reason() is not None, reason=str(missing_image_reason())))

REPO = Path(__file__).resolve().parents[2]
BINARY = shutil.which("prometheus-node-exporter")
RECAP_RE = re.compile(
    r"^(?P<host>\S+)\s*:\s*ok=\d+\s+changed=(?P<changed>\d+)\s+unreachable=\d+\s+failed=(?P<failed>\d+)", re.M
)
PLAYBOOK = """\
---
- name: node_exporter from its release archive
  hosts: all
  gather_facts: true
  gather_subset: [min, network]
  roles: [lowlat.trading.node_exporter]
"""


@dataclass
class Run:
    rc: int
    changed: int
    output: str


@dataclass
class Host:
    name: str
    address: str
    workdir: Path

    def sh(self, script: str) -> str:
        proc = subprocess.run(
            ["podman", "exec", self.name, "/bin/sh", "-c", script],
            env=podman_env(), capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        return proc.stdout.strip()

    def play(self, step: str, variables: dict[str, Any], *options: str) -> Run:
        inventory = {"all": {"hosts": {self.name: {
            "ansible_connection": "containers.podman.podman", "lowlat_private_address": self.address}}}}  # fmt: skip
        (self.workdir / "inventory.yml").write_text(yaml.safe_dump(inventory))
        (self.workdir / "play.yml").write_text(PLAYBOOK)
        (self.workdir / f"{step}.vars.yml").write_text(yaml.safe_dump(variables))
        proc = subprocess.run(
            [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(self.workdir / "inventory.yml"),
             "-e", f"@{self.workdir / f'{step}.vars.yml'}", *options, str(self.workdir / "play.yml")],
            env={**podman_env(), "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"},
            cwd=self.workdir, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        output = proc.stdout + proc.stderr
        (self.workdir / f"{step}.log").write_text(output)
        recap = next((m for m in RECAP_RE.finditer(output) if m["host"] == self.name), None)
        return Run(proc.returncode, int(recap["changed"]) if recap else -1, output)


def _release_archive(workdir: Path, version: str, extra: bytes = b"") -> tuple[Path, str]:
    """node_exporter-<version>.linux-amd64.tar.gz with the binary (and a file that makes it differ)."""
    assert BINARY is not None
    top = f"node_exporter-{version}.linux-amd64"
    archive = workdir / f"{top}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(BINARY, arcname=f"{top}/node_exporter")
        notes = workdir / f"NOTICE-{version}"
        notes.write_bytes(b"lowlat test archive\n" + extra)
        tar.add(notes, arcname=f"{top}/NOTICE")
    return archive, hashlib.sha256(archive.read_bytes()).hexdigest()


@dataclass
class Installed:
    host: Host
    sha256: str
    runs: dict[str, Run]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    if BINARY is None:
        pytest.skip("prometheus-node-exporter is not installed (tools/install-system-deps.sh installs it)")
    workdir = tmp_path_factory.mktemp("archive")
    name = f"lowlat-arc-{uuid.uuid4().hex[:8]}"
    try:
        host = Host(name, start_systemd_container(name), workdir)
        # The image has Debian's node_exporter, running on :9100: a host of the archive install has none.
        host.sh(
            "systemctl disable --now prometheus-node-exporter.service && systemctl mask prometheus-node-exporter.service"
        )
        archive, sha256 = _release_archive(workdir, "1.5.0")
        variables = {
            "node_exporter_install_from": "archive",
            "node_exporter_archive_path": str(archive),
            "node_exporter_archive_sha256": sha256.upper(),  # the role compares in lower case
        }
        runs = {
            "converge": host.play("converge", variables),
            "again": host.play("again", variables),
            "check": host.play("check", variables, "--check"),
        }
        other, _ = _release_archive(workdir, "1.5.1", b"another release\n")
        wrong = {
            **variables,
            "node_exporter_archive_path": str(other),
            "node_exporter_archive_sha256": "ab" * 32,
        }
        runs["wrong_sha256"] = host.play("wrong_sha256", wrong)
        yield Installed(host, sha256, runs)
    finally:
        remove_container(name)


def test_converges_from_the_archive_then_changes_nothing(installed: Installed) -> None:
    runs = installed.runs
    assert runs["converge"].rc == 0, runs["converge"].output[-5000:]
    assert runs["converge"].changed > 0
    assert "lowlat.trading.common : Link the binaries" in runs["converge"].output
    assert (runs["again"].rc, runs["again"].changed) == (0, 0), runs["again"].output[-5000:]
    assert (runs["check"].rc, runs["check"].changed) == (0, 0), runs["check"].output[-5000:]


def test_the_link_points_into_the_checksum_directory_and_the_service_answers(installed: Installed) -> None:
    host = installed.host
    target = f"/opt/lowlat/node_exporter/{installed.sha256[:16]}/node_exporter"
    assert host.sh("readlink /usr/local/bin/node_exporter") == target
    assert host.sh("stat -c %U:%G:%a /var/cache/lowlat") == "root:root:755"
    assert host.sh("id -un prometheus && id -gn prometheus").split() == ["prometheus", "prometheus"]
    assert host.sh("systemctl is-active node_exporter.service") == "active"
    body = ""
    deadline = time.monotonic() + 30
    while "node_exporter_build_info" not in body and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{host.address}:9100/metrics", timeout=3) as response:
                body = response.read().decode()
        except OSError:
            time.sleep(0.5)
    assert "node_exporter_build_info" in body


def test_a_wrong_checksum_is_refused_before_unpacking(installed: Installed) -> None:
    run, host = installed.runs["wrong_sha256"], installed.host
    assert run.rc != 0
    assert "Verify the archive against node_exporter_archive_sha256" in run.output
    assert f"not node_exporter_archive_sha256 {'ab' * 32}. Nothing was unpacked" in re.sub(
        r"\s+", " ", run.output
    )
    assert host.sh(f"ls -A /opt/lowlat/node_exporter/{'ab' * 8}") == ""
    assert host.sh("readlink /usr/local/bin/node_exporter").startswith(
        f"/opt/lowlat/node_exporter/{installed.sha256[:16]}/"
    )
