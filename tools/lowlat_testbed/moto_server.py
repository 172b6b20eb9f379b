"""A moto EC2 server on 127.0.0.1 for the integration tests, the Terraform tests and the benchmarks.

Run as a separate process (its own CPU and GIL, its own moto settings) by MotoServer. On top of
plain moto it adds, under /_lowlat/ (never forwarded to moto):

- GET  /_lowlat/stats        requests per EC2 action and per region:action, as JSON
- POST /_lowlat/stats/reset  zero the counters
- POST /_lowlat/faults       JSON {"action", "code", "status", "count", "after"}: let `after`
                             calls of `action` through, then answer the next `count` with
                             that EC2 error (throttling and permission tests)

and two speed fixes that change no answer the inventory plugin sees:
- moto looks up each instance's tags by scanning every tag of every resource (O(n^2) for
  describe/run of n instances); an exact per-id lookup returns the same list;
- RunInstances answers with the reservation and instance ids only (moto spends most of a
  launch serialising the full instances); describe them to see everything.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
# Variables that could point boto3 at real AWS accounts or endpoints.
AWS_ENV_TO_DROP = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")
STARTUP_TIMEOUT = 30.0


def safe_aws_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment with fake credentials and no profile or AWS config file in reach."""
    env = dict(os.environ if base is None else base)
    for name in list(env):
        if name in AWS_ENV_TO_DROP or name.startswith("AWS_ENDPOINT_URL"):
            del env[name]
    env.update(FAKE_CREDENTIALS)
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


def use_safe_aws_env(monkeypatch: Any) -> None:
    """Make this process's environment safe_aws_env() for one test (a pytest MonkeyPatch)."""
    safe = safe_aws_env()
    for name in list(os.environ):
        if name not in safe:
            monkeypatch.delenv(name)
    for name, value in safe.items():
        monkeypatch.setenv(name, value)


# --- server side (runs in the child process) -------------------------------------------------


def _patch_moto_tag_lookup() -> None:
    from moto.ec2.models.core import TaggedEC2Resource
    from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix

    def get_tags(self: Any) -> list[dict[str, str]]:
        if not self.id:
            return []
        resource_type = EC2_PREFIX_TO_RESOURCE.get(get_prefix(self.id), "")
        return [
            {"resource_id": self.id, "key": key, "value": value, "resource_type": resource_type}
            for key, value in self.ec2_backend.tags.get(self.id, {}).items()
        ]

    TaggedEC2Resource.get_tags = get_tags


def _patch_moto_brief_run_instances() -> None:
    from moto.core.responses import ActionResult
    from moto.ec2.responses.instances import InstanceResponse

    full_run_instances = InstanceResponse.run_instances

    def run_instances(self: Any) -> ActionResult:
        reservation = full_run_instances(self).result
        return ActionResult(
            {
                "ReservationId": reservation.id,
                "OwnerId": reservation.owner_id,
                "Instances": [{"InstanceId": instance.id} for instance in reservation.instances],
            }
        )

    InstanceResponse.run_instances = run_instances


def _error_xml(code: str, message: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
        "<RequestID>lowlat-fault</RequestID></Response>"
    ).encode()


class LowlatMiddleware:
    """Counts EC2 actions, injects faults, serves /_lowlat/ endpoints; everything else goes to moto."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.faults: list[dict[str, Any]] = []

    def _respond(self, start_response: Any, status: str, body: bytes, ctype: str) -> list[bytes]:
        start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))])
        return [body]

    def _control(self, environ: dict[str, Any], start_response: Any, path: str, body: bytes) -> list[bytes]:
        with self.lock:
            if path == "/_lowlat/stats":
                actions: Counter[str] = Counter()
                for key, n in self.counts.items():
                    actions[key.split(":", 1)[1]] += n
                data = {
                    "total": sum(actions.values()),
                    "actions": dict(actions),
                    "by_region": dict(self.counts),
                }
                return self._respond(start_response, "200 OK", json.dumps(data).encode(), "application/json")
            if path == "/_lowlat/stats/reset":
                self.counts.clear()
                self.faults.clear()
            elif path == "/_lowlat/faults":
                self.faults.append(json.loads(body))
            else:
                return self._respond(start_response, "404 Not Found", b"{}", "application/json")
        return self._respond(start_response, "200 OK", b'{"status": "ok"}', "application/json")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = BytesIO(body)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_lowlat/"):
            return self._control(environ, start_response, path, body)

        action = (parse_qs(body.decode("utf-8", "replace")).get("Action") or [""])[0]
        if action:
            auth = environ.get("HTTP_AUTHORIZATION", "")
            # Credential=KEY/DATE/REGION/SERVICE/aws4_request
            scope = (
                auth.split("Credential=", 1)[1].split(",", 1)[0].split("/") if "Credential=" in auth else []
            )
            region = scope[2] if len(scope) > 2 else "?"
            with self.lock:
                self.counts[f"{region}:{action}"] += 1
                fault = next((f for f in self.faults if f["action"] == action and f["count"] > 0), None)
                if fault and fault.get("after", 0) > 0:
                    fault["after"] -= 1
                    fault = None
                elif fault:
                    fault["count"] -= 1
            if fault:
                status = f"{fault.get('status', 400)} Injected"
                xml = _error_xml(fault["code"], fault.get("message", "injected by the lowlat test server"))
                return self._respond(start_response, status, xml, "text/xml")
        return self.app(environ, start_response)


class SerializedApp:
    """One request at a time. moto's backends are not thread-safe: under Terraform's parallel
    requests a create can take effect and still answer 500 (a backend dict changed under another
    thread), and the provider's retry then meets the resource it made ("already exists"). Used by
    the Terraform emulator tests (LOWLAT_MOTO_SERIALIZE=1); the other tests keep moto threaded, since
    an SQS long poll would hold everyone else up."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            return list(self.app(environ, start_response))


def serve(port: int) -> None:
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    _patch_moto_tag_lookup()
    _patch_moto_brief_run_instances()
    app: Any = LowlatMiddleware(DomainDispatcherApplication(create_backend_app))
    if os.environ.get("LOWLAT_MOTO_SERIALIZE") == "1":
        app = SerializedApp(app)
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"LISTENING {server.server_address[1]}", flush=True)
    stop.wait()
    server.shutdown()
    thread.join(timeout=10)


# --- client side ------------------------------------------------------------------------------


class MotoServer:
    """Start/stop the server process; reset moto, read counters, inject faults, switch auth."""

    def __init__(
        self,
        log_path: Path | None = None,
        load_default_amis: bool = False,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.log_path = log_path
        self.load_default_amis = load_default_amis
        self.settings = settings or {}  # extra MOTO_* settings, e.g. MOTO_IAM_LOAD_MANAGED_POLICIES
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, service: str, region: str = "us-east-1") -> Any:
        """A boto3 client of `service` on this server, with the fake credentials."""
        import boto3

        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
        )

    def start(self) -> MotoServer:
        env = safe_aws_env()
        # No default AMIs: moto's per-instance AMI lookup otherwise scans thousands of images.
        env["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "true" if self.load_default_amis else "false"
        env.update(self.settings)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.proc = subprocess.Popen(
                [sys.executable, __file__, "--port", "0"],
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
            )
        finally:
            if self.log_path:
                log.close()
        try:
            self.port = self._read_port()
            self._get("/moto-api/data.json")  # answers only once moto is fully loaded
        except BaseException:
            self.stop()
            raise
        return self

    def _read_port(self) -> int:
        assert self.proc is not None and self.proc.stdout is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                line = self.proc.stdout.readline().decode()
                if line.startswith("LISTENING "):
                    return int(line.split()[1])
                if not line:
                    break
            if self.proc.poll() is not None:
                break
        raise RuntimeError(f"moto server did not start (exit code {self.proc.poll()})")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _request(self, method: str, path: str, data: bytes | None = None) -> bytes:
        # Not form-encoded: moto's control endpoints read the raw body.
        headers = {"Content-Type": "text/plain"} if data is not None else {}
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def _get(self, path: str) -> bytes:
        return self._request("GET", path)

    def reset(self) -> None:
        """Forget every resource (moto's reset API), zero counters, drop faults, disable auth."""
        self._request("POST", "/moto-api/reset", b"")
        self.set_auth(False)
        self._request("POST", "/_lowlat/stats/reset", b"")

    def stats(self) -> dict[str, Any]:
        return json.loads(self._get("/_lowlat/stats"))

    def reset_stats(self) -> None:
        self._request("POST", "/_lowlat/stats/reset", b"")

    def calls(self, action: str, region: str | None = None) -> int:
        stats = self.stats()
        if region:
            return stats["by_region"].get(f"{region}:{action}", 0)
        return stats["actions"].get(action, 0)

    def inject_fault(self, action: str, code: str, status: int = 400, count: int = 1, after: int = 0) -> None:
        fault = {"action": action, "code": code, "status": status, "count": count, "after": after}
        self._request("POST", "/_lowlat/faults", json.dumps(fault).encode())

    def set_auth(self, enabled: bool) -> None:
        """With auth on, moto checks every request's access key against its IAM users."""
        self._request("POST", "/moto-api/reset-auth", b"0" if enabled else b"inf")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_instances(
    ec2: Any,
    count: int,
    tags: dict[str, str],
    instance_type: str = "c5n.18xlarge",
    zone: str | None = None,
    per_reservation: int = 100,
    placement_group: str | None = None,
) -> list[str]:
    """Launch `count` instances in reservations of `per_reservation`; returns their ids."""
    placement: dict[str, str] = {}
    if zone:
        placement["AvailabilityZone"] = zone
    if placement_group:
        placement["GroupName"] = placement_group
    tag_spec = [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]
    ids: list[str] = []
    while len(ids) < count:
        n = min(per_reservation, count - len(ids))
        kwargs: dict[str, Any] = {
            "ImageId": "ami-12345678",
            "MinCount": n,
            "MaxCount": n,
            "InstanceType": instance_type,
            "TagSpecifications": tag_spec if tags else [],
        }
        if placement:
            kwargs["Placement"] = placement
        response = ec2.run_instances(**kwargs)
        ids.extend(i["InstanceId"] for i in response["Instances"])
    return ids


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    serve(parser.parse_args().port)
