"""Order state and positions, driven by the same calls live and when replaying the journal."""

from __future__ import annotations

from lowlat_engine.venue_proto import SIDE_BUY, T_ACK, T_CANCELED, T_FILL, T_REJECT


class Order:
    __slots__ = (
        "acked",
        "clordid",
        "leaves",
        "price",
        "qty",
        "sent_ns",
        "side",
        "symbol",
        "tif",
        "timed_out",
    )

    def __init__(self, clordid: int, symbol: bytes, side: int, price: int, qty: int, tif: int, sent_ns: int):
        self.clordid = clordid
        self.symbol = symbol
        self.side = side
        self.price = price
        self.qty = qty
        self.tif = tif
        self.leaves = qty
        self.sent_ns = sent_ns
        self.acked = False
        self.timed_out = False


class Blotter:
    """Open orders, open quantity per side, and positions per symbol.

    Venue messages are applied in venue sequence order and each at most once (duplicates from a
    replay are ignored by sequence number), so replaying the journal and then the venue's replay
    reproduces the venue's view of the session exactly.
    """

    def __init__(self) -> None:
        self.open: dict[int, Order] = {}
        self.positions: dict[bytes, int] = {}
        self.open_buy: dict[bytes, int] = {}
        self.open_sell: dict[bytes, int] = {}
        self.next_clordid = 1
        self.last_venue_seq = 0
        self.fills = 0
        self.filled_qty = 0

    def new_order(
        self, clordid: int, symbol: bytes, side: int, price: int, qty: int, tif: int, sent_ns: int
    ) -> Order:
        order = Order(clordid, symbol, side, price, qty, tif, sent_ns)
        self.open[clordid] = order
        opens = self.open_buy if side == SIDE_BUY else self.open_sell
        opens[symbol] = opens.get(symbol, 0) + qty
        if clordid >= self.next_clordid:
            self.next_clordid = clordid + 1
        return order

    def is_new_seq(self, seq: int) -> bool:
        return seq > self.last_venue_seq

    def on_venue(self, mtype: int, fields: tuple) -> Order | None:
        """Apply one sequenced venue message; returns the order it concerns, if still known.

        The caller must have checked is_new_seq(seq) first.
        """
        seq, clordid = fields[0], fields[1]
        self.last_venue_seq = seq
        if clordid >= self.next_clordid:
            self.next_clordid = clordid + 1
        order = self.open.get(clordid)
        if mtype == T_ACK:
            if order is None:
                # An order this engine has no record of (journal lost): learn it from the ack.
                _seq, _id, _voi, symbol, side, qty, price, _ts = fields
                order = self.new_order(clordid, symbol, side, price, qty, 0, 0)
            order.acked = True
            return order
        if mtype == T_FILL:
            _seq, _id, _exec, symbol, side, qty, leaves, _price, _ts = fields
            self.fills += 1
            self.filled_qty += qty
            self.positions[symbol] = self.positions.get(symbol, 0) + (qty if side == SIDE_BUY else -qty)
            if order is not None:
                self._reduce_open(order, qty)
                if leaves == 0:
                    del self.open[clordid]
            return order
        if mtype in (T_CANCELED, T_REJECT):
            if order is not None:
                self._close(order)
            return order
        raise ValueError(f"not a sequenced venue message type: {mtype}")

    def forget(self, clordid: int) -> Order | None:
        """Drop an order the venue never received (see Engine login replay)."""
        order = self.open.get(clordid)
        if order is not None:
            self._close(order)
        return order

    def _close(self, order: Order) -> None:
        self._reduce_open(order, order.leaves)
        del self.open[order.clordid]

    def _reduce_open(self, order: Order, qty: int) -> None:
        opens = self.open_buy if order.side == SIDE_BUY else self.open_sell
        qty = min(qty, order.leaves)
        order.leaves -= qty
        opens[order.symbol] -= qty

    def position(self, symbol: bytes) -> int:
        return self.positions.get(symbol, 0)
