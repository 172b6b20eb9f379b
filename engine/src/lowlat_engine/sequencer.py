"""Feed sequencing: in-order delivery, gap detection and recovery (retransmission, then snapshot).

The sequencer owns no sockets. It is handed packets and tells its owner, through callbacks, to
apply message runs to the books, to reset the books, and to send recovery requests. This keeps
the state machine testable without a network.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import IntEnum

from lowlat_engine.wire import (
    FLAG_RETRANSMIT,
    FLAG_SNAPSHOT,
    FLAG_SNAPSHOT_END,
    FLAG_UNAVAILABLE,
    HEADER,
    HEADER_SIZE,
    MAGIC,
    MAX_SEQ,
    MESSAGE_SIZE,
    REQ_RETRANSMIT,
    REQ_SNAPSHOT,
    VERSION,
)

log = logging.getLogger("feed")

# apply(buffer, offset, count, t0_ns, live): apply `count` messages starting at `offset`
ApplyFn = Callable[[object, int, int, int, bool], None]
RequestFn = Callable[[int, int, int, int], None]  # (kind, session, start_seq, count)


class FeedState(IntEnum):
    JOINING = 0  # no packet seen yet
    LIVE = 1  # books are current, packets applied in order
    RECOVERING = 2  # a hole is being filled by retransmission; later packets are buffered
    SNAPSHOT = 3  # waiting for a full snapshot; everything live is buffered


_LIVE = FeedState.LIVE  # module constant: the fast path compares against it per datagram


class Sequencer:
    __slots__ = (
        "_apply",
        "_buffer",
        "_buffered_msgs",
        "_pending",
        "_request",
        "_reset",
        "_snapshot_ends",
        "_snapshot_parts",
        "bad_packets",
        "duplicates",
        "expected",
        "gap_messages",
        "gaps",
        "high",
        "joined",
        "max_buffered",
        "max_request",
        "packets",
        "recovered",
        "retries",
        "session",
        "session_changes",
        "snapshots",
        "state",
        "timeout_ns",
        "unavailable",
    )

    def __init__(
        self,
        apply: ApplyFn,
        reset: Callable[[], None],
        request: RequestFn,
        *,
        timeout_ns: int = 200_000_000,
        retries: int = 3,
        max_buffered: int = 1_000_000,
        max_request: int = 100_000,
    ) -> None:
        self._apply = apply
        self._reset = reset
        self._request = request
        self.timeout_ns = timeout_ns
        self.retries = retries
        self.max_buffered = max_buffered
        self.max_request = max_request
        self.state = FeedState.JOINING
        self.session = -1
        self.expected = 1  # next sequence number to apply
        self.high = 1  # one past the highest sequence number seen live
        self.joined = False
        self._buffer: dict[int, bytes] = {}  # first_seq -> message bytes
        self._buffered_msgs = 0
        # [kind, start, end, deadline_ns, attempts] of the outstanding request, or None
        self._pending: list | None = None
        self._snapshot_parts: dict[int, dict[int, bytes]] = {}  # as-of seq -> part -> bytes
        self._snapshot_ends: dict[int, int] = {}  # as-of seq -> number of parts
        self.packets = 0
        self.bad_packets = 0
        self.gaps = 0
        self.gap_messages = 0
        self.duplicates = 0
        self.recovered = 0
        self.snapshots = 0
        self.unavailable = 0
        self.session_changes = 0

    # -- packets -------------------------------------------------------------------------

    def on_packet(self, buf, nbytes: int, t0: int, now_ns: int) -> None:
        """Handle one datagram held in buf[:nbytes], received at t0 (perf_counter_ns)."""
        if nbytes < HEADER_SIZE:
            self.bad_packets += 1
            return
        magic, version, flags, session, first, count, part = HEADER.unpack_from(buf, 0)
        if magic != MAGIC or version != VERSION or HEADER_SIZE + count * MESSAGE_SIZE != nbytes:
            self.bad_packets += 1
            return
        self.packets += 1
        # Fast path: the next packet of the current session, in order.
        if not flags and first == self.expected and session == self.session and self.state == _LIVE:
            self.expected = self.high = first + count
            self._apply(buf, HEADER_SIZE, count, t0, True)
            return
        if first + count > MAX_SEQ:  # the next expected sequence would not fit a request's u64
            self.bad_packets += 1
            return
        if flags & FLAG_SNAPSHOT:
            if session == self.session:
                self._on_snapshot_part(buf, nbytes, flags, first, part, t0, now_ns)
            return
        if flags & FLAG_UNAVAILABLE:
            if session == self.session and self.state == FeedState.RECOVERING:
                self.unavailable += 1
                self._start_snapshot(now_ns)
            return
        live = not flags & FLAG_RETRANSMIT
        if session != self.session:
            if not live:
                return
            self._join(session, first, now_ns)
        self._on_sequenced(buf, nbytes, first, count, t0, live, now_ns)

    def _join(self, session: int, first: int, now_ns: int) -> None:
        if self.session != -1:
            self.session_changes += 1
        self.session = session
        self._buffer.clear()
        self._buffered_msgs = 0
        self._snapshot_parts.clear()
        self._snapshot_ends.clear()
        self._pending = None
        self.expected = self.high = first
        self._reset()
        if first == 1:
            self.state = FeedState.LIVE
            self.joined = True
        else:
            # Late joiner: the books need everything before `first`.
            self._start_snapshot(now_ns)

    def _on_sequenced(self, buf, nbytes, first, count, t0, live, now_ns) -> None:
        end = first + count
        if live:
            if first > self.high:
                self.gaps += 1
                self.gap_messages += first - self.high
                log.debug("feed gap", extra={"expected": self.high, "received": first})
            if end > self.high:
                self.high = end
        expected = self.expected
        if end <= expected:
            self.duplicates += count
            return
        if first > expected or self.state == FeedState.SNAPSHOT:
            self._store(buf, nbytes, first, count, now_ns)
            if self.state == FeedState.LIVE:
                self.state = FeedState.RECOVERING
                self._fill_hole(now_ns)
            return
        skip = expected - first
        if live and self.state == FeedState.LIVE:
            self.expected = end
            self._apply(buf, HEADER_SIZE + skip * MESSAGE_SIZE, count - skip, t0, True)
            return
        self.expected = end
        if not live:
            self.recovered += count - skip
        self._apply(buf, HEADER_SIZE + skip * MESSAGE_SIZE, count - skip, t0, False)
        self._drain(now_ns)

    def _store(self, buf, nbytes, first, count, now_ns) -> None:
        held = self._buffer.get(first)
        held_count = -1 if held is None else len(held) // MESSAGE_SIZE
        if count <= held_count:
            return  # a duplicate (or a heartbeat for a packet already held)
        self._buffered_msgs += count - max(held_count, 0)
        self._buffer[first] = bytes(buf[HEADER_SIZE:nbytes])
        if self._buffered_msgs > self.max_buffered and self.state != FeedState.SNAPSHOT:
            # Too far behind to catch up message by message.
            self._buffer.clear()
            self._buffered_msgs = 0
            self._start_snapshot(now_ns)

    def _drain(self, now_ns: int) -> None:
        """Apply buffered packets that are now contiguous; re-request the next hole if any."""
        buffer = self._buffer
        for first in sorted(buffer):
            data = buffer[first]
            count = len(data) // MESSAGE_SIZE
            end = first + count
            if first > self.expected:
                break
            del buffer[first]
            self._buffered_msgs -= count
            if end <= self.expected:
                continue
            skip = self.expected - first
            self.expected = end
            self._apply(data, skip * MESSAGE_SIZE, count - skip, 0, False)
        if not buffer:
            self._pending = None
            if self.state != FeedState.SNAPSHOT:
                self.state = FeedState.LIVE
            return
        pending = self._pending
        if pending is None or pending[0] != REQ_RETRANSMIT or self.expected >= pending[2]:
            self._fill_hole(now_ns)

    def _fill_hole(self, now_ns: int) -> None:
        hole_end = min(self._buffer)
        count = min(hole_end - self.expected, self.max_request)
        self._pending = [REQ_RETRANSMIT, self.expected, self.expected + count, now_ns + self.timeout_ns, 0]
        self._request(REQ_RETRANSMIT, self.session, self.expected, count)

    # -- snapshots -----------------------------------------------------------------------

    def _start_snapshot(self, now_ns: int) -> None:
        log.info("requesting a feed snapshot", extra={"from_state": self.state.name.lower()})
        self.state = FeedState.SNAPSHOT
        self._snapshot_parts.clear()
        self._snapshot_ends.clear()
        self._pending = [REQ_SNAPSHOT, 0, 0, now_ns + self.timeout_ns, 0]
        self._request(REQ_SNAPSHOT, self.session, 0, 0)

    def _on_snapshot_part(self, buf, nbytes, flags, as_of, part, t0, now_ns) -> None:
        if self.state != FeedState.SNAPSHOT:
            return
        parts = self._snapshot_parts.setdefault(as_of, {})
        parts[part] = bytes(buf[HEADER_SIZE:nbytes])
        if flags & FLAG_SNAPSHOT_END:
            self._snapshot_ends[as_of] = part + 1
        total = self._snapshot_ends.get(as_of)
        if total is None or any(i not in parts for i in range(total)):
            return
        self._reset()
        for i in range(total):
            data = parts[i]
            self._apply(data, 0, len(data) // MESSAGE_SIZE, t0, False)
        self._snapshot_parts.clear()
        self._snapshot_ends.clear()
        self.snapshots += 1
        self.joined = True
        self.expected = as_of + 1
        log.info("feed snapshot applied", extra={"as_of": as_of, "parts": total})
        self.high = max(self.high, self.expected)
        self.state = FeedState.RECOVERING
        self._pending = None
        self._drain(now_ns)

    # -- timers --------------------------------------------------------------------------

    def poll(self, now_ns: int) -> None:
        """Retry or escalate an unanswered recovery request."""
        pending = self._pending
        if pending is None or now_ns < pending[3]:
            return
        pending[4] += 1
        if pending[0] == REQ_RETRANSMIT and pending[4] > self.retries:
            self._start_snapshot(now_ns)
            return
        pending[3] = now_ns + self.timeout_ns
        if pending[0] == REQ_SNAPSHOT:
            self._request(REQ_SNAPSHOT, self.session, 0, 0)
            return
        start = max(pending[1], self.expected)
        if start >= pending[2]:
            # The requested range arrived; what is missing now lies beyond it.
            self._fill_hole(now_ns)
            return
        pending[1] = start
        self._request(REQ_RETRANSMIT, self.session, start, pending[2] - start)

    @property
    def buffered_messages(self) -> int:
        return self._buffered_msgs
