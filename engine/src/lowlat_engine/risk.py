"""Pre-trade risk checks and the kill switch.

Checks run in a fixed order and the first failure names the rejection reason. Positions count
open orders on the worst-case side, so a burst of unacknowledged buys cannot overshoot the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from lowlat_engine.venue_proto import SIDE_BUY
from lowlat_engine.wire import PRICE_SCALE


class Reason(IntEnum):
    """Rejection reasons; the numeric codes are stored in the dead-letter journal."""

    KILL_SWITCH = 1
    MAX_ORDER_QTY = 2
    MAX_ORDER_NOTIONAL = 3
    PRICE_COLLAR = 4
    POSITION_LIMIT = 5
    ORDER_RATE = 6
    # Outcomes reported after an order was sent (dead-letter only, not pre-trade checks).
    VENUE_REJECT = 20
    ACK_TIMEOUT = 21
    LOST = 22
    BAD_VENUE_MESSAGE = 23  # a venue message with a field out of range (not applied)

    @property
    def label(self) -> str:
        return self.name.lower()


PRE_TRADE_REASONS = tuple(r for r in Reason if r < Reason.VENUE_REJECT)


class HaltReason(IntEnum):
    MANUAL = 1
    VENUE_REJECTS = 2
    ORDER_TIMEOUT = 3
    SIGNAL = 4
    VENUE_GAP = 5  # the venue's replay skipped sequence numbers
    JOURNAL_DAMAGED = 6  # the journal was damaged before its end (found at startup)
    BAD_VENUE_MESSAGE = 7  # the venue sent a message that could not be applied

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class RiskLimits:
    max_order_qty: int
    max_order_notional: float  # currency units
    max_position: int  # absolute shares per symbol, counting open orders
    price_collar_bps: int  # allowed distance of the order price from the book mid
    max_orders_per_second: int
    max_consecutive_venue_rejects: int  # 0 disables this breaker
    halt_on_order_timeout: bool


class RiskGate:
    __slots__ = (
        "_max_notional_fixed",
        "_sent_at",
        "_sent_idx",
        "halt_reason",
        "halts",
        "kill_switch",
        "limits",
        "rejects",
        "venue_reject_streak",
    )

    def __init__(self, limits: RiskLimits) -> None:
        self.limits = limits
        # notional in fixed point (price * qty), compared without floats on the hot path
        self._max_notional_fixed = round(limits.max_order_notional * PRICE_SCALE)
        self.kill_switch = False
        self.halt_reason: HaltReason | None = None
        self.halts = dict.fromkeys(HaltReason, 0)
        self.rejects = dict.fromkeys(PRE_TRADE_REASONS, 0)
        self.venue_reject_streak = 0
        # Send times of the last max_orders_per_second orders: an order may go when the oldest
        # of them is at least one second old, i.e. never more than N orders in any 1 s window.
        self._sent_at = [-(2**62)] * max(limits.max_orders_per_second, 1)
        self._sent_idx = 0

    def check(
        self,
        side: int,
        price: int,
        qty: int,
        position: int,
        open_buy: int,
        open_sell: int,
        mid: int,
        now_ns: int,
    ) -> Reason | None:
        """Return None when the order may go out (and count it against the rate), else why not."""
        limits = self.limits
        if self.kill_switch:
            reason = Reason.KILL_SWITCH
        elif qty <= 0 or qty > limits.max_order_qty:
            reason = Reason.MAX_ORDER_QTY
        elif price * qty > self._max_notional_fixed:
            reason = Reason.MAX_ORDER_NOTIONAL
        elif mid <= 0 or abs(price - mid) * 10_000 > limits.price_collar_bps * mid:
            reason = Reason.PRICE_COLLAR
        elif (
            position + open_buy + qty > limits.max_position
            if side == SIDE_BUY
            else position - open_sell - qty < -limits.max_position
        ):
            reason = Reason.POSITION_LIMIT
        elif now_ns - self._sent_at[self._sent_idx] < 1_000_000_000:
            reason = Reason.ORDER_RATE
        else:
            self._sent_at[self._sent_idx] = now_ns
            self._sent_idx = (self._sent_idx + 1) % len(self._sent_at)
            return None
        self.rejects[reason] += 1
        return reason

    # -- kill switch ---------------------------------------------------------------------

    def engage(self, reason: HaltReason) -> bool:
        """Engage the kill switch; returns False when it was already engaged."""
        if self.kill_switch:
            return False
        self.kill_switch = True
        self.halt_reason = reason
        self.halts[reason] += 1
        return True

    def release(self) -> bool:
        if not self.kill_switch:
            return False
        self.kill_switch = False
        self.halt_reason = None
        self.venue_reject_streak = 0
        return True

    # -- circuit breakers ----------------------------------------------------------------

    def on_venue_reject(self) -> bool:
        """Count a venue reject; True when this trips the consecutive-reject breaker."""
        self.venue_reject_streak += 1
        limit = self.limits.max_consecutive_venue_rejects
        return bool(limit) and self.venue_reject_streak >= limit and self.engage(HaltReason.VENUE_REJECTS)

    def on_venue_accept(self) -> None:
        self.venue_reject_streak = 0

    def on_order_timeout(self) -> bool:
        return self.limits.halt_on_order_timeout and self.engage(HaltReason.ORDER_TIMEOUT)
