"""roles/plan/tasks/preflight.yml as tune.yml runs it: on the controller, from inventory host vars only.

The hosts are never contacted (the preflight is an assert), so ansible-playbook runs here against a
throwaway YAML inventory.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
C5N_18_SHAPE = {"vcpus": 72, "cores": 36, "threads_per_core": 2, "memory_mib": 196608, "bare_metal": False}
SMT_OFF = {"core_count": 36, "threads_per_core": 1}
HOSTS = {
    "smt_off": {"ec2_cpu_options": SMT_OFF},
    "smt_on": {"ec2_cpu_options": {"core_count": 36, "threads_per_core": 2}},
    "no_cpu_options": {"ec2_cpu_options": None},
    "not_ec2": {"lowlat_cpu_shape": None, "ec2_cpu_options": None},
    # Bad values reach the preflight as typed (role vars as -e or group_vars give them): the filter
    # refuses them with the option's name; the role's null defaults never trip the mode checks.
    "bad_bool": {"ec2_cpu_options": SMT_OFF, "plan_allow_sibling_split": "maybe"},
    "irq_housekeeping": {
        "ec2_cpu_options": SMT_OFF,
        "plan_irq_mode": "housekeeping",
        "plan_housekeeping": "0-1",
    },
    "irq_cores_ignored": {"ec2_cpu_options": SMT_OFF, "plan_irq_mode": "housekeeping", "plan_irq_cores": "2"},
}
PLAYBOOK = """
- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.include_role:
        name: lowlat.trading.plan
        tasks_from: preflight.yml
"""


@pytest.fixture(scope="module")
def preflight(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("preflight")
    inventory = {
        "all": {
            "hosts": HOSTS,
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": sys.executable,
                "ec2_instance_type": "c5n.18xlarge",
                "lowlat_cpu_shape": C5N_18_SHAPE,
                "plan_smt": "require_off",
            },
        }
    }
    (tmp / "inventory.json").write_text(json.dumps(inventory))
    (tmp / "preflight.yml").write_text(PLAYBOOK)
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(REPO / "collections"),
        "ANSIBLE_INVENTORY_ENABLED": "ansible.builtin.yaml",
        "ANSIBLE_CACHE_PLUGIN": "memory",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCAL_TEMP": str(tmp / "ansible-tmp"),
    }
    result = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", "inventory.json", "preflight.yml"],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return result


def _recap(output: str, host: str) -> dict[str, int]:
    line = re.search(rf"^{host}\s+:(.*)$", output.split("PLAY RECAP")[-1], re.MULTILINE)
    assert line, output[-3000:]
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line.group(1))}


def test_require_off_passes_on_hosts_launched_without_smt(preflight):
    assert _recap(preflight.stdout, "smt_off")["failed"] == 0, preflight.stdout[-3000:]


def _failure(output: str, host: str) -> str:
    """The host's failure as one line (YAML callback output folds long messages)."""
    failure = re.search(rf"^fatal: \[{host}\]: FAILED! =>(.*?)(?=^\S)", output, re.MULTILINE | re.DOTALL)
    assert failure, output[-3000:]
    return " ".join(failure.group(1).split())


def test_require_off_refused_with_the_terraform_fix_when_launched_with_smt(preflight):
    assert _recap(preflight.stdout, "smt_on")["failed"] == 1, preflight.stdout[-3000:]
    message = _failure(preflight.stdout, "smt_on")
    assert "impossible CPU plan for c5n.18xlarge (from the inventory, before connecting)" in message
    assert "set threads_per_core = 1 in its Terraform host group (terraform/modules/trading_hosts)" in message


def test_without_cpu_options_the_host_decides(preflight):
    assert _recap(preflight.stdout, "no_cpu_options")["failed"] == 0, preflight.stdout[-3000:]
    assert _recap(preflight.stdout, "not_ec2")["failed"] == 0, preflight.stdout[-3000:]


def test_bad_policy_values_are_refused_with_the_option_named(preflight):
    assert _recap(preflight.stdout, "bad_bool")["failed"] == 1, preflight.stdout[-3000:]
    assert (
        "shape_plan: invalid policy: allow_sibling_split must be true or false (yes/no, on/off and 1/0 work "
        "too), given 'maybe'"
    ) in _failure(preflight.stdout, "bad_bool").replace("''", "'")
    assert _recap(preflight.stdout, "irq_cores_ignored")["failed"] == 1, preflight.stdout[-3000:]
    assert (
        "shape_plan: invalid policy: irq_cores (given '2') counts dedicated IRQ cores but irq_mode is "
        "housekeeping"
    ) in _failure(preflight.stdout, "irq_cores_ignored").replace("''", "'")


def test_role_defaults_leave_mode_dependent_options_unset(preflight):
    assert _recap(preflight.stdout, "irq_housekeeping")["failed"] == 0, preflight.stdout[-3000:]
