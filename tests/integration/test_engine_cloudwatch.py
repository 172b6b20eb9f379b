"""lowlat-engine-cloudwatch against a real moto server on 127.0.0.1.

The engine wheel is built from engine/ and installed into a venv of its own, so the console script
that runs is the one the wheel declares. A small HTTP server on 127.0.0.1 stands in for the
engine's /metrics (rendered by the engine's own metrics registry) and answers with successive
payloads. The publisher signs with the fake credentials of safe_aws_env(); boto3 reads back what
moto stored.

What moto does and does not check: it takes PutMetricData in the Query protocol, keeps Values
and Counts (each value stored Counts times), so SampleCount, Sum, Minimum and Maximum are those
CloudWatch computes. It does not compute percentiles (ExtendedStatistics such as p99, which the
ExecutionDelayMicros alarm uses), and it does not check the SigV4 signature (only the credential
scope is used to route the request to CloudWatch in the right region); the signature itself is
compared with botocore's in engine/tests/test_sigv4.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.integration.engine_artifacts import ENGINE, build_wheel
from tools.lowlat_testbed.moto_server import MotoServer, safe_aws_env

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REGION = "eu-west-2"
NAMESPACE = "Lowlat/Engine"
INTERVAL = 10  # the publisher's smallest interval


def _payload(observations_us: list[int], orders: int, kill: int) -> str:
    from lowlat_engine.metrics import Histogram, Registry

    hist = Histogram()
    for value in observations_us:
        hist.observe(value * 1000)
    reg = Registry("lowlat_engine_")
    reg.gauge("start_time_seconds", "Unix time the engine started.", lambda: 1700000000.0)
    reg.counter("orders_sent_total", "Orders sent to the venue.", lambda: orders)
    reg.gauge("kill_switch_engaged", "1 while the kill switch halts order sending.", lambda: kill)
    reg.histogram("tick_to_trade_seconds", "Tick to trade.", hist)
    reg.histogram("order_to_ack_seconds", "Not published.", Histogram())
    return reg.render()


# Scrape 1: 3 observations, 100 orders, kill switch off. Scrape 2 adds 5 observations (40 us, three
# of 900 us, one of 20 ms, above the last finite bucket of 10 ms) and 60 orders; kill switch on.
FIRST = [3, 3, 40]
SECOND = [*FIRST, 40, 900, 900, 900, 20_000]
PAYLOADS = [_payload(FIRST, 100, 0), _payload(SECOND, 160, 1)]


class MetricsServer:
    """Serves the payloads in order on 127.0.0.1, the last one again once they run out."""

    def __init__(self, payloads: list[str]) -> None:
        outer = self
        self.payloads = payloads
        self.served = 0

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = outer.payloads[min(outer.served, len(outer.payloads) - 1)].encode()
                outer.served += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/metrics"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def publisher_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("cloudwatch-publisher")
    wheel = build_wheel(ENGINE, work / "wheel")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index", "--no-deps", "--quiet",
         "--disable-pip-version-check", str(wheel.path)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    script = venv / "bin" / "lowlat-engine-cloudwatch"
    assert script.exists(), "the wheel declares no lowlat-engine-cloudwatch console script"
    return script


@pytest.fixture
def cloudwatch(moto_server: MotoServer) -> Iterator[Any]:
    import boto3

    moto_server.reset()
    yield boto3.client("cloudwatch", region_name=REGION, endpoint_url=moto_server.url)


def _args(script: Path, metrics_url: str, moto_url: str, env_name: str, *extra: str) -> list[str]:
    return [
        str(script), "--metrics-url", metrics_url, "--endpoint-url", moto_url, "--region", REGION,
        "--namespace", NAMESPACE, "--dimension", f"Env={env_name}", *extra,
    ]  # fmt: skip


def _stats(cw: Any, name: str, env_name: str) -> dict[str, float]:
    now = datetime.now(UTC)
    points = cw.get_metric_statistics(
        Namespace=NAMESPACE,
        MetricName=name,
        Dimensions=[{"Name": "Env", "Value": env_name}],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(hours=1),
        Period=7200,
        Statistics=["SampleCount", "Sum", "Minimum", "Maximum"],
    )["Datapoints"]
    if not points:
        return {}
    return {
        "SampleCount": sum(p["SampleCount"] for p in points),
        "Sum": sum(p["Sum"] for p in points),
        "Minimum": min(p["Minimum"] for p in points),
        "Maximum": max(p["Maximum"] for p in points),
        "Unit": points[0].get("Unit"),
    }


def test_loop_publishes_deltas_rates_and_the_kill_switch(
    publisher_bin: Path, cloudwatch: Any, moto_server: MotoServer
) -> None:
    metrics = MetricsServer(PAYLOADS)
    env = safe_aws_env()
    proc = subprocess.Popen(
        _args(publisher_bin, metrics.url, moto_server.url, "test", "--interval", str(INTERVAL)),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: list[str] = []
    published = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if sum('"msg":"published"' in x for x in lines) >= 2:
                published.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert published.wait(INTERVAL * 4), "".join(lines)
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=20)
        reader.join(timeout=5)
        metrics.close()
    assert rc == 0, "".join(lines)
    assert "Signature=" not in "".join(lines)
    assert moto_server.calls("PutMetricData", REGION) == 2  # one request per interval

    listed = cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"]
    assert {m["MetricName"] for m in listed} == {
        "ExecutionDelayMicros",
        "OrdersPerSecond",
        "KillSwitchEngaged",
    }
    for metric in listed:
        assert metric["Dimensions"] == [{"Name": "Env", "Value": "test"}]

    # Only the second scrape's new observations: the first one is the loop's baseline.
    delay = _stats(cloudwatch, "ExecutionDelayMicros", "test")
    assert delay["SampleCount"] == len(SECOND) - len(FIRST) == 5
    assert delay["Minimum"] == 50  # 40 us in the 50 us bucket
    assert delay["Maximum"] == 10_000  # 20 ms: the +Inf bucket, stated as the last finite bound
    assert delay["Sum"] == 50 + 3 * 1000 + 10_000
    assert delay["Unit"] == "Microseconds"

    orders = _stats(cloudwatch, "OrdersPerSecond", "test")
    assert orders["SampleCount"] == 1  # not on the first scrape
    assert 60 / (INTERVAL + 3) < orders["Maximum"] <= 60 / (INTERVAL - 1)

    kill = _stats(cloudwatch, "KillSwitchEngaged", "test")
    assert kill["SampleCount"] == 2  # every interval
    assert (kill["Minimum"], kill["Maximum"]) == (0, 1)


def test_once_publishes_the_full_histogram_and_the_kill_switch(
    publisher_bin: Path, cloudwatch: Any, moto_server: MotoServer
) -> None:
    metrics = MetricsServer(PAYLOADS[1:])
    try:
        proc = subprocess.run(
            _args(publisher_bin, metrics.url, moto_server.url, "once", "--once"),
            env=safe_aws_env(), capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        metrics.close()
    assert proc.returncode == 0, proc.stderr
    names = {m["MetricName"] for m in cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"]}
    assert names == {"ExecutionDelayMicros", "KillSwitchEngaged"}  # no rate from a single scrape
    delay = _stats(cloudwatch, "ExecutionDelayMicros", "once")
    assert delay["SampleCount"] == len(SECOND)
    assert delay["Maximum"] == 10_000 and delay["Minimum"] == 5
    assert _stats(cloudwatch, "KillSwitchEngaged", "once")["Maximum"] == 1


def test_unreachable_engine_publishes_nothing(
    publisher_bin: Path, cloudwatch: Any, moto_server: MotoServer
) -> None:
    proc = subprocess.run(
        _args(publisher_bin, "http://127.0.0.1:9/metrics", moto_server.url, "dead", "--once"),
        env=safe_aws_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "engine not reachable" in proc.stderr
    assert cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"] == []


def test_bad_options_are_refused_before_anything(publisher_bin: Path) -> None:
    proc = subprocess.run(
        [str(publisher_bin), "--region", REGION, "--namespace", "AWS/EC2"],
        env={**safe_aws_env(), "PATH": os.environ.get("PATH", "")}, capture_output=True, text=True, timeout=30,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "--namespace must not start with AWS/" in proc.stderr


def test_cloudwatch_errors_are_logged_without_credentials(
    publisher_bin: Path, cloudwatch: Any, moto_server: MotoServer
) -> None:
    """An AWS error answer: its code and message are logged, nothing of the credentials; --once
    exits 1 (the loop would send the next interval's data)."""
    moto_server.inject_fault("PutMetricData", "Throttling", status=400, count=1)
    metrics = MetricsServer(PAYLOADS[:1])
    env = {**safe_aws_env(), "AWS_SECRET_ACCESS_KEY": "fake-secret-for-the-log-check"}
    try:
        proc = subprocess.run(
            _args(publisher_bin, metrics.url, moto_server.url, "err", "--once"),
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        metrics.close()
    assert proc.returncode == 1, proc.stderr
    assert "PutMetricData failed" in proc.stderr
    assert '"aws_error_code":"Throttling"' in proc.stderr
    assert "injected by the lowlat test server" in proc.stderr
    assert "fake-secret-for-the-log-check" not in proc.stderr
    assert moto_server.calls("PutMetricData", REGION) == 1
    assert cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"] == []
