"""Record EC2 query-API answers from moto once, then serve them again on 127.0.0.1.

moto needs seconds per thousand instances to build a DescribeInstances answer, far more than
either inventory plugin spends on it, so timing plugins against live moto mostly times moto.
RecordingProxy sits in front of moto and keeps each answer; ReplayServer answers the same
requests from memory, so each plugin pays only its own cost.

Answers are keyed by region and request body. The body holds the action and all parameters
(filters, page size, NextToken), and the two plugins send different bodies, so each one's run
must be recorded once. An unknown request gets HTTP 599 and is listed in `misses`.
"""

from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def request_key(headers: Any, body: bytes) -> str:
    """Region (from the SigV4 credential scope) plus the request body."""
    auth = headers.get("Authorization", "")
    scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/") if "Credential=" in auth else []
    region = scope[2] if len(scope) > 2 else "?"
    return f"{region}\n{body.decode('utf-8', 'replace')}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.recordings: dict[str, dict[str, Any]] = {}
        self.misses: list[str] = []
        self.lock = threading.Lock()
        self.upstream: str | None = None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _reply(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        key = request_key(self.headers, body)
        if self.server.upstream:
            recorded = self._forward(body)
            with self.server.lock:
                self.server.recordings[key] = recorded
        else:
            with self.server.lock:
                recorded = self.server.recordings.get(key)
                if recorded is None:
                    self.server.misses.append(key)
            if recorded is None:
                self._reply(599, "text/plain", b"no recording for this request")
                return
        self._reply(recorded["status"], recorded["content_type"], recorded["body"].encode())

    def _forward(self, body: bytes) -> dict[str, Any]:
        upstream = urlsplit(self.server.upstream)
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=600)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            conn.request("POST", self.path, body=body, headers=headers)
            response = conn.getresponse()
            return {
                "status": response.status,
                "content_type": response.getheader("Content-Type", "text/xml"),
                "body": response.read().decode(),
            }
        finally:
            conn.close()


class _Base:
    def __init__(self) -> None:
        self._server = _Server(_Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def recordings(self) -> dict[str, dict[str, Any]]:
        return self._server.recordings

    @property
    def misses(self) -> list[str]:
        return self._server.misses

    def start(self) -> _Base:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> _Base:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class RecordingProxy(_Base):
    """Forward every request to `upstream` (moto) and remember the answer."""

    def __init__(self, upstream: str) -> None:
        super().__init__()
        self._server.upstream = upstream

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.recordings))


class ReplayServer(_Base):
    """Answer from recordings only."""

    def __init__(self, recordings: dict[str, dict[str, Any]]) -> None:
        super().__init__()
        self._server.recordings.update(recordings)

    @classmethod
    def from_file(cls, path: Path) -> ReplayServer:
        return cls(json.loads(path.read_text()))
