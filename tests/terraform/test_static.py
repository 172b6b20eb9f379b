"""fmt and validate of every module and environment, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.terraform.conftest import ENV_DIRS, MODULE_DIRS, TF_ROOT, Terraform


def test_fmt_is_clean(tf: Terraform) -> None:
    result = tf.run("fmt", TF_ROOT, "-check", "-recursive", "-diff", label="fmt -check -recursive")
    assert result.returncode == 0, f"terraform fmt would change:\n{result.output}"


@pytest.mark.parametrize(
    "config_dir", MODULE_DIRS + ENV_DIRS, ids=lambda p: p.relative_to(TF_ROOT).as_posix()
)
def test_validate(tf: Terraform, config_dir: Path) -> None:
    result = tf.ok("validate", config_dir)
    assert "The configuration is valid" in result.output
