"""Each module's native Terraform tests (terraform/modules/*/tests/*.tftest.hcl, mock provider)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.terraform.conftest import MODULE_DIRS, TF_ROOT, Terraform

SUMMARY = re.compile(r"Success! (\d+) passed, 0 failed\.")


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda p: p.name)
def test_module_has_native_tests(module_dir: Path) -> None:
    assert sorted((module_dir / "tests").glob("*.tftest.hcl")), f"{module_dir.name} has no tests/*.tftest.hcl"


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda p: p.relative_to(TF_ROOT).as_posix())
def test_terraform_test_passes(tf: Terraform, module_dir: Path) -> None:
    result = tf.run("test", module_dir, timeout=300)
    assert result.returncode == 0, f"terraform test {module_dir.name} failed:\n{result.output[-8000:]}"
    match = SUMMARY.search(result.output)
    assert match and int(match.group(1)) > 0, result.output[-2000:]
