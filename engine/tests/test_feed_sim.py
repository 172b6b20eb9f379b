"""Feed simulator: random walk shape, record/replay, retransmission, snapshots, heartbeats."""

from __future__ import annotations

import json
import socket

import pytest

from lowlat_engine import feed_sim, wire
from lowlat_engine.book import Book
from lowlat_engine.feed_gen import RandomWalk, Recorder, Replay


@pytest.fixture
def receiver():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(2)
    yield sock
    sock.close()


def drain(sock) -> list[tuple[wire.PacketHeader, list[wire.Message]]]:
    packets = []
    sock.setblocking(False)
    try:
        while True:
            packets.append(wire.decode_packet(sock.recv(2048)))
    except BlockingIOError:
        pass
    finally:
        sock.settimeout(2)
    return packets


def contents(msgs) -> list[tuple]:
    return [(m.mtype, m.side, m.size, m.symbol, m.price) for m in msgs]


def test_random_walk_books_stay_uncrossed_and_full():
    walk = RandomWalk(["AAPL", "MSFT"], seed=3, levels=4)
    books: dict[bytes, Book] = {}
    for _mtype, side, size, symbol, price in [*walk.initial_book(), *(walk.next() for _ in range(5000))]:
        book = books.setdefault(symbol, Book(symbol))
        book.apply(side, price, size)
        if book.bid_size and book.ask_size:
            assert book.best_bid < book.best_ask
    for book in books.values():
        assert len(book.bids) == len(book.asks) == 4


def test_record_then_replay_publishes_the_same_messages(tmp_path, receiver, capsys):
    port = receiver.getsockname()[1]
    rec = tmp_path / "feed.rec"
    base = ["--dest", f"127.0.0.1:{port}", "--recovery-listen", "127.0.0.1:0", "--rate", "0"]
    assert feed_sim.main([*base, "--count", "400", "--batch", "10", "--record", str(rec)]) == 0
    live = drain(receiver)
    assert feed_sim.main([*base, "--replay", str(rec), "--batch", "7"]) == 0
    replayed = drain(receiver)
    summaries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [s["messages"] for s in summaries if s["event"] == "summary"] == [400, 400]

    def flatten(packets):
        seqs, msgs = [], []
        for header, batch in packets:
            seqs.extend(range(header.first_seq, header.first_seq + header.count))
            msgs.extend(batch)
        return seqs, msgs

    live_seqs, live_msgs = flatten(live)
    replay_seqs, replay_msgs = flatten(replayed)
    assert live_seqs == replay_seqs == list(range(1, 401))
    source, recorded = Replay(str(rec)), []
    while (event := source.next()) is not None:
        recorded.append(event)
    assert contents(live_msgs) == contents(replay_msgs) == recorded
    assert max(len(b) for _h, b in live) == 10 and max(len(b) for _h, b in replayed) == 7


@pytest.fixture
def publisher(receiver):
    pub = feed_sim.Publisher(
        [receiver.getsockname()], ("127.0.0.1", 0), session=9, batch=5, ring_size=50, drop_every=3
    )
    walk = RandomWalk(["AAPL"], seed=1, levels=3)
    events = [*walk.initial_book(), *(walk.next() for _ in range(94))]  # 100 messages
    for i in range(0, 100, 5):
        pub.publish(events[i : i + 5])
    yield pub
    pub.close()


def ask(pub, kind, start=0, count=0) -> list[tuple[wire.PacketHeader, list[wire.Message]]]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.bind(("127.0.0.1", 0))
        client.settimeout(2)
        client.sendto(
            wire.encode_request(wire.Request(kind, 9, start, count)), ("127.0.0.1", pub.recovery_port)
        )
        pub.serve_requests()
        return drain(client)


def test_dropped_packets_are_not_sent_but_can_be_retransmitted(publisher, receiver):
    live = drain(receiver)
    firsts = [h.first_seq for h, _ in live]
    assert publisher.dropped_packets == 6 and len(live) == 14
    assert 86 not in firsts  # every 3rd packet is dropped: the 18th holds messages 86-90
    answer = ask(publisher, wire.REQ_RETRANSMIT, 86, 5)
    assert [(h.flags, h.first_seq, h.count) for h, _ in answer] == [(wire.FLAG_RETRANSMIT, 86, 5)]
    assert all(m.price > 0 for _h, msgs in answer for m in msgs)


def test_ranges_older_than_the_ring_are_unavailable(publisher):
    answer = ask(publisher, wire.REQ_RETRANSMIT, 10, 5)  # ring holds 51..100
    assert [(h.flags, h.count) for h, _ in answer] == [(wire.FLAG_UNAVAILABLE, 0)]


def test_snapshot_describes_the_publishers_books(publisher):
    answer = ask(publisher, wire.REQ_SNAPSHOT)
    assert answer and all(h.first_seq == 100 and h.flags & wire.FLAG_SNAPSHOT for h, _ in answer)
    assert answer[-1][0].flags & wire.FLAG_SNAPSHOT_END and [h.part for h, _ in answer] == list(
        range(len(answer))
    )
    rebuilt = Book(wire.encode_symbol("AAPL"))
    for _h, msgs in answer:
        for m in msgs:
            rebuilt.apply(m.side, m.price, m.size)
    original = publisher.books[wire.encode_symbol("AAPL")]
    assert rebuilt.bids == original.bids and rebuilt.asks == original.asks


def test_heartbeat_carries_the_next_sequence(publisher, receiver):
    drain(receiver)
    publisher.heartbeat()
    [(header, msgs)] = drain(receiver)
    assert header.count == 0 and header.first_seq == 101 and msgs == []


def test_looping_replay_empties_the_books_before_starting_over(tmp_path, publisher):
    rec = tmp_path / "tiny.rec"
    recorder = Recorder(str(rec))
    initial = RandomWalk(["MSFT"], seed=2, levels=2).initial_book()
    buf = bytearray(wire.MESSAGE_SIZE)
    for mtype, side, size, symbol, price in initial:
        wire.MESSAGE.pack_into(buf, 0, mtype, side, 0, size, symbol, price, 0)
        recorder.write(bytes(buf))
    recorder.close()
    publisher.books.clear()
    runner = feed_sim.Runner(publisher, Replay(str(rec)), rate=0, loop=True, heartbeat_s=0)
    publisher.publish(runner._take(4))
    clearing = runner._take(4)
    assert sorted(clearing) == sorted((t, s, 0, sym, p) for t, s, _size, sym, p in initial)
    publisher.publish(clearing)
    assert not any(b.bids or b.asks for b in publisher.books.values())
    assert runner._take(4) == initial
