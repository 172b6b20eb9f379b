"""fmt and validate of every module and environment, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.terraform.conftest import ENV_DIRS, MODULE_DIRS, TF_ROOT, Terraform


def test_fmt_is_clean(tf: Terraform) -> None:
    result = tf.run("fmt", TF_ROOT, "-check", "-recursive", "-diff", label="fmt -check -recursive")
    assert result.returncode == 0, f"terraform fmt would change:\n{result.output}"


def _takes_aliased_providers(config_dir: Path) -> bool:
    return "configuration_aliases" in (config_dir / "versions.tf").read_text()


# A module that needs aliased providers from its caller cannot be validated on its own (Terraform
# has no configuration for the aliases); its `terraform test` (mock providers, every run a plan)
# and the environment that calls it validate it instead.
STANDALONE = [d for d in MODULE_DIRS if not _takes_aliased_providers(d)] + ENV_DIRS
ALIASED = [d for d in MODULE_DIRS if _takes_aliased_providers(d)]


@pytest.mark.parametrize("config_dir", STANDALONE, ids=lambda p: p.relative_to(TF_ROOT).as_posix())
def test_validate(tf: Terraform, config_dir: Path) -> None:
    result = tf.ok("validate", config_dir)
    assert "The configuration is valid" in result.output


@pytest.mark.parametrize("module_dir", ALIASED, ids=lambda p: p.relative_to(TF_ROOT).as_posix())
def test_aliased_module_is_tested_and_called_by_an_environment(module_dir: Path) -> None:
    tests = list((module_dir / "tests").glob("*.tftest.hcl"))
    assert tests, f"{module_dir.name} takes aliased providers and so needs terraform test files"
    assert all("mock_provider" in t.read_text() for t in tests)
    callers = [
        e
        for e in ENV_DIRS
        if any(f"../../modules/{module_dir.name}" in tf.read_text() for tf in e.glob("*.tf"))
    ]
    assert callers, f"no environment calls {module_dir.name}, so nothing validates it"
