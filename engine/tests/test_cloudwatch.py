"""lowlat-engine-cloudwatch: scrape parsing, histogram deltas, datums, the query body, options."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

from lowlat_engine import cloudwatch as cw
from lowlat_engine.metrics import LATENCY_BUCKETS_NS, Histogram, Registry
from lowlat_engine.sigv4 import CredentialProvider

NAMES = dict(cw.DEFAULT_NAMES)


def exposition(hist: Histogram, orders: int = 0, kill: int = 0, started: float = 1700000000.0) -> str:
    """The engine's own rendering of the metrics the publisher reads."""
    reg = Registry("lowlat_engine_")
    reg.gauge("start_time_seconds", "start", lambda: started)
    reg.counter("orders_sent_total", "orders", lambda: orders)
    reg.gauge("kill_switch_engaged", "kill", lambda: kill)
    reg.histogram("tick_to_trade_seconds", "t2t", hist)
    reg.histogram("order_to_ack_seconds", "other", Histogram())  # must not be mixed in
    return reg.render()


def scrape(hist: Histogram, t: float, **kw) -> cw.Scrape:
    return cw.read_scrape(exposition(hist, **kw), monotonic=t, wall=1700000000.0 + t)


def observe(hist: Histogram, *values_us: int) -> Histogram:
    for v in values_us:
        hist.observe(v * 1000)
    return hist


# --- scrape ---------------------------------------------------------------------------------


def test_reads_the_engines_exposition():
    h = observe(Histogram(), 3, 5, 7, 20_000)
    s = scrape(h, 0.0, orders=12, kill=1)
    assert s.orders == 12 and s.kill_switch == 1 and s.start_time == 1700000000.0
    assert len(s.buckets) == len(LATENCY_BUCKETS_NS) + 1
    assert s.buckets[0] == (5e-06, 2)  # 3 and 5 us: a value on the bound is in that bucket
    assert s.buckets[-1] == (float("inf"), 4)


def test_parser_handles_labels_escapes_and_junk():
    text = '# HELP x y\nm{a="q\\"uote",le="0.5"} 3\nbroken line here\nn 1.5e3\nbad{x="1"} nan-ish\n'
    samples = cw.parse_prometheus(text)
    assert samples["m"] == [({"a": 'q"uote', "le": "0.5"}, 3.0)]
    assert samples["n"] == [({}, 1500.0)]
    assert "bad" not in samples


# --- histogram deltas -----------------------------------------------------------------------


def test_delta_between_scrapes_in_microseconds():
    h = observe(Histogram(), 3, 40)
    first = scrape(h, 0).buckets
    observe(h, 3, 3, 40, 900, 900, 900)
    assert cw.histogram_delta(first, scrape(h, 1).buckets) == [(5.0, 2), (50.0, 1), (1000.0, 3)]


def test_inf_bucket_uses_the_largest_finite_bound_and_merges_with_it():
    h = observe(Histogram(), 10_000, 50_000, 99_000)  # 10 ms is the last finite bound; two above
    assert cw.histogram_delta(None, scrape(h, 0).buckets) == [(10_000.0, 3)]


def test_only_an_inf_bucket_says_nothing():
    assert cw.histogram_delta(None, ((float("inf"), 5.0),)) == []


def test_counter_reset_makes_current_counts_the_delta():
    h = observe(Histogram(), 3, 3, 3, 40)
    before = scrape(h, 0).buckets
    restarted = observe(Histogram(), 40, 40)  # fewer in the first bucket: the engine restarted
    assert cw.histogram_delta(before, scrape(restarted, 1).buckets) == [(50.0, 2)]


def test_no_new_observations_gives_no_values_and_no_datum():
    h = observe(Histogram(), 3)
    conv = cw.Converter(NAMES)
    conv.convert(scrape(h, 0, kill=0))
    data = conv.convert(scrape(h, 60, kill=0))
    assert [d.name for d in data] == ["OrdersPerSecond", "KillSwitchEngaged"]
    assert cw.histogram_delta(scrape(h, 0).buckets, scrape(h, 1).buckets) == []


def test_more_than_150_values_split_into_datums_without_loss():
    bounds = tuple(range(1000, 401_000, 1000))  # 400 buckets, 1 us .. 400 us
    h = Histogram(bounds)
    for b in bounds:
        h.observe(b)
    buckets = cw.read_scrape(exposition(h), 0, 0).buckets
    values = cw.histogram_delta(None, buckets)
    assert len(values) == 400
    conv = cw.Converter(NAMES, first_is_delta=True)
    data = [d for d in conv.convert(cw.Scrape(0, 0, buckets)) if d.name == "ExecutionDelayMicros"]
    assert [len(d.values) for d in data] == [150, 150, 100]
    assert sum(c for d in data for _, c in d.values) == 400
    assert all(len({v for v, _ in d.values}) <= cw.MAX_VALUES_PER_DATUM for d in data)


# --- converter ------------------------------------------------------------------------------


def test_loop_first_scrape_is_a_baseline_then_deltas_and_rates():
    h = observe(Histogram(), 3, 3)
    conv = cw.Converter(NAMES)
    first = conv.convert(scrape(h, 0, orders=100, kill=0))
    assert [(d.name, d.value, d.unit) for d in first] == [("KillSwitchEngaged", 0, "None")]
    observe(h, 40, 2000)
    second = {d.name: d for d in conv.convert(scrape(h, 20, orders=160, kill=1))}
    assert second["ExecutionDelayMicros"].values == [(50.0, 1), (2000.0, 1)]
    assert second["ExecutionDelayMicros"].unit == "Microseconds"
    assert second["OrdersPerSecond"].value == pytest.approx(3.0)
    assert second["OrdersPerSecond"].unit == "Count/Second"
    assert second["KillSwitchEngaged"].value == 1


def test_once_sends_the_full_histogram_and_no_rate():
    h = observe(Histogram(), 3, 40, 40)
    data = cw.Converter(NAMES, first_is_delta=True).convert(scrape(h, 0, orders=5, kill=1))
    assert [d.name for d in data] == ["ExecutionDelayMicros", "KillSwitchEngaged"]
    assert data[0].values == [(5.0, 1), (50.0, 2)]


def test_orders_counter_reset_and_new_start_time():
    conv = cw.Converter(NAMES)
    h = Histogram()
    conv.convert(scrape(h, 0, orders=500))
    rate = {d.name: d.value for d in conv.convert(scrape(h, 10, orders=50))}["OrdersPerSecond"]
    assert rate == pytest.approx(5.0)  # went down: 50 new orders since the restart
    # More orders than before, but a new start time: still a restart.
    observe(h, 3, 3)
    conv.convert(scrape(h, 20, orders=60))
    fresh = observe(Histogram(), 3, 3, 3)
    data = {d.name: d for d in conv.convert(scrape(fresh, 30, orders=70, started=1700000100.0))}
    assert data["OrdersPerSecond"].value == pytest.approx(7.0)
    assert data["ExecutionDelayMicros"].values == [(5.0, 3)]


# --- query body -----------------------------------------------------------------------------


def test_query_body_encoding():
    data = [
        cw.Datum("ExecutionDelayMicros", "Microseconds", 1700000000.0, values=[(5.0, 2), (7.5, 1)]),
        cw.Datum("KillSwitchEngaged", "None", 1700000000.0, value=1),
    ]
    params = cw.query_params("Lowlat/Engine", [("Env", "prod"), ("Host", "a b&c")], data)
    body = cw.encode_body(params)
    assert body.startswith(b"Action=PutMetricData&Version=2010-08-01&Namespace=Lowlat%2FEngine&")
    assert b"a%20b%26c" in body and b"+" not in body
    decoded = dict(parse_qsl(body.decode(), strict_parsing=True))
    assert decoded == {
        "Action": "PutMetricData",
        "Version": "2010-08-01",
        "Namespace": "Lowlat/Engine",
        "MetricData.member.1.MetricName": "ExecutionDelayMicros",
        "MetricData.member.1.Dimensions.member.1.Name": "Env",
        "MetricData.member.1.Dimensions.member.1.Value": "prod",
        "MetricData.member.1.Dimensions.member.2.Name": "Host",
        "MetricData.member.1.Dimensions.member.2.Value": "a b&c",
        "MetricData.member.1.Timestamp": "2023-11-14T22:13:20Z",
        "MetricData.member.1.Values.member.1": "5",
        "MetricData.member.1.Counts.member.1": "2",
        "MetricData.member.1.Values.member.2": "7.5",
        "MetricData.member.1.Counts.member.2": "1",
        "MetricData.member.1.Unit": "Microseconds",
        "MetricData.member.2.MetricName": "KillSwitchEngaged",
        "MetricData.member.2.Dimensions.member.1.Name": "Env",
        "MetricData.member.2.Dimensions.member.1.Value": "prod",
        "MetricData.member.2.Dimensions.member.2.Name": "Host",
        "MetricData.member.2.Dimensions.member.2.Value": "a b&c",
        "MetricData.member.2.Timestamp": "2023-11-14T22:13:20Z",
        "MetricData.member.2.Value": "1",
        "MetricData.member.2.Unit": "None",
    }


def test_aws_error_document():
    body = (
        b'<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type>'
        b"<Code>InvalidParameterValue</Code><Message>bad value</Message></Error></ErrorResponse>"
    )
    assert cw.aws_error(body) == ("InvalidParameterValue", "bad value")
    assert cw.aws_error(b"not xml")[0] == ""


# --- options --------------------------------------------------------------------------------


def _settings(*argv: str, environ: dict[str, str] | None = None) -> cw.Settings:
    args = cw.build_parser().parse_args(list(argv))
    return cw.settings_from(args, environ or {})


def test_defaults_and_overrides(tmp_path):
    s = _settings("--region", "eu-west-2")
    assert (s.namespace, s.interval, s.names, s.dimensions) == ("Lowlat/Engine", 60, NAMES, [])
    assert s.endpoint == "https://monitoring.eu-west-2.amazonaws.com/"
    config = tmp_path / "cw.toml"
    config.write_text(
        'namespace = "Lowlat/Test"\nregion = "us-east-1"\ninterval = 30\n'
        '[dimensions]\nEnv = "prod"\nRole = "engine"\n[metric_names]\nkill_switch = "Halted"\n'
    )
    s = _settings("--config", str(config), "--dimension", "Env=dev", "--interval", "120")
    assert s.namespace == "Lowlat/Test" and s.region == "us-east-1" and s.interval == 120
    assert s.dimensions == [("Env", "dev"), ("Role", "engine")]
    assert s.names["kill_switch"] == "Halted" and s.names["execution_delay"] == "ExecutionDelayMicros"
    assert _settings(environ={"AWS_DEFAULT_REGION": "ap-southeast-1"}).region == "ap-southeast-1"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "--region must be an AWS region such as eu-west-2"),
        (["--region", "eu-west-2", "--namespace", "AWS/EC2"], "must not start with AWS/"),
        (["--region", "eu-west-2", "--interval", "5"], "--interval must be 10..3600 seconds (got 5)"),
        (["--region", "eu-west-2", "--interval", "3601"], "--interval must be 10..3600"),
        (["--region", "eu-west-2", "--dimension", "Env="], "--dimension Env=: name 1-255 and value"),
        (
            ["--region", "eu-west-2", "--endpoint-url", "ftp://x"],
            "--endpoint-url must be an http:// or https://",
        ),
        (["--region", "eu-west-2", "--metrics-url", "localhost:9108"], "--metrics-url must be an http://"),
        (["--region", "eu-west-2", *[f"--dimension=D{i}=v" for i in range(31)]], "at most 30 dimensions"),
    ],
)
def test_bad_options_exit_2_with_what_to_fix(argv, message, capsys):
    assert cw.main(argv, environ={}) == cw.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("lowlat-engine-cloudwatch: ") and message in err


def test_bad_config_file(tmp_path, capsys):
    config = tmp_path / "cw.toml"
    config.write_text('region = "eu-west-2"\nintervall = 60\n')
    assert cw.main(["--config", str(config)], environ={}) == 2
    assert "unknown keys intervall" in capsys.readouterr().err
    config.write_text('region = "eu-west-2"\ninterval = "60"\n')
    assert cw.main(["--config", str(config)], environ={}) == 2
    assert "interval must be a int" in capsys.readouterr().err
    assert cw.main(["--config", str(tmp_path / "missing.toml")], environ={}) == 2


def test_check_config(capsys):
    assert cw.main(["--region", "eu-west-2", "--check-config"], environ={}) == 0
    assert "configuration is valid" in capsys.readouterr().out


# --- one tick against local servers ---------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    bodies: list[tuple[dict[str, str], bytes]]
    answer: tuple[int, bytes] = (200, b"<PutMetricDataResponse/>")
    metrics_text = ""

    def do_GET(self):
        body = type(self).metrics_text.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        data = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).bodies.append((dict(self.headers), data))
        status, body = type(self).answer
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    handler = type("H", (_Recorder,), {"bodies": []})
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def _runner(url: str, metrics_url: str) -> cw.Runner:
    s = cw.validate(cw.Settings(metrics_url=metrics_url, region="eu-west-2", endpoint_url=url + "/"))
    env = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "very-secret-key-value"}
    pub = cw.Publisher(s.endpoint, s.region, s.namespace, [("Env", "test")], CredentialProvider(env))
    return cw.Runner(s, pub, cw.Converter(s.names, first_is_delta=True))


def test_tick_publishes_one_signed_request(server):
    handler, url = server
    handler.metrics_text = exposition(observe(Histogram(), 3), kill=1)
    assert _runner(url, url + "/metrics").tick()
    [(headers, body)] = handler.bodies
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-2/monitoring/aws4_request" in headers["Authorization"]
    decoded = dict(parse_qsl(body.decode()))
    assert decoded["MetricData.member.1.Values.member.1"] == "5"
    assert decoded["MetricData.member.2.MetricName"] == "KillSwitchEngaged"


def test_tick_logs_aws_errors_without_secrets(server, caplog):
    handler, url = server
    handler.metrics_text = exposition(Histogram(), kill=0)
    handler.answer = (
        400,
        b"<ErrorResponse><Error><Code>InvalidParameterValue</Code><Message>nope</Message></Error></ErrorResponse>",
    )
    with caplog.at_level("INFO"):
        assert not _runner(url, url + "/metrics").tick()
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.aws_error_code == "InvalidParameterValue" and record.aws_error_message == "nope"
    assert "very-secret-key-value" not in caplog.text


def test_engine_unreachable_publishes_nothing(server, caplog):
    handler, url = server
    with caplog.at_level("WARNING"):
        assert not _runner(url, "http://127.0.0.1:9/metrics").tick()
    assert handler.bodies == []
    assert "engine not reachable" in caplog.text
