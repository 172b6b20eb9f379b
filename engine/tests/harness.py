"""Run the engine and simulators as real processes on 127.0.0.1 for end-to-end tests."""

from __future__ import annotations

import json
import os
import queue
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path


class Proc:
    """A child process whose stdout and stderr lines are collected (JSON lines parsed)."""

    def __init__(self, name: str, args: list[str]) -> None:
        self.name = name
        self.popen = subprocess.Popen(
            [sys.executable, "-m", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.events: queue.Queue[dict] = queue.Queue()
        self.seen: list[dict] = []
        for stream in (self.popen.stdout, self.popen.stderr):
            threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(event, dict):
                self.events.put(event)

    def wait_event(self, match: Callable[[dict], bool], timeout: float = 15.0) -> dict:
        for event in self.seen:
            if match(event):
                return event
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{self.name}: expected event not seen; output:\n" + self.output())
            try:
                event = self.events.get(timeout=min(remaining, 0.2))
            except queue.Empty:
                if self.popen.poll() is not None and self.events.empty():
                    raise AssertionError(
                        f"{self.name} exited {self.popen.returncode}:\n" + self.output()
                    ) from None
                continue
            self.seen.append(event)
            if match(event):
                return event

    def output(self) -> str:
        return "\n".join(self.lines[-60:])

    def signal(self, signum: int) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signum)

    def wait(self, timeout: float = 15.0) -> int:
        return self.popen.wait(timeout)

    def stop(self) -> None:
        """Terminate, then kill if needed; safe to call more than once."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(5)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


class Procs:
    """Every process a test starts, stopped at teardown whatever happened."""

    def __init__(self) -> None:
        self.all: list[Proc] = []

    def start(self, name: str, args: list[str]) -> Proc:
        proc = Proc(name, args)
        self.all.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in reversed(self.all):
            proc.stop()


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def http_post(port: int, path: str, token: str | None = None) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=b"", method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def metrics(port: int) -> dict[str, float]:
    status, text = http_get(port, "/metrics")
    assert status == 200
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            samples[key] = float(value)
    return samples


def wait_until(check: Callable[[], object], timeout: float = 15.0, what: str = "condition") -> object:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def venue_args(*extra: str) -> list[str]:
    return [
        "lowlat_engine.venue_sim",
        "--listen",
        "127.0.0.1:0",
        "--feed-listen",
        "127.0.0.1:0",
        "--http",
        "127.0.0.1:0",
        *extra,
    ]


def feed_args(dests: list[int], recovery_port: int, *extra: str) -> list[str]:
    args = ["lowlat_engine.feed_sim", "--recovery-listen", f"127.0.0.1:{recovery_port}"]
    for port in dests:
        args += ["--dest", f"127.0.0.1:{port}"]
    return [*args, *extra]


def write_engine_config(path: Path, raw: dict) -> Path:
    path.write_text(json.dumps(raw))
    return path


def engine_started(event: dict) -> bool:
    return event.get("msg") == "engine started"


class Lab:
    """Venue + engine (+ feed) wired together on ephemeral ports."""

    def __init__(
        self, procs: Procs, tmp_path: Path, raw_config: dict, venue_extra: tuple[str, ...] = ()
    ) -> None:
        self.procs = procs
        self.tmp_path = tmp_path
        self.raw = raw_config
        self.venue = procs.start("venue", venue_args(*venue_extra))
        ports = self.venue.wait_event(lambda e: e.get("event") == "listening")
        self.venue_port, self.venue_feed_port, self.venue_http = (
            ports["order_port"],
            ports["feed_port"],
            ports["http_port"],
        )
        self.recovery_port = free_udp_port()
        # a fixed feed port, so the feed can start first and a restarted engine gets the same one
        self.engine_feed_port = free_udp_port()
        raw_config["venue"]["address"] = f"127.0.0.1:{self.venue_port}"
        raw_config["feed"]["recovery"] = f"127.0.0.1:{self.recovery_port}"
        raw_config["feed"]["listen"] = f"127.0.0.1:{self.engine_feed_port}"
        # the admin token that POST /kill-switch/* needs
        self.token = secrets.token_urlsafe(24)
        token_file = tmp_path / "admin.token"
        token_file.write_text(self.token + "\n")
        token_file.chmod(0o600)
        raw_config["http"]["admin_token_file"] = str(token_file)
        self.engine: Proc | None = None
        self.feed: Proc | None = None

    def start_engine(self, name: str = "engine") -> Proc:
        config = write_engine_config(self.tmp_path / f"{name}.json", self.raw)
        self.engine = self.procs.start(name, ["lowlat_engine.cli", str(config)])
        self.http = self.engine.wait_event(engine_started)["http_port"]
        return self.engine

    def start_feed(self, *extra: str) -> Proc:
        self.feed = self.procs.start(
            "feed", feed_args([self.engine_feed_port, self.venue_feed_port], self.recovery_port, *extra)
        )
        self.feed.wait_event(lambda e: e.get("event") == "listening")
        return self.feed

    def metrics(self) -> dict[str, float]:
        return metrics(self.http)

    def venue_session(self) -> dict:
        status, body = http_get(self.venue_http, "/status")
        assert status == 200
        return json.loads(body)["sessions"].get(self.raw["venue"]["session"], {})


def kill9(proc: Proc) -> None:
    os.kill(proc.popen.pid, signal.SIGKILL)
    proc.wait()
