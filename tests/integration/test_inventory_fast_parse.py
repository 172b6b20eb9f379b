"""The fast DescribeInstances parser gives exactly what botocore's parser gives, for the fields it keeps."""

from __future__ import annotations

import botocore.parsers
import botocore.session
import pytest

from ansible_collections.lowlat.trading.plugins.plugin_utils import ec2_xml
from tests.integration.conftest import FULL_TAGS, launch

# Everything real EC2 may send for the kept fields, including what moto never sends
# (CpuOptions, a placement group, dedicated tenancy) and XML that needs unescaping.
FULL_BODY = b"""<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
  <reservationSet>
    <item>
      <reservationId>r-1234567890abcdef0</reservationId>
      <ownerId>123456789012</ownerId>
      <instancesSet>
        <item>
          <instanceId>i-1234567890abcdef0</instanceId>
          <imageId>ami-0abcdef1234567890</imageId>
          <instanceState><code>16</code><name>running</name></instanceState>
          <privateDnsName>ip-10-0-1-5.ec2.internal</privateDnsName>
          <dnsName>ec2-54-1-2-3.compute-1.amazonaws.com</dnsName>
          <instanceType>c5n.18xlarge</instanceType>
          <launchTime>2026-11-20T09:00:00.000Z</launchTime>
          <placement>
            <availabilityZone>us-east-1a</availabilityZone>
            <groupName>lowlat-md-cluster</groupName>
            <tenancy>dedicated</tenancy>
          </placement>
          <privateIpAddress>10.0.1.5</privateIpAddress>
          <ipAddress>54.1.2.3</ipAddress>
          <tagSet>
            <item><key>lowlat:role</key><value>md</value></item>
            <item><key>Name</key><value>md &amp; risk &lt;1&gt;</value></item>
            <item><key>empty</key><value/></item>
          </tagSet>
          <cpuOptions><coreCount>36</coreCount><threadsPerCore>1</threadsPerCore></cpuOptions>
        </item>
        <item>
          <instanceId>i-0fedcba0987654321</instanceId>
          <instanceState><code>80</code><name>stopped</name></instanceState>
          <privateDnsName/>
          <dnsName/>
          <instanceType>c5n.large</instanceType>
          <placement><availabilityZone>us-east-1b</availabilityZone><groupName/><tenancy>default</tenancy></placement>
        </item>
      </instancesSet>
    </item>
  </reservationSet>
  <nextToken>eyJ2IjoxfQ==&amp;more</nextToken>
</DescribeInstancesResponse>
"""

KEPT = (
    "InstanceId",
    "InstanceType",
    "PrivateIpAddress",
    "PrivateDnsName",
    "PublicIpAddress",
    "PublicDnsName",
)


def botocore_parse(body: bytes) -> dict:
    model = botocore.session.get_session().get_service_model("ec2").operation_model("DescribeInstances")
    parser = botocore.parsers.create_parser("ec2")
    return parser.parse({"body": body, "headers": {}, "status_code": 200}, model.output_shape)


def kept_fields(instance: dict) -> dict:
    """The fields the fast parser keeps, from a botocore-parsed instance."""
    out = {key: instance[key] for key in KEPT if key in instance}
    if "Placement" in instance:
        out["Placement"] = {
            k: v
            for k, v in instance["Placement"].items()
            if k in ("AvailabilityZone", "GroupName", "Tenancy")
        }
    if "State" in instance:
        out["State"] = {"Name": instance["State"]["Name"]}
    for key in ("Tags", "CpuOptions"):
        if key in instance:
            out[key] = instance[key]
    return out


def assert_same(body: bytes) -> list[dict]:
    expected = botocore_parse(body)
    instances, token, _ = ec2_xml.parse_describe_instances(body)
    assert instances == [kept_fields(i) for r in expected["Reservations"] for i in r["Instances"]]
    assert token == expected.get("NextToken")
    return instances


def test_every_kept_field_matches_botocore():
    instances = assert_same(FULL_BODY)
    assert instances[0]["CpuOptions"] == {"CoreCount": 36, "ThreadsPerCore": 1}
    assert instances[0]["Tags"][1] == {"Key": "Name", "Value": "md & risk <1>"}


def test_before_parse_hands_botocore_only_the_token():
    response = {"status_code": 200, "headers": {}, "body": FULL_BODY}
    custom: dict = {}
    ec2_xml.before_parse(response_dict=response, customized_response_dict=custom)
    assert [i["InstanceId"] for i in custom[ec2_xml.PAGE_KEY]] == [
        "i-1234567890abcdef0",
        "i-0fedcba0987654321",
    ]
    parsed = botocore_parse(response["body"])
    assert parsed["Reservations"] == []
    assert parsed["NextToken"] == "eyJ2IjoxfQ==&more"


def test_errors_and_garbage_are_left_to_botocore():
    error = {"status_code": 503, "headers": {}, "body": b"<Response><Errors/></Response>"}
    garbage = {"status_code": 200, "headers": {}, "body": b"not xml"}
    for response in (error, garbage):
        before = dict(response)
        custom: dict = {}
        ec2_xml.before_parse(response_dict=response, customized_response_dict=custom)
        assert response == before and custom == {}


@pytest.mark.integration
def test_moto_pages_parse_the_same_both_ways(moto):
    ec2 = moto.ec2()
    launch(ec2, 3, {**FULL_TAGS, "Name": "md-<1>"}, zone="us-east-1a", per_reservation=1)
    launch(ec2, 4, {"lowlat:role": "oe"}, instance_type="c5n.9xlarge", per_reservation=2)
    stopped = launch(ec2, 1, FULL_TAGS, instance_type="c5n.large")
    ec2.stop_instances(InstanceIds=stopped)

    import boto3

    fast = boto3.client("ec2", region_name="us-east-1", endpoint_url=moto.url)
    ec2_xml.install(fast)
    slow_pages = list(ec2.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5}))
    fast_pages = list(fast.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5}))
    assert len(slow_pages) == len(fast_pages) == 2  # 6 reservations, 5 per moto page
    for slow, quick in zip(slow_pages, fast_pages, strict=True):
        assert quick[ec2_xml.PAGE_KEY] == [
            kept_fields(i) for r in slow["Reservations"] for i in r["Instances"]
        ]
        assert quick.get("NextToken") == slow.get("NextToken")
        assert quick["Reservations"] == []


def test_fields_moto_never_sends_reach_hostvars_and_groups():
    """Placement group, dedicated tenancy and CpuOptions, as real EC2 sends them, through host_records."""
    from ansible_collections.lowlat.trading.plugins.plugin_utils import host_records

    instances, _, _ = ec2_xml.parse_describe_instances(FULL_BODY)
    built = host_records.build({"us-east-1": instances}, {"us-east-1": {}}, ["instance-id"])
    hv = built.hosts["i-1234567890abcdef0"]
    assert hv["ec2_placement_group"] == "lowlat-md-cluster"
    assert hv["ec2_tenancy"] == "dedicated"
    assert hv["ec2_cpu_options"] == {"core_count": 36, "threads_per_core": 1}
    assert built.groups["pg_lowlat_md_cluster"] == ["i-1234567890abcdef0"]
    stopped = built.hosts["i-0fedcba0987654321"]
    assert (stopped["ec2_placement_group"], stopped["ec2_state"], stopped["lowlat_cpu_shape"]) == (
        None,
        "stopped",
        None,
    )
