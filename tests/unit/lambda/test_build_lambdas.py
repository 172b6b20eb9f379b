"""tools/build_lambdas.py: deterministic packages (same files, same bytes), what goes in and what
stays out, and `--check` finding a missing or stale package. Builds go to tmp dirs only; the
repository's own lambda/ is built once into a tmp dir to see that it packages as Lambda expects."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[3]
TOOL = REPO / "tools" / "build_lambdas.py"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_lambdas", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """Two small functions with the droppings a working tree collects."""
    root = tmp_path / "lambda"
    files = {
        "alpha/handler.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
        "alpha/helpers/__init__.py": "",
        "alpha/helpers/fmt.py": "X = 1\n",
        "alpha/__pycache__/handler.cpython-312.pyc": "junk",
        "alpha/helpers/__pycache__/fmt.cpython-312.pyc": "junk",
        "alpha/stale.pyc": "junk",
        "alpha/.DS_Store": "junk",
        "beta/handler.py": "def handler(event, context):\n    return None\n",
        "__pycache__/x.pyc": "junk",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    os.chmod(root / "alpha" / "handler.py", 0o755)
    return root


def entries(path: Path) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return archive.infolist()


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_one_zip_per_function_with_only_the_code(tool, source, tmp_path):
    built = tool.build(source, tmp_path / "out")
    assert [p.name for p, _ in built] == ["alpha.zip", "beta.zip"]
    assert [i.filename for i in entries(tmp_path / "out" / "alpha.zip")] == [
        "handler.py",
        "helpers/__init__.py",
        "helpers/fmt.py",
    ]
    with zipfile.ZipFile(tmp_path / "out" / "alpha.zip") as archive:
        assert archive.read("handler.py") == (source / "alpha" / "handler.py").read_bytes()


def test_entries_have_fixed_time_mode_and_order(tool, source, tmp_path):
    tool.build(source, tmp_path / "out")
    infos = entries(tmp_path / "out" / "alpha.zip")
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.external_attr >> 16 == 0o100644, "0644 even for the executable handler.py"
        assert info.create_system == 3
        assert info.compress_type == zipfile.ZIP_STORED
        assert not info.extra


def test_second_build_is_byte_identical(tool, source, tmp_path):
    first = {p.name: (p.read_bytes(), digest) for p, digest in tool.build(source, tmp_path / "one")}
    # Touch every file (new mtimes) and rebuild elsewhere: nothing about the bytes may change.
    for path in source.rglob("*"):
        os.utime(path, (1_900_000_000, 1_900_000_000))
    second = {p.name: (p.read_bytes(), digest) for p, digest in tool.build(source, tmp_path / "two")}
    assert first == second
    for data, digest in first.values():
        assert hashlib.sha256(data).hexdigest() == digest


def test_rebuild_in_place_leaves_a_current_zip_untouched(tool, source, tmp_path):
    out = tmp_path / "out"
    tool.build(source, out)
    os.utime(out / "alpha.zip", (1_000_000_000, 1_000_000_000))
    tool.build(source, out)
    assert (out / "alpha.zip").stat().st_mtime == 1_000_000_000
    assert not list(out.glob("*.partial"))


def test_check_passes_when_current_and_names_missing_and_stale(tool, source, tmp_path):
    out = tmp_path / "out"
    assert tool.check(source, out) == [f"{out}/alpha.zip: missing", f"{out}/beta.zip: missing"]
    tool.build(source, out)
    assert tool.check(source, out) == []
    (source / "beta" / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    assert tool.check(source, out) == [f"{out}/beta.zip: stale (differs from {source}/beta)"]
    # A new file in a function is a change too.
    tool.build(source, out)
    (source / "alpha" / "extra.py").write_text("Y = 2\n")
    assert tool.check(source, out) == [f"{out}/alpha.zip: stale (differs from {source}/alpha)"]


def test_cli_build_prints_path_and_sha256_then_check_exits_0(source, tmp_path):
    out = tmp_path / "out"
    built = run_tool("--source", str(source), "--out", str(out))
    assert built.returncode == 0, built.stderr
    lines = [line.split() for line in built.stdout.splitlines()]
    assert [Path(path).name for path, _ in lines] == ["alpha.zip", "beta.zip"]
    for path, digest in lines:
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest
    assert run_tool("--check", "--source", str(source), "--out", str(out)).returncode == 0


def test_cli_check_exits_1_on_a_stale_zip(source, tmp_path):
    out = tmp_path / "out"
    assert run_tool("--source", str(source), "--out", str(out)).returncode == 0
    (source / "alpha" / "handler.py").write_text("# changed\n")
    checked = run_tool("--check", "--source", str(source), "--out", str(out))
    assert checked.returncode == 1
    assert "alpha.zip: stale" in checked.stderr
    assert "beta" not in checked.stderr
    assert (out / "alpha.zip").read_bytes() != b"", "--check builds nothing"


def test_cli_refuses_an_empty_source(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run_tool("--source", str(tmp_path / "empty"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "no function folders" in result.stderr


def test_repository_functions_package_as_lambda_expects(tool, tmp_path):
    packages = {p.name: p for p, _ in tool.build(tool.SOURCE_DIR, tmp_path / "out")}
    assert "order_status.zip" in packages
    names = [i.filename for i in entries(packages["order_status.zip"])]
    assert "handler.py" in names, "handler.handler is the Lambda handler: handler.py at the zip root"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
