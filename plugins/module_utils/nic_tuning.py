"""Bring one NIC's queues, rings, interrupt moderation and NAPI knobs to the values of its lowlat settings
file, idempotently: the logic of lowlat-nic-tune (roles/ena/files), which the ena role installs as a zipapp
carrying this file, hostfs.py and tool_runner.py.

The settings file (/etc/lowlat/nic/<ifname>.conf, written by the role) holds "key=value" lines:

    interface=eth0             the NIC
    driver=ena                 apply only when the NIC is bound to this driver ("" = any driver)
    apply=yes                  "no" (with reason=...) makes this a no-op: the role decided that
    reason=...                 runtime changes must not happen on this host
    root=/                     prefix for /sys (a fixture tree in tests)
    channels=2                 ethtool -L combined   (-1 = leave as is; clamped to the maximum)
    rx_ring=4096 tx_ring=-1    ethtool -G rx / tx    (-1 = leave as is; clamped to the maximum)
    tx_push_buf_len=-1         ethtool -G tx-push-buf-len (large LLQ on kernel/ethtool >= 6.4)
    adaptive_rx=off            ethtool -C adaptive-rx / adaptive-tx (on, off, "" = leave)
    adaptive_tx=
    rx_usecs=0 tx_usecs=0      ethtool -C rx-usecs / tx-usecs (-1 = leave as is)
    napi_defer_hard_irqs=-1    /sys/class/net/<if>/napi_defer_hard_irqs (-1 = leave as is)
    gro_flush_timeout=-1       /sys/class/net/<if>/gro_flush_timeout in ns (-1 = leave as is)

Settings the device does not offer (ethtool prints n/a, or the sysfs file is missing) are reported as
unsupported, not errors. Python 3 standard library only (the zipapp runs on any target).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS, HostFSError

INT_KEYS = (
    "channels",
    "rx_ring",
    "tx_ring",
    "tx_push_buf_len",
    "rx_usecs",
    "tx_usecs",
    "napi_defer_hard_irqs",
    "gro_flush_timeout",
)
STR_KEYS = ("interface", "driver", "apply", "reason", "root", "adaptive_rx", "adaptive_tx")
NAPI_KEYS = ("napi_defer_hard_irqs", "gro_flush_timeout")

# ethtool's runner: argv -> (rc, stdout, stderr); tool_runner.subprocess_runner on a host.
Runner = Callable[[list[str]], "tuple[int, str, str]"]


class ConfigError(ValueError):
    pass


def parse_config(text: str, source: str) -> dict:
    """The settings file's text as a dict with every key (ints -1 and strings "" when absent)."""
    conf: dict = {
        "driver": "",
        "apply": "no",
        "reason": "",
        "root": "/",
        "adaptive_rx": "",
        "adaptive_tx": "",
    }
    conf.update({key: -1 for key in INT_KEYS})
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in INT_KEYS + STR_KEYS:
            raise ConfigError(f"{source}:{number}: expected key=value with a known key, got {line!r}")
        if key in INT_KEYS:
            try:
                conf[key] = int(value)
            except ValueError as err:
                raise ConfigError(f"{source}:{number}: {key} must be an integer, got {value!r}") from err
        else:
            conf[key] = value
    if not conf.get("interface"):
        raise ConfigError(f"{source}: no interface= line")
    for key in ("adaptive_rx", "adaptive_tx"):
        if conf[key] not in ("", "on", "off"):
            raise ConfigError(f"{source}: {key} must be on, off or empty, got {conf[key]!r}")
    return conf


def sections(text: str) -> dict[str, dict[str, str]]:
    """ethtool -l / -g output: {'max': {...}, 'current': {...}} with lower-cased keys."""
    out: dict[str, dict[str, str]] = {"max": {}, "current": {}}
    where = "current"
    for line in text.splitlines():
        if line.startswith("Pre-set maximums"):
            where = "max"
            continue
        if line.startswith("Current hardware settings"):
            where = "current"
            continue
        key, sep, value = line.partition(":")
        if sep and value.strip():
            out[where][key.strip().lower()] = value.strip()
    return out


def coalesce(text: str) -> dict[str, str]:
    """ethtool -c output: adaptive_rx/adaptive_tx ('on', 'off', 'n/a') and rx_usecs/tx_usecs."""
    values = {}
    adaptive = re.search(r"Adaptive RX:\s*(\S+)\s+TX:\s*(\S+)", text)
    if adaptive:
        values["adaptive_rx"], values["adaptive_tx"] = adaptive.group(1), adaptive.group(2)
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in ("rx-usecs", "tx-usecs"):
            values[key.strip().replace("-", "_")] = value.strip()
    return values


def as_int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None  # "n/a"


def _flag(key: str) -> str:
    return key.replace("_", "-")


class Tuner:
    """One pass over the NIC: each ethtool group read once and set in one call where it differs."""

    def __init__(self, conf: dict, fs: HostFS, ethtool: str, run: Runner, check: bool):
        self.conf = conf
        self.fs = fs
        self.ethtool = ethtool
        self.runner = run
        self.check = check
        self.ifname = conf["interface"]
        self.changes: list[str] = []
        self.unsupported: list[str] = []
        self.errors: list[str] = []
        self.notes: list[str] = []
        self.pending: list[tuple[list[str], str]] = []

    def run(self, *args: str) -> tuple[int, str, str]:
        rc, out, err = self.runner([self.ethtool, *args])
        return rc, out, err.strip()

    def read(self, flag: str) -> str | None:
        rc, out, err = self.run(flag, self.ifname)
        if rc != 0:
            self.unsupported.append(f"ethtool {flag} {self.ifname} failed: {err or rc}")
            return None
        return out

    def set(self, flag: str, args: list[str], what: list[str]) -> None:
        """Record the wanted change and, unless checking, make it."""
        self.changes.extend(what)
        if self.check:
            return
        rc, _out, err = self.run(flag, self.ifname, *args)
        if rc != 0:
            self.errors.append(f"ethtool {flag} {self.ifname} {' '.join(args)} failed: {err or rc}")

    def want(self, key: str, current: int | None, maximum: int | None, label: str, option: str) -> None:
        """Queue `option value` for the next ethtool call when the device differs from the settings."""
        wanted = self.conf[key]
        if wanted < 0:
            return
        if current is None:
            self.unsupported.append(f"{label}: not offered by this device")
            return
        if maximum is not None and wanted > maximum:
            self.notes.append(f"{label}: {wanted} clamped to the device maximum {maximum}")
            wanted = maximum
        if wanted != current:
            self.pending.append(([option, str(wanted)], f"{label} {current} -> {wanted}"))

    def flush(self, flag: str) -> None:
        if self.pending:
            args = [tok for pair, _what in self.pending for tok in pair]
            self.set(flag, args, [what for _pair, what in self.pending])
        self.pending = []

    def channels(self) -> None:
        if self.conf["channels"] < 0:
            return
        text = self.read("-l")
        if text is None:
            return
        info = sections(text)
        self.want(
            "channels",
            as_int(info["current"].get("combined")),
            as_int(info["max"].get("combined")),
            "combined channels",
            "combined",
        )
        self.flush("-L")

    def rings(self) -> None:
        if max(self.conf["rx_ring"], self.conf["tx_ring"], self.conf["tx_push_buf_len"]) < 0:
            return
        text = self.read("-g")
        if text is None:
            return
        info = sections(text)
        for key, label, option, current, maximum in (
            ("rx_ring", "rx ring", "rx", "rx", "rx"),
            ("tx_ring", "tx ring", "tx", "tx", "tx"),
            (
                "tx_push_buf_len",
                "tx push buffer length",
                "tx-push-buf-len",
                "tx push buff len",
                "tx push buff max len",
            ),
        ):
            self.want(
                key, as_int(info["current"].get(current)), as_int(info["max"].get(maximum)), label, option
            )
        self.flush("-G")

    def moderation(self) -> None:
        keys = ("adaptive_rx", "adaptive_tx", "rx_usecs", "tx_usecs")
        if all(self.conf[k] in ("", -1) for k in keys):
            return
        text = self.read("-c")
        if text is None:
            return
        current = coalesce(text)
        args, what = [], []
        for key in ("adaptive_rx", "adaptive_tx"):
            wanted, have = self.conf[key], current.get(key)
            if wanted == "":
                continue
            if have in (None, "n/a"):
                if wanted == "on":
                    self.unsupported.append(f"{_flag(key)}: not offered by this device")
                continue  # off is what a device without adaptive moderation does
            if have != wanted:
                args += [_flag(key), wanted]
                what.append(f"{_flag(key)} {have} -> {wanted}")
        for key in ("rx_usecs", "tx_usecs"):
            wanted = self.conf[key]
            if wanted < 0:
                continue
            have = as_int(current.get(key))
            if have is None:
                self.unsupported.append(f"{_flag(key)}: not offered by this device")
                continue
            if have != wanted:
                args += [_flag(key), str(wanted)]
                what.append(f"{_flag(key)} {have} -> {wanted}")
        if args:
            self.set("-C", args, what)

    def napi(self) -> None:
        for key in NAPI_KEYS:
            wanted = self.conf[key]
            if wanted < 0:
                continue
            path = f"/sys/class/net/{self.ifname}/{key}"
            have = self.fs.read_int(path)
            if have is None:
                self.unsupported.append(f"{key}: {self.fs.path(path)} not readable (kernel too old?)")
                continue
            if have == wanted:
                continue
            self.changes.append(f"{key} {have} -> {wanted}")
            if not self.check:
                try:
                    self.fs.write(path, str(wanted))
                except HostFSError as err:
                    self.errors.append(f"writing {err.strerror}")

    def run_all(self) -> None:
        self.channels()
        self.rings()
        self.moderation()
        self.napi()


def tune(conf: dict, ethtool: str, run: Runner, check: bool) -> tuple[dict, int]:
    """(report, exit status): 0 = already as configured or nothing to do here, 2 = changed (with check:
    would change), 1 = an error (missing interface, ethtool refused a setting)."""
    report: dict = {
        "changed": False,
        "changes": [],
        "unsupported": [],
        "errors": [],
        "notes": [],
        "skipped": "",
        "verb": "changed",
        "interface": conf["interface"],
    }
    if conf["apply"] != "yes":
        report["skipped"] = f"not applying on this host: {conf['reason'] or 'apply is not yes'}"
        return report, 0
    fs = HostFS(conf["root"] or "/")
    ifname = conf["interface"]
    if not fs.exists(f"/sys/class/net/{ifname}"):
        report["errors"].append(f"interface {ifname} does not exist")
        return report, 1
    driver = fs.link_name(f"/sys/class/net/{ifname}/device/driver")
    report["driver"] = driver
    if conf["driver"] and driver != conf["driver"]:
        report["skipped"] = f"{ifname} uses driver {driver or 'none'}, not {conf['driver']}: nothing applied"
        return report, 0
    tuner = Tuner(conf, fs, ethtool, run, check)
    tuner.run_all()
    report.update(
        changes=tuner.changes,
        unsupported=tuner.unsupported,
        errors=tuner.errors,
        notes=tuner.notes,
        changed=bool(tuner.changes),
        verb="would change" if check else "changed",
    )
    return report, 1 if tuner.errors else (2 if tuner.changes else 0)


def summary(report: dict) -> tuple[list[str], list[str]]:
    """The report as lines for stdout and for stderr."""
    name = report.get("interface", "?")
    out = [f"{name}: {report['skipped']}"] if report["skipped"] else []
    out += [f"{name}: {report['verb']} {line}" for line in report["changes"]]
    out += [f"{name}: note: {line}" for line in report["notes"]]
    out += [f"{name}: unsupported: {line}" for line in report["unsupported"]]
    if not report["changes"] and not report["errors"] and not report["skipped"]:
        out.append(f"{name}: already as configured")
    return out, [f"{name}: error: {line}" for line in report["errors"]]
