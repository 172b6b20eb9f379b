"""Shared fixtures for the module_utils unit tests.

Every test reads generated fixture trees under pytest's tmp dirs, never this machine's /proc or /sys.
The session-scoped trees are generated once per shape and must be treated as read-only; a test that
needs to change a tree asks `fresh_root` for its own copy.
"""

from __future__ import annotations

import shutil

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.topology import read_topology
from tools.lowlat_testbed.topology_fixtures import SHAPES, generate

ALL_SHAPES = tuple(SHAPES)


@pytest.fixture(scope="session")
def shape_root(tmp_path_factory):
    """shape_root("c5n.18xlarge") -> root of that shape's tree, generated once per session."""
    base = tmp_path_factory.mktemp("shapes")
    made: dict[str, str] = {}

    def get(shape: str) -> str:
        if shape not in made:
            made[shape] = generate(shape, str(base / shape))
        return made[shape]

    return get


@pytest.fixture(scope="session")
def fs(shape_root):
    """fs("c5n.9xlarge") -> a HostFS rooted at that shape's shared (read-only) tree."""

    def get(shape: str) -> HostFS:
        return HostFS(shape_root(shape))

    return get


@pytest.fixture(scope="session")
def topology(fs):
    """topology("c5n.xlarge") -> read_topology() of that shape's tree (a fresh object per call)."""

    def get(shape: str, nic: str | None = None):
        return read_topology(fs(shape), nic=nic)

    return get


@pytest.fixture
def fresh_root(shape_root, tmp_path):
    """fresh_root(shape) -> a private copy of the shape's tree that the test may modify."""

    def copy(shape: str) -> str:
        dest = str(tmp_path / shape)
        shutil.copytree(shape_root(shape), dest, symlinks=True)
        return dest

    return copy
