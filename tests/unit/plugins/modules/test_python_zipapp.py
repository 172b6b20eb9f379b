"""lowlat.trading.python_zipapp: a reproducible zipapp of lowlat-irq-pin that runs on its own."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleLookupError

from ansible_collections.lowlat.trading.plugins.lookup.python_zipapp import build_zipapp, write_once

REPO = Path(__file__).resolve().parents[4]
CLI = REPO / "roles/irq_affinity/files/lowlat-irq-pin"
# What the irq_affinity role builds lowlat-irq-pin with.
MODULE_UTILS = yaml.safe_load((REPO / "roles/irq_affinity/vars/main.yml").read_text())[
    "__irq_affinity_module_utils"
]


@pytest.fixture
def zipapp(tmp_path):
    path = Path(write_once(build_zipapp(str(CLI), MODULE_UTILS), str(tmp_path), "lowlat-irq-pin"))
    return path


def run_isolated(archive: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run an archive with `python -I` from a directory without the repository: only the archive
    can provide the code."""
    return subprocess.run(
        [sys.executable, "-I", str(archive), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=cwd,
    )


def test_same_inputs_give_the_same_bytes(tmp_path):
    first = build_zipapp(str(CLI), MODULE_UTILS)
    os.utime(CLI)  # a newer mtime must not show in the archive
    assert build_zipapp(str(CLI), MODULE_UTILS) == first
    assert write_once(first, str(tmp_path), "x") == write_once(first, str(tmp_path), "x")
    assert len(list(tmp_path.iterdir())) == 1


def test_archive_layout_and_shebang(zipapp):
    assert zipapp.read_bytes().startswith(b"#!/usr/bin/python3\n")
    assert os.access(zipapp, os.X_OK)
    with zipfile.ZipFile(zipapp) as archive:
        names = archive.namelist()
    assert names == sorted(names)
    assert "__main__.py" in names
    prefix = "ansible_collections/lowlat/trading/plugins/module_utils/"
    assert {f"{prefix}{m}.py" for m in MODULE_UTILS} <= set(names)
    assert f"{prefix}__init__.py" in names and "ansible_collections/__init__.py" in names
    # Only what was asked for: the CLI must not grow a dependency on modules it does not name.
    assert f"{prefix}planner.py" not in names


def test_a_different_module_utils_list_changes_the_archive():
    assert build_zipapp(str(CLI), MODULE_UTILS) != build_zipapp(str(CLI), MODULE_UTILS[:-1])


def test_bad_names_and_missing_files_are_refused(tmp_path):
    with pytest.raises(AnsibleLookupError, match="not a module name"):
        build_zipapp(str(CLI), ["../modules/audit"])
    with pytest.raises(AnsibleLookupError, match=r"cannot read .*nosuch\.py"):
        build_zipapp(str(CLI), ["nosuch"])
    with pytest.raises(AnsibleLookupError, match="cannot read"):
        build_zipapp(str(tmp_path / "absent"), [])


def test_zipapp_self_test_imports_from_itself(zipapp, tmp_path):
    result = run_isolated(zipapp, "--self-test", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("lowlat-irq-pin ok:")
    assert str(zipapp) in result.stdout


def test_zipapp_missing_a_module_fails_clearly(tmp_path):
    broken = Path(write_once(build_zipapp(str(CLI), MODULE_UTILS[:-1]), str(tmp_path), "broken"))
    result = run_isolated(broken, "--self-test", cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot import the collection's module_utils from the zipapp" in result.stderr


def test_zipapp_pins_a_fixture_tree(zipapp, shape_root, tmp_path):
    root = shape_root("c5n.9xlarge")
    config = tmp_path / "irq-affinity.json"
    config.write_text(
        json.dumps(
            {"apply": True, "root": root, "nic": "eth0", "irq_cpus": "1,19", "housekeeping_cpus": "0,18"}
        )
    )
    result = run_isolated(zipapp, "--config", str(config), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [q["wanted"] for q in json.loads(result.stdout)["queues"][:2]] == ["1", "19"]
    assert Path(root, "proc/irq/25/smp_affinity_list").read_text().strip() == "1"


def test_lookup_through_ansible(tmp_path):
    """The lookup as a playbook calls it: returns an existing archive path on the controller."""
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.copy:\n"
        f"        src: \"{{{{ lookup('lowlat.trading.python_zipapp', '{CLI}', module_utils={MODULE_UTILS}) }}}}\"\n"
        f"        dest: {tmp_path}/installed\n        mode: '0755'\n"
    )
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"))
    for expected in ("changed=1", "changed=0"):
        run = subprocess.run(
            [
                str(Path(sys.executable).parent / "ansible-playbook"),
                "-i",
                "localhost,",
                "-c",
                "local",
                "-e",
                f"ansible_python_interpreter={sys.executable}",
                str(playbook),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            cwd=REPO,
            env=env,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert expected in run.stdout
    installed = subprocess.run(
        [str(tmp_path / "installed"), "--self-test"], capture_output=True, text=True, check=False, timeout=60
    )
    assert installed.returncode == 0, installed.stderr
