"""Build the engine wheels the deploy tests install: the real one from engine/, and a broken one.

The broken wheel is the same package from a temporary copy of engine/ with a higher version whose
`lowlat-engine` passes --check-config (so the unit's ExecStartPre succeeds) but raises at startup:
the service keeps failing and never becomes ready, which is what a deploy must roll back from.
Wheels are built at test time and never committed.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENGINE = REPO / "engine"

BROKEN_MAIN = """
def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--check-config" in args or "--version" in args:
        return _real_main(argv)
    raise RuntimeError("broken build for the rollback test: the engine refuses to start")
"""


@dataclass(frozen=True)
class Wheel:
    path: Path
    version: str
    sha256: str


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(source: Path) -> str:
    match = re.search(r'^version = "([^"]+)"', (source / "pyproject.toml").read_text(), re.M)
    if match is None:
        raise RuntimeError(f"no version in {source / 'pyproject.toml'}")
    return match.group(1)


def build_wheel(source: Path, out_dir: Path) -> Wheel:
    """pip wheel with build isolation: setuptools >= 77 comes from the configured package index."""
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
         "-w", str(out_dir), str(source)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    version = _version(source)
    [path] = out_dir.glob(f"lowlat_engine-{version}-*.whl")
    return Wheel(path, version, _sha256(path))


def _bump(version: str) -> str:
    major, minor, *_ = version.split(".")
    return f"{major}.{int(minor) + 1}.0"


def build_broken_wheel(work_dir: Path, out_dir: Path) -> Wheel:
    """The engine with a higher version whose main() raises unless it only checks the config."""
    source = work_dir / "engine-broken"
    shutil.copytree(
        ENGINE, source, ignore=shutil.ignore_patterns("tests", "*.egg-info", "__pycache__", "build")
    )
    version = _bump(_version(source))
    pyproject = source / "pyproject.toml"
    pyproject.write_text(
        re.sub(r'^version = "[^"]+"', f'version = "{version}"', pyproject.read_text(), count=1, flags=re.M)
    )
    init = source / "src" / "lowlat_engine" / "__init__.py"
    init.write_text(re.sub(r'__version__ = "[^"]+"', f'__version__ = "{version}"', init.read_text(), count=1))
    cli = source / "src" / "lowlat_engine" / "cli.py"
    text = cli.read_text().replace(
        "def main(argv: list[str] | None = None) -> int:", "def _real_main(argv=None):", 1
    )
    cli.write_text(text + BROKEN_MAIN)
    return build_wheel(source, out_dir)
