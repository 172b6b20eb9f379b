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

With --api-token-sha256 it also answers the Rancher v3 API calls of the role's `import` entry
point (tasks/import.yml), each needing "Authorization: Bearer <API token>" whose sha256 matches
(401 {"type": "error", "message": "must authenticate"} otherwise), shaped like Rancher's v3 (Norman)
API answers:

    GET  /v3/clusters?name=N      {"type": "collection", "data": [clusters named N]}
    POST /v3/clusters             {"type": "cluster", "name", "description"} -> 201, a cluster
                                  "c-xxxxx" with driver "" and state "pending" (an imported cluster
                                  whose agent has not connected yet)
    GET  /v3/clusterregistrationtokens?clusterId=C   the cluster's registration tokens
    POST /v3/clusterregistrationtokens   {"type": "clusterRegistrationToken", "clusterId"} -> 201,
                                  token and manifestUrl still "": like Rancher's controller, the stub
                                  fills them in --manifest-delay seconds later
    GET  /v3/import/<token>_<cluster id>.yaml   the agent manifest (no Authorization: the token in
                                  the path is the credential, as in Rancher)

and, for the test only, POST /_stub/clusters/<id>/connect marks a cluster as Rancher shows it once
its cattle-cluster-agent has connected (state "active", conditions Connected/AgentDeployed True):
there is no Kubernetes cluster here whose agent could connect. --state is rewritten after every
change with the clusters, tokens and manifests (the test reads the registration tokens from it to
check they never appear in Ansible's output).

Every request is appended to --log as one JSON line: method, path, the X-Cattle-* headers, the
sha256 of the bearer token (never the token), the JSON body of a POST, and for a manifest download
the sha256 of the body served; registration tokens in import paths are replaced by "<token>". A
file --ready is written once the socket listens (holding the port, useful with --port 0).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import secrets
import ssl
import string
import threading
import time
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


# A cluster name as Rancher's UI accepts it (a DNS-1123 label).
CLUSTER_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
IMPORT_PATH_RE = re.compile(r"^/v3/import/(?P<token>[a-z0-9]+)_(?P<cluster>c-[a-z0-9]+)\.yaml$")


def _random(length: int) -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def import_manifest(server: str, cluster_id: str, token: str, ca_checksum: str) -> str:
    """An agent manifest shaped like Rancher's /v3/import/<token>_<cluster>.yaml (trimmed)."""
    import base64

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    secret = "cattle-credentials-" + hashlib.sha256(token.encode()).hexdigest()[:7]
    return (
        "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: cattle-system\n"
        "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: cattle\n  namespace: cattle-system\n"
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n"
        "  name: cattle-admin-binding\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n"
        "  name: cattle-admin\nsubjects:\n- kind: ServiceAccount\n  name: cattle\n  namespace: cattle-system\n"
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n"
        f"  name: {secret}\n  namespace: cattle-system\ntype: Opaque\ndata:\n"
        f"  url: {b64(server)}\n  token: {b64(token)}\n  namespace: {b64(cluster_id)}\n"
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cattle-admin\n"
        "rules:\n- apiGroups: ['*']\n  resources: ['*']\n  verbs: ['*']\n"
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cattle-cluster-agent\n"
        "  namespace: cattle-system\nspec:\n  selector:\n    matchLabels:\n      app: cattle-cluster-agent\n"
        "  template:\n    metadata:\n      labels:\n        app: cattle-cluster-agent\n    spec:\n"
        "      serviceAccountName: cattle\n      containers:\n      - name: cluster-register\n"
        "        image: rancher/rancher-agent:v2.9-stub\n        env:\n"
        f"        - name: CATTLE_SERVER\n          value: {json.dumps(server)}\n"
        f"        - name: CATTLE_CA_CHECKSUM\n          value: {json.dumps(ca_checksum)}\n"
        '        - name: CATTLE_CLUSTER\n          value: "true"\n'
        "        volumeMounts:\n        - name: cattle-credentials\n          mountPath: /cattle-credentials\n"
        f"      volumes:\n      - name: cattle-credentials\n        secret:\n          secretName: {secret}\n"
    )


def make_handler(args: argparse.Namespace) -> type[BaseHTTPRequestHandler]:
    ca_bytes = Path(args.ca).read_bytes()
    ca_checksum = hashlib.sha256(ca_bytes).hexdigest()
    script_bytes = Path(args.script).read_bytes()
    lock = threading.Lock()
    # The import API's objects, by id; manifests by registration token.
    clusters: dict[str, dict] = {}
    tokens: dict[str, dict] = {}
    token_ready_at: dict[str, float] = {}
    manifests: dict[str, str] = {}

    def save_state() -> None:
        if args.state:
            state = {"clusters": clusters, "tokens": tokens, "manifests": manifests}
            Path(args.state).write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")

    class Handler(BaseHTTPRequestHandler):
        server_version = "rancher-stub"

        def log_message(self, format: str, *a: object) -> None:  # quiet stderr
            return

        def _bearer(self) -> str:
            auth = self.headers.get("Authorization", "")
            return auth[len("Bearer ") :] if auth.startswith("Bearer ") else ""

        def _record(self, status: int, body: bytes = b"") -> None:
            token = self._bearer()
            path = self.path
            extra: dict = {}
            if m := IMPORT_PATH_RE.match(path.split("?", 1)[0]):
                path = path.replace(m["token"], "<token>")
                extra["body_sha256"] = hashlib.sha256(body).hexdigest() if status == 200 else ""
            if self.command == "POST":
                extra["body"] = getattr(self, "json_body", None)
            entry = {
                "method": self.command,
                "path": path,
                "status": status,
                "host": self.headers.get("Host", ""),
                "token_sha256": hashlib.sha256(token.encode()).hexdigest() if token else "",
                "cattle": {k: v for k, v in self.headers.items() if k.lower().startswith("x-cattle-")},
                **extra,
            }
            with lock, open(args.log, "a", encoding="utf-8") as log:
                log.write(json.dumps(entry, sort_keys=True) + "\n")

        def _send(self, status: int, body: bytes, ctype: str = "text/plain") -> None:
            self._record(status, body)
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
            elif m := IMPORT_PATH_RE.match(path):
                manifest = manifests.get(m["token"])
                if manifest is None or tokens_by_value(m["token"]).get("clusterId") != m["cluster"]:
                    self._send(404, b"not found")
                else:
                    self._send(200, manifest.encode(), "application/yaml")
            elif path == "/v3/clusters":
                if self._authorized():
                    name = self._query().get("name")
                    found = [c for c in clusters.values() if name is None or c["name"] == name]
                    self._json(200, collection("cluster", found))
            elif path == "/v3/clusterregistrationtokens":
                if self._authorized():
                    cluster_id = self._query().get("clusterId")
                    with lock:
                        for token_id, ready_at in token_ready_at.items():
                            if ready_at <= time.monotonic() and not tokens[token_id]["manifestUrl"]:
                                self._fill_token(tokens[token_id])
                        found = [
                            t for t in tokens.values() if cluster_id is None or t["clusterId"] == cluster_id
                        ]
                        found = json.loads(json.dumps(found))
                    self._json(200, collection("clusterRegistrationToken", found))
            else:
                self._send(404, b"not found")

        def do_POST(self) -> None:
            path = self.path.split("?", 1)[0]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                self.json_body = json.loads(raw) if raw else None
            except ValueError:
                self.json_body = {"unparsed": raw.decode(errors="replace")}
            body = self.json_body if isinstance(self.json_body, dict) else {}
            if m := re.fullmatch(r"/_stub/clusters/(c-[a-z0-9]+)/connect", path):
                cluster = clusters.get(m[1])
                if cluster is None:
                    self._send(404, b"not found")
                    return
                with lock:
                    cluster.update(state="active", driver="imported", provider="eks")
                    cluster["conditions"] = [
                        {"type": t, "status": "True"} for t in ("Connected", "AgentDeployed", "Ready")
                    ]
                    save_state()
                self._json(200, cluster)
            elif path == "/v3/clusters":
                if not self._authorized():
                    return
                name = body.get("name", "")
                if body.get("type") != "cluster" or not CLUSTER_NAME_RE.match(str(name)):
                    self._json(422, error(422, "InvalidFormat", f"invalid cluster name {name!r}"))
                    return
                cluster_id = "c-" + _random(5)
                cluster = {
                    "id": cluster_id,
                    "type": "cluster",
                    "baseType": "cluster",
                    "name": name,
                    "description": body.get("description", ""),
                    "driver": "",
                    "provider": "",
                    "state": "pending",
                    "conditions": [{"type": "Pending", "status": "True"}],
                    "links": {"self": f"https://{self.headers.get('Host', '')}/v3/clusters/{cluster_id}"},
                }
                with lock:
                    clusters[cluster_id] = cluster
                    save_state()
                self._json(201, cluster)
            elif path == "/v3/clusterregistrationtokens":
                if not self._authorized():
                    return
                cluster_id = body.get("clusterId", "")
                if body.get("type") != "clusterRegistrationToken" or cluster_id not in clusters:
                    self._json(422, error(422, "InvalidReference", f"no cluster {cluster_id!r}"))
                    return
                token_id = f"{cluster_id}:crt-{_random(5)}"
                token = {
                    "id": token_id,
                    "type": "clusterRegistrationToken",
                    "clusterId": cluster_id,
                    "name": token_id.split(":")[1],
                    "token": "",
                    "manifestUrl": "",
                    "command": "",
                    "state": "pending",
                    "host": self.headers.get("Host", ""),
                }
                with lock:
                    tokens[token_id] = token
                    token_ready_at[token_id] = time.monotonic() + args.manifest_delay
                    save_state()
                    answer = dict(token)
                self._json(201, answer)
            else:
                self._send(404, b"not found")

        def _fill_token(self, token: dict) -> None:
            """What Rancher's controller writes into a new token (called with the lock held)."""
            value = _random(54)
            server = "https://" + token["host"]
            url = f"{server}/v3/import/{value}_{token['clusterId']}.yaml"
            token.update(token=value, manifestUrl=url, command=f"kubectl apply -f {url}", state="active")
            manifests[value] = import_manifest(server, token["clusterId"], value, ca_checksum)
            save_state()

        def _query(self) -> dict[str, str]:
            from urllib.parse import parse_qsl, urlsplit

            return dict(parse_qsl(urlsplit(self.path).query))

        def _authorized(self) -> bool:
            token = self._bearer()
            if (
                args.api_token_sha256
                and token
                and hashlib.sha256(token.encode()).hexdigest() == args.api_token_sha256
            ):
                return True
            self._json(401, error(401, "Unauthorized", "must authenticate"))
            return False

        def _json(self, status: int, body: object) -> None:
            self._send(status, (json.dumps(body, indent=2) + "\n").encode(), "application/json")

    def tokens_by_value(value: str) -> dict:
        return next((t for t in tokens.values() if t["token"] == value), {})

    return Handler


def collection(resource_type: str, data: list) -> dict:
    return {"type": "collection", "resourceType": resource_type, "data": data}


def error(status: int, code: str, message: str) -> dict:
    return {"type": "error", "status": str(status), "code": code, "message": message}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", required=True, help="server certificate (PEM)")
    parser.add_argument("--key", required=True, help="server key (PEM)")
    parser.add_argument("--ca", required=True, help="CA certificate served at /cacerts")
    parser.add_argument("--script", required=True, help="file served as /system-agent-install.sh")
    parser.add_argument("--token-sha256", required=True, help="sha256 of the registration token")
    parser.add_argument("--api-token-sha256", default="", help="sha256 of the API token of the import calls")
    parser.add_argument(
        "--manifest-delay", type=float, default=1.0, help="seconds until a new token is filled"
    )
    parser.add_argument("--state", default="", help="JSON file rewritten with the import objects")
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
