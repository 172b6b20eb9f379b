"""Feed simulator, engine and venue simulator as real processes on 127.0.0.1."""

from __future__ import annotations

import json
import platform
import signal
import time

import pytest
from harness import Lab, Procs, http_get, http_post, kill9, wait_until

from lowlat_engine import __version__, records
from lowlat_engine import venue_proto as vp
from lowlat_engine.journal import KIND_DEAD_LETTER, KIND_MAIN, FsyncPolicy, Journal, iter_payloads
from lowlat_engine.risk import Reason

pytestmark = pytest.mark.e2e

AAPL = b"AAPL    "
T2T = "lowlat_engine_tick_to_trade_seconds"
O2A = "lowlat_engine_order_to_ack_seconds"


@pytest.fixture
def procs():
    running = Procs()
    try:
        yield running
    finally:
        running.stop_all()


def nonzero(positions: dict) -> dict:
    return {k: v for k, v in positions.items() if v}


def engine_status(lab: Lab) -> dict:
    return json.loads(http_get(lab.http, "/status")[1])


def test_orders_flow_metrics_readiness_and_graceful_stop(procs, tmp_path, raw_config):
    lab = Lab(procs, tmp_path, raw_config)
    engine = lab.start_engine()
    wait_until(lambda: lab.metrics()["lowlat_engine_venue_connected"] == 1, what="venue session")
    assert http_get(lab.http, "/healthz")[0] == 200
    assert http_get(lab.http, "/readyz")[0] == 503  # no feed joined yet

    feed = lab.start_feed("--rate", "4000", "--duration", "2")
    wait_until(lambda: http_get(lab.http, "/readyz")[0] == 200, what="readiness")
    wait_until(lambda: lab.metrics()["lowlat_engine_fills_total"] >= 20, what="fills")
    feed.wait_event(lambda e: e.get("event") == "published")
    wait_until(lambda: lab.metrics()["lowlat_engine_open_orders"] == 0, what="orders done")

    m = lab.metrics()
    for name in (T2T, O2A):
        assert f'{name}_bucket{{le="5e-06"}}' in m and f'{name}_bucket{{le="0.01"}}' in m
        assert m[f'{name}_bucket{{le="+Inf"}}'] == m[f"{name}_count"] > 0
    assert m[f"{T2T}_count"] == m["lowlat_engine_orders_sent_total"]
    assert m[f'lowlat_engine_build_info{{version="{__version__}",python="{platform.python_version()}"}}'] == 1
    assert m["lowlat_engine_messages_total"] > 0 and m["lowlat_engine_kill_switch_engaged"] == 0
    assert 'lowlat_engine_risk_rejects_total{reason="position_limit"}' in m

    # Everything the engine sent reached the venue, and both agree on the resulting positions.
    venue = lab.venue_session()
    assert venue["orders"] == m["lowlat_engine_orders_sent_total"]
    assert venue["fills"] == m["lowlat_engine_fills_total"]
    assert nonzero(venue["positions"]) == nonzero(engine_status(lab)["positions"])
    assert any(key.startswith("lowlat_engine_position{") and v for key, v in m.items())

    lab.venue.stop()  # readiness follows the venue session
    wait_until(lambda: http_get(lab.http, "/readyz")[0] == 503, what="not ready without venue")
    assert http_get(lab.http, "/healthz")[0] == 200

    engine.signal(signal.SIGTERM)
    assert engine.wait() == 0
    stopped = engine.wait_event(lambda e: e.get("msg") == "engine stopped")
    assert stopped["orders_sent"] == m["lowlat_engine_orders_sent_total"]
    journal = tmp_path / "journal" / "engine.journal"
    assert len(list(iter_payloads(str(journal), 1))) >= 2 * m["lowlat_engine_orders_sent_total"]


def test_late_join_and_dropped_packets_are_recovered(procs, tmp_path, raw_config):
    lab = Lab(procs, tmp_path, raw_config)
    feed = lab.start_feed("--rate", "5000", "--count", "12000", "--drop-every", "40", "--linger", "20")
    time.sleep(0.5)  # the engine joins a feed that is already running: it needs a snapshot
    lab.start_engine()
    published = feed.wait_event(lambda e: e.get("event") == "published", timeout=30)
    # the last datagram is one of the dropped ones (12000 is a multiple of 40): only the feed's
    # heartbeat tells the engine it is missing
    wait_until(
        lambda: lab.metrics()["lowlat_engine_feed_sequence"] == published["messages"], what="caught up"
    )
    m = lab.metrics()
    assert m["lowlat_engine_feed_snapshots_total"] >= 1
    assert m["lowlat_engine_feed_gaps_total"] >= 1
    assert m["lowlat_engine_feed_recovered_messages_total"] >= 1
    assert m["lowlat_engine_feed_state"] == 1 and m["lowlat_engine_feed_buffered_messages"] == 0
    assert m["lowlat_engine_feed_joined"] == 1
    feed.stop()
    summary = feed.wait_event(lambda e: e.get("event") == "summary")
    assert summary["dropped_packets"] == 12000 // 40 and summary["retransmitted_messages"] > 0


def test_kill_switch_halts_sending_until_released(procs, tmp_path, raw_config):
    lab = Lab(procs, tmp_path, raw_config)
    lab.start_engine()
    lab.start_feed("--rate", "4000", "--duration", "30")
    wait_until(lambda: lab.metrics()["lowlat_engine_orders_sent_total"] >= 10, what="orders")

    assert http_post(lab.http, "/kill-switch/engage")[0] == 401  # the token is required
    assert http_post(lab.http, "/kill-switch/engage", "not-the-token")[0] == 403
    assert lab.metrics()["lowlat_engine_kill_switch_engaged"] == 0
    status, body = http_post(lab.http, "/kill-switch/engage", lab.token)
    assert status == 200 and json.loads(body) == {"kill_switch": True}
    halted = lab.metrics()
    assert halted["lowlat_engine_kill_switch_engaged"] == 1
    assert halted['lowlat_engine_halts_total{reason="manual"}'] == 1
    time.sleep(1.0)
    later = lab.metrics()
    assert later["lowlat_engine_orders_sent_total"] == halted["lowlat_engine_orders_sent_total"]
    assert later['lowlat_engine_risk_rejects_total{reason="kill_switch"}'] > 0
    assert lab.venue_session()["orders"] == halted["lowlat_engine_orders_sent_total"]
    assert engine_status(lab)["kill_switch"] is True

    assert http_post(lab.http, "/kill-switch/release")[0] == 401
    assert engine_status(lab)["kill_switch"] is True
    assert json.loads(http_post(lab.http, "/kill-switch/release", lab.token)[1]) == {"kill_switch": False}
    wait_until(
        lambda: lab.metrics()["lowlat_engine_orders_sent_total"] > later["lowlat_engine_orders_sent_total"],
        what="sending to resume",
    )
    lab.engine.signal(signal.SIGUSR1)  # the operator's other way to halt
    wait_until(lambda: lab.metrics()['lowlat_engine_halts_total{reason="signal"}'] == 1, what="signal halt")


def test_venue_rejects_and_ack_timeouts_are_dead_lettered_and_timeouts_halt(procs, tmp_path, raw_config):
    raw_config["venue"]["order_timeout_ms"] = 300
    raw_config["risk"]["max_consecutive_venue_rejects"] = 0
    lab = Lab(procs, tmp_path, raw_config, venue_extra=("--reject-every", "4", "--ignore-every", "7"))
    lab.start_engine()
    lab.start_feed("--rate", "4000", "--duration", "30")
    wait_until(lambda: lab.metrics()['lowlat_engine_halts_total{reason="order_timeout"}'] == 1, what="halt")
    m = lab.metrics()
    assert m["lowlat_engine_kill_switch_engaged"] == 1
    assert m["lowlat_engine_order_timeouts_total"] >= 1 and m["lowlat_engine_venue_rejects_total"] >= 1
    lab.engine.signal(signal.SIGTERM)
    assert lab.engine.wait() == 0
    dead = [
        records.DEAD_LETTER.unpack(p)[1]
        for p in iter_payloads(str(tmp_path / "journal" / "deadletter.journal"), KIND_DEAD_LETTER)
    ]
    assert Reason.VENUE_REJECT in dead and Reason.ACK_TIMEOUT in dead
    # the halt is journaled: a restarted engine comes back halted
    lab.start_engine("engine2")
    assert lab.metrics()["lowlat_engine_kill_switch_engaged"] == 1


def test_kill_9_loses_nothing_the_venue_acknowledged(procs, tmp_path, raw_config):
    raw_config["strategy"]["cooldown_updates"] = 0
    raw_config["risk"]["max_orders_per_second"] = 2000
    raw_config["venue"]["order_timeout_ms"] = 10_000
    lab = Lab(procs, tmp_path, raw_config)
    lab.start_engine()
    feed = lab.start_feed("--rate", "10000", "--duration", "30")
    wait_until(lambda: lab.metrics()["lowlat_engine_fills_total"] >= 150, what="fills")
    # Freeze the venue so orders pile up unanswered in its socket, then kill the engine: the
    # venue acknowledges and fills them after the engine is gone.
    lab.venue.signal(signal.SIGSTOP)
    wait_until(lambda: lab.metrics()["lowlat_engine_open_orders"] >= 3, what="orders in flight")
    kill9(lab.engine)
    lab.venue.signal(signal.SIGCONT)
    feed.stop()

    jdir = tmp_path / "journal"
    # an order journaled in the instant before the crash, never sent
    journal = Journal(str(jdir / "engine.journal"), KIND_MAIN, FsyncPolicy.NEVER)
    unsent = records.rebuild(journal.recovered.payloads).blotter.next_clordid
    journal.append(records.ORDER_NEW, records.R_ORDER_NEW, vp.SIDE_BUY, vp.TIF_IOC, 1, unsent, AAPL, 1, 0)
    journal.close()
    with open(jdir / "engine.journal", "ab") as f:  # and a torn write at the tail
        f.write(b"\x13\x37\x00\x00\x40")
    venue = wait_until(lambda: (v := lab.venue_session()) and not v["connected"] and v, what="venue idle")
    assert venue["fills"] >= 150

    engine = lab.start_engine("engine2")
    engine.wait_event(lambda e: "torn tail" in e.get("msg", "") and e.get("truncated_bytes") == 5)
    login = engine.wait_event(lambda e: e.get("msg") == "venue login accepted")
    assert login["next_seq"] <= login["high_seq"]  # the venue replayed what the engine never saw
    active = engine.wait_event(lambda e: e.get("msg") == "venue session active")
    assert active["orders_never_received"] == 1
    status = engine_status(lab)
    assert nonzero(status["positions"]) == nonzero(venue["positions"])
    assert status["last_venue_seq"] == venue["high_seq"]
    assert status["open_orders"] == 0
    assert lab.metrics()["lowlat_engine_journal_truncated_bytes"] == 5
    assert lab.metrics()["lowlat_engine_orders_lost_total"] == 1

    # Without any journal the venue's replay alone rebuilds the same positions.
    engine.signal(signal.SIGTERM)
    assert engine.wait() == 0
    lost = [
        records.DEAD_LETTER.unpack(p)
        for p in iter_payloads(str(jdir / "deadletter.journal"), KIND_DEAD_LETTER)
    ]
    assert [(r[1], r[5]) for r in lost if r[1] == Reason.LOST] == [(Reason.LOST, unsent)]
    for name in ("engine.journal", "deadletter.journal"):
        (jdir / name).unlink()
    lab.start_engine("engine3")
    wait_until(lambda: lab.metrics()["lowlat_engine_venue_connected"] == 1, what="venue session")
    assert nonzero(engine_status(lab)["positions"]) == nonzero(venue["positions"])
