"""The audit: validate manifest checks, read each knob back from the host, compare, and format a table.

See docs/audit.md for the contract. Reading is all this does; it never writes to the host.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from ansible_collections.lowlat.trading.plugins.module_utils.cmdline import parse_cmdline
from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import (
    CpuListError,
    format_cpulist,
    parse_cpulist,
)
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS
from ansible_collections.lowlat.trading.plugins.module_utils.interrupts import read_irqs
from ansible_collections.lowlat.trading.plugins.module_utils.tool_runner import subprocess_runner
from ansible_collections.lowlat.trading.plugins.module_utils.topology import read_nic

Runner = Callable[[list[str]], tuple[int, str, str]]

SCOPES = ("persistent", "runtime", "boot")
SERVICE_STATES = ("active", "inactive", "enabled", "disabled", "masked")
# kind -> required fields (besides knob and scope)
KINDS: dict[str, tuple[str, ...]] = {
    "sysctl": ("key", "expected"),
    "sysfs": ("path", "expected"),
    "cmdline": ("key",),
    "irq_affinity": ("expected",),
    "hugepages": ("node", "size_kb", "expected"),
    "file_line": ("path", "line"),
    "file_absent": ("path",),
    "service": ("unit", "expected"),
    "mount": ("path", "expected"),
    "command": ("argv", "pattern", "expected"),
    "ethtool_stat": ("device", "stat"),
    "chrony_offset": ("max_seconds",),
    "not_applicable": ("reason",),
}


class CheckError(ValueError):
    pass


def validate_check(check: dict, index: int = 0) -> None:
    where = f"check #{index} ({check.get('knob', 'no knob')})"
    if not isinstance(check, dict):
        raise CheckError(f"check #{index} is not a mapping")
    if not check.get("knob"):
        raise CheckError(f"{where}: every check needs a 'knob' name")
    kind = check.get("kind")
    if kind not in KINDS:
        raise CheckError(f"{where}: unknown kind {kind!r}; known: {', '.join(KINDS)}")
    missing = [f for f in KINDS[kind] if f not in check]
    if missing:
        raise CheckError(f"{where}: kind {kind} needs {', '.join(missing)}")
    if kind != "not_applicable" and check.get("scope") not in SCOPES:
        raise CheckError(f"{where}: scope must be one of {', '.join(SCOPES)}, got {check.get('scope')!r}")
    if kind == "irq_affinity" and not (check.get("device") or check.get("match")):
        raise CheckError(f"{where}: irq_affinity needs 'device' or 'match'")
    if kind == "service" and check["expected"] not in SERVICE_STATES:
        raise CheckError(f"{where}: service expected must be one of {', '.join(SERVICE_STATES)}")
    if kind == "command" and not isinstance(check["argv"], list):
        raise CheckError(f"{where}: argv must be a list")
    if kind in ("file_line", "file_absent") and not str(check["path"]).startswith("/"):
        raise CheckError(f"{where}: path must be absolute")


def validate_manifest(manifest: dict) -> None:
    for field in ("role", "runtime_applied", "checks"):
        if field not in manifest:
            raise CheckError(f"manifest needs {field!r}")
    for index, check in enumerate(manifest["checks"]):
        validate_check(check, index)


class Reader:
    """Reads actual values. /proc and /sys go through the sysfs root; files, mounts, services and
    commands are the host's own."""

    def __init__(self, fs: HostFS, runner: Runner | None = None, real_root: str = "/"):
        self.fs = fs
        self.runner = runner or subprocess_runner()
        self.real = real_root
        self._irqs = None
        self._cmdline = None

    def irqs(self):
        if self._irqs is None:
            self._irqs = read_irqs(self.fs)
        return self._irqs

    def cmdline(self) -> dict[str, str | None]:
        if self._cmdline is None:
            self._cmdline = dict(parse_cmdline(self.fs.read("/proc/cmdline", default="") or ""))
        return self._cmdline

    def real_path(self, path: str) -> str:
        return path if self.real == "/" else os.path.join(self.real, path.lstrip("/"))

    def run(self, argv: list[str]) -> str | None:
        try:
            rc, out, _err = self.runner(argv)
        except OSError:
            return None
        return out if rc == 0 else None

    def run_any(self, argv: list[str]) -> str:
        try:
            _rc, out, _err = self.runner(argv)
        except OSError:
            return ""
        return out.strip()


def _norm(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _same_cpus(a: str, b: str) -> bool:
    try:
        return parse_cpulist(a.replace("(null)", "")) == parse_cpulist(b.replace("(null)", ""))
    except CpuListError:
        return _norm(a) == _norm(b)


def _row(check, actual, ok, reason=""):
    return {
        "knob": check["knob"],
        "expected": _norm(check.get("expected", check.get("line", ""))),
        "actual": actual if isinstance(actual, str) else _norm(actual),
        "status": "ok" if ok else "drift",
        "reason": reason,
    }


def _check_sysfs(r: Reader, c):
    raw = r.fs.read(c["path"])
    if raw is None:
        return _row(c, "missing", False, f"{c['path']} does not exist")
    actual = raw
    if c.get("bracketed"):
        m = re.search(r"\[([^\]]+)\]", raw)
        actual = m.group(1) if m else raw
    if c.get("cpulist"):
        return _row(c, actual, _same_cpus(actual, str(c["expected"])))
    return _row(c, _norm(actual), _norm(actual) == _norm(c["expected"]))


def _check_sysctl(r: Reader, c):
    raw = r.fs.read("/proc/sys/" + c["key"].replace(".", "/"))
    if raw is None:
        return _row(c, "missing", False, f"this kernel has no {c['key']}")
    return _row(c, _norm(raw), _norm(raw) == _norm(c["expected"]))


def _check_cmdline(r: Reader, c):
    args = r.cmdline()
    expected = c.get("expected")
    if c["key"] not in args:
        return _row(c, "absent", False)
    actual = args[c["key"]]
    return _row(
        c,
        actual if actual is not None else "present",
        actual == (None if expected is None else str(expected)),
    )


def _check_irq_affinity(r: Reader, c):
    irqs = r.irqs()
    if c.get("device"):
        nic = read_nic(r.fs, c["device"], irqs)
        numbers = [q.irq for q in nic.queue_irqs] if nic else []
    else:
        rx = re.compile(c["match"])
        numbers = [n for n, irq in irqs.items() if rx.search(irq.actions)]
    if c.get("exclude_device"):
        nic = read_nic(r.fs, c["exclude_device"], irqs)
        excluded = {q.irq for q in (nic.queue_irqs + nic.other_irqs)} if nic else set()
        numbers = [n for n in numbers if n not in excluded]
    for pattern in c.get("exclude_match", []):
        numbers = [n for n in numbers if not re.search(pattern, irqs[n].actions)]
    if not numbers:
        return _row(c, "no matching IRQs", False, "no IRQ matched the selector")
    allowed = set(parse_cpulist(c["expected"]))
    outside, pending, used = [], [], set()
    for n in numbers:
        irq = irqs[n]
        cpus = irq.effective_affinity if irq.effective_affinity else irq.affinity or []
        if not set(cpus) <= allowed and irq.affinity and set(irq.affinity) <= allowed:
            # x86 without interrupt remapping moves an MSI when it next fires: until then
            # smp_affinity_list shows the new (pending) mask and the effective one the old CPU.
            pending.append(f"{n} ({irq.actions}) on {format_cpulist(cpus)}")
            cpus = irq.affinity
        used.update(cpus)
        if not set(cpus) <= allowed:
            outside.append(f"{n} ({irq.actions}) on {format_cpulist(cpus)}")
    ignore = set(c.get("ignore_irqs", []))
    real_outside = [o for o in outside if int(o.split()[0]) not in ignore]
    actual = f"{len(numbers)} IRQs on {format_cpulist(used)}"
    if real_outside:
        reason = "outside: " + "; ".join(real_outside[:8])
    elif pending:
        reason = f"{len(pending)} moved when they next fire, still on the old CPU: " + "; ".join(pending[:8])
    else:
        reason = ""
    return _row(c, actual, not real_outside, reason)


def _check_hugepages(r: Reader, c):
    path = f"/sys/devices/system/node/node{c['node']}/hugepages/hugepages-{c['size_kb']}kB/nr_hugepages"
    got = r.fs.read_int(path)
    if got is None:
        return _row(c, "missing", False, f"{path} does not exist")
    want = int(c["expected"])
    return _row(c, str(got), got == want, "" if got == want else f"kernel granted {got} of {want}")


def _check_file_line(r: Reader, c):
    try:
        with open(r.real_path(c["path"]), encoding="utf-8", errors="replace") as fh:
            lines = [line.rstrip("\n") for line in fh]
    except FileNotFoundError:
        return _row(c, "file missing", False, f"{c['path']} does not exist")
    ok = c["line"] in lines
    return _row(c, c["line"] if ok else "line missing", ok, "" if ok else f"{c['path']} lacks the line")


def _check_file_absent(r: Reader, c):
    present = os.path.lexists(r.real_path(c["path"]))
    return {**_row(c, "present" if present else "absent", not present), "expected": "absent"}


def _check_service(r: Reader, c):
    verb = "is-active" if c["expected"] in ("active", "inactive") else "is-enabled"
    actual = r.run_any(["systemctl", verb, c["unit"]]) or "unknown"
    want = c["expected"]
    ok = actual == want or (want == "inactive" and actual in ("inactive", "failed", "unknown"))
    return _row(c, actual, ok)


def _check_mount(r: Reader, c):
    try:
        with open(r.real_path("/proc/self/mounts"), encoding="utf-8") as fh:
            mounts = [line.split() for line in fh]
    except FileNotFoundError:
        mounts = []
    found = [m for m in mounts if len(m) > 2 and m[1] == c["path"]]
    actual = found[-1][2] if found else "not mounted"
    return _row(c, actual, actual == c["expected"])


def _check_command(r: Reader, c):
    out = r.run(list(c["argv"]))
    if out is None:
        return _row(c, "command failed", False, f"{' '.join(c['argv'])} failed or is not installed")
    match = re.search(c["pattern"], out, re.MULTILINE)
    return _row(c, match.group(0) if match else _norm(out)[:80], bool(match))


def _check_ethtool_stat(r: Reader, c):
    out = r.run(["ethtool", "-S", c["device"]])
    limit = int(c.get("max", 0))
    row = {"knob": c["knob"], "expected": f"<= {limit}"}
    if out is None:
        return {**row, "actual": "unreadable", "status": "drift", "reason": "ethtool -S failed"}
    for line in out.splitlines():
        key, _sep, value = line.partition(":")
        if key.strip() == c["stat"]:
            val = int(value.strip())
            status = "ok" if val <= limit else "drift"
            return {
                **row,
                "actual": str(val),
                "status": status,
                "reason": "" if status == "ok" else "limit exceeded",
            }
    return {**row, "actual": "absent", "status": "drift", "reason": f"driver reports no {c['stat']}"}


def _check_chrony_offset(r: Reader, c):
    out = r.run(["chronyc", "-n", "tracking"])
    row = {"knob": c["knob"], "expected": f"|offset| <= {c['max_seconds']} s"}
    if out is None:
        return {**row, "actual": "chronyc failed", "status": "drift", "reason": "chronyd not answering"}
    # chronyc pads its field names ("Leap status     : Normal").
    fields = {k.strip(): v for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}
    leap = fields.get("Leap status", "").strip()
    match = re.match(r"\s*([0-9.]+) seconds (fast|slow)", fields.get("System time", ""))
    if leap == "Not synchronised" or not match:
        return {
            **row,
            "actual": f"not synchronised ({leap or 'no tracking data'})",
            "status": "drift",
            "reason": "no reachable time source",
        }
    offset = float(match.group(1))
    ok = offset <= float(c["max_seconds"])
    return {
        **row,
        "actual": f"{offset:.6f} s {match.group(2)}",
        "status": "ok" if ok else "drift",
        "reason": "",
    }


CHECKERS = {
    "sysctl": _check_sysctl,
    "sysfs": _check_sysfs,
    "cmdline": _check_cmdline,
    "irq_affinity": _check_irq_affinity,
    "hugepages": _check_hugepages,
    "file_line": _check_file_line,
    "file_absent": _check_file_absent,
    "service": _check_service,
    "mount": _check_mount,
    "command": _check_command,
    "ethtool_stat": _check_ethtool_stat,
    "chrony_offset": _check_chrony_offset,
}


def evaluate(manifest: dict, reader: Reader, reboot_pending: bool = False) -> list[dict]:
    """One result row per check of a role's manifest."""
    rows = []
    for check in manifest["checks"]:
        base = {"role": manifest["role"], "scope": check.get("scope", "-")}
        if check["kind"] == "not_applicable":
            rows.append(
                {
                    **base,
                    "knob": check["knob"],
                    "expected": _norm(check.get("expected", "-")),
                    "actual": "-",
                    "status": "n/a",
                    "reason": check["reason"],
                }
            )
            continue
        if check["scope"] in ("runtime", "boot") and not manifest["runtime_applied"]:
            rows.append(
                {
                    **base,
                    "knob": check["knob"],
                    "expected": _norm(check.get("expected", "")),
                    "actual": "-",
                    "status": "n/a",
                    "reason": manifest.get("runtime_reason") or "runtime changes not applied",
                }
            )
            continue
        row = CHECKERS[check["kind"]](reader, check)
        if row["status"] == "drift" and check["scope"] == "boot" and reboot_pending:
            row["reason"] = "reboot pending" + (f"; {row['reason']}" if row["reason"] else "")
        rows.append({**base, **row})
    return rows


def summarize(rows: list[dict]) -> dict[str, int]:
    counts = {"ok": 0, "drift": 0, "n/a": 0}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def format_table(host: str, rows: list[dict], header: str = "") -> str:
    cols = ("role", "knob", "expected", "actual", "status", "reason")
    clipped = [{k: str(row.get(k, ""))[:60] for k in cols} for row in rows]
    widths = {k: max([len(k)] + [len(r[k]) for r in clipped]) for k in cols}
    line = "  ".join("-" * widths[k] for k in cols)
    out = [f"== {host} {header}".rstrip(), "  ".join(k.ljust(widths[k]) for k in cols), line]
    out += ["  ".join(r[k].ljust(widths[k]) for k in cols).rstrip() for r in clipped]
    counts = summarize(rows)
    out.append(f"{counts['ok']} ok, {counts['drift']} drift, {counts['n/a']} n/a")
    return "\n".join(out)
