"""Inventory caching: a cached run is served from the built inventory, without any EC2 call."""

from __future__ import annotations

import time

import pytest

from tests.integration.conftest import FULL_TAGS, launch

pytestmark = pytest.mark.integration


@pytest.fixture
def cache_options(tmp_path):
    return {
        "cache": True,
        "cache_plugin": "ansible.builtin.jsonfile",
        "cache_connection": str(tmp_path / "inventory-cache"),
        "cache_timeout": 3600,
    }


def snapshot(run):
    return run.hosts, {name: run.group(name) for name in run.group_names}


def test_cached_run_makes_no_ec2_calls(moto, write_config, load_inventory, cache_options):
    launch(moto.ec2(), 3, FULL_TAGS, zone="us-east-1a")
    launch(moto.ec2(), 1, {"lowlat:role": "oe"}, instance_type="c5n.9xlarge")
    config = write_config(**cache_options)

    first = load_inventory(config)
    assert moto.calls("DescribeInstances") == 1
    assert moto.calls("DescribeInstanceTypes") == 1

    moto.server.reset()  # every instance gone and counters at zero
    second = load_inventory(config)
    assert moto.total_calls() == 0
    assert len(second.hosts) == 4
    assert snapshot(second) == snapshot(first)
    # Warnings about missing tags are repeated from the cache too.
    assert second.warnings == first.warnings and len(first.warnings) == 1

    # --flush-cache / refresh_inventory (cache=False) asks EC2 again and rewrites the cache.
    flushed = load_inventory(config, cache=False)
    assert moto.calls("DescribeInstances") == 1
    assert flushed.hosts == {}
    assert load_inventory(config).hosts == {}


def test_constructed_results_are_cached_without_templating(
    moto, write_config, load_inventory, cache_options, monkeypatch
):
    launch(moto.ec2(), 2, FULL_TAGS)
    config = write_config(
        # now() returns a datetime, which JSON cannot hold: cold and cached runs both see a string.
        compose={"ansible_user": "'trader'", "listed_at": "now(utc=true)"},
        groups={"smt_hosts": "lowlat_cpu_shape.threads_per_core == 2"},
        keyed_groups=[{"key": "ec2_tags['lowlat:env']", "prefix": "kg_env"}],
        **cache_options,
    )
    first = load_inventory(config)
    assert len(first.group("smt_hosts")) == len(first.group("kg_env_prod")) == 2

    from ansible.plugins.inventory import Constructable

    def no_templates(*args, **kwargs):
        raise AssertionError("a cached run must not evaluate templates")

    monkeypatch.setattr(Constructable, "_compose", no_templates)
    monkeypatch.setattr(Constructable, "_add_host_to_composed_groups", no_templates)
    monkeypatch.setattr(Constructable, "_add_host_to_keyed_groups", no_templates)
    moto.server.reset_stats()
    second = load_inventory(config)
    assert moto.total_calls() == 0
    assert snapshot(second) == snapshot(first)
    assert all(hv["ansible_user"] == "trader" for hv in second.hosts.values())
    assert all(isinstance(hv["listed_at"], str) for hv in first.hosts.values())


def test_changed_configuration_ignores_the_cache(moto, write_config, load_inventory, cache_options):
    launch(moto.ec2(), 2, FULL_TAGS)
    launch(moto.ec2(), 1, {**FULL_TAGS, "lowlat:env": "uat"})
    load_inventory(write_config(**cache_options))
    moto.server.reset_stats()

    # Same file, new filters: the cached inventory was built for other options, so it is rebuilt.
    narrowed = load_inventory(write_config(filters={"tag:lowlat:env": "uat"}, **cache_options))
    assert moto.calls("DescribeInstances") == 1
    assert len(narrowed.hosts) == 1


def test_expired_cache_is_rebuilt(moto, write_config, load_inventory, cache_options):
    launch(moto.ec2(), 1)
    config = write_config(**{**cache_options, "cache_timeout": 1})
    load_inventory(config)
    time.sleep(1.2)
    moto.server.reset_stats()
    load_inventory(config)
    assert moto.calls("DescribeInstances") == 1


def test_without_cache_every_run_asks_ec2(moto, write_config, load_inventory):
    launch(moto.ec2(), 1)
    config = write_config()
    load_inventory(config)
    load_inventory(config)
    assert moto.calls("DescribeInstances") == 2
    # The instance-type shapes are remembered in-process, so only the first run asked for them.
    assert moto.calls("DescribeInstanceTypes") == 1
