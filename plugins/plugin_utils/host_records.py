"""Turn EC2 instances into inventory hosts: hostname, hostvars and the built-in groups.

Plain Python on purpose: no Jinja per host, so a 5,000-host inventory builds in well under a
second. The constructed options (compose, groups, keyed_groups) run later, only if configured.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import to_safe_group_name

from ansible_collections.lowlat.trading.plugins.plugin_utils.tag_contract import (
    LOWLAT_TAGS,
    MANAGED_TAG,
    missing_tags,
)

ALL_GROUP = "lowlat_ec2"
UNTAGGED_GROUP = "lowlat_untagged"
MANAGED_GROUP = "lowlat_managed"

HOSTNAME_SOURCES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "private-ip-address": lambda i: i.get("PrivateIpAddress"),
    "private-dns-name": lambda i: i.get("PrivateDnsName"),
    "instance-id": lambda i: i.get("InstanceId"),
    "public-ip-address": lambda i: i.get("PublicIpAddress"),
    "public-dns-name": lambda i: i.get("PublicDnsName"),
}
DEFAULT_HOSTNAMES = ["private-ip-address", "private-dns-name", "instance-id"]

# Missing-tag warnings named one by one before the rest are summarised.
WARN_EACH_LIMIT = 20


def validate_hostnames(preferences: Iterable[str] | None) -> list[str]:
    prefs = list(preferences or DEFAULT_HOSTNAMES)
    for pref in prefs:
        if pref not in HOSTNAME_SOURCES and not (pref.startswith("tag:") and len(pref) > 4):
            raise AnsibleParserError(
                f"lowlat_ec2: unknown hostnames entry {pref!r}; use tag:NAME or one of "
                f"{', '.join(HOSTNAME_SOURCES)}."
            )
    return prefs


def instance_tags(instance: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag.get("Value", "") for tag in instance.get("Tags") or ()}


def hostname_candidates(instance: dict[str, Any], tags: dict[str, str], prefs: list[str]) -> list[str]:
    """Non-empty values of the preferences, in order."""
    values = []
    for pref in prefs:
        value = tags.get(pref[4:]) if pref.startswith("tag:") else HOSTNAME_SOURCES[pref](instance)
        if value:
            values.append(str(value))
    return values


def host_vars(
    instance: dict[str, Any], region: str, tags: dict[str, str], shape: dict[str, Any] | None
) -> dict[str, Any]:
    placement = instance.get("Placement") or {}
    cpu = instance.get("CpuOptions")
    hostvars: dict[str, Any] = {
        "ec2_instance_id": instance.get("InstanceId"),
        "ec2_instance_type": instance.get("InstanceType"),
        "ec2_availability_zone": placement.get("AvailabilityZone"),
        "ec2_region": region,
        "ec2_private_ip_address": instance.get("PrivateIpAddress") or None,
        "ec2_private_dns_name": instance.get("PrivateDnsName") or None,
        # Passed through as EC2 returns them (moto: GroupName always "", Tenancy always "default").
        "ec2_placement_group": placement.get("GroupName") or None,
        "ec2_tenancy": placement.get("Tenancy"),
        "ec2_state": (instance.get("State") or {}).get("Name"),
        # CpuOptions reflect launch-time core/thread settings (e.g. threads_per_core=1 disables SMT).
        "ec2_cpu_options": (
            {"core_count": cpu.get("CoreCount"), "threads_per_core": cpu.get("ThreadsPerCore")}
            if cpu
            else None
        ),
        "ec2_tags": tags,
        "lowlat_cpu_shape": dict(shape) if shape else None,
    }
    for key, (_prefix, varname) in LOWLAT_TAGS.items():
        hostvars[varname] = tags.get(key) or None
    hostvars["lowlat_managed"] = tags.get(MANAGED_TAG, "").lower() == "true"
    return hostvars


class GroupNamer:
    """Sanitised '<prefix>_<value>' group names, memoised (the same values repeat across hosts)."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, str], str] = {}

    def __call__(self, prefix: str, value: Any) -> str:
        key = (prefix, str(value))
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = to_safe_group_name(f"{prefix}_{value}")
        return name


def builtin_groups(
    hostvars: dict[str, Any], tags: dict[str, str], missing: list[str], namer: GroupNamer
) -> list[str]:
    groups = [ALL_GROUP]
    for key, (prefix, _varname) in LOWLAT_TAGS.items():
        if prefix and tags.get(key):
            groups.append(namer(prefix, tags[key]))
    if hostvars["lowlat_managed"]:
        groups.append(MANAGED_GROUP)
    if missing:
        groups.append(UNTAGGED_GROUP)
    for prefix, var in (
        ("az", "ec2_availability_zone"),
        ("pg", "ec2_placement_group"),
        ("type", "ec2_instance_type"),
        ("region", "ec2_region"),
    ):
        if hostvars[var]:
            groups.append(namer(prefix, hostvars[var]))
    return groups


@dataclass
class Built:
    """Hosts with their vars and built-in groups, plus what to tell the user."""

    hosts: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    untagged: list[tuple[str, list[str]]] = field(default_factory=list)  # (instance id, missing keys)
    warnings: list[str] = field(default_factory=list)


def build(
    instances_by_region: dict[str, list[dict[str, Any]]],
    shapes_by_region: dict[str, dict[str, dict[str, Any] | None]],
    prefs: list[str],
) -> Built:
    """Hosts in region order, then instance id order, so names and output are stable."""
    built = Built()
    namer = GroupNamer()
    owner: dict[str, str] = {}  # hostname -> instance id
    seen: set[str] = set()
    for region, instances in instances_by_region.items():
        shapes = shapes_by_region.get(region, {})
        for instance in sorted(instances, key=lambda i: i.get("InstanceId", "")):
            instance_id = instance.get("InstanceId", "")
            if instance_id in seen:  # a page boundary may repeat an instance
                continue
            seen.add(instance_id)
            tags = instance_tags(instance)
            hostvars = host_vars(instance, region, tags, shapes.get(instance.get("InstanceType")))
            name = _pick_hostname(
                instance_id, hostname_candidates(instance, tags, prefs), owner, built.warnings
            )
            hostvars["ansible_host"] = name
            missing = missing_tags(tags)
            if missing:
                built.untagged.append((instance_id, missing))
            built.hosts[name] = hostvars
            for group in builtin_groups(hostvars, tags, missing, namer):
                built.groups.setdefault(group, []).append(name)
    return built


def _pick_hostname(
    instance_id: str, candidates: list[str], owner: dict[str, str], warnings: list[str]
) -> str:
    """First candidate no other instance has taken; the instance id as the last resort.

    Two instances with the same tag:Name would otherwise collapse into one host.
    """
    for value in [*candidates, instance_id]:
        if value not in owner:
            if candidates and value != candidates[0]:
                warnings.append(
                    f"lowlat_ec2: hostname {candidates[0]!r} of {instance_id} is already used by "
                    f"{owner[candidates[0]]}; using {value!r} instead."
                )
            owner[value] = instance_id
            return value
    raise AnsibleParserError(f"lowlat_ec2: no unique hostname for {instance_id}: every candidate is taken.")


def untagged_messages(untagged: list[tuple[str, list[str]]]) -> list[str]:
    """One line per untagged instance (up to WARN_EACH_LIMIT), then a summary line."""
    lines = [
        f"lowlat_ec2: instance {instance_id} is missing lowlat tag(s) {', '.join(keys)}; "
        f"it is in group '{UNTAGGED_GROUP}'."
        for instance_id, keys in untagged[:WARN_EACH_LIMIT]
    ]
    if len(untagged) > WARN_EACH_LIMIT:
        lines.append(
            f"lowlat_ec2: {len(untagged) - WARN_EACH_LIMIT} more instances are missing lowlat tags "
            f"(all are in group '{UNTAGGED_GROUP}')."
        )
    return lines
