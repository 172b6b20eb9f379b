"""The engine refuses to start, with exit code 1 and a message naming the cause."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket

import pytest

from lowlat_engine import cli


@pytest.fixture
def run(raw_config, tmp_path, capsys):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level

    def start(mutate=None) -> tuple[int, str]:
        if mutate:
            mutate(raw_config)
        path = tmp_path / "engine.json"
        path.write_text(json.dumps(raw_config))
        code = cli.main([str(path)])
        return code, capsys.readouterr().err

    yield start
    # cli.main installed its JSON handler on the captured stderr; put the test logging back
    root.handlers[:] = handlers
    root.setLevel(level)


def test_feed_port_in_use(run):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        code, err = run(lambda c: c["feed"].update(listen=f"127.0.0.1:{port}"))
    assert code == cli.EXIT_STARTUP and "feed.listen" in err and "in use" in err


def test_journal_dir_held_by_another_engine(run, raw_config):
    jdir = raw_config["journal"]["dir"]
    os.makedirs(jdir)
    with open(os.path.join(jdir, "lock"), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, err = run()
    assert code == cli.EXIT_STARTUP and "in use by another engine" in err


def test_a_foreign_file_in_place_of_the_journal(run, raw_config):
    os.makedirs(raw_config["journal"]["dir"])
    with open(os.path.join(raw_config["journal"]["dir"], "engine.journal"), "w") as f:
        f.write("not a journal at all")
    code, err = run()
    assert code == cli.EXIT_STARTUP and "not a lowlat journal" in err


def test_sched_fifo_refused_is_fatal(run, monkeypatch):
    before = os.sched_getaffinity(0)

    def refuse(*_):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setscheduler", refuse)
    try:
        code, err = run(lambda c: c["engine"].update(sched_fifo_priority=50))
    finally:
        os.sched_setaffinity(0, before)
    assert code == cli.EXIT_STARTUP and "SCHED_FIFO was refused" in err


def test_missing_hugetlbfs_without_fallback(run, tmp_path):
    code, err = run(lambda c: c.update(memory={"hugetlbfs_path": str(tmp_path)}))
    assert code == cli.EXIT_STARTUP and "memory.hugetlbfs_path" in err
