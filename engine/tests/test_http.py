"""The admin HTTP server: bearer token on state-changing endpoints, concurrent probes, timeouts."""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import urllib.error
import urllib.request

import pytest

from lowlat_engine import cli
from lowlat_engine.httpserver import TEXT, AdminServer

TOKEN = "s3cret-token-for-the-admin-tests"


def request(port: int, method: str, path: str, token: str | None = None, timeout: float = 3.0):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    data = b"" if method == "POST" else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode(), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), dict(err.headers)


def token_file(tmp_path, text: str = TOKEN + "\n", mode: int = 0o600) -> str:
    path = tmp_path / "admin.token"
    path.write_text(text)
    os.chmod(path, mode)
    return str(path)


@pytest.fixture
def serve():
    started = []

    def start(token_path: str = "", **kwargs):
        from lowlat_engine.admin_auth import BearerAuth

        calls = []

        def release():
            calls.append("release")
            return 200, TEXT, "released\n"

        server = AdminServer(
            "127.0.0.1",
            0,
            get={"/healthz": lambda: (200, TEXT, "ok\n")},
            post={"/kill-switch/release": release},
            auth=BearerAuth(token_path),
            **kwargs,
        )
        server.start()
        started.append(server)
        return server.port, calls

    yield start
    for server in started:
        server.stop()


def test_state_changing_endpoints_need_the_bearer_token(serve, tmp_path, caplog):
    port, calls = serve(token_file(tmp_path))
    status, _body, headers = request(port, "POST", "/kill-switch/release")
    assert status == 401 and headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert request(port, "POST", "/kill-switch/release", token="wrong")[0] == 403
    assert request(port, "POST", "/kill-switch/release", token=TOKEN + "x")[0] == 403
    assert calls == []
    assert request(port, "POST", "/kill-switch/release", token=TOKEN)[:2] == (200, "released\n")
    assert calls == ["release"]
    assert request(port, "GET", "/healthz")[0] == 200  # probes stay open to monitoring
    assert all(TOKEN not in r.getMessage() and TOKEN not in str(r.__dict__) for r in caplog.records)


def test_without_a_token_file_state_changing_endpoints_are_disabled(serve):
    port, calls = serve("")
    status, body, _ = request(port, "POST", "/kill-switch/release", token="")
    assert status == 403 and "disabled" in body
    assert request(port, "POST", "/kill-switch/release", token="anything")[0] == 403
    assert calls == []


def test_a_rotated_token_applies_without_a_restart(serve, tmp_path):
    path = token_file(tmp_path)
    port, _ = serve(path)
    token_file(tmp_path, "a-brand-new-token-after-rotation\n")
    assert request(port, "POST", "/kill-switch/release", token=TOKEN)[0] == 403
    assert request(port, "POST", "/kill-switch/release", token="a-brand-new-token-after-rotation")[0] == 200


def test_idle_connections_do_not_stall_health_checks():
    server = AdminServer("127.0.0.1", 0, get={"/healthz": lambda: (200, TEXT, "ok\n")}, post={})
    server.start()
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(3)]
    try:
        started = time.monotonic()
        assert request(server.port, "GET", "/healthz", timeout=4.0)[0] == 200
        assert time.monotonic() - started < 1.0
    finally:
        for s in idle:
            s.close()
        server.stop()


def test_an_idle_connection_is_closed_after_the_timeout(serve):
    port, _ = serve("", timeout=0.3)
    with socket.create_connection(("127.0.0.1", port)) as idle:
        idle.settimeout(3)
        started = time.monotonic()
        assert idle.recv(1) == b""  # the server hung up
        assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("text", "mode", "words"),
    [
        ("", 0o600, "empty"),
        ("short\n", 0o600, "at least 16"),
        (TOKEN + "\n", 0o604, "readable by others"),
        ("two words are not one token\n", 0o600, "whitespace"),
    ],
)
def test_check_config_validates_the_token_file(raw_config, tmp_path, capsys, text, mode, words):
    raw_config["http"]["admin_token_file"] = token_file(tmp_path, text, mode)
    path = tmp_path / "c.json"
    path.write_text(json.dumps(raw_config))
    assert cli.main([str(path), "--check-config"]) == cli.EXIT_CONFIG
    err = capsys.readouterr().err
    assert "http.admin_token_file" in err and words in err
    assert TOKEN not in err


def test_check_config_accepts_a_good_token_file_and_a_missing_one_is_named(raw_config, tmp_path, capsys):
    raw_config["http"]["admin_token_file"] = token_file(tmp_path)
    path = tmp_path / "c.json"
    path.write_text(json.dumps(raw_config))
    assert cli.main([str(path), "--check-config"]) == 0
    raw_config["http"]["admin_token_file"] = str(tmp_path / "missing.token")
    path.write_text(json.dumps(raw_config))
    assert cli.main([str(path), "--check-config"]) == cli.EXIT_CONFIG
    assert "http.admin_token_file" in capsys.readouterr().err


def test_denied_requests_are_logged_without_the_token(serve, tmp_path, caplog):
    port, _ = serve(token_file(tmp_path))
    with caplog.at_level(logging.WARNING, logger="http"):
        request(port, "POST", "/kill-switch/release", token="guess-" + TOKEN[:8])
    denied = [r for r in caplog.records if r.name == "http"]
    assert denied and "denied" in denied[0].getMessage()
    assert all(TOKEN[:8] not in str(r.__dict__) for r in denied)
