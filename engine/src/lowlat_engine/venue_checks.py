"""Range and charset checks of sequenced venue messages, made before one is journaled or applied.

A message that passes can be journaled, replayed and re-encoded without error: its sequence
number leaves room for "next = seq + 1" in the login's u64, its clordid for the engine's next
clordid, its symbol is printable ASCII (it is logged, exported and compared as text).
"""

from __future__ import annotations

from lowlat_engine.venue_proto import SIDE_BUY, SIDE_SELL, T_ACK, T_FILL
from lowlat_engine.wire import MAX_SEQ, is_symbol

MAX_CLORDID = 2**63 - 1


def check_sequenced(mtype: int, fields: tuple) -> str | None:
    """None when every field of an ack, fill, cancel or reject is in range, else what is not."""
    seq, clordid = fields[0], fields[1]
    if not 1 <= seq <= MAX_SEQ:
        return f"seq {seq} is outside 1..{MAX_SEQ}"
    if not 1 <= clordid <= MAX_CLORDID:
        return f"clordid {clordid} is outside 1..{MAX_CLORDID}"
    if mtype == T_ACK:
        _seq, _id, _venue_id, symbol, side, qty, price, _ts = fields
        return _check_order(symbol, side, qty, price)
    if mtype == T_FILL:
        _seq, _id, _exec_id, symbol, side, qty, _leaves, price, _ts = fields
        return _check_order(symbol, side, qty, price)
    return None


def _check_order(symbol: bytes, side: int, qty: int, price: int) -> str | None:
    if not is_symbol(symbol):
        return f"symbol {symbol!r} is not 1-8 printable ASCII characters, space-padded"
    if side not in (SIDE_BUY, SIDE_SELL):
        return f"side {side} is neither B nor S"
    if qty < 1:
        return f"qty {qty} is not positive"
    if price <= 0:
        return f"price {price} is not positive"
    return None
