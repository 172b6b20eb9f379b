"""config_set as Ansible runs it: files under a temporary root, a stand-in systemctl on PATH."""

from __future__ import annotations

import grp
import json
import os
import pwd
import stat

import pytest

from ansible_collections.lowlat.trading.plugins.modules import config_set

USER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name

# Keeps unit states in $LOWLAT_TEST_DIR/units.json and appends each call to calls.log.
FAKE_SYSTEMCTL = r"""#!/usr/bin/env python3
import json, os, sys
d = os.environ["LOWLAT_TEST_DIR"]
path = os.path.join(d, "units.json")
states = json.load(open(path)) if os.path.exists(path) else {}
args = sys.argv[1:]
open(os.path.join(d, "calls.log"), "a").write(" ".join(args) + "\n")
names = args[args.index("--") + 1:] if "--" in args else []
if args[0] == "show":
    for n in names:
        s = states.get(n, {"LoadState": "not-found", "ActiveState": "inactive", "UnitFileState": ""})
        print("Id=" + n)
        for k, v in s.items():
            print(f"{k}={v}")
        print()
    sys.exit(0)
effects = {"enable": {"UnitFileState": "enabled"}, "start": {"ActiveState": "active"},
           "restart": {"ActiveState": "active"}, "stop": {"ActiveState": "inactive"}}
for n in names:
    states.setdefault(n, {"LoadState": "loaded", "ActiveState": "inactive", "UnitFileState": "disabled"})
    states[n].update(effects.get(args[0], {}))
json.dump(states, open(path, "w"))
"""


@pytest.fixture
def host(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "systemctl"
    script.write_text(FAKE_SYSTEMCTL)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("LOWLAT_TEST_DIR", str(tmp_path))
    root = tmp_path / "root"
    (root / "etc/systemd/system").mkdir(parents=True)
    return tmp_path


def args(root, unit_text: str = "[Service]\nExecStart=/bin/true\n") -> dict:
    return {
        "prefix": str(root / "root"),
        "directories": [{"path": "/etc/lowlat", "owner": USER, "group": GROUP}],
        "files": [
            {"path": "/etc/lowlat/thp.conf", "content": "never\n", "owner": USER, "group": GROUP},
            {
                "path": "/etc/systemd/system/lowlat-thp.service",
                "content": unit_text,
                "owner": USER,
                "group": GROUP,
            },
        ],
        "units": [
            {
                "name": "lowlat-thp.service",
                "enabled": True,
                "state": "started",
                "watch": ["/etc/lowlat/thp.conf"],
            }
        ],
    }


def calls(host) -> list[str]:
    log = host / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_first_run_writes_reloads_enables_and_starts(run_module, host):
    result = run_module(config_set, args(host))
    assert result["changed"]
    assert result["files"] == {
        "/etc/lowlat": ["created"],
        "/etc/lowlat/thp.conf": ["created"],
        "/etc/systemd/system/lowlat-thp.service": ["created"],
    }
    assert result["units"] == {"lowlat-thp.service": ["enable", "start"]}
    assert result["daemon_reload"] is True
    assert calls(host)[0] == "daemon-reload"
    assert (host / "root/etc/lowlat/thp.conf").read_text() == "never\n"


def test_second_run_is_unchanged_and_only_reads(run_module, host):
    run_module(config_set, args(host))
    before = len(calls(host))
    again = run_module(config_set, args(host))
    assert not again["changed"]
    assert again["changed_paths"] == [] and again["units"] == {}
    assert [c.split()[0] for c in calls(host)[before:]] == ["show"]


def test_a_changed_unit_file_reloads_and_restarts_only_that_unit(run_module, host):
    run_module(config_set, args(host))
    result = run_module(config_set, args(host, unit_text="[Service]\nExecStart=/bin/false\n"), diff=True)
    assert result["files"] == {"/etc/systemd/system/lowlat-thp.service": ["content"]}
    assert result["units"] == {"lowlat-thp.service": ["restart"]}
    assert result["diff"][0]["before"].endswith("/bin/true\n") and result["diff"][0]["after"].endswith(
        "/bin/false\n"
    )


def test_check_mode_on_a_fresh_host_predicts_and_changes_nothing(run_module, host):
    result = run_module(config_set, args(host), check_mode=True, diff=True)
    assert result["changed"]
    assert result["units"] == {"lowlat-thp.service": ["enable", "start"]}
    assert len(result["diff"]) == 2
    assert not (host / "root/etc/lowlat").exists()
    assert [c.split()[0] for c in calls(host)] == ["show"]


def test_a_unit_without_a_state_is_enabled_only(run_module, host):
    no_state = args(host)
    no_state["units"][0]["state"] = None
    result = run_module(config_set, no_state)
    assert result["units"] == {"lowlat-thp.service": ["enable"]}


def test_a_bad_state_is_refused(run_module, host):
    bad = args(host)
    bad["units"][0]["state"] = "running"
    result = run_module(config_set, bad)
    assert result.failed and "state 'running' is not one of started, stopped" in result["msg"]


def test_malformed_input_fails_before_anything_is_written(run_module, host):
    bad = args(host)
    bad["units"].append({"name": "lowlat-thp.service"})
    result = run_module(config_set, bad)
    assert result.failed
    assert "units named twice: lowlat-thp.service" in result["msg"]
    assert not (host / "root/etc/lowlat").exists()
    assert calls(host) == []


def test_files_only_sets_need_no_systemctl(run_module, host, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    only_files = {**args(host), "units": []}
    only_files["files"] = only_files["files"][:1]
    result = run_module(config_set, only_files)
    assert result["changed"] and result["units"] == {} and not result["daemon_reload"]
    assert json.dumps(result)  # serialisable as Ansible returns it


def test_a_unit_file_without_units_still_reloads_systemd(run_module, host):
    result = run_module(config_set, {**args(host), "units": []})
    assert result["daemon_reload"] is True
    assert calls(host) == ["daemon-reload"]
