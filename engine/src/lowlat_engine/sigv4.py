"""AWS Signature Version 4 and credentials, with the standard library only.

Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and optionally
AWS_SESSION_TOKEN) or else from the EC2 instance metadata service (IMDSv2: a session token from
PUT /latest/api/token, then the instance role's credentials), cached until shortly before they
expire. Nothing here ever logs or formats a secret: `Credentials.__repr__` hides them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, unquote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
IMDS_ENDPOINT = "http://169.254.169.254"
IMDS_TOKEN_TTL = 21600
# Instance role credentials are fetched again this long before they expire (AWS rotates them
# well ahead of that).
REFRESH_MARGIN = 300.0
# Environment credentials are read on every call; IMDS credentials without an expiry are kept
# this long.
DEFAULT_CACHE_SECONDS = 900.0


class CredentialsError(RuntimeError):
    """No usable credentials; the message never contains a secret."""


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str = field(repr=False)
    token: str = field(default="", repr=False)
    expires_at: float | None = None  # unix time, None = does not expire

    def __repr__(self) -> str:
        return f"Credentials(access_key={self.access_key[:4]}..., token={'yes' if self.token else 'no'})"


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def _uri_encode(text: str, safe: str = "-_.~") -> str:
    return quote(text, safe=safe)


def canonical_query(query: str) -> str:
    if not query:
        return ""
    pairs = []
    for part in query.split("&"):
        name, _, value = part.partition("=")
        pairs.append((_uri_encode(unquote(name)), _uri_encode(unquote(value))))
    return "&".join(f"{n}={v}" for n, v in sorted(pairs))


def _host(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port is not None and parts.port != default:
        host += f":{parts.port}"
    return host


def sign(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    credentials: Credentials,
    region: str,
    service: str,
    now: datetime | None = None,
) -> dict[str, str]:
    """The request's headers plus Host, X-Amz-Date, X-Amz-Security-Token (with a session token)
    and Authorization. Every header passed in is signed."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    out = dict(headers)
    out["X-Amz-Date"] = amz_date
    if credentials.token:
        out["X-Amz-Security-Token"] = credentials.token
    if not any(k.lower() == "host" for k in out):
        out["Host"] = _host(url)

    signed = {k.lower(): " ".join(str(v).split()) for k, v in out.items()}
    names = sorted(signed)
    parts = urlsplit(url)
    # Non-S3 services: each path segment is encoded twice (the already encoded path, again).
    path = parts.path or "/"
    canonical_path = "/".join(_uri_encode(_uri_encode(unquote(seg))) for seg in path.split("/"))
    canonical = "\n".join(
        [
            method.upper(),
            canonical_path,
            canonical_query(parts.query),
            "".join(f"{n}:{signed[n]}\n" for n in names),
            ";".join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(("AWS4" + credentials.secret_key).encode(), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    out["Authorization"] = (
        f"{ALGORITHM} Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return out


def _parse_expiration(text: str) -> float | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class CredentialProvider:
    """Environment first, then IMDSv2 (unless AWS_EC2_METADATA_DISABLED=true). The metadata
    endpoint can be moved with AWS_EC2_METADATA_SERVICE_ENDPOINT, as in the AWS SDKs."""

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        timeout: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._timeout = timeout
        self._clock = clock
        self._cached: Credentials | None = None
        self._cached_until = 0.0

    def get(self) -> Credentials:
        env = self._environ
        key, secret = env.get("AWS_ACCESS_KEY_ID", ""), env.get("AWS_SECRET_ACCESS_KEY", "")
        if key and secret:
            return Credentials(key, secret, env.get("AWS_SESSION_TOKEN", ""))
        if key or secret:
            raise CredentialsError(
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together (or neither, to use the "
                "instance role)"
            )
        now = self._clock()
        if self._cached is not None and now < self._cached_until:
            return self._cached
        if env.get("AWS_EC2_METADATA_DISABLED", "").lower() == "true":
            raise CredentialsError(
                "no credentials: AWS_ACCESS_KEY_ID is not set and AWS_EC2_METADATA_DISABLED=true"
            )
        creds = self._from_imds()
        if creds.expires_at is not None:
            self._cached_until = creds.expires_at - REFRESH_MARGIN
        else:
            self._cached_until = now + DEFAULT_CACHE_SECONDS
        self._cached = creds
        return creds

    def invalidate(self) -> None:
        """Forget cached credentials (after AWS rejected them)."""
        self._cached = None
        self._cached_until = 0.0

    def _imds(self, method: str, path: str, headers: dict[str, str]) -> str:
        base = self._environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT", IMDS_ENDPOINT).rstrip("/")
        req = urllib.request.Request(base + path, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self._timeout) as resp:
                return resp.read().decode()
        except urllib.error.HTTPError as exc:
            raise CredentialsError(f"instance metadata {method} {path}: HTTP {exc.code}") from None
        except OSError as exc:
            reason = getattr(exc, "reason", exc)
            raise CredentialsError(
                f"no credentials in the environment and the instance metadata service at {base} did not "
                f"answer ({reason})"
            ) from None

    def _from_imds(self) -> Credentials:
        token = self._imds(
            "PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": str(IMDS_TOKEN_TTL)}
        ).strip()
        auth = {"X-aws-ec2-metadata-token": token}
        prefix = "/latest/meta-data/iam/security-credentials/"
        roles = self._imds("GET", prefix, auth).split()
        if not roles:
            raise CredentialsError("the instance has no IAM role (instance profile) attached")
        raw = self._imds("GET", prefix + roles[0], auth)
        try:
            doc = json.loads(raw)
            if doc.get("Code", "Success") != "Success":
                raise CredentialsError(
                    f"instance role {roles[0]}: credentials not available ({doc.get('Code')})"
                )
            return Credentials(
                doc["AccessKeyId"],
                doc["SecretAccessKey"],
                doc.get("Token", ""),
                _parse_expiration(doc.get("Expiration", "")),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise CredentialsError(f"instance role {roles[0]}: unreadable credentials document") from None
