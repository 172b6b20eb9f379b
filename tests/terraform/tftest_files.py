"""The native test files of the Terraform modules, split into runs (terraform/modules/*/tests).

A *refusal run* is a run with an `expect_failures` line: it proves a bad input is refused. The
files that hold refusal runs are run by test_validation_messages.py (each refusal alone, to read
its message, and the file's other runs together); test_native.py runs every other file, so each
run is run once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

RUN_HEADER = re.compile(r'^run "([^"]+)" \{\s*$')
EXPECT_FAILURES = re.compile(r"^\s*expect_failures\s*=\s*\[(.*)\]\s*$")


@dataclass(frozen=True)
class Refusal:
    module: str
    run: str
    expects: str  # what the run's expect_failures names: var.X or a resource address


def split_runs(text: str) -> tuple[str, list[tuple[str, str]]]:
    """A test file's text outside run blocks (variables, mock providers) and its run blocks."""
    preamble: list[str] = []
    runs: list[tuple[str, str]] = []
    current: tuple[str, list[str]] | None = None
    for line in text.splitlines(keepends=True):
        if current is None:
            header = RUN_HEADER.match(line)
            if header:
                current = (header.group(1), [line])
            else:
                preamble.append(line)
            continue
        current[1].append(line)
        if line.rstrip() == "}":  # a run block closes at column 0
            runs.append((current[0], "".join(current[1])))
            current = None
    assert current is None, f"unterminated run block {current and current[0]}"
    return "".join(preamble), runs


def refusals_in(module_dir: Path) -> list[tuple[Refusal, str]]:
    """Each refusal run of a module with the single-run test file that shows its message."""
    found = []
    for test_file in sorted((module_dir / "tests").glob("*.tftest.hcl")):
        preamble, runs = split_runs(test_file.read_text())
        for name, body in runs:
            lines = body.splitlines(keepends=True)
            expects = [m.group(1).strip() for m in map(EXPECT_FAILURES.match, lines) if m]
            if not expects:
                continue
            assert len(expects) == 1, f"{test_file.name}: run {name} has {len(expects)} expect_failures lines"
            kept = "".join(line for line in lines if not EXPECT_FAILURES.match(line))
            found.append((Refusal(module_dir.name, name, expects[0]), preamble + kept))
    return found


def module_test_files(module_dir: Path) -> list[Path]:
    return sorted((module_dir / "tests").glob("*.tftest.hcl"))


def has_refusals(test_file: Path) -> bool:
    return any(EXPECT_FAILURES.match(line) for line in test_file.read_text().splitlines())


def other_runs(test_file: Path) -> str | None:
    """The file without its refusal runs (None when nothing else is left in it)."""
    preamble, runs = split_runs(test_file.read_text())
    kept = [body for _, body in runs if not any(map(EXPECT_FAILURES.match, body.splitlines()))]
    return preamble + "\n".join(kept) if kept else None
