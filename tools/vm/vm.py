#!/usr/bin/env python3
"""Start, reach, reboot and stop lowlat's QEMU test VMs (Python 3 standard library only).

The VMs boot an overlay on top of the base image built by tools/vm/build-image.sh
(.cache/vm/lowlat-bookworm.qcow2), so the base stays clean. QEMU runs under TCG (KVM does
not work on the project's machines), daemonized, with its serial console written to a
file. The guest is reached only through QEMU's user-mode network, restricted to one
forwarded port on 127.0.0.1 (guest port 22). A second virtio-net NIC with several queue
pairs (the trading NIC the plan pins) is backed by a multi-queue tap that exists only in a
private network namespace made for the VM, with nothing attached: no traffic leaves it.

    vm.py start --name kernel [--overlay PATH] [--ssh-port P] [--smp 8] [--numa 2]
                [--threads 2] [--mem 2048] [--queues 4|0] [--timeout 900]
    vm.py ssh --name kernel -- cat /proc/cmdline
    vm.py reboot --name kernel          # systemctl reboot, then wait for the new boot
    vm.py wait-ssh --name kernel [--not-boot-id ID]
    vm.py status --name kernel
    vm.py ssh-config --name kernel      # an ssh_config block, e.g. for Ansible
    vm.py nic-traffic --name kernel     # UDP frames into the trading NIC (its RX queue IRQs fire)
    vm.py stop --name kernel [--discard]

Per-VM state lives in .cache/vm/run/NAME/: qemu.pid, vm.json, serial.log, qmp.sock and,
unless --overlay names another file, overlay.qcow2.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VM_DIR = Path(os.environ.get("LOWLAT_VM_DIR", REPO_ROOT / ".cache" / "vm"))
BASE_IMAGE = VM_DIR / "lowlat-bookworm.qcow2"
SSH_KEY = VM_DIR / "id_ed25519"
KNOWN_HOSTS = VM_DIR / "known_hosts"
HOST_KEY_ALIAS = "lowlat-vm"  # the name build-image.sh pinned the guest's host key under
RUN_DIR = VM_DIR / "run"
QEMU = "qemu-system-x86_64"
# The multi-queue NIC: a fixed MAC (the guest's networkd file matches it) in PCI slot 5, so
# the guest names it enp0s5 whatever else is plugged in.
MQ_NIC_MAC = "52:54:00:4c:4c:05"
MQ_NIC_SLOT = 5
MQ_TAP_NAME = "lowlat-mq0"

# linux/sched.h and linux/if_tun.h
CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
IFF_MULTI_QUEUE = 0x0100


class VMError(Exception):
    """A failure to report on one line and exit non-zero."""


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived while a command was running."""


def _interrupt(signum, _frame):
    raise Interrupted(signal.Signals(signum).name)


def log(message: str) -> None:
    print(f"vm: {message}", file=sys.stderr, flush=True)


# --- Per-VM state -----------------------------------------------------------------------


class Instance:
    """The files of one named VM under .cache/vm/run/NAME/."""

    def __init__(self, name: str):
        if not name or "/" in name or name.startswith("."):
            raise VMError(f"bad VM name: {name!r}")
        self.name = name
        self.dir = RUN_DIR / name
        self.pid_file = self.dir / "qemu.pid"
        self.meta_file = self.dir / "vm.json"
        self.serial_log = self.dir / "serial.log"
        self.qmp_socket = self.dir / "qmp.sock"
        self.default_overlay = self.dir / "overlay.qcow2"

    def meta(self) -> dict:
        try:
            return json.loads(self.meta_file.read_text())
        except FileNotFoundError:
            raise VMError(f"VM {self.name!r} was never started (no {self.meta_file})") from None

    def pid(self) -> int | None:
        """QEMU's pid if this VM's QEMU is running, else None."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (FileNotFoundError, ProcessLookupError):
            return None
        # The pid may have been reused: it is ours only if it names our pid file.
        if str(self.pid_file).encode() not in cmdline:
            return None
        return pid

    def ssh_port(self) -> int:
        return int(self.meta()["ssh_port"])

    @property
    def netns(self) -> str:
        """The private network namespace holding this VM's multi-queue tap."""
        return f"lowlat-vm-{self.name}"


# --- Multi-queue tap in a private network namespace ---------------------------------------


def _setns(fd: int) -> None:
    # Python 3.11 has no os.setns; call libc's. Only this (single) thread changes namespace.
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)}")


def netns_exists(name: str) -> bool:
    return Path("/run/netns", name).exists()


def delete_netns(name: str) -> None:
    if netns_exists(name):
        subprocess.run(["ip", "netns", "delete", name], check=False, capture_output=True)


def open_mq_tap(netns: str, queues: int) -> list[int]:
    """Create netns and open `queues` fds of one multi-queue tap inside it.

    QEMU's user-mode network is single-queue; virtio-net offers as many queue pairs as its
    backend has, so the trading NIC needs a tap. The tap lives in a namespace of its own,
    never in the host's, and is attached to nothing. It disappears when QEMU (the last
    holder of the fds) exits; the namespace is deleted by `stop`.
    """
    delete_netns(netns)
    subprocess.run(["ip", "netns", "add", netns], check=True, capture_output=True)
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{netns}", os.O_RDONLY)
    fds: list[int] = []
    try:
        _setns(target)
        try:
            request = struct.pack("16sH", MQ_TAP_NAME.encode(), IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE)
            for _ in range(queues):
                fd = os.open("/dev/net/tun", os.O_RDWR)
                fds.append(fd)
                fcntl.ioctl(fd, TUNSETIFF, request)
        finally:
            _setns(own)
        # Up, so the guest's transmissions are taken (and dropped: nothing is attached).
        subprocess.run(["ip", "-n", netns, "link", "set", MQ_TAP_NAME, "up"], check=True, capture_output=True)
    except BaseException:
        for fd in fds:
            os.close(fd)
        delete_netns(netns)
        raise
    finally:
        os.close(own)
        os.close(target)
    return fds


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp_frames(count: int) -> list[bytes]:
    """Ethernet/IPv4/UDP frames to the trading NIC, one source port each (one flow each).

    From a documentation address (192.0.2.1) to the guest's 192.0.2.5, port 9 (discard).
    """
    frames = []
    src_mac, dst_mac = bytes.fromhex("02000000fe01"), bytes.fromhex(MQ_NIC_MAC.replace(":", ""))
    payload = b"lowlat"
    for port in range(40000, 40000 + count):
        udp = struct.pack("!HHHH", port, 9, 8 + len(payload), 0) + payload
        header = struct.pack(
            "!BBHHHBBH4s4s",
            0x45, 0, 20 + len(udp), 0, 0, 64, socket.IPPROTO_UDP, 0,
            socket.inet_aton("192.0.2.1"), socket.inet_aton("192.0.2.5"),
        )  # fmt: skip
        header = header[:10] + struct.pack("!H", _checksum(header)) + header[12:]
        frames.append(dst_mac + src_mac + b"\x08\x00" + header + udp)
    return frames


def inject_frames(netns: str, count: int) -> None:
    """Send `count` UDP flows into the multi-queue tap from the VM's namespace.

    The tap spreads flows over its queues by hash, so the guest receives on every queue and
    each queue's input IRQ fires. On x86 without interrupt remapping an MSI moves to a new
    affinity only when it next fires, so this is what completes the pinning of an idle NIC.
    """
    if not netns_exists(netns):
        raise VMError(f"no network namespace {netns} (VM started with --queues 0?)")
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{netns}", os.O_RDONLY)
    try:
        _setns(target)
        try:
            with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sock:
                sock.bind((MQ_TAP_NAME, 0))
                for frame in udp_frames(count):
                    sock.send(frame)
        finally:
            _setns(own)
    finally:
        os.close(own)
        os.close(target)


# --- QEMU command line -------------------------------------------------------------------


def cpu_ranges(smp: int, nodes: int) -> list[str]:
    per_node = smp // nodes
    return [f"{n * per_node}-{(n + 1) * per_node - 1}" for n in range(nodes)]


def qemu_command(
    inst: Instance, overlay: Path, args: argparse.Namespace, tap_fds: list[int] | None = None
) -> list[str]:
    """The QEMU command line for one VM: NUMA nodes are sockets, SMT pairs inside them."""
    smp, nodes, threads, queues = args.smp, args.numa, args.threads, args.queues
    if nodes < 1 or threads < 1 or smp % (nodes * threads):
        raise VMError(f"--smp {smp} must be a multiple of --numa {nodes} x --threads {threads}")
    if args.mem % nodes or (args.mem // nodes) % 2:
        raise VMError(f"--mem {args.mem} MiB must split into even MiB per NUMA node")
    if queues < 0:
        raise VMError("--queues must be 0 (no multi-queue NIC) or more")
    if queues and len(tap_fds or []) != queues:
        raise VMError(f"{queues} queue pairs need {queues} tap fds")
    cores = smp // (nodes * threads)
    cmd = [
        QEMU,
        "-name",
        f"lowlat-{inst.name}",
        "-accel",
        f"tcg,thread={args.tcg_thread}",
        "-machine",
        "q35",
        "-cpu",
        args.cpu,
        "-smp",
        f"{smp},sockets={nodes},cores={cores},threads={threads}",
        "-m",
        f"{args.mem}M",
        "-nodefaults",
        "-display",
        "none",
        "-vga",
        "none",
        "-serial",
        f"file:{inst.serial_log}",
        "-qmp",
        f"unix:{inst.qmp_socket},server=on,wait=off",
        "-pidfile",
        str(inst.pid_file),
        "-daemonize",
    ]
    for node, cpus in enumerate(cpu_ranges(smp, nodes)):
        cmd += [
            "-object",
            f"memory-backend-ram,id=mem{node},size={args.mem // nodes}M",
            "-numa",
            f"node,nodeid={node},cpus={cpus},memdev=mem{node}",
        ]
    cmd += [
        "-drive",
        f"if=none,id=disk0,file={overlay},format=qcow2,discard=unmap",
        "-device",
        "virtio-blk-pci,drive=disk0",
        # restrict=on: the guest reaches nothing but the forwarded SSH port.
        "-netdev",
        f"user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:{args.ssh_port}-:22",
        "-device",
        "virtio-net-pci,netdev=net0",
    ]
    if queues:
        cmd += [
            "-netdev",
            f"tap,id=mq0,fds={':'.join(map(str, tap_fds or []))},vhost=off",
            "-device",
            f"virtio-net-pci,netdev=mq0,mq=on,vectors={2 * queues + 2},mac={MQ_NIC_MAC},"
            f"bus=pcie.0,addr={MQ_NIC_SLOT:#x}",
        ]
    cmd += ["-device", "virtio-rng-pci"]
    return cmd


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# --- SSH -----------------------------------------------------------------------------------


def ssh_options(port: int, connect_timeout: int = 10) -> list[str]:
    return [
        "-F",
        "/dev/null",
        "-i",
        str(SSH_KEY),
        "-p",
        str(port),
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        f"UserKnownHostsFile={KNOWN_HOSTS}",
        "-o",
        f"HostKeyAlias={HOST_KEY_ALIAS}",
        "-o",
        f"ConnectTimeout={connect_timeout}",
        "-o",
        "ServerAliveInterval=5",
        "-o",
        "ServerAliveCountMax=6",
        "-o",
        "LogLevel=ERROR",
    ]


def ssh_run(port: int, command: str, timeout: float, connect_timeout: int = 10):
    """Run one command in the guest; returns the CompletedProcess (output captured)."""
    return subprocess.run(
        ["ssh", *ssh_options(port, connect_timeout), "root@127.0.0.1", command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def boot_id(port: int, timeout: float = 30) -> str | None:
    """The guest's boot id over SSH, or None if SSH does not answer (yet)."""
    try:
        done = ssh_run(port, "cat /proc/sys/kernel/random/boot_id", timeout, connect_timeout=5)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def wait_for_ssh(inst: Instance, timeout: float, not_boot_id: str | None = None) -> str:
    """Wait until the guest answers SSH (with a boot id other than not_boot_id)."""
    port = inst.ssh_port()
    deadline = time.monotonic() + timeout
    while True:
        if inst.pid() is None:
            raise VMError(f"QEMU of VM {inst.name!r} is not running (see {inst.serial_log})")
        current = boot_id(port, timeout=max(5.0, min(30.0, deadline - time.monotonic())))
        if current and current != not_boot_id:
            return current
        if time.monotonic() >= deadline:
            raise VMError(f"VM {inst.name!r}: no SSH on 127.0.0.1:{port} after {timeout:.0f} s")
        time.sleep(1)


# --- Stopping ----------------------------------------------------------------------------


def qmp(inst: Instance, command: str) -> None:
    """Send one QMP command (e.g. system_powerdown); errors are ignored."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(str(inst.qmp_socket))
            stream = sock.makefile("rw")
            stream.readline()  # greeting
            for execute in ("qmp_capabilities", command):
                stream.write(json.dumps({"execute": execute}) + "\n")
                stream.flush()
                stream.readline()
    except OSError:
        pass


def wait_exit(inst: Instance, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while inst.pid() is not None:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.5)
    return True


def kill_qemu(inst: Instance) -> None:
    """Make sure this VM's QEMU is gone: SIGTERM, then SIGKILL."""
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        pid = inst.pid()
        if pid is None:
            return
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        if wait_exit(inst, grace):
            return
    raise VMError(f"could not stop QEMU of VM {inst.name!r}")


def shutdown(inst: Instance, timeout: float) -> str:
    """Power the guest off: poweroff over SSH, ACPI power button, then signals."""
    if inst.pid() is None:
        return "not running"
    with contextlib.suppress(subprocess.TimeoutExpired, VMError):
        ssh_run(inst.ssh_port(), "systemctl poweroff", timeout=15, connect_timeout=5)
    if wait_exit(inst, timeout):
        return "powered off"
    qmp(inst, "system_powerdown")
    if wait_exit(inst, 30):
        return "powered off (ACPI)"
    kill_qemu(inst)
    return "killed"


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no serial log)"


# --- Commands ------------------------------------------------------------------------------


def cmd_start(args: argparse.Namespace) -> int:
    inst = Instance(args.name)
    if inst.pid() is not None:
        raise VMError(f"VM {inst.name!r} is already running (pid {inst.pid()})")
    base = Path(args.base).resolve()
    if not base.is_file():
        raise VMError(f"no base image {base}: run tools/vm/build-image.sh")
    for needed in (SSH_KEY, KNOWN_HOSTS):
        if not needed.is_file():
            raise VMError(f"missing {needed}: run tools/vm/build-image.sh")
    if shutil.which(QEMU) is None:
        raise VMError(f"{QEMU} not found (Debian package qemu-system-x86)")
    if args.ssh_port is None:
        args.ssh_port = free_port()
    elif not port_is_free(args.ssh_port):
        raise VMError(f"port 127.0.0.1:{args.ssh_port} is already in use")

    inst.dir.mkdir(parents=True, exist_ok=True)
    overlay = Path(args.overlay).resolve() if args.overlay else inst.default_overlay
    if args.fresh or not overlay.exists():
        overlay.unlink(missing_ok=True)
        subprocess.run(
            ["qemu-img", "create", "-q", "-f", "qcow2", "-b", str(base), "-F", "qcow2", str(overlay)],
            check=True,
        )
    if inst.serial_log.exists():
        inst.serial_log.replace(inst.dir / "serial.prev.log")
    inst.pid_file.unlink(missing_ok=True)
    inst.qmp_socket.unlink(missing_ok=True)

    tap_fds = open_mq_tap(inst.netns, args.queues) if args.queues else []
    try:
        cmd = qemu_command(inst, overlay, args, tap_fds)
    except BaseException:
        for fd in tap_fds:
            os.close(fd)
        delete_netns(inst.netns)
        raise
    inst.meta_file.write_text(
        json.dumps(
            {
                "name": inst.name,
                "ssh_port": args.ssh_port,
                "overlay": str(overlay),
                "base": str(base),
                "smp": args.smp,
                "numa": args.numa,
                "threads": args.threads,
                "mem_mib": args.mem,
                "queues": args.queues,
                "netns": inst.netns if args.queues else None,
                "serial_log": str(inst.serial_log),
                "qemu": cmd,
            },
            indent=2,
        )
        + "\n"
    )

    started = time.monotonic()
    try:
        try:
            done = subprocess.run(
                cmd, capture_output=True, text=True, check=False, timeout=120, pass_fds=tap_fds
            )
        finally:
            for fd in tap_fds:  # QEMU holds its own copies now
                os.close(fd)
        if done.returncode != 0:
            raise VMError(f"QEMU failed to start:\n{done.stderr.strip()}")
        log(
            f"{inst.name}: QEMU pid {inst.pid()}, ssh 127.0.0.1:{args.ssh_port}, serial log {inst.serial_log}"
        )
        wait_for_ssh(inst, args.timeout)
    except BaseException:
        # Whatever went wrong (timeout, error, Ctrl-C, SIGTERM): leave no QEMU behind.
        kill_qemu(inst)
        delete_netns(inst.netns)
        log(f"{inst.name}: start failed; last serial console lines:\n{tail(inst.serial_log)}")
        raise
    log(f"{inst.name}: SSH answered {time.monotonic() - started:.1f} s after QEMU started")
    return 0


def cmd_wait_ssh(args: argparse.Namespace) -> int:
    inst = Instance(args.name)
    started = time.monotonic()
    wait_for_ssh(inst, args.timeout, args.not_boot_id)
    log(f"{inst.name}: SSH answered after {time.monotonic() - started:.1f} s")
    return 0


def cmd_reboot(args: argparse.Namespace) -> int:
    inst = Instance(args.name)
    before = boot_id(inst.ssh_port())
    if before is None:
        raise VMError(f"VM {inst.name!r} does not answer SSH")
    started = time.monotonic()
    # The connection may drop while systemd goes down: that is fine.
    with contextlib.suppress(subprocess.TimeoutExpired):
        ssh_run(inst.ssh_port(), "systemctl reboot", timeout=30)
    wait_for_ssh(inst, args.timeout, not_boot_id=before)
    log(f"{inst.name}: rebooted, SSH answered after {time.monotonic() - started:.1f} s")
    return 0


def cmd_ssh(args: argparse.Namespace) -> int:
    inst = Instance(args.name)
    if inst.pid() is None:
        raise VMError(f"VM {inst.name!r} is not running")
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    tty = ["-t"] if not command and sys.stdin.isatty() else []
    # Like ssh itself: the words of the command are joined with spaces for the remote shell.
    return subprocess.run(
        ["ssh", *ssh_options(inst.ssh_port()), *tty, "root@127.0.0.1", *command], check=False
    ).returncode


def cmd_stop(args: argparse.Namespace) -> int:
    inst = Instance(args.name)
    outcome = shutdown(inst, args.timeout) if inst.meta_file.exists() else "never started"
    inst.pid_file.unlink(missing_ok=True)
    inst.qmp_socket.unlink(missing_ok=True)
    delete_netns(inst.netns)
    if args.discard:
        inst.default_overlay.unlink(missing_ok=True)
    log(f"{inst.name}: {outcome}")
    return 0


def cmd_nic_traffic(args: argparse.Namespace) -> int:
    inst = Instance(args.name)
    if inst.pid() is None:
        raise VMError(f"VM {inst.name!r} is not running")
    inject_frames(inst.netns, args.frames)
    log(f"{inst.name}: sent {args.frames} UDP flows into {MQ_TAP_NAME}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    inst = Instance(args.name)
    pid = inst.pid()
    meta = inst.meta() if inst.meta_file.exists() else {}
    print(
        json.dumps(
            {
                "name": inst.name,
                "running": pid is not None,
                "pid": pid,
                "ssh_port": meta.get("ssh_port"),
                "overlay": meta.get("overlay"),
                "serial_log": str(inst.serial_log),
            },
            indent=2,
        )
    )
    return 0 if pid is not None else 3


def cmd_ssh_config(args: argparse.Namespace) -> int:
    inst = Instance(args.name)
    print(
        f"Host {args.host or 'lowlat-' + inst.name}\n"
        f"  HostName 127.0.0.1\n  Port {inst.ssh_port()}\n  User root\n"
        f"  IdentityFile {SSH_KEY}\n  IdentitiesOnly yes\n"
        f"  UserKnownHostsFile {KNOWN_HOSTS}\n  HostKeyAlias {HOST_KEY_ALIAS}\n"
        f"  StrictHostKeyChecking yes\n"
    )
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = top.add_subparsers(dest="command", required=True)

    def named(cmd: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(cmd, help=help_text)
        p.add_argument("--name", required=True, help="VM name (state in .cache/vm/run/NAME)")
        return p

    p = named("start", "boot a VM and wait until SSH answers")
    p.add_argument("--base", default=str(BASE_IMAGE), help="base image (default: %(default)s)")
    p.add_argument(
        "--overlay", help="overlay file; created on the base if missing (default: run/NAME/overlay.qcow2)"
    )
    p.add_argument("--fresh", action="store_true", help="recreate the overlay from the base")
    p.add_argument("--ssh-port", type=int, help="host port on 127.0.0.1 (default: a free one)")
    p.add_argument("--smp", type=int, default=8, help="vCPUs (default: %(default)s)")
    p.add_argument("--numa", type=int, default=2, help="NUMA nodes = sockets (default: %(default)s)")
    p.add_argument("--threads", type=int, default=2, help="SMT threads per core (default: %(default)s)")
    p.add_argument(
        "--mem",
        type=int,
        default=2048,
        help="memory in MiB, split evenly over the nodes (default: %(default)s)",
    )
    p.add_argument(
        "--queues",
        type=int,
        default=4,
        help="queue pairs of the multi-queue trading NIC enp0s5; 0 = none (default: %(default)s)",
    )
    # An Intel model: the guest reads SMT siblings from CPUID leaf 0xB (TCG's "max" is an
    # AMD family 15 CPU, where Linux shows no SMT). C5n hosts are Skylake/Cascade Lake Xeons.
    p.add_argument("--cpu", default="Skylake-Server-v4", help="QEMU CPU model (default: %(default)s)")
    p.add_argument(
        "--tcg-thread",
        choices=("single", "multi"),
        default="multi",
        help="TCG: one host thread for all vCPUs, or one per vCPU (default: %(default)s)",
    )
    p.add_argument(
        "--timeout", type=float, default=900, help="seconds to wait for SSH (default: %(default)s)"
    )
    p.set_defaults(func=cmd_start)

    p = named("stop", "power the VM off (SSH, then ACPI, then signals)")
    p.add_argument("--timeout", type=float, default=120, help="seconds for a clean poweroff")
    p.add_argument("--discard", action="store_true", help="delete run/NAME/overlay.qcow2")
    p.set_defaults(func=cmd_stop)

    p = named("ssh", "run a command in the VM (no command: a shell)")
    p.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND...")
    p.set_defaults(func=cmd_ssh)

    p = named("wait-ssh", "wait until the VM answers SSH")
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument(
        "--not-boot-id", help="wait for a boot other than this one (/proc/sys/kernel/random/boot_id)"
    )
    p.set_defaults(func=cmd_wait_ssh)

    p = named("reboot", "reboot the guest and wait until it answers SSH again")
    p.add_argument("--timeout", type=float, default=900)
    p.set_defaults(func=cmd_reboot)

    p = named("nic-traffic", "send UDP flows into the trading NIC (its RX queue IRQs fire)")
    p.add_argument("--frames", type=int, default=64, help="flows, one frame each (default: %(default)s)")
    p.set_defaults(func=cmd_nic_traffic)

    p = named("status", "print the VM's state as JSON (exit 3 if not running)")
    p.set_defaults(func=cmd_status)

    p = named("ssh-config", "print an ssh_config Host block for the VM")
    p.add_argument("--host", help="Host alias (default: lowlat-NAME)")
    p.set_defaults(func=cmd_ssh_config)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        return args.func(args)
    except VMError as err:
        log(f"error: {err}")
        return 1
    except Interrupted as sig:
        log(f"interrupted by {sig}")
        return 130


if __name__ == "__main__":
    sys.exit(main())
