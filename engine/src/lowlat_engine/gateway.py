"""TCP order gateway to the venue: connect, log in with replay, heartbeats, reconnects.

The gateway knows the session protocol, not trading: it hands every sequenced venue message
to its owner and tells it when the session becomes active (login accepted and replay done).
"""

from __future__ import annotations

import errno
import logging
import selectors
import socket
from collections.abc import Callable
from enum import IntEnum

from lowlat_engine import venue_proto as vp
from lowlat_engine.config import VenueSection
from lowlat_engine.wire import MAX_SEQ

log = logging.getLogger("gateway")

MessageFn = Callable[[int, tuple, bytes, int], None]  # (type, fields, raw frame, recv_ns)


class LinkState(IntEnum):
    DISCONNECTED = 0
    CONNECTING = 1
    LOGGING_IN = 2
    REPLAYING = 3
    ACTIVE = 4


class Gateway:
    def __init__(
        self,
        cfg: VenueSection,
        selector: selectors.BaseSelector,
        on_message: MessageFn,
        on_active: Callable[[], None],
        next_seq: Callable[[], int],
        clock: Callable[[], int],
    ) -> None:
        self.cfg = cfg
        self._sel = selector
        self._on_message = on_message
        self._on_active = on_active
        self._next_seq = next_seq
        self._clock = clock
        self._session = cfg.session.encode().ljust(8, b" ")
        self.state = LinkState.DISCONNECTED
        self.sock: socket.socket | None = None
        self._reader = vp.FrameReader()
        self._backlog = bytearray()
        self._deadline = 0  # connect/login deadline, or next reconnect attempt when disconnected
        self._replay_until = 0
        self._last_sent = 0
        self._last_recv = 0
        self._hb_frame = vp.encode(vp.T_HEARTBEAT)
        self.connects = 0
        self.disconnects = 0
        self.login_rejects = 0
        self.last_error = ""

    @property
    def active(self) -> bool:
        return self.state == LinkState.ACTIVE

    # -- connection lifecycle ------------------------------------------------------------

    def poll(self, now: int) -> None:
        """Timers: reconnects, connect/login deadlines, heartbeats."""
        state = self.state
        if state == LinkState.DISCONNECTED:
            if now >= self._deadline:
                self._connect(now)
        elif state in (LinkState.CONNECTING, LinkState.LOGGING_IN):
            if now >= self._deadline:
                self._drop(f"{state.name.lower()} timed out", now)
        else:
            if now - self._last_recv >= self.cfg.heartbeat_timeout_ms * 1_000_000:
                self._drop("venue silent past heartbeat_timeout_ms", now)
            elif now - self._last_sent >= self.cfg.heartbeat_interval_ms * 1_000_000:
                self.send(self._hb_frame)

    def _connect(self, now: int) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        err = sock.connect_ex(self.cfg.address.as_tuple())
        if err not in (0, errno.EINPROGRESS):
            sock.close()
            self.last_error = errno.errorcode.get(err, str(err))
            self._deadline = now + self.cfg.reconnect_interval_ms * 1_000_000
            return
        self.sock = sock
        self.state = LinkState.CONNECTING
        self._deadline = now + self.cfg.connect_timeout_ms * 1_000_000
        self._sel.register(sock, selectors.EVENT_WRITE, self._on_event)

    def _on_connected(self, now: int) -> None:
        err = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            self._drop(f"connect failed: {errno.errorcode.get(err, err)}", now)
            return
        self.connects += 1
        self.state = LinkState.LOGGING_IN
        self._deadline = now + self.cfg.connect_timeout_ms * 1_000_000
        self._last_recv = now
        self._sel.modify(self.sock, selectors.EVENT_READ, self._on_event)
        next_seq = self._next_seq()
        self.send(vp.encode(vp.T_LOGIN, self._session, next_seq))
        log.info("venue connected, logging in", extra={"venue": str(self.cfg.address), "next_seq": next_seq})

    def _drop(self, reason: str, now: int) -> None:
        if self.sock is not None:
            self._sel.unregister(self.sock)
            self.sock.close()
            self.sock = None
        if self.state >= LinkState.LOGGING_IN:
            self.disconnects += 1
            log.warning("venue link down", extra={"reason": reason})
        self.last_error = reason
        self.state = LinkState.DISCONNECTED
        self._backlog.clear()
        self._reader = vp.FrameReader()
        self._deadline = now + self.cfg.reconnect_interval_ms * 1_000_000

    def request_replay(self, reason: str) -> None:
        """Drop the session and log in again at once: the venue replays from the next sequence."""
        now = self._clock()
        self._drop(reason, now)
        self._deadline = now

    def close(self) -> None:
        if self.sock is not None:
            self._sel.unregister(self.sock)
            self.sock.close()
            self.sock = None
        self.state = LinkState.DISCONNECTED

    # -- I/O -----------------------------------------------------------------------------

    def send(self, frame) -> None:
        """Send a whole frame; what the socket does not take now is queued, never dropped."""
        sock = self.sock
        if sock is None:
            return
        self._last_sent = self._clock()
        if self._backlog:
            self._backlog += frame
            return
        try:
            sent = sock.send(frame)
        except BlockingIOError:
            sent = 0
        except OSError as exc:
            self._drop(f"send failed: {exc.strerror}", self._last_sent)
            return
        if sent < len(frame):
            self._backlog += frame[sent:]
            self._sel.modify(sock, selectors.EVENT_READ | selectors.EVENT_WRITE, self._on_event)

    def _flush(self, now: int) -> None:
        try:
            sent = self.sock.send(self._backlog)
        except BlockingIOError:
            return
        except OSError as exc:
            self._drop(f"send failed: {exc.strerror}", now)
            return
        del self._backlog[:sent]
        if not self._backlog:
            self._sel.modify(self.sock, selectors.EVENT_READ, self._on_event)

    def _on_event(self, mask: int) -> None:
        now = self._clock()
        if self.state == LinkState.CONNECTING:
            self._on_connected(now)
            return
        if mask & selectors.EVENT_WRITE and self._backlog:
            self._flush(now)
            if self.sock is None:
                return
        if mask & selectors.EVENT_READ:
            self._read(now)

    def _read(self, now: int) -> None:
        try:
            n = self._reader.recv_from(self.sock)
        except BlockingIOError:
            return
        except OSError as exc:
            self._drop(f"receive failed: {exc.strerror}", now)
            return
        if n == 0:
            self._drop("venue closed the connection", now)
            return
        self._last_recv = now
        try:
            for mtype, fields, raw in self._reader.frames():
                if mtype in vp.SEQUENCED:
                    self._on_message(mtype, fields, raw, now)
                    # only what the owner applied counts towards the end of the replay
                    if self.state == LinkState.REPLAYING and self._next_seq() > self._replay_until:
                        self._become_active()
                elif mtype == vp.T_LOGIN_ACCEPTED:
                    self._on_login_accepted(fields, now)
                elif mtype == vp.T_LOGIN_REJECTED:
                    self.login_rejects += 1
                    if fields[0] == vp.LOGIN_SEQ_AHEAD:
                        log.error(
                            "venue has no record of this session's sequence numbers: the venue "
                            "session was reset; archive journal.dir to start a new session"
                        )
                    self._drop(f"login rejected (reason {fields[0]})", now)
                    return
                if self.sock is None:  # a handler dropped the link
                    return
        except vp.ProtocolError as exc:
            self._drop(f"protocol error: {exc}", now)

    def _on_login_accepted(self, fields: tuple, now: int) -> None:
        session, next_seq, high_seq = fields
        if session != self._session or high_seq > MAX_SEQ:
            self._drop(f"login accepted for session {session!r} up to sequence {high_seq}", now)
            return
        log.info("venue login accepted", extra={"next_seq": next_seq, "high_seq": high_seq})
        if high_seq < next_seq:
            self._become_active()
        else:
            self.state = LinkState.REPLAYING
            self._replay_until = high_seq

    def _become_active(self) -> None:
        self.state = LinkState.ACTIVE
        self._on_active()
