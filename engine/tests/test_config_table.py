"""Every kind of bad engine config value, one row each: an edit of the shipped example and the exact message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lowlat_engine.config import ConfigError, load

EXAMPLE = Path(__file__).parent.parent / "examples" / "engine.toml"
TOP = "# Example lowlat-engine configuration"  # the example's first line: text put before it is top-level
SECTIONS = "diagnostics, engine, feed, http, journal, memory, risk, strategy, venue"

# (id, text in the example, its replacement, exact ConfigError message)
ROWS = [
    # unknown keys and tables
    (
        "typo-required-key",
        "max_position = 5000",
        "max_positon = 5000",
        "risk.max_positon: unknown setting; did you mean 'max_position'?",
    ),
    (
        "typo-optional-key",
        "busy_poll = false",
        "busypoll = false",
        "engine.busypoll: unknown setting; did you mean 'busy_poll'?",
    ),
    (
        "unknown-key-no-near-name",
        'admin_token_file = ""',
        'admin_token_file = ""\ncolor = "red"',
        "http.color: unknown setting; valid settings are admin_token_file, listen",
    ),
    ("typo-table", "[risk]", "[risks]", "risks: unknown section; did you mean 'risk'?"),
    (
        "unknown-table",
        TOP,
        f"[plugins]\nx = 1\n{TOP}",
        f"plugins: unknown section; valid sections are {SECTIONS}",
    ),
    (
        "unknown-top-level-key",
        TOP,
        f"verbose = true\n{TOP}",
        f"verbose: unknown section; valid sections are {SECTIONS}",
    ),
    # wrong types
    (
        "string-for-int",
        "max_position = 5000",
        'max_position = "5000"',
        "risk.max_position: must be an integer (got string '5000')",
    ),
    (
        "bool-for-int",
        "max_order_qty = 1000",
        "max_order_qty = true",
        "risk.max_order_qty: must be an integer (got boolean true)",
    ),
    (
        "float-for-int",
        "price_collar_bps = 50",
        "price_collar_bps = 50.0",
        "risk.price_collar_bps: must be an integer (got float 50.0)",
    ),
    (
        "table-for-int",
        "max_orders_per_second = 200",
        "max_orders_per_second = { value = 200 }",
        "risk.max_orders_per_second: must be an integer (got a table)",
    ),
    (
        "string-for-number",
        "max_order_notional = 250000.0",
        'max_order_notional = "250000"',
        "risk.max_order_notional: must be a number (got string '250000')",
    ),
    (
        "bool-for-number",
        "max_order_notional = 250000.0",
        "max_order_notional = false",
        "risk.max_order_notional: must be a number (got boolean false)",
    ),
    (
        "string-for-bool",
        "halt_on_order_timeout = true",
        'halt_on_order_timeout = "yes"',
        "risk.halt_on_order_timeout: must be true or false (got string 'yes')",
    ),
    (
        "int-for-bool",
        "busy_poll = false",
        "busy_poll = 0",
        "engine.busy_poll: must be true or false (got integer 0)",
    ),
    ("int-for-string", 'session = "ENG1"', "session = 1", "venue.session: must be a string (got integer 1)"),
    (
        "array-for-string",
        'log_level = "info"',
        'log_level = ["info"]',
        "engine.log_level: must be a string (got array ['info'])",
    ),
    (
        "scalar-for-list",
        "cpu_affinity = [2]",
        "cpu_affinity = 2",
        "engine.cpu_affinity: must be a list of CPU numbers (got integer 2)",
    ),
    ("scalar-for-table", TOP, f"diagnostics = 5\n{TOP}", "diagnostics: must be a table (got integer 5)"),
    # negative or zero limits
    (
        "negative-position-limit",
        "max_position = 5000",
        "max_position = -5000",
        "risk.max_position: must be between 1 and 9223372036854775807 (got -5000)",
    ),
    (
        "zero-position-limit",
        "max_position = 5000",
        "max_position = 0",
        "risk.max_position: must be between 1 and 9223372036854775807 (got 0)",
    ),
    (
        "zero-order-qty-limit",
        "max_order_qty = 1000",
        "max_order_qty = 0",
        "risk.max_order_qty: must be between 1 and 4294967295 (got 0)",
    ),
    (
        "zero-notional-limit",
        "max_order_notional = 250000.0",
        "max_order_notional = 0.0",
        "risk.max_order_notional: must be a finite number > 0 (got 0.0)",
    ),
    (
        "negative-notional-limit",
        "max_order_notional = 250000.0",
        "max_order_notional = -1.0",
        "risk.max_order_notional: must be a finite number > 0 (got -1.0)",
    ),
    (
        "zero-order-rate",
        "max_orders_per_second = 200",
        "max_orders_per_second = 0",
        "risk.max_orders_per_second: must be between 1 and 1000000 (got 0)",
    ),
    (
        "negative-reject-breaker",
        "max_consecutive_venue_rejects = 10",
        "max_consecutive_venue_rejects = -1",
        "risk.max_consecutive_venue_rejects: must be >= 0 (got -1)",
    ),
    (
        "zero-order-timeout",
        "order_timeout_ms = 1000",
        "order_timeout_ms = 0",
        "venue.order_timeout_ms: must be >= 1 (got 0)",
    ),
    (
        "zero-strategy-qty",
        "\norder_qty = 100",
        "\norder_qty = 0",
        "strategy.order_qty: must be between 1 and 4294967295 (got 0)",
    ),
    (
        "zero-fsync-interval",
        "fsync_interval_ms = 10",
        "fsync_interval_ms = 0",
        "journal.fsync_interval_ms: must be between 1 and 10000 (got 0)",
    ),
    (
        "tiny-rcvbuf",
        "rcvbuf_bytes = 4194304",
        "rcvbuf_bytes = 0",
        "feed.rcvbuf_bytes: must be between 65536 and 2147483647 (got 0)",
    ),
    ("empty-engine-name", 'name = "eng-1"', 'name = ""', "engine.name: must not be empty"),
    # ports, CPUs, priorities
    (
        "venue-port-too-high",
        'address = "10.0.0.20:21000"',
        'address = "10.0.0.20:70000"',
        "venue.address: port must be between 1 and 65535 (got 70000)",
    ),
    (
        "recovery-port-zero",
        'recovery = "10.0.0.10:20001"',
        'recovery = "10.0.0.10:0"',
        "feed.recovery: port must be between 1 and 65535 (got 0)",
    ),
    (
        "http-port-too-high",
        'listen = "127.0.0.1:9108"',
        'listen = "127.0.0.1:65536"',
        "http.listen: port must be between 0 and 65535 (got 65536)",
    ),
    (
        "port-not-ascii-digits",
        'address = "10.0.0.20:21000"',
        'address = "10.0.0.20:²"',
        "venue.address: must be HOST:PORT (got '10.0.0.20:²')",
    ),
    (
        "port-missing",
        'address = "10.0.0.20:21000"',
        'address = "10.0.0.20"',
        "venue.address: must be HOST:PORT (got '10.0.0.20')",
    ),
    (
        "negative-cpu",
        "cpu_affinity = [2]",
        "cpu_affinity = [-1]",
        "engine.cpu_affinity: must be a list of CPU numbers (got array [-1])",
    ),
    (
        "cpu-too-high",
        "cpu_affinity = [2]",
        "cpu_affinity = [70000]",
        "engine.cpu_affinity: must be a list of CPU numbers (got array [70000])",
    ),
    (
        "negative-fifo-priority",
        "sched_fifo_priority = 0 ",
        "sched_fifo_priority = -1 ",
        "engine.sched_fifo_priority: must be between 0 and 99 (got -1)",
    ),
]
PARAMS = [pytest.param(old, new, message, id=row_id) for row_id, old, new, message in ROWS]


def edited_example(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text()
    assert text.count(old) == 1, f"{old!r} must occur once in {EXAMPLE}"
    path = tmp_path / "engine.toml"
    path.write_text(text.replace(old, new))
    return path


@pytest.mark.parametrize(("old", "new", "message"), PARAMS)
def test_bad_values_are_refused_with_the_exact_message(tmp_path, old, new, message):
    with pytest.raises(ConfigError) as err:
        load(edited_example(tmp_path, old, new))
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        p
        for p in PARAMS
        if p.id in {"typo-required-key", "bool-for-int", "zero-position-limit", "port-not-ascii-digits"}
    ],
)
def test_check_config_exits_non_zero_with_the_message_and_no_traceback(tmp_path, old, new, message):
    path = edited_example(tmp_path, old, new)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-m", "lowlat_engine.cli", str(path), "--check-config"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == f"lowlat-engine: invalid configuration {path}: {message}\n"
    assert "Traceback" not in done.stderr and not done.stdout
