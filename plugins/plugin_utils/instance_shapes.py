"""CPU and network shape of EC2 instance types (DescribeInstanceTypes), looked up once per type.

The CPU planner uses lowlat_cpu_shape to preflight a host before connecting to it. Each distinct
type is asked for once per region, up to 100 names per call, and remembered for the life of the
process (refresh_inventory in a play reuses it); the built inventory cache keeps it across runs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from ansible_collections.lowlat.trading.plugins.plugin_utils import ec2_api

TYPES_PER_CALL = 100

_memo: dict[tuple[str, str, str], dict[str, Any] | None] = {}
_memo_lock = threading.Lock()


def shape_from_api(info: dict[str, Any]) -> dict[str, Any]:
    """The planner's view of one DescribeInstanceTypes entry."""
    vcpu = info.get("VCpuInfo") or {}
    net = info.get("NetworkInfo") or {}
    cards = net.get("NetworkCards") or [{}]
    return {
        "vcpus": vcpu.get("DefaultVCpus"),
        "cores": vcpu.get("DefaultCores"),
        "threads_per_core": vcpu.get("DefaultThreadsPerCore"),
        "valid_threads_per_core": list(vcpu.get("ValidThreadsPerCore") or []),
        # DescribeInstanceTypes does not report sockets/NUMA nodes; cpu_facts reads them on the host.
        "sockets": None,
        "ena_support": net.get("EnaSupport"),
        "ena_queues_per_interface": cards[0].get("DefaultEnaQueueCountPerInterface"),
        "network_performance": net.get("NetworkPerformance"),
        "bare_metal": info.get("BareMetal"),
        "memory_mib": (info.get("MemoryInfo") or {}).get("SizeInMiB"),
    }


def clear_memo() -> None:
    with _memo_lock:
        _memo.clear()


def _describe(client: Any, region: str, names: list[str]) -> dict[str, Any]:
    """Shapes for up to TYPES_PER_CALL names. An unknown name fails the whole call in EC2, so a
    failed batch is retried name by name and unknown names map to None."""

    def call() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in client.get_paginator("describe_instance_types").paginate(InstanceTypes=names):
            found.extend(page.get("InstanceTypes", ()))
        return found

    try:
        infos = ec2_api.call_with_throttle_retry(call, region, "DescribeInstanceTypes", client)
    except ec2_api.botocore.exceptions.ClientError as exc:
        if ec2_api.error_code(exc) != "InvalidInstanceType":
            raise ec2_api.translate_error(exc, region, "DescribeInstanceTypes", client) from exc
        if len(names) == 1:
            return {names[0]: None}
        shapes: dict[str, Any] = {}
        for name in names:
            shapes.update(_describe(client, region, [name]))
        return shapes
    shapes = {name: None for name in names}
    shapes.update({info["InstanceType"]: shape_from_api(info) for info in infos})
    return shapes


def lookup(
    client: Any,
    region: str,
    instance_types: Iterable[str],
    endpoint_key: str = "",
) -> dict[str, dict[str, Any] | None]:
    """Shape per distinct instance type (None for a type EC2 does not know)."""
    wanted = sorted({t for t in instance_types if t})
    result: dict[str, dict[str, Any] | None] = {}
    missing: list[str] = []
    with _memo_lock:
        for name in wanted:
            key = (endpoint_key, region, name)
            if key in _memo:
                result[name] = _memo[key]
            else:
                missing.append(name)
    for start in range(0, len(missing), TYPES_PER_CALL):
        found = _describe(client, region, missing[start : start + TYPES_PER_CALL])
        with _memo_lock:
            for name, shape in found.items():
                _memo[(endpoint_key, region, name)] = shape
        result.update(found)
    return result
