import errno
from pathlib import Path

from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS, HostFSError
from ansible_collections.lowlat.trading.plugins.modules import irq_affinity

QUEUE_IRQS = range(25, 57)  # eth0-Tx-Rx-0..31 in the generated fixtures


def affinity(root: str, irq: int) -> str:
    return Path(root, f"proc/irq/{irq}/smp_affinity_list").read_text().strip()


def test_spread_nic_queues_then_idempotent(run_module, shape_root):
    root = shape_root("c5n.18xlarge")
    args = {"root": root, "device": "eth0", "cpus": "1,37", "mode": "spread"}
    first = run_module(irq_affinity, args)
    assert first["changed"] is True
    assert first["changed_irqs"] == list(QUEUE_IRQS)
    for k, irq in enumerate(QUEUE_IRQS):
        assert affinity(root, irq) == ("1" if k % 2 == 0 else "37")
    assert affinity(root, 24) == "0-71", "the management vector is not a queue"
    second = run_module(irq_affinity, args)
    assert second["changed"] is False
    assert second["changed_irqs"] == []
    assert all(entry["before"] == entry["after"] for entry in second["irqs"])


def test_check_mode_reports_without_writing(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    result = run_module(
        irq_affinity, {"root": root, "device": "eth0", "cpus": "1,19"}, check_mode=True, diff=True
    )
    assert result["changed"] is True
    assert affinity(root, 25) == "0-35"
    assert "25 eth0-Tx-Rx-0: 0-35" in result["diff"]["before"]
    assert "25 eth0-Tx-Rx-0: 1,19" in result["diff"]["after"]


def test_everything_else_to_housekeeping_with_default_affinity(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    result = run_module(
        irq_affinity,
        {"root": root, "all": True, "exclude_device": "eth0", "cpus": "0,18", "default_affinity": True},
    )
    moved = set(result["changed_irqs"])
    assert {0, 1, 4, 8, 9, 11, 12} == moved
    assert not moved & set(QUEUE_IRQS) and 24 not in moved
    assert Path(root, "proc/irq/default_smp_affinity").read_text().strip() == "0,00040001"
    assert result["default_affinity"] == {"before": "0-35", "after": "0,18", "changed": True}
    again = run_module(
        irq_affinity,
        {"root": root, "all": True, "exclude_device": "eth0", "cpus": "0,18", "default_affinity": True},
    )
    assert again["changed"] is False


def test_match_patterns(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    result = run_module(irq_affinity, {"root": root, "match": ["^nvme"], "cpus": "0"})
    assert result["changed_irqs"] == [11, 12]


def _refuse_irq_zero(monkeypatch):
    real_write = HostFS.write

    def write(self, path, value):
        if path == "/proc/irq/0/smp_affinity_list":
            raise HostFSError(path, OSError(errno.EIO, "Input/output error"))
        return real_write(self, path, value)

    monkeypatch.setattr(HostFS, "write", write)


def test_refused_irq_is_reported_not_fatal(run_module, shape_root, monkeypatch):
    _refuse_irq_zero(monkeypatch)
    root = shape_root("c5n.9xlarge")
    result = run_module(irq_affinity, {"root": root, "irqs": [0, 1], "cpus": "0"})
    assert not result.failed
    assert result["refused_irqs"] == [0]
    assert result["changed_irqs"] == [1]
    refused = next(e for e in result["irqs"] if e["irq"] == 0)
    assert refused["error"].startswith("kernel refused (EIO)")
    assert refused["after"] == refused["before"] == "0-35"


def test_refused_irq_fails_when_strict(run_module, shape_root, monkeypatch):
    _refuse_irq_zero(monkeypatch)
    result = run_module(
        irq_affinity, {"root": shape_root("c5n.9xlarge"), "irqs": [0], "cpus": "0", "strict": True}
    )
    assert result.failed
    assert result["msg"].startswith("the kernel refused to move IRQ(s) 0 (timer: kernel refused (EIO)")


def test_bad_input_fails_before_any_write(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    bad_list = run_module(irq_affinity, {"root": root, "device": "eth0", "cpus": "1-x"})
    assert bad_list.failed and bad_list["msg"].startswith("cpus: bad CPU list token '1-x'")
    offline = run_module(irq_affinity, {"root": root, "device": "eth0", "cpus": "40"})
    assert offline["msg"] == "CPU(s) 40 are not online (online: 0-35)"
    missing = run_module(irq_affinity, {"root": root, "device": "eth7", "cpus": "1"})
    assert missing["msg"] == "network interface eth7 not found under /sys/class/net"
    assert affinity(root, 25) == "0-35"
