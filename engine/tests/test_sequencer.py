"""Feed sequencing: messages carry their own sequence number in the price field, so the test
can check that the books saw every message exactly once and in order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lowlat_engine import wire
from lowlat_engine.sequencer import FeedState, Sequencer

SESSION = 42
SYMBOL = wire.encode_symbol("AAPL")


def msg(seq: int) -> wire.Message:
    return wire.Message(wire.MSG_LEVEL, wire.SIDE_BID, 1, SYMBOL, seq, 0)


def packet(first: int, count: int, flags: int = 0, session: int = SESSION) -> bytes:
    return wire.encode_packet(flags, session, first, [msg(first + i) for i in range(count)])


class Harness:
    def __init__(self, **kw) -> None:
        self.applied: list[int] = []
        self.live: list[int] = []
        self.requests: list[tuple[int, int, int]] = []
        self.resets = 0
        self.now = 0
        self.seq = Sequencer(self.apply, self.reset, self.request, **kw)

    def apply(self, buf, offset, count, _t0, live):
        for i in range(count):
            price = wire.unpack_message(buf, offset + i * wire.MESSAGE_SIZE).price
            self.applied.append(price)
            if live:
                self.live.append(price)

    def reset(self):
        self.resets += 1
        self.applied.clear()

    def request(self, kind, session, start, count):
        assert session == SESSION
        self.requests.append((kind, start, count))

    def feed(self, data: bytes) -> None:
        self.seq.on_packet(data, len(data), 0, self.now)


def test_in_order_packets_are_applied_live():
    h = Harness()
    for first in (1, 4, 6):
        h.feed(packet(first, 3 if first == 1 else 2))
    assert h.applied == h.live == list(range(1, 8))
    assert h.seq.state == FeedState.LIVE and h.seq.joined
    assert h.seq.gaps == 0 and not h.requests


def test_gap_is_counted_requested_and_filled_by_retransmission():
    h = Harness()
    h.feed(packet(1, 2))
    h.feed(packet(6, 2))  # 3..5 missing
    assert h.seq.gaps == 1 and h.seq.gap_messages == 3
    assert h.seq.state == FeedState.RECOVERING
    assert h.requests == [(wire.REQ_RETRANSMIT, 3, 3)]
    h.feed(packet(8, 1))  # more live data while recovering is buffered, no new request
    assert h.requests == [(wire.REQ_RETRANSMIT, 3, 3)]
    h.feed(packet(3, 3, wire.FLAG_RETRANSMIT))
    assert h.applied == list(range(1, 9))
    assert h.live == [1, 2]  # recovered and buffered messages do not drive the strategy
    assert h.seq.state == FeedState.LIVE and h.seq.recovered == 3
    h.feed(packet(9, 1))
    assert h.live[-1] == 9


def test_heartbeat_reveals_a_lost_tail():
    h = Harness()
    h.feed(packet(1, 3))
    h.feed(packet(4, 0))  # heartbeat: next sequence is 4, nothing missing
    assert h.seq.gaps == 0 and h.seq.state == FeedState.LIVE
    h.feed(packet(6, 0))  # heartbeat says next is 6: 4 and 5 were lost
    assert h.seq.gaps == 1 and h.requests == [(wire.REQ_RETRANSMIT, 4, 2)]
    h.feed(packet(4, 2, wire.FLAG_RETRANSMIT))
    assert h.applied == [1, 2, 3, 4, 5] and h.seq.state == FeedState.LIVE
    assert h.seq.buffered_messages == 0


def test_duplicates_and_overlaps_are_skipped():
    h = Harness()
    h.feed(packet(1, 3))
    h.feed(packet(2, 2))
    h.feed(packet(3, 3))  # overlaps: only 4 and 5 are new
    assert h.applied == [1, 2, 3, 4, 5]
    assert h.seq.duplicates == 2


def test_late_joiner_takes_a_snapshot_then_drains_buffered_packets():
    h = Harness()
    h.feed(packet(100, 2))
    assert h.seq.state == FeedState.SNAPSHOT and not h.seq.joined
    assert h.requests == [(wire.REQ_SNAPSHOT, 0, 0)]
    h.feed(packet(102, 2))
    # snapshot as of 100 in two parts (the second flagged END); levels carry price -1 / -2
    part0 = wire.encode_packet(wire.FLAG_SNAPSHOT, SESSION, 100, [msg(-1)], part=0)
    part1 = wire.encode_packet(wire.FLAG_SNAPSHOT | wire.FLAG_SNAPSHOT_END, SESSION, 100, [msg(-2)], part=1)
    h.feed(part1)
    assert not h.seq.joined  # part 0 still missing
    h.feed(part0)
    assert h.seq.joined and h.seq.snapshots == 1
    assert h.applied == [-1, -2, 101, 102, 103]  # 100 is in the snapshot, so skipped
    assert h.seq.state == FeedState.LIVE


def test_unanswered_retransmission_is_retried_then_escalated_to_snapshot():
    h = Harness(timeout_ns=10, retries=2)
    h.feed(packet(1, 1))
    h.feed(packet(5, 1))
    for step in range(1, 4):
        h.now = step * 10
        h.seq.poll(h.now)
    kinds = [r[0] for r in h.requests]
    assert kinds == [wire.REQ_RETRANSMIT] * 3 + [wire.REQ_SNAPSHOT]
    assert h.seq.state == FeedState.SNAPSHOT


def test_unavailable_range_escalates_to_snapshot():
    h = Harness()
    h.feed(packet(1, 1))
    h.feed(packet(5, 1))
    h.feed(wire.encode_packet(wire.FLAG_UNAVAILABLE, SESSION, 2, []))
    assert h.seq.state == FeedState.SNAPSHOT and h.seq.unavailable == 1


def test_too_much_buffered_data_falls_back_to_snapshot():
    h = Harness(max_buffered=10)
    h.feed(packet(1, 1))
    for first in range(5, 30, 5):
        h.feed(packet(first, 5))
    assert h.seq.state == FeedState.SNAPSHOT


def test_new_session_resets_the_books():
    h = Harness()
    h.feed(packet(1, 3))
    h.feed(packet(1, 2, session=SESSION + 1))
    assert h.seq.session_changes == 1 and h.resets == 2
    assert h.applied == [1, 2]


def test_malformed_datagrams_are_counted_and_ignored():
    h = Harness()
    h.feed(b"junk")
    h.feed(packet(1, 2)[:-1])
    assert h.seq.bad_packets == 2 and h.applied == []


@given(
    st.lists(st.integers(1, 4), min_size=1, max_size=40),
    st.data(),
)
def test_any_loss_duplication_and_reordering_recovers_every_message_once_in_order(sizes, data):
    # A publisher cuts messages 1..N into packets; the network drops, duplicates and reorders
    # them; requests are answered immediately from the publisher's history.
    packets, first = [], 1
    for size in sizes:
        packets.append((first, size))
        first += size
    total = first - 1
    delivered = []
    for p in packets:
        copies = data.draw(st.integers(0, 2), label="copies")
        delivered.extend([p] * copies)
    delivered = data.draw(st.permutations(delivered), label="order")

    h = Harness()
    served = 0
    for start, count in [(1, packets[0][1]), *delivered]:
        h.feed(packet(start, count))
        while served < len(h.requests):
            kind, rs, rc = h.requests[served]
            served += 1
            if kind == wire.REQ_RETRANSMIT:
                upto = min(rs + rc, total + 1)
                for s in range(rs, upto, 3):
                    h.feed(packet(s, min(3, upto - s), wire.FLAG_RETRANSMIT))
    # the last packet may itself have been lost: the timer asks again until all is in
    h.feed(packet(total + 1, 1))
    while served < len(h.requests):
        kind, rs, rc = h.requests[served]
        served += 1
        for s in range(rs, rs + rc):
            h.feed(packet(s, 1, wire.FLAG_RETRANSMIT))
    assert h.applied == list(range(1, total + 2))
    assert h.seq.state == FeedState.LIVE


def test_sequence_numbers_past_the_accepted_range_are_bad_packets():
    h = Harness()
    h.feed(wire.encode_packet(0, SESSION, wire.MAX_SEQ, [msg(1), msg(2)]))  # would end past MAX_SEQ
    assert h.seq.bad_packets == 1 and h.seq.session == -1 and not h.requests
    h.feed(packet(1, 3))
    h.feed(wire.encode_packet(0, SESSION, 2**64 - 2, [msg(4)]))
    h.feed(wire.encode_packet(wire.FLAG_SNAPSHOT, SESSION, 2**64 - 1, []))
    assert h.seq.bad_packets == 3 and h.seq.gaps == 0 and not h.requests
    assert h.seq.state == FeedState.LIVE and h.applied == [1, 2, 3]
