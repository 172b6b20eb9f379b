"""CPU placement and hugetlbfs buffers; nothing here needs root or changes the machine."""

from __future__ import annotations

import os

import pytest

from lowlat_engine import cpu, hugebuf
from lowlat_engine.hugebuf import BufferArena, HugePageError, MountInfo


def test_affinity_to_the_current_cpu_set_is_applied():
    before = os.sched_getaffinity(0)
    try:
        cpu.apply_affinity((min(before),))
        assert os.sched_getaffinity(0) == {min(before)}
    finally:
        os.sched_setaffinity(0, before)


def test_unavailable_cpus_are_refused_before_anything_changes():
    before = os.sched_getaffinity(0)
    with pytest.raises(cpu.PlacementError, match="not available"):
        cpu.apply_affinity((min(before), 4095))
    assert os.sched_getaffinity(0) == before


def test_sched_fifo_zero_leaves_the_scheduler_alone(monkeypatch):
    monkeypatch.setattr(os, "sched_setscheduler", lambda *a: pytest.fail("must not be called"))
    cpu.apply_sched_fifo(0)


def test_sched_fifo_refusal_fails_loudly(monkeypatch):
    def refuse(*_):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setscheduler", refuse)
    with pytest.raises(cpu.PlacementError, match="CAP_SYS_NICE"):
        cpu.apply_sched_fifo(10)


TABLE = [
    MountInfo("/", "ext4", "rw"),
    MountInfo("/dev", "devtmpfs", "rw"),
    MountInfo("/dev/hugepages", "hugetlbfs", "rw,pagesize=2M"),
    MountInfo("/mnt/huge1G", "hugetlbfs", "rw,pagesize=1024M"),
]


@pytest.mark.parametrize(
    ("path", "mountpoint"),
    [
        ("/dev/hugepages", "/dev/hugepages"),
        ("/dev/hugepages/x", "/dev/hugepages"),
        ("/dev/hugepagesx", "/dev"),
    ],
)
def test_mount_lookup_takes_the_longest_prefix(path, mountpoint):
    assert hugebuf.mount_of(path, TABLE).mountpoint == mountpoint


def test_huge_page_size_comes_from_the_mount_options():
    assert hugebuf.huge_page_size(TABLE[2]) == 2 << 20
    assert hugebuf.huge_page_size(TABLE[3]) == 1 << 30


def test_mount_table_of_this_machine_parses():
    assert any(m.mountpoint == "/" for m in hugebuf.mounts())


def test_non_hugetlbfs_path_fails_unless_fallback_is_allowed(tmp_path):
    with pytest.raises(HugePageError, match="hugetlbfs_fallback"):
        BufferArena({"a": 100}, str(tmp_path))
    arena = BufferArena({"a": 100}, str(tmp_path), fallback=True)
    assert not arena.huge_pages and "not on a hugetlbfs mount" in arena.fallback_reason
    arena.close()


def test_arena_regions_are_separate_and_writable():
    arena = BufferArena({"rx": 1500, "tx": 100})
    rx, tx = arena["rx"], arena["tx"]
    assert len(rx) == 1500 and len(tx) == 100
    rx[:] = b"\x01" * 1500
    tx[:] = b"\x02" * 100
    assert bytes(rx) == b"\x01" * 1500 and bytes(tx) == b"\x02" * 100
    del rx, tx
    arena.close()


@pytest.mark.skipif(
    not any(m.fstype == "hugetlbfs" for m in hugebuf.mounts()), reason="no hugetlbfs mount on this machine"
)
def test_real_hugetlbfs_mount_maps_or_reports_an_empty_pool():
    mount = next(m for m in hugebuf.mounts() if m.fstype == "hugetlbfs")
    try:
        arena = BufferArena({"rx": 4096}, mount.mountpoint)
    except HugePageError as exc:
        assert "hugetlbfs_fallback" in str(exc)  # a pool without free pages fails at mmap time
    else:
        assert arena.huge_pages and arena.size >= hugebuf.huge_page_size(mount)
        arena.close()
