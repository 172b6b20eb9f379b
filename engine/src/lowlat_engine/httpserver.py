"""Small admin HTTP server (metrics, health, control) on its own thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer

Response = tuple[int, str, str]  # status, content type, body
Handler = Callable[[], Response]

TEXT = "text/plain; charset=utf-8"
PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"
JSON = "application/json"

log = logging.getLogger("http")


class AdminServer:
    def __init__(self, host: str, port: int, get: dict[str, Handler], post: dict[str, Handler]) -> None:
        routes = {"GET": get, "POST": post}

        class _Handler(BaseHTTPRequestHandler):
            timeout = 5
            server_version = "lowlat"

            def _serve(self) -> None:
                path = self.path.split("?", 1)[0]
                table = routes[self.command]
                handler = table.get(path)
                if handler is None:
                    other = routes["POST" if self.command == "GET" else "GET"]
                    status, ctype, body = (
                        (405, TEXT, "method not allowed\n") if path in other else (404, TEXT, "not found\n")
                    )
                else:
                    try:
                        status, ctype, body = handler()
                    except Exception:
                        log.exception("admin handler failed", extra={"path": path})
                        status, ctype, body = 500, TEXT, "internal error\n"
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self._serve()

            def log_message(self, format: str, *args) -> None:
                pass  # requests are not logged; scrapes would flood the log

        self._server = HTTPServer((host, port), _Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="admin-http", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
