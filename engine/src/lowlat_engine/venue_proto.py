"""Order entry protocol between the engine and the venue over TCP (see README "Order entry").

Every frame is `u16 length | u8 type | body`, where length counts the type byte and the body.
Venue-to-engine business messages (ack, fill, canceled, reject) carry a per-session sequence
number as their first field; on login the engine names the next sequence it expects and the
venue replays everything from there, which is how nothing the venue acknowledged is lost.
"""

from __future__ import annotations

import struct

T_LOGIN = ord("L")
T_LOGIN_ACCEPTED = ord("A")
T_LOGIN_REJECTED = ord("J")
T_NEW_ORDER = ord("O")
T_HEARTBEAT = ord("H")
T_ACK = ord("a")
T_FILL = ord("f")
T_CANCELED = ord("c")
T_REJECT = ord("r")

SEQUENCED = frozenset({T_ACK, T_FILL, T_CANCELED, T_REJECT})

# Bodies (after the 3-byte frame header), little-endian.
BODIES: dict[int, struct.Struct] = {
    T_LOGIN: struct.Struct("<8sQ"),  # session, next_seq
    T_LOGIN_ACCEPTED: struct.Struct("<8sQQ"),  # session, next_seq, high_seq
    T_LOGIN_REJECTED: struct.Struct("<B"),  # reason
    T_NEW_ORDER: struct.Struct("<Q8sBBxxIq"),  # clordid, symbol, side, tif, qty, price
    T_HEARTBEAT: struct.Struct("<"),
    # seq, clordid, venue_order_id, symbol, side, qty, price, ts
    T_ACK: struct.Struct("<QQQ8sB3xIqQ"),
    # seq, clordid, exec_id, symbol, side, qty, leaves, price, ts
    T_FILL: struct.Struct("<QQQ8sB3xIIqQ"),
    T_CANCELED: struct.Struct("<QQI4xQ"),  # seq, clordid, canceled_qty, ts
    T_REJECT: struct.Struct("<QQB7xQ"),  # seq, clordid, reason, ts
}
FRAME_HEADER = struct.Struct("<HB")

# Whole frames (header + body) for one pack_into on the send path.
FRAMES: dict[int, struct.Struct] = {t: struct.Struct("<HB" + b.format[1:]) for t, b in BODIES.items()}
NEW_ORDER_FRAME = FRAMES[T_NEW_ORDER]
NEW_ORDER_LEN = 1 + BODIES[T_NEW_ORDER].size

SIDE_BUY = ord("B")
SIDE_SELL = ord("S")
TIF_IOC = ord("I")
TIF_DAY = ord("D")

# Venue reject reasons
REJ_UNKNOWN_SYMBOL = 1
REJ_BAD_QTY = 2
REJ_BAD_PRICE = 3
REJ_DUPLICATE_ID = 4
REJ_BAD_SIDE_OR_TIF = 5
REJ_NAMES = {
    REJ_UNKNOWN_SYMBOL: "unknown_symbol",
    REJ_BAD_QTY: "bad_qty",
    REJ_BAD_PRICE: "bad_price",
    REJ_DUPLICATE_ID: "duplicate_id",
    REJ_BAD_SIDE_OR_TIF: "bad_side_or_tif",
}

# Login reject reasons
LOGIN_SEQ_AHEAD = 1  # the engine expects a sequence the venue never sent (venue state lost)


class ProtocolError(ValueError):
    pass


def encode(mtype: int, *fields) -> bytes:
    body = BODIES[mtype]
    return FRAMES[mtype].pack(1 + body.size, mtype, *fields)


class FrameReader:
    """Accumulates stream bytes and yields complete frames as (type, fields)."""

    def __init__(self, capacity: int = 1 << 16) -> None:
        self._buf = bytearray(capacity)
        self._view = memoryview(self._buf)
        self._start = 0
        self._end = 0

    def recv_from(self, sock) -> int:
        """recv_into the free tail of the buffer; returns bytes read (0 = peer closed)."""
        if self._start == self._end:
            self._start = self._end = 0
        elif len(self._buf) - self._end < 1024:
            # compact: move the partial frame to the front
            pending = self._end - self._start
            self._buf[:pending] = self._buf[self._start : self._end]
            self._start, self._end = 0, pending
        n = sock.recv_into(self._view[self._end :])
        self._end += n
        return n

    def feed(self, data: bytes) -> None:
        """Append bytes (for tests and for the simulator)."""
        pending = self._end - self._start
        if pending + len(data) > len(self._buf):
            raise ProtocolError("frame buffer overflow")
        self._buf[:pending] = self._buf[self._start : self._end]
        self._buf[pending : pending + len(data)] = data
        self._start, self._end = 0, pending + len(data)

    def frames(self):
        """Yield (type, fields tuple, raw frame bytes without the length) for complete frames."""
        buf = self._buf
        while self._end - self._start >= FRAME_HEADER.size:
            length, mtype = FRAME_HEADER.unpack_from(buf, self._start)
            if self._end - self._start < 2 + length:
                return
            body = BODIES.get(mtype)
            if body is None or body.size != length - 1:
                raise ProtocolError(f"unknown frame type {mtype} or bad length {length}")
            start = self._start
            self._start += 2 + length
            yield mtype, body.unpack_from(buf, start + 3), bytes(buf[start + 2 : start + 2 + length])
