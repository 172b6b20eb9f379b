"""Shared fixtures: a valid engine configuration to vary per test."""

from __future__ import annotations

import copy
import os

import pytest
from hypothesis import settings

# The suite shares two cores with other work: no per-example deadline, and a modest example count
# (HYPOTHESIS_PROFILE=thorough runs ten times more).
settings.register_profile("engine", deadline=None, max_examples=60)
settings.register_profile("thorough", deadline=None, max_examples=600)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "engine"))

BASE_CONFIG = {
    "engine": {"name": "test", "log_level": "info"},
    "feed": {"listen": "127.0.0.1:0", "recovery": "127.0.0.1:9", "recovery_timeout_ms": 100},
    "venue": {
        "address": "127.0.0.1:9",
        "session": "TEST",
        "reconnect_interval_ms": 100,
        "order_timeout_ms": 1000,
        "heartbeat_interval_ms": 200,
        "heartbeat_timeout_ms": 2000,
    },
    "strategy": {"symbols": ["AAPL", "MSFT", "AMZN", "GOOG"], "threshold_pct": 70, "order_qty": 100},
    "risk": {
        "max_order_qty": 1000,
        "max_order_notional": 1_000_000.0,
        "max_position": 2000,
        "price_collar_bps": 100,
        "max_orders_per_second": 500,
    },
    "journal": {"dir": "/nonexistent", "fsync": "interval", "fsync_interval_ms": 5},
    "http": {"listen": "127.0.0.1:0"},
}


@pytest.fixture
def raw_config(tmp_path):
    cfg = copy.deepcopy(BASE_CONFIG)
    cfg["journal"]["dir"] = str(tmp_path / "journal")
    return cfg
