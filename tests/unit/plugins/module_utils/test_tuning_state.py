"""plugins/module_utils/tuning_state.py: the host's tuning state read back from fixture trees.

Tool output comes from a fake runner; /etc files are written under tmp_path and passed in (read_state
is given tmp_path versions of its two /etc readers, so this machine's /etc is never read).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.topology import read_topology
from ansible_collections.lowlat.trading.plugins.module_utils.tuning_state import (
    NOT_AVAILABLE,
    SYSCTL_KEYS,
    read_cpu_power,
    read_hugepages,
    read_irq_state,
    read_irqbalance_config,
    read_nic_state,
    read_service_state,
    read_state,
    read_sysctls,
    read_systemd_affinity,
    read_time_state,
)
from tests.unit.helpers import write_file

ETHTOOL_L = """Channel parameters for eth0:
Pre-set maximums:
RX:             n/a
TX:             n/a
Combined:       32
Current hardware settings:
RX:             n/a
TX:             n/a
Combined:       8
"""
ETHTOOL_C = "Coalesce parameters for eth0:\nAdaptive RX: off  TX: off\nrx-usecs: 0\ntx-usecs: 64\n"
ETHTOOL_G = """Ring parameters for eth0:
Pre-set maximums:
RX:             16384
TX:             1024
Current hardware settings:
RX:             1024
TX:             1024
"""
ETHTOOL_S = """NIC statistics:
     tx_timeout: 0
     bw_in_allowance_exceeded: 3
     bw_out_allowance_exceeded: 0
     pps_allowance_exceeded: 12
     conntrack_allowance_exceeded: 0
"""
CHRONY = """Reference ID    : A9FEA97B (169.254.169.123)
Stratum         : 4
System time     : 0.000012345 seconds slow of NTP time
Leap status     : Normal
"""


class Runner:
    """Answers argv tuples from a table; anything else is rc 127 (tool not installed)."""

    def __init__(self, answers: dict[tuple[str, ...], tuple[int, str, str] | Exception]):
        self.answers = answers
        self.calls: list[list[str]] = []

    def __call__(self, argv: list[str]) -> tuple[int, str, str]:
        self.calls.append(argv)
        answer = self.answers.get(tuple(argv), (127, "", f"{argv[0]} not installed"))
        if isinstance(answer, Exception):
            raise answer
        return answer


def ethtool_runner() -> Runner:
    return Runner(
        {
            ("ethtool", "-l", "eth0"): (0, ETHTOOL_L, ""),
            ("ethtool", "-c", "eth0"): (0, ETHTOOL_C, ""),
            ("ethtool", "-g", "eth0"): (0, ETHTOOL_G, ""),
            ("ethtool", "-S", "eth0"): (0, ETHTOOL_S, ""),
        }
    )


# --- sysctls, hugepages, power, IRQs ------------------------------------------------------------


def test_read_sysctls_maps_dotted_names_to_proc_sys(fs):
    values = read_sysctls(fs("c5n.9xlarge"))
    assert list(values) == list(SYSCTL_KEYS)
    assert values["kernel.numa_balancing"] == "1"
    assert values["vm.swappiness"] == "60"
    assert values["kernel.watchdog_cpumask"] == "0-35"


def test_read_sysctls_missing_key_is_none(fs):
    assert read_sysctls(fs("c5n.large"), keys=("vm.no_such_knob",)) == {"vm.no_such_knob": None}


def test_read_hugepages_per_node_and_total(fresh_root):
    root = fresh_root("c5n.18xlarge")
    write_file(root, "/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages", "512\n")
    write_file(root, "/sys/devices/system/node/node1/hugepages/hugepages-2048kB/free_hugepages", "500\n")
    write_file(root, "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "512\n")
    fs = HostFS(root)
    pages = read_hugepages(fs, read_topology(fs))
    assert set(pages["per_node"]) == {"0", "1"}
    assert pages["per_node"]["0"] == {"2048": {"nr": 0, "free": 0}, "1048576": {"nr": 0, "free": 0}}
    assert pages["per_node"]["1"]["2048"] == {"nr": 512, "free": 500}
    assert pages["total"]["2048"] == {"nr": 512, "free": 0}


def test_read_hugepages_skips_sizes_a_node_lacks(fresh_root):
    root = fresh_root("c5n.xlarge")
    shutil.rmtree(f"{root}/sys/devices/system/node/node0/hugepages/hugepages-1048576kB")
    fs = HostFS(root)
    pages = read_hugepages(fs, read_topology(fs))
    assert set(pages["per_node"]["0"]) == {"2048"}
    assert set(pages["total"]) == {"2048", "1048576"}


def test_read_cpu_power_on_a_virtualised_size(fs, topology):
    power = read_cpu_power(fs("c5n.9xlarge"), topology("c5n.9xlarge"))
    assert power["governor"] == NOT_AVAILABLE
    assert power["cpuidle_states"] == NOT_AVAILABLE
    assert power["cpufreq_driver"] is None
    assert power["cpuidle_driver"] == "none"


def test_read_cpu_power_on_metal(fresh_root):
    root = fresh_root("c5n.metal")
    write_file(root, "/sys/devices/system/cpu/cpu3/cpufreq/scaling_governor", "performance\n")
    write_file(root, "/sys/devices/system/cpu/cpu0/cpuidle/state3/disable", "1\n")
    fs = HostFS(root)
    power = read_cpu_power(fs, read_topology(fs))
    assert power["governor"] == {"powersave": "0-2,4-71", "performance": "3"}
    assert power["cpufreq_driver"] == "intel_pstate"
    assert power["cpuidle_driver"] == "intel_idle"
    assert power["cpuidle_states"][3] == {
        "state": "state3",
        "name": "C6",
        "latency_us": 133,
        "disabled": True,
    }
    assert [s["disabled"] for s in power["cpuidle_states"][:3]] == [False, False, False]


def test_read_irq_state(fs):
    state = read_irq_state(fs("c5n.9xlarge"))
    assert state["default_affinity"] == "0-35"
    assert state["irqs"]["25"]["name"] == "eth0-Tx-Rx-0"
    assert set(state["irqs"]["25"]) == {"name", "affinity", "effective", "count"}


def test_read_irq_state_keeps_an_unparsable_default_mask(fresh_root):
    root = fresh_root("c5n.large")
    write_file(root, "/proc/irq/default_smp_affinity", "zz\n")
    assert read_irq_state(HostFS(root))["default_affinity"] == "zz"


def test_read_irq_state_without_default_mask(fresh_root):
    root = fresh_root("c5n.large")
    os.remove(f"{root}/proc/irq/default_smp_affinity")
    assert read_irq_state(HostFS(root))["default_affinity"] is None


# --- NIC ----------------------------------------------------------------------------------------


def test_read_nic_state_without_runner(fs, topology):
    state = read_nic_state(fs("c5n.9xlarge"), topology("c5n.9xlarge"), None)
    assert state["name"] == "eth0" and state["driver"] == "ena"
    assert state["rx_queues"] == state["tx_queues"] == 32
    assert len(state["queue_irqs"]) == 32
    assert state["ethtool"] == {}
    assert state["allowance_exceeded"] is None


def test_read_nic_state_parses_ethtool(fs, topology):
    runner = ethtool_runner()
    state = read_nic_state(fs("c5n.9xlarge"), topology("c5n.9xlarge"), runner)
    assert state["ethtool"]["channels"] == {"RX": "n/a", "TX": "n/a", "Combined": "8"}
    assert state["ethtool"]["coalesce"]["rx-usecs"] == "0"
    assert state["ethtool"]["coalesce"]["tx-usecs"] == "64"
    assert state["ethtool"]["rings"] == {"RX": "1024", "TX": "1024"}
    assert state["allowance_exceeded"] == {
        "bw_in_allowance_exceeded": 3,
        "bw_out_allowance_exceeded": 0,
        "pps_allowance_exceeded": 12,
        "conntrack_allowance_exceeded": 0,
    }


def test_read_nic_state_tool_failures_are_absent_values(fs, topology):
    runner = Runner(
        {
            ("ethtool", "-l", "eth0"): OSError("exec failed"),
            ("ethtool", "-c", "eth0"): (94, "", "Operation not supported"),
            ("ethtool", "-S", "eth0"): (0, "NIC statistics:\n     tx_timeout: 0\n", ""),
        }
    )
    state = read_nic_state(fs("c5n.9xlarge"), topology("c5n.9xlarge"), runner)
    assert state["ethtool"] == {}
    assert state["allowance_exceeded"] is None


def test_read_nic_state_reads_no_ena_counters_from_other_drivers(fresh_root):
    root = fresh_root("c5n.large")
    link = f"{root}/sys/devices/pci0000:00/0000:00:05.0/driver"
    os.remove(link)
    os.makedirs(f"{root}/sys/bus/pci/drivers/ixgbevf")
    os.symlink("../../../bus/pci/drivers/ixgbevf", link)
    fs = HostFS(root)
    topo = read_topology(fs)
    assert topo.nic.driver == "ixgbevf"
    runner = ethtool_runner()
    state = read_nic_state(fs, topo, runner)
    assert state["allowance_exceeded"] is None
    assert ["ethtool", "-S", "eth0"] not in runner.calls


def test_read_nic_state_without_a_nic(fs):
    fs_ = fs("c5n.large")
    assert read_nic_state(fs_, read_topology(fs_, nic="nosuchnic"), ethtool_runner()) is None


# --- services, /etc, time -----------------------------------------------------------------------


def test_read_service_state():
    runner = Runner(
        {
            ("systemctl", "is-active", "irqbalance"): (0, "active\n", ""),
            ("systemctl", "is-enabled", "irqbalance"): (0, "enabled\n", ""),
            # systemctl answers a stopped or disabled unit with a non-zero status: still its state.
            ("systemctl", "is-active", "stopped"): (3, "inactive\n", ""),
            ("systemctl", "is-enabled", "stopped"): (1, "disabled\n", ""),
            ("systemctl", "is-active", "blank"): (0, "\n", ""),
        }
    )
    assert read_service_state(runner, "irqbalance") == {"active": "active", "enabled": "enabled"}
    assert read_service_state(runner, "stopped") == {"active": "inactive", "enabled": "disabled"}
    assert read_service_state(runner, "blank") == {"active": "unknown", "enabled": "unknown"}
    assert read_service_state(None, "irqbalance") == {"active": "unknown", "enabled": "unknown"}


def _etc(root: Path, relative: str, text: str) -> None:
    path = root / relative.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_read_irqbalance_config(tmp_path):
    _etc(
        tmp_path,
        "/etc/default/irqbalance",
        '# comment=ignored\nIRQBALANCE_BANNED_CPULIST="2-17"\n  IRQBALANCE_ONESHOT = 1 \n\nnot a pair\n',
    )
    assert read_irqbalance_config(HostFS(str(tmp_path))) == {
        "IRQBALANCE_BANNED_CPULIST": "2-17",
        "IRQBALANCE_ONESHOT": "1",
    }
    assert read_irqbalance_config(HostFS(str(tmp_path / "missing"))) == {}


def test_read_systemd_affinity_last_file_wins(tmp_path):
    confd = "/etc/systemd/system.conf.d"
    _etc(tmp_path, f"{confd}/10-a.conf", "[Manager]\nCPUAffinity=0-3\n")
    _etc(tmp_path, f"{confd}/90-lowlat.conf", "[Manager]\n  CPUAffinity= 0-1,18-19 \n")
    _etc(tmp_path, f"{confd}/95-other.conf", "[Manager]\nDefaultTimeoutStopSec=10s\n")
    _etc(tmp_path, f"{confd}/99-ignored.txt", "CPUAffinity=7\n")
    assert read_systemd_affinity(HostFS(str(tmp_path))) == "0-1,18-19"


def test_read_systemd_affinity_none(tmp_path):
    _etc(tmp_path, "/etc/systemd/system.conf.d/10-a.conf", "[Manager]\n")
    assert read_systemd_affinity(HostFS(str(tmp_path))) is None
    assert read_systemd_affinity(HostFS(str(tmp_path / "missing"))) is None


@pytest.mark.parametrize(
    ("system_time", "offset"),
    [
        ("0.000012345 seconds slow of NTP time", -0.000012345),
        ("1.5 seconds fast of NTP time", 1.5),
        ("garbled", None),
    ],
)
def test_read_time_state(system_time, offset):
    out = CHRONY.replace("0.000012345 seconds slow of NTP time", system_time)
    runner = Runner({("chronyc", "-n", "tracking"): (0, out, "")})
    assert read_time_state(runner) == {
        "source": "A9FEA97B (169.254.169.123)",
        "stratum": "4",
        "offset_seconds": offset,
        "leap_status": "Normal",
    }


def test_read_time_state_without_chrony():
    empty = {"source": None, "stratum": None, "offset_seconds": None, "leap_status": None}
    assert read_time_state(None) == empty
    assert read_time_state(Runner({})) == empty


# --- read_state ---------------------------------------------------------------------------------


@pytest.fixture
def tuned_etc_root(fresh_root):
    """A private copy of the c5n.18xlarge tree with /etc files of irqbalance and systemd in it:
    read_state reads them under the root, never this machine's /etc."""
    root = Path(fresh_root("c5n.18xlarge"))
    _etc(root, "/etc/default/irqbalance", 'IRQBALANCE_BANNED_CPULIST="2-17"\n')
    _etc(root, "/etc/systemd/system.conf.d/lowlat.conf", "[Manager]\nCPUAffinity=0-1\n")
    return HostFS(str(root))


def test_read_state_of_an_untuned_fixture(tuned_etc_root, topology):
    state = read_state(tuned_etc_root, topology("c5n.18xlarge"))
    assert state["fixture"] == "c5n.18xlarge"
    assert state["isolated"] == "" and state["nohz_full"] == ""
    assert state["smt_active"] is True
    assert state["thp"] == {"enabled": "madvise", "defrag": "madvise"}
    assert state["clocksource"]["current"] in state["clocksource"]["available"]
    assert state["sysctl"]["kernel.numa_balancing"] == "1"
    assert state["nic"]["name"] == "eth0"
    assert state["irqbalance"] == {
        "active": "unknown",
        "enabled": "unknown",
        "config": {"IRQBALANCE_BANNED_CPULIST": "2-17"},
    }
    assert state["systemd_cpu_affinity"] == "0-1"
    assert state["time"]["offset_seconds"] is None


def test_read_state_of_a_tuned_cmdline(fresh_root):
    root = fresh_root("c5n.9xlarge")
    write_file(
        root, "/proc/cmdline", 'BOOT_IMAGE=/vmlinuz isolcpus=managed_irq,domain,2-17 nosoftlockup x="a b"\n'
    )
    write_file(root, "/sys/devices/system/cpu/isolated", "2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\n")
    write_file(root, "/sys/devices/system/cpu/nohz_full", "2-17\n")
    write_file(root, "/sys/kernel/mm/transparent_hugepage/enabled", "always madvise [never]\n")
    fs = HostFS(root)
    runner = Runner(
        {
            ("systemctl", "is-active", "irqbalance"): (0, "active\n", ""),
            ("systemctl", "is-enabled", "irqbalance"): (0, "enabled\n", ""),
            ("chronyc", "-n", "tracking"): (0, CHRONY, ""),
        }
    )
    state = read_state(fs, read_topology(fs), runner)
    assert state["cmdline_args"] == {
        "BOOT_IMAGE": "/vmlinuz",
        "isolcpus": "managed_irq,domain,2-17",
        "nosoftlockup": None,
        "x": "a b",
    }
    assert state["isolated"] == "2-17"
    assert state["nohz_full"] == "2-17"
    assert state["thp"]["enabled"] == "never"
    assert state["irqbalance"]["active"] == "active"
    assert state["time"]["offset_seconds"] == -0.000012345


def test_read_state_keeps_unparsable_cpulists_and_missing_cmdline(fresh_root):
    root = fresh_root("c5n.large")
    write_file(root, "/sys/devices/system/cpu/isolated", "garbage\n")
    os.remove(f"{root}/proc/cmdline")
    os.remove(f"{root}/sys/devices/system/cpu/nohz_full")
    fs = HostFS(root)
    state = read_state(fs, read_topology(fs))
    assert state["isolated"] == "garbage"
    assert state["nohz_full"] is None
    assert state["cmdline"] == "" and state["cmdline_args"] == {}
