"""Market data wire format (see README "Market data wire format").

A datagram is one packet header followed by `count` fixed-size messages. Message sequence
numbers are implicit: the i-th message of a packet has sequence `first_seq + i`.
All integers are little-endian.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

MAGIC = 0x4C4C  # "LL"
VERSION = 1

# magic u16, version u8, flags u8, session u32, first_seq u64, count u16, part u16
HEADER = struct.Struct("<HBBIQHH")
# type u8, side u8, reserved u16, size u32, symbol 8s, price i64, exchange_ts_ns u64
MESSAGE = struct.Struct("<BBHI8sqQ")
# magic u16, version u8, kind u8, session u32, start_seq u64, count u32
REQUEST = struct.Struct("<HBBIQI")

HEADER_SIZE = HEADER.size  # 20
MESSAGE_SIZE = MESSAGE.size  # 32
MAX_DATAGRAM = 1472  # fits a 1500-byte Ethernet MTU with IPv4 + UDP headers
MAX_MESSAGES_PER_PACKET = (MAX_DATAGRAM - HEADER_SIZE) // MESSAGE_SIZE  # 45

# Packet flags
FLAG_RETRANSMIT = 0x01  # messages re-sent in answer to a retransmission request
FLAG_SNAPSHOT = 0x02  # snapshot part; first_seq is the snapshot's as-of sequence
FLAG_SNAPSHOT_END = 0x04  # last part of a snapshot
FLAG_UNAVAILABLE = 0x08  # requested range is no longer held by the publisher

# Message types
MSG_LEVEL = ord("L")  # price level now has `size` (0 removes the level)
MSG_TRADE = ord("T")  # a trade printed at price/size (informational)

SIDE_BID = ord("B")
SIDE_ASK = ord("S")

# Request kinds
REQ_RETRANSMIT = 1
REQ_SNAPSHOT = 2

PRICE_SCALE = 10_000  # prices are fixed point with 4 decimals


class WireError(ValueError):
    """A datagram that does not follow the wire format."""


class PacketHeader(NamedTuple):
    flags: int
    session: int
    first_seq: int
    count: int
    part: int


class Message(NamedTuple):
    mtype: int
    side: int
    size: int
    symbol: bytes
    price: int
    exchange_ts: int


class Request(NamedTuple):
    kind: int
    session: int
    start_seq: int
    count: int


MAX_SEQ = 2**63 - 1  # highest sequence number accepted, so that "next = seq + 1" still fits a u64


def is_symbol(raw: bytes) -> bool:
    """8 bytes: 1-8 printable ASCII characters without spaces, left-aligned, space-padded."""
    name = raw.rstrip(b" ")
    return len(raw) == 8 and bool(name) and all(0x21 <= c <= 0x7E for c in name)


def encode_symbol(name: str) -> bytes:
    raw = name.encode("ascii")
    if not raw or len(raw) > 8 or not is_symbol(raw.ljust(8, b" ")):
        raise ValueError(f"symbol {name!r} must be 1-8 printable ASCII characters without spaces")
    return raw.ljust(8, b" ")


def decode_symbol(raw: bytes) -> str:
    return raw.rstrip(b" ").decode("ascii")


def pack_header(buf, flags: int, session: int, first_seq: int, count: int, part: int = 0) -> None:
    HEADER.pack_into(buf, 0, MAGIC, VERSION, flags, session, first_seq, count, part)


def unpack_header(buf, nbytes: int) -> PacketHeader:
    if nbytes < HEADER_SIZE:
        raise WireError(f"datagram of {nbytes} bytes is shorter than the {HEADER_SIZE}-byte header")
    magic, version, flags, session, first_seq, count, part = HEADER.unpack_from(buf, 0)
    if magic != MAGIC or version != VERSION:
        raise WireError(f"bad magic/version {magic:#06x}/{version}")
    if HEADER_SIZE + count * MESSAGE_SIZE != nbytes:
        raise WireError(f"header says {count} messages but datagram has {nbytes} bytes")
    return PacketHeader(flags, session, first_seq, count, part)


def pack_message(buf, offset: int, msg: Message) -> None:
    MESSAGE.pack_into(buf, offset, msg.mtype, msg.side, 0, msg.size, msg.symbol, msg.price, msg.exchange_ts)


def unpack_message(buf, offset: int) -> Message:
    mtype, side, _reserved, size, symbol, price, ts = MESSAGE.unpack_from(buf, offset)
    return Message(mtype, side, size, symbol, price, ts)


def encode_packet(flags: int, session: int, first_seq: int, messages: list[Message], part: int = 0) -> bytes:
    if len(messages) > MAX_MESSAGES_PER_PACKET:
        raise ValueError(f"at most {MAX_MESSAGES_PER_PACKET} messages fit in one packet")
    buf = bytearray(HEADER_SIZE + MESSAGE_SIZE * len(messages))
    pack_header(buf, flags, session, first_seq, len(messages), part)
    for i, msg in enumerate(messages):
        pack_message(buf, HEADER_SIZE + i * MESSAGE_SIZE, msg)
    return bytes(buf)


def decode_packet(data: bytes) -> tuple[PacketHeader, list[Message]]:
    header = unpack_header(data, len(data))
    msgs = [unpack_message(data, HEADER_SIZE + i * MESSAGE_SIZE) for i in range(header.count)]
    return header, msgs


def encode_request(req: Request) -> bytes:
    return REQUEST.pack(MAGIC, VERSION, req.kind, req.session, req.start_seq, req.count)


def decode_request(data: bytes) -> Request:
    if len(data) != REQUEST.size:
        raise WireError(f"request must be {REQUEST.size} bytes, got {len(data)}")
    magic, version, kind, session, start, count = REQUEST.unpack(data)
    if magic != MAGIC or version != VERSION or kind not in (REQ_RETRANSMIT, REQ_SNAPSHOT):
        raise WireError("bad request magic/version/kind")
    return Request(kind, session, start, count)
