"""`ansible-galaxy collection build` of this repository gives the collection and nothing else:
galaxy.yml's build_ignore keeps the tooling, tests, infrastructure code, the reference engine and
local state (venvs, caches) out of the tarball."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GALAXY = Path(sys.executable).with_name("ansible-galaxy")

# Top-level names of the repository that are not part of the collection.
EXCLUDED = (
    ".ansible-lint",
    ".cache",
    ".ci",
    ".git",
    ".gitignore",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
    ".venv",  # and .venv-checkov
    ".yamllint",
    "Makefile",
    "ansible.cfg",
    "benchmarks",
    "collections",
    "engine",
    "inventories",
    "lambda",
    "molecule",
    "pyproject.toml",
    "requirements",  # and requirements.yml
    "terraform",
    "tests",
    "tools",
)
ALLOWED_TOP = {"plugins", "roles", "playbooks", "meta", "docs", "changelogs", "README.md", "LICENSE"}
# Written by ansible-galaxy itself.
GENERATED = {"MANIFEST.json", "FILES.json"}


@pytest.fixture(scope="module")
def members(tmp_path_factory) -> list[str]:
    out = tmp_path_factory.mktemp("collection-build")
    subprocess.run(
        [str(GALAXY), "collection", "build", "--output-path", str(out), str(REPO)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    version = yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]
    with tarfile.open(out / f"lowlat-trading-{version}.tar.gz") as tar:
        return tar.getnames()


def test_nothing_outside_the_collection(members):
    leaked = [m for m in members if m.startswith(EXCLUDED)]
    assert not leaked, leaked[:20]
    tops = {m.split("/", 1)[0] for m in members}
    assert tops - GENERATED <= ALLOWED_TOP, sorted(tops - GENERATED - ALLOWED_TOP)
    assert not [m for m in members if "__pycache__" in m or m.endswith(".pyc")]


def test_the_collection_is_all_there(members):
    names = set(members)
    modules = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "plugins" / "modules").glob("*.py"))
    roles = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "roles").glob("*/tasks/main.yml"))
    assert modules and roles
    assert set(modules) <= names, sorted(set(modules) - names)
    assert set(roles) <= names, sorted(set(roles) - names)
    for needed in ("meta/runtime.yml", "README.md", "changelogs/changelog.yaml", "playbooks/site.yml"):
        assert needed in names, needed
    assert names >= GENERATED


# config_set's `prefix` (where it writes files) is not the others' `root` (where /proc and /sys
# are read): a group default must never set one for the other.
NOT_IN_ACTION_GROUP = {"config_set"}


def test_action_group_lists_every_module():
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())
    modules = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py") if p.stem != "__init__")
    assert runtime["action_groups"]["lowlat"] == [m for m in modules if m not in NOT_IN_ACTION_GROUP]
    assert set(modules) >= NOT_IN_ACTION_GROUP


def test_requires_ansible_matches_the_runtime_requirement():
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())
    lines = (REPO / "requirements" / "runtime.txt").read_text().splitlines()
    (core,) = [line for line in lines if line.startswith("ansible-core")]
    assert core == "ansible-core>=2.17,<2.22"
    assert runtime["requires_ansible"] == ">=2.17.0,<2.22.0"
