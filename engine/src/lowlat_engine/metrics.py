"""Prometheus text exposition (format 0.0.4) without a client library.

The hot path only bumps plain integers on the objects that own them; the registry reads them
through callbacks when /metrics is scraped. Histograms record nanoseconds into fixed buckets
and are exposed in seconds.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable

# 5 us .. 10 ms, the range where tick-to-trade and order-to-ack live on a tuned host.
LATENCY_BUCKETS_NS = (
    5_000,
    10_000,
    20_000,
    30_000,
    50_000,
    75_000,
    100_000,
    150_000,
    200_000,
    300_000,
    500_000,
    750_000,
    1_000_000,
    2_000_000,
    5_000_000,
    10_000_000,
)

Labels = dict[str, str]
Sample = tuple[Labels, float]
Collect = Callable[[], float | Iterable[Sample]]


class Histogram:
    __slots__ = ("bounds_ns", "count", "counts", "sum_ns")

    def __init__(self, bounds_ns: tuple[int, ...] = LATENCY_BUCKETS_NS) -> None:
        if list(bounds_ns) != sorted(set(bounds_ns)):
            raise ValueError("bucket bounds must be strictly increasing")
        self.bounds_ns = bounds_ns
        self.counts = [0] * (len(bounds_ns) + 1)  # last slot is +Inf
        self.sum_ns = 0
        self.count = 0

    def observe(self, value_ns: int) -> None:
        self.counts[bisect_left(self.bounds_ns, value_ns)] += 1
        self.sum_ns += value_ns
        self.count += 1


def escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{escape_label(str(v))}"' for k, v in labels.items()) + "}"


def _value(v: float) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    return repr(float(v))


class Registry:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._families: list[tuple[str, str, str, object]] = []  # name, type, help, source

    def _add(self, name: str, mtype: str, help_text: str, source: object) -> None:
        full = self.prefix + name
        if any(f[0] == full for f in self._families):
            raise ValueError(f"metric {full} registered twice")
        self._families.append((full, mtype, help_text, source))

    def counter(self, name: str, help_text: str, collect: Collect) -> None:
        if not name.endswith("_total"):
            raise ValueError("counter names end in _total")
        self._add(name, "counter", help_text, collect)

    def gauge(self, name: str, help_text: str, collect: Collect) -> None:
        self._add(name, "gauge", help_text, collect)

    def histogram(self, name: str, help_text: str, hist: Histogram) -> None:
        self._add(name, "histogram", help_text, hist)

    def render(self) -> str:
        out: list[str] = []
        for name, mtype, help_text, source in self._families:
            out.append(f"# HELP {name} {help_text}")
            out.append(f"# TYPE {name} {mtype}")
            if isinstance(source, Histogram):
                _render_histogram(out, name, source)
                continue
            value = source()
            samples = [({}, value)] if isinstance(value, int | float) else value
            out.extend(f"{name}{_labels(labels)} {_value(v)}" for labels, v in samples)
        return "\n".join(out) + "\n"


def _render_histogram(out: list[str], name: str, hist: Histogram) -> None:
    counts = list(hist.counts)  # one consistent copy; the engine thread keeps writing
    cumulative = 0
    for bound, n in zip(hist.bounds_ns, counts, strict=False):
        cumulative += n
        out.append(f'{name}_bucket{{le="{bound / 1e9!r}"}} {cumulative}')
    cumulative += counts[-1]
    out.append(f'{name}_bucket{{le="+Inf"}} {cumulative}')
    out.append(f"{name}_sum {hist.sum_ns / 1e9!r}")
    out.append(f"{name}_count {cumulative}")
