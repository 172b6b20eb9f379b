"""Top-of-book imbalance strategy (deterministic: same book updates in, same orders out).

When the size at the best bid is at least `threshold_pct` percent of the combined best bid and
best ask size, buying pressure dominates: buy `order_qty` at the best ask (immediate-or-cancel).
Symmetrically, sell at the best bid when the ask side dominates. A signal only fires when it
changes (edge-triggered), and at most once per `cooldown_updates` top-of-book changes of that
symbol, so a book sitting in one state does not produce a stream of orders.
"""

from __future__ import annotations

from lowlat_engine.book import Book
from lowlat_engine.venue_proto import SIDE_BUY, SIDE_SELL


class ImbalanceStrategy:
    __slots__ = ("_last_signal", "_since_order", "cooldown_updates", "order_qty", "threshold_pct")

    def __init__(self, threshold_pct: int, order_qty: int, cooldown_updates: int) -> None:
        if not 50 < threshold_pct <= 100:
            raise ValueError("threshold_pct must be in (50, 100]")
        self.threshold_pct = threshold_pct
        self.order_qty = order_qty
        self.cooldown_updates = cooldown_updates
        self._last_signal: dict[bytes, int] = {}
        self._since_order: dict[bytes, int] = {}

    def on_top_change(self, book: Book) -> tuple[int, int, int] | None:
        """Return (side, price, qty) to send, or None. side is SIDE_BUY or SIDE_SELL."""
        symbol = book.symbol
        since = self._since_order.get(symbol, self.cooldown_updates) + 1
        self._since_order[symbol] = since
        bid_size = book.bid_size
        ask_size = book.ask_size
        if not bid_size or not ask_size:
            self._last_signal[symbol] = 0
            return None
        bar = self.threshold_pct * (bid_size + ask_size)
        if bid_size * 100 >= bar:
            signal = SIDE_BUY
        elif ask_size * 100 >= bar:
            signal = SIDE_SELL
        else:
            signal = 0
        if signal == self._last_signal.get(symbol, 0):
            return None
        self._last_signal[symbol] = signal
        if not signal or since < self.cooldown_updates:
            return None
        self._since_order[symbol] = 0
        if signal == SIDE_BUY:
            return SIDE_BUY, book.best_ask, self.order_qty
        return SIDE_SELL, book.best_bid, self.order_qty
