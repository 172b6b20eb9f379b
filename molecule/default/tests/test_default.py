"""Testinfra checks for the default Molecule scenario (podman systemd containers)."""

import json
import os
import subprocess
from pathlib import Path

import pytest
import testinfra.utils.ansible_runner

REPO = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).resolve().parents[3]))

# Hosts come from Molecule's inventory; each inventory name is also the container's name.
# Molecule starts testinfra with its Ansible backend, which has no native podman transport
# and would run every command through Ansible's shell module. A podman:// spec makes
# testinfra use `podman exec` directly.
_inventory = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"])
testinfra_hosts = [f"podman://{name}" for name in _inventory.get_hosts("role_engine")]


def test_systemd_is_pid_1(host):
    assert host.file("/proc/1/comm").content_string.strip() == "systemd"


def test_systemd_booted_cleanly(host):
    state = host.run("systemctl is-system-running")
    assert state.stdout.strip() == "running", host.check_output(
        "systemctl list-units --failed --plain --no-legend"
    )


# --- the plan ----------------------------------------------------------------------------------

EXPECTED_PLAN = {
    "lowlat-engine-1": {
        "housekeeping": "0,18",
        "irq": "1,19",
        "isolated": "2-17,20-35",
        "engine": "2-17,20-35",
    },
    "lowlat-engine-2": {
        "housekeeping": "0,18,36,54",
        "irq": "1,37",
        "isolated": "2-17,19-35,38-53,55-71",
        "engine": "2-17",
    },
}


def _name(host):
    return host.check_output("hostname")


def _plan(host):
    return json.loads(host.file("/etc/lowlat/plan.json").content_string)


def test_plan_recorded_from_the_fixture_topology(host):
    plan = _plan(host)
    expected = EXPECTED_PLAN[_name(host)]
    assert {k: plan[k] for k in expected} == expected
    assert plan["topology"]["fixture"] in ("c5n.9xlarge", "c5n.18xlarge")
    assert plan["sysfs_root"].startswith("/opt/lowlat-fixture/")


def test_every_tuning_role_recorded_its_audit_manifest(host):
    for role in ("kernel", "hugepages", "ena", "irq_affinity", "time_sync"):
        manifest = json.loads(host.file(f"/etc/lowlat/expected/{role}.json").content_string)
        assert manifest["runtime_applied"] is False
        assert "container" in manifest["runtime_reason"]
        assert manifest["checks"], role


def test_audit_report_has_no_drift_and_says_fixture(host):
    report = json.loads((REPO / ".cache/audit" / f"{_name(host)}.json").read_text())
    assert report["summary"]["drift"] == 0, [r for r in report["rows"] if r["status"] == "drift"]
    assert report["summary"]["ok"] > 0
    assert report["fixture"] == _plan(host)["topology"]["fixture"]
    runtime_rows = [r for r in report["rows"] if r["scope"] in ("runtime", "boot")]
    assert runtime_rows and all(r["status"] == "n/a" for r in runtime_rows)


# --- preflight rejections ----------------------------------------------------------------------


def _playbook(*extra):
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")}
    return subprocess.run(
        [
            "ansible-playbook",
            "-i",
            os.environ["MOLECULE_INVENTORY_FILE"],
            str(REPO / "playbooks/tune.yml"),
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize(
    ("extra_vars", "message"),
    [
        ('{"plan_engine_cpus": "0"}', "engine CPU(s) 0 are not in the isolated set"),
        ('{"plan_irq_cpus": "2", "plan_isolated": "2-17"}', "IRQ CPU(s) 2 are inside the isolated set"),
        ('{"plan_hugepages_2m": 100000}', "over the 50% budget"),
        ('{"plan_smt": "require_off"}', "SMT is active on this host"),
    ],
)
def test_impossible_policy_fails_before_anything_changes(host, extra_vars, message):
    if _name(host) != "lowlat-engine-1":
        pytest.skip("run once, against lowlat-engine-1")
    before = host.check_output("find /etc -newer /etc/lowlat/plan.json | sort")
    result = _playbook("--limit", "lowlat-engine-1", "-e", extra_vars)
    assert result.returncode != 0
    assert "impossible CPU plan" in result.stdout and message in result.stdout, result.stdout[-3000:]
    assert "changed=0" in result.stdout.split("PLAY RECAP")[-1]
    assert host.check_output("find /etc -newer /etc/lowlat/plan.json | sort") == before


def test_impossible_kernel_inputs_fail_with_every_reason_before_anything_changes(host):
    if _name(host) != "lowlat-engine-1":
        pytest.skip("run once, against lowlat-engine-1")
    before = host.check_output("find /etc -newer /etc/lowlat/plan.json | sort")
    extra = '{"kernel_remove_args": ["nohz_full"], "kernel_sysctls_extra": {"bad key": 1}}'
    result = _playbook("--limit", "lowlat-engine-1", "-e", extra)
    assert result.returncode != 0
    out = result.stdout
    assert "nohz_full both set" in out and "bad key: keys are dotted names" in out, out[-3000:]
    assert "changed=0" in out.split("PLAY RECAP")[-1]
    assert host.check_output("find /etc -newer /etc/lowlat/plan.json | sort") == before
