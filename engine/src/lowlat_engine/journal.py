"""Append-only journal of checksummed frames.

File layout: a 16-byte header (magic "LLJRNL01", u16 version, u16 kind, u32 crc32 of the first
12 bytes), then
frames of `u32 crc32 | u32 length | payload`, where the crc covers the length field and the
payload. Opening a journal scans it; the first frame that is incomplete, too long or fails its
checksum ends the good part. Nothing after it is dropped without a copy: the file as found is
kept next to the journal first (`<name>.torn-at-<offset>-<time>` or `.damaged-at-...`), then
the journal is cut back to the good part.

A *torn* tail is what a crash in the middle of a write leaves: one incomplete last frame, or
zero-filled blocks. Anything else (a whole frame failing its checksum, a bad length, valid frames
after a bad one) is *damage*: the caller may ask for a record (e.g. a halt) to be written in
place of the damaged part, in the same atomic replacement of the file.

Every append hands the whole frame to the kernel with one write(2) before returning, so a
killed process never loses an appended record; `fsync` decides when it also reaches the disk.
"""

from __future__ import annotations

import os
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

FILE_MAGIC = b"LLJRNL01"
FILE_HEADER = struct.Struct("<8sHHI")
FRAME = struct.Struct("<II")
_U32 = struct.Struct("<I")
JOURNAL_VERSION = 1
MAX_PAYLOAD = 4096
KIND_MAIN = 1
KIND_DEAD_LETTER = 2


class FsyncPolicy(Enum):
    ALWAYS = "always"  # fdatasync after every record, before append() returns
    INTERVAL = "interval"  # a background thread fdatasyncs dirty data every interval
    NEVER = "never"  # leave write-back to the kernel


class JournalError(Exception):
    """The journal cannot be used (not a journal, wrong kind, unreadable header)."""


@dataclass(frozen=True)
class ScanResult:
    payloads: list[bytes]
    good_bytes: int  # length of the valid prefix (header + whole frames); 0 = no valid header
    truncated_bytes: int  # bytes after the valid prefix, which opening the journal cuts off


@dataclass(frozen=True)
class Damage:
    offset: int  # where the first bad frame starts (= the end of the good part)
    bytes: int  # bytes from there to the end of the file, cut from the journal
    torn: bool  # True: a write cut short by a crash; False: corruption before the end
    kept_at: str  # the file as it was found, kept next to the journal


def file_header(kind: int) -> bytes:
    head = FILE_HEADER.pack(FILE_MAGIC, JOURNAL_VERSION, kind, 0)[:12]
    return head + _U32.pack(zlib.crc32(head))


def encode_frame(payload: bytes) -> bytes:
    if not 0 < len(payload) <= MAX_PAYLOAD:
        raise ValueError(f"payload must be 1..{MAX_PAYLOAD} bytes")
    body = _U32.pack(len(payload)) + payload
    return _U32.pack(zlib.crc32(body)) + body


def scan(data: bytes, kind: int) -> ScanResult:
    """Parse journal bytes; raise JournalError only when the header is not a journal header.

    A file shorter than the header is a journal whose creation was cut short: it has no
    records and is reset.
    """
    if len(data) < FILE_HEADER.size:
        return ScanResult([], 0, len(data))
    magic, version, file_kind, header_crc = FILE_HEADER.unpack_from(data, 0)
    if magic != FILE_MAGIC or version != JOURNAL_VERSION or zlib.crc32(data[:12]) != header_crc:
        raise JournalError("not a lowlat journal (bad magic, version or header checksum)")
    if file_kind != kind:
        raise JournalError(f"journal kind is {file_kind}, expected {kind}")
    payloads = []
    offset = FILE_HEADER.size
    end = len(data)
    while (payload := _frame_at(data, offset)) is not None:
        payloads.append(payload)
        offset += FRAME.size + len(payload)
    return ScanResult(payloads, offset, end - offset)


def _frame_at(data: bytes, offset: int) -> bytes | None:
    """The payload of the whole, valid frame at offset, or None."""
    if offset + FRAME.size > len(data):
        return None
    crc, length = FRAME.unpack_from(data, offset)
    if not 0 < length <= MAX_PAYLOAD or offset + FRAME.size + length > len(data):
        return None
    if zlib.crc32(data[offset + 4 : offset + 8 + length]) != crc:
        return None
    return data[offset + 8 : offset + 8 + length]


def tail_is_torn(data: bytes, offset: int) -> bool:
    """Whether the bytes from offset (the end of the good part) to the end are a torn write.

    Torn: zero-filled blocks, or a single incomplete frame (its header cut short, or a valid
    length that runs past the end) inside which no valid frame starts, and whose checksum does
    not match the bytes that are there (that would be a whole last record with a flipped length).
    """
    tail = data[offset:]
    if not tail.strip(b"\0"):
        return True
    if len(tail) >= FRAME.size + MAX_PAYLOAD:
        return False
    if len(tail) >= FRAME.size:
        crc, length = FRAME.unpack_from(tail, 0)
        if not 0 < length <= MAX_PAYLOAD or FRAME.size + length <= len(tail):
            return False
        if zlib.crc32(_U32.pack(len(tail) - FRAME.size) + tail[FRAME.size :]) == crc:
            return False
    return all(_frame_at(tail, i) is None for i in range(1, len(tail) - FRAME.size + 1))


class Journal:
    """An open journal file. Not thread-safe for appends: one writer thread owns it."""

    def __init__(
        self,
        path: str,
        kind: int,
        fsync: FsyncPolicy,
        fsync_interval_ms: int = 10,
        damage_record: bytes | None = None,
    ) -> None:
        """Open (or create) the journal; `damage_record` is written in place of damage, if any."""
        self.path = path
        self.kind = kind
        self.fsync = fsync
        self.records = 0
        self.bytes_written = 0
        self.fsyncs = 0
        self.damage: Damage | None = None
        self._buf = bytearray(FRAME.size + MAX_PAYLOAD)
        self._view = memoryview(self._buf)
        self._dirty = False
        self._stop = threading.Event()
        self._syncer: threading.Thread | None = None
        self.recovered = self._open_and_recover(damage_record)
        if fsync is FsyncPolicy.INTERVAL:
            self._interval = fsync_interval_ms / 1000
            self._syncer = threading.Thread(target=self._sync_loop, name=f"fsync-{kind}", daemon=True)
            self._syncer.start()

    def _open_and_recover(self, damage_record: bytes | None) -> ScanResult:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o640)
        try:
            with os.fdopen(os.dup(fd), "rb") as f:
                data = f.read()
            result = scan(data, self.kind)
            if result.good_bytes == 0:
                os.ftruncate(fd, 0)
                os.pwrite(fd, file_header(self.kind), 0)
                os.fsync(fd)
                _fsync_dir(os.path.dirname(os.path.abspath(self.path)))
                result = ScanResult([], FILE_HEADER.size, result.truncated_bytes)
            elif result.truncated_bytes:
                result = self._repair(data, result, damage_record)
                os.close(fd)  # that file was replaced: open the new one
                fd = -1
                fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
            os.lseek(fd, 0, os.SEEK_END)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            raise
        self._fd = fd
        self.records = len(result.payloads)
        return result

    def _repair(self, data: bytes, result: ScanResult, damage_record: bytes | None) -> ScanResult:
        """Keep the file as found next to it, then replace it with the good part (+ record)."""
        good = result.good_bytes
        torn = tail_is_torn(data, good)
        kept_at = _keep_aside(self.path, data, f"{'torn' if torn else 'damaged'}-at-{good}")
        self.damage = Damage(good, result.truncated_bytes, torn, kept_at)
        repaired, payloads = data[:good], result.payloads
        if not torn and damage_record is not None:
            repaired += encode_frame(damage_record)
            payloads = [*payloads, damage_record]
        _write_atomically(self.path, repaired)
        return ScanResult(payloads, len(repaired), result.truncated_bytes)

    def append(self, st: struct.Struct, *values) -> None:
        """Append one record whose payload is `st` packed with `values`."""
        buf = self._buf
        length = st.size
        st.pack_into(buf, 8, *values)
        self._seal(length)

    def append_bytes(self, payload: bytes) -> None:
        length = len(payload)
        if not 0 < length <= MAX_PAYLOAD:
            raise ValueError(f"payload must be 1..{MAX_PAYLOAD} bytes")
        buf = self._buf
        buf[8 : 8 + length] = payload
        self._seal(length)

    def _seal(self, length: int) -> None:
        """Fill in length and crc (which covers length and payload), then write the frame."""
        buf = self._buf
        _U32.pack_into(buf, 4, length)
        _U32.pack_into(buf, 0, zlib.crc32(self._view[4 : 8 + length]))
        n = 8 + length
        view = self._view[:n]
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self.records += 1
        self.bytes_written += n
        if self.fsync is FsyncPolicy.ALWAYS:
            os.fdatasync(self._fd)
            self.fsyncs += 1
        else:
            self._dirty = True

    def _sync_loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.sync()

    def sync(self) -> None:
        if self._dirty:
            self._dirty = False
            os.fdatasync(self._fd)
            self.fsyncs += 1

    def close(self) -> None:
        self._stop.set()
        if self._syncer is not None:
            self._syncer.join()
        if self._fd >= 0:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = -1


def iter_payloads(path: str, kind: int) -> Iterator[bytes]:
    """Read-only scan of a journal (tools and tests); does not repair the file."""
    with open(path, "rb") as f:
        yield from scan(f.read(), kind).payloads


def _keep_aside(path: str, data: bytes, label: str) -> str:
    """Write data to a new file next to path, named after label and the time; returns its name."""
    stem = f"{path}.{label}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
    name, n = stem, 0
    while os.path.lexists(name):
        n += 1
        name = f"{stem}.{n}"
    _write_atomically(name, data)
    return name


def _write_atomically(path: str, data: bytes) -> None:
    """Replace path by a file holding data: written, synced, renamed, directory synced."""
    tmp = f"{path}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o640)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(os.path.dirname(os.path.abspath(path)))


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
