"""Engine configuration: load TOML or JSON, validate every field, name the bad one on error."""

from __future__ import annotations

import difflib
import json
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from lowlat_engine.journal import FsyncPolicy
from lowlat_engine.risk import RiskLimits
from lowlat_engine.wire import PRICE_SCALE, encode_symbol

U32_MAX = 2**32 - 1  # quantities travel as u32 on the wire
I64_MAX = 2**63 - 1
INT_MAX = 2**31 - 1  # socket options are C ints
# price (i64, fixed point) x qty must stay comparable in i64 fixed point
MAX_NOTIONAL = I64_MAX // PRICE_SCALE
MAX_CPU = 65535


class ConfigError(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"

    def as_tuple(self) -> tuple[str, int]:
        return self.host, self.port


@dataclass(frozen=True)
class EngineSection:
    name: str
    cpu_affinity: tuple[int, ...]
    sched_fifo_priority: int
    busy_poll: bool
    log_level: str


@dataclass(frozen=True)
class FeedSection:
    listen: Address
    recovery: Address
    rcvbuf_bytes: int
    recovery_timeout_ms: int
    recovery_retries: int
    max_buffered_messages: int
    max_request_messages: int


@dataclass(frozen=True)
class VenueSection:
    address: Address
    session: str
    connect_timeout_ms: int
    reconnect_interval_ms: int
    order_timeout_ms: int
    heartbeat_interval_ms: int
    heartbeat_timeout_ms: int


@dataclass(frozen=True)
class StrategySection:
    symbols: tuple[str, ...]
    threshold_pct: int
    order_qty: int
    cooldown_updates: int
    tif: str


@dataclass(frozen=True)
class JournalSection:
    dir: str
    fsync: FsyncPolicy
    fsync_interval_ms: int


@dataclass(frozen=True)
class MemorySection:
    hugetlbfs_path: str
    hugetlbfs_fallback: bool


@dataclass(frozen=True)
class HttpSection:
    listen: Address
    admin_token_file: str  # "" = state-changing endpoints disabled


@dataclass(frozen=True)
class DiagnosticsSection:
    latency_samples: int
    latency_samples_file: str


@dataclass(frozen=True)
class Config:
    engine: EngineSection
    feed: FeedSection
    venue: VenueSection
    strategy: StrategySection
    risk: RiskLimits
    journal: JournalSection
    memory: MemorySection
    http: HttpSection
    diagnostics: DiagnosticsSection


REQUIRED = object()
SECTIONS = ("engine", "feed", "venue", "strategy", "risk", "journal", "memory", "http", "diagnostics")


def _given(value: Any) -> str:
    """What the file held, in TOML terms: 'string '5000'', 'boolean true', 'a table'."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a table"
    if value is None:
        return "null"
    kind = {str: "string", int: "integer", float: "float", list: "array"}.get(
        type(value), type(value).__name__
    )
    return f"{kind} {value!r}"


def _unknown(field: str, kind: str, key: str, valid: list[str]) -> ConfigError:
    """An unknown key: suggest the nearest valid name, else list them all."""
    near = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    hint = f"did you mean {near[0]!r}?" if near else f"valid {kind}s are {', '.join(sorted(valid))}"
    return ConfigError(field, f"unknown {kind}; {hint}")


class _Section:
    """Reads one table of the raw config, checking types; its keys are the fields of `kind`."""

    def __init__(self, raw: dict, name: str, kind: type, required: bool = True) -> None:
        self.name = name
        value = raw.get(name, REQUIRED if required else {})
        if value is REQUIRED:
            raise ConfigError(name, "section is missing")
        if not isinstance(value, dict):
            raise ConfigError(name, f"must be a table (got {_given(value)})")
        valid = [f.name for f in fields(kind)]
        for key in value:  # before any value is read, so a misspelt required key is named as such
            if key not in valid:
                raise _unknown(self.field(key), "setting", key, valid)
        self.raw = value

    def _get(self, key: str, default: Any) -> Any:
        if key in self.raw:
            return self.raw[key]
        if default is REQUIRED:
            raise ConfigError(self.field(key), "is required")
        return default

    def field(self, key: str) -> str:
        return f"{self.name}.{key}"

    def integer(self, key: str, default: Any = REQUIRED, lo: int | None = None, hi: int | None = None) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(self.field(key), f"must be an integer (got {_given(value)})")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            bounds = f">= {lo}" if hi is None else f"between {lo} and {hi}"
            raise ConfigError(self.field(key), f"must be {bounds} (got {value})")
        return value

    def number(self, key: str, default: Any = REQUIRED, lo: float = 0.0, hi: float = math.inf) -> float:
        """A finite number > lo and <= hi (inf and nan, which TOML and JSON allow, are refused)."""
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(self.field(key), f"must be a number (got {_given(value)})")
        if not math.isfinite(value) or value <= lo:
            raise ConfigError(self.field(key), f"must be a finite number > {lo:g} (got {value!r})")
        if value > hi:
            raise ConfigError(self.field(key), f"must be at most {hi:.0f} (got {value!r})")
        return float(value)

    def flag(self, key: str, default: Any = REQUIRED) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(self.field(key), f"must be true or false (got {_given(value)})")
        return value

    def text(
        self, key: str, default: Any = REQUIRED, choices: tuple[str, ...] | None = None, empty: bool = True
    ) -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise ConfigError(self.field(key), f"must be a string (got {_given(value)})")
        if not empty and not value:
            raise ConfigError(self.field(key), "must not be empty")
        if choices is not None and value not in choices:
            raise ConfigError(self.field(key), f"must be one of {', '.join(choices)} (got {value!r})")
        return value

    def address(self, key: str, default: Any = REQUIRED, allow_port_zero: bool = True) -> Address:
        value = self.text(key, default)
        host, sep, port = value.rpartition(":")
        if not sep or not host or not (port.isascii() and port.isdigit()):
            raise ConfigError(self.field(key), f"must be HOST:PORT (got {value!r})")
        number, lowest = int(port), 0 if allow_port_zero else 1
        if not lowest <= number <= 65535:
            raise ConfigError(self.field(key), f"port must be between {lowest} and 65535 (got {number})")
        return Address(host, number)

    def items(self, key: str, item: Callable[[Any], bool], what: str, default: Any = REQUIRED) -> tuple:
        value = self._get(key, default)
        if not isinstance(value, list | tuple) or not all(item(v) for v in value):
            raise ConfigError(self.field(key), f"must be a list of {what} (got {_given(value)})")
        return tuple(value)


def _is_cpu(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_CPU


def _is_symbol(v: Any) -> bool:
    try:
        encode_symbol(v)
    except (ValueError, AttributeError, UnicodeEncodeError):
        return False
    return True


def parse(raw: dict) -> Config:
    if not isinstance(raw, dict):
        raise ConfigError("<root>", "must be a table")
    for key in raw:
        if key not in SECTIONS:
            raise _unknown(key, "section", key, list(SECTIONS))

    s = _Section(raw, "engine", EngineSection, required=False)
    engine = EngineSection(
        name=s.text("name", "lowlat-engine", empty=False),
        cpu_affinity=s.items("cpu_affinity", _is_cpu, "CPU numbers", []),
        sched_fifo_priority=s.integer("sched_fifo_priority", 0, 0, 99),
        busy_poll=s.flag("busy_poll", False),
        log_level=s.text("log_level", "info", ("debug", "info", "warning", "error")),
    )

    s = _Section(raw, "feed", FeedSection)
    feed = FeedSection(
        listen=s.address("listen"),
        recovery=s.address("recovery", allow_port_zero=False),
        rcvbuf_bytes=s.integer("rcvbuf_bytes", 4 << 20, 65536, INT_MAX),
        recovery_timeout_ms=s.integer("recovery_timeout_ms", 200, 1),
        recovery_retries=s.integer("recovery_retries", 3, 0),
        max_buffered_messages=s.integer("max_buffered_messages", 1_000_000, 1000),
        max_request_messages=s.integer("max_request_messages", 100_000, 1, U32_MAX),
    )

    s = _Section(raw, "venue", VenueSection)
    venue = VenueSection(
        address=s.address("address", allow_port_zero=False),
        session=s.text("session"),
        connect_timeout_ms=s.integer("connect_timeout_ms", 1000, 1),
        reconnect_interval_ms=s.integer("reconnect_interval_ms", 500, 1),
        order_timeout_ms=s.integer("order_timeout_ms", 1000, 1),
        heartbeat_interval_ms=s.integer("heartbeat_interval_ms", 1000, 1),
        heartbeat_timeout_ms=s.integer("heartbeat_timeout_ms", 5000, 1),
    )
    if not _is_symbol(venue.session):
        raise ConfigError(
            "venue.session", f"must be 1-8 ASCII characters without spaces (got {venue.session!r})"
        )
    if venue.heartbeat_timeout_ms <= venue.heartbeat_interval_ms:
        raise ConfigError("venue.heartbeat_timeout_ms", "must be greater than venue.heartbeat_interval_ms")

    s = _Section(raw, "strategy", StrategySection)
    strategy = StrategySection(
        symbols=s.items("symbols", _is_symbol, "1-8 character ASCII symbols"),
        threshold_pct=s.integer("threshold_pct", 70, 51, 100),
        order_qty=s.integer("order_qty", 100, 1, U32_MAX),
        cooldown_updates=s.integer("cooldown_updates", 10, 0),
        tif=s.text("tif", "ioc", ("ioc", "day")),
    )
    if not strategy.symbols:
        raise ConfigError("strategy.symbols", "must name at least one symbol")
    if len(set(strategy.symbols)) != len(strategy.symbols):
        raise ConfigError("strategy.symbols", "lists a symbol twice")

    s = _Section(raw, "risk", RiskLimits)
    risk = RiskLimits(
        max_order_qty=s.integer("max_order_qty", REQUIRED, 1, U32_MAX),
        max_order_notional=s.number("max_order_notional", hi=MAX_NOTIONAL),
        max_position=s.integer("max_position", REQUIRED, 1, I64_MAX),
        price_collar_bps=s.integer("price_collar_bps", REQUIRED, 1, 10_000),
        max_orders_per_second=s.integer("max_orders_per_second", REQUIRED, 1, 1_000_000),
        max_consecutive_venue_rejects=s.integer("max_consecutive_venue_rejects", 10, 0),
        halt_on_order_timeout=s.flag("halt_on_order_timeout", True),
    )
    if strategy.order_qty > risk.max_order_qty:
        raise ConfigError("strategy.order_qty", "is above risk.max_order_qty; every order would be rejected")

    s = _Section(raw, "journal", JournalSection)
    fsync = s.text("fsync", "interval", tuple(p.value for p in FsyncPolicy))
    journal = JournalSection(
        dir=s.text("dir", empty=False),
        fsync=FsyncPolicy(fsync),
        fsync_interval_ms=s.integer("fsync_interval_ms", 10, 1, 10_000),
    )

    s = _Section(raw, "memory", MemorySection, required=False)
    memory = MemorySection(
        hugetlbfs_path=s.text("hugetlbfs_path", ""),
        hugetlbfs_fallback=s.flag("hugetlbfs_fallback", False),
    )

    s = _Section(raw, "http", HttpSection, required=False)
    http = HttpSection(
        listen=s.address("listen", "127.0.0.1:9108"),
        admin_token_file=s.text("admin_token_file", ""),
    )

    s = _Section(raw, "diagnostics", DiagnosticsSection, required=False)
    diagnostics = DiagnosticsSection(
        latency_samples=s.integer("latency_samples", 0, 0, 100_000_000),
        latency_samples_file=s.text("latency_samples_file", ""),
    )
    if diagnostics.latency_samples and not diagnostics.latency_samples_file:
        raise ConfigError("diagnostics.latency_samples_file", "is required when latency_samples > 0")

    return Config(engine, feed, venue, strategy, risk, journal, memory, http, diagnostics)


def load(path: str | Path) -> Config:
    path = Path(path)
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise ConfigError("<file>", f"cannot read {path}: {exc.strerror}") from exc
    try:
        if path.suffix == ".toml":
            raw = tomllib.loads(text.decode())
        elif path.suffix == ".json":
            raw = json.loads(text)
        else:
            raise ConfigError("<file>", f"{path} must end in .toml or .json")
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError("<file>", f"{path} is not valid {path.suffix[1:].upper()}: {exc}") from exc
    return parse(raw)
