from __future__ import annotations

import re

import pytest

from lowlat_engine.metrics import Histogram, Registry

SAMPLE = re.compile(r'^([a-z_:][a-z0-9_:]*)(\{([a-z_]+="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|\+Inf)$')


def parse(text: str) -> dict[str, float]:
    """Check every line against the text format and return samples keyed by 'name{labels}'."""
    samples = {}
    for line in text.splitlines():
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) [a-z_:][a-z0-9_:]* .+$", line), line
            continue
        assert SAMPLE.match(line), line
        key, value = line.rsplit(" ", 1)
        samples[key] = float(value)
    return samples


def test_values_on_a_bound_fall_into_that_bucket():
    h = Histogram((10, 20))
    for v in (0, 10, 11, 20, 21, 10_000):
        h.observe(v)
    assert h.counts == [2, 2, 2] and h.count == 6 and h.sum_ns == 10_062


def test_exposition_is_valid_and_histograms_are_cumulative_in_seconds():
    reg = Registry("demo_")
    hist = Histogram((5_000, 100_000))
    for v in (1_000, 7_000, 8_000, 2_000_000):
        hist.observe(v)
    reg.histogram("latency_seconds", "Latency.", hist)
    reg.counter("events_total", "Events.", lambda: 3)
    reg.gauge("position", "Per symbol.", lambda: [({"symbol": "AAPL"}, -5), ({"symbol": 'we"ird\\'}, 1)])
    text = reg.render()
    samples = parse(text)
    assert samples['demo_latency_seconds_bucket{le="5e-06"}'] == 1
    assert samples['demo_latency_seconds_bucket{le="0.0001"}'] == 3
    assert samples['demo_latency_seconds_bucket{le="+Inf"}'] == 4 == samples["demo_latency_seconds_count"]
    assert samples["demo_latency_seconds_sum"] == pytest.approx(0.002016)
    assert samples["demo_events_total"] == 3
    assert samples['demo_position{symbol="AAPL"}'] == -5
    assert 'symbol="we\\"ird\\\\"' in text
    assert "# TYPE demo_latency_seconds histogram" in text


def test_registry_guards_names():
    reg = Registry("x_")
    with pytest.raises(ValueError):
        reg.counter("events", "no _total suffix", lambda: 1)
    reg.gauge("g", "g", lambda: 1)
    with pytest.raises(ValueError):
        reg.gauge("g", "again", lambda: 1)
    with pytest.raises(ValueError):
        Histogram((10, 5))
