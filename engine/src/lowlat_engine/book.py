"""Market-by-price order book for one symbol, fed by level updates."""

from __future__ import annotations

from lowlat_engine.wire import SIDE_BID

EMPTY_BID = -(2**63)
EMPTY_ASK = 2**63 - 1


class Book:
    """Aggregate size per price level; best prices are kept incrementally.

    A level update carries the new total size at a price; size 0 removes the level.
    Recomputing a best price after its level is removed scans that side, which stays
    cheap because a feed publishes a bounded number of levels.
    """

    __slots__ = ("ask_size", "asks", "best_ask", "best_bid", "bid_size", "bids", "symbol")

    def __init__(self, symbol: bytes) -> None:
        self.symbol = symbol
        self.bids: dict[int, int] = {}
        self.asks: dict[int, int] = {}
        self.best_bid = EMPTY_BID
        self.best_ask = EMPTY_ASK
        self.bid_size = 0
        self.ask_size = 0

    def apply(self, side: int, price: int, size: int) -> bool:
        """Apply one level update; return True when the top of book changed."""
        if side == SIDE_BID:
            levels = self.bids
            if size:
                levels[price] = size
                if price > self.best_bid:
                    self.best_bid = price
                    self.bid_size = size
                    return True
                if price == self.best_bid:
                    changed = size != self.bid_size
                    self.bid_size = size
                    return changed
                return False
            if levels.pop(price, None) is None or price != self.best_bid:
                return False
            if levels:
                best = max(levels)
                self.best_bid = best
                self.bid_size = levels[best]
            else:
                self.best_bid = EMPTY_BID
                self.bid_size = 0
            return True
        levels = self.asks
        if size:
            levels[price] = size
            if price < self.best_ask:
                self.best_ask = price
                self.ask_size = size
                return True
            if price == self.best_ask:
                changed = size != self.ask_size
                self.ask_size = size
                return changed
            return False
        if levels.pop(price, None) is None or price != self.best_ask:
            return False
        if levels:
            best = min(levels)
            self.best_ask = best
            self.ask_size = levels[best]
        else:
            self.best_ask = EMPTY_ASK
            self.ask_size = 0
        return True

    def clear(self) -> None:
        self.bids.clear()
        self.asks.clear()
        self.best_bid = EMPTY_BID
        self.best_ask = EMPTY_ASK
        self.bid_size = 0
        self.ask_size = 0

    def has_two_sides(self) -> bool:
        return bool(self.bid_size and self.ask_size)

    def mid(self) -> int:
        """Mid price (floor), only meaningful when both sides are present."""
        return (self.best_bid + self.best_ask) // 2

    def levels(self, side: int) -> list[tuple[int, int]]:
        """Levels best first, for snapshots and inspection (not for the hot path)."""
        if side == SIDE_BID:
            return sorted(self.bids.items(), reverse=True)
        return sorted(self.asks.items())
