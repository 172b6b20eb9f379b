from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lowlat_engine.book import EMPTY_ASK, EMPTY_BID, Book
from lowlat_engine.wire import SIDE_ASK, SIDE_BID

updates = st.lists(
    st.tuples(st.sampled_from([SIDE_BID, SIDE_ASK]), st.integers(1, 30), st.integers(0, 5)), max_size=300
)


def top(book: Book):
    return book.best_bid, book.bid_size, book.best_ask, book.ask_size


@given(updates)
def test_book_matches_a_model_after_any_updates(ups):
    book = Book(b"TEST    ")
    model = {SIDE_BID: {}, SIDE_ASK: {}}
    for side, price, size in ups:
        before = top(book)
        changed = book.apply(side, price, size)
        if size:
            model[side][price] = size
        else:
            model[side].pop(price, None)
        # invariants: the levels are the model's, best prices are the extremes, no empty levels
        assert book.bids == model[SIDE_BID]
        assert book.asks == model[SIDE_ASK]
        bids, asks = model[SIDE_BID], model[SIDE_ASK]
        assert book.best_bid == (max(bids) if bids else EMPTY_BID)
        assert book.best_ask == (min(asks) if asks else EMPTY_ASK)
        assert book.bid_size == (bids[max(bids)] if bids else 0)
        assert book.ask_size == (asks[min(asks)] if asks else 0)
        assert all(v > 0 for v in (*bids.values(), *asks.values()))
        # apply() reports exactly the updates that changed the top of book
        assert changed == (top(book) != before)


def test_levels_are_best_first_and_clear_empties():
    book = Book(b"X       ")
    for price, size in [(10, 1), (12, 2), (11, 3)]:
        book.apply(SIDE_BID, price, size)
        book.apply(SIDE_ASK, price + 10, size)
    assert book.levels(SIDE_BID) == [(12, 2), (11, 3), (10, 1)]
    assert book.levels(SIDE_ASK) == [(20, 1), (21, 3), (22, 2)]
    assert book.has_two_sides()
    assert book.mid() == 16
    book.clear()
    assert not book.has_two_sides()
    assert top(book) == (EMPTY_BID, 0, EMPTY_ASK, 0)
