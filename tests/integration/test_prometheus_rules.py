"""The monitoring configuration, rendered from the roles' templates and checked with the real tools.

- The prometheus and alertmanager templates are rendered with the roles' defaults by a small
  playbook on localhost (ansible.builtin.template into a temporary directory, nothing else), for a
  sample inventory of two engines and a monitoring host.
- `promtool check rules` / `check config` and `amtool check-config` validate them, and
  `promtool test rules` runs tests/promtool/*.test.yml: every alert fires with its labels and
  annotations and stays quiet on healthy input; the recording rules give known percentiles.
- tools/check_dashboards.py runs every dashboard query against a real Prometheus started on
  127.0.0.1 with the rendered rules, scraping a node_exporter on 127.0.0.1 (this machine's /proc,
  read-only; ENA counters from a textfile) and a stub engine /metrics page: every query returns
  series, and a query on a missing metric makes the tool fail.

Skipped when promtool, amtool, prometheus or node_exporter are not installed.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
ROLES = REPO / "roles"
PROMTOOL_TESTS = REPO / "tests" / "promtool"
DASHBOARDS = ROLES / "grafana_dashboards" / "files" / "dashboards"
CHECK_DASHBOARDS = REPO / "tools" / "check_dashboards.py"
PROMETHEUS = "/usr/bin/prometheus"
NODE_EXPORTER = "/usr/bin/prometheus-node-exporter"

ALERTS = {
    "LowlatExecutionDelayHigh",
    "LowlatOrderAckDelayHigh",
    "LowlatFeedGaps",
    "LowlatEngineDown",
    "LowlatEngineNotReady",
    "LowlatKillSwitchEngaged",
    "LowlatEnaAllowanceExceeded",
    "LowlatClockOffsetHigh",
    "LowlatClockUnsynchronised",
    "LowlatNodeExporterDown",
}

INVENTORY = {
    "all": {
        "hosts": {"localhost": {"ansible_connection": "local", "lowlat_private_address": "10.1.0.5"}},
        "children": {
            "role_engine": {
                "hosts": {
                    "engine-1": {
                        "lowlat_private_address": "10.1.0.11",
                        "lowlat_role": "engine",
                        "ec2_instance_type": "c5n.9xlarge",
                        "ec2_availability_zone": "us-east-1a",
                    },
                    "engine-2": {"lowlat_private_address": "10.1.0.12", "lowlat_role": "engine"},
                }
            },
            "role_monitoring": {"hosts": {"localhost": {}}},
        },
    }
}

# Renders what the roles write, the way they write it (same templates, vars and delimiters).
RENDER_PLAYBOOK = """\
- name: Render the monitoring configuration with the roles' defaults
  hosts: localhost
  gather_facts: false
  vars_files:
    - {roles}/prometheus/defaults/main.yml
    - {roles}/prometheus/vars/main.yml
    - {roles}/prometheus/vars/Debian.yml
    - {roles}/alertmanager/defaults/main.yml
    - {roles}/alertmanager/vars/main.yml
    - {roles}/alertmanager/vars/Debian.yml
  tasks:
    - name: Create the directories
      ansible.builtin.file:
        path: "{{{{ item }}}}"
        state: directory
        mode: "0755"
      loop: ["{{{{ __prometheus_rules_dir }}}}", "{{{{ __prometheus_file_sd_dir }}}}"]
    - name: Render the rules
      ansible.builtin.template:
        src: "{roles}/prometheus/templates/rules/{{{{ item }}}}.j2"
        dest: "{{{{ __prometheus_rules_dir }}}}/{{{{ item }}}}"
        mode: "0644"
        variable_start_string: "[["
        variable_end_string: "]]"
        block_start_string: "[%"
        block_end_string: "%]"
      loop: "{{{{ __prometheus_rule_templates }}}}"
    - name: Render the file_sd targets
      ansible.builtin.template:
        src: "{roles}/prometheus/templates/file_sd.yml.j2"
        dest: "{{{{ __prometheus_file_sd_dir }}}}/{{{{ item.key }}}}.yml"
        mode: "0644"
      loop: "{{{{ __prometheus_file_sd | dict2items }}}}"
      vars:
        __prometheus_file_sd_job: "{{{{ item.key }}}}"
        __prometheus_file_sd_targets: "{{{{ item.value }}}}"
    - name: Render prometheus.yml
      ansible.builtin.template:
        src: "{roles}/prometheus/templates/prometheus.yml.j2"
        dest: "{{{{ __prometheus_config }}}}"
        mode: "0644"
    - name: Render alertmanager.yml
      ansible.builtin.template:
        src: "{roles}/alertmanager/templates/alertmanager.yml.j2"
        dest: "{{{{ __alertmanager_config }}}}"
        mode: "0644"
"""


def _missing_tools() -> list[str]:
    tools = ["promtool", "amtool", PROMETHEUS, NODE_EXPORTER]
    return [t for t in tools if shutil.which(t) is None]


pytestmark.append(pytest.mark.skipif(bool(_missing_tools()), reason=f"missing: {_missing_tools()}"))


def _run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rendered configuration directory: prometheus.yml, rules/, file_sd/, alertmanager.yml."""
    work = tmp_path_factory.mktemp("render")
    out = work / "etc-prometheus"
    (work / "inventory.yml").write_text(yaml.safe_dump(INVENTORY))
    (work / "render.yml").write_text(RENDER_PLAYBOOK.format(roles=ROLES))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")}
    started = time.monotonic()
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(work / "inventory.yml"),
         "-e", f"ansible_python_interpreter={sys.executable}",
         "-e", f"__prometheus_config_dir={out}", "-e", f"__alertmanager_config_dir={out}",
         str(work / "render.yml")],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    print(f"rendered in {time.monotonic() - started:.1f}s")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_rules_pass_promtool_check(rendered: Path) -> None:
    for name in ("lowlat-recording.rules.yml", "lowlat-alerts.rules.yml"):
        proc = _run(["promtool", "check", "rules", str(rendered / "rules" / name)])
        assert proc.returncode == 0, proc.stdout + proc.stderr
    alerts = yaml.safe_load((rendered / "rules" / "lowlat-alerts.rules.yml").read_text())
    names = {r["alert"] for g in alerts["groups"] for r in g["rules"]}
    assert names == ALERTS
    recording = yaml.safe_load((rendered / "rules" / "lowlat-recording.rules.yml").read_text())
    records = {r["record"] for g in recording["groups"] for r in g["rules"]}
    for metric in ("tick_to_trade", "order_to_ack", "feed_latency"):
        for q in ("p50", "p95", "p99"):
            assert f"instance:lowlat_engine_{metric}_seconds:{q}_rate1m" in records


def test_promtool_unit_tests_cover_every_alert(rendered: Path) -> None:
    """Each alert fires at least once in the unit tests and is asserted quiet at least once."""
    tests = yaml.safe_load((PROMTOOL_TESTS / "lowlat-alerts.test.yml").read_text())["tests"]
    cases = [case for test in tests for case in test["alert_rule_test"]]
    fired = {c["alertname"] for c in cases if c["exp_alerts"]}
    quiet = {c["alertname"] for c in cases if not c["exp_alerts"]}
    assert fired == ALERTS
    assert quiet == ALERTS
    for case in cases:
        for alert in case["exp_alerts"]:
            assert alert["exp_labels"]["severity"] in ("critical", "warning")
            assert alert["exp_annotations"]["summary"] and alert["exp_annotations"]["description"]


def test_promtool_unit_tests_pass(rendered: Path) -> None:
    rules = rendered / "rules"
    for test in sorted(PROMTOOL_TESTS.glob("*.test.yml")):
        shutil.copy(test, rules / test.name)
        proc = _run(["promtool", "test", "rules", test.name], cwd=rules)
        assert proc.returncode == 0, f"{test.name}:\n{proc.stdout}{proc.stderr}"


def test_promtool_unit_tests_catch_a_changed_threshold(rendered: Path, tmp_path: Path) -> None:
    """The unit tests can fail: with the tick-to-trade threshold raised to 5 ms they do."""
    rules = tmp_path / "rules"
    shutil.copytree(rendered / "rules", rules)
    alerts = rules / "lowlat-alerts.rules.yml"
    text = alerts.read_text()
    assert "instance:lowlat_engine_tick_to_trade_seconds:p99_rate1m > 0.001\n" in text
    alerts.write_text(
        text.replace(
            "tick_to_trade_seconds:p99_rate1m > 0.001\n", "tick_to_trade_seconds:p99_rate1m > 0.005\n"
        )
    )
    shutil.copy(PROMTOOL_TESTS / "lowlat-alerts.test.yml", rules)
    proc = _run(["promtool", "test", "rules", "lowlat-alerts.test.yml"], cwd=rules)
    assert proc.returncode != 0
    assert "LowlatExecutionDelayHigh" in proc.stdout + proc.stderr


def test_prometheus_config_passes_promtool(rendered: Path) -> None:
    proc = _run(["promtool", "check", "config", str(rendered / "prometheus.yml")])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS: 2 rule files found" in proc.stdout
    config = yaml.safe_load((rendered / "prometheus.yml").read_text())
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    assert jobs == {"prometheus", "lowlat-node", "lowlat-engine"}
    assert config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == ["10.1.0.5:9093"]
    engines = yaml.safe_load((rendered / "file_sd" / "lowlat-engine.yml").read_text())
    assert engines == [
        {
            "targets": ["10.1.0.11:9108"],
            "labels": {
                "instance": "engine-1",
                "role": "engine",
                "instance_type": "c5n.9xlarge",
                "az": "us-east-1a",
            },
        },
        {"targets": ["10.1.0.12:9108"], "labels": {"instance": "engine-2", "role": "engine"}},
    ]
    nodes = yaml.safe_load((rendered / "file_sd" / "lowlat-node.yml").read_text())
    assert [g["targets"] for g in nodes] == [["10.1.0.11:9100"], ["10.1.0.12:9100"], ["10.1.0.5:9100"]]


def test_alertmanager_config_passes_amtool(rendered: Path) -> None:
    proc = _run(["amtool", "check-config", str(rendered / "alertmanager.yml")])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    config = yaml.safe_load((rendered / "alertmanager.yml").read_text())
    assert [r["name"] for r in config["receivers"]] == ["null"]
    assert [r["matchers"] for r in config["route"]["routes"]] == [
        ['severity="critical"'],
        ['severity="warning"'],
    ]
    inhibited = config["inhibit_rules"][0]["target_matchers"][0]
    for name in ("LowlatExecutionDelayHigh", "LowlatFeedGaps", "LowlatKillSwitchEngaged"):
        assert name in inhibited


# --- dashboards against a live Prometheus ------------------------------------------------------

ENGINE_BUCKETS = (
    5e-6,
    1e-5,
    2e-5,
    3e-5,
    5e-5,
    7.5e-5,
    1e-4,
    1.5e-4,
    2e-4,
    3e-4,
    5e-4,
    7.5e-4,
    1e-3,
    2e-3,
    5e-3,
    1e-2,
)


def _histogram(name: str, elapsed: float, per_second: float, typical: float) -> list[str]:
    """A histogram whose observations sit around `typical` seconds, growing with time."""
    count = int(elapsed * per_second)
    lines = [f"# TYPE {name} histogram"]
    for le in ENGINE_BUCKETS:
        share = 1 - math.exp(-le / typical)
        lines.append(f'{name}_bucket{{le="{le}"}} {int(count * share)}')
    lines += [f'{name}_bucket{{le="+Inf"}} {count}', f"{name}_sum {count * typical}", f"{name}_count {count}"]
    return lines


def engine_metrics(elapsed: float) -> str:
    """An engine /metrics page with the names of engine/README.md's metrics table, counters moving."""
    n = int(elapsed)
    lines = []
    lines += _histogram("lowlat_engine_tick_to_trade_seconds", elapsed, 200, 2.5e-5)
    lines += _histogram("lowlat_engine_order_to_ack_seconds", elapsed, 20, 3e-4)
    lines += _histogram("lowlat_engine_feed_latency_seconds", elapsed, 2000, 6e-5)
    counters = {
        "messages": 2000 * n, "packets": 1000 * n, "bad_packets": n // 10, "feed_gaps": n // 5,
        "feed_gap_messages": n // 2, "feed_recovered_messages": n // 2, "feed_snapshots": n // 30,
        "orders_sent": 20 * n, "order_acks": 20 * n, "fills": 5 * n, "venue_rejects": n // 7,
        "order_timeouts": n // 11,
    }  # fmt: skip
    for name, value in counters.items():
        lines += [f"# TYPE lowlat_engine_{name}_total counter", f"lowlat_engine_{name}_total {value}"]
    gauges = {"ready": 1, "kill_switch_engaged": 0, "feed_state": 1, "feed_sequence": 2000 * n,
              "feed_buffered_messages": 0, "open_orders": 2, "venue_connected": 1}  # fmt: skip
    for name, value in gauges.items():
        lines += [f"# TYPE lowlat_engine_{name} gauge", f"lowlat_engine_{name} {value}"]
    lines.append("# TYPE lowlat_engine_risk_rejects_total counter")
    for reason in (
        "kill_switch",
        "max_order_qty",
        "max_order_notional",
        "price_collar",
        "position_limit",
        "order_rate",
    ):
        lines.append(f'lowlat_engine_risk_rejects_total{{reason="{reason}"}} {n // 3}')
    lines.append("# TYPE lowlat_engine_halts_total counter")
    for reason in ("manual", "venue_rejects", "order_timeout", "signal"):
        lines.append(f'lowlat_engine_halts_total{{reason="{reason}"}} 0')
    lines.append("# TYPE lowlat_engine_position gauge")
    lines += ['lowlat_engine_position{symbol="AAA"} 100', 'lowlat_engine_position{symbol="BBB"} -40']
    return "\n".join(lines) + "\n"


class _EngineHandler(BaseHTTPRequestHandler):
    started = time.monotonic()

    def do_GET(self) -> None:
        body = engine_metrics(time.monotonic() - self.started + 60).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _query(prometheus: str, expr: str) -> list[dict]:
    url = f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=5) as resp:
        return json.load(resp)["data"]["result"]


# ENA counters as node_exporter's ethtool collector names them (bookworm's 1.5), through the
# textfile collector: this machine has no ENA.
ENA_TEXTFILE = "".join(
    f'# TYPE node_ethtool_{a}_allowance_exceeded untyped\nnode_ethtool_{a}_allowance_exceeded{{device="ens5"}} {v}\n'
    for a, v in (("bw_in", 3), ("bw_out", 0), ("pps", 12), ("conntrack", 0), ("linklocal", 1))
)


@pytest.fixture(scope="module")
def live_prometheus(rendered: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prometheus on 127.0.0.1 with the rendered rules, scraping node_exporter and the stub engine."""
    work = tmp_path_factory.mktemp("live")
    textfiles = work / "textfile"
    textfiles.mkdir()
    (textfiles / "ena.prom").write_text(ENA_TEXTFILE)
    engine = ThreadingHTTPServer(("127.0.0.1", 0), _EngineHandler)
    threading.Thread(target=engine.serve_forever, daemon=True).start()
    node_port, prom_port = _free_port(), _free_port()
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rendered / "rules" / "*.rules.yml")],
        "scrape_configs": [
            {"job_name": "lowlat-node", "static_configs": [{"targets": [f"127.0.0.1:{node_port}"], "labels": {"instance": "host-a"}}]},
            {"job_name": "lowlat-engine", "static_configs": [{"targets": [f"127.0.0.1:{engine.server_address[1]}"], "labels": {"instance": "engine-1"}}]},
        ],
    }  # fmt: skip
    (work / "prometheus.yml").write_text(yaml.safe_dump(config))
    collectors = ["cpu", "interrupts", "softnet", "timex", "netstat", "pressure", "uname", "textfile"]
    procs = []
    try:
        procs.append(subprocess.Popen(
            [NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{node_port}", "--collector.disable-defaults",
             *[f"--collector.{c}" for c in collectors], f"--collector.textfile.directory={textfiles}"],
            stdout=subprocess.DEVNULL, stderr=(work / "node_exporter.log").open("w"),
        ))  # fmt: skip
        procs.append(subprocess.Popen(
            [PROMETHEUS, f"--config.file={work / 'prometheus.yml'}", f"--storage.tsdb.path={work / 'data'}",
             f"--web.listen-address=127.0.0.1:{prom_port}"],
            stdout=subprocess.DEVNULL, stderr=(work / "prometheus.log").open("w"),
        ))  # fmt: skip
        url = f"http://127.0.0.1:{prom_port}"
        deadline = time.monotonic() + 60
        _wait_http(f"{url}/-/ready", deadline)
        # Rates need two samples, and each rule group is evaluated on its own schedule after them:
        # wait until every recording rule has produced a series (at most 90 s; a record still
        # missing then is left for the tests to report).
        records = sorted(
            {
                rule["record"]
                for rules_file in (rendered / "rules").glob("*.rules.yml")
                for group in yaml.safe_load(rules_file.read_text())["groups"]
                for rule in group["rules"]
                if "record" in rule
            }
        )
        deadline = time.monotonic() + 90
        while not _query(url, "rate(node_interrupts_total[1m]) > 0") or [
            record for record in records if not _query(url, f'{{__name__="{record}"}}')
        ]:
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
        yield url
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        engine.shutdown()
        engine.server_close()


def _check_dashboards(prometheus: str, directory: Path, *extra: str) -> tuple[int, list[dict]]:
    proc = _run(
        [
            sys.executable,
            str(CHECK_DASHBOARDS),
            "--prometheus",
            prometheus,
            "--dashboards",
            str(directory),
            "--json",
            *extra,
        ]
    )
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_every_dashboard_query_returns_series(live_prometheus: str) -> None:
    started = time.monotonic()
    rc, results = _check_dashboards(live_prometheus, DASHBOARDS)
    failed = [
        f"{r['panel']} [{r['ref_id']}]: {r['error'] or 'no series'}: {r['expr']}"
        for r in results
        if not r["ok"]
    ]
    assert rc == 0 and not failed, "\n".join(failed)
    assert {r["dashboard"] for r in results} == {"lowlat engine", "lowlat host"}
    assert len(results) >= 40
    # Template variables were replaced before the queries ran.
    assert not any("$" in r["expr"] for r in results)
    print(f"{len(results)} dashboard queries checked in {time.monotonic() - started:.1f}s")


def test_check_dashboards_fails_on_a_missing_metric(live_prometheus: str, tmp_path: Path) -> None:
    dashboard = json.loads((DASHBOARDS / "lowlat-engine.json").read_text())
    panel = next(p for p in dashboard["panels"] if p.get("targets"))
    panel["targets"].append(
        {
            "refId": "Z",
            "expr": 'rate(lowlat_engine_no_such_metric_total{instance=~"$instance"}[$__rate_interval])',
        }
    )
    (tmp_path / "broken.json").write_text(json.dumps(dashboard))
    rc, results = _check_dashboards(live_prometheus, tmp_path)
    assert rc == 1
    bad = [r for r in results if not r["ok"]]
    assert [(r["ref_id"], r["series"]) for r in bad] == [("Z", 0)]
    assert bad[0]["expr"] == 'rate(lowlat_engine_no_such_metric_total{instance=~".+"}[1m])'


def test_check_dashboards_reports_a_bad_query(live_prometheus: str, tmp_path: Path) -> None:
    dashboard = {
        "title": "broken",
        "panels": [{"title": "p", "targets": [{"refId": "A", "expr": "rate(up[5m]"}]}],
    }
    (tmp_path / "broken.json").write_text(json.dumps(dashboard))
    rc, results = _check_dashboards(live_prometheus, tmp_path)
    assert rc == 1
    assert results[0]["error"].startswith("bad_data")


def test_absent_ok_accepts_only_matching_queries_without_series(live_prometheus: str, tmp_path: Path) -> None:
    dashboard = {
        "title": "partial",
        "panels": [
            {
                "title": "p",
                "targets": [
                    {"refId": "A", "expr": "rate(node_ethtool_lowlat_test_allowance_exceeded[1m])"},
                    {"refId": "B", "expr": "rate(lowlat_engine_no_such_metric_total[1m])"},
                    {"refId": "C", "expr": "rate(node_ethtool_bw_in_allowance_exceeded[1m]"},
                ],
            }
        ],
    }
    (tmp_path / "partial.json").write_text(json.dumps(dashboard))
    rc, results = _check_dashboards(
        live_prometheus, tmp_path, "--absent-ok", r"node_ethtool_\w+_allowance_exceeded=no ENA NIC here"
    )
    assert rc == 1
    by_ref = {r["ref_id"]: r for r in results}
    assert (by_ref["A"]["status"], by_ref["A"]["absent_reason"]) == ("n/a", "no ENA NIC here")
    assert by_ref["B"]["status"] == "FAIL"  # not covered by the pattern
    assert by_ref["C"]["status"] == "FAIL" and by_ref["C"]["error"]  # a broken query still fails
