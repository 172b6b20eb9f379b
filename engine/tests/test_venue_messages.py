"""Venue messages that do not fit the wire's ranges, and venue sequence gaps, in-process."""

from __future__ import annotations

import pytest
from engine_rig import AAPL, EngineRig, ScriptedVenue, fill

from lowlat_engine import records
from lowlat_engine import venue_proto as vp
from lowlat_engine.gateway import LinkState
from lowlat_engine.journal import KIND_DEAD_LETTER, iter_payloads


@pytest.fixture
def rig(raw_config):
    venue = ScriptedVenue()
    made: list[EngineRig] = []

    def start() -> EngineRig:
        for old in made:
            old.close()
        made.append(EngineRig(raw_config, venue))
        return made[-1]

    yield start
    for r in made:
        r.close()
    venue.close()


def dead_venue_frames(raw_config) -> list[bytes]:
    path = f"{raw_config['journal']['dir']}/deadletter.journal"
    return [p[2:] for p in iter_payloads(path, KIND_DEAD_LETTER) if p[0] == records.R_DEAD_VENUE]


def test_a_sequence_past_the_wire_range_is_dead_lettered_and_restart_is_clean(rig, raw_config):
    r = rig()
    assert r.login() == 1
    bogus = fill(2**64 - 1, 7, 10)
    r.venue.send(bogus, fill(1, 8, 5))
    r.spin(lambda: r.engine.blotter.positions.get(AAPL) == 5, what="the real fill applied")
    assert r.engine.blotter.last_venue_seq == 1
    assert r.engine.risk.kill_switch  # positions can no longer be trusted: halted
    assert r.metrics()["lowlat_engine_venue_invalid_messages_total"] == 1
    r.close()
    assert dead_venue_frames(raw_config) == [bogus[2:]]

    r = rig()  # the journal replays cleanly and the login asks for a sequence that fits
    assert r.login() == 2
    assert r.engine.blotter.positions == {AAPL: 5} and r.engine.risk.kill_switch


def test_a_fill_with_a_non_ascii_symbol_is_rejected_and_later_fills_apply(rig, raw_config):
    r = rig()
    r.login()
    bad = fill(1, 7, 10, symbol=b"\xffAAPL   ")
    r.venue.send(bad, fill(2, 8, 5))
    r.spin(lambda: r.engine.blotter.last_venue_seq == 2, what="both fills handled")
    assert r.engine.blotter.positions == {AAPL: 5}
    assert r.engine.risk.kill_switch
    r.close()
    assert dead_venue_frames(raw_config) == [bad[2:]]

    r = rig()  # no UnicodeDecodeError: the bad fill was never journaled as a venue message
    assert r.login() == 3  # ... but its sequence number was consumed
    assert r.engine.blotter.positions == {AAPL: 5}


def decoded(frame: bytes) -> tuple[int, tuple]:
    reader = vp.FrameReader()
    reader.feed(frame)
    [(mtype, fields, _raw)] = reader.frames()
    return mtype, fields


BAD_FIELDS = {
    "side": fill(1, 7, 10, side=ord("X")),
    "qty": fill(1, 7, 0),
    "clordid": fill(1, 0, 10),
    "price": vp.encode(vp.T_FILL, 1, 7, 1, AAPL, vp.SIDE_BUY, 10, 0, -5, 0),
    "symbol": vp.encode(vp.T_ACK, 1, 7, 1, b"        ", vp.SIDE_BUY, 10, 100, 0),
    "seq": vp.encode(vp.T_CANCELED, 0, 7, 10, 0),
}


@pytest.mark.parametrize("problem", sorted(BAD_FIELDS))
def test_every_field_is_checked(problem):
    from lowlat_engine.venue_checks import check_sequenced

    assert problem in check_sequenced(*decoded(BAD_FIELDS[problem]))
    assert check_sequenced(*decoded(fill(1, 7, 10))) is None


def test_a_bogus_sequence_does_not_end_the_login_replay(rig):
    r = rig()
    r.login(high_seq=2)  # the venue has two messages to replay
    r.venue.send(fill(2**64 - 1, 7, 10))
    r.spin(lambda: r.engine.dead_letters >= 1, what="the bogus message rejected")
    assert r.engine.gateway.state == LinkState.REPLAYING
    r.venue.send(fill(1, 7, 1), fill(2, 8, 1))
    r.spin(lambda: r.engine.gateway.active, what="the replay to finish")
    assert r.engine.blotter.positions == {AAPL: 2}


def test_a_venue_sequence_jump_is_replayed_and_no_later_fill_is_dropped(rig):
    r = rig()
    r.login()
    r.venue.send(fill(1, 7, 1), fill(5, 8, 100))  # 2..4 never arrived
    # the engine does not apply 5: it logs in again asking for 2, so the venue replays 2..5
    assert r.login(high_seq=5) == 2
    r.venue.send(fill(2, 9, 10), fill(3, 10, 10), fill(4, 11, 10), fill(5, 8, 100))
    r.spin(lambda: r.engine.gateway.active, what="the replay")
    assert r.engine.blotter.positions == {AAPL: 131} and r.engine.blotter.last_venue_seq == 5
    m = r.metrics()
    assert m["lowlat_engine_venue_sequence_gaps_total"] == 1
    assert m["lowlat_engine_kill_switch_engaged"] == 0  # recovered by the replay: no halt


def test_a_hole_in_the_venue_replay_is_applied_and_halts(rig):
    r = rig()
    r.login()
    r.venue.send(fill(1, 7, 1), fill(3, 8, 100))
    assert r.login(high_seq=3) == 2
    r.venue.send(fill(3, 8, 100))  # the venue's own record skips 2: it cannot be replayed
    r.spin(lambda: r.engine.gateway.active, what="the replay")
    assert r.engine.blotter.positions == {AAPL: 101} and r.engine.blotter.last_venue_seq == 3
    assert r.engine.risk.kill_switch
    m = r.metrics()
    assert m["lowlat_engine_venue_sequence_gaps_total"] == 2
    assert m['lowlat_engine_halts_total{reason="venue_gap"}'] == 1
