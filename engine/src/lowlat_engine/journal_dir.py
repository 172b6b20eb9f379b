"""The engine's journal directory: its lock, both journals, and what opening them found.

Damage found in the main journal is replaced by a kill-switch record (`journal_damaged`), so
the engine starts halted, and stays halted across restarts until an operator releases it.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from dataclasses import dataclass

from lowlat_engine import records
from lowlat_engine.config import JournalSection
from lowlat_engine.journal import KIND_DEAD_LETTER, KIND_MAIN, Journal, JournalError
from lowlat_engine.risk import HaltReason

MAIN_JOURNAL = "engine.journal"
DEAD_LETTER_JOURNAL = "deadletter.journal"

log = logging.getLogger("engine")


class StartupError(RuntimeError):
    pass


@dataclass
class JournalDir:
    lock_fd: int
    journal: Journal
    dead_letter: Journal
    truncated_bytes: int = 0  # cut from torn or damaged ends of both journals at this start
    damaged: int = 0  # 1 when the main journal was damaged before its end

    def close(self) -> None:
        self.journal.close()
        self.dead_letter.close()
        os.close(self.lock_fd)


def open_journal_dir(cfg: JournalSection) -> JournalDir:
    jdir = cfg.dir
    try:
        os.makedirs(jdir, exist_ok=True)
        lock_fd = os.open(os.path.join(jdir, "lock"), os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o640)
    except OSError as exc:
        raise StartupError(f"journal.dir={jdir!r}: {exc.strerror}") from exc
    with contextlib.ExitStack() as undo:
        undo.callback(os.close, lock_fd)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StartupError(f"journal.dir={jdir!r} is in use by another engine process") from exc
        halt = records.KILL_SWITCH.pack(records.R_KILL_SWITCH, 1, HaltReason.JOURNAL_DAMAGED, time.time_ns())
        main = _open(jdir, MAIN_JOURNAL, KIND_MAIN, cfg, halt)
        undo.callback(main.close)
        dead_letter = _open(jdir, DEAD_LETTER_JOURNAL, KIND_DEAD_LETTER, cfg, None)
        undo.pop_all()
    opened = JournalDir(lock_fd, main, dead_letter)
    for journal in (main, dead_letter):
        opened.truncated_bytes += journal.recovered.truncated_bytes
        if _report_damage(journal, halted=journal is main):
            opened.damaged = 1
    return opened


def _open(jdir: str, name: str, kind: int, cfg: JournalSection, damage_record: bytes | None) -> Journal:
    try:
        return Journal(os.path.join(jdir, name), kind, cfg.fsync, cfg.fsync_interval_ms, damage_record)
    except (OSError, JournalError) as exc:
        raise StartupError(f"journal {name} in {jdir}: {exc}") from exc


def _report_damage(journal: Journal, halted: bool) -> bool:
    """Log what recovery found; True when it was damage (not a torn tail) in a halting journal."""
    damage = journal.damage
    if damage is None:
        return False
    name = os.path.basename(journal.path)
    extra = {
        "journal": journal.path,
        "offset": damage.offset,
        "truncated_bytes": damage.bytes,
        "kept_records": len(journal.recovered.payloads),
        "kept_at": damage.kept_at,
    }
    if damage.torn:
        log.warning(
            f"journal {name} had a torn tail (a write cut short by a crash); truncated to the "
            "last whole record, the file as found is kept",
            extra=extra,
        )
        return False
    log.error(
        f"journal {name} is damaged at offset {damage.offset}: the {damage.bytes} bytes from there "
        f"on are not replayed; the file as found is kept at {damage.kept_at}"
        + ("; starting with the kill switch engaged" if halted else ""),
        extra=extra,
    )
    return halted
