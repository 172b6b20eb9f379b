"""The plugin through Ansible's own CLIs (ansible-inventory, ansible-doc) and the shipped configs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.integration.conftest import FULL_TAGS, REPO, launch
from tools.lowlat_testbed.moto_server import free_port, safe_aws_env

pytestmark = pytest.mark.integration

VENV_BIN = REPO / ".venv" / "bin"


def run_cli(
    *argv: str, env_extra: dict[str, str] | None = None, timeout: int = 180
) -> subprocess.CompletedProcess:
    env = safe_aws_env()
    env["ANSIBLE_CONFIG"] = str(REPO / "ansible.cfg")
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '/usr/bin:/bin')}"
    env["ANSIBLE_NOCOLOR"] = "1"
    env["COLUMNS"] = "1000"
    env.update(env_extra or {})
    return subprocess.run(
        [str(VENV_BIN / argv[0]), *argv[1:]],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def plain(value):
    """--list writes strings from untrusted sources (all EC2 data) as {"__ansible_unsafe": "..."}."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def listing(config: Path, *extra: str) -> tuple[dict, str]:
    """The --list JSON and the CLI's stderr."""
    proc = run_cli("ansible-inventory", "-i", str(config), "--list", *extra)
    assert proc.returncode == 0, proc.stderr
    return plain(json.loads(proc.stdout)), proc.stderr


def test_ansible_inventory_list_and_cache(moto, write_config, tmp_path):
    md = launch(moto.ec2(), 2, FULL_TAGS, zone="us-east-1a")
    untagged = launch(moto.ec2(), 1, {"lowlat:role": "risk"}, instance_type="c5n.9xlarge")
    config = write_config(
        hostnames=["instance-id"],
        keyed_groups=[{"key": "lowlat_cpu_shape.vcpus | string", "prefix": "vcpus"}],
        cache=True,
        cache_plugin="ansible.builtin.jsonfile",
        cache_connection=str(tmp_path / "cache"),
    )

    data, stderr = listing(config)
    assert "role_md" in data, stderr
    assert set(data["role_md"]["hosts"]) == set(md)
    assert set(data["lowlat_untagged"]["hosts"]) == set(untagged)
    assert set(data["vcpus_72"]["hosts"]) == set(md)
    assert set(data["vcpus_36"]["hosts"]) == set(untagged)
    assert set(data["lowlat_ec2"]["hosts"]) == set(md + untagged)
    hostvars = data["_meta"]["hostvars"][md[0]]
    assert hostvars["ansible_host"] == md[0]
    assert hostvars["lowlat_cpu_shape"]["cores"] == 36
    assert hostvars["ec2_tags"] == FULL_TAGS
    assert f"instance {untagged[0]} is missing lowlat tag(s)" in " ".join(stderr.split())

    # Second CLI run: same answer from the cache, with moto emptied and no EC2 call.
    moto.server.reset()
    cached, _ = listing(config)
    assert moto.total_calls() == 0
    assert cached == data
    flushed, _ = listing(config, "--flush-cache")
    assert moto.calls("DescribeInstances") == 1
    assert flushed["_meta"]["hostvars"] == {}


def test_cli_reports_plugin_errors(moto, write_config):
    config = write_config(regions=["us-east-7"])
    # ansible.cfg alone makes a source that fails to parse an error (no environment override).
    proc = run_cli("ansible-inventory", "-i", str(config), "--list")
    assert proc.returncode != 0
    assert "unknown region(s) 'us-east-7'" in " ".join(proc.stderr.split())


def test_ansible_doc_renders():
    proc = run_cli("ansible-doc", "-t", "inventory", "lowlat.trading.lowlat_ec2")
    assert proc.returncode == 0, proc.stderr
    for word in (
        "regions",
        "strict_tags",
        "hostnames",
        "endpoint_url",
        "keyed_groups",
        "cache_plugin",
        "connect_timeout",
        "read_timeout",
        "total_timeout",
        "EXAMPLES",
    ):
        assert word in proc.stdout
    proc = run_cli("ansible-doc", "-t", "inventory", "--json", "lowlat.trading.lowlat_ec2")
    doc = json.loads(proc.stdout)["lowlat.trading.lowlat_ec2"]["doc"]
    assert doc["options"]["regions"]["required"] is True
    timeouts = {
        name: doc["options"][name]["default"] for name in ("connect_timeout", "read_timeout", "total_timeout")
    }
    assert timeouts == {"connect_timeout": 5, "read_timeout": 30, "total_timeout": 120}
    yaml.safe_load_all(json.loads(proc.stdout)["lowlat.trading.lowlat_ec2"]["examples"])


def test_shipped_production_config(moto, load_inventory, tmp_path):
    shipped = REPO / "inventories" / "aws" / "trading.lowlat_ec2.yml"
    config = yaml.safe_load(shipped.read_text())
    assert "endpoint_url" not in config  # it is meant for real EC2
    launch(moto.ec2(), 2, FULL_TAGS)
    launch(moto.ec2(), 1, {**FULL_TAGS, "lowlat:managed": "false"})
    # Run a copy against moto: endpoint and cache directory set explicitly in the copy.
    copy = tmp_path / "trading.lowlat_ec2.yml"
    copy.write_text(
        yaml.safe_dump({**config, "endpoint_url": moto.url, "cache_connection": str(tmp_path / "cache")})
    )
    run = load_inventory(copy)
    assert len(run.hosts) == 2  # the unmanaged one is filtered out by tag:lowlat:managed
    assert len(run.group("role_md")) == 2


def test_lab_tool_and_example_config(tmp_path):
    """tools/moto_lab.py start/register/stop, and the lab example config mapping hosts to containers."""
    port = free_port()
    state = tmp_path / "lab"
    lab = ["python", str(REPO / "tools" / "moto_lab.py")]
    hosts_file = tmp_path / "hosts.yml"
    hosts_file.write_text(
        yaml.safe_dump(
            {
                "hosts": [
                    {"container": "lowlat-md-1", "role": "md", "instance_type": "c5n.18xlarge"},
                    {
                        "container": "lowlat-oe-1",
                        "role": "oe",
                        "instance_type": "c5n.9xlarge",
                        "zone": "us-east-1b",
                    },
                ]
            }
        )
    )
    try:
        started = run_cli(*lab, "start", "--port", str(port), "--state-dir", str(state), timeout=60)
        assert started.returncode == 0, started.stderr
        again = run_cli(*lab, "start", "--port", str(port), "--state-dir", str(state))
        assert again.returncode == 0 and "already running" in again.stdout

        registered = run_cli(*lab, "register", "--hosts-file", str(hosts_file), "--state-dir", str(state))
        assert registered.returncode == 0, registered.stderr
        ids = json.loads(registered.stdout)
        assert set(ids) == {"lowlat-md-1", "lowlat-oe-1"}
        repeat = run_cli(*lab, "register", "--hosts-file", str(hosts_file), "--state-dir", str(state))
        assert json.loads(repeat.stdout) == ids  # idempotent

        example = (REPO / "inventories" / "aws" / "lab.lowlat_ec2.yml.example").read_text()
        config = tmp_path / "lab.lowlat_ec2.yml"
        config.write_text(example.replace("http://127.0.0.1:5555", f"http://127.0.0.1:{port}"))
        data, _ = listing(config)
        hostvars = data["_meta"]["hostvars"]
        assert set(hostvars) == {"lowlat-md-1", "lowlat-oe-1"}
        assert hostvars["lowlat-md-1"]["ansible_host"] == "lowlat-md-1"
        assert hostvars["lowlat-md-1"]["ansible_connection"] == "containers.podman.podman"
        assert hostvars["lowlat-oe-1"]["ec2_instance_id"] == ids["lowlat-oe-1"]
        assert hostvars["lowlat-oe-1"]["lowlat_cpu_shape"]["vcpus"] == 36
        assert data["role_oe"]["hosts"] == ["lowlat-oe-1"]
        assert set(data["env_lab"]["hosts"]) == {"lowlat-md-1", "lowlat-oe-1"}
    finally:
        stopped = run_cli(*lab, "stop", "--state-dir", str(state))
    assert stopped.returncode == 0
    assert not (state / "moto.pid").exists()
    assert run_cli(*lab, "register", "--hosts-file", str(hosts_file), "--port", str(port)).returncode == 1
