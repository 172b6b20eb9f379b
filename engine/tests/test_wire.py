from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lowlat_engine import venue_proto as vp
from lowlat_engine import wire

symbols = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.", min_size=1, max_size=8).map(
    wire.encode_symbol
)
messages = st.builds(
    wire.Message,
    mtype=st.sampled_from([wire.MSG_LEVEL, wire.MSG_TRADE]),
    side=st.sampled_from([wire.SIDE_BID, wire.SIDE_ASK]),
    size=st.integers(0, 2**32 - 1),
    symbol=symbols,
    price=st.integers(-(2**63), 2**63 - 1),
    exchange_ts=st.integers(0, 2**64 - 1),
)


@given(
    flags=st.integers(0, 255),
    session=st.integers(0, 2**32 - 1),
    first=st.integers(0, 2**64 - 1),
    part=st.integers(0, 2**16 - 1),
    msgs=st.lists(messages, max_size=wire.MAX_MESSAGES_PER_PACKET),
)
def test_packet_round_trip(flags, session, first, part, msgs):
    data = wire.encode_packet(flags, session, first, msgs, part)
    assert len(data) <= wire.MAX_DATAGRAM
    header, decoded = wire.decode_packet(data)
    assert header == wire.PacketHeader(flags, session, first, len(msgs), part)
    assert decoded == msgs


def test_layout_sizes_are_the_documented_ones():
    assert wire.HEADER_SIZE == 20
    assert wire.MESSAGE_SIZE == 32
    assert wire.MAX_MESSAGES_PER_PACKET == 45
    data = wire.encode_packet(0, 1, 2, [wire.Message(wire.MSG_LEVEL, wire.SIDE_BID, 3, b"AAPL    ", 4, 5)])
    assert data[:2] == b"LL"
    assert data[wire.HEADER_SIZE : wire.HEADER_SIZE + 2] == b"LB"  # type 'L', side 'B'


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"LL\x01", "shorter"),
        (b"XX" + bytes(18), "magic"),
        (wire.encode_packet(0, 1, 1, []) + b"\x00", "messages"),
    ],
)
def test_malformed_packets_are_refused(data, problem):
    with pytest.raises(wire.WireError, match=problem):
        wire.decode_packet(data)


@given(
    kind=st.sampled_from([wire.REQ_RETRANSMIT, wire.REQ_SNAPSHOT]),
    session=st.integers(0, 2**32 - 1),
    start=st.integers(0, 2**64 - 1),
    count=st.integers(0, 2**32 - 1),
)
def test_request_round_trip(kind, session, start, count):
    req = wire.Request(kind, session, start, count)
    assert wire.decode_request(wire.encode_request(req)) == req


def test_bad_request_is_refused():
    with pytest.raises(wire.WireError):
        wire.decode_request(b"\x00" * wire.REQUEST.size)
    with pytest.raises(wire.WireError):
        wire.decode_request(b"short")


@pytest.mark.parametrize("name", ["", "TOOLONGSYM", "A B", "É"])
def test_bad_symbols_are_refused(name):
    with pytest.raises((ValueError, UnicodeEncodeError)):
        wire.encode_symbol(name)


def test_symbol_round_trip():
    assert wire.decode_symbol(wire.encode_symbol("MSFT")) == "MSFT"


venue_frames = st.one_of(
    st.builds(lambda s, n: (vp.T_LOGIN, (s, n)), symbols, st.integers(0, 2**64 - 1)),
    st.builds(
        lambda c, s, side, q, p: (vp.T_NEW_ORDER, (c, s, side, vp.TIF_IOC, q, p)),
        st.integers(0, 2**64 - 1),
        symbols,
        st.sampled_from([vp.SIDE_BUY, vp.SIDE_SELL]),
        st.integers(0, 2**32 - 1),
        st.integers(-(2**63), 2**63 - 1),
    ),
    st.builds(
        lambda seq, c, s, q, lv, p: (vp.T_FILL, (seq, c, 7, s, vp.SIDE_BUY, q, lv, p, 9)),
        st.integers(0, 2**64 - 1),
        st.integers(0, 2**64 - 1),
        symbols,
        st.integers(0, 2**32 - 1),
        st.integers(0, 2**32 - 1),
        st.integers(-(2**63), 2**63 - 1),
    ),
    st.just((vp.T_HEARTBEAT, ())),
)


@given(frames=st.lists(venue_frames, max_size=20), cuts=st.lists(st.integers(0, 2000), max_size=10))
def test_venue_frames_survive_any_stream_chunking(frames, cuts):
    stream = b"".join(vp.encode(t, *f) for t, f in frames)
    reader = vp.FrameReader()
    got = []
    points = sorted({c % (len(stream) + 1) for c in cuts} | {0, len(stream)})
    for a, b in itertools.pairwise(points):
        reader.feed(stream[a:b])
        got.extend((t, f) for t, f, _raw in reader.frames())
    assert got == frames


def test_unknown_venue_frame_is_a_protocol_error():
    reader = vp.FrameReader()
    reader.feed(b"\x01\x00Z")
    with pytest.raises(vp.ProtocolError):
        list(reader.frames())
