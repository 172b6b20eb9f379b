"""Terraform run for real: offline init, fmt, validate, `terraform test` with mock providers, and
plan/apply/destroy of every environment against a moto server on 127.0.0.1 (tools/tf.sh).

Each phase's wall time is recorded and printed as a table at the end of the session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TF_ROOT = REPO / "terraform"
TF_TOOL = REPO / "tools" / "tf.sh"
MODULE_DIRS = sorted(p for p in (TF_ROOT / "modules").iterdir() if p.is_dir())
# An environment is a root configuration (it has a main.tf); environments/common holds the files
# they link.
ENV_DIRS = sorted(p for p in (TF_ROOT / "environments").iterdir() if (p / "main.tf").is_file())

_TIMINGS: list[tuple[str, str, float]] = []
_REPORTS: list[tuple[str, str]] = []


def record_report(title: str, text: str) -> None:
    """A report a test produced (the DR drill's), printed at the end of the session."""
    _REPORTS.append((title, text))


@dataclass
class TfResult:
    returncode: int
    output: str
    seconds: float


@dataclass
class Terraform:
    """tools/tf.sh with a timeout on every call (an API the emulator lacks can make the provider
    retry for a long time) and the phase timings recorded."""

    endpoint: str | None = None
    workdir: Path | None = None
    env: dict[str, str] = field(default_factory=dict)

    def run(
        self, command: str, target: Path, *args: str, timeout: float = 600, label: str | None = None
    ) -> TfResult:
        cmd = [str(TF_TOOL)]
        if self.endpoint:
            cmd += ["--endpoint", self.endpoint]
        if self.workdir:
            cmd += ["--workdir", str(self.workdir)]
        # Flags before positional arguments: Terraform stops reading flags at the first one.
        color = [] if command in ("output", "show", "state", "fmt") else ["-no-color"]
        cmd += [command, str(target), *color, *args]
        start = time.monotonic()
        try:
            proc = subprocess.run(
                cmd,
                cwd=REPO,
                env={**os.environ, **self.env},
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            result = TfResult(proc.returncode, proc.stdout + proc.stderr, time.monotonic() - start)
        except subprocess.TimeoutExpired as exc:
            out = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            pytest.fail(
                f"terraform {command} {target.name} did not finish in {timeout:.0f} s:\n{out[-4000:]}"
            )
        _TIMINGS.append((target.relative_to(TF_ROOT).as_posix(), label or command, result.seconds))
        return result

    def ok(self, command: str, target: Path, *args: str, **kwargs: object) -> TfResult:
        result = self.run(command, target, *args, **kwargs)  # type: ignore[arg-type]
        assert result.returncode == 0, f"terraform {command} {target.name} failed:\n{result.output[-6000:]}"
        return result


@pytest.fixture(scope="session", autouse=True)
def lambda_packages() -> None:
    """terraform/build/lambda/*.zip (git-ignored), which the stack's serverless functions upload:
    built from lambda/ first, so validate, plan and apply find them in a fresh checkout."""
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_lambdas.py")], cwd=REPO, check=True, capture_output=True
    )


@pytest.fixture(scope="session")
def terraform_binary() -> str:
    path = shutil.which("terraform")
    if path is None:
        pytest.fail("missing terraform: it comes with the machine image (see tools/required-programs.tsv)")
    return path


@pytest.fixture(scope="session")
def tf(terraform_binary: str) -> Terraform:
    return Terraform()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for title, text in _REPORTS:
        terminalreporter.section(title)
        terminalreporter.write_line(text.rstrip())
    if not _TIMINGS:
        return
    terminalreporter.section("terraform timings (wall seconds)")
    for target, phase, seconds in _TIMINGS:
        terminalreporter.write_line(f"{target:<28} {phase:<22} {seconds:7.1f}")
