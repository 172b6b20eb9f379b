"""The gateway against a scripted venue socket: login, replay, heartbeats, timeouts, rejects."""

from __future__ import annotations

import contextlib
import selectors
import socket
import time

import pytest

from lowlat_engine import venue_proto as vp
from lowlat_engine.config import parse
from lowlat_engine.gateway import Gateway, LinkState


class Rig:
    def __init__(self, raw_config, **venue) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        raw_config["venue"].update(address=f"127.0.0.1:{self.server.getsockname()[1]}", **venue)
        self.cfg = parse(raw_config).venue
        self.sel = selectors.DefaultSelector()
        self.messages = []
        self.active = 0
        self.next_seq = 5  # the owner's next expected sequence: what it applied + 1
        self.gw = Gateway(
            self.cfg, self.sel, self.on_message, self.on_active, lambda: self.next_seq, time.perf_counter_ns
        )

    def on_message(self, mtype, fields, raw, now):
        self.messages.append((mtype, fields[0]))
        self.next_seq = fields[0] + 1

    def on_active(self):
        self.active += 1

    def spin(self, until, timeout=5.0):
        deadline = time.monotonic() + timeout
        while not until():
            assert time.monotonic() < deadline, "condition not reached"
            for key, mask in self.sel.select(0.01):
                key.data(mask)
            self.gw.poll(time.perf_counter_ns())

    def accept(self) -> tuple[socket.socket, vp.FrameReader]:
        conn = None

        def accepted():
            nonlocal conn
            self.server.setblocking(False)
            try:
                conn, _ = self.server.accept()
            except BlockingIOError:
                return False
            return True

        self.spin(accepted)
        conn.setblocking(False)
        return conn, vp.FrameReader()

    def read(self, conn, reader, want_type):
        got = []

        def arrived():
            with contextlib.suppress(BlockingIOError):
                reader.recv_from(conn)
            got.extend(f for f in reader.frames() if f[0] == want_type)
            return got

        self.spin(arrived)
        return got[0][1]

    def close(self):
        self.gw.close()
        self.server.close()


@pytest.fixture
def rig(raw_config):
    made = []

    def make(**venue):
        made.append(Rig(raw_config, **venue))
        return made[-1]

    yield make
    for r in made:
        r.close()


def test_login_names_the_next_sequence_and_replay_completes_before_active(rig):
    r = rig()
    conn, reader = r.accept()
    assert r.read(conn, reader, vp.T_LOGIN) == (b"TEST    ", 5)
    conn.send(vp.encode(vp.T_LOGIN_ACCEPTED, b"TEST    ", 5, 6))
    conn.send(vp.encode(vp.T_CANCELED, 5, 1, 10, 0))
    r.spin(lambda: r.messages)
    assert r.gw.state == LinkState.REPLAYING and not r.active
    conn.send(vp.encode(vp.T_REJECT, 6, 2, vp.REJ_BAD_QTY, 0))
    r.spin(lambda: r.active)
    assert r.messages == [(vp.T_CANCELED, 5), (vp.T_REJECT, 6)] and r.gw.active
    conn.close()


def test_idle_link_sends_heartbeats_and_a_silent_venue_is_dropped(rig):
    r = rig(heartbeat_interval_ms=50, heartbeat_timeout_ms=300, reconnect_interval_ms=50)
    conn, reader = r.accept()
    r.read(conn, reader, vp.T_LOGIN)
    conn.send(vp.encode(vp.T_LOGIN_ACCEPTED, b"TEST    ", 5, 4))
    r.spin(lambda: r.gw.active)
    r.read(conn, reader, vp.T_HEARTBEAT)  # the engine side keeps the link warm
    r.spin(lambda: r.gw.state == LinkState.DISCONNECTED)  # ... but hears nothing back
    assert "heartbeat" in r.gw.last_error and r.gw.disconnects == 1
    conn2, _ = r.accept()  # and reconnects on its own
    r.spin(lambda: r.gw.connects == 2)
    conn.close()
    conn2.close()


def test_a_replay_ends_with_what_the_owner_applied_not_with_any_sequence_number(rig):
    r = rig()
    r.on_message = lambda mtype, fields, raw, now: r.messages.append((mtype, fields[0]))  # applies nothing
    r.gw._on_message = r.on_message
    conn, reader = r.accept()
    r.read(conn, reader, vp.T_LOGIN)
    conn.send(vp.encode(vp.T_LOGIN_ACCEPTED, b"TEST    ", 5, 6))
    conn.send(vp.encode(vp.T_CANCELED, 2**64 - 1, 1, 10, 0))
    r.spin(lambda: r.messages)
    assert r.gw.state == LinkState.REPLAYING and not r.active
    conn.close()


def test_a_login_accepted_for_another_session_is_refused(rig):
    r = rig(reconnect_interval_ms=10_000)
    conn, reader = r.accept()
    r.read(conn, reader, vp.T_LOGIN)
    conn.send(vp.encode(vp.T_LOGIN_ACCEPTED, b"OTHER   ", 5, 4))
    r.spin(lambda: r.gw.state == LinkState.DISCONNECTED)
    assert not r.active and "OTHER" in r.gw.last_error
    conn.close()


def test_rejected_login_never_becomes_active(rig):
    r = rig(reconnect_interval_ms=10_000)
    conn, reader = r.accept()
    r.read(conn, reader, vp.T_LOGIN)
    conn.send(vp.encode(vp.T_LOGIN_REJECTED, vp.LOGIN_SEQ_AHEAD))
    r.spin(lambda: r.gw.login_rejects == 1)
    assert r.gw.state == LinkState.DISCONNECTED and not r.active
    conn.close()


def test_unreachable_venue_is_retried(rig):
    r = rig(reconnect_interval_ms=20, connect_timeout_ms=200)
    r.server.close()  # nothing listens on the port any more
    r.spin(lambda: r.gw.last_error)
    assert r.gw.state == LinkState.DISCONNECTED and not r.gw.connects
