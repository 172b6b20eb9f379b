"""SigV4 signing (checked against botocore) and the credential chain (environment, IMDSv2)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest

from lowlat_engine import sigv4
from lowlat_engine.sigv4 import CredentialProvider, Credentials, CredentialsError, sign

NOW = datetime(2024, 5, 17, 12, 34, 56, tzinfo=UTC)
BODY = b"Action=PutMetricData&Version=2010-08-01&Namespace=Lowlat%2FEngine&MetricData.member.1.Value=1"
HEADERS = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token-value")


def _botocore_authorization(url: str, creds: Credentials) -> dict[str, str]:
    try:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials as BotoCredentials
    except ImportError:
        pytest.skip("botocore is not importable: the reference signature cannot be computed")
    request = AWSRequest(method="POST", url=url, data=BODY, headers=dict(HEADERS))
    auth = SigV4Auth(
        BotoCredentials(creds.access_key, creds.secret_key, creds.token or None), "monitoring", "eu-west-2"
    )
    with mock.patch("botocore.auth.get_current_datetime", return_value=NOW.replace(tzinfo=None)):
        auth.add_auth(request)
    return dict(request.headers.items())


@pytest.mark.parametrize(
    ("url", "creds"),
    [
        ("https://monitoring.eu-west-2.amazonaws.com/", CREDS),
        ("https://monitoring.eu-west-2.amazonaws.com/", Credentials("AKIDEXAMPLE", "secret/with+chars")),
        ("http://127.0.0.1:5000/", CREDS),
    ],
)
def test_authorization_matches_botocore(url, creds):
    expected = _botocore_authorization(url, creds)
    ours = sign("POST", url, HEADERS, BODY, creds, "eu-west-2", "monitoring", now=NOW)
    assert ours["Authorization"] == expected["Authorization"]
    assert ours["X-Amz-Date"] == expected["X-Amz-Date"] == "20240517T123456Z"
    assert ours.get("X-Amz-Security-Token") == expected.get("X-Amz-Security-Token")


def test_known_signature_without_botocore():
    """Pinned value (computed once with botocore) so the signer stays checked where botocore is absent."""
    ours = sign(
        "POST",
        "https://monitoring.eu-west-2.amazonaws.com/",
        HEADERS,
        BODY,
        CREDS,
        "eu-west-2",
        "monitoring",
        NOW,
    )
    assert ours["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240517/eu-west-2/monitoring/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
        "Signature=d7aaa747aafd77a97d04ce5551cc0f8624909f64c02824ca34c005ccacb494a2"
    )
    assert ours["Host"] == "monitoring.eu-west-2.amazonaws.com"


def test_canonical_query_sorts_and_encodes():
    assert sigv4.canonical_query("b=2&a=x%20y&a=1") == "a=1&a=x%20y&b=2"


def test_credentials_never_show_their_secrets():
    text = repr(CREDS) + str(CREDS)
    assert CREDS.secret_key not in text and CREDS.token not in text


def test_environment_credentials():
    env = {"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK", "AWS_SESSION_TOKEN": "TK"}
    assert CredentialProvider(env).get() == Credentials("AK", "SK", "TK")
    with pytest.raises(CredentialsError, match="must be set together"):
        CredentialProvider({"AWS_ACCESS_KEY_ID": "AK"}).get()
    with pytest.raises(CredentialsError, match="AWS_EC2_METADATA_DISABLED"):
        CredentialProvider({"AWS_EC2_METADATA_DISABLED": "true"}).get()


class _Imds(BaseHTTPRequestHandler):
    calls: list[str]
    expiration = "2030-01-01T00:00:00Z"

    def _send(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        type(self).calls.append(f"PUT {self.path}")
        ok = self.path == "/latest/api/token" and self.headers["X-aws-ec2-metadata-token-ttl-seconds"]
        self._send(200 if ok else 400, "imds-session-token")

    def do_GET(self):
        type(self).calls.append(f"GET {self.path}")
        if self.headers.get("X-aws-ec2-metadata-token") != "imds-session-token":
            self._send(401, "")
        elif self.path == "/latest/meta-data/iam/security-credentials/":
            self._send(200, "lowlat-engine-role\n")
        elif self.path == "/latest/meta-data/iam/security-credentials/lowlat-engine-role":
            doc = {
                "Code": "Success",
                "AccessKeyId": "ASIAIMDS",
                "SecretAccessKey": "imds-secret",
                "Token": "imds-token",
                "Expiration": type(self).expiration,
            }
            self._send(200, json.dumps(doc))
        else:
            self._send(404, "")

    def log_message(self, *args):
        pass


@pytest.fixture
def imds():
    handler = type("H", (_Imds,), {"calls": []})
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield handler, f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_imdsv2_credentials_cached_until_near_expiry(imds):
    handler, url = imds
    now = [datetime(2029, 12, 31, 23, 0, tzinfo=UTC).timestamp()]
    provider = CredentialProvider({"AWS_EC2_METADATA_SERVICE_ENDPOINT": url}, clock=lambda: now[0])
    creds = provider.get()
    assert (creds.access_key, creds.secret_key, creds.token) == ("ASIAIMDS", "imds-secret", "imds-token")
    assert handler.calls == [
        "PUT /latest/api/token",
        "GET /latest/meta-data/iam/security-credentials/",
        "GET /latest/meta-data/iam/security-credentials/lowlat-engine-role",
    ]
    provider.get()
    assert len(handler.calls) == 3  # cached
    now[0] += 3600 - sigv4.REFRESH_MARGIN + 1  # within the margin before expiry: fetched again
    provider.get()
    assert len(handler.calls) == 6


def test_imds_unreachable_is_a_clear_error():
    provider = CredentialProvider({"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9"}, timeout=0.5)
    with pytest.raises(
        CredentialsError, match=r"instance metadata service at http://127\.0\.0\.1:9 did not answer"
    ):
        provider.get()
