"""lowlat_ec2 against moto over real HTTP: groups, hostvars, filters, hostnames, constructed, tags."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleError

from tests.integration.conftest import FULL_TAGS, launch

pytestmark = pytest.mark.integration


@pytest.fixture
def fleet(moto):
    """Two regions of lowlat hosts plus instances the default filters must leave out."""
    east, west = moto.ec2("us-east-1"), moto.ec2("eu-west-1")
    ids = {
        "md": launch(east, 2, FULL_TAGS, instance_type="c5n.18xlarge", zone="us-east-1a"),
        "oe": launch(
            east, 1, {**FULL_TAGS, "lowlat:role": "oe"}, instance_type="c5n.9xlarge", zone="us-east-1b"
        ),
        "gw": launch(
            west,
            1,
            {"lowlat:role": "gw", "lowlat:env": "uat", "lowlat:cluster": "b-2", "lowlat:managed": "true"},
            instance_type="c5n.metal",
            zone="eu-west-1a",
        ),
        "untagged": launch(east, 1, {"lowlat:role": "risk"}, instance_type="c5n.large", zone="us-east-1a"),
        "no_role": launch(east, 1, {"Name": "bastion"}, instance_type="t3.micro"),
        "stopped": launch(east, 1, FULL_TAGS, instance_type="c5n.large"),
    }
    east.stop_instances(InstanceIds=ids["stopped"])
    return ids


def test_groups_by_tag_contract_zone_type_and_region(moto, fleet, write_config, load_inventory):
    run = load_inventory(write_config(regions=["us-east-1", "eu-west-1"]))
    host = run.by_instance()

    expected_members = {i for key in ("md", "oe", "gw", "untagged") for i in fleet[key]}
    assert set(host) == expected_members  # not the stopped one, not the one without lowlat:role
    assert run.group("lowlat_ec2") == set(run.hosts)
    assert run.group("role_md") == {host[i] for i in fleet["md"]}
    assert run.group("role_oe") == {host[i] for i in fleet["oe"]}
    assert run.group("role_gw") == {host[i] for i in fleet["gw"]}
    assert run.group("env_prod") == {host[i] for i in fleet["md"] + fleet["oe"]}
    assert run.group("env_uat") == {host[i] for i in fleet["gw"]}
    assert run.group("cluster_a") == {host[i] for i in fleet["md"] + fleet["oe"]}
    assert run.group("cluster_b_2") == {host[i] for i in fleet["gw"]}  # '-' sanitised
    assert run.group("az_us_east_1a") == {host[i] for i in fleet["md"] + fleet["untagged"]}
    assert run.group("az_us_east_1b") == {host[i] for i in fleet["oe"]}
    assert run.group("az_eu_west_1a") == {host[i] for i in fleet["gw"]}
    assert run.group("type_c5n_18xlarge") == {host[i] for i in fleet["md"]}
    assert run.group("type_c5n_metal") == {host[i] for i in fleet["gw"]}
    assert run.group("region_us_east_1") == {host[i] for i in fleet["md"] + fleet["oe"] + fleet["untagged"]}
    assert run.group("region_eu_west_1") == {host[i] for i in fleet["gw"]}
    assert run.group("lowlat_managed") == {host[i] for i in fleet["md"] + fleet["oe"] + fleet["gw"]}
    assert run.group("lowlat_untagged") == {host[i] for i in fleet["untagged"]}
    # moto drops Placement.GroupName (CreatePlacementGroup is not implemented), so no pg_ group.
    assert not [g for g in run.group_names if g.startswith("pg_")]


def test_hostvars_and_cpu_shape(moto, fleet, write_config, load_inventory):
    run = load_inventory(write_config(regions=["us-east-1", "eu-west-1"]))
    md_id = fleet["md"][0]
    name = run.by_instance()[md_id]
    hv = run.hosts[name]
    described = moto.ec2().describe_instances(InstanceIds=[md_id])["Reservations"][0]["Instances"][0]

    assert hv["ec2_instance_id"] == md_id
    assert hv["ec2_instance_type"] == "c5n.18xlarge"
    assert hv["ec2_availability_zone"] == "us-east-1a"
    assert hv["ec2_region"] == "us-east-1"
    assert hv["ec2_private_ip_address"] == described["PrivateIpAddress"]
    assert hv["ec2_private_dns_name"] == described["PrivateDnsName"]
    assert hv["ec2_state"] == "running"
    assert hv["ec2_tags"] == FULL_TAGS
    assert (hv["lowlat_role"], hv["lowlat_env"], hv["lowlat_cluster"], hv["lowlat_managed"]) == (
        "md",
        "prod",
        "a",
        True,
    )
    # Default hostnames: the private IP wins, and ansible_host is the same value.
    assert name == hv["ansible_host"] == described["PrivateIpAddress"]
    # Pass-through of what the API returns: moto always says tenancy "default", no placement
    # group and no CpuOptions, whatever the launch asked for. Real EC2 fills these in.
    assert hv["ec2_tenancy"] == described["Placement"]["Tenancy"] == "default"
    assert hv["ec2_placement_group"] is None
    assert hv["ec2_cpu_options"] is None

    shape = hv["lowlat_cpu_shape"]
    assert (shape["vcpus"], shape["cores"], shape["threads_per_core"]) == (72, 36, 2)
    assert shape["ena_support"] == "required"
    assert shape["network_performance"] == "100 Gigabit"
    assert shape["valid_threads_per_core"] == [1, 2]
    assert shape["bare_metal"] is False
    assert shape["sockets"] is None  # not in DescribeInstanceTypes; cpu_facts reads it on the host

    oe = run.hosts[run.by_instance()[fleet["oe"][0]]]["lowlat_cpu_shape"]
    assert (oe["vcpus"], oe["cores"], oe["network_performance"]) == (36, 18, "50 Gigabit")
    metal = run.hosts[run.by_instance()[fleet["gw"][0]]]["lowlat_cpu_shape"]
    assert (metal["vcpus"], metal["bare_metal"]) == (72, True)


def test_instance_types_are_described_once_per_region(moto, fleet, write_config, load_inventory):
    launch(moto.ec2(), 3, FULL_TAGS, instance_type="c5n.18xlarge", zone="us-east-1c")
    moto.server.reset_stats()
    load_inventory(write_config(regions=["us-east-1", "eu-west-1"]))
    # us-east-1 has three distinct types (c5n.18xlarge, c5n.9xlarge, c5n.large): one batched call.
    assert moto.calls("DescribeInstanceTypes", "us-east-1") == 1
    assert moto.calls("DescribeInstanceTypes", "eu-west-1") == 1
    assert moto.calls("DescribeInstances", "us-east-1") == 1
    assert moto.calls("DescribeInstances", "eu-west-1") == 1


def test_custom_filters_replace_the_default(moto, fleet, write_config, load_inventory):
    uat = load_inventory(write_config(regions=["us-east-1", "eu-west-1"], filters={"tag:lowlat:env": "uat"}))
    assert set(uat.by_instance()) == set(fleet["gw"])

    all_states = load_inventory(
        write_config(
            filters={"instance-state-name": ["running", "stopped"], "tag:lowlat:managed": True},
        )
    )
    by_id = all_states.by_instance()
    assert set(by_id) == set(fleet["md"] + fleet["oe"] + fleet["stopped"])
    assert all_states.hosts[by_id[fleet["stopped"][0]]]["ec2_state"] == "stopped"


def test_hostname_preferences_and_duplicate_names(moto, write_config, load_inventory):
    ec2 = moto.ec2()
    named = launch(ec2, 1, {**FULL_TAGS, "Name": "md-1"})
    twin = launch(ec2, 1, {**FULL_TAGS, "Name": "md-1"})
    unnamed = launch(ec2, 1, FULL_TAGS)

    run = load_inventory(write_config(hostnames=["tag:Name", "private-dns-name", "instance-id"]))
    by_id = run.by_instance()
    first, second = sorted(named + twin)  # the lower instance id keeps the name
    assert by_id[first] == "md-1"
    assert by_id[second] == run.hosts[by_id[second]]["ec2_private_dns_name"]
    assert by_id[unnamed[0]] == run.hosts[by_id[unnamed[0]]]["ec2_private_dns_name"]
    assert run.hosts["md-1"]["ansible_host"] == "md-1"
    assert any("'md-1'" in w and second in w and first in w for w in run.warnings)

    by_id = load_inventory(write_config(hostnames=["instance-id"])).by_instance()
    assert all(instance_id == name for instance_id, name in by_id.items())


def test_unknown_hostnames_entry_is_an_error(moto, write_config, load_inventory):
    with pytest.raises(AnsibleError, match="unknown hostnames entry 'ip-address'"):
        load_inventory(write_config(hostnames=["ip-address"]))


def test_compose_groups_and_keyed_groups(moto, fleet, write_config, load_inventory):
    run = load_inventory(
        write_config(
            regions=["us-east-1", "eu-west-1"],
            compose={"ansible_user": "'trader'", "smt": "lowlat_cpu_shape.threads_per_core > 1"},
            groups={"big_boxes": "lowlat_cpu_shape.vcpus >= 72", "is_gateway": "lowlat_role == 'gw'"},
            keyed_groups=[
                {"key": "ec2_tags['lowlat:role']", "prefix": "kg_role"},
                {"key": "ec2_availability_zone", "prefix": "zone", "parent_group": "zones"},
            ],
        )
    )
    host = run.by_instance()
    md = host[fleet["md"][0]]
    assert run.hosts[md]["ansible_user"] == "trader"
    assert run.hosts[md]["smt"] is True
    assert run.group("big_boxes") == {host[i] for i in fleet["md"] + fleet["gw"]}
    assert run.group("is_gateway") == {host[i] for i in fleet["gw"]}
    assert run.group("kg_role_md") == {host[i] for i in fleet["md"]}
    assert run.group("zone_us_east_1b") == {host[i] for i in fleet["oe"]}
    zones = run.inventory.groups["zones"]
    assert {g.name for g in zones.child_groups} == {"zone_us_east_1a", "zone_us_east_1b", "zone_eu_west_1a"}
    # The built-in groups are still there next to the constructed ones.
    assert run.group("role_md") == run.group("kg_role_md")


def test_constructed_strict_mode(moto, fleet, write_config, load_inventory):
    broken = {"keyed_groups": [{"key": "no_such_var.attribute", "prefix": "x"}]}
    lenient = load_inventory(write_config(**broken))
    assert not [g for g in lenient.group_names if g.startswith("x_")]
    with pytest.raises(AnsibleError, match="no_such_var"):
        load_inventory(write_config(strict=True, **broken))


def test_missing_tags_warn_and_group(moto, write_config, load_inventory):
    ec2 = moto.ec2()
    partial = launch(ec2, 1, {"lowlat:role": "md", "lowlat:env": "prod"})[0]
    empty_value = launch(ec2, 1, {**FULL_TAGS, "lowlat:cluster": ""})[0]
    complete = launch(ec2, 1)[0]

    run = load_inventory(write_config())
    host = run.by_instance()
    assert run.group("lowlat_untagged") == {host[partial], host[empty_value]}
    assert host[complete] in run.group("role_md")
    assert host[partial] in run.group("role_md")  # still grouped on the tags it has
    assert run.hosts[host[partial]]["lowlat_cluster"] is None
    warning = next(w for w in run.warnings if partial in w)
    assert "lowlat:cluster, lowlat:managed" in warning
    assert any(empty_value in w and "lowlat:cluster" in w for w in run.warnings)
    assert not any(complete in w for w in run.warnings)


def test_strict_tags_makes_missing_tags_an_error(moto, write_config, load_inventory):
    partial = launch(moto.ec2(), 1, {"lowlat:role": "md"})[0]
    launch(moto.ec2(), 1)
    with pytest.raises(
        AnsibleError, match=rf"strict_tags.*1 instance.*{partial}: lowlat:env, lowlat:cluster"
    ):
        load_inventory(write_config(strict_tags=True))


def test_many_untagged_instances_are_summarised(moto, write_config, load_inventory):
    launch(moto.ec2(), 25, {"lowlat:role": "md"})
    run = load_inventory(write_config())
    assert len(run.group("lowlat_untagged")) == 25
    assert len(run.warnings) == 21
    assert "5 more instances are missing lowlat tags" in run.warnings[-1]


def test_verify_file_accepts_only_lowlat_ec2_names(ansible_plugins, tmp_path):
    from ansible.plugins.loader import inventory_loader

    plugin = inventory_loader.get("lowlat.trading.lowlat_ec2")
    for name, wanted in (
        ("prod.lowlat_ec2.yml", True),
        ("lowlat_ec2.yaml", True),
        ("prod.aws_ec2.yml", False),
        ("prod.yml", False),
    ):
        path = tmp_path / name
        path.write_text("plugin: lowlat.trading.lowlat_ec2\nregions: [us-east-1]\n")
        assert plugin.verify_file(str(path)) is wanted, name
    assert plugin.verify_file(str(tmp_path / "missing.lowlat_ec2.yml")) is False
