"""read_topology on generated c5n trees and on hand-built odd trees."""

from __future__ import annotations

import os
import shutil

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.topology import read_topology
from tests.unit.helpers import symlink, write_file
from tests.unit.plugins.module_utils.conftest import ALL_SHAPES

GIB_KB = 1024 * 1024

# shape -> (online vCPUs, physical cores, threads, NUMA nodes, MemTotal per node kB, NIC node, queues, offline,
#           instance type). Written out by hand from AWS's published c5n shapes, not derived from the generator.
EXPECTED = {
    "c5n.large": (2, 1, 2, 1, int(5.25 * GIB_KB), 0, 2, [], "c5n.large"),
    "c5n.xlarge": (4, 2, 2, 1, int(10.5 * GIB_KB), 0, 4, [], "c5n.xlarge"),
    "c5n.9xlarge": (36, 18, 2, 1, 96 * GIB_KB, 0, 32, [], "c5n.9xlarge"),
    "c5n.18xlarge": (72, 36, 2, 2, 96 * GIB_KB, 0, 32, [], "c5n.18xlarge"),
    "c5n.metal": (72, 36, 2, 2, 96 * GIB_KB, 0, 32, [], "c5n.metal"),
    "c5n.18xlarge-smt-off": (36, 36, 1, 2, 96 * GIB_KB, 0, 32, [], "c5n.18xlarge"),
    "c5n.9xlarge-offline": (34, 18, 2, 1, 96 * GIB_KB, 0, 32, [17, 35], "c5n.9xlarge"),
    "c5n.18xlarge-nic-node1": (72, 36, 2, 2, 96 * GIB_KB, 1, 32, [], "c5n.18xlarge"),
}


def test_every_generated_shape_is_covered():
    assert set(EXPECTED) == set(ALL_SHAPES)


@pytest.mark.parametrize("shape", ALL_SHAPES)
def test_cpu_counts_and_nodes(topology, shape):
    vcpus, cores, threads, nodes, _mem, _nic, _q, offline, _it = EXPECTED[shape]
    topo = topology(shape)
    assert len(topo.online) == vcpus
    assert topo.offline == offline
    assert not set(topo.online) & set(offline)
    assert sorted(topo.cpus) == topo.online
    assert sorted(topo.nodes) == list(range(nodes))
    assert sorted(c for n in topo.nodes.values() for c in n["cpus"]) == topo.online
    online_cores = cores - len(offline) // threads
    assert len(topo.cores) == online_cores
    assert all(len(core) == threads for core in topo.cores)
    assert sorted(c for core in topo.cores for c in core) == topo.online


@pytest.mark.parametrize("shape", ALL_SHAPES)
def test_sibling_pairs_follow_aws_numbering(topology, shape):
    _v, cores, threads, *_ = EXPECTED[shape]
    topo = topology(shape)
    for cpu in topo.online:
        if cpu >= cores:
            continue
        expected = [cpu, cpu + cores] if threads == 2 else [cpu]
        assert topo.siblings_of(cpu) == expected
        for sibling in expected:
            assert topo.cpus[sibling]["core"] == cpu
            assert topo.node_of(sibling) == topo.node_of(cpu)
    assert topo.cores == sorted(topo.cores, key=lambda core: core[0])


@pytest.mark.parametrize("shape", ALL_SHAPES)
def test_memory_per_node(topology, shape):
    mem = EXPECTED[shape][4]
    topo = topology(shape)
    assert {n: info["mem_total_kb"] for n, info in topo.nodes.items()} == dict.fromkeys(topo.nodes, mem)


@pytest.mark.parametrize("shape", ALL_SHAPES)
def test_nic_and_queue_irqs(topology, shape):
    *_, nic_node, queues, _off, _it = EXPECTED[shape]
    nic = topology(shape).nic
    assert nic is not None
    assert nic.name == "eth0"
    assert nic.driver == "ena"
    assert nic.is_ena
    assert nic.numa_node == nic_node
    assert nic.pci_address == "0000:00:05.0"
    assert [q.queue for q in nic.queue_irqs] == list(range(queues))
    assert [q.irq for q in nic.queue_irqs] == list(range(25, 25 + queues))
    assert [q.name for q in nic.queue_irqs][:2] == ["eth0-Tx-Rx-0", "eth0-Tx-Rx-1"]
    assert [(o.irq, o.name, o.queue) for o in nic.other_irqs] == [(24, "ena-mgmnt@pci:0000:00:05.0", None)]


@pytest.mark.parametrize("shape", ALL_SHAPES)
def test_marker_instance_type_and_pages(topology, shape):
    topo = topology(shape)
    assert topo.fixture == shape
    assert topo.instance_type == EXPECTED[shape][8]
    assert topo.hugepage_sizes_kb == [2048, 1048576]
    assert topo.supports_1g_pages is True


@pytest.mark.parametrize("shape", ALL_SHAPES)
def test_smt_active(topology, shape):
    assert topology(shape).smt_active is (EXPECTED[shape][2] == 2)


def test_18xlarge_node_layout(topology):
    topo = topology("c5n.18xlarge")
    assert topo.nodes[0]["cpus"] == [*range(0, 18), *range(36, 54)]
    assert topo.nodes[1]["cpus"] == [*range(18, 36), *range(54, 72)]
    assert topo.cpus[18] == {"core": 18, "package": 1, "node": 1}
    assert topo.cpus[54] == {"core": 18, "package": 1, "node": 1}
    assert topo.cpus[36] == {"core": 0, "package": 0, "node": 0}


def test_smt_off_has_single_thread_cores(topology):
    topo = topology("c5n.18xlarge-smt-off")
    assert topo.cores == [[c] for c in range(36)]
    assert topo.nodes[1]["cpus"] == list(range(18, 36))
    assert topo.siblings_of(5) == [5]


def test_offline_cpus_are_left_out_everywhere(topology):
    topo = topology("c5n.9xlarge-offline")
    assert topo.offline == [17, 35]
    assert 17 not in topo.cpus and 35 not in topo.cpus
    assert [17, 35] not in topo.cores
    assert topo.nodes[0]["cpus"] == [*range(0, 17), *range(18, 35)]
    assert topo.siblings_of(16) == [16, 34]


def test_as_dict_uses_string_keys(topology):
    data = topology("c5n.xlarge").as_dict()
    assert sorted(data["cpus"]) == ["0", "1", "2", "3"]
    assert list(data["nodes"]) == ["0"]
    assert data["nic"]["queue_irqs"][0] == {"irq": 25, "name": "eth0-Tx-Rx-0", "queue": 0}
    assert data["fixture"] == "c5n.xlarge"


def test_named_nic_that_does_not_exist(fs):
    assert read_topology(fs("c5n.xlarge"), nic="eth9").nic is None


def test_named_nic(fs):
    nic = read_topology(fs("c5n.xlarge"), nic="eth0").nic
    assert nic is not None and nic.name == "eth0"


def test_nic_falls_back_to_first_physical_interface(fresh_root):
    root = fresh_root("c5n.xlarge")
    # The default route goes via a tunnel that has no device: the physical eth0 is still chosen.
    write_file(root, "/proc/net/route", "Iface\tDestination\tGateway\nwg0\t00000000\t00000000\n")
    write_file(root, "/sys/devices/virtual/net/wg0/mtu", "1420\n")
    symlink(root, "/sys/class/net/wg0", "../../devices/virtual/net/wg0")
    nic = read_topology(HostFS(root)).nic
    assert nic is not None and nic.name == "eth0"


def test_nic_without_numa_node_on_a_two_node_host(fresh_root):
    root = fresh_root("c5n.18xlarge")
    write_file(root, "/sys/devices/pci0000:00/0000:00:05.0/numa_node", "-1\n")
    assert read_topology(HostFS(root)).nic.numa_node == -1


def test_nic_without_numa_node_on_a_one_node_host_is_on_that_node(fresh_root):
    root = fresh_root("c5n.9xlarge")
    write_file(root, "/sys/devices/pci0000:00/0000:00:05.0/numa_node", "-1\n")
    assert read_topology(HostFS(root)).nic.numa_node == 0


def test_unknown_driver_uses_generic_queue_names(fresh_root):
    root = fresh_root("c5n.xlarge")
    os.remove(os.path.join(root, "sys/devices/pci0000:00/0000:00:05.0/driver"))
    os.makedirs(os.path.join(root, "sys/bus/pci/drivers/ixgbevf"))
    symlink(root, "/sys/devices/pci0000:00/0000:00:05.0/driver", "../../../bus/pci/drivers/ixgbevf")
    nic = read_topology(HostFS(root)).nic
    assert nic.driver == "ixgbevf"
    assert not nic.is_ena
    assert [q.queue for q in nic.queue_irqs] == [0, 1, 2, 3]
    assert [o.irq for o in nic.other_irqs] == [24]


def test_1g_pages_need_pdpe1gb(fresh_root):
    root = fresh_root("c5n.large")
    path = os.path.join(root, "proc/cpuinfo")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert " pdpe1gb " in text
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace(" pdpe1gb ", " "))
    topo = read_topology(HostFS(root))
    assert topo.supports_1g_pages is False
    assert topo.hugepage_sizes_kb == [2048, 1048576]  # the kernel may list the size regardless


def test_hugepage_sizes_follow_sysfs(fresh_root):
    root = fresh_root("c5n.large")
    shutil.rmtree(os.path.join(root, "sys/kernel/mm/hugepages/hugepages-1048576kB"))
    assert read_topology(HostFS(root)).hugepage_sizes_kb == [2048]


# --- hand-built trees --------------------------------------------------------------------------

VIRTIO_INTERRUPTS = """\
           CPU0       CPU1       CPU2       CPU3
  0:         40          0          0          0   IO-APIC   2-edge      timer
 24:          0          0          0          0   PCI-MSI 49152-edge      virtio0-config
 25:        100          0          0          0   PCI-MSI 49153-edge      virtio0-input.0
 26:          0        101          0          0   PCI-MSI 49154-edge      virtio0-output.0
 27:          0          0        102          0   PCI-MSI 49155-edge      virtio0-input.1
 28:          0          0          0        103   PCI-MSI 49156-edge      virtio0-output.1
 29:          5          0          0          0   PCI-MSI 65536-edge      virtio1-request
LOC:       1000       1000       1000       1000   Local timer interrupts
"""


def _cpu_tree(root: str, siblings: dict[int, str], nodes: dict[int, str] | None) -> None:
    cpus = sorted(siblings)
    write_file(root, "/sys/devices/system/cpu/online", f"0-{cpus[-1]}\n")
    write_file(root, "/sys/devices/system/cpu/present", f"0-{cpus[-1]}\n")
    for cpu, sibs in siblings.items():
        write_file(root, f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list", sibs + "\n")
        write_file(root, f"/sys/devices/system/cpu/cpu{cpu}/topology/physical_package_id", "0\n")
    for node, cpulist in (nodes or {}).items():
        write_file(root, f"/sys/devices/system/node/node{node}/cpulist", cpulist + "\n")
        write_file(
            root, f"/sys/devices/system/node/node{node}/meminfo", f"Node {node} MemTotal: 4000000 kB\n"
        )


def _virtio_tree(root: str) -> None:
    # A KVM guest: CPUs {0,2} on node 0 and {1,3} on node 1, virtio-net behind PCI 0000:00:03.0 on node 1.
    _cpu_tree(root, {0: "0,2", 1: "1,3", 2: "0,2", 3: "1,3"}, {0: "0,2", 1: "1,3"})
    write_file(root, "/proc/interrupts", VIRTIO_INTERRUPTS)
    pci = "/sys/devices/pci0000:00/0000:00:03.0"
    write_file(root, f"{pci}/numa_node", "1\n")  # the virtio device itself has no numa_node file
    for irq in range(24, 29):
        write_file(root, f"{pci}/msi_irqs/{irq}", "msix\n")
    os.makedirs(os.path.join(root, "sys/bus/virtio/drivers/virtio_net"))
    os.makedirs(os.path.join(root, f"{pci.lstrip('/')}/virtio0/net/eth0"))
    symlink(root, f"{pci}/virtio0/driver", "../../../../bus/virtio/drivers/virtio_net")
    symlink(root, f"{pci}/virtio0/net/eth0/device", "../../../virtio0")
    symlink(root, "/sys/class/net/eth0", "../../devices/pci0000:00/0000:00:03.0/virtio0/net/eth0")
    write_file(root, "/proc/net/route", "Iface\tDestination\tGateway\neth0\t00000000\t0101A8C0\n")


def test_virtio_net_queues(tmp_path):
    root = str(tmp_path)
    _virtio_tree(root)
    topo = read_topology(HostFS(root))
    nic = topo.nic
    assert nic.name == "eth0"
    assert nic.driver == "virtio_net"
    assert not nic.is_ena
    assert nic.pci_address == "0000:00:03.0"
    assert nic.numa_node == 1  # from the parent PCI device
    assert [(q.irq, q.name, q.queue) for q in nic.queue_irqs] == [
        (25, "virtio0-input.0", 0),
        (26, "virtio0-output.0", 0),
        (27, "virtio0-input.1", 1),
        (28, "virtio0-output.1", 1),
    ]
    assert [(o.irq, o.name, o.queue) for o in nic.other_irqs] == [(24, "virtio0-config", None)]
    # virtio1 belongs to another device and is not the NIC's
    assert 29 not in [q.irq for q in nic.queue_irqs + nic.other_irqs]
    assert topo.nodes == {
        0: {"cpus": [0, 2], "mem_total_kb": 4000000},
        1: {"cpus": [1, 3], "mem_total_kb": 4000000},
    }
    assert topo.cores == [[0, 2], [1, 3]]
    assert topo.fixture is None
    assert topo.instance_type is None
    assert topo.smt_active is True  # no smt/active file: derived from the sibling lists


def test_no_numa_tree_puts_everything_on_node_0(tmp_path):
    root = str(tmp_path)
    _cpu_tree(root, {0: "0", 1: "1", 2: "2", 3: "3"}, nodes=None)
    write_file(root, "/proc/meminfo", "MemTotal:        3999744 kB\nMemFree:         3000000 kB\n")
    write_file(root, "/sys/devices/system/cpu/smt/active", "0\n")
    topo = read_topology(HostFS(root))
    assert not os.path.exists(os.path.join(root, "sys/devices/system/node"))
    assert topo.nodes == {0: {"cpus": [0, 1, 2, 3], "mem_total_kb": 3999744}}
    assert all(info["node"] == 0 for info in topo.cpus.values())
    assert topo.smt_active is False
    assert topo.cores == [[0], [1], [2], [3]]
    assert topo.nic is None
    assert topo.hugepage_sizes_kb == []
    assert topo.supports_1g_pages is False


def test_online_file_missing_falls_back_to_cpu_dirs(tmp_path):
    root = str(tmp_path)
    _cpu_tree(root, {0: "0-1", 1: "0-1"}, nodes=None)
    os.remove(os.path.join(root, "sys/devices/system/cpu/online"))
    os.remove(os.path.join(root, "sys/devices/system/cpu/present"))
    topo = read_topology(HostFS(root))
    assert topo.online == [0, 1]
    assert topo.offline == []
    assert topo.cores == [[0, 1]]


def test_offline_thread_is_dropped_from_its_siblings(tmp_path):
    # CPU 3 (CPU 1's sibling) is offline; a sibling list that still names it must not bring it back.
    root = str(tmp_path)
    _cpu_tree(root, {0: "0,2", 1: "1,3", 2: "0,2"}, nodes=None)
    write_file(root, "/sys/devices/system/cpu/online", "0-2\n")
    write_file(root, "/sys/devices/system/cpu/present", "0-3\n")
    topo = read_topology(HostFS(root))
    assert topo.online == [0, 1, 2]
    assert topo.offline == [3]
    assert topo.cores == [[0, 2], [1]]
    assert topo.siblings_of(1) == [1]
    assert topo.cpus[1]["core"] == 1
