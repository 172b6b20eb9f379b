from __future__ import annotations

import pytest

from lowlat_engine.book import Book
from lowlat_engine.strategy import ImbalanceStrategy
from lowlat_engine.venue_proto import SIDE_BUY, SIDE_SELL
from lowlat_engine.wire import SIDE_ASK, SIDE_BID


def book_with(bid_size: int, ask_size: int) -> Book:
    book = Book(b"AAPL    ")
    book.apply(SIDE_BID, 99, bid_size)
    book.apply(SIDE_ASK, 101, ask_size)
    return book


def test_bid_heavy_book_buys_at_the_best_ask_once():
    strat = ImbalanceStrategy(threshold_pct=70, order_qty=100, cooldown_updates=0)
    book = book_with(80, 20)
    assert strat.on_top_change(book) == (SIDE_BUY, 101, 100)
    assert strat.on_top_change(book) is None  # edge-triggered: same signal, no new order


def test_ask_heavy_book_sells_at_the_best_bid():
    strat = ImbalanceStrategy(70, 50, 0)
    assert strat.on_top_change(book_with(10, 90)) == (SIDE_SELL, 99, 50)


def test_balanced_or_one_sided_books_do_nothing():
    strat = ImbalanceStrategy(70, 50, 0)
    assert strat.on_top_change(book_with(50, 50)) is None
    one_sided = Book(b"AAPL    ")
    one_sided.apply(SIDE_BID, 99, 10)
    assert strat.on_top_change(one_sided) is None


def test_cooldown_counts_top_of_book_updates_per_symbol():
    strat = ImbalanceStrategy(70, 10, cooldown_updates=3)
    assert strat.on_top_change(book_with(90, 10)) is not None
    assert strat.on_top_change(book_with(50, 50)) is None  # update 1 since the order
    assert strat.on_top_change(book_with(10, 90)) is None  # update 2: signal flips, still cooling down
    assert strat.on_top_change(book_with(50, 50)) is None
    assert strat.on_top_change(book_with(90, 10)) == (SIDE_BUY, 101, 10)


def test_same_inputs_give_same_orders():
    def run():
        strat = ImbalanceStrategy(65, 10, 2)
        sizes = [(i * 37 % 100 + 1, i * 53 % 100 + 1) for i in range(500)]
        return [strat.on_top_change(book_with(b, a)) for b, a in sizes]

    first = run()
    assert first == run()
    assert any(first)


def test_threshold_must_mean_a_majority():
    with pytest.raises(ValueError):
        ImbalanceStrategy(50, 10, 0)
