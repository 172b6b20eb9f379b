"""/proc/interrupts parsing and IRQ affinities from /proc/irq."""

from __future__ import annotations

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.interrupts import (
    Irq,
    parse_proc_interrupts,
    read_irqs,
)
from tests.unit.helpers import write_file

# A c5n-like guest on an older kernel: IO-APIC rows, PCI-MSI "<hwirq>-edge" rows, named per-CPU rows.
OLD_STYLE = """\
           CPU0       CPU1       CPU2       CPU3
  0:         33          0          0          0   IO-APIC   2-edge      timer
  1:          9          0          0          0   IO-APIC   1-edge      i8042
  4:        590          0        211          0   IO-APIC   4-edge      ttyS0
  8:          0          0          0          0   IO-APIC   8-edge      rtc0
  9:          0          0          0          0   IO-APIC   9-fasteoi   acpi
 11:       1410          0          0      19327   PCI-MSI 65536-edge      nvme0q0
 24:          0          0          0         14   PCI-MSI 81920-edge      ena-mgmnt@pci:0000:00:05.0
 25:      12834          0          0          0   PCI-MSI 81921-edge      eth0-Tx-Rx-0
 26:          0      22105          0          0   PCI-MSI 81922-edge      eth0-Tx-Rx-1
NMI:          0          0          0          0   Non-maskable interrupts
LOC:     891021     702031     650231     598210   Local timer interrupts
SPU:          0          0          0          0   Spurious interrupts
RES:       4455       5123       4021       3900   Rescheduling interrupts
ERR:          0
MIS:          0
"""

# Newer kernels name the MSI-X domain after the device: "PCI-MSIX-0000:00:05.0 1-edge eth0-Tx-Rx-0".
NEW_STYLE = """\
            CPU0       CPU1
  24:          0          7  PCI-MSIX-0000:00:05.0   0-edge      ena-mgmnt@pci:0000:00:05.0
  25:        100          0  PCI-MSIX-0000:00:05.0   1-edge      eth0-Tx-Rx-0
  26:          0        200  PCI-MSIX-0000:00:05.0   2-edge      eth0-Tx-Rx-1
  27:          3          4  IR-PCI-MSI-0000:00:1f.2   0-edge      ahci[0000:00:1f.2]
 NMI:          0          0   Non-maskable interrupts
"""

# Pre-4.x kernels glued chip and trigger together: "IO-APIC-edge", "PCI-MSI-edge".
ANCIENT_STYLE = """\
           CPU0       CPU1
  0:         45          0   IO-APIC-edge      timer
  9:          0          0   IO-APIC-fasteoi   acpi
 48:       1234        567   PCI-MSI-edge      eth0-TxRx-0
 49:          1          0   xen-percpu-virq      timer0
"""


def test_old_style_rows():
    irqs = parse_proc_interrupts(OLD_STYLE)
    assert sorted(irqs) == [0, 1, 4, 8, 9, 11, 24, 25, 26]
    assert irqs[0].actions == "timer"
    assert irqs[9].actions == "acpi"  # IO-APIC fasteoi
    assert irqs[11].actions == "nvme0q0"
    assert irqs[24].actions == "ena-mgmnt@pci:0000:00:05.0"
    assert irqs[25].actions == "eth0-Tx-Rx-0"
    assert irqs[4].counts == {0: 590, 1: 0, 2: 211, 3: 0}
    assert irqs[11].total == 1410 + 19327
    assert irqs[26].counts[1] == 22105


def test_named_per_cpu_rows_are_skipped():
    irqs = parse_proc_interrupts(OLD_STYLE)
    assert all(isinstance(number, int) for number in irqs)
    assert not any("interrupts" in irq.actions for irq in irqs.values())
    assert len(irqs) == 9


def test_new_style_pci_msix_rows():
    irqs = parse_proc_interrupts(NEW_STYLE)
    assert sorted(irqs) == [24, 25, 26, 27]
    assert irqs[24].actions == "ena-mgmnt@pci:0000:00:05.0"
    assert irqs[25].actions == "eth0-Tx-Rx-0"
    assert irqs[26].actions == "eth0-Tx-Rx-1"
    assert irqs[27].actions == "ahci[0000:00:1f.2]"
    assert irqs[26].counts == {0: 0, 1: 200}


def test_ancient_style_rows():
    irqs = parse_proc_interrupts(ANCIENT_STYLE)
    assert irqs[0].actions == "timer"
    assert irqs[9].actions == "acpi"
    assert irqs[48].actions == "eth0-TxRx-0"
    assert irqs[48].counts == {0: 1234, 1: 567}
    assert irqs[49].actions == "timer0"  # no trigger token at all: the last word is the action


def test_header_names_the_cpu_of_each_column():
    # With CPUs 1 and 2 offline the header skips them; counts belong to the CPUs named.
    text = """\
           CPU0       CPU3       CPU4
 25:         10         20         30   PCI-MSI 81921-edge      eth0-Tx-Rx-0
"""
    assert parse_proc_interrupts(text)[25].counts == {0: 10, 3: 20, 4: 30}


def test_rows_with_fewer_count_columns():
    text = """\
           CPU0       CPU1       CPU2       CPU3
  7:          5          6   IO-APIC   7-edge      parport0
 25:         10   PCI-MSI 81921-edge      eth0-Tx-Rx-0
 30:          1          2          3          4   PCI-MSI 81926-edge      eth0-Tx-Rx-5
"""
    irqs = parse_proc_interrupts(text)
    assert irqs[7].counts == {0: 5, 1: 6}
    assert irqs[7].actions == "parport0"
    assert irqs[25].counts == {0: 10}
    assert irqs[25].actions == "eth0-Tx-Rx-0"
    assert irqs[30].total == 10


def test_short_row_with_numeric_hwirq_does_not_take_it_for_a_count():
    # ARM GIC rows print chip, hwirq and trigger as separate words ("GICv3  27 Level"). On a short
    # row the hwirq must not be read as the next CPU's count.
    text = """\
           CPU0       CPU1       CPU2       CPU3
 11:       1000       2000       3000       4000     GICv3  27 Level     arch_timer
 12:          7     GICv3  78 Edge      eth0-Tx-Rx-0
"""
    irqs = parse_proc_interrupts(text)
    assert irqs[11].counts == {0: 1000, 1: 2000, 2: 3000, 3: 4000}
    assert irqs[11].actions == "arch_timer"
    assert irqs[12].counts == {0: 7}
    assert irqs[12].total == 7
    assert irqs[12].actions == "eth0-Tx-Rx-0"


def test_shared_irq_keeps_every_action_name():
    text = """\
           CPU0       CPU1
 16:          1          2   IO-APIC  16-fasteoi   ehci_hcd:usb1, uhci_hcd:usb2
"""
    assert parse_proc_interrupts(text)[16].actions == "ehci_hcd:usb1, uhci_hcd:usb2"


def test_row_without_action():
    text = """\
           CPU0       CPU1
  2:          0          0    XT-PIC  2-edge
"""
    irq = parse_proc_interrupts(text)[2]
    assert irq.actions == ""
    assert irq.counts == {0: 0, 1: 0}


@pytest.mark.parametrize("text", ["", "\n", "           CPU0       CPU1\n"])
def test_empty_tables(text):
    assert parse_proc_interrupts(text) == {}


def _tree(tmp_path, text: str, lists: dict[int, tuple[str | None, str | None]]) -> HostFS:
    root = str(tmp_path)
    write_file(root, "/proc/interrupts", text)
    for number, (affinity, effective) in lists.items():
        if affinity is not None:
            write_file(root, f"/proc/irq/{number}/smp_affinity_list", affinity + "\n")
        if effective is not None:
            write_file(root, f"/proc/irq/{number}/effective_affinity_list", effective + "\n")
    return HostFS(root)


def test_read_irqs_reads_affinity_lists(tmp_path):
    fs = _tree(
        tmp_path,
        OLD_STYLE,
        {
            0: ("0", "0"),
            11: ("0-3", "3"),
            24: ("0-1", None),  # no effective_affinity_list (older kernel)
            25: ("2-3,8", "2"),
            26: ("garbage", "1"),  # unreadable list -> None, not a crash
        },
    )
    irqs = read_irqs(fs)
    assert irqs[0].affinity == [0]
    assert irqs[11].affinity == [0, 1, 2, 3]
    assert irqs[11].effective_affinity == [3]
    assert irqs[24].affinity == [0, 1]
    assert irqs[24].effective_affinity is None
    assert irqs[25].affinity == [2, 3, 8]
    assert irqs[25].effective_affinity == [2]
    assert irqs[26].affinity is None
    assert irqs[26].effective_affinity == [1]
    assert irqs[9].affinity is None  # no /proc/irq/9 directory at all
    assert isinstance(irqs[25], Irq)


def test_read_irqs_without_proc_interrupts(tmp_path):
    assert read_irqs(HostFS(str(tmp_path))) == {}


def test_read_irqs_from_a_generated_c5n_tree(fs):
    irqs = read_irqs(fs("c5n.18xlarge"))
    nic = [irq for irq in irqs.values() if irq.actions.startswith("eth0-Tx-Rx-")]
    assert len(nic) == 32
    assert irqs[24].actions == "ena-mgmnt@pci:0000:00:05.0"
    assert irqs[9].actions == "acpi"
    assert irqs[0].actions == "timer"
    assert sorted(irqs[25].counts) == list(range(72))
    assert irqs[25].affinity == list(range(72))
    assert irqs[25].effective_affinity == [25]
    assert irqs[11].actions == "nvme0q0"


def test_read_irqs_offline_cpus_have_no_column(fs):
    irqs = read_irqs(fs("c5n.9xlarge-offline"))
    assert sorted(irqs[25].counts) == [c for c in range(36) if c not in (17, 35)]
