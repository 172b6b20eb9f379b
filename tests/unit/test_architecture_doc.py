"""docs/architecture.md names every piece of the collection a reader has to find.

- every Python file of plugins/ (module_utils, modules, filters, lookups, the inventory plugin and
  its plugin_utils), by its repository path in backticks, and every filter by name;
- every file of the roles' boot-time layer under roles/*/files and roles/*/templates: systemd units
  and drop-ins (a `[Unit]`, `[Service]`, `[Timer]`, `[Mount]`, `[Install]` or `[Manager]` section),
  executable helpers (a `#!` line or the executable bit) and udev rules (`*.rules`), by repository
  path in backticks.

tests/unit/test_docs_paths.py checks the other direction: every path the page names exists.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "architecture.md"
PLUGIN_DIRS = ("module_utils", "modules", "filter", "lookup", "inventory", "plugin_utils")
SYSTEMD_SECTION = re.compile(r"^\[(Unit|Service|Timer|Mount|Socket|Path|Install|Manager)\]\s*$", re.MULTILINE)


def doc_text() -> str:
    return DOC.read_text()


def plugin_files() -> list[Path]:
    return sorted(
        p for d in PLUGIN_DIRS for p in (REPO / "plugins" / d).glob("*.py") if p.name != "__init__.py"
    )


def filter_names() -> list[str]:
    """Names each FilterModule.filters() returns (its dict literal's keys)."""
    names = []
    for path in sorted((REPO / "plugins" / "filter").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name == "filters":
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Dict):
                        names += [k.value for k in ret.value.keys if isinstance(k, ast.Constant)]
    return names


def boot_layer_kind(path: Path) -> str | None:
    """'systemd', 'helper' or 'udev' for a file of the boot-time layer, else None."""
    name = path.name.removesuffix(".j2")
    if name.endswith(".rules"):
        return "udev"
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        return None
    if text.startswith("#!") or os.access(path, os.X_OK):
        return "helper"
    if SYSTEMD_SECTION.search(text):
        return "systemd"
    return None


def boot_layer_files() -> list[Path]:
    files = [
        p
        for pattern in ("roles/*/files/**/*", "roles/*/templates/**/*")
        for p in REPO.glob(pattern)
        if p.is_file() and boot_layer_kind(p)
    ]
    return sorted(set(files))


def test_the_scan_finds_the_known_layer():
    """The detection itself: the units and helpers the roles are known to ship are found."""
    found = {str(p.relative_to(REPO)): boot_layer_kind(p) for p in boot_layer_files()}
    assert found["roles/irq_affinity/files/lowlat-irq-pin"] == "helper"
    assert found["roles/ena/files/lowlat-nic-tune"] == "helper"
    assert found["roles/hugepages/templates/lowlat-hugepages-allocate.j2"] == "helper"
    assert found["roles/ena/templates/lowlat-ena@.service.j2"] == "systemd"
    assert found["roles/kernel/templates/cpuaffinity.conf.j2"] == "systemd"
    assert found["roles/irq_affinity/templates/90-lowlat-irq-affinity.rules.j2"] == "udev"
    assert "roles/prometheus/templates/rules/lowlat-alerts.rules.yml.j2" not in found
    assert len(found) >= 24
    assert len(plugin_files()) >= 30
    assert "shape_plan" in filter_names()


@pytest.mark.parametrize("path", plugin_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_plugin_file_is_named(path: Path):
    assert f"`{path.relative_to(REPO)}`" in doc_text()


def test_every_filter_is_named():
    text = doc_text()
    assert [n for n in filter_names() if f"`{n}`" not in text] == []


@pytest.mark.parametrize("path", boot_layer_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_unit_and_helper_is_named(path: Path):
    assert f"`{path.relative_to(REPO)}`" in doc_text(), (
        f"{path.relative_to(REPO)} ({boot_layer_kind(path)}) is not in docs/architecture.md's boot-time layer"
    )
