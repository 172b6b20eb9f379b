"""Jinja filters for CPU lists and masks in templates."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import (
    CpuListError,
    format_cpulist,
    format_mask,
    parse_cpulist,
    parse_mask,
)


def _guard(func):
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except CpuListError as err:
            raise AnsibleFilterError(f"{func.__name__}: {err}") from err

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@_guard
def cpulist(value) -> str:
    """[0, 1, 2, 8] or '8,0-2' -> '0-2,8'."""
    return format_cpulist(parse_cpulist(value))


@_guard
def cpulist_expand(value) -> list[int]:
    """'0-2,8' -> [0, 1, 2, 8]."""
    return parse_cpulist(value)


@_guard
def cpumask(value, nr_cpus=None) -> str:
    """cpulist -> kernel hex mask ('0-3' -> 'f'); nr_cpus sets the width as the kernel prints it."""
    try:
        width = int(nr_cpus) if nr_cpus else None
    except (TypeError, ValueError) as err:
        raise CpuListError(f"nr_cpus {nr_cpus!r} is not a whole number") from err
    return format_mask(parse_cpulist(value), width)


@_guard
def mask_cpulist(value) -> str:
    """kernel hex mask -> cpulist ('ff,00000000' -> '32-39')."""
    return format_cpulist(parse_mask(value))


@_guard
def cpulist_union(value, other) -> str:
    return format_cpulist(set(parse_cpulist(value)) | set(parse_cpulist(other)))


@_guard
def cpulist_difference(value, other) -> str:
    return format_cpulist(set(parse_cpulist(value)) - set(parse_cpulist(other)))


class FilterModule:
    def filters(self):
        return {
            "cpulist": cpulist,
            "cpulist_expand": cpulist_expand,
            "cpumask": cpumask,
            "mask_cpulist": mask_cpulist,
            "cpulist_union": cpulist_union,
            "cpulist_difference": cpulist_difference,
        }
