"""The engine in-process against a scripted venue socket, its loop turned by the test."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable

from lowlat_engine import venue_proto as vp
from lowlat_engine.config import parse
from lowlat_engine.engine import Engine
from lowlat_engine.engine_metrics import build_registry

AAPL = b"AAPL    "


class ScriptedVenue:
    """A venue the test speaks for: accepts the engine's connection and sends what it is told."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.setblocking(False)
        self.port = self.server.getsockname()[1]
        self.conn: socket.socket | None = None
        self.reader = vp.FrameReader()
        self.frames: list[tuple[int, tuple]] = []
        self.closed_by_engine = False

    def poll(self) -> None:
        if self.conn is None:
            with contextlib.suppress(BlockingIOError):
                self.conn, _ = self.server.accept()
                self.conn.setblocking(False)
                self.reader = vp.FrameReader()
                self.closed_by_engine = False
            return
        try:
            n = self.reader.recv_from(self.conn)
        except BlockingIOError:
            return
        except OSError:
            n = 0
        if n == 0:
            self.closed_by_engine = True
            self.conn.close()
            self.conn = None
            return
        self.frames.extend((mtype, fields) for mtype, fields, _raw in self.reader.frames())

    def send(self, *frames: bytes) -> None:
        assert self.conn is not None, "the engine is not connected"
        self.conn.setblocking(True)
        self.conn.sendall(b"".join(frames))
        self.conn.setblocking(False)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.server.close()


class EngineRig:
    def __init__(self, raw_config: dict, venue: ScriptedVenue) -> None:
        raw_config["venue"].update(address=f"127.0.0.1:{venue.port}", reconnect_interval_ms=20)
        self.venue = venue
        self.session = raw_config["venue"]["session"].encode().ljust(8, b" ")
        self.engine = Engine(parse(raw_config))
        self._closed = False

    def spin(self, until: Callable[[], object], timeout: float = 5.0, what: str = "condition") -> None:
        engine = self.engine
        deadline = time.monotonic() + timeout
        while not until():
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            for key, mask in engine.sel.select(0.005):
                key.data(mask)
            engine._poll(time.perf_counter_ns())
            self.venue.poll()

    def login(self, high_seq: int | None = None) -> int:
        """Wait for the engine's login, accept it; returns the next_seq the engine asked for."""
        self.venue.frames.clear()
        self.spin(lambda: any(f[0] == vp.T_LOGIN for f in self.venue.frames), what="a login")
        next_seq = next(f[1][1] for f in self.venue.frames if f[0] == vp.T_LOGIN)
        high = next_seq - 1 if high_seq is None else high_seq
        self.venue.send(vp.encode(vp.T_LOGIN_ACCEPTED, self.session, next_seq, high))
        return next_seq

    def metrics(self) -> dict[str, float]:
        samples = {}
        for line in build_registry(self.engine).render().splitlines():
            if line and not line.startswith("#"):
                key, value = line.rsplit(" ", 1)
                samples[key] = float(value)
        return samples

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.engine.shutdown()


def fill(seq: int, clordid: int, qty: int, symbol: bytes = AAPL, side: int = vp.SIDE_BUY) -> bytes:
    return vp.encode(vp.T_FILL, seq, clordid, seq, symbol, side, qty, 0, 1_000_000, 0)
