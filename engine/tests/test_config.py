from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from lowlat_engine import cli
from lowlat_engine.config import ConfigError, load, parse
from lowlat_engine.journal import FsyncPolicy


def test_a_valid_config_parses_with_defaults(raw_config):
    cfg = parse(raw_config)
    assert cfg.feed.listen.port == 0 and cfg.venue.session == "TEST"
    assert cfg.journal.fsync is FsyncPolicy.INTERVAL
    assert cfg.engine.cpu_affinity == () and cfg.engine.sched_fifo_priority == 0
    assert cfg.strategy.tif == "ioc" and cfg.risk.halt_on_order_timeout
    assert not cfg.memory.hugetlbfs_path and cfg.diagnostics.latency_samples == 0


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [
        (("risk", "max_order_qty"), 0, "risk.max_order_qty", "between 1 and 4294967295"),
        (("risk", "max_order_qty"), "100", "risk.max_order_qty", "integer"),
        (("risk", "max_order_qty"), True, "risk.max_order_qty", "integer"),
        (("risk", "max_order_notional"), -5, "risk.max_order_notional", "number"),
        (("risk", "price_collar_bps"), 20_000, "risk.price_collar_bps", "between"),
        (("risk", "max_positon"), 5, "risk.max_positon", "unknown setting"),
        (("feed", "listen"), "localhost", "feed.listen", "HOST:PORT"),
        (("feed", "recovery"), "127.0.0.1:0", "feed.recovery", "port"),
        (("venue", "address"), "127.0.0.1:70000", "venue.address", "port"),
        (("venue", "session"), "WAY_TOO_LONG", "venue.session", "1-8"),
        (("venue", "heartbeat_timeout_ms"), 100, "venue.heartbeat_timeout_ms", "greater"),
        (("strategy", "symbols"), [], "strategy.symbols", "at least one"),
        (("strategy", "symbols"), ["AAPL", "AAPL"], "strategy.symbols", "twice"),
        (("strategy", "symbols"), ["AA PL"], "strategy.symbols", "symbols"),
        (("strategy", "threshold_pct"), 50, "strategy.threshold_pct", "between"),
        (("strategy", "order_qty"), 5000, "strategy.order_qty", "max_order_qty"),
        (("strategy", "tif"), "gtc", "strategy.tif", "one of"),
        (("journal", "fsync"), "sometimes", "journal.fsync", "always, interval, never"),
        (("journal", "dir"), "", "journal.dir", "empty"),
        (("engine", "cpu_affinity"), [0, -1], "engine.cpu_affinity", "CPU numbers"),
        (("engine", "sched_fifo_priority"), 100, "engine.sched_fifo_priority", "between 0 and 99"),
        (("engine", "busy_poll"), "yes", "engine.busy_poll", "true or false"),
        (("diagnostics", "latency_samples"), 10, "diagnostics.latency_samples_file", "required"),
        (("risk", "max_order_notional"), float("inf"), "risk.max_order_notional", "finite"),
        (("risk", "max_order_notional"), float("nan"), "risk.max_order_notional", "finite"),
        (("risk", "max_order_notional"), 1e300, "risk.max_order_notional", "at most"),
        (("risk", "max_order_qty"), 2**32, "risk.max_order_qty", "between 1 and 4294967295"),
        (("strategy", "order_qty"), 2**32, "strategy.order_qty", "between 1 and 4294967295"),
        (("risk", "max_position"), 2**63, "risk.max_position", "between"),
        (("feed", "rcvbuf_bytes"), 2**31, "feed.rcvbuf_bytes", "between"),
        (("feed", "max_request_messages"), 2**32, "feed.max_request_messages", "between"),
        (("engine", "cpu_affinity"), [2**40], "engine.cpu_affinity", "CPU numbers"),
    ],
)
def test_errors_name_the_bad_field(raw_config, path, value, field, words):
    raw = copy.deepcopy(raw_config)
    raw.setdefault(path[0], {})[path[1]] = value
    with pytest.raises(ConfigError) as err:
        parse(raw)
    assert err.value.field == field
    assert words in str(err.value) and str(err.value).startswith(field)


@pytest.mark.parametrize("section", ["feed", "venue", "strategy", "risk", "journal"])
def test_missing_required_sections_are_named(raw_config, section):
    del raw_config[section]
    with pytest.raises(ConfigError, match=f"^{section}: section is missing"):
        parse(raw_config)


def test_unknown_sections_and_missing_keys_are_named(raw_config):
    with pytest.raises(ConfigError, match=r"^risks: unknown section"):
        parse({**raw_config, "risks": {}})
    del raw_config["venue"]["session"]
    with pytest.raises(ConfigError, match=r"^venue\.session: is required"):
        parse(raw_config)


def toml_of(raw: dict) -> str:
    lines = []
    for section, values in raw.items():
        lines.append(f"[{section}]")
        lines.extend(f"{k} = {json.dumps(v)}" for k, v in values.items())
    return "\n".join(lines) + "\n"


def test_toml_and_json_files_load_the_same(raw_config, tmp_path):
    (tmp_path / "c.toml").write_text(toml_of(raw_config))
    (tmp_path / "c.json").write_text(json.dumps(raw_config))
    assert load(tmp_path / "c.toml") == load(tmp_path / "c.json")


def test_file_problems_are_reported(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load(tmp_path / "missing.toml")
    (tmp_path / "c.yaml").write_text("a: 1")
    with pytest.raises(ConfigError, match="must end in"):
        load(tmp_path / "c.yaml")
    (tmp_path / "bad.toml").write_text("[risk\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(tmp_path / "bad.toml")


def test_check_config_flag_validates_and_exits(raw_config, tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(raw_config))
    assert cli.main([str(good), "--check-config"]) == 0
    assert "is valid" in capsys.readouterr().out

    raw_config["risk"]["max_position"] = -1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw_config))
    assert cli.main([str(bad), "--check-config"]) == cli.EXIT_CONFIG
    assert "risk.max_position" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "+inf"])
def test_check_config_refuses_non_finite_toml_numbers(raw_config, tmp_path, capsys, value):
    path = tmp_path / "c.toml"
    path.write_text(
        toml_of(raw_config).replace("max_order_notional = 1000000.0", f"max_order_notional = {value}")
    )
    assert f"max_order_notional = {value}" in path.read_text()
    assert cli.main([str(path), "--check-config"]) == cli.EXIT_CONFIG
    assert "risk.max_order_notional: must be a finite number" in capsys.readouterr().err


def test_check_config_refuses_cpus_this_process_cannot_use(raw_config, tmp_path, capsys):
    raw_config["engine"]["cpu_affinity"] = [4095]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(raw_config))
    assert cli.main([str(path), "--check-config"]) == cli.EXIT_CONFIG
    assert "engine.cpu_affinity" in capsys.readouterr().err


def test_check_config_refuses_a_path_that_is_not_hugetlbfs(raw_config, tmp_path, capsys):
    raw_config["memory"] = {"hugetlbfs_path": str(tmp_path)}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(raw_config))
    assert cli.main([str(path), "--check-config"]) == cli.EXIT_CONFIG
    assert "not on a hugetlbfs mount" in capsys.readouterr().err
    raw_config["memory"]["hugetlbfs_fallback"] = True
    path.write_text(json.dumps(raw_config))
    assert cli.main([str(path), "--check-config"]) == 0


def test_the_shipped_example_is_valid():
    example = Path(__file__).parent.parent / "examples" / "engine.toml"
    cfg = load(example)
    assert cfg.engine.cpu_affinity == (2,) and cfg.memory.hugetlbfs_path
