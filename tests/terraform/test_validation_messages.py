"""What each refused Terraform input tells the user, exactly (issue 18's Terraform entry point).

The modules' native tests prove *that* a bad value is refused (`expect_failures`); they cannot see
*what the message says*. Here every such run is taken out of its file into a file of its own, in
a copy of terraform/, with its `expect_failures` line removed, and run with `terraform test
-json`: the run now ends with the error diagnostic a user would read, and its text is compared
with the module's table in tests/terraform/refusals/<module>.py. One file per run, because
Terraform skips a file's remaining runs once one has failed. The other runs of those files (the
accepted edge values) run here too, together, and must pass; test_native.py runs the files
without refusal runs, so every run is run once. The tables' rows are exactly the
refusal runs of the native tests (no run without a row, no row without a run), and every
`validation` block of every module is hit by some row.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.terraform.conftest import MODULE_DIRS, TF_ROOT, TF_TOOL
from tests.terraform.refusals import PRECONDITION, VARIABLE
from tests.terraform.tftest_files import Refusal, has_refusals, module_test_files, other_runs, refusals_in

# Terraform appends where the rule lives to a validation failure's detail.
CHECKED_BY = re.compile(
    r"\n\nThis was checked by the validation rule at (?P<file>[^:]+):(?P<line>\d+),[\d,-]+\.$"
)


@dataclass(frozen=True)
class Diagnostic:
    summary: str
    message: str
    rule: str | None  # variables.tf:LINE of the validation block, for variable validations


def diagnostics(output: str) -> dict[str, set[Diagnostic]]:
    """The error diagnostics of `terraform test -json` output, by test run."""
    by_run: dict[str, set[Diagnostic]] = {}
    for line in output.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        diag = event.get("diagnostic") if isinstance(event, dict) else None
        if not diag or diag.get("severity") != "error":
            continue
        detail = diag.get("detail", "")
        where = CHECKED_BY.search(detail)
        message = detail[: where.start()] if where else detail
        rule = f"{where['file']}:{where['line']}" if where else None
        by_run.setdefault(event.get("@testrun", ""), set()).add(Diagnostic(diag["summary"], message, rule))
    return by_run


def run_module(tree: Path, module: str) -> str:
    import subprocess

    module_dir = tree / "modules" / module
    for cmd in (["init", "-backend=false"], ["test", "-json", "-no-color"]):
        proc = subprocess.run(
            [str(TF_TOOL), "--tree", str(tree), cmd[0], str(module_dir), *cmd[1:]],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if cmd[0] == "init":
            assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


ACCEPTED_PREFIX = "accepted_"


def run_statuses(output: str) -> dict[tuple[str, str], str]:
    """(test file name, run) -> the run's final status in `terraform test -json` output."""
    statuses = {}
    for line in output.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        run = event.get("test_run") if isinstance(event, dict) else None
        if isinstance(run, dict) and run.get("progress") == "complete":
            statuses[(Path(run["path"]).name, run["run"])] = run["status"]
    return statuses


@dataclass
class Observed:
    errors: dict[tuple[str, str], set[Diagnostic]]  # (module, run) -> error diagnostics
    statuses: dict[tuple[str, str, str], str]  # (module, test file, run) -> pass/fail/error


def observe(workdir: Path) -> Observed:
    """Run every refusal on its own, and the other runs of the files that hold refusals together,
    in a copy of terraform/ under workdir."""
    tree = workdir / "terraform"
    shutil.copytree(TF_ROOT, tree, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    modules = []
    for module_dir in MODULE_DIRS:
        refusals = refusals_in(module_dir)
        if not refusals:
            continue
        tests_dir = tree / "modules" / module_dir.name / "tests"
        for old in tests_dir.glob("*.tftest.hcl"):
            old.unlink()
        for refusal, text in refusals:
            (tests_dir / f"msg_{refusal.run}.tftest.hcl").write_text(text)
        for test_file in module_test_files(module_dir):
            rest = other_runs(test_file) if has_refusals(test_file) else None
            if rest is not None:
                (tests_dir / f"{ACCEPTED_PREFIX}{test_file.name}").write_text(rest)
        modules.append(module_dir.name)
    with ThreadPoolExecutor(max_workers=len(modules)) as pool:
        outputs = dict(zip(modules, pool.map(lambda m: run_module(tree, m), modules), strict=True))
    return Observed(
        errors={
            (module, run): diags
            for module, output in outputs.items()
            for run, diags in diagnostics(output).items()
        },
        statuses={
            (module, test_file, run): status
            for module, output in outputs.items()
            for (test_file, run), status in run_statuses(output).items()
        },
    )


@pytest.fixture(scope="module")
def observation(tmp_path_factory: pytest.TempPathFactory) -> Observed:
    return observe(tmp_path_factory.mktemp("tf-messages"))


@pytest.fixture(scope="module")
def observed(observation: Observed) -> dict[tuple[str, str], set[Diagnostic]]:
    return observation.errors


def all_refusals() -> list[Refusal]:
    return [refusal for module_dir in MODULE_DIRS for refusal, _ in refusals_in(module_dir)]


V = VARIABLE
P = PRECONDITION


def expected_messages() -> dict[tuple[str, str], tuple[str, str]]:
    """(module, run) -> (summary, message) from tests/terraform/refusals/<module>.py."""
    expected = {}
    for module_dir in MODULE_DIRS:
        if not refusals_in(module_dir):
            continue
        table = importlib.import_module(f"tests.terraform.refusals.{module_dir.name}")
        expected.update({(module_dir.name, run): row for run, row in table.MESSAGES.items()})
    return expected


EXPECTED = expected_messages()


def test_table_rows_are_the_refusal_runs() -> None:
    runs = {(r.module, r.run) for r in all_refusals()}
    assert runs - set(EXPECTED) == set(), "refusal runs without a row in EXPECTED"
    assert set(EXPECTED) - runs == set(), "rows in EXPECTED without a refusal run"


@pytest.mark.parametrize(("module", "run"), sorted(EXPECTED), ids=lambda v: v)
def test_refusal_message_is_exact(observed: dict, module: str, run: str) -> None:
    got = observed.get((module, run), set())
    assert len(got) == 1, f"{module}/{run}: expected one error, got {sorted(got, key=str)}"
    (diag,) = got
    assert (diag.summary, diag.message) == EXPECTED[(module, run)]


def test_refusal_names_what_it_expects(observed: dict) -> None:
    """A variable's refusal comes from a validation rule; a resource's from its precondition."""
    for refusal in all_refusals():
        for diag in observed.get((refusal.module, refusal.run), set()):
            wanted = V if refusal.expects.startswith("var.") else P
            assert diag.summary == wanted, (refusal, diag)


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda p: p.name)
def test_every_validation_rule_is_exercised(observed: dict, module_dir: Path) -> None:
    lines = (module_dir / "variables.tf").read_text().splitlines()
    rules = {f"variables.tf:{n}" for n, line in enumerate(lines, 1) if line.strip() == "validation {"}
    hit = {d.rule for (module, _), diags in observed.items() if module == module_dir.name for d in diags}
    assert rules - hit == set(), f"{module_dir.name}: validation blocks that no refusal run reaches"


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda p: p.name)
def test_other_runs_of_refusal_files_pass(observation: Observed, module_dir: Path) -> None:
    """The accepted edge values (and any other run) of the files that hold refusal runs."""
    for test_file in module_test_files(module_dir):
        if not has_refusals(test_file) or other_runs(test_file) is None:
            continue
        name = f"{ACCEPTED_PREFIX}{test_file.name}"
        runs = {
            run: status
            for (m, f, run), status in observation.statuses.items()
            if (m, f) == (module_dir.name, name)
        }
        assert runs, f"{module_dir.name}/{test_file.name}: its other runs did not run"
        failed = {run: status for run, status in runs.items() if status != "pass"}
        assert not failed, f"{module_dir.name}/{test_file.name}: {failed}"
