"""The feed handler applies only level updates whose side and price fit the wire format."""

from __future__ import annotations

import pytest

from lowlat_engine import wire
from lowlat_engine.config import parse
from lowlat_engine.feed_handler import FeedHandler
from lowlat_engine.metrics import Histogram

AAPL = wire.encode_symbol("AAPL")


@pytest.fixture
def feed(raw_config):
    changes = []
    handler = FeedHandler(
        parse(raw_config).feed,
        ("AAPL",),
        memoryview(bytearray(wire.MAX_DATAGRAM)),
        memoryview(bytearray(wire.MAX_DATAGRAM)),
        lambda book, t0: changes.append((book.best_bid, book.best_ask)),
        Histogram(),
    )
    yield handler, changes
    handler.close()


def level(side: int, price: int, size: int = 10) -> wire.Message:
    return wire.Message(wire.MSG_LEVEL, side, size, AAPL, price, 0)


def test_levels_with_a_bad_side_or_price_are_counted_not_applied(feed):
    handler, changes = feed
    bad = [level(ord("X"), 1_000_000), level(wire.SIDE_ASK, 0), level(wire.SIDE_BID, -5)]
    data = wire.encode_packet(0, 7, 1, [*bad, level(wire.SIDE_BID, 99)])
    handler.sequencer.on_packet(data, len(data), 0, 0)
    book = handler.books[AAPL]
    assert book.bids == {99: 10} and book.asks == {}
    assert handler.bad_messages == 3
    assert changes == [(99, book.best_ask)]
