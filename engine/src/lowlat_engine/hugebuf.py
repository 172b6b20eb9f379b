"""Hot-path buffers, optionally backed by huge pages from a hugetlbfs mount.

All receive and encode buffers come from one mapping carved into fixed regions, so the hot
path touches a few (huge) pages and never allocates buffers while running.
"""

from __future__ import annotations

import mmap
import os
from dataclasses import dataclass


class HugePageError(RuntimeError):
    pass


@dataclass(frozen=True)
class MountInfo:
    mountpoint: str
    fstype: str
    options: str


def mounts(path: str = "/proc/self/mounts") -> list[MountInfo]:
    result = []
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 4:
                # /proc/mounts escapes spaces and tabs as octal sequences
                mountpoint = fields[1].encode().decode("unicode_escape")
                result.append(MountInfo(mountpoint, fields[2], fields[3]))
    return result


def mount_of(path: str, table: list[MountInfo]) -> MountInfo | None:
    """The mount entry that contains `path` (longest mount point prefix wins)."""
    path = os.path.realpath(path)
    best = None
    for info in table:
        mp = info.mountpoint
        inside = mp == "/" or path == mp or path.startswith(mp.rstrip("/") + "/")
        # later entries for the same mount point are mounted on top, hence >=
        if inside and (best is None or len(mp) >= len(best.mountpoint)):
            best = info
    return best


def huge_page_size(info: MountInfo, meminfo: str = "/proc/meminfo") -> int:
    for option in info.options.split(","):
        if option.startswith("pagesize="):
            return _parse_size(option.split("=", 1)[1])
    with open(meminfo) as f:
        for line in f:
            if line.startswith("Hugepagesize:"):
                return int(line.split()[1]) * 1024
    raise HugePageError("cannot tell the huge page size (no pagesize= option, no Hugepagesize)")


def _parse_size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.upper().rstrip("B")
    if text and text[-1] in units:
        return int(text[:-1]) * units[text[-1]]
    return int(text)


class BufferArena:
    """One mapping split into named regions handed out as memoryviews."""

    def __init__(self, sizes: dict[str, int], hugetlbfs_path: str = "", fallback: bool = False) -> None:
        total = sum(_align(s, 64) for s in sizes.values())
        self.huge_pages = False
        self.source = "anonymous"
        self.fallback_reason = ""
        self._mmap = None
        if hugetlbfs_path:
            try:
                self._mmap = _map_hugetlbfs(hugetlbfs_path, total)
                self.huge_pages = True
                self.source = hugetlbfs_path
            except (HugePageError, OSError) as exc:
                if not fallback:
                    raise HugePageError(
                        f"memory.hugetlbfs_path={hugetlbfs_path!r}: {exc}; "
                        "mount hugetlbfs there with free huge pages, or set memory.hugetlbfs_fallback = true"
                    ) from exc
                self.fallback_reason = str(exc)
        if self._mmap is None:
            self._mmap = mmap.mmap(-1, max(total, mmap.PAGESIZE))
        self.size = len(self._mmap)
        self._whole = memoryview(self._mmap)
        self.views: dict[str, memoryview] = {}
        offset = 0
        for name, size in sizes.items():
            self.views[name] = self._whole[offset : offset + size]
            offset += _align(size, 64)

    def __getitem__(self, name: str) -> memoryview:
        return self.views[name]

    def close(self) -> None:
        """Release the mapping; callers must have dropped their own derived views."""
        for view in self.views.values():
            view.release()
        self.views.clear()
        self._whole.release()
        self._mmap.close()


def _align(n: int, to: int) -> int:
    return (n + to - 1) // to * to


def _map_hugetlbfs(path: str, size: int) -> mmap.mmap:
    info = mount_of(path, mounts())
    if info is None or info.fstype != "hugetlbfs":
        kind = info.fstype if info else "unknown"
        raise HugePageError(f"{path} is not on a hugetlbfs mount (found {kind})")
    page = huge_page_size(info)
    length = _align(size, page)
    name = os.path.join(path, f"lowlat-engine-{os.getpid()}")
    fd = os.open(name, os.O_CREAT | os.O_RDWR | os.O_EXCL, 0o600)
    try:
        os.unlink(name)  # the mapping keeps the pages; nothing is left behind on a crash
        os.ftruncate(fd, length)
        # A shared hugetlbfs mapping reserves its pages here, so a short pool fails now (ENOMEM)
        # rather than with SIGBUS on first touch.
        return mmap.mmap(fd, length, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    finally:
        os.close(fd)
