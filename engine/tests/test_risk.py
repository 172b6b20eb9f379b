from __future__ import annotations

import pytest

from lowlat_engine.risk import HaltReason, Reason, RiskGate, RiskLimits
from lowlat_engine.venue_proto import SIDE_BUY, SIDE_SELL

LIMITS = RiskLimits(
    max_order_qty=500,
    max_order_notional=50_000.0,  # currency; prices below are fixed point x 10_000
    max_position=1000,
    price_collar_bps=100,  # 1 %
    max_orders_per_second=3,
    max_consecutive_venue_rejects=2,
    halt_on_order_timeout=True,
)
PX = 1_000_000  # 100.00
SEC = 1_000_000_000


def check(gate, side=SIDE_BUY, price=PX, qty=100, pos=0, ob=0, os_=0, mid=PX, now=0):
    return gate.check(side, price, qty, pos, ob, os_, mid, now)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"qty": 501}, Reason.MAX_ORDER_QTY),
        ({"qty": 0}, Reason.MAX_ORDER_QTY),
        ({"qty": 500, "price": 1_000_100}, Reason.MAX_ORDER_NOTIONAL),  # 50_005 > 50_000
        ({"price": 1_010_001}, Reason.PRICE_COLLAR),
        ({"price": 989_999}, Reason.PRICE_COLLAR),
        ({"mid": 0}, Reason.PRICE_COLLAR),
        ({"pos": 901}, Reason.POSITION_LIMIT),
        ({"pos": 500, "ob": 401}, Reason.POSITION_LIMIT),  # open buys count against the limit
        ({"side": SIDE_SELL, "pos": -500, "os_": 401}, Reason.POSITION_LIMIT),
    ],
)
def test_each_check_rejects_with_its_reason(kwargs, reason):
    gate = RiskGate(LIMITS)
    assert check(gate, **kwargs) is reason
    assert gate.rejects[reason] == 1


def test_orders_inside_every_limit_pass():
    gate = RiskGate(LIMITS)
    assert check(gate, price=1_010_000, qty=400, pos=600) is None  # collar and position edges
    assert check(gate, side=SIDE_SELL, pos=-900) is None
    assert sum(gate.rejects.values()) == 0


def test_rate_limit_is_a_sliding_one_second_window():
    gate = RiskGate(LIMITS)
    assert [check(gate, now=t) for t in (0, 100, 200)] == [None] * 3
    assert check(gate, now=SEC - 1) is Reason.ORDER_RATE  # 4th order within one second
    assert check(gate, now=SEC) is None  # the first one has aged out
    assert check(gate, now=SEC + 50) is Reason.ORDER_RATE
    assert check(gate, now=SEC + 100) is None
    assert gate.rejects[Reason.ORDER_RATE] == 2


def test_rejected_orders_do_not_use_up_the_rate():
    gate = RiskGate(LIMITS)
    for t in range(10):
        check(gate, qty=10_000, now=t)
    assert [check(gate, now=100 + t) for t in range(3)] == [None] * 3


def test_kill_switch_halts_everything_until_released():
    gate = RiskGate(LIMITS)
    assert gate.engage(HaltReason.MANUAL)
    assert not gate.engage(HaltReason.MANUAL)  # already engaged: not counted twice
    assert check(gate) is Reason.KILL_SWITCH
    assert gate.halts[HaltReason.MANUAL] == 1
    assert gate.release() and not gate.release()
    assert check(gate) is None


def test_consecutive_venue_rejects_trip_the_breaker():
    gate = RiskGate(LIMITS)
    assert not gate.on_venue_reject()
    gate.on_venue_accept()  # an ack resets the streak
    assert not gate.on_venue_reject()
    assert gate.on_venue_reject()
    assert gate.kill_switch and gate.halt_reason is HaltReason.VENUE_REJECTS


def test_order_timeout_trips_the_breaker_when_configured():
    gate = RiskGate(LIMITS)
    assert gate.on_order_timeout() and gate.halt_reason is HaltReason.ORDER_TIMEOUT
    relaxed = RiskGate(RiskLimits(**{**LIMITS.__dict__, "halt_on_order_timeout": False}))
    assert not relaxed.on_order_timeout() and not relaxed.kill_switch
