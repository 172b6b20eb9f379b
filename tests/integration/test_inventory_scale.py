"""Thousands of instances: every page is fetched once and every instance becomes one host."""

from __future__ import annotations

import time

import pytest

from tests.integration.conftest import FULL_TAGS, launch

pytestmark = [pytest.mark.integration, pytest.mark.slow]

INSTANCES = 2500
PER_RESERVATION = 25
ROLES = ("md", "oe", "gw", "risk")


def test_paginates_2500_instances(moto, write_config, load_inventory, tmp_path):
    ec2 = moto.ec2()
    ids_by_role: dict[str, list[str]] = {role: [] for role in ROLES}
    for n in range(INSTANCES // PER_RESERVATION):
        role = ROLES[n % len(ROLES)]
        tags = {**FULL_TAGS, "lowlat:role": role}
        zone = f"us-east-1{'abc'[n % 3]}"
        ids_by_role[role] += launch(ec2, PER_RESERVATION, tags, zone=zone, per_reservation=PER_RESERVATION)
    moto.server.reset_stats()

    # EC2 counts MaxResults in instances, moto in reservations: 40 reservations of 25 make
    # the 1,000-instance pages real EC2 would send, so 2,500 instances take three pages.
    config = write_config(
        page_size=40,
        hostnames=["instance-id"],
        cache=True,
        cache_plugin="ansible.builtin.jsonfile",
        cache_connection=str(tmp_path / "cache"),
    )
    start = time.perf_counter()
    run = load_inventory(config)
    cold = time.perf_counter() - start

    assert moto.calls("DescribeInstances") == 3
    assert moto.calls("DescribeInstanceTypes") == 1
    assert len(run.hosts) == INSTANCES
    assert set(run.hosts) == {i for ids in ids_by_role.values() for i in ids}
    for role, ids in ids_by_role.items():
        assert run.group(f"role_{role}") == set(ids)
    assert sum(len(run.group(f"az_us_east_1{z}")) for z in "abc") == INSTANCES
    assert run.group("type_c5n_18xlarge") == set(run.hosts)
    assert run.warnings == []

    moto.server.reset_stats()
    start = time.perf_counter()
    cached = load_inventory(config)
    warm = time.perf_counter() - start
    assert moto.total_calls() == 0
    assert cached.hosts == run.hosts
    print(f"\n2,500 instances: plugin {cold:.2f} s with moto answering, {warm:.2f} s from the cache")
