"""Fixtures for the EC2 inventory tests: one moto server per session on 127.0.0.1, reset per test.

Every test runs with fake credentials and no AWS profile or config file, and points the plugin
at the local server, so nothing can reach real AWS.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.lowlat_testbed.moto_server import MotoServer, use_safe_aws_env

REPO = Path(__file__).resolve().parents[2]
os.environ.setdefault("ANSIBLE_CONFIG", str(REPO / "ansible.cfg"))


def _install_collection_loader() -> None:
    """Import collections the way the ansible CLIs do, before any test module imports plugin code.

    If something already imported ansible_collections.* as plain packages (pytest's pythonpath),
    Ansible's loader would reject them later, so those stale modules are dropped first.
    """
    trading = sys.modules.get("ansible_collections.lowlat.trading")
    if trading is not None and getattr(trading, "_collection_meta", None) is None:
        for name in [
            n for n in sys.modules if n == "ansible_collections" or n.startswith("ansible_collections.")
        ]:
            del sys.modules[name]
    from ansible.plugins.loader import init_plugin_loader

    init_plugin_loader()


_install_collection_loader()

PLUGIN = "lowlat.trading.lowlat_ec2"
FULL_TAGS = {"lowlat:role": "md", "lowlat:env": "prod", "lowlat:cluster": "a", "lowlat:managed": "true"}


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    server = MotoServer(log_path=tmp_path_factory.mktemp("moto") / "moto.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _fake_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    use_safe_aws_env(monkeypatch)


@dataclass
class Moto:
    """The session's moto server, reset for this test, plus boto3 clients on it."""

    server: MotoServer
    clients: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def ec2(self, region: str = "us-east-1") -> Any:
        import boto3

        if region not in self.clients:
            self.clients[region] = boto3.client("ec2", region_name=region, endpoint_url=self.url)
        return self.clients[region]

    def calls(self, action: str, region: str | None = None) -> int:
        return self.server.calls(action, region)

    def total_calls(self) -> int:
        return self.server.stats()["total"]


@pytest.fixture
def moto(moto_server: MotoServer, _fake_aws_env: None) -> Iterator[Moto]:
    from ansible_collections.lowlat.trading.plugins.plugin_utils import instance_shapes

    moto_server.reset()
    instance_shapes.clear_memo()
    yield Moto(moto_server)
    moto_server.set_auth(False)


@pytest.fixture(scope="session")
def ansible_plugins() -> None:
    """Ansible's collection loader (installed when this conftest is imported)."""
    from ansible.utils.collection_loader import AnsibleCollectionConfig

    assert AnsibleCollectionConfig.collection_finder is not None


@dataclass
class InventoryRun:
    inventory: Any  # ansible.inventory.data.InventoryData
    warnings: list[str]

    @property
    def hosts(self) -> dict[str, dict[str, Any]]:
        """host name -> its variables (without the inventory_file/dir Ansible adds)."""
        return {
            name: {k: v for k, v in host.vars.items() if k not in ("inventory_file", "inventory_dir")}
            for name, host in self.inventory.hosts.items()
        }

    def group(self, name: str) -> set[str]:
        group = self.inventory.groups.get(name)
        return {host.name for host in group.get_hosts()} if group else set()

    @property
    def group_names(self) -> set[str]:
        return set(self.inventory.groups) - {"all", "ungrouped"}

    def by_instance(self) -> dict[str, str]:
        """instance id -> host name."""
        return {v["ec2_instance_id"]: name for name, v in self.hosts.items()}


@pytest.fixture
def write_config(tmp_path: Path, moto: Moto) -> Callable[..., Path]:
    """Write a plugin config (endpoint on the test server unless given) and return its path."""

    def write(name: str = "test", **options: Any) -> Path:
        config = {"plugin": PLUGIN, "regions": ["us-east-1"], "endpoint_url": moto.url, **options}
        path = tmp_path / f"{name}.lowlat_ec2.yml"
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        return path

    return write


@pytest.fixture
def load_inventory(ansible_plugins: None, monkeypatch: pytest.MonkeyPatch) -> Callable[..., InventoryRun]:
    """Run the plugin in-process the way InventoryManager does: verify_file, parse,
    update_cache_if_changed. cache=True is what the CLIs pass unless --flush-cache is given.
    Errors are raised to the test (InventoryManager would turn them into a warning)."""
    from ansible.inventory.data import InventoryData
    from ansible.parsing.dataloader import DataLoader
    from ansible.plugins.loader import inventory_loader
    from ansible.utils.display import Display

    warnings: list[str] = []
    monkeypatch.setattr(Display, "warning", lambda self, msg, *a, **kw: warnings.append(str(msg)))

    def load(path: Path, cache: bool = True) -> InventoryRun:
        plugin = inventory_loader.get(PLUGIN)
        assert plugin.verify_file(str(path))
        del warnings[:]
        data = InventoryData()
        data.current_source = str(path)
        plugin.parse(data, DataLoader(), str(path), cache=cache)
        with contextlib.suppress(AttributeError):  # no cache configured: InventoryManager does the same
            plugin.update_cache_if_changed()
        data.reconcile_inventory()
        return InventoryRun(data, list(warnings))

    return load


def launch(ec2: Any, count: int = 1, tags: dict[str, str] | None = None, **kwargs: Any) -> list[str]:
    """Launch instances with tags (FULL_TAGS by default); returns their ids."""
    from tools.lowlat_testbed.moto_server import run_instances

    return run_instances(ec2, count, FULL_TAGS if tags is None else tags, **kwargs)


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())
