"""Read a host's CPU, NUMA, hugepage and NIC topology from /proc and /sys."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import parse_cpulist
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.interrupts import Irq, read_irqs

# A fixture tree says what it stands in for, so facts and the audit can never pass it off as the host.
FIXTURE_MARKER = "/lowlat-fixture"

# How each driver names its per-queue MSI-X vectors. ENA: "<ifname>-Tx-Rx-<qid>" per queue pair and
# "ena-mgmnt@pci:<bdf>" for the admin queue; virtio-net: "virtioN-input.Q" / "virtioN-output.Q".
_QUEUE_NAME = {
    "ena": lambda ifname: re.compile(rf"^{re.escape(ifname)}-Tx-Rx-(\d+)$"),
    "virtio_net": lambda ifname: re.compile(r"^virtio\d+-(?:input|output)\.(\d+)$"),
}
_GENERIC_QUEUE = re.compile(r"(?:tx|rx|txrx|input|output|comp|queue)[-_.]?(\d+)", re.IGNORECASE)


@dataclass
class NicIrq:
    irq: int
    name: str
    queue: int | None  # None for the device's management/config vector


@dataclass
class Nic:
    name: str
    driver: str | None
    numa_node: int
    pci_address: str | None
    queue_irqs: list[NicIrq] = field(default_factory=list)
    other_irqs: list[NicIrq] = field(default_factory=list)

    @property
    def is_ena(self) -> bool:
        return self.driver == "ena"


@dataclass
class Topology:
    online: list[int]
    offline: list[int]
    # cpu -> {"core": sibling group id, "package": socket, "node": numa node}
    cpus: dict[int, dict[str, int]]
    cores: list[list[int]]  # SMT sibling groups of online CPUs, ordered by first CPU
    nodes: dict[int, dict]  # node -> {"cpus": [...], "mem_total_kb": int}
    smt_active: bool
    hugepage_sizes_kb: list[int]
    supports_1g_pages: bool
    nic: Nic | None
    instance_type: str | None
    fixture: str | None  # shape name when read from a fixture tree, else None

    def node_of(self, cpu: int) -> int:
        return self.cpus[cpu]["node"]

    def siblings_of(self, cpu: int) -> list[int]:
        for core in self.cores:
            if cpu in core:
                return core
        return [cpu]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["cpus"] = {str(k): v for k, v in self.cpus.items()}
        data["nodes"] = {str(k): v for k, v in self.nodes.items()}
        return data


def _online_cpus(fs: HostFS) -> list[int]:
    text = fs.read("/sys/devices/system/cpu/online")
    if text is not None:
        return parse_cpulist(text)
    return sorted(int(n[3:]) for n in fs.glob("/sys/devices/system/cpu", "cpu[0-9]*"))


def _cpu_nodes(fs: HostFS) -> dict[int, int]:
    """cpu -> NUMA node; every CPU is on node 0 when the kernel shows no NUMA nodes."""
    mapping: dict[int, int] = {}
    for name in fs.glob("/sys/devices/system/node", "node[0-9]*"):
        node = int(name[4:])
        for cpu in parse_cpulist(fs.read(f"/sys/devices/system/node/{name}/cpulist", default="") or ""):
            mapping[cpu] = node
    return mapping


def _node_memory_kb(fs: HostFS, node: int) -> int:
    for line in (fs.read(f"/sys/devices/system/node/node{node}/meminfo", default="") or "").splitlines():
        if "MemTotal:" in line:
            return int(line.split("MemTotal:")[1].split()[0])
    return 0


def _total_memory_kb(fs: HostFS) -> int:
    for line in (fs.read("/proc/meminfo", default="") or "").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1])
    return 0


def _hugepage_sizes(fs: HostFS) -> list[int]:
    sizes = []
    for name in fs.glob("/sys/kernel/mm/hugepages", "hugepages-*kB"):
        sizes.append(int(name[len("hugepages-") : -2]))
    return sorted(sizes)


def _cpu_flags(fs: HostFS) -> set[str]:
    for line in (fs.read("/proc/cpuinfo", default="") or "").splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def default_route_interface(fs: HostFS) -> str | None:
    lines = (fs.read("/proc/net/route", default="") or "").splitlines()[1:]
    for line in lines:
        parts = line.split()
        if len(parts) > 2 and parts[1] == "00000000":
            return parts[0]
    return None


def _physical_interfaces(fs: HostFS) -> list[str]:
    return [n for n in fs.listdir("/sys/class/net") if fs.exists(f"/sys/class/net/{n}/device")]


def _msi_irqs(fs: HostFS, device_path: str) -> tuple[list[int], str | None]:
    """MSI vectors of the NIC's PCI function (virtio-net's sit on its parent PCI device)."""
    path = device_path
    for _attempt in range(2):
        if fs.isdir(f"{path}/msi_irqs"):
            irqs = sorted(int(n) for n in fs.listdir(f"{path}/msi_irqs") if n.isdigit())
            pci = path.rsplit("/", 1)[-1]
            return irqs, pci if re.match(r"^[0-9a-f]{4}:[0-9a-f]{2}:", pci) else None
        path = path.rsplit("/", 1)[0]
    return [], None


def _classify(driver: str | None, ifname: str, irqs: dict[int, Irq], numbers: list[int]):
    pattern = _QUEUE_NAME.get(driver or "", lambda _n: None)(ifname)
    queue, other = [], []
    for number in numbers:
        name = irqs[number].actions if number in irqs else ""
        match = pattern.match(name) if pattern else _GENERIC_QUEUE.search(name)
        if match:
            queue.append(NicIrq(irq=number, name=name, queue=int(match.group(1))))
        else:
            other.append(NicIrq(irq=number, name=name, queue=None))
    return queue, other


def read_nic(fs: HostFS, name: str | None, irqs: dict[int, Irq] | None = None) -> Nic | None:
    """The trading NIC: `name`, else the default-route interface, else the first physical one."""
    candidates = _physical_interfaces(fs)
    if name is None:
        name = default_route_interface(fs)
        if name not in candidates:
            name = candidates[0] if candidates else None
    if name is None or not fs.exists(f"/sys/class/net/{name}"):
        return None
    device = fs.realpath(f"/sys/class/net/{name}/device")
    driver = fs.link_name(f"/sys/class/net/{name}/device/driver")
    numa = fs.read_int(f"/sys/class/net/{name}/device/numa_node", default=-1)
    if numa is None or numa < 0:
        numa = fs.read_int(f"{device.rsplit('/', 1)[0]}/numa_node", default=-1)
    numbers, pci = _msi_irqs(fs, device)
    irqs = irqs if irqs is not None else read_irqs(fs)
    queue, other = _classify(driver, name, irqs, numbers)
    return Nic(
        name=name,
        driver=driver,
        numa_node=numa if numa is not None and numa >= 0 else -1,
        pci_address=pci,
        queue_irqs=sorted(queue, key=lambda q: (q.queue, q.irq)),
        other_irqs=other,
    )


def read_topology(fs: HostFS, nic: str | None = None) -> Topology:
    online = _online_cpus(fs)
    present = parse_cpulist(fs.read("/sys/devices/system/cpu/present", default="") or "") or online
    node_of = _cpu_nodes(fs)
    cpus: dict[int, dict[str, int]] = {}
    groups: dict[tuple[int, ...], None] = {}
    for cpu in online:
        base = f"/sys/devices/system/cpu/cpu{cpu}/topology"
        siblings = parse_cpulist(fs.read(f"{base}/thread_siblings_list", default=str(cpu)) or str(cpu))
        siblings = [s for s in siblings if s in online] or [cpu]
        groups.setdefault(tuple(siblings), None)
        cpus[cpu] = {
            "core": min(siblings),
            "package": fs.read_int(f"{base}/physical_package_id", default=0) or 0,
            "node": node_of.get(cpu, 0),
        }
    node_ids = sorted(set(node_of.values()) | {c["node"] for c in cpus.values()})
    nodes = {}
    for node in node_ids:
        mem = _node_memory_kb(fs, node) if node_of else _total_memory_kb(fs)
        nodes[node] = {"cpus": [c for c in online if cpus[c]["node"] == node], "mem_total_kb": mem}
    cores = sorted((list(g) for g in groups), key=lambda g: g[0])
    smt_text = fs.read("/sys/devices/system/cpu/smt/active")
    smt_active = smt_text == "1" if smt_text is not None else any(len(c) > 1 for c in cores)
    sizes = _hugepage_sizes(fs)
    flags = _cpu_flags(fs)
    nic_info = read_nic(fs, nic)
    if nic_info is not None and nic_info.numa_node not in nodes:
        nic_info.numa_node = node_ids[0] if len(node_ids) == 1 else nic_info.numa_node
    marker = fs.read(FIXTURE_MARKER)
    return Topology(
        online=online,
        offline=[c for c in present if c not in online],
        cpus=cpus,
        cores=cores,
        nodes=nodes,
        smt_active=smt_active,
        hugepage_sizes_kb=sizes,
        supports_1g_pages="pdpe1gb" in flags,
        nic=nic_info,
        instance_type=fs.read("/sys/devices/virtual/dmi/id/product_name"),
        fixture=marker.splitlines()[0] if marker else None,
    )
