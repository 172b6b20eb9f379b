"""`lowlat-venue-sim`: a venue with sessions, sequenced replay and a matching engine.

Each session (named at login) owns a sequenced log of everything the venue sent it; a login
names the next sequence it wants and the venue replays from there. A new login for a session
that is still connected supersedes the old connection after draining what it had already sent.
Optionally listens to the market data feed so incoming orders can trade against displayed
liquidity (see matching.py).
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import selectors
import signal
import socket
import sys
import threading
import time

from lowlat_engine import jsonlog
from lowlat_engine import venue_proto as vp
from lowlat_engine.httpserver import JSON, TEXT, AdminServer
from lowlat_engine.matching import MatchingBook, RestingOrder
from lowlat_engine.wire import (
    HEADER,
    HEADER_SIZE,
    MAX_DATAGRAM,
    MESSAGE,
    MESSAGE_SIZE,
    MSG_LEVEL,
    encode_symbol,
)

log = logging.getLogger("venue")


class Session:
    def __init__(self, name: bytes) -> None:
        self.name = name
        self.log: list[bytes] = []  # sequenced frames; seq n is log[n - 1]
        self.conn: Connection | None = None
        self.clordids: set[int] = set()
        self.positions: dict[bytes, int] = {}
        self.orders = 0
        self.fills = 0
        self.rejects = 0

    @property
    def high_seq(self) -> int:
        return len(self.log)

    def emit(self, mtype: int, *fields) -> None:
        frame = vp.encode(mtype, len(self.log) + 1, *fields)
        self.log.append(frame)
        if self.conn is not None:
            self.conn.send(frame)


class Connection:
    def __init__(self, sock: socket.socket, venue: Venue) -> None:
        self.sock = sock
        self.venue = venue
        self.reader = vp.FrameReader()
        self.out = bytearray()
        self.session: Session | None = None
        self.closed = False
        self.broken = False

    def send(self, frame: bytes) -> None:
        if self.closed or self.broken:
            return  # the frame is in the session log; a new login replays it
        if not self.out:
            try:
                sent = self.sock.send(frame)
            except BlockingIOError:
                sent = 0
            except OSError:
                self._break()
                return
            if sent == len(frame):
                return
            frame = frame[sent:]
            self.venue.want_write(self, True)
        self.out += frame

    def flush(self) -> None:
        try:
            sent = self.sock.send(self.out)
        except BlockingIOError:
            return
        except OSError:
            self._break()
            return
        del self.out[:sent]
        if not self.out:
            self.venue.want_write(self, False)

    def _break(self) -> None:
        # The peer is gone, but orders it sent may still wait in our receive buffer: keep
        # reading until EOF so every order the venue received gets processed and sequenced.
        self.broken = True
        self.out.clear()
        self.venue.want_write(self, False)


class Venue:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.sel = selectors.DefaultSelector()
        self.lock = threading.Lock()  # held by the loop while it changes state; /status reads under it
        self.sessions: dict[bytes, Session] = {}
        self.books: dict[bytes, MatchingBook] = {}
        self.allowed = {encode_symbol(s) for s in args.symbols.split(",")} if args.symbols else None
        self.next_venue_id = 1
        self.next_exec_id = 1
        self.orders_seen = 0
        self.feed_messages = 0
        self.stopping = False

        host, port = _addr(args.listen)
        self.listener = socket.create_server((host, port), reuse_port=False)
        self.listener.setblocking(False)
        self.sel.register(self.listener, selectors.EVENT_READ, self._accept)
        self.feed_sock = None
        if args.feed_listen:
            self.feed_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.feed_sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            self.feed_sock.bind(_addr(args.feed_listen))
            self.feed_sock.setblocking(False)
            self.sel.register(self.feed_sock, selectors.EVENT_READ, self._on_feed)
        self._feed_buf = bytearray(MAX_DATAGRAM + 64)

    # -- connections ---------------------------------------------------------------------

    def _accept(self, _conn) -> None:
        try:
            sock, _peer = self.listener.accept()
        except BlockingIOError:
            return
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = Connection(sock, self)
        self.sel.register(sock, selectors.EVENT_READ, conn)

    def want_write(self, conn: Connection, on: bool) -> None:
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if on else 0)
        self.sel.modify(conn.sock, events, conn)

    def close(self, conn: Connection) -> None:
        if conn.closed:
            return
        conn.closed = True
        self.sel.unregister(conn.sock)
        conn.sock.close()
        if conn.session is not None and conn.session.conn is conn:
            conn.session.conn = None

    def _readable(self, conn: Connection) -> None:
        try:
            n = conn.reader.recv_from(conn.sock)
        except BlockingIOError:
            return
        except OSError:
            n = 0
        if n == 0:
            self._drain_frames(conn)
            self.close(conn)
            return
        self._drain_frames(conn)

    def _drain_frames(self, conn: Connection) -> None:
        try:
            for mtype, fields, _raw in conn.reader.frames():
                if conn.closed:
                    return
                self._on_frame(conn, mtype, fields)
        except vp.ProtocolError as exc:
            log.warning("protocol error, closing", extra={"error": str(exc)})
            self.close(conn)

    def _on_frame(self, conn: Connection, mtype: int, fields: tuple) -> None:
        if mtype == vp.T_LOGIN:
            self._login(conn, *fields)
        elif conn.session is None:
            log.warning("message before login, closing", extra={"type": chr(mtype)})
            self.close(conn)
        elif mtype == vp.T_NEW_ORDER:
            self._new_order(conn.session, *fields)
        elif mtype == vp.T_HEARTBEAT:
            conn.send(vp.encode(vp.T_HEARTBEAT))

    def _login(self, conn: Connection, name: bytes, next_seq: int) -> None:
        session = self.sessions.setdefault(name, Session(name))
        old = session.conn
        if old is not None and old is not conn:
            # Whatever the old connection already delivered is processed before the new login
            # sees the log, so the replay below covers every order the venue ever received.
            while not old.closed:
                try:
                    n = old.reader.recv_from(old.sock)
                except BlockingIOError:
                    break
                except OSError:
                    n = 0
                self._drain_frames(old)
                if n == 0:
                    break
            self.close(old)
        if next_seq < 1 or next_seq > session.high_seq + 1:
            conn.send(vp.encode(vp.T_LOGIN_REJECTED, vp.LOGIN_SEQ_AHEAD))
            log.warning("login rejected: sequence ahead", extra={"session": name.decode().strip()})
            return
        conn.session = session
        session.conn = conn
        conn.send(vp.encode(vp.T_LOGIN_ACCEPTED, name, next_seq, session.high_seq))
        for frame in session.log[next_seq - 1 :]:
            conn.send(frame)
        log.info(
            "session logged in",
            extra={
                "session": name.decode().strip(),
                "next_seq": next_seq,
                "replayed": session.high_seq - next_seq + 1,
            },
        )

    # -- orders --------------------------------------------------------------------------

    def _new_order(self, session: Session, clordid, symbol, side, tif, qty, price) -> None:
        self.orders_seen += 1
        session.orders += 1
        args = self.args
        if args.ignore_every and self.orders_seen % args.ignore_every == 0:
            return  # fault injection: the order is silently dropped
        reason = 0
        if clordid in session.clordids:
            reason = vp.REJ_DUPLICATE_ID
        elif side not in (vp.SIDE_BUY, vp.SIDE_SELL) or tif not in (vp.TIF_IOC, vp.TIF_DAY):
            reason = vp.REJ_BAD_SIDE_OR_TIF
        elif self.allowed is not None and symbol not in self.allowed:
            reason = vp.REJ_UNKNOWN_SYMBOL
        elif not 0 < qty <= args.max_qty:
            reason = vp.REJ_BAD_QTY
        elif price <= 0 or (args.reject_every and self.orders_seen % args.reject_every == 0):
            reason = vp.REJ_BAD_PRICE
        now = time.time_ns()
        if reason:
            session.rejects += 1
            session.emit(vp.T_REJECT, clordid, reason, now)
            return
        session.clordids.add(clordid)
        venue_id = self.next_venue_id
        self.next_venue_id += 1
        session.emit(vp.T_ACK, clordid, venue_id, symbol, side, qty, price, now)
        book = self._book(symbol)
        leaves = qty
        for ex in book.match(side, price, qty):
            leaves -= ex.qty
            self._fill(session, clordid, symbol, side, ex.qty, leaves, ex.price, now)
            if ex.resting is not None:
                rest = ex.resting
                self._fill(rest.owner, rest.clordid, symbol, rest.side, ex.qty, rest.leaves, ex.price, now)
        if not leaves:
            return
        if tif == vp.TIF_IOC:
            session.emit(vp.T_CANCELED, clordid, leaves, now)
        else:
            book.rest(RestingOrder(session, clordid, venue_id, side, price, leaves))

    def _fill(self, session: Session, clordid, symbol, side, qty, leaves, price, now) -> None:
        exec_id = self.next_exec_id
        self.next_exec_id += 1
        session.fills += 1
        delta = qty if side == vp.SIDE_BUY else -qty
        session.positions[symbol] = session.positions.get(symbol, 0) + delta
        session.emit(vp.T_FILL, clordid, exec_id, symbol, side, qty, leaves, price, now)

    def _book(self, symbol: bytes) -> MatchingBook:
        book = self.books.get(symbol)
        if book is None:
            book = self.books[symbol] = MatchingBook(symbol)
        return book

    # -- market data ---------------------------------------------------------------------

    def _on_feed(self, _conn) -> None:
        # Level updates are applied as they arrive; a lost datagram leaves a stale level until
        # the feed updates it again, which is acceptable for a simulator's liquidity view.
        buf = self._feed_buf
        while True:
            try:
                n = self.feed_sock.recv_into(buf)
            except BlockingIOError:
                return
            if n < HEADER_SIZE:
                continue
            count = HEADER.unpack_from(buf, 0)[5]
            if HEADER_SIZE + count * MESSAGE_SIZE != n:
                continue
            for i in range(count):
                mtype, side, _r, size, symbol, price, _ts = MESSAGE.unpack_from(
                    buf, HEADER_SIZE + i * MESSAGE_SIZE
                )
                if mtype == MSG_LEVEL and (self.allowed is None or symbol in self.allowed):
                    self._book(symbol).market.apply(side, price, size)
            self.feed_messages += count

    # -- status and loop -----------------------------------------------------------------

    def status(self) -> dict:
        with self.lock:
            return {
                "orders": self.orders_seen,
                "feed_messages": self.feed_messages,
                "sessions": {
                    name.decode().strip(): {
                        "connected": s.conn is not None,
                        "high_seq": s.high_seq,
                        "orders": s.orders,
                        "fills": s.fills,
                        "rejects": s.rejects,
                        "positions": {k.decode().strip(): v for k, v in s.positions.items()},
                    }
                    for name, s in self.sessions.items()
                },
            }

    def run(self, duration: float) -> None:
        deadline = time.monotonic() + duration if duration else None
        while not self.stopping:
            timeout = 0.1 if deadline is None else max(0.0, min(0.1, deadline - time.monotonic()))
            events = self.sel.select(timeout)
            with self.lock:
                for key, mask in events:
                    target = key.data
                    if isinstance(target, Connection):
                        if mask & selectors.EVENT_WRITE and not target.closed:
                            target.flush()
                        if mask & selectors.EVENT_READ and not target.closed:
                            self._readable(target)
                    else:
                        target(key.fileobj)
            if deadline is not None and time.monotonic() >= deadline:
                break


def _addr(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


def _emit(event: dict) -> None:
    print(json.dumps(event), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lowlat-venue-sim", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--listen", default="127.0.0.1:21000", help="order entry TCP HOST:PORT (port 0 = any)"
    )
    parser.add_argument("--feed-listen", default="", help="UDP HOST:PORT to receive the market data feed on")
    parser.add_argument("--http", default="", help="HOST:PORT for /status and /healthz (off when empty)")
    parser.add_argument("--symbols", default="", help="comma-separated symbols to accept (default: any)")
    parser.add_argument("--max-qty", type=int, default=1_000_000, help="largest order quantity accepted")
    parser.add_argument(
        "--duration", type=float, default=0, help="exit after this many seconds (0 = run until SIGTERM)"
    )
    parser.add_argument("--reject-every", type=int, default=0, help="fault injection: reject every Nth order")
    parser.add_argument(
        "--ignore-every", type=int, default=0, help="fault injection: never answer every Nth order"
    )
    parser.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    args = parser.parse_args(argv)
    jsonlog.setup("lowlat-venue-sim", args.log_level)
    try:
        venue = Venue(args)
    except OSError as exc:
        log.error(
            "venue failed to start",
            extra={"error": f"{exc.strerror or exc} ({errno.errorcode.get(exc.errno, '')})"},
        )
        return 1
    admin = None
    if args.http:
        host, port = _addr(args.http)
        admin = AdminServer(
            host,
            port,
            get={
                "/status": lambda: (200, JSON, json.dumps(venue.status()) + "\n"),
                "/healthz": lambda: (200, TEXT, "ok\n"),
            },
            post={},
        )
        admin.start()

    def stop(*_):
        venue.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _emit(
        {
            "event": "listening",
            "order_port": venue.listener.getsockname()[1],
            "feed_port": venue.feed_sock.getsockname()[1] if venue.feed_sock else None,
            "http_port": admin.port if admin else None,
        }
    )
    try:
        venue.run(args.duration)
    finally:
        if admin:
            admin.stop()
    _emit({"event": "summary", **venue.status()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
