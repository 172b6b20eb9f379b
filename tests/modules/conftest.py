"""Run lowlat modules in-process against fixture roots and return their JSON result."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from tests.fixtures.topology_fixtures import generate


class ModuleResult(dict):
    @property
    def failed(self) -> bool:
        return bool(self.get("failed"))


@pytest.fixture
def run_module(capsys):
    def run(module, args: dict, check_mode: bool = False, diff: bool = False) -> ModuleResult:
        full = {**args, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
        with patch_module_args(full), pytest.raises(SystemExit):
            module.main()
        out = capsys.readouterr().out
        return ModuleResult(json.loads(out))

    return run


@pytest.fixture
def shape_root(tmp_path):
    """A fresh fixture tree per test (modules write into it)."""

    def make(shape: str) -> str:
        return generate(shape, str(tmp_path / shape))

    return make
