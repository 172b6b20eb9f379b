"""`lowlat-engine-cloudwatch`: publish the engine's own metrics to CloudWatch.

Every `interval` seconds it scrapes the engine's Prometheus endpoint (GET /metrics) and sends one
PutMetricData request (AWS Query protocol, SigV4-signed for the service "monitoring"):

- ExecutionDelayMicros: the tick-to-trade histogram's new observations since the previous scrape,
  as Values (bucket upper bounds in microseconds) with Counts, so CloudWatch computes p99 itself.
  No datum when there was no new observation.
- OrdersPerSecond: new orders sent / seconds elapsed since the previous scrape (not on the first).
- KillSwitchEngaged: the engine's kill-switch gauge (1 engaged, 0 not), every interval, idle or not.

When the engine does not answer, nothing is published for that interval: the kill-switch alarm
treats missing data as breaching, which is exactly the signal a dead or unreachable engine should
give (publishing a made-up 0 would hide it, a made-up 1 would claim a halt nobody saw). A warning
is logged and the loop keeps going. CloudWatch errors are logged with AWS's error code and message
(never credentials) and the next interval sends that interval's data.

Counters that go down (the engine restarted) or a new engine start time make the current values
the delta. Standard library only.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import re
import signal
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from lowlat_engine import __version__, jsonlog
from lowlat_engine.sigv4 import CredentialProvider, CredentialsError, sign

PROG = "lowlat-engine-cloudwatch"
EXIT_USAGE = 2

HISTOGRAM = "lowlat_engine_tick_to_trade_seconds"
ORDERS = "lowlat_engine_orders_sent_total"
KILL_SWITCH = "lowlat_engine_kill_switch_engaged"
START_TIME = "lowlat_engine_start_time_seconds"

DEFAULT_METRICS_URL = "http://127.0.0.1:9108/metrics"
DEFAULT_NAMESPACE = "Lowlat/Engine"
DEFAULT_NAMES = {
    "execution_delay": "ExecutionDelayMicros",
    "orders_per_second": "OrdersPerSecond",
    "kill_switch": "KillSwitchEngaged",
}
DEFAULT_INTERVAL = 60
MIN_INTERVAL, MAX_INTERVAL = 10, 3600
# CloudWatch limits (PutMetricData).
MAX_VALUES_PER_DATUM = 150
MAX_DIMENSIONS = 30
MAX_NAME = 255
MAX_DIMENSION_VALUE = 1024
API_VERSION = "2010-08-01"

REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
NAMESPACE_RE = re.compile(r"^[A-Za-z0-9.\-_/#:]+$")

log = logging.getLogger(PROG)


class UsageError(ValueError):
    """A bad option; the message says what to fix."""


# --------------------------------------------------------------------------- scrape


Labels = dict[str, str]
_SAMPLE_RE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(\s+\S+)?$")
_LABEL_RE = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), value)


def parse_prometheus(text: str) -> dict[str, list[tuple[Labels, float]]]:
    """Samples by metric name from Prometheus text format 0.0.4; lines it cannot read are skipped."""
    samples: dict[str, list[tuple[Labels, float]]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE_RE.match(line)
        if not m:
            continue
        name, raw_labels, raw_value = m.group(1), m.group(2), m.group(3)
        labels: Labels = {}
        if raw_labels:
            labels = {k: _unescape(v) for k, v in _LABEL_RE.findall(raw_labels[1:-1])}
        try:
            value = float(raw_value)
        except ValueError:
            continue
        samples.setdefault(name, []).append((labels, value))
    return samples


@dataclass(frozen=True)
class Scrape:
    """What one scrape of the engine says (None = the metric was absent)."""

    monotonic: float
    wall: float
    buckets: tuple[tuple[float, float], ...] = ()  # (upper bound in seconds, cumulative count), +Inf last
    orders: float | None = None
    kill_switch: float | None = None
    start_time: float | None = None


def _single(samples: dict[str, list[tuple[Labels, float]]], name: str) -> float | None:
    values = samples.get(name)
    return values[0][1] if values else None


def read_scrape(text: str, monotonic: float, wall: float) -> Scrape:
    samples = parse_prometheus(text)
    buckets = []
    for labels, value in samples.get(HISTOGRAM + "_bucket", []):
        try:
            buckets.append((float(labels["le"]), value))
        except (KeyError, ValueError):
            continue
    buckets.sort()
    return Scrape(
        monotonic=monotonic,
        wall=wall,
        buckets=tuple(buckets),
        orders=_single(samples, ORDERS),
        kill_switch=_single(samples, KILL_SWITCH),
        start_time=_single(samples, START_TIME),
    )


def fetch(url: str, timeout: float) -> str:
    req = urllib.request.Request(url, headers={"Accept": "text/plain"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read().decode()


# --------------------------------------------------------------------------- conversion


def _per_bucket(buckets: tuple[tuple[float, float], ...]) -> list[float]:
    out, previous = [], 0.0
    for _, cumulative in buckets:
        out.append(cumulative - previous)
        previous = cumulative
    return out


def histogram_delta(
    previous: tuple[tuple[float, float], ...] | None, current: tuple[tuple[float, float], ...]
) -> list[tuple[float, int]]:
    """New observations since `previous` as (value in microseconds, count), ascending, zero counts
    dropped. No previous scrape, another bucket layout, or any bucket count lower than before
    (the engine restarted) = the current counts are the delta."""
    now = _per_bucket(current)
    delta = now
    if previous is not None and [b for b, _ in previous] == [b for b, _ in current]:
        before = _per_bucket(previous)
        if all(n >= b for n, b in zip(now, before, strict=True)):
            delta = [n - b for n, b in zip(now, before, strict=True)]
    finite = [bound for bound, _ in current if math.isfinite(bound)]
    merged: dict[float, int] = {}
    for (bound, _), count in zip(current, delta, strict=True):
        if count <= 0:
            continue
        if math.isfinite(bound):
            value = bound
        elif finite:
            # +Inf has no upper bound: the observation is above the largest finite bound, so that
            # bound is the closest value we can state (a lower bound of the true delay; the
            # engine's buckets end at 10 ms, far above the 1 ms alarm threshold).
            value = finite[-1]
        else:
            continue  # a histogram with only +Inf says nothing about the delay
        micros = round(value * 1e6, 3)
        merged[micros] = merged.get(micros, 0) + int(count)
    return sorted(merged.items())


def chunks(
    values: list[tuple[float, int]], size: int = MAX_VALUES_PER_DATUM
) -> list[list[tuple[float, int]]]:
    """CloudWatch takes at most 150 distinct values per datum: more go into further datums of the
    same metric and timestamp (CloudWatch aggregates them; nothing is lost or rounded)."""
    return [values[i : i + size] for i in range(0, len(values), size)]


@dataclass
class Datum:
    name: str
    unit: str
    timestamp: float
    value: float | None = None
    values: list[tuple[float, int]] = field(default_factory=list)


@dataclass
class Converter:
    """Turns successive scrapes into datums; keeps the previous scrape."""

    names: dict[str, str]
    previous: Scrape | None = None
    # --once: the first scrape's histogram counts are the delta (in a loop, the first scrape is
    # only the baseline, so a restarted publisher never sends the engine's history again).
    first_is_delta: bool = False

    def convert(self, scrape: Scrape) -> list[Datum]:
        prev = self.previous
        restarted = prev is not None and (
            prev.start_time is not None
            and scrape.start_time is not None
            and prev.start_time != scrape.start_time
        )
        out: list[Datum] = []
        if scrape.buckets and (prev is not None or self.first_is_delta):
            base = None if prev is None or restarted else prev.buckets
            values = histogram_delta(base, scrape.buckets)
            for part in chunks(values):
                out.append(Datum(self.names["execution_delay"], "Microseconds", scrape.wall, values=part))
        if prev is not None and scrape.orders is not None and prev.orders is not None:
            elapsed = scrape.monotonic - prev.monotonic
            if elapsed > 0:
                new = scrape.orders - prev.orders
                if new < 0 or restarted:
                    new = scrape.orders
                out.append(
                    Datum(self.names["orders_per_second"], "Count/Second", scrape.wall, value=new / elapsed)
                )
        if scrape.kill_switch is not None:
            out.append(Datum(self.names["kill_switch"], "None", scrape.wall, value=scrape.kill_switch))
        self.previous = scrape
        return out


# --------------------------------------------------------------------------- request


def _num(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _timestamp(wall: float) -> str:
    return datetime.fromtimestamp(wall, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def query_params(
    namespace: str, dimensions: list[tuple[str, str]], data: Iterable[Datum]
) -> list[tuple[str, str]]:
    params = [("Action", "PutMetricData"), ("Version", API_VERSION), ("Namespace", namespace)]
    for n, datum in enumerate(data, start=1):
        p = f"MetricData.member.{n}"
        params.append((f"{p}.MetricName", datum.name))
        for m, (dname, dvalue) in enumerate(dimensions, start=1):
            params.append((f"{p}.Dimensions.member.{m}.Name", dname))
            params.append((f"{p}.Dimensions.member.{m}.Value", dvalue))
        params.append((f"{p}.Timestamp", _timestamp(datum.timestamp)))
        if datum.values:
            for k, (value, count) in enumerate(datum.values, start=1):
                params.append((f"{p}.Values.member.{k}", _num(value)))
                params.append((f"{p}.Counts.member.{k}", _num(count)))
        else:
            params.append((f"{p}.Value", _num(datum.value or 0.0)))
        params.append((f"{p}.Unit", datum.unit))
    return params


def encode_body(params: list[tuple[str, str]]) -> bytes:
    """application/x-www-form-urlencoded with RFC 3986 escaping (what SigV4 canonicalises)."""
    return "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in params).encode()


def aws_error(body: bytes) -> tuple[str, str]:
    """(code, message) from an AWS Query error document, best effort."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return "", body[:200].decode(errors="replace")
    code = message = ""
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "Code" and not code:
            code = (el.text or "").strip()
        elif tag == "Message" and not message:
            message = (el.text or "").strip()
    return code, message


class PublishError(RuntimeError):
    def __init__(self, message: str, code: str = "", status: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass
class Publisher:
    endpoint: str
    region: str
    namespace: str
    dimensions: list[tuple[str, str]]
    credentials: CredentialProvider
    timeout: float = 10.0

    def put(self, data: list[Datum]) -> None:
        body = encode_body(query_params(self.namespace, self.dimensions, data))
        creds = self.credentials.get()
        headers = sign(
            "POST",
            self.endpoint,
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            body,
            creds,
            self.region,
            "monitoring",
        )
        headers["User-Agent"] = f"{PROG}/{__version__}"
        req = urllib.request.Request(self.endpoint, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as exc:
            code, message = aws_error(exc.read())
            if code in {"ExpiredToken", "InvalidClientTokenId", "UnrecognizedClientException"}:
                self.credentials.invalidate()
            raise PublishError(message or exc.reason, code, exc.code) from None
        except OSError as exc:
            raise PublishError(f"{self.endpoint} did not answer: {getattr(exc, 'reason', exc)}") from None


# --------------------------------------------------------------------------- options


@dataclass
class Settings:
    metrics_url: str = DEFAULT_METRICS_URL
    namespace: str = DEFAULT_NAMESPACE
    region: str = ""
    dimensions: list[tuple[str, str]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_NAMES))
    interval: int = DEFAULT_INTERVAL
    endpoint_url: str = ""
    log_level: str = "info"

    @property
    def endpoint(self) -> str:
        return self.endpoint_url or f"https://monitoring.{self.region}.amazonaws.com/"


def _http_url(option: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} must be an http:// or https:// URL with a host (got {value!r})")
    return value


def validate(s: Settings) -> Settings:
    _http_url("--metrics-url", s.metrics_url)
    if s.endpoint_url:
        _http_url("--endpoint-url", s.endpoint_url)
    if not s.namespace or len(s.namespace) > MAX_NAME or not NAMESPACE_RE.match(s.namespace):
        raise UsageError(
            f"--namespace must be 1-{MAX_NAME} characters of letters, digits and . - _ / # : (got {s.namespace!r})"
        )
    if s.namespace.startswith("AWS/"):
        raise UsageError(
            f"--namespace must not start with AWS/ (reserved for AWS services; got {s.namespace!r})"
        )
    if not REGION_RE.match(s.region):
        raise UsageError(
            f"--region must be an AWS region such as eu-west-2 (got {s.region!r}); "
            "it may also come from AWS_REGION or AWS_DEFAULT_REGION"
        )
    if not MIN_INTERVAL <= s.interval <= MAX_INTERVAL:
        raise UsageError(f"--interval must be {MIN_INTERVAL}..{MAX_INTERVAL} seconds (got {s.interval})")
    if len(s.dimensions) > MAX_DIMENSIONS:
        raise UsageError(f"at most {MAX_DIMENSIONS} dimensions (got {len(s.dimensions)})")
    seen = set()
    for name, value in s.dimensions:
        if not name or not value or len(name) > MAX_NAME or len(value) > MAX_DIMENSION_VALUE:
            raise UsageError(
                f"--dimension {name}={value}: name 1-{MAX_NAME} and value 1-{MAX_DIMENSION_VALUE} characters"
            )
        if name.startswith(":") or not name.isprintable() or not value.isprintable():
            raise UsageError(f"--dimension {name!r}: names must not start with ':'; no control characters")
        if name in seen:
            raise UsageError(f"--dimension {name} is given twice")
        seen.add(name)
    for key, name in s.names.items():
        if not name or len(name) > MAX_NAME or not name.isprintable():
            raise UsageError(
                f"--metric-name-{key.replace('_', '-')} must be 1-{MAX_NAME} printable characters"
            )
    if s.log_level not in ("debug", "info", "warning", "error"):
        raise UsageError(f"log_level must be debug, info, warning or error (got {s.log_level!r})")
    return s


def _dimension(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected Name=Value, got {text!r}")
    return name, value


CONFIG_KEYS = {
    "metrics_url": str,
    "namespace": str,
    "region": str,
    "dimensions": dict,
    "metric_names": dict,
    "interval": int,
    "endpoint_url": str,
    "log_level": str,
}


def _from_file(path: str) -> dict:
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except OSError as exc:
        raise UsageError(f"--config {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"--config {path}: not valid TOML ({exc})") from None
    unknown = sorted(set(doc) - set(CONFIG_KEYS))
    if unknown:
        raise UsageError(
            f"--config {path}: unknown keys {', '.join(unknown)} (known: {', '.join(CONFIG_KEYS)})"
        )
    for key, kind in CONFIG_KEYS.items():
        if key in doc and (not isinstance(doc[key], kind) or isinstance(doc[key], bool)):
            raise UsageError(f"--config {path}: {key} must be a {kind.__name__} (got {doc[key]!r})")
    for key in ("dimensions", "metric_names"):
        for k, v in doc.get(key, {}).items():
            if not isinstance(v, str):
                raise UsageError(f"--config {path}: {key}.{k} must be a string (got {v!r})")
    extra = sorted(set(doc.get("metric_names", {})) - set(DEFAULT_NAMES))
    if extra:
        raise UsageError(
            f"--config {path}: metric_names takes {', '.join(DEFAULT_NAMES)} (not {', '.join(extra)})"
        )
    return doc


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Publish the trading engine's metrics (scraped from its /metrics) to CloudWatch.",
        epilog="Options given on the command line override those from --config. Credentials come from "
        "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN or the EC2 instance role.",
    )
    p.add_argument("--config", help="TOML file with any of: " + ", ".join(CONFIG_KEYS))
    p.add_argument("--metrics-url", help=f"the engine's Prometheus endpoint (default {DEFAULT_METRICS_URL})")
    p.add_argument("--namespace", help=f"CloudWatch namespace (default {DEFAULT_NAMESPACE})")
    p.add_argument("--region", help="AWS region, e.g. eu-west-2 (default: AWS_REGION or AWS_DEFAULT_REGION)")
    p.add_argument(
        "--dimension",
        action="append",
        type=_dimension,
        metavar="NAME=VALUE",
        help="add a dimension (repeatable)",
    )
    for key, default in DEFAULT_NAMES.items():
        flag = {
            "execution_delay": "execution-delay",
            "orders_per_second": "orders",
            "kill_switch": "kill-switch",
        }
        p.add_argument(f"--metric-name-{flag[key]}", dest=f"name_{key}", help=f"default {default}")
    p.add_argument(
        "--interval", type=int, help=f"seconds, {MIN_INTERVAL}..{MAX_INTERVAL} (default {DEFAULT_INTERVAL})"
    )
    p.add_argument(
        "--endpoint-url", help="CloudWatch endpoint (default https://monitoring.<region>.amazonaws.com/)"
    )
    p.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    p.add_argument("--once", action="store_true", help="scrape and publish once, then exit")
    p.add_argument("--check-config", action="store_true", help="validate the options and exit")
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return p


def settings_from(args: argparse.Namespace, environ: dict[str, str]) -> Settings:
    s = Settings()
    if args.config:
        doc = _from_file(args.config)
        s.metrics_url = doc.get("metrics_url", s.metrics_url)
        s.namespace = doc.get("namespace", s.namespace)
        s.region = doc.get("region", s.region)
        s.dimensions = list(doc.get("dimensions", {}).items())
        s.names.update(doc.get("metric_names", {}))
        s.interval = doc.get("interval", s.interval)
        s.endpoint_url = doc.get("endpoint_url", s.endpoint_url)
        s.log_level = doc.get("log_level", s.log_level)
    for attr in ("metrics_url", "namespace", "region", "interval", "endpoint_url", "log_level"):
        if getattr(args, attr) is not None:
            setattr(s, attr, getattr(args, attr))
    if args.dimension:
        given = dict(s.dimensions)
        given.update(dict(args.dimension))  # a repeated name on the command line: the last wins
        s.dimensions = list(given.items())
    for key in DEFAULT_NAMES:
        value = getattr(args, f"name_{key}")
        if value is not None:
            s.names[key] = value
    if not s.region:
        s.region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or ""
    return validate(s)


# --------------------------------------------------------------------------- loop


@dataclass
class Runner:
    settings: Settings
    publisher: Publisher
    converter: Converter
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    scrape_timeout: float = 5.0

    def tick(self) -> bool:
        """One scrape and at most one PutMetricData; True when CloudWatch took the data (or there
        was nothing to send)."""
        url = self.settings.metrics_url
        try:
            text = fetch(url, self.scrape_timeout)
        except (OSError, ValueError) as exc:
            log.warning(
                "engine not reachable: nothing published for this interval (the kill-switch alarm sees missing data)",
                extra={"url": url, "error": str(getattr(exc, "reason", exc))},
            )
            return False
        scrape = read_scrape(text, self.clock(), self.wall())
        if scrape.kill_switch is None:
            log.warning(
                "the engine's metrics have no kill-switch gauge", extra={"metric": KILL_SWITCH, "url": url}
            )
        data = self.converter.convert(scrape)
        if not data:
            return True
        try:
            self.publisher.put(data)
        except CredentialsError as exc:
            log.error("no AWS credentials: nothing published", extra={"error": str(exc)})
            return False
        except PublishError as exc:
            log.error(
                "PutMetricData failed; the next interval sends its own data",
                extra={"aws_error_code": exc.code, "aws_error_message": str(exc), "http_status": exc.status},
            )
            return False
        log.info(
            "published",
            extra={
                "metrics": sorted({d.name for d in data}),
                "observations": sum(c for d in data for _, c in d.values),
                "kill_switch": scrape.kill_switch,
            },
        )
        return True

    def run(self, stop: threading.Event) -> None:
        interval = self.settings.interval
        start = self.clock()
        k = 0
        while not stop.is_set():
            self.tick()
            k += 1
            # A fixed schedule: a slow scrape or publish does not shift later intervals.
            next_at = start + k * interval
            now = self.clock()
            if next_at <= now:
                k = int((now - start) // interval) + 1
                next_at = start + k * interval
            stop.wait(next_at - now)


def main(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> int:
    environ = dict(os.environ) if environ is None else environ
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from(args, environ)
    except UsageError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.check_config:
        print(f"{PROG}: configuration is valid")
        return 0
    jsonlog.setup(PROG, settings.log_level)
    publisher = Publisher(
        settings.endpoint,
        settings.region,
        settings.namespace,
        settings.dimensions,
        CredentialProvider(environ),
    )
    runner = Runner(settings, publisher, Converter(settings.names, first_is_delta=args.once))
    log.info(
        "publisher started",
        extra={
            "version": __version__,
            "metrics_url": settings.metrics_url,
            "endpoint": settings.endpoint,
            "namespace": settings.namespace,
            "dimensions": dict(settings.dimensions),
            "interval": settings.interval,
        },
    )
    if args.once:
        return 0 if runner.tick() else 1
    stop = threading.Event()

    def _stop(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    runner.run(stop)
    log.info("publisher stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
