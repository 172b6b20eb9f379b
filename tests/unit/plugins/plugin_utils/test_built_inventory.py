"""plugins/plugin_utils/built_inventory.py: the built inventory as cacheable plain data.

Runs against ansible-core's own InventoryData, on whichever ansible-core the venv has (2.17-2.19).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from ansible.inventory.data import InventoryData

from ansible_collections.lowlat.trading.plugins.plugin_utils.built_inventory import (
    CACHE_FORMAT,
    SOURCE_VARS,
    BuiltInventory,
    untrusted,
)

try:
    from ansible.template import is_trusted_as_template  # 2.19+
except ImportError:  # 2.17/2.18: a str is templated unless wrapped as unsafe
    from ansible.utils.unsafe_proxy import AnsibleUnsafe

    def is_trusted_as_template(value: Any) -> bool:
        return not isinstance(value, AnsibleUnsafe)


TEMPLATE = "{{ lookup('pipe', 'id') }}"


def trusted_strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in trusted_strings(k) + trusted_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in trusted_strings(v)]
    return [node] if isinstance(node, str) and is_trusted_as_template(node) else []


def sample() -> BuiltInventory:
    return BuiltInventory(
        hosts={
            "ip-10-0-1-5": {"ansible_host": "10.0.1.5", "ec2_tags": {"Name": TEMPLATE}, "vcpus": 36},
            "ip-10-0-1-6": {"ansible_host": "10.0.1.6", "ec2_tags": {}, "vcpus": 72, "spot": None},
        },
        groups={"engine": ["ip-10-0-1-5"], "feed": ["ip-10-0-1-6"], "empty": []},
        children={"trading": ["engine", "feed"]},
        warnings=["one tag was ignored"],
    )


# --- untrusted ----------------------------------------------------------------------------------


def test_untrusted_keeps_the_value_and_marks_every_string():
    value = {"k": [TEMPLATE, 1, 2.5, None, True, {"inner": TEMPLATE}], TEMPLATE: "x"}
    marked = untrusted(value)
    assert marked == value
    assert trusted_strings(marked) == []


def test_untrusted_leaves_scalars_alone_and_wraps_other_types():
    for scalar in (1, 2.5, True, None):
        assert untrusted(scalar) is scalar
    wrapped = untrusted((TEMPLATE,))
    assert list(wrapped) == [TEMPLATE]
    assert trusted_strings(list(wrapped)) == []


# --- cache --------------------------------------------------------------------------------------


def test_cache_round_trip_through_json():
    built = sample()
    data = json.loads(json.dumps(built.to_cache("fp-1")))
    assert data["format"] == CACHE_FORMAT and data["fingerprint"] == "fp-1"
    assert BuiltInventory.from_cache(data, "fp-1") == built


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "cached",
        {"format": CACHE_FORMAT + 1, "fingerprint": "fp-1", "hosts": {}, "groups": {}, "children": {}},
        {"fingerprint": "fp-1", "hosts": {}, "groups": {}, "children": {}, "warnings": []},
    ],
    ids=["none", "list", "str", "other-format", "no-format"],
)
def test_from_cache_refuses_other_data(data):
    assert BuiltInventory.from_cache(data, "fp-1") is None


def test_from_cache_refuses_another_configuration():
    assert BuiltInventory.from_cache(sample().to_cache("fp-1"), "fp-2") is None


# --- apply and capture --------------------------------------------------------------------------


def test_apply_adds_hosts_groups_children_and_vars_untrusted():
    inventory = InventoryData()
    sample().apply(inventory)
    assert set(inventory.hosts) == {"ip-10-0-1-5", "ip-10-0-1-6"}
    assert {"engine", "feed", "empty", "trading"} <= set(inventory.groups)
    assert [h.name for h in inventory.groups["engine"].get_hosts()] == ["ip-10-0-1-5"]
    assert inventory.groups["empty"].get_hosts() == []
    assert sorted(g.name for g in inventory.groups["trading"].child_groups) == ["engine", "feed"]
    assert sorted(h.name for h in inventory.groups["trading"].get_hosts()) == ["ip-10-0-1-5", "ip-10-0-1-6"]
    host = inventory.get_host("ip-10-0-1-5")
    assert host.vars["ec2_tags"] == {"Name": TEMPLATE}
    assert host.vars["vcpus"] == 36
    mine = {k: v for k, v in host.vars.items() if k not in SOURCE_VARS}
    assert trusted_strings(mine) == []
    assert trusted_strings([h.name for h in inventory.hosts.values()]) == []
    assert trusted_strings([g for g in inventory.groups if g not in ("all", "ungrouped")]) == []


def test_apply_twice_is_the_same_inventory():
    inventory = InventoryData()
    sample().apply(inventory)
    sample().apply(inventory)
    assert [h.name for h in inventory.groups["engine"].get_hosts()] == ["ip-10-0-1-5"]
    assert len(inventory.groups["trading"].child_groups) == 2


def build_scratch() -> InventoryData:
    scratch = InventoryData()
    for name in ("a", "b", "other"):
        scratch.add_host(name)
    scratch.add_group("engine")
    scratch.add_group("parent")
    scratch.add_child("engine", "a")
    scratch.add_child("engine", "other")
    scratch.add_child("parent", "engine")
    scratch.get_host("a").set_variable("launched", datetime.date(2026, 1, 2))
    scratch.get_host("a").set_variable("tags", {"Name": "a"})
    scratch.get_host("b").set_variable("count", 3)
    return scratch


def test_capture_reads_back_the_scratch_inventory():
    built = BuiltInventory.capture(build_scratch(), ["a", "b"], ["w1"])
    assert built.hosts == {"a": {"launched": "2026-01-02", "tags": {"Name": "a"}}, "b": {"count": 3}}
    assert built.groups == {"engine": ["a"], "parent": []}
    assert built.children == {"parent": ["engine"]}
    assert built.warnings == ["w1"]
    assert "all" not in built.groups and "ungrouped" not in built.groups


def test_capture_applied_to_a_fresh_inventory_matches_the_cached_round_trip():
    built = BuiltInventory.capture(build_scratch(), ["a", "b"], [])
    cached = BuiltInventory.from_cache(json.loads(json.dumps(built.to_cache("fp"))), "fp")
    cold, warm = InventoryData(), InventoryData()
    built.apply(cold)
    cached.apply(warm)
    for inv in (cold, warm):
        assert set(inv.hosts) == {"a", "b"}
        assert inv.get_host("a").vars["launched"] == "2026-01-02"
    assert {n: h.vars for n, h in cold.hosts.items()} == {n: h.vars for n, h in warm.hosts.items()}
