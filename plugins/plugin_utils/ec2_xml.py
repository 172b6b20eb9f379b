"""Fast parsing of DescribeInstances answers: only the fields the inventory uses.

botocore turns each instance into a dict of ~60 fields (network interfaces, block devices, every
timestamp through dateutil), most of the cost of listing thousands of instances. A
before-parse hook reads the XML with ElementTree instead, keeps the fields below in the same
boto3 shape (so the rest of the plugin cannot tell), and leaves botocore a body with only the
NextToken, which the paginator still follows. Error answers and anything that does not parse
are left to botocore untouched.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from xml.sax.saxutils import escape

# Key the parsed instances are added under in each page, next to NextToken.
PAGE_KEY = "LowlatInstances"
EVENT = "before-parse.ec2.DescribeInstances"

# XML element -> boto3 key, for the plain string fields (names from the EC2 service model).
STRING_FIELDS = {
    "instanceId": "InstanceId",
    "instanceType": "InstanceType",
    "privateIpAddress": "PrivateIpAddress",
    "privateDnsName": "PrivateDnsName",
    "ipAddress": "PublicIpAddress",
    "dnsName": "PublicDnsName",
}
PLACEMENT_FIELDS = {"availabilityZone": "AvailabilityZone", "groupName": "GroupName", "tenancy": "Tenancy"}
CPU_FIELDS = {"coreCount": "CoreCount", "threadsPerCore": "ThreadsPerCore"}


def _children(node: ET.Element, ns_len: int, fields: dict[str, str], as_int: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in node:
        key = fields.get(child.tag[ns_len:])
        if key:
            text = child.text or ""
            out[key] = int(text) if as_int and text else text
    return out


def _instance(item: ET.Element, ns: str) -> dict[str, Any]:
    ns_len = len(ns)
    instance: dict[str, Any] = {}
    for child in item:
        tag = child.tag[ns_len:]
        key = STRING_FIELDS.get(tag)
        if key:
            instance[key] = child.text or ""
        elif tag == "placement":
            instance["Placement"] = _children(child, ns_len, PLACEMENT_FIELDS)
        elif tag == "instanceState":
            instance["State"] = {"Name": child.findtext(f"{ns}name") or ""}
        elif tag == "cpuOptions":
            instance["CpuOptions"] = _children(child, ns_len, CPU_FIELDS, as_int=True)
        elif tag == "tagSet":
            instance["Tags"] = [
                {"Key": tag_item.findtext(f"{ns}key") or "", "Value": tag_item.findtext(f"{ns}value") or ""}
                for tag_item in child.iterfind(f"{ns}item")
            ]
    return instance


def parse_describe_instances(body: bytes) -> tuple[list[dict[str, Any]], str | None, str]:
    """(instances, NextToken, XML namespace URI) from one DescribeInstances answer."""
    root = ET.fromstring(body)
    ns_uri = root.tag[1 : root.tag.index("}")] if root.tag.startswith("{") else ""
    ns = f"{{{ns_uri}}}" if ns_uri else ""
    instances = [
        _instance(item, ns)
        for reservation in root.iterfind(f"{ns}reservationSet/{ns}item")
        for item in reservation.iterfind(f"{ns}instancesSet/{ns}item")
    ]
    return instances, root.findtext(f"{ns}nextToken") or None, ns_uri


def before_parse(response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any) -> None:
    """botocore before-parse handler for DescribeInstances (see the module docstring)."""
    if response_dict.get("status_code", 500) >= 300 or not isinstance(response_dict.get("body"), bytes):
        return
    try:
        instances, token, ns_uri = parse_describe_instances(response_dict["body"])
    except ET.ParseError:
        return
    customized_response_dict[PAGE_KEY] = instances
    xmlns = f' xmlns="{escape(ns_uri)}"' if ns_uri else ""
    token_xml = f"<nextToken>{escape(token)}</nextToken>" if token else ""
    response_dict["body"] = (
        f"<DescribeInstancesResponse{xmlns}><reservationSet/>{token_xml}</DescribeInstancesResponse>"
    ).encode()


def install(client: Any) -> None:
    client.meta.events.register(EVENT, before_parse)
