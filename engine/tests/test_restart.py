"""Restarting on a damaged journal: nothing is discarded silently, the engine comes back halted."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from engine_rig import AAPL, fill

from lowlat_engine import records
from lowlat_engine import venue_proto as vp
from lowlat_engine.config import parse
from lowlat_engine.engine import Engine
from lowlat_engine.journal import KIND_MAIN, FsyncPolicy, Journal
from lowlat_engine.risk import HaltReason


def write_history(path: str) -> list[int]:
    """An order, two fills and a manual halt; returns the end offset of every record."""
    j = Journal(path, KIND_MAIN, FsyncPolicy.NEVER)
    ends = []
    j.append(records.ORDER_NEW, records.R_ORDER_NEW, vp.SIDE_BUY, vp.TIF_DAY, 30, 1, AAPL, 1_000_000, 0)
    ends.append(os.path.getsize(path))
    for seq, qty in ((1, 10), (2, 20)):
        j.append_bytes(records.VENUE_PREFIX + fill(seq, 1, qty)[2:])
        ends.append(os.path.getsize(path))
    j.append(records.KILL_SWITCH, records.R_KILL_SWITCH, 1, HaltReason.MANUAL, 0)
    ends.append(os.path.getsize(path))
    j.close()
    return ends


@pytest.fixture
def journal_path(raw_config) -> str:
    os.makedirs(raw_config["journal"]["dir"])
    return os.path.join(raw_config["journal"]["dir"], "engine.journal")


def start(raw_config) -> Engine:
    return Engine(parse(raw_config))


def test_a_flipped_bit_mid_journal_keeps_the_original_and_starts_halted(raw_config, journal_path, caplog):
    ends = write_history(journal_path)
    raw = bytearray(Path(journal_path).read_bytes())
    raw[ends[0] + 20] ^= 0x10  # inside the first fill
    Path(journal_path).write_bytes(bytes(raw))

    with caplog.at_level(logging.INFO, logger="engine"):
        engine = start(raw_config)
    try:
        assert engine.risk.kill_switch  # the manual halt after the damage is not lost
        assert engine.risk.halt_reason == HaltReason.JOURNAL_DAMAGED
        assert engine.journal_damaged == 1
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors and f"offset {ends[0]}" in errors[0].getMessage()
        kept = errors[0].kept_at
        assert os.path.dirname(kept) == os.path.dirname(journal_path)
        assert Path(kept).read_bytes() == bytes(raw)  # the damaged original, byte for byte
    finally:
        engine.shutdown()

    engine = start(raw_config)  # the halt is journaled: still halted after another restart
    try:
        assert engine.risk.kill_switch and engine.risk.halt_reason == HaltReason.JOURNAL_DAMAGED
        assert engine.journal_damaged == 0
    finally:
        engine.shutdown()


def test_a_torn_last_record_is_cut_kept_aside_and_logged(raw_config, journal_path, caplog):
    ends = write_history(journal_path)
    raw = Path(journal_path).read_bytes()
    Path(journal_path).write_bytes(raw[: ends[-1] - 3])  # the halt record's write was cut short

    with caplog.at_level(logging.INFO, logger="engine"):
        engine = start(raw_config)
    try:
        assert engine.blotter.positions == {AAPL: 30} and not engine.risk.kill_switch
        [warning] = [r for r in caplog.records if "torn tail" in r.getMessage()]
        assert warning.truncated_bytes == ends[-1] - 3 - ends[-2]
        assert Path(warning.kept_at).read_bytes() == raw[: ends[-1] - 3]
    finally:
        engine.shutdown()


def test_a_journal_holding_out_of_range_venue_messages_replays_cleanly(raw_config, journal_path):
    # what a release without the field checks journaled: a wrapped-around sequence number and a
    # fill with a non-ASCII symbol
    j = Journal(journal_path, KIND_MAIN, FsyncPolicy.NEVER)
    j.append_bytes(records.VENUE_PREFIX + fill(1, 1, 10)[2:])
    j.append_bytes(records.VENUE_PREFIX + fill(2, 2, 10, symbol=b"\xffAAPL   ")[2:])
    j.append_bytes(records.VENUE_PREFIX + fill(2**64 - 1, 3, 10)[2:])
    j.close()
    engine = start(raw_config)
    try:
        assert engine.blotter.positions == {AAPL: 10} and engine.blotter.last_venue_seq == 1
        assert engine.risk.kill_switch and engine.risk.halt_reason == HaltReason.BAD_VENUE_MESSAGE
        assert engine.gateway._next_seq() == 2
        engine.release_kill_switch()  # the operator reconciled with the venue
    finally:
        engine.shutdown()
    engine = start(raw_config)  # ... and is not halted again by the same old records
    try:
        assert not engine.risk.kill_switch and engine.blotter.positions == {AAPL: 10}
    finally:
        engine.shutdown()
