from __future__ import annotations

from lowlat_engine.matching import MatchingBook, RestingOrder
from lowlat_engine.venue_proto import SIDE_BUY, SIDE_SELL
from lowlat_engine.wire import SIDE_ASK, SIDE_BID


def resting(owner, clordid, side, price, qty):
    return RestingOrder(owner, clordid, clordid, side, price, qty)


def test_price_then_time_priority():
    book = MatchingBook(b"AAPL    ")
    book.rest(resting("a", 1, SIDE_SELL, 101, 10))
    book.rest(resting("b", 2, SIDE_SELL, 100, 10))
    book.rest(resting("c", 3, SIDE_SELL, 100, 10))
    fills = book.match(SIDE_BUY, 101, 25)
    assert [(f.resting.owner, f.qty, f.price) for f in fills] == [
        ("b", 10, 100),
        ("c", 10, 100),
        ("a", 5, 101),
    ]
    assert [o.leaves for o in book.resting_orders(SIDE_SELL)] == [5]


def test_limit_price_stops_matching():
    book = MatchingBook(b"AAPL    ")
    book.rest(resting("a", 1, SIDE_BUY, 99, 10))
    assert book.match(SIDE_SELL, 100, 5) == []
    assert [f.qty for f in book.match(SIDE_SELL, 99, 50)] == [10]
    assert book.best_resting(SIDE_BUY) is None


def test_feed_liquidity_trades_at_its_price_and_is_consumed():
    book = MatchingBook(b"AAPL    ")
    book.market.apply(SIDE_ASK, 101, 30)
    book.market.apply(SIDE_ASK, 102, 30)
    book.market.apply(SIDE_BID, 99, 30)
    fills = book.match(SIDE_BUY, 102, 40)
    assert [(f.resting, f.qty, f.price) for f in fills] == [(None, 30, 101), (None, 10, 102)]
    assert book.market.asks == {102: 20}
    assert book.match(SIDE_BUY, 101, 10) == []  # taken liquidity stays gone


def test_resting_orders_win_price_ties_with_the_feed():
    book = MatchingBook(b"AAPL    ")
    book.market.apply(SIDE_BID, 100, 10)
    book.rest(resting("a", 1, SIDE_BUY, 100, 10))
    fills = book.match(SIDE_SELL, 100, 15)
    assert [(f.resting is not None, f.qty) for f in fills] == [(True, 10), (False, 5)]
