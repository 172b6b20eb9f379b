"""HostFS: every host path maps under the root; reads, links and writes stay inside it."""

from __future__ import annotations

import errno
import os

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS, HostFSError
from tests.unit.helpers import symlink, write_file


@pytest.fixture
def root(tmp_path):
    base = tmp_path / "root"
    write_file(str(base), "/proc/cmdline", "BOOT_IMAGE=/vmlinuz ro quiet\n")
    write_file(str(base), "/sys/devices/system/cpu/online", "0-3\n")
    write_file(str(base), "/sys/devices/system/cpu/smt/active", "1")
    write_file(str(base), "/proc/sys/vm/swappiness", "60\n")
    write_file(str(base), "/proc/sys/kernel/ns_last_pid", "  1234 5678\n")
    write_file(str(base), "/proc/sys/kernel/nonint", "madvise\n")
    write_file(str(base), "/sys/empty", "")
    for name in ("hugepages-2048kB", "hugepages-1048576kB"):
        write_file(str(base), f"/sys/kernel/mm/hugepages/{name}/nr_hugepages", "0\n")
    write_file(str(base), "/sys/kernel/mm/hugepages/README", "not a size\n")
    # sysfs-style relative symlinks: a class link, a device link and a driver link
    write_file(str(base), "/sys/devices/pci0000:00/0000:00:05.0/numa_node", "1\n")
    write_file(str(base), "/sys/bus/pci/drivers/ena/bind", "")
    symlink(str(base), "/sys/devices/pci0000:00/0000:00:05.0/driver", "../../../bus/pci/drivers/ena")
    os.makedirs(base / "sys/devices/pci0000:00/0000:00:05.0/net/eth0")
    symlink(str(base), "/sys/devices/pci0000:00/0000:00:05.0/net/eth0/device", "../../../0000:00:05.0")
    symlink(str(base), "/sys/class/net/eth0", "../../devices/pci0000:00/0000:00:05.0/net/eth0")
    return str(base)


def test_root_mapping(root):
    fs = HostFS(root)
    assert fs.path("/proc/cmdline") == root + "/proc/cmdline"
    assert fs.host_path(root + "/proc/cmdline") == "/proc/cmdline"
    assert fs.host_path(root) == "/"
    assert fs.is_fixture


def test_root_is_normalised(root):
    fs = HostFS(root + "/proc/..//")
    assert fs.root == root
    assert fs.path("/proc/cmdline") == root + "/proc/cmdline"


def test_real_root_maps_paths_unchanged():
    # Only path arithmetic: nothing is read from or written to the real /proc.
    fs = HostFS("/")
    assert fs.path("/proc/cmdline") == "/proc/cmdline"
    assert fs.host_path("/sys/class/net") == "/sys/class/net"
    assert not fs.is_fixture


def test_relative_host_paths_are_refused(root):
    with pytest.raises(ValueError, match="host path must be absolute: 'proc/cmdline'"):
        HostFS(root).path("proc/cmdline")


def test_read_strips_and_reads_under_root(root):
    fs = HostFS(root)
    assert fs.read("/proc/cmdline") == "BOOT_IMAGE=/vmlinuz ro quiet"
    assert fs.read("/sys/empty") == ""


def test_read_missing_gives_default(root):
    fs = HostFS(root)
    assert fs.read("/proc/nope") is None
    assert fs.read("/proc/nope", default="x") == "x"
    assert fs.read("/proc/cmdline/child") is None  # parent is a file: ENOTDIR, still "missing"


def test_read_directory_raises_unless_default(root):
    fs = HostFS(root)
    with pytest.raises(HostFSError) as err:
        fs.read("/proc/sys")
    assert err.value.path == "/proc/sys"
    assert err.value.errno == errno.EISDIR
    assert fs.read("/proc/sys", default="d") == "d"


def test_read_int(root):
    fs = HostFS(root)
    assert fs.read_int("/proc/sys/vm/swappiness") == 60
    assert fs.read_int("/sys/devices/system/cpu/smt/active") == 1
    assert fs.read_int("/proc/sys/kernel/ns_last_pid") == 1234  # first field only
    assert fs.read_int("/proc/sys/kernel/nonint") is None
    assert fs.read_int("/proc/sys/kernel/nonint", default=-1) == -1
    assert fs.read_int("/sys/empty", default=7) == 7
    assert fs.read_int("/proc/missing", default=3) == 3


def test_exists_isdir_listdir(root):
    fs = HostFS(root)
    assert fs.exists("/proc/cmdline")
    assert not fs.exists("/proc/nope")
    assert fs.isdir("/proc/sys")
    assert not fs.isdir("/proc/cmdline")
    assert fs.listdir("/proc/sys") == ["kernel", "vm"]
    assert fs.listdir("/proc/nope") == []
    assert fs.listdir("/proc/cmdline") == []
    # exists() follows the class symlink chain inside the root
    assert fs.exists("/sys/class/net/eth0/device/numa_node")


def test_glob(root):
    fs = HostFS(root)
    assert fs.glob("/sys/kernel/mm/hugepages", "hugepages-*kB") == ["hugepages-1048576kB", "hugepages-2048kB"]
    assert fs.glob("/sys/kernel/mm/hugepages", "*") == ["README", "hugepages-1048576kB", "hugepages-2048kB"]
    assert fs.glob("/sys/kernel/mm/hugepages", "HUGEPAGES-*") == []  # case-sensitive like sysfs
    assert fs.glob("/sys/nope", "*") == []


def test_realpath_resolves_relative_symlinks_inside_root(root):
    fs = HostFS(root)
    assert fs.realpath("/sys/class/net/eth0") == "/sys/devices/pci0000:00/0000:00:05.0/net/eth0"
    assert fs.realpath("/sys/class/net/eth0/device") == "/sys/devices/pci0000:00/0000:00:05.0"
    assert fs.realpath("/sys/class/net/eth0/device/driver") == "/sys/bus/pci/drivers/ena"
    assert fs.realpath("/proc/cmdline") == "/proc/cmdline"
    assert fs.read_int("/sys/class/net/eth0/device/numa_node") == 1


def test_link_name(root):
    fs = HostFS(root)
    assert fs.link_name("/sys/class/net/eth0/device/driver") == "ena"
    assert fs.link_name("/sys/class/net/eth0/device") == "0000:00:05.0"
    assert fs.link_name("/proc/cmdline") is None  # not a link
    assert fs.link_name("/sys/class/net/eth9/device/driver") is None


def test_write_then_read_back(root):
    fs = HostFS(root)
    fs.write("/proc/sys/vm/swappiness", "1")
    assert fs.read_int("/proc/sys/vm/swappiness") == 1
    with open(os.path.join(root, "proc/sys/vm/swappiness"), encoding="utf-8") as fh:
        assert fh.read() == "1\n"  # like `echo 1 > file`
    fs.write("/proc/sys/kernel/nonint", "2-5\n")
    with open(os.path.join(root, "proc/sys/kernel/nonint"), encoding="utf-8") as fh:
        assert fh.read() == "2-5\n"  # no doubled newline


def test_write_goes_through_symlinks_inside_root(root):
    fs = HostFS(root)
    fs.write("/sys/class/net/eth0/device/numa_node", "0")
    assert fs.read("/sys/devices/pci0000:00/0000:00:05.0/numa_node") == "0"


def test_write_error_wraps_errno_and_host_path(root):
    fs = HostFS(root)
    with pytest.raises(HostFSError) as err:
        fs.write("/proc/cmdline/child", "x")  # the parent is a file
    assert err.value.errno == errno.ENOTDIR
    assert err.value.path == "/proc/cmdline/child"
    assert str(err.value) == f"[Errno {errno.ENOTDIR}] /proc/cmdline/child: {os.strerror(errno.ENOTDIR)}"
    assert root not in str(err.value)  # the message names the host path, not the fixture path
    assert isinstance(err.value, OSError)


def test_write_missing_directory_is_enoent(root):
    fs = HostFS(root)
    with pytest.raises(HostFSError) as err:
        fs.write("/proc/irq/999/smp_affinity_list", "1")
    assert err.value.errno == errno.ENOENT
    assert err.value.path == "/proc/irq/999/smp_affinity_list"
