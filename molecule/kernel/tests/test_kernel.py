"""Testinfra checks of the kernel scenario: the tuning took effect on a real kernel, after the reboot.

Every expectation comes from the plan and the roles' manifests the converge recorded on the VM
(/etc/lowlat/plan.json, /etc/lowlat/expected/*.json), read back here independently of the audit.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).resolve().parents[3]))
VM_NAME = "kernel"  # create.yml's vm.py name
# The image's own arguments (tools/vm/guest/etc/default/grub and update-grub).
BASE_ARGS = {"BOOT_IMAGE", "root", "ro", "console", "mitigations"}


def cpus(text: str) -> set[int]:
    """A kernel cpulist ("0-1,4,6-7") as a set."""
    out: set[int] = set()
    for part in text.strip().split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        out.update(range(int(low), int(high or low) + 1))
    return out


@pytest.fixture(scope="module")
def plan(host):
    return json.loads(host.file("/etc/lowlat/plan.json").content_string)


@pytest.fixture(scope="module")
def manifests(host):
    names = host.check_output("ls /etc/lowlat/expected").split()
    return {
        Path(name).stem: json.loads(host.file(f"/etc/lowlat/expected/{name}").content_string)
        for name in names
    }


def checks(manifests, role, kind):
    return [check for check in manifests[role]["checks"] if check["kind"] == kind]


def cmdline(host) -> list[str]:
    return host.file("/proc/cmdline").content_string.split()


def test_plan_is_the_two_node_shape(plan):
    assert plan["topology"]["fixture"] is None
    assert plan["topology"]["nodes"] == 2
    assert plan["nr_cpus"] == 8
    assert plan["nic"]["name"] == "enp0s5"
    assert plan["nic"]["queues"] == 4
    assert len(plan["nic"]["queue_irqs"]) == 8
    assert (plan["housekeeping"], plan["irq"], plan["isolated"], plan["engine"]) == (
        "0-1",
        "4-5",
        "2-3,6-7",
        "6-7",
    )


def test_every_role_applied_runtime_changes(manifests):
    for role in ("kernel", "hugepages", "irq_affinity"):
        assert manifests[role]["runtime_applied"] is True, (role, manifests[role].get("runtime_reason"))


def test_cmdline_carries_exactly_the_planned_arguments(host, manifests):
    planned = {}
    for check in checks(manifests, "kernel", "cmdline"):
        planned[check["key"]] = check["expected"]
    args = cmdline(host)
    seen = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        assert key not in seen, f"{key} given twice: {args}"
        seen[key] = value if sep else None
    extra = set(seen) - set(planned) - BASE_ARGS
    assert not extra, f"arguments nobody planned: {sorted(extra)}"
    for key, expected in planned.items():
        assert key in seen, f"{key} missing from {args}"
        assert seen[key] == (None if expected is None else str(expected)), key


def test_cmdline_follows_the_plan(host, plan):
    seen = dict(arg.partition("=")[::2] for arg in cmdline(host))
    isolated = cpus(plan["isolated"])
    assert seen["isolcpus"].startswith("managed_irq,domain,")
    assert cpus(seen["isolcpus"].removeprefix("managed_irq,domain,")) == isolated
    assert cpus(seen["nohz_full"]) == isolated
    assert cpus(seen["rcu_nocbs"]) == isolated
    assert cpus(seen["irqaffinity"]) == cpus(plan["housekeeping"])


def test_isolated_and_nohz_full_cpus_match_the_plan(host, plan):
    isolated = cpus(plan["isolated"])
    assert cpus(host.file("/sys/devices/system/cpu/isolated").content_string) == isolated
    assert cpus(host.file("/sys/devices/system/cpu/nohz_full").content_string) == isolated


def _effective(host, irq: int) -> set[int]:
    return cpus(host.file(f"/proc/irq/{irq}/effective_affinity_list").content_string)


def _requested(host, irq: int) -> set[int]:
    return cpus(host.file(f"/proc/irq/{irq}/smp_affinity_list").content_string)


def _counts(host, irqs) -> dict[int, int]:
    table = host.file("/proc/interrupts").content_string
    rows = {int(m[0]): m[1] for m in re.findall(r"^\s*(\d+):((?:\s+\d+)+)", table, re.MULTILINE)}
    return {irq: sum(int(n) for n in rows[irq].split()) for irq in irqs}


# Raw frames out of the trading NIC from every CPU in turn: XPS maps each CPU to a TX queue, so
# every output queue completes transmissions and its IRQ fires.
TX_EVERY_QUEUE = """
import os, socket
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sock.bind(("enp0s5", 0))
frame = bytes.fromhex("02000000fe01" "5254004c4c05" "88b5") + b"lowlat" * 10
for cpu in range(os.cpu_count()):
    os.sched_setaffinity(0, {cpu})
    for _ in range(64):
        sock.send(frame)
"""


def _fire_every_queue(host) -> None:
    """UDP flows in from the VM's namespace (RX, spread over the queues by hash) and frames out
    from every CPU (TX): every queue IRQ fires at least once."""
    subprocess.run(
        [sys.executable, str(REPO / "tools/vm/vm.py"), "nic-traffic", "--name", VM_NAME],
        check=True,
        timeout=60,
    )
    host.run_test("python3 -c %s", TX_EVERY_QUEUE)


# On x86 without interrupt remapping an MSI moves when it next fires, and a move still in
# progress (virtio_net spreading its queues at probe) makes the next one wait for one more
# interrupt. A burst gives each queue as few as one interrupt (NAPI polls the rest), so a
# live NIC's steady traffic is stood in for by a few bursts, until every queue has settled.
TRAFFIC_ROUNDS = 5


def test_nic_queue_irqs_are_on_the_irq_cpus(host, plan):
    irq_cpus = cpus(plan["irq"])
    queue_irqs = [int(n) for n in plan["nic"]["queue_irqs"]]
    assert len(queue_irqs) == 8
    # What the boot-time unit asked for.
    for irq in queue_irqs:
        assert _requested(host, irq) <= irq_cpus, f"IRQ {irq} requested on {_requested(host, irq)}"
    # The trading NIC is idle here (its tap leads nowhere): make every queue fire.
    before = _counts(host, queue_irqs)
    for _ in range(TRAFFIC_ROUNDS):
        _fire_every_queue(host)
        placed = {irq: _effective(host, irq) for irq in queue_irqs}
        if all(effective and effective <= irq_cpus for effective in placed.values()):
            break
    after = _counts(host, queue_irqs)
    silent = [irq for irq in queue_irqs if after[irq] == before[irq]]
    assert not silent, f"queue IRQs that did not fire: {silent}"
    table = host.file("/proc/interrupts").content_string
    names = dict(re.findall(r"^\s*(\d+):.*\s(virtio\d+-(?:input|output)\.\d+)\s*$", table, re.MULTILINE))
    for irq, effective in placed.items():
        fired = after[irq] - before[irq]
        assert effective and effective <= irq_cpus, (
            f"IRQ {irq} ({names.get(str(irq))}) on {effective} after firing {fired} times"
        )
    # spread: queue pairs use both IRQ CPUs, not one
    assert set().union(*placed.values()) == irq_cpus


def test_other_movable_irqs_are_on_housekeeping(host, plan, manifests):
    housekeeping = cpus(plan["housekeeping"])
    (others,) = [c for c in checks(manifests, "irq_affinity", "irq_affinity") if c.get("match")]
    refused = set(others.get("ignore_irqs", []))
    nic = set(plan["nic"]["queue_irqs"])
    table = host.file("/proc/interrupts").content_string
    numbered = [int(n) for n in re.findall(r"^\s*(\d+):", table, re.MULTILINE)]
    moved = [irq for irq in numbered if irq not in nic and irq not in refused]
    assert moved, "no movable IRQ found"
    wrong = {irq: _effective(host, irq) for irq in moved if not _effective(host, irq) <= housekeeping}
    assert not wrong, f"IRQs outside housekeeping {plan['housekeeping']}: {wrong}"


def test_hugepages_granted_per_node(host, plan):
    assert plan["hugepages"], "the scenario plans hugepages"
    for entry in plan["hugepages"]:
        path = (
            f"/sys/devices/system/node/node{entry['node']}/hugepages/"
            f"hugepages-{entry['size_kb']}kB/nr_hugepages"
        )
        assert int(host.file(path).content_string) == entry["count"], path


def test_hugetlbfs_is_mounted(host):
    mount = host.mount_point("/mnt/lowlat-hugepages")
    assert mount.exists
    assert mount.filesystem == "hugetlbfs"


def test_sysctls_read_back(host, manifests):
    sysctls = checks(manifests, "kernel", "sysctl")
    assert len(sysctls) >= 10
    for check in sysctls:
        path = "/proc/sys/" + check["key"].replace(".", "/")
        actual = " ".join(host.file(path).content_string.split())
        if check["key"] == "kernel.watchdog_cpumask":
            assert cpus(actual) == cpus(str(check["expected"]))
        else:
            assert actual == str(check["expected"]), check["key"]


def test_transparent_hugepages_as_set(host):
    for name in ("enabled", "defrag"):
        text = host.file(f"/sys/kernel/mm/transparent_hugepage/{name}").content_string
        assert re.search(r"\[never\]", text), (name, text)


def test_irqbalance_is_stopped_and_masked(host):
    irqbalance = host.service("irqbalance")
    assert not irqbalance.is_running
    assert irqbalance.is_masked


def test_boot_time_irq_unit_repinned_after_the_reboot(host):
    # No recheck timer in this scenario (molecule.yml), so only the boot-time unit can have
    # pinned the NIC queues in this boot (virtio_net itself spreads them over all CPUs).
    unit = "lowlat-irq-affinity.service"
    assert host.service(unit.removesuffix(".service")).is_enabled
    show = dict(
        line.split("=", 1)
        for line in host.check_output(
            f"systemctl show {unit} -p Result,ExecMainStatus,ExecMainStartTimestampMonotonic"
        ).splitlines()
    )
    assert show["Result"] == "success"
    assert show["ExecMainStatus"] == "0"
    assert int(show["ExecMainStartTimestampMonotonic"]) > 0, "did not run in this boot"
    assert host.file("/run/lowlat/reboot-required").exists is False
    log = host.check_output(f"journalctl -b --no-pager -o cat -u {unit}")
    assert "lowlat" in log.lower() or "Finished" in log


def test_audit_found_no_drift():
    report = json.loads((REPO / ".cache/audit/kernel/lowlat-kernel.json").read_text())
    assert report["summary"]["drift"] == 0, [r for r in report["rows"] if r["status"] == "drift"]
    assert report["fixture"] in (None, "")


def test_latency_probe_ran_before_and_after():
    for label in ("before", "after"):
        result = json.loads((REPO / f".cache/latency/kernel/lowlat-kernel-{label}.json").read_text())
        assert [run["cpu_role"] for run in result["runs"]] == ["engine", "housekeeping"]
        for run in result["runs"]:
            assert run["stats"]["samples"] == result["cyclictest"]["loops"]
            assert run["stats"]["max_us"] >= run["stats"]["min_us"]
    after = json.loads((REPO / ".cache/latency/kernel/lowlat-kernel-after.json").read_text())
    assert "isolcpus=" in after["kernel_cmdline"]
