"""Small admin HTTP server (metrics, health, control) on its own threads.

Each connection gets a thread of its own and a socket timeout, so an idle or slow client never
holds up a probe; beyond `max_connections` at once, new connections are closed at once. POST
routes change state: each request must first pass `auth` (none = they are disabled).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Response = tuple[int, str, str]  # status, content type, body
Handler = Callable[[], Response]
# (Authorization header or None, client address) -> None to go ahead, else the answer
Auth = Callable[[str | None, str], Response | None]

TEXT = "text/plain; charset=utf-8"
PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"
JSON = "application/json"
MAX_BODY = 65536

log = logging.getLogger("http")


def _disabled(_header: str | None, _client: str) -> Response:
    return 403, TEXT, "state-changing endpoints are disabled\n"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address, handler, max_connections: int) -> None:
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        log.debug("admin connection failed", exc_info=True, extra={"client": client_address[0]})


class AdminServer:
    def __init__(
        self,
        host: str,
        port: int,
        get: dict[str, Handler],
        post: dict[str, Handler],
        auth: Auth | None = None,
        timeout: float = 5.0,
        max_connections: int = 32,
    ) -> None:
        routes = {"GET": get, "POST": post}
        check = auth or _disabled

        class _Handler(BaseHTTPRequestHandler):
            server_version = "lowlat"

            def _route(self, path: str) -> Response:
                handler = routes[self.command].get(path)
                if handler is None:
                    other = routes["POST" if self.command == "GET" else "GET"]
                    return (
                        (405, TEXT, "method not allowed\n") if path in other else (404, TEXT, "not found\n")
                    )
                if self.command == "POST":
                    denied = check(self.headers.get("Authorization"), self.client_address[0])
                    if denied is not None:
                        return denied
                try:
                    return handler()
                except Exception:
                    log.exception("admin handler failed", extra={"path": path})
                    return 500, TEXT, "internal error\n"

            def _answer(self, response: Response) -> None:
                status, ctype, body = response
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Bearer realm="lowlat-engine"')
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._answer(self._route(self.path.split("?", 1)[0]))

            def do_POST(self) -> None:
                length = self.headers.get("Content-Length") or "0"
                if not length.isdigit() or int(length) > MAX_BODY:
                    self.close_connection = True
                    self._answer((400, TEXT, "bad Content-Length\n"))
                    return
                if int(length):
                    self.rfile.read(int(length))
                self._answer(self._route(self.path.split("?", 1)[0]))

            def log_message(self, format: str, *args) -> None:
                pass  # requests are not logged; scrapes would flood the log

        _Handler.timeout = timeout  # per connection: StreamRequestHandler sets it on the socket
        self._server = _Server((host, port), _Handler, max_connections)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="admin-http", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
