"""Journal record payloads (see README "Journal") and rebuilding state from them."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from lowlat_engine.orders import Blotter
from lowlat_engine.risk import HaltReason
from lowlat_engine.venue_checks import check_sequenced
from lowlat_engine.venue_proto import BODIES, SEQUENCED

R_ORDER_NEW = 1
R_VENUE = 2
R_ORDER_LOST = 3
R_ORDER_TIMEOUT = 4
R_KILL_SWITCH = 5
R_VENUE_SKIPPED = 6
R_DEAD_LETTER = 10
R_DEAD_VENUE = 11

# type, side, tif, qty, clordid, symbol, price, ts_ns
ORDER_NEW = struct.Struct("<BBBxIQ8sqQ")
# type, then the venue frame without its length prefix (u8 type + body)
VENUE_PREFIX = bytes([R_VENUE])
# type, clordid
ORDER_REF = struct.Struct("<B7xQ")
# type, engaged (0/1), halt reason, ts_ns
KILL_SWITCH = struct.Struct("<BBB5xQ")
# type, venue sequence number of a message rejected as invalid: consumed, never applied
VENUE_SKIPPED = struct.Struct("<B7xQ")
# type, reason, side, tif, qty, clordid (0 = never sent), symbol, price, ts_ns
DEAD_LETTER = struct.Struct("<BBBBIQ8sqQ")
# dead-letter journal: type, reason, then the rejected venue frame without its length
DEAD_VENUE = struct.Struct("<BB")


@dataclass
class Recovered:
    blotter: Blotter
    kill_switch: bool = False
    halt_reason: HaltReason | None = None
    timed_out: set[int] = field(default_factory=set)
    records: int = 0
    # venue messages out of range (journaled by an older release), not applied, found after the
    # last kill-switch record (a halt or release after them means they were already dealt with)
    invalid: int = 0


def rebuild(payloads: list[bytes]) -> Recovered:
    """Replay journal payloads into a fresh blotter and kill-switch state."""
    state = Recovered(Blotter())
    blotter = state.blotter
    for payload in payloads:
        kind = payload[0]
        if kind == R_ORDER_NEW:
            _t, side, tif, qty, clordid, symbol, price, _ts = ORDER_NEW.unpack(payload)
            blotter.new_order(clordid, symbol, side, price, qty, tif, 0)
        elif kind == R_VENUE:
            mtype = payload[1]
            if mtype not in SEQUENCED:
                raise ValueError(f"journal holds a non-sequenced venue message type {mtype}")
            fields = BODIES[mtype].unpack_from(payload, 2)
            if check_sequenced(mtype, fields) is not None:
                state.invalid += 1
            elif blotter.is_new_seq(fields[0]):
                blotter.on_venue(mtype, fields)
        elif kind == R_VENUE_SKIPPED:
            seq = VENUE_SKIPPED.unpack(payload)[1]
            if blotter.is_new_seq(seq):
                blotter.last_venue_seq = seq
        elif kind == R_ORDER_LOST:
            blotter.forget(ORDER_REF.unpack(payload)[1])
        elif kind == R_ORDER_TIMEOUT:
            state.timed_out.add(ORDER_REF.unpack(payload)[1])
        elif kind == R_KILL_SWITCH:
            _t, engaged, reason, _ts = KILL_SWITCH.unpack(payload)
            state.kill_switch = bool(engaged)
            state.halt_reason = HaltReason(reason) if engaged else None
            state.invalid = 0
        else:
            raise ValueError(f"unknown journal record type {kind}")
        state.records += 1
    for clordid in state.timed_out:
        order = blotter.open.get(clordid)
        if order is not None:
            order.timed_out = True
    return state
