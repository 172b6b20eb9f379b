"""`lowlat-feed-sim`: publish market data over UDP at a set rate, and answer recovery requests.

The source is a seeded random walk (default) or a recording (`--replay FILE`); `--record FILE`
saves what is published for a later replay. Every published message stays in a ring buffer for
retransmission; a snapshot request is answered from the publisher's own books. `--drop-every`
and `--drop-probability` lose live datagrams on purpose (they stay retransmittable), so gap
detection and recovery can be exercised.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import signal
import socket
import sys
import time
from collections import deque

from lowlat_engine import jsonlog
from lowlat_engine.book import Book
from lowlat_engine.feed_gen import Event, RandomWalk, Recorder, Replay
from lowlat_engine.wire import (
    FLAG_RETRANSMIT,
    FLAG_SNAPSHOT,
    FLAG_SNAPSHOT_END,
    FLAG_UNAVAILABLE,
    HEADER_SIZE,
    MAX_DATAGRAM,
    MAX_MESSAGES_PER_PACKET,
    MESSAGE,
    MESSAGE_SIZE,
    MSG_LEVEL,
    REQ_RETRANSMIT,
    REQ_SNAPSHOT,
    SIDE_ASK,
    SIDE_BID,
    WireError,
    decode_request,
    pack_header,
)

log = logging.getLogger("feed")
MAX_RETRANSMIT = 100_000  # messages answered per request; the requester asks again for more


class Publisher:
    def __init__(
        self,
        dests: list[tuple[str, int]],
        recovery: tuple[str, int],
        session: int,
        batch: int,
        ring_size: int,
        drop_every: int = 0,
        drop_probability: float = 0.0,
        seed: int = 1,
        recorder: Recorder | None = None,
    ) -> None:
        self.dests = dests
        self.session = session
        self.batch = batch
        self.ring_size = ring_size
        self.drop_every = drop_every
        self.drop_probability = drop_probability
        self._drop_rnd = random.Random(seed ^ 0x5EED)
        self.recorder = recorder
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        self.recovery_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.recovery_sock.bind(recovery)
        self.recovery_sock.setblocking(False)
        self.seq = 0  # last published sequence number
        self.books: dict[bytes, Book] = {}
        self._ring = bytearray(ring_size * MESSAGE_SIZE)
        self._pkt = bytearray(MAX_DATAGRAM)
        self._reply = bytearray(MAX_DATAGRAM)
        self._req = bytearray(64)
        self.packets = 0
        self.dropped_packets = 0
        self.dropped_messages = 0
        self.send_errors = 0
        self.retransmit_requests = 0
        self.retransmitted = 0
        self.unavailable = 0
        self.snapshots = 0
        self.heartbeats = 0
        self.last_send = 0.0  # perf_counter of the last live packet or heartbeat

    @property
    def recovery_port(self) -> int:
        return self.recovery_sock.getsockname()[1]

    # -- live ----------------------------------------------------------------------------

    def publish(self, events: list[Event]) -> None:
        pkt = self._pkt
        ts = time.time_ns()
        offset = HEADER_SIZE
        pack = MESSAGE.pack_into
        books = self.books
        for mtype, side, size, symbol, price in events:
            pack(pkt, offset, mtype, side, 0, size, symbol, price, ts)
            offset += MESSAGE_SIZE
            if mtype == MSG_LEVEL:
                book = books.get(symbol)
                if book is None:
                    book = books[symbol] = Book(symbol)
                book.apply(side, price, size)
        n = len(events)
        first = self.seq + 1
        pack_header(pkt, 0, self.session, first, n)
        self._store(first, pkt, n)
        self.seq += n
        if self.recorder is not None:
            self.recorder.write(pkt[HEADER_SIZE:offset])
        self.packets += 1
        self.last_send = time.perf_counter()
        if (self.drop_every and self.packets % self.drop_every == 0) or (
            self.drop_probability and self._drop_rnd.random() < self.drop_probability
        ):
            self.dropped_packets += 1
            self.dropped_messages += n
            return
        data = memoryview(pkt)[:offset]
        for dest in self.dests:
            try:
                self.sock.sendto(data, dest)
            except OSError:
                self.send_errors += 1  # e.g. ENOBUFS; the receiver sees a gap and recovers

    def heartbeat(self) -> None:
        """A message-less packet carrying the next sequence number, so a lost tail is noticed."""
        pack_header(self._pkt, 0, self.session, self.seq + 1, 0)
        data = memoryview(self._pkt)[:HEADER_SIZE]
        for dest in self.dests:
            try:
                self.sock.sendto(data, dest)
            except OSError:
                self.send_errors += 1
        self.heartbeats += 1

    def _store(self, first: int, pkt: bytearray, n: int) -> None:
        ring, size = self._ring, self.ring_size
        for i in range(n):
            slot = (first + i - 1) % size * MESSAGE_SIZE
            src = HEADER_SIZE + i * MESSAGE_SIZE
            ring[slot : slot + MESSAGE_SIZE] = pkt[src : src + MESSAGE_SIZE]

    # -- recovery ------------------------------------------------------------------------

    def serve_requests(self) -> None:
        while True:
            try:
                n, addr = self.recovery_sock.recvfrom_into(self._req)
            except BlockingIOError:
                return
            try:
                req = decode_request(bytes(self._req[:n]))
            except WireError:
                continue
            if req.session != self.session:
                continue  # a request for an older session of this feed
            if req.kind == REQ_RETRANSMIT:
                self._retransmit(req.start_seq, req.count, addr)
            elif req.kind == REQ_SNAPSHOT:
                self._snapshot(addr)

    def _retransmit(self, start: int, count: int, addr) -> None:
        self.retransmit_requests += 1
        oldest = max(1, self.seq - self.ring_size + 1)
        if start < oldest:
            self.unavailable += 1
            pack_header(self._reply, FLAG_UNAVAILABLE, self.session, start, 0)
            self._send_reply(HEADER_SIZE, addr)
            return
        end = min(start + min(count, MAX_RETRANSMIT), self.seq + 1)
        seq = start
        reply, ring, size = self._reply, self._ring, self.ring_size
        while seq < end:
            n = min(MAX_MESSAGES_PER_PACKET, end - seq)
            for i in range(n):
                slot = (seq + i - 1) % size * MESSAGE_SIZE
                dst = HEADER_SIZE + i * MESSAGE_SIZE
                reply[dst : dst + MESSAGE_SIZE] = ring[slot : slot + MESSAGE_SIZE]
            pack_header(reply, FLAG_RETRANSMIT, self.session, seq, n)
            self._send_reply(HEADER_SIZE + n * MESSAGE_SIZE, addr)
            self.retransmitted += n
            seq += n

    def _snapshot(self, addr) -> None:
        """Send every level of every book, as of the last published sequence number."""
        self.snapshots += 1
        levels = []
        for symbol in sorted(self.books):
            book = self.books[symbol]
            for side in (SIDE_BID, SIDE_ASK):
                levels.extend((MSG_LEVEL, side, size, symbol, price) for price, size in book.levels(side))
        chunks = [
            levels[i : i + MAX_MESSAGES_PER_PACKET] for i in range(0, len(levels), MAX_MESSAGES_PER_PACKET)
        ]
        chunks = chunks or [[]]
        ts = time.time_ns()
        for part, chunk in enumerate(chunks):
            for i, (mtype, side, size, symbol, price) in enumerate(chunk):
                MESSAGE.pack_into(
                    self._reply, HEADER_SIZE + i * MESSAGE_SIZE, mtype, side, 0, size, symbol, price, ts
                )
            flags = FLAG_SNAPSHOT | (FLAG_SNAPSHOT_END if part == len(chunks) - 1 else 0)
            pack_header(self._reply, flags, self.session, self.seq, len(chunk), part)
            self._send_reply(HEADER_SIZE + len(chunk) * MESSAGE_SIZE, addr)

    def _send_reply(self, nbytes: int, addr) -> None:
        try:
            self.recovery_sock.sendto(memoryview(self._reply)[:nbytes], addr)
        except OSError:
            self.send_errors += 1

    def clearing_events(self) -> list[Event]:
        """Level deletes that empty every book (used before a replay starts over)."""
        return [
            (MSG_LEVEL, side, 0, symbol, price)
            for symbol, book in self.books.items()
            for side in (SIDE_BID, SIDE_ASK)
            for price, _size in book.levels(side)
        ]

    def close(self) -> None:
        self.sock.close()
        self.recovery_sock.close()
        if self.recorder is not None:
            self.recorder.close()


class Runner:
    """Paces a source into the publisher at `rate` messages per second."""

    def __init__(self, publisher: Publisher, source, rate: float, loop: bool, heartbeat_s: float) -> None:
        self.pub = publisher
        self.heartbeat_s = heartbeat_s
        self.source = source
        self.rate = rate
        self.loop = loop
        self.stopping = False
        self.published = 0
        self._backlog: deque[Event] = deque(source.initial_book())

    def _take(self, n: int) -> list[Event] | None:
        events = []
        backlog = self._backlog
        while len(events) < n:
            if backlog:
                events.append(backlog.popleft())
                continue
            event = self.source.next()
            if event is None:
                if not self.loop:
                    break
                self._backlog = backlog = deque(self.pub.clearing_events())
                self.source.rewind()
                continue
            events.append(event)
        return events or None

    def run(self, duration: float, count: int) -> None:
        pub = self.pub
        clock = time.perf_counter
        start = clock()
        batch = pub.batch
        packets_since_poll = 0
        while not self.stopping:
            now = clock()
            elapsed = now - start
            if (duration and elapsed >= duration) or (count and self.published >= count):
                break
            due = int(elapsed * self.rate) - self.published if self.rate else batch
            if count:
                due = min(due, count - self.published)
            if due > 0:
                events = self._take(min(due, batch))
                if events is None:
                    break  # the recording ended
                pub.publish(events)
                self.published += len(events)
                packets_since_poll += 1
                if packets_since_poll >= 32:
                    packets_since_poll = 0
                    pub.serve_requests()
                continue
            pub.serve_requests()
            self._maybe_heartbeat(now)
            wait = (self.published + 1) / self.rate - elapsed
            time.sleep(min(max(wait, 0.0), 0.001))

    def _maybe_heartbeat(self, now: float) -> None:
        if self.heartbeat_s and now - self.pub.last_send >= self.heartbeat_s:
            self.pub.heartbeat()
            self.pub.last_send = now

    def linger(self, seconds: float) -> None:
        """Keep answering recovery requests after publishing stopped."""
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            self.pub.serve_requests()
            self._maybe_heartbeat(time.perf_counter())
            time.sleep(0.002)


def _addr(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


def _emit(event: dict) -> None:
    print(json.dumps(event), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lowlat-feed-sim", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dest", action="append", required=True, help="UDP HOST:PORT to publish to (repeatable)"
    )
    parser.add_argument(
        "--recovery-listen", default="127.0.0.1:20001", help="UDP HOST:PORT for recovery requests"
    )
    parser.add_argument(
        "--rate", type=float, default=10_000, help="messages per second (0 = as fast as possible)"
    )
    parser.add_argument(
        "--batch", type=int, default=1, help=f"max messages per datagram (1..{MAX_MESSAGES_PER_PACKET})"
    )
    parser.add_argument("--duration", type=float, default=0, help="seconds to publish (0 = until SIGTERM)")
    parser.add_argument("--count", type=int, default=0, help="stop after this many messages (0 = no limit)")
    parser.add_argument(
        "--linger", type=float, default=0, help="seconds to keep serving recovery after the end"
    )
    parser.add_argument(
        "--symbols", default="AAPL,MSFT,AMZN,GOOG", help="comma-separated symbols (random walk)"
    )
    parser.add_argument("--levels", type=int, default=5, help="price levels per side (random walk)")
    parser.add_argument("--seed", type=int, default=1, help="random walk seed")
    parser.add_argument("--session", type=int, default=0, help="feed session id (default: from the clock)")
    parser.add_argument("--ring-size", type=int, default=1_000_000, help="messages kept for retransmission")
    parser.add_argument("--replay", default="", help="publish a recording instead of the random walk")
    parser.add_argument("--loop", action="store_true", help="with --replay: start over at the end")
    parser.add_argument("--record", default="", help="record every published message to this file")
    parser.add_argument(
        "--heartbeat-ms", type=float, default=100, help="idle interval before a heartbeat packet (0 = never)"
    )
    parser.add_argument("--drop-every", type=int, default=0, help="drop every Nth live datagram")
    parser.add_argument("--drop-probability", type=float, default=0.0, help="drop live datagrams at random")
    parser.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    args = parser.parse_args(argv)
    if not 1 <= args.batch <= MAX_MESSAGES_PER_PACKET:
        parser.error(f"--batch must be between 1 and {MAX_MESSAGES_PER_PACKET}")
    if args.rate < 0 or args.ring_size < 1:
        parser.error("--rate must be >= 0 and --ring-size >= 1")
    jsonlog.setup("lowlat-feed-sim", args.log_level)

    try:
        source = (
            Replay(args.replay)
            if args.replay
            else RandomWalk(args.symbols.split(","), args.seed, args.levels)
        )
    except (OSError, ValueError) as exc:
        log.error("cannot open the feed source", extra={"error": str(exc)})
        return 2
    session = args.session or (int(time.time()) & 0xFFFFFFFF) or 1
    try:
        publisher = Publisher(
            [_addr(d) for d in args.dest],
            _addr(args.recovery_listen),
            session,
            args.batch,
            args.ring_size,
            args.drop_every,
            args.drop_probability,
            args.seed,
            Recorder(args.record) if args.record else None,
        )
    except OSError as exc:
        log.error("feed failed to start", extra={"error": str(exc)})
        return 1
    runner = Runner(publisher, source, args.rate, args.loop, args.heartbeat_ms / 1000)

    def stop(*_):
        runner.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _emit({"event": "listening", "recovery_port": publisher.recovery_port, "session": session})
    started = time.perf_counter()
    try:
        runner.run(args.duration, args.count)
        elapsed = time.perf_counter() - started
        published = {
            "messages": runner.published,
            "packets": publisher.packets,
            "elapsed_s": round(elapsed, 3),
            "achieved_rate": round(runner.published / elapsed, 1) if elapsed else 0.0,
        }
        _emit({"event": "published", **published})
        runner.linger(args.linger)
    finally:
        publisher.close()
    _emit(
        {
            "event": "summary",
            **published,
            "heartbeats": publisher.heartbeats,
            "dropped_packets": publisher.dropped_packets,
            "dropped_messages": publisher.dropped_messages,
            "send_errors": publisher.send_errors,
            "retransmit_requests": publisher.retransmit_requests,
            "retransmitted_messages": publisher.retransmitted,
            "unavailable": publisher.unavailable,
            "snapshots": publisher.snapshots,
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
