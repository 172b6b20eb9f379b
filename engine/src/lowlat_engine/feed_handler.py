"""UDP feed handler: receive datagrams, sequence them, keep the order books current.

Top-of-book changes from live, in-order messages are handed to `on_top_change(book, t0)`;
messages applied during recovery update the books silently, since their moment has passed.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import time
from collections.abc import Callable

from lowlat_engine.book import Book
from lowlat_engine.config import FeedSection
from lowlat_engine.metrics import Histogram
from lowlat_engine.sequencer import Sequencer
from lowlat_engine.wire import (
    MESSAGE,
    MESSAGE_SIZE,
    MSG_LEVEL,
    SIDE_ASK,
    SIDE_BID,
    Request,
    encode_request,
    encode_symbol,
)

TopChangeFn = Callable[[Book, int], None]


class FeedHandler:
    def __init__(
        self,
        cfg: FeedSection,
        symbols: tuple[str, ...],
        rx_buffer: memoryview,
        recovery_buffer: memoryview,
        on_top_change: TopChangeFn,
        latency: Histogram,
    ) -> None:
        self.cfg = cfg
        self.books: dict[bytes, Book] = {encode_symbol(s): Book(encode_symbol(s)) for s in symbols}
        self._rx = rx_buffer
        self._recovery_rx = recovery_buffer
        self._on_top_change = on_top_change
        self.latency = latency  # exchange timestamp -> receive, wall clock (same-host feeds)
        self.messages = 0
        self.ignored = 0  # messages for symbols without a book (any bytes: never decoded)
        self.bad_messages = 0  # level updates with a side other than B/S or a price <= 0
        self.trades = 0
        self.requests_sent = 0
        self.rx_wall_ns = 0  # wall-clock receive time of the datagram being handled
        self.sequencer = Sequencer(
            self._apply,
            self._reset_books,
            self._send_request,
            timeout_ns=cfg.recovery_timeout_ms * 1_000_000,
            retries=cfg.recovery_retries,
            max_buffered=cfg.max_buffered_messages,
            max_request=cfg.max_request_messages,
        )
        self.sock = _udp_socket(cfg.listen.as_tuple(), cfg.rcvbuf_bytes)
        try:
            self.recovery_sock = _udp_socket((cfg.listen.host, 0), cfg.rcvbuf_bytes)
        except OSError:
            self.sock.close()
            raise

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    @property
    def rcvbuf(self) -> int:
        return self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)

    def register(self, selector: selectors.BaseSelector, busy_poll: bool) -> None:
        if not busy_poll:  # in busy-poll mode the loop calls drain() itself
            selector.register(self.sock, selectors.EVENT_READ, self._on_readable)
        selector.register(self.recovery_sock, selectors.EVENT_READ, self._on_recovery_readable)

    def _on_readable(self, _mask: int) -> None:
        self.drain()

    def drain(self) -> int:
        """Receive every queued datagram; returns how many there were."""
        recv_into = self.sock.recv_into
        rx = self._rx
        on_packet = self.sequencer.on_packet
        clock = time.perf_counter_ns
        wall = time.time_ns
        packets = 0
        while True:
            try:
                n = recv_into(rx)
            except BlockingIOError:
                return packets
            t0 = clock()
            self.rx_wall_ns = wall()
            on_packet(rx, n, t0, t0)
            packets += 1

    def _on_recovery_readable(self, _mask: int) -> None:
        rx = self._recovery_rx
        while True:
            try:
                n = self.recovery_sock.recv_into(rx)
            except BlockingIOError:
                return
            t0 = time.perf_counter_ns()
            self.sequencer.on_packet(rx, n, t0, t0)

    def _apply(self, buf, offset: int, count: int, t0: int, live: bool) -> None:
        unpack = MESSAGE.unpack_from
        books = self.books
        on_top = self._on_top_change
        step = MESSAGE_SIZE
        ts = 0
        for _ in range(count):
            mtype, side, _r, size, symbol, price, ts = unpack(buf, offset)
            offset += step
            book = books.get(symbol)
            if book is None:
                self.ignored += 1
            elif mtype != MSG_LEVEL:
                self.trades += 1
            elif price <= 0 or (side != SIDE_BID and side != SIDE_ASK):
                self.bad_messages += 1
            elif book.apply(side, price, size) and live:
                on_top(book, t0)
        self.messages += count
        if live and count:
            self.latency.observe(max(self.rx_wall_ns - ts, 0))

    def _reset_books(self) -> None:
        for book in self.books.values():
            book.clear()

    def _send_request(self, kind: int, session: int, start: int, count: int) -> None:
        self.requests_sent += 1
        # a request that cannot be sent is retried by the sequencer's timer like a lost one
        with contextlib.suppress(OSError):
            self.recovery_sock.sendto(
                encode_request(Request(kind, session, start, count)), self.cfg.recovery.as_tuple()
            )

    def poll(self, now: int) -> None:
        self.sequencer.poll(now)

    def close(self) -> None:
        self.sock.close()
        self.recovery_sock.close()


def _udp_socket(addr: tuple[str, int], rcvbuf: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # the kernel caps this at net.core.rmem_max; the effective size is exported as a metric
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.bind(addr)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock
