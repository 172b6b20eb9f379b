"""Run lowlat modules in-process against fixture roots and return their JSON result."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import pytest

try:  # ansible-core >= 2.19
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core 2.17/2.18: the arguments a module reads at start, as bytes

    @contextlib.contextmanager
    def patch_module_args(args: dict) -> Iterator[None]:
        from ansible.module_utils import basic
        from ansible.module_utils.common.text.converters import to_bytes

        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved


from tools.lowlat_testbed.topology_fixtures import generate


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
