"""The engine: wires feed, strategy, risk, journal and gateway into one single-threaded loop.

Only the admin HTTP server and the journal's fsync timer run on other threads. They never touch
trading state: control requests are queued to the loop, which wakes on a socket pair.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import selectors
import signal
import socket
import threading
import time
from array import array
from collections import deque
from collections.abc import Callable

from lowlat_engine import __version__, records
from lowlat_engine.book import Book
from lowlat_engine.config import Config
from lowlat_engine.feed_handler import FeedHandler
from lowlat_engine.gateway import Gateway, LinkState
from lowlat_engine.hugebuf import BufferArena
from lowlat_engine.journal_dir import StartupError, open_journal_dir
from lowlat_engine.metrics import Histogram
from lowlat_engine.orders import Order
from lowlat_engine.risk import HaltReason, Reason, RiskGate
from lowlat_engine.strategy import ImbalanceStrategy
from lowlat_engine.venue_checks import check_sequenced
from lowlat_engine.venue_proto import (
    NEW_ORDER_FRAME,
    NEW_ORDER_LEN,
    T_ACK,
    T_CANCELED,
    T_FILL,
    T_NEW_ORDER,
    T_REJECT,
    TIF_DAY,
    TIF_IOC,
)
from lowlat_engine.wire import MAX_DATAGRAM

log = logging.getLogger("engine")

POLL_INTERVAL_NS = 10_000_000  # timers (recovery, order timeouts, heartbeats) run every 10 ms
__all__ = ["Engine", "StartupError"]


class Engine:
    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.started_at = time.time()
        self.tick_to_trade = Histogram()
        self.order_to_ack = Histogram()
        self.feed_latency = Histogram()
        self._stopping = False
        self._loop_beat = time.monotonic()
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()

        self.arena = BufferArena(
            {"feed_rx": MAX_DATAGRAM + 64, "recovery_rx": MAX_DATAGRAM + 64, "order_tx": 256},
            cfg.memory.hugetlbfs_path,
            cfg.memory.hugetlbfs_fallback,
        )
        self._tx = self.arena["order_tx"]
        self._order_frame = self._tx[: NEW_ORDER_FRAME.size]

        self._open_journals()
        try:
            self._build(cfg)
        except BaseException:
            self.journal.close()
            self.dead_letter.close()
            os.close(self._lock_fd)
            raise

    def _build(self, cfg: Config) -> None:
        self.risk = RiskGate(cfg.risk)
        if self._recovered.kill_switch:
            self.risk.kill_switch = True
            self.risk.halt_reason = self._recovered.halt_reason
            log.warning("kill switch still engaged according to the journal; release it to trade")
        if self.journal_damaged:
            self.risk.halts[HaltReason.JOURNAL_DAMAGED] += 1
        self.blotter = self._recovered.blotter
        self.strategy = ImbalanceStrategy(
            cfg.strategy.threshold_pct, cfg.strategy.order_qty, cfg.strategy.cooldown_updates
        )
        self._tif = TIF_IOC if cfg.strategy.tif == "ioc" else TIF_DAY
        self._timeouts: deque[tuple[int, int]] = deque()
        self._order_timeout_ns = cfg.venue.order_timeout_ms * 1_000_000

        self.orders_sent = 0
        self.acks = 0
        self.fills = 0
        self.cancels = 0
        self.venue_rejects = 0
        self.order_timeouts = 0
        self.orders_lost = 0
        self.venue_duplicates = 0
        self.venue_invalid_messages = 0
        self.venue_seq_gaps = 0
        self.venue_gap_messages = 0
        self.dead_letters = 0
        self.signals_without_venue = 0
        samples = cfg.diagnostics.latency_samples
        self._samples = array("q", bytes(8 * samples))
        self._sample_count = 0

        self.sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self.sel.register(self._wake_r, selectors.EVENT_READ, self._on_wake)
        try:
            self.feed = FeedHandler(
                cfg.feed,
                cfg.strategy.symbols,
                self.arena["feed_rx"],
                self.arena["recovery_rx"],
                self._on_top_change,
                self.feed_latency,
            )
        except OSError as exc:
            raise StartupError(f"feed.listen={cfg.feed.listen}: {exc.strerror}") from exc
        self.feed.register(self.sel, cfg.engine.busy_poll)
        self.gateway = Gateway(
            cfg.venue,
            self.sel,
            self._on_venue_message,
            self._on_venue_active,
            lambda: self.blotter.last_venue_seq + 1,
            time.perf_counter_ns,
        )
        if self._recovered.invalid:
            log.error(
                "the journal holds venue messages with fields out of range; they were not applied",
                extra={"messages": self._recovered.invalid},
            )
            self.engage_kill_switch(HaltReason.BAD_VENUE_MESSAGE)

    # -- journals ------------------------------------------------------------------------

    def _open_journals(self) -> None:
        jdir = open_journal_dir(self.cfg.journal)
        self._lock_fd = jdir.lock_fd
        self.journal, self.dead_letter = jdir.journal, jdir.dead_letter
        self.journal_truncated_bytes, self.journal_damaged = jdir.truncated_bytes, jdir.damaged
        self._recovered = records.rebuild(self.journal.recovered.payloads)
        blotter = self._recovered.blotter
        log.info(
            "state rebuilt from journal",
            extra={
                "records": self._recovered.records,
                "positions": {k.decode().strip(): v for k, v in blotter.positions.items()},
                "open_orders": len(blotter.open),
                "last_venue_seq": blotter.last_venue_seq,
            },
        )

    def _dead_letter(
        self, reason: Reason, clordid: int, symbol: bytes, side: int, tif: int, qty: int, price: int
    ):
        self.dead_letters += 1
        self.dead_letter.append(
            records.DEAD_LETTER,
            records.R_DEAD_LETTER,
            reason,
            side,
            tif,
            qty,
            clordid,
            symbol,
            price,
            time.time_ns(),
        )

    # -- market data -> orders (the hot path) --------------------------------------------

    def _on_top_change(self, book: Book, t0: int) -> None:
        signal_ = self.strategy.on_top_change(book)
        if signal_ is None:
            return
        side, price, qty = signal_
        if not self.gateway.active:
            self.signals_without_venue += 1
            return
        symbol = book.symbol
        blotter = self.blotter
        reason = self.risk.check(
            side,
            price,
            qty,
            blotter.positions.get(symbol, 0),
            blotter.open_buy.get(symbol, 0),
            blotter.open_sell.get(symbol, 0),
            book.mid(),
            t0,
        )
        if reason is not None:
            self._dead_letter(reason, 0, symbol, side, self._tif, qty, price)
            return
        clordid = blotter.next_clordid
        tif = self._tif
        # Write-ahead: the order is in the journal before it can reach the venue.
        self.journal.append(
            records.ORDER_NEW,
            records.R_ORDER_NEW,
            side,
            tif,
            qty,
            clordid,
            symbol,
            price,
            self.feed.rx_wall_ns,
        )
        NEW_ORDER_FRAME.pack_into(
            self._tx, 0, NEW_ORDER_LEN, T_NEW_ORDER, clordid, symbol, side, tif, qty, price
        )
        self.gateway.send(self._order_frame)
        t1 = time.perf_counter_ns()
        blotter.new_order(clordid, symbol, side, price, qty, tif, t1)
        self.tick_to_trade.observe(t1 - t0)
        if self._sample_count < len(self._samples):
            self._samples[self._sample_count] = t1 - t0
            self._sample_count += 1
        self._timeouts.append((t1 + self._order_timeout_ns, clordid))
        self.orders_sent += 1

    # -- venue messages ------------------------------------------------------------------

    def _on_venue_message(self, mtype: int, fields: tuple, raw: bytes, recv_ns: int) -> None:
        blotter = self.blotter
        problem = check_sequenced(mtype, fields)
        if problem is not None:
            self._reject_venue_message(fields[0], raw, problem)
            return
        expected = blotter.last_venue_seq + 1
        if fields[0] != expected:
            if fields[0] < expected:
                self.venue_duplicates += 1
                return
            if not self._on_venue_gap(expected, fields[0]):
                return
        clordid = fields[1]
        if mtype == T_REJECT:
            # dead letter first: at-least-once, the main journal below is the source of truth
            order = blotter.open.get(clordid)
            if order is not None:
                self._dead_letter_order(Reason.VENUE_REJECT, order)
        self.journal.append_bytes(records.VENUE_PREFIX + raw)
        order = blotter.on_venue(mtype, fields)
        if mtype == T_ACK:
            self.acks += 1
            self.risk.on_venue_accept()
            if order is not None and order.sent_ns:
                self.order_to_ack.observe(recv_ns - order.sent_ns)
        elif mtype == T_FILL:
            self.fills += 1
        elif mtype == T_CANCELED:
            self.cancels += 1
        elif mtype == T_REJECT:
            self.venue_rejects += 1
            log.warning("venue rejected order", extra={"clordid": clordid, "reason": fields[2]})
            if self.risk.on_venue_reject():
                self._journal_kill_switch(HaltReason.VENUE_REJECTS)

    def _reject_venue_message(self, seq: int, raw: bytes, problem: str) -> None:
        """Dead-letter a venue message that does not fit the wire's ranges; never apply it.

        Its sequence number, when it is the next one, is consumed (journaled), so the messages
        after it apply and a restart does not ask for it again. Positions may now differ from
        the venue's: the kill switch is engaged.
        """
        self.venue_invalid_messages += 1
        self.dead_letters += 1
        self.dead_letter.append_bytes(
            records.DEAD_VENUE.pack(records.R_DEAD_VENUE, Reason.BAD_VENUE_MESSAGE) + raw
        )
        consumed = seq == self.blotter.last_venue_seq + 1
        if consumed:
            self.journal.append(records.VENUE_SKIPPED, records.R_VENUE_SKIPPED, seq)
            self.blotter.last_venue_seq = seq
        log.error(
            "venue message rejected: a field is out of range; dead-lettered, not applied",
            extra={"problem": problem, "type": chr(raw[0]), "seq_consumed": consumed, "frame": raw.hex()},
        )
        self.engage_kill_switch(HaltReason.BAD_VENUE_MESSAGE)

    def _on_venue_gap(self, expected: int, seq: int) -> bool:
        """A message beyond the next sequence; True when it is to be applied anyway.

        On a live session the missing messages are asked for again: the gateway logs in anew
        with the expected sequence and the venue replays from there. A gap inside that replay
        means the venue itself has no such messages: what it sends is applied (its record is
        the truth positions must match), and the kill switch is engaged for the operator.
        """
        self.venue_seq_gaps += 1
        self.venue_gap_messages += seq - expected
        extra = {"expected": expected, "received": seq}
        if self.gateway.state != LinkState.REPLAYING:
            log.warning("venue sequence gap: logging in again for a replay", extra=extra)
            self.gateway.request_replay(f"sequence gap: expected {expected}, received {seq}")
            return False
        log.error("the venue's replay skips sequence numbers: applying what it sent, halting", extra=extra)
        self.engage_kill_switch(HaltReason.VENUE_GAP)
        return True

    def _dead_letter_order(self, reason: Reason, order: Order) -> None:
        self._dead_letter(
            reason, order.clordid, order.symbol, order.side, order.tif, order.leaves, order.price
        )

    def _on_venue_active(self) -> None:
        """Login replay is complete: every order the venue ever received has an answer by now."""
        lost = [o for o in self.blotter.open.values() if not o.acked]
        for order in lost:
            self._dead_letter_order(Reason.LOST, order)
            self.journal.append(records.ORDER_REF, records.R_ORDER_LOST, order.clordid)
            self.blotter.forget(order.clordid)
        self.orders_lost += len(lost)
        log.info(
            "venue session active",
            extra={"last_venue_seq": self.blotter.last_venue_seq, "orders_never_received": len(lost)},
        )

    # -- kill switch ---------------------------------------------------------------------

    def _journal_kill_switch(self, reason: HaltReason | None) -> None:
        engaged = reason is not None
        self.journal.append(
            records.KILL_SWITCH, records.R_KILL_SWITCH, int(engaged), int(reason or 0), time.time_ns()
        )
        if engaged:
            log.warning("kill switch engaged: order sending halted", extra={"reason": reason.label})
        else:
            log.warning("kill switch released: order sending resumed")

    def engage_kill_switch(self, reason: HaltReason) -> None:
        """Loop thread only."""
        if self.risk.engage(reason):
            self._journal_kill_switch(reason)

    def release_kill_switch(self) -> None:
        if self.risk.release():
            self._journal_kill_switch(None)

    def submit(self, command: Callable[[], None], timeout: float = 2.0) -> bool:
        """Run `command` on the loop thread (from another thread) and wait until it ran."""
        done = threading.Event()

        def run() -> None:
            try:
                command()
            finally:
                done.set()

        self._commands.put(run)
        # a full socket already holds unread wake-ups, which is just as good
        with contextlib.suppress(BlockingIOError):
            self._wake_w.send(b"c")
        return done.wait(timeout)

    def _on_wake(self, _mask: int) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except BlockingIOError:
            pass
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            command()

    # -- timers --------------------------------------------------------------------------

    def _poll(self, now: int) -> None:
        self.feed.poll(now)
        self.gateway.poll(now)
        timeouts = self._timeouts
        while timeouts and timeouts[0][0] <= now:
            _deadline, clordid = timeouts.popleft()
            order = self.blotter.open.get(clordid)
            if order is None or order.acked or order.timed_out:
                continue
            order.timed_out = True
            self.order_timeouts += 1
            self._dead_letter_order(Reason.ACK_TIMEOUT, order)
            self.journal.append(records.ORDER_REF, records.R_ORDER_TIMEOUT, clordid)
            log.warning("order not acknowledged in time", extra={"clordid": clordid})
            if self.risk.on_order_timeout():
                self._journal_kill_switch(HaltReason.ORDER_TIMEOUT)
        self._loop_beat = time.monotonic()

    # -- state for probes ----------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self.feed.sequencer.joined and self.gateway.active and not self._stopping

    def alive(self, max_stall_s: float = 5.0) -> bool:
        return time.monotonic() - self._loop_beat < max_stall_s

    # -- run loop ------------------------------------------------------------------------

    def install_signal_handlers(self) -> None:
        signal.set_wakeup_fd(self._wake_w.fileno(), warn_on_full_buffer=False)
        signal.signal(signal.SIGTERM, self._on_stop_signal)
        signal.signal(signal.SIGINT, self._on_stop_signal)
        signal.signal(
            signal.SIGUSR1, lambda *_: self._commands.put(lambda: self.engage_kill_switch(HaltReason.SIGNAL))
        )

    def _on_stop_signal(self, signum: int, _frame) -> None:
        self._stopping = True

    def stop(self) -> None:
        self._stopping = True
        with contextlib.suppress(OSError):
            self._wake_w.send(b"s")

    def run(self) -> None:
        sel = self.sel
        clock = time.perf_counter_ns
        busy = self.cfg.engine.busy_poll
        drain = self.feed.drain
        timeout = 0 if busy else POLL_INTERVAL_NS / 1e9
        next_poll = 0
        while not self._stopping:
            if busy:
                drain()
            for key, mask in sel.select(timeout):
                key.data(mask)
            now = clock()
            if now >= next_poll:
                self._poll(now)
                next_poll = now + POLL_INTERVAL_NS

    def shutdown(self) -> None:
        """Flush and close everything; safe to call once after run() returned."""
        self._stopping = True
        self.gateway.close()
        self.feed.close()
        self.journal.close()
        self.dead_letter.close()
        os.close(self._lock_fd)
        if self._sample_count:
            with open(self.cfg.diagnostics.latency_samples_file, "wb") as f:
                self._samples[: self._sample_count].tofile(f)
        self.sel.close()
        self._wake_r.close()
        self._wake_w.close()
        log.info(
            "engine stopped",
            extra={
                "orders_sent": self.orders_sent,
                "fills": self.fills,
                "messages": self.feed.messages,
                "gaps": self.feed.sequencer.gaps,
                "version": __version__,
            },
        )
