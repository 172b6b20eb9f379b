"""Each module's native Terraform tests (terraform/modules/*/tests/*.tftest.hcl, mock provider).

The files that hold refusal runs (expect_failures) are run by test_validation_messages.py, which
runs each refusal alone to read its message and the files' other runs together; here every other
file runs, so each run is run once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.terraform.conftest import MODULE_DIRS, TF_ROOT, Terraform
from tests.terraform.tftest_files import has_refusals, module_test_files

SUMMARY = re.compile(r"Success! (\d+) passed, 0 failed\.")


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda p: p.name)
def test_module_has_native_tests(module_dir: Path) -> None:
    assert sorted((module_dir / "tests").glob("*.tftest.hcl")), f"{module_dir.name} has no tests/*.tftest.hcl"


def _files_without_refusals(module_dir: Path) -> list[Path]:
    return [f for f in module_test_files(module_dir) if not has_refusals(f)]


@pytest.mark.parametrize(
    "module_dir",
    [m for m in MODULE_DIRS if _files_without_refusals(m)],
    ids=lambda p: p.relative_to(TF_ROOT).as_posix(),
)
def test_terraform_test_passes(tf: Terraform, module_dir: Path) -> None:
    filters = [f"-filter=tests/{f.name}" for f in _files_without_refusals(module_dir)]
    result = tf.run("test", module_dir, *filters, timeout=600)
    assert result.returncode == 0, f"terraform test {module_dir.name} failed:\n{result.output[-8000:]}"
    match = SUMMARY.search(result.output)
    assert match and int(match.group(1)) > 0, result.output[-2000:]
