"""The venue simulator's matching engine: price-time priority per symbol.

Liquidity comes from two places: limit orders resting from any session, and (optionally) the
displayed levels of the market data feed the venue listens to. An incoming order trades at the
best price available from either, taking resting orders first when prices tie. Feed liquidity
that is taken stays consumed until the feed next updates that level.
"""

from __future__ import annotations

from bisect import insort
from collections import deque
from dataclasses import dataclass

from lowlat_engine.book import Book
from lowlat_engine.venue_proto import SIDE_BUY, SIDE_SELL
from lowlat_engine.wire import SIDE_ASK, SIDE_BID


@dataclass
class RestingOrder:
    owner: object  # the session that placed it
    clordid: int
    venue_id: int
    side: int
    price: int
    leaves: int


@dataclass(frozen=True)
class Execution:
    resting: RestingOrder | None  # None when the order traded against feed liquidity
    qty: int
    price: int


class MatchingBook:
    def __init__(self, symbol: bytes) -> None:
        self.symbol = symbol
        self.market = Book(symbol)  # displayed feed liquidity
        # price -> FIFO of resting orders; prices kept sorted ascending
        self._queues: dict[int, dict[int, deque[RestingOrder]]] = {SIDE_BUY: {}, SIDE_SELL: {}}
        self._prices: dict[int, list[int]] = {SIDE_BUY: [], SIDE_SELL: []}

    def best_resting(self, side: int) -> int | None:
        prices = self._prices[side]
        if not prices:
            return None
        return prices[-1] if side == SIDE_BUY else prices[0]

    def resting_orders(self, side: int) -> list[RestingOrder]:
        prices = self._prices[side]
        ordered = reversed(prices) if side == SIDE_BUY else prices
        return [o for p in ordered for o in self._queues[side][p]]

    def match(self, side: int, price: int, qty: int) -> list[Execution]:
        """Trade an incoming order against the opposite side; returns executions in order."""
        executions = []
        buying = side == SIDE_BUY
        opposite = SIDE_SELL if buying else SIDE_BUY
        remaining = qty
        while remaining:
            resting_px = self.best_resting(opposite)
            market_px = self._best_market(buying)
            candidates = [p for p in (resting_px, market_px) if p is not None and _crosses(buying, price, p)]
            if not candidates:
                break
            best = min(candidates) if buying else max(candidates)
            if best == resting_px:
                remaining -= self._take_resting(opposite, best, remaining, executions)
            else:
                remaining -= self._take_market(buying, best, remaining, executions)
        return executions

    def rest(self, order: RestingOrder) -> None:
        queues = self._queues[order.side]
        if order.price not in queues:
            queues[order.price] = deque()
            insort(self._prices[order.side], order.price)
        queues[order.price].append(order)

    def _best_market(self, buying: bool) -> int | None:
        market = self.market
        if buying:
            return market.best_ask if market.ask_size else None
        return market.best_bid if market.bid_size else None

    def _take_resting(self, side: int, price: int, want: int, out: list[Execution]) -> int:
        queue = self._queues[side][price]
        taken = 0
        while queue and taken < want:
            order = queue[0]
            qty = min(order.leaves, want - taken)
            order.leaves -= qty
            taken += qty
            out.append(Execution(order, qty, price))
            if not order.leaves:
                queue.popleft()
        if not queue:
            del self._queues[side][price]
            self._prices[side].remove(price)
        return taken

    def _take_market(self, buying: bool, price: int, want: int, out: list[Execution]) -> int:
        market = self.market
        side = SIDE_ASK if buying else SIDE_BID
        available = (market.asks if buying else market.bids)[price]
        qty = min(available, want)
        market.apply(side, price, available - qty)
        out.append(Execution(None, qty, price))
        return qty


def _crosses(buying: bool, limit: int, price: int) -> bool:
    return price <= limit if buying else price >= limit
