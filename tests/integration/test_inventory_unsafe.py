"""EC2 data is never templated: a tag that holds Jinja stays text on every supported ansible-core.

ansible-core 2.17 and 2.18 template any host variable string that is not wrapped as unsafe, so a
tag such as ``{{ lookup('pipe', ...) }}`` would run a command on the controller. 2.19 only
templates strings tagged as trusted. The plugin marks everything from AWS as unsafe on all of
them; these tests run a playbook against an inventory with such tags on the oldest supported
ansible-core (a venv under .cache/, built once) and on the newest (the project's .venv).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import FULL_TAGS, REPO, launch
from tools.lowlat_testbed.moto_server import safe_aws_env

pytestmark = pytest.mark.integration

RUNTIME_REQUIREMENTS = REPO / "requirements" / "runtime.txt"
VENVS = REPO / ".cache" / "venvs"
PIP_TIMEOUT = 900


def _runtime_requirements() -> tuple[str, list[str]]:
    """(ansible-core floor as 'X.Y', the other runtime requirements) from requirements/runtime.txt."""
    lines = [line.split("#", 1)[0].strip() for line in RUNTIME_REQUIREMENTS.read_text().splitlines()]
    floor, others = None, []
    for line in filter(None, lines):
        match = re.fullmatch(r"ansible-core\s*>=\s*(\d+\.\d+)\S*", line)
        if match:
            floor = match.group(1)
        else:
            others.append(line)
    assert floor, f"{RUNTIME_REQUIREMENTS} has no 'ansible-core>=X.Y' line"
    return floor, others


def oldest_supported_venv() -> Path:
    """A venv with the oldest ansible-core the project supports, under .cache/venvs/; built once.

    Rebuilt only when the requirements it was made from change (a stamp file records them).
    """
    floor, others = _runtime_requirements()
    major, minor = floor.split(".")
    requirements = [f"ansible-core>={floor},<{major}.{int(minor) + 1}", *others]
    venv = VENVS / f"ansible-core-{floor}"
    stamp = venv / "lowlat-requirements.txt"
    wanted = "\n".join(requirements) + "\n"
    if stamp.is_file() and stamp.read_text() == wanted and (venv / "bin" / "ansible-playbook").exists():
        return venv
    VENVS.mkdir(parents=True, exist_ok=True)
    steps = (
        [sys.executable, "-m", "venv", "--clear", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *requirements],
    )
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True, timeout=PIP_TIMEOUT, check=False)
        if proc.returncode != 0:
            pytest.skip(
                f"cannot build the ansible-core {floor} venv ({' '.join(step)}): {proc.stderr[-2000:]}"
            )
    stamp.write_text(wanted)
    return venv


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("oldest", marks=pytest.mark.slow, id="oldest-supported"),
        pytest.param("newest", id="project-venv"),
    ],
)
def ansible_bin(request: pytest.FixtureRequest) -> Path:
    """bin/ of a venv with an ansible-core version the project supports (oldest or newest)."""
    if request.param == "newest":
        return REPO / ".venv" / "bin"
    return oldest_supported_venv() / "bin"


def core_version(bin_dir: Path) -> str:
    out = subprocess.run(
        [str(bin_dir / "ansible"), "--version"], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    return re.search(r"\[core (\d+\.\d+\.\d+)", out).group(1)


def run(bin_dir: Path, *argv: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = safe_aws_env()
    env.update(
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        PATH=f"{bin_dir}:{env.get('PATH', '/usr/bin:/bin')}",
        ANSIBLE_NOCOLOR="1",
        **(env_extra or {}),
    )
    return subprocess.run(
        [str(bin_dir / argv[0]), *argv[1:]],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def evil(marker: Path) -> str:
    return f"{{{{ lookup('pipe', 'touch {marker}') }}}}"


def malicious_inventory(moto: Any, write_config: Any, tmp_path: Path) -> tuple[Path, str]:
    """One instance whose Name, cluster and note tags are templates; names the host by its Name tag,
    composes a variable from a tag and caches the result, so every path a value can take is used."""
    marker = tmp_path / "pwned"
    value = evil(marker)
    launch(moto.ec2(), 1, {**FULL_TAGS, "Name": value, "lowlat:cluster": value, "note": value})
    config = write_config(
        hostnames=["tag:Name"],
        compose={"from_tag": "ec2_tags['note']", "noted": "'note: ' ~ ec2_tags['note']"},
        keyed_groups=[{"key": "ec2_tags['note']", "prefix": "note"}],
        cache=True,
        cache_plugin="ansible.builtin.jsonfile",
        cache_connection=str(tmp_path / "inventory-cache"),
    )
    return config, value


PLAYBOOK = """
- hosts: lowlat_ec2
  gather_facts: false
  connection: local
  tasks:
    - {name: tag, debug: {msg: "{{ ec2_tags.note }}"}}
    - {name: tag_var, debug: {msg: "{{ lowlat_cluster }}"}}
    - {name: hostname, debug: {msg: "{{ inventory_hostname }}"}}
    - {name: ansible_host, debug: {msg: "{{ ansible_host }}"}}
    - {name: composed, debug: {msg: "{{ from_tag }}"}}
    - {name: composed_concat, debug: {msg: "{{ noted }}"}}
    - {name: via_hostvars, debug: {msg: "{{ hostvars[inventory_hostname]['ec2_tags']['Name'] }}"}}
"""


def task_messages(stdout: str) -> dict[str, str]:
    """task name -> the debug msg of its only host, from the default callback's JSON results
    (callback_result_format=json; the json stdout callback is not in ansible-core 2.17)."""
    messages: dict[str, str] = {}
    task, block = None, None
    for line in stdout.splitlines():
        if block is not None:
            block.append(line)
            if line == "}":
                messages[task] = json.loads("\n".join(block))["msg"]
                block = None
        elif match := re.match(r"TASK \[(.*)\] \*+$", line):
            task = match.group(1)
        elif line.startswith("ok: [") and line.endswith("=> {"):
            block = ["{"]
    return messages


def all_strings_unsafe(value: Any, where: str = "") -> list[str]:
    """Paths of the strings --list does not mark as {"__ansible_unsafe": ...}."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return []
        return [p for k, v in value.items() for p in all_strings_unsafe(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in all_strings_unsafe(v, f"{where}[{i}]")]
    return [where] if isinstance(value, str) else []


def test_malicious_tags_are_shown_literally_and_never_run(ansible_bin, moto, write_config, tmp_path):
    version = core_version(ansible_bin)
    floor, _ = _runtime_requirements()
    if ansible_bin.parent.name != ".venv":
        assert version.startswith(f"{floor}."), version
    config, value = malicious_inventory(moto, write_config, tmp_path)
    playbook = tmp_path / "show.yml"
    playbook.write_text(PLAYBOOK)
    marker = tmp_path / "pwned"

    for attempt in ("cold", "cached"):
        moto.server.reset_stats()
        proc = run(
            ansible_bin,
            "ansible-playbook",
            "-i",
            str(config),
            str(playbook),
            env_extra={"ANSIBLE_CALLBACK_RESULT_FORMAT": "json"},
        )
        assert not marker.exists(), f"ansible-core {version} ({attempt}) ran the pipe lookup from a tag"
        assert proc.returncode == 0, f"{version} {attempt}: {proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        messages = task_messages(proc.stdout)
        assert messages == {
            "tag": value,
            "tag_var": value,
            "hostname": value,
            "ansible_host": value,
            "composed": value,
            "composed_concat": f"note: {value}",
            "via_hostvars": value,
        }, f"ansible-core {version} ({attempt})"
        if attempt == "cached":
            assert moto.total_calls() == 0  # this run read the plugin's cache

    # Every string in every host's variables is marked unsafe in --list (2.17: AnsibleUnsafe;
    # 2.19: not trusted as a template), cached run included.
    listed = run(ansible_bin, "ansible-inventory", "-i", str(config), "--list")
    assert listed.returncode == 0, listed.stderr[-3000:]
    hostvars = json.loads(listed.stdout)["_meta"]["hostvars"]
    assert len(hostvars) == 1
    assert all_strings_unsafe(hostvars) == []
    assert not marker.exists()


def test_values_are_untrusted_in_process(moto, write_config, load_inventory, tmp_path):
    """Every string the plugin hands Ansible (host names, group names, every hostvar) is one that
    this ansible-core will not template, on a cold run and on a cached one."""
    try:
        from ansible.template import is_trusted_as_template  # ansible-core 2.19+
    except ImportError:  # 2.17/2.18

        def is_trusted_as_template(value: Any) -> bool:
            return not getattr(value, "__UNSAFE__", False)

    config, value = malicious_inventory(moto, write_config, tmp_path)

    def trusted(node: Any, where: str) -> list[str]:
        if isinstance(node, dict):
            return [
                p for k, v in node.items() for p in trusted(k, f"{where}<key>") + trusted(v, f"{where}.{k}")
            ]
        if isinstance(node, list | tuple | set):
            return [p for i, v in enumerate(node) for p in trusted(v, f"{where}[{i}]")]
        return [where] if isinstance(node, str) and is_trusted_as_template(node) else []

    for attempt in ("cold", "cached"):
        run_ = load_inventory(config)
        (host,) = run_.inventory.hosts.values()
        assert host.name == value
        variables = {k: v for k, v in host.vars.items() if k not in ("inventory_file", "inventory_dir")}
        assert variables["ec2_tags"]["note"] == value
        assert variables["from_tag"] == value
        assert trusted(variables, attempt) == []
        assert trusted([host.name], f"{attempt} host name") == []
        assert trusted(sorted(run_.group_names), f"{attempt} group names") == []
        assert not (tmp_path / "pwned").exists()


def test_untrusted_marks_every_string_however_nested():
    from ansible_collections.lowlat.trading.plugins.plugin_utils.built_inventory import untrusted

    try:
        from ansible.template import is_trusted_as_template, trust_as_template  # 2.19+
    except ImportError:  # 2.17/2.18: every str counts as trusted unless wrapped
        from ansible.utils.unsafe_proxy import AnsibleUnsafe

        def trust_as_template(value: str) -> str:
            return value

        def is_trusted_as_template(value: Any) -> bool:
            return not isinstance(value, AnsibleUnsafe)

    template = "{{ lookup('pipe', 'id') }}"
    value = {
        trust_as_template("key"): [trust_as_template(template), template, 1, 2.5, None, True],
        "nested": {"deeper": [{"x": trust_as_template(template)}]},
        "plain": template,
    }
    marked = untrusted(value)
    assert marked == value

    def trusted(node: Any) -> list[Any]:
        if isinstance(node, dict):
            return [s for k, v in node.items() for s in trusted(k) + trusted(v)]
        if isinstance(node, list):
            return [s for v in node for s in trusted(v)]
        return [node] if isinstance(node, str) and is_trusted_as_template(node) else []

    assert trusted(marked) == []
