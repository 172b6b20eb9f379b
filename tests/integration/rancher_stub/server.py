"""A stand-in for the few Rancher endpoints a custom node's registration touches.

Runs INSIDE the test container with the container's python3 (stdlib only) and listens on the
container's own 127.0.0.1, so no traffic leaves the container:

    GET /cacerts                  the CA certificate (Rancher's "cacerts" setting), as served to
                                  `curl --insecure` by Rancher's install script
    GET /system-agent-install.sh  the fake install script next to this file
    GET /healthz                  "ok"
    GET /v3/connect/agent         needs "Authorization: Bearer <token>" whose sha256 matches
                                  --token-sha256; answers what Rancher's RKE2ConfigServer.connectAgent
                                  answers: {"namespace", "secretName", "kubeConfig"} with the
                                  kubeconfig's server "https://<Host header>" (Rancher's behaviour when
                                  its server-url setting is empty); 401 otherwise

Every request is appended to --log as one JSON line: method, path, the X-Cattle-* headers, and the
sha256 of the bearer token (never the token). A file --ready is written once the socket listens.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# A fake service-account token inside the kubeconfig, as Rancher's answer carries a real one: the
# role must treat the connection info as secret (it reads it with no_log).
STUB_SA_TOKEN = "stub-service-account-token-not-a-secret"


def kubeconfig(server: str, ca_pem: str) -> str:
    # The shape clientcmd.Write gives Rancher's connectAgent (cluster/user/context "agent").
    import base64

    ca = base64.b64encode(ca_pem.encode()).decode()
    return (
        "apiVersion: v1\n"
        "clusters:\n"
        "- cluster:\n"
        f"    certificate-authority-data: {ca}\n"
        f"    server: {server}\n"
        "  name: agent\n"
        "contexts:\n"
        "- context:\n"
        "    cluster: agent\n"
        "    user: agent\n"
        "  name: agent\n"
        "current-context: agent\n"
        "kind: Config\n"
        "preferences: {}\n"
        "users:\n"
        "- name: agent\n"
        "  user:\n"
        f"    token: {STUB_SA_TOKEN}\n"
    )


def make_handler(args: argparse.Namespace) -> type[BaseHTTPRequestHandler]:
    ca_bytes = Path(args.ca).read_bytes()
    script_bytes = Path(args.script).read_bytes()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        server_version = "rancher-stub"

        def log_message(self, format: str, *a: object) -> None:  # quiet stderr
            return

        def _record(self, status: int) -> None:
            auth = self.headers.get("Authorization", "")
            token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else ""
            entry = {
                "method": self.command,
                "path": self.path,
                "status": status,
                "host": self.headers.get("Host", ""),
                "token_sha256": hashlib.sha256(token.encode()).hexdigest() if token else "",
                "cattle": {k: v for k, v in self.headers.items() if k.lower().startswith("x-cattle-")},
            }
            with lock, open(args.log, "a", encoding="utf-8") as log:
                log.write(json.dumps(entry, sort_keys=True) + "\n")

        def _send(self, status: int, body: bytes, ctype: str = "text/plain") -> None:
            self._record(status)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/cacerts":
                self._send(200, ca_bytes)
            elif path == "/system-agent-install.sh":
                self._send(200, script_bytes)
            elif path == "/healthz":
                self._send(200, b"ok")
            elif path == "/v3/connect/agent":
                auth = self.headers.get("Authorization", "")
                token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else ""
                if not token or hashlib.sha256(token.encode()).hexdigest() != args.token_sha256:
                    self._send(401, b"Unauthorized")
                    return
                body = {
                    "namespace": "fleet-default",
                    "secretName": "custom-stub-machine-plan",
                    "kubeConfig": kubeconfig("https://" + self.headers.get("Host", ""), ca_bytes.decode()),
                }
                self._send(200, (json.dumps(body, indent=2) + "\n").encode(), "application/json")
            else:
                self._send(404, b"not found")

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", required=True, help="server certificate (PEM)")
    parser.add_argument("--key", required=True, help="server key (PEM)")
    parser.add_argument("--ca", required=True, help="CA certificate served at /cacerts")
    parser.add_argument("--script", required=True, help="file served as /system-agent-install.sh")
    parser.add_argument("--token-sha256", required=True, help="sha256 of the registration token")
    parser.add_argument("--log", required=True)
    parser.add_argument("--ready", required=True)
    args = parser.parse_args()

    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    Path(args.ready).write_text(str(httpd.server_address[1]))
    httpd.serve_forever()


if __name__ == "__main__":
    main()
