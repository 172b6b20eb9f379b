"""lowlat-nic-tune as the ena role installs it: the zipapp of roles/ena/files/lowlat-nic-tune and its
module_utils, run against a fixture /sys with a stand-in ethtool program."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.lowlat.trading.plugins.lookup.python_zipapp import build_zipapp
from tests.unit.plugins.module_utils.fake_ethtool import FakeEthtool
from tests.unit.plugins.module_utils.test_nic_tuning import SETTINGS, sysfs

REPO = Path(__file__).resolve().parents[4]
MODULE_UTILS = yaml.safe_load((REPO / "roles/ena/vars/main.yml").read_text())["__ena_cli_module_utils"]


@pytest.fixture
def cli(tmp_path):
    """run(*args) -> CompletedProcess of the zipapp, with the stand-in ethtool and a settings file."""
    app = tmp_path / "lowlat-nic-tune"
    app.write_bytes(build_zipapp(str(REPO / "roles/ena/files/lowlat-nic-tune"), MODULE_UTILS))
    state = tmp_path / "ethtool.json"
    FakeEthtool(str(state))
    ethtool = tmp_path / "ethtool"
    fake = REPO / "tests/unit/plugins/module_utils/fake_ethtool.py"
    ethtool.write_text(f'#!/bin/sh\nFAKE_ETHTOOL_STATE={state} exec {sys.executable} {fake} "$@"\n')
    ethtool.chmod(ethtool.stat().st_mode | stat.S_IXUSR)
    settings = tmp_path / "eth0.conf"
    settings.write_text(SETTINGS.format(root=sysfs(tmp_path)))

    def run(*args: str) -> subprocess.CompletedProcess:
        argv = [sys.executable, str(app), "--ethtool", str(ethtool), *args]
        return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)

    run.settings = settings
    return run


def test_the_zipapp_carries_the_code_it_runs(cli):
    result = cli("--self-test")
    assert result.returncode == 0 and "lowlat-nic-tune ok: module_utils from" in result.stdout
    assert "lowlat-nic-tune/ansible_collections/lowlat/trading/plugins/module_utils" in result.stdout


def test_check_then_apply_then_nothing_left_to_do(cli):
    check = cli("--check", "--json", str(cli.settings))
    assert check.returncode == 2 and json.loads(check.stdout)["verb"] == "would change"
    applied = cli(str(cli.settings))
    assert applied.returncode == 2, applied.stderr
    assert "eth0: changed combined channels 8 -> 2" in applied.stdout.splitlines()
    again = cli(str(cli.settings))
    assert again.returncode == 0 and again.stdout.strip() == "eth0: already as configured"


def test_a_bad_settings_file_is_an_error(cli, tmp_path):
    bad = tmp_path / "bad.conf"
    bad.write_text("interface=eth0\nrings=4\n")
    result = cli("--json", str(bad))
    assert result.returncode == 1
    assert json.loads(result.stdout)["errors"] == [
        f"{bad}:2: expected key=value with a known key, got 'rings=4'"
    ]
