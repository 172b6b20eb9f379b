from __future__ import annotations

import os
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lowlat_engine.journal import (
    FILE_HEADER,
    KIND_DEAD_LETTER,
    KIND_MAIN,
    FsyncPolicy,
    Journal,
    JournalError,
    encode_frame,
    file_header,
    iter_payloads,
    scan,
)

REC = struct.Struct("<BQ")
payload_lists = st.lists(st.binary(min_size=1, max_size=64), min_size=1, max_size=12)


def write_journal(path, payloads, kind=KIND_MAIN) -> list[int]:
    """Write payloads; return the end offset of every frame."""
    j = Journal(str(path), kind, FsyncPolicy.NEVER)
    ends = []
    for p in payloads:
        j.append_bytes(p)
        ends.append(os.path.getsize(path))
    j.close()
    return ends


def test_appended_records_come_back_in_order(tmp_path):
    path = tmp_path / "j"
    j = Journal(str(path), KIND_MAIN, FsyncPolicy.ALWAYS)
    j.append(REC, 1, 10)
    j.append_bytes(b"hello")
    assert j.fsyncs == 2
    j.close()
    reopened = Journal(str(path), KIND_MAIN, FsyncPolicy.NEVER)
    assert reopened.recovered.payloads == [REC.pack(1, 10), b"hello"]
    assert reopened.recovered.truncated_bytes == 0 and reopened.records == 2
    reopened.append_bytes(b"more")
    reopened.close()
    assert list(iter_payloads(str(path), KIND_MAIN)) == [REC.pack(1, 10), b"hello", b"more"]


def test_frames_are_length_and_crc_framed():
    frame = encode_frame(b"abc")
    assert frame[4:8] == (3).to_bytes(4, "little") and frame[8:] == b"abc"
    with pytest.raises(ValueError):
        encode_frame(b"")


def kept_aside(path) -> list:
    return sorted(p for p in path.parent.iterdir() if p.name.startswith(path.name + "."))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payloads=payload_lists, data=st.data())
def test_corrupting_any_byte_is_damage_kept_aside_never_a_silent_cut(tmp_path_factory, payloads, data):
    path = tmp_path_factory.mktemp("j") / "engine.journal"
    ends = write_journal(path, payloads)
    raw = bytearray(path.read_bytes())
    offset = data.draw(st.integers(0, len(raw) - 1), label="offset")
    raw[offset] ^= data.draw(st.integers(1, 255), label="xor")
    path.write_bytes(bytes(raw))
    if offset < FILE_HEADER.size:  # the header is checksummed: not a journal any more
        with pytest.raises(JournalError):
            Journal(str(path), KIND_MAIN, FsyncPolicy.NEVER)
        assert kept_aside(path) == []
        return
    kept = sum(1 for end in ends if end <= offset)
    good_end = ends[kept - 1] if kept else FILE_HEADER.size
    j = Journal(str(path), KIND_MAIN, FsyncPolicy.NEVER, damage_record=b"HALT")
    # a whole frame that fails its checksum is damage, wherever it is (even in the last record)
    assert j.damage is not None and not j.damage.torn
    assert j.damage.offset == good_end and j.damage.bytes == len(raw) - good_end
    assert j.recovered.payloads == [*payloads[:kept], b"HALT"]
    [aside] = kept_aside(path)
    assert aside.read_bytes() == bytes(raw) and str(aside) == j.damage.kept_at
    assert f"{good_end}" in aside.name and "damaged" in aside.name
    j.append_bytes(b"after")
    j.close()
    assert list(iter_payloads(str(path), KIND_MAIN)) == [*payloads[:kept], b"HALT", b"after"]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payloads=payload_lists, data=st.data())
def test_a_torn_write_at_any_length_keeps_the_whole_records(tmp_path_factory, payloads, data):
    path = tmp_path_factory.mktemp("j") / "engine.journal"
    ends = write_journal(path, payloads)
    raw = path.read_bytes()
    cut = data.draw(st.integers(FILE_HEADER.size, len(raw)), label="cut")
    path.write_bytes(raw[:cut])
    j = Journal(str(path), KIND_MAIN, FsyncPolicy.NEVER, damage_record=b"HALT")
    kept = sum(1 for end in ends if end <= cut)
    good_end = ends[kept - 1] if kept else FILE_HEADER.size
    assert j.recovered.payloads == payloads[:kept]  # a torn tail is no reason to halt
    j.close()
    assert os.path.getsize(path) == good_end
    if cut == good_end:
        assert j.damage is None and kept_aside(path) == []
    else:
        assert j.damage.torn and j.damage.offset == good_end and j.damage.bytes == cut - good_end
        [aside] = kept_aside(path)
        assert aside.read_bytes() == raw[:cut] and "torn" in aside.name


def test_a_file_cut_inside_its_header_is_reset(tmp_path):
    path = tmp_path / "j"
    write_journal(path, [b"x"])
    path.write_bytes(path.read_bytes()[:7])
    j = Journal(str(path), KIND_MAIN, FsyncPolicy.NEVER)
    assert j.recovered.payloads == [] and j.recovered.truncated_bytes == 7
    j.close()


def test_zeroed_tail_blocks_are_a_torn_tail(tmp_path):
    path = tmp_path / "j"
    ends = write_journal(path, [b"one", b"two"])
    with open(path, "ab") as f:
        f.write(bytes(8192))  # blocks allocated but never written before a power loss
    j = Journal(str(path), KIND_MAIN, FsyncPolicy.NEVER)
    assert j.damage.torn and j.recovered.payloads == [b"one", b"two"]
    j.close()
    assert os.path.getsize(path) == ends[-1]


def test_a_length_flip_in_the_last_record_is_damage_not_a_torn_tail(tmp_path):
    path = tmp_path / "j"
    ends = write_journal(path, [b"one", b"kill switch engaged"])
    raw = bytearray(path.read_bytes())
    raw[ends[0] + 4] ^= 0x40  # the last frame now claims to run past the end of the file
    path.write_bytes(bytes(raw))
    j = Journal(str(path), KIND_MAIN, FsyncPolicy.NEVER)
    assert not j.damage.torn and j.damage.offset == ends[0]
    j.close()


def test_damage_is_not_repaired_when_the_original_cannot_be_kept(tmp_path, monkeypatch):
    path = tmp_path / "j"
    write_journal(path, [b"one", b"two"])
    raw = bytearray(path.read_bytes())
    raw[FILE_HEADER.size + 9] ^= 1
    path.write_bytes(bytes(raw))

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("lowlat_engine.journal._keep_aside", disk_full)
    with pytest.raises(OSError):
        Journal(str(path), KIND_MAIN, FsyncPolicy.NEVER)
    assert path.read_bytes() == bytes(raw)  # untouched


def test_a_journal_of_the_other_kind_is_refused(tmp_path):
    path = tmp_path / "j"
    write_journal(path, [b"x"], KIND_DEAD_LETTER)
    with pytest.raises(JournalError, match="kind"):
        Journal(str(path), KIND_MAIN, FsyncPolicy.NEVER)


def test_garbage_length_field_stops_the_scan(tmp_path):
    good = encode_frame(b"ok")
    data = file_header(KIND_MAIN) + good + b"\xff" * 12
    result = scan(data, KIND_MAIN)
    assert result.payloads == [b"ok"] and result.truncated_bytes == 12


def test_interval_policy_syncs_in_the_background(tmp_path):
    j = Journal(str(tmp_path / "j"), KIND_MAIN, FsyncPolicy.INTERVAL, fsync_interval_ms=1)
    j.append_bytes(b"x")
    for _ in range(500):
        if j.fsyncs:
            break
        os.sched_yield()
        j._stop.wait(0.002)
    assert j.fsyncs >= 1
    j.close()
