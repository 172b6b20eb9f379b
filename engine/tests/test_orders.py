"""Order state, positions, and rebuilding them from journal records."""

from __future__ import annotations

from lowlat_engine import records
from lowlat_engine import venue_proto as vp
from lowlat_engine.orders import Blotter
from lowlat_engine.risk import HaltReason

AAPL = b"AAPL    "


def ack(seq, clordid, side=vp.SIDE_BUY, qty=100, price=1_000_000):
    return vp.T_ACK, (seq, clordid, 900 + clordid, AAPL, side, qty, price, 0)


def fill(seq, clordid, qty, leaves, side=vp.SIDE_BUY, price=1_000_000):
    return vp.T_FILL, (seq, clordid, 500 + seq, AAPL, side, qty, leaves, price, 0)


def test_open_quantity_and_position_follow_the_order_life_cycle():
    b = Blotter()
    b.new_order(1, AAPL, vp.SIDE_BUY, 1_000_000, 100, vp.TIF_IOC, 5)
    b.new_order(2, AAPL, vp.SIDE_SELL, 1_000_000, 50, vp.TIF_IOC, 6)
    assert b.open_buy[AAPL] == 100 and b.open_sell[AAPL] == 50 and b.next_clordid == 3
    b.on_venue(*ack(1, 1))
    b.on_venue(*fill(2, 1, 30, 70))
    assert b.position(AAPL) == 30 and b.open_buy[AAPL] == 70
    b.on_venue(vp.T_CANCELED, (3, 1, 70, 0))
    assert b.open_buy[AAPL] == 0 and 1 not in b.open
    b.on_venue(vp.T_REJECT, (4, 2, vp.REJ_BAD_PRICE, 0))
    assert b.open_sell[AAPL] == 0 and not b.open
    assert b.last_venue_seq == 4


def test_an_ack_for_an_unknown_order_teaches_the_blotter():
    b = Blotter()
    b.on_venue(*ack(1, 7, side=vp.SIDE_SELL, qty=40))
    assert b.open[7].leaves == 40 and b.next_clordid == 8
    b.on_venue(*fill(2, 7, 40, 0, side=vp.SIDE_SELL))
    assert b.position(AAPL) == -40 and not b.open


def venue_record(mtype, fields) -> bytes:
    return records.VENUE_PREFIX + vp.encode(mtype, *fields)[2:]


def test_rebuild_replays_orders_venue_messages_and_kill_switch():
    payloads = [
        records.ORDER_NEW.pack(records.R_ORDER_NEW, vp.SIDE_BUY, vp.TIF_IOC, 100, 1, AAPL, 1_000_000, 0),
        venue_record(*ack(1, 1)),
        venue_record(*fill(2, 1, 60, 40)),
        venue_record(*fill(2, 1, 60, 40)),  # the same sequence twice is applied once
        records.ORDER_NEW.pack(records.R_ORDER_NEW, vp.SIDE_SELL, vp.TIF_IOC, 10, 2, AAPL, 1_000_000, 0),
        records.ORDER_REF.pack(records.R_ORDER_LOST, 2),
        records.ORDER_NEW.pack(records.R_ORDER_NEW, vp.SIDE_SELL, vp.TIF_IOC, 10, 3, AAPL, 1_000_000, 0),
        records.ORDER_REF.pack(records.R_ORDER_TIMEOUT, 3),
        records.KILL_SWITCH.pack(records.R_KILL_SWITCH, 1, HaltReason.ORDER_TIMEOUT, 0),
    ]
    state = records.rebuild(payloads)
    b = state.blotter
    assert b.position(AAPL) == 60
    assert b.last_venue_seq == 2 and b.next_clordid == 4
    assert set(b.open) == {1, 3} and b.open[3].timed_out
    assert b.open_sell[AAPL] == 10  # order 2 was lost, order 3 may still be live
    assert state.kill_switch and state.halt_reason is HaltReason.ORDER_TIMEOUT
    released = records.rebuild([*payloads, records.KILL_SWITCH.pack(records.R_KILL_SWITCH, 0, 0, 0)])
    assert not released.kill_switch
