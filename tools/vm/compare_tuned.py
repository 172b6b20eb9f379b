#!/usr/bin/env python3
"""Side by side: lowlat's tuning versus TuneD's cpu-partitioning profile, on the same VM image.

    tools/vm/compare_tuned.py --lowlat-vm kernel [--output docs/tuned-comparison.md]

Needs a running VM tuned by lowlat (e.g. after `molecule converge -s kernel`). The script:

1. copies /etc/lowlat (the plan and the roles' audit manifests) out of that VM;
2. boots a second VM ("tuned") from the same base image and layout, sets
   isolated_cores=<the plan's isolated CPUs> in /etc/tuned/cpu-partitioning-variables.conf,
   starts tuned with `tuned-adm profile cpu-partitioning` and reboots it (TuneD's boot
   arguments go through GRUB, like lowlat's);
3. installs the same /etc/lowlat in the tuned VM and runs lowlat.trading.audit on both VMs,
   plus read-only probes of the knobs TuneD sets that lowlat's audit does not cover;
4. writes a Markdown table: one row per knob, the outcome on each VM (ok / drift / n/a).

The tuned VM is always stopped and discarded at the end (--keep leaves it running). Not part
of CI: it boots and reboots a second TCG VM (about 5 to 8 minutes on a 2-core machine).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
VM_PY = HERE / "vm.py"
VM_DIR = Path(os.environ.get("LOWLAT_VM_DIR", REPO_ROOT / ".cache" / "vm"))
VENV_BIN = Path(sys.executable).parent

# Knobs TuneD's cpu-partitioning (with network-latency and latency-performance under it) sets
# that lowlat's audit manifests do not list, read on both VMs: (knob, command, what TuneD sets,
# why lowlat differs).
EXTRA_PROBES = [
    (
        "net.ipv4.tcp_fastopen",
        "cat /proc/sys/net/ipv4/tcp_fastopen",
        "3",
        "not set by lowlat: saves a round trip on new TCP connections only; exchange and FIX sessions "
        "are long-lived, and TFO needs the peer's support",
    ),
    (
        "machinecheck ignore_ce",
        "cat /sys/devices/system/machinecheck/machinecheck0/ignore_ce 2>/dev/null || echo absent",
        "1",
        "not set by lowlat: it stops the corrected-error poll timer (every 5 min per CPU) but also "
        "hides corrected hardware errors, and the machinecheck sysfs is absent in guests (here too)",
    ),
    (
        "PM QoS /dev/cpu_dma_latency held open",
        'for f in /proc/[0-9]*/fd/*; do [ "$(readlink $f)" = /dev/cpu_dma_latency ] && echo held && exit; '
        "done; echo not held",
        "held by tuned",
        "lowlat caps C-states with boot arguments and cpuidle state disables instead of a held fd "
        "(no daemon to keep running)",
    ),
    (
        "intel_pstate=disable",
        "grep -o 'intel_pstate=[a-z]*' /proc/cmdline || echo absent",
        "intel_pstate=disable",
        "not set by lowlat: c5n guests have no P-state control (no cpufreq driver in this VM either)",
    ),
    (
        "tuned.non_isolcpus (initrd workqueue mask)",
        "grep -o 'tuned.non_isolcpus=[0-9a-f,]*' /proc/cmdline || echo absent",
        "tuned.non_isolcpus=<mask>",
        "lowlat sets the workqueue masks from lowlat-workqueue.service early in boot instead of an "
        "initrd hook",
    ),
    (
        "KSM off",
        "cat /sys/kernel/mm/ksm/run",
        "0",
        "lowlat masks ksm/ksmtuned units; the kernel default is already 0",
    ),
]


def log(message: str) -> None:
    print(f"compare-tuned: {message}", file=sys.stderr, flush=True)


def vm(*args: str, check: bool = True, capture: bool = False, stdin: bytes | None = None):
    return subprocess.run(
        [sys.executable, str(VM_PY), *args],
        check=check,
        input=stdin,
        stdout=subprocess.PIPE if capture else None,
    )


def ssh(name: str, command: str, stdin: bytes | None = None) -> bytes:
    return vm("ssh", "--name", name, "--", command, capture=True, stdin=stdin).stdout


def vm_port(name: str) -> int:
    return int(json.loads((VM_DIR / "run" / name / "vm.json").read_text())["ssh_port"])


def set_up_tuned(name: str, isolated: str) -> None:
    log(f"{name}: cpu-partitioning with isolated_cores={isolated}")
    ssh(name, f"printf 'isolated_cores={isolated}\\n' > /etc/tuned/cpu-partitioning-variables.conf")
    ssh(name, "systemctl enable --now tuned && tuned-adm profile cpu-partitioning && tuned-adm active")
    started = time.monotonic()
    vm("reboot", "--name", name, "--timeout", "900")
    log(
        f"{name}: rebooted in {time.monotonic() - started:.0f} s: {ssh(name, 'cat /proc/cmdline').decode().strip()}"
    )


AUDIT_PLAY = """\
- hosts: all
  gather_facts: false
  tasks:
    - name: Audit against lowlat's manifests
      lowlat.trading.audit:
        root: /
        dir: /etc/lowlat
        host: "{{ inventory_hostname }}"
      register: audit
    - name: Keep the rows
      ansible.builtin.copy:
        dest: "{{ out_dir }}/{{ inventory_hostname }}.json"
        content: "{{ audit.rows | to_json }}"
        mode: "0644"
      delegate_to: localhost
"""


def run_audit(names: dict[str, str], workdir: Path) -> dict[str, list[dict]]:
    """lowlat.trading.audit on each VM (label -> VM name); rows per label."""
    key = VM_DIR / "id_ed25519"
    common = (
        f"-o UserKnownHostsFile={VM_DIR / 'known_hosts'} -o HostKeyAlias=lowlat-vm "
        "-o StrictHostKeyChecking=yes -o IdentitiesOnly=yes"
    )
    inventory = {
        "all": {
            "hosts": {
                label: {
                    "ansible_host": "127.0.0.1",
                    "ansible_port": vm_port(name),
                    "ansible_user": "root",
                    "ansible_private_key_file": str(key),
                    "ansible_ssh_common_args": common,
                    "ansible_python_interpreter": "/usr/bin/python3",
                }
                for label, name in names.items()
            }
        }
    }
    (workdir / "inventory.json").write_text(json.dumps(inventory))
    (workdir / "audit.yml").write_text(AUDIT_PLAY)
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(REPO_ROOT / "collections"),
    }
    subprocess.run(
        [
            str(VENV_BIN / "ansible-playbook"),
            "-i",
            str(workdir / "inventory.json"),
            "-e",
            f"out_dir={workdir}",
            str(workdir / "audit.yml"),
        ],
        check=True,
        env=env,
        cwd=REPO_ROOT,
    )
    return {label: json.loads((workdir / f"{label}.json").read_text()) for label in names}


def knob_rows(audits: dict[str, list[dict]]) -> list[dict]:
    """Runtime and boot checks (the knobs' live effect), matched by role and knob name.

    Persistent checks are left out: they look for lowlat's own files, which TuneD never writes.
    """
    by_key: dict[tuple[str, str], dict] = {}
    for label, rows in audits.items():
        for row in rows:
            if row.get("scope") == "persistent":
                continue
            entry = by_key.setdefault(
                (row["role"], row["knob"]),
                {"role": row["role"], "knob": row["knob"], "expected": row["expected"]},
            )
            entry[label] = row
    return [by_key[key] for key in sorted(by_key)]


def _cell(row: dict | None) -> str:
    if row is None:
        return "-"
    status = row["status"]
    if status == "ok":
        return "ok"
    actual = str(row.get("actual", "")).replace("|", "/").replace("\n", " ")[:60]
    return f"{status} ({actual})" if status == "drift" else "n/a"


def render(
    plan: dict,
    audits: dict[str, list[dict]],
    extras: list[dict],
    tuned_cmdline: str,
    lowlat_cmdline: str,
    tuned_version: str,
) -> str:
    rows = knob_rows(audits)
    score = {
        label: sum(1 for r in rows if r.get(label, {}).get("status") == "ok") for label in ("tuned", "lowlat")
    }
    applicable = sum(1 for r in rows if r.get("lowlat", {}).get("status") != "n/a")
    lines = [
        "# lowlat vs TuneD cpu-partitioning",
        "",
        f"Generated by `tools/vm/compare_tuned.py` on {date.today().isoformat()} from two QEMU VMs booted from",
        "the same image (`tools/vm/build-image.sh`; 8 vCPUs in 2 NUMA nodes, 4-queue virtio-net",
        "trading NIC enp0s5). Not run in CI (it boots and reboots a second TCG VM); rerun it after",
        "changing a role: `molecule converge -s kernel && tools/vm/compare_tuned.py --lowlat-vm kernel`.",
        "",
        f"- Plan (both VMs): housekeeping {plan['housekeeping']}, IRQ CPUs {plan['irq']}, "
        f"isolated {plan['isolated']}, engine {plan['engine']}.",
        f"- **tuned** VM: Debian's `tuned` {tuned_version}, `isolated_cores={plan['isolated']}` in",
        "  `/etc/tuned/cpu-partitioning-variables.conf`, `tuned-adm profile cpu-partitioning`, rebooted.",
        f"  Command line: `{tuned_cmdline}`",
        "- **lowlat** VM: `playbooks/site.yml` (tune, rolling reboot, audit) from the `kernel` scenario.",
        f"  Command line: `{lowlat_cmdline}`",
        "- Both VMs are read by `lowlat.trading.audit` against the same manifests (lowlat's",
        "  `/etc/lowlat`, copied into the tuned VM). Only runtime and boot checks are compared: the",
        "  persistent checks look for lowlat's own files, which TuneD does not write.",
        "",
        f"Score on the {applicable} knobs that apply in this VM: tuned {score['tuned']}, lowlat {score['lowlat']}.",
        "",
        "| role | knob | expected | tuned | lowlat |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        expected = str(r["expected"]).replace("|", "/")[:50]
        lines.append(
            f"| {r['role']} | {r['knob']} | `{expected}` | {_cell(r.get('tuned'))} | {_cell(r.get('lowlat'))} |"
        )
    lines += [
        "",
        "## Knobs TuneD sets that lowlat's audit does not list",
        "",
        "| knob | TuneD sets | tuned VM | lowlat VM | lowlat's position |",
        "| --- | --- | --- | --- | --- |",
    ]
    for e in extras:
        lines.append(f"| {e['knob']} | `{e['tuned_sets']}` | `{e['tuned']}` | `{e['lowlat']}` | {e['why']} |")
    lines += [
        "",
        "Numbers of this VM say nothing about latency (TCG emulation); the table is about which knob",
        "each tool sets and whether the kernel took it.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    top.add_argument(
        "--lowlat-vm", default="kernel", help="running VM tuned by lowlat (default: %(default)s)"
    )
    top.add_argument(
        "--tuned-vm", default="tuned", help="name of the VM to boot for TuneD (default: %(default)s)"
    )
    top.add_argument("--output", default=str(REPO_ROOT / "docs" / "tuned-comparison.md"))
    top.add_argument("--json", default=str(REPO_ROOT / ".cache" / "tuned-comparison.json"))
    top.add_argument("--keep", action="store_true", help="leave the tuned VM running")
    args = top.parse_args(argv)

    started = time.monotonic()
    state = ssh(args.lowlat_vm, "tar -C /etc -cz lowlat")
    plan = json.loads(ssh(args.lowlat_vm, "cat /etc/lowlat/plan.json"))
    meta = json.loads((VM_DIR / "run" / args.lowlat_vm / "vm.json").read_text())
    try:
        vm(
            "start",
            "--name",
            args.tuned_vm,
            "--fresh",
            "--timeout",
            "900",
            "--queues",
            str(meta.get("queues", 4)),
        )
        set_up_tuned(args.tuned_vm, plan["isolated"])
        ssh(args.tuned_vm, "tar -C /etc -xz", stdin=state)
        # An idle NIC's IRQs move to a new affinity only when they next fire (x86 without
        # interrupt remapping): traffic on both trading NICs first, so the audit reads where
        # each tool's pinning really landed.
        for name in (args.tuned_vm, args.lowlat_vm):
            vm("nic-traffic", "--name", name)
        with tempfile.TemporaryDirectory(prefix="lowlat-compare-") as tmp:
            audits = run_audit({"tuned": args.tuned_vm, "lowlat": args.lowlat_vm}, Path(tmp))
        extras = []
        for knob, command, tuned_sets, why in EXTRA_PROBES:
            extras.append(
                {
                    "knob": knob,
                    "tuned_sets": tuned_sets,
                    "tuned": ssh(args.tuned_vm, command).decode().strip(),
                    "lowlat": ssh(args.lowlat_vm, command).decode().strip(),
                    "why": why,
                }
            )
        tuned_cmdline = ssh(args.tuned_vm, "cat /proc/cmdline").decode().strip()
        lowlat_cmdline = ssh(args.lowlat_vm, "cat /proc/cmdline").decode().strip()
        tuned_version = ssh(args.tuned_vm, "dpkg-query -W -f '${Version}' tuned").decode().strip()
    finally:
        if not args.keep:
            vm("stop", "--name", args.tuned_vm, "--discard", check=False)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(
        json.dumps({"plan": plan, "audits": audits, "extras": extras}, indent=2) + "\n"
    )
    Path(args.output).write_text(render(plan, audits, extras, tuned_cmdline, lowlat_cmdline, tuned_version))
    log(f"wrote {args.output} and {args.json} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
