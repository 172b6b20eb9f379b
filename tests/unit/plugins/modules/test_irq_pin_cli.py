"""The boot-time re-pinning CLI the irq_affinity role installs, run against a fixture tree."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
CLI = REPO / "roles/irq_affinity/files/lowlat-irq-pin"


def run(config: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(CLI),
            "--config",
            str(config),
            "--pythonpath",
            str(REPO / "collections"),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_cli_pins_like_the_module_and_is_idempotent(shape_root, tmp_path):
    root = shape_root("c5n.9xlarge")
    config = tmp_path / "irq-affinity.json"
    config.write_text(
        json.dumps(
            {"apply": True, "root": root, "nic": "eth0", "irq_cpus": "1,19", "housekeeping_cpus": "0,18"}
        )
    )
    first = run(config, "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert [q["wanted"] for q in report["queues"][:3]] == ["1", "19", "1"]
    assert report["default_affinity"]["changed"] is True
    assert Path(root, "proc/irq/25/smp_affinity_list").read_text().strip() == "1"
    assert Path(root, "proc/irq/11/smp_affinity_list").read_text().strip() == "0,18"
    second = json.loads(run(config, "--json").stdout)
    assert not any(e["changed"] for e in second["queues"] + second["others"])
    assert second["default_affinity"]["changed"] is False


def test_cli_refuses_to_apply_when_told_not_to(shape_root, tmp_path):
    root = shape_root("c5n.9xlarge")
    config = tmp_path / "irq-affinity.json"
    config.write_text(json.dumps({"apply": False, "reason": "host is a podman container", "root": root}))
    result = run(config)
    assert result.returncode == 0
    assert "not applying on this host: host is a podman container" in result.stdout
    assert Path(root, "proc/irq/25/smp_affinity_list").read_text().strip() == "0-35"
