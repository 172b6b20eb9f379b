"""Bearer-token authentication of the admin server's state-changing endpoints.

The token lives in a file named by `http.admin_token_file`, read again on every request, so a
rotated token applies without a restart. No file configured = those endpoints are disabled.
The token is never logged or echoed; comparison is constant-time (over sha256 digests, so the
length does not leak either).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import stat

from lowlat_engine.config import ConfigError
from lowlat_engine.httpserver import TEXT, Response

MIN_TOKEN_LENGTH = 16
FIELD = "http.admin_token_file"

log = logging.getLogger("http")


class TokenError(ValueError):
    """The token file cannot be used; the message never contains the token."""


def read_token(path: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as exc:
        raise TokenError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise TokenError(f"{path} is not a regular file")
        if info.st_mode & 0o007:
            raise TokenError(
                f"{path} must not be readable by others (mode {stat.S_IMODE(info.st_mode):04o}): chmod 600"
            )
        raw = os.read(fd, 4096)
    finally:
        os.close(fd)
    token = raw.strip()
    if not token:
        raise TokenError(f"{path} is empty")
    if any(c <= 0x20 or c > 0x7E for c in token):
        raise TokenError(f"{path} must hold one token: printable ASCII without whitespace")
    if len(token) < MIN_TOKEN_LENGTH:
        raise TokenError(f"the token in {path} must be at least {MIN_TOKEN_LENGTH} characters long")
    return token


def check_token_file(path: str) -> None:
    """For --check-config and startup: a configured token file must be usable."""
    if path:
        try:
            read_token(path)
        except TokenError as exc:
            raise ConfigError(FIELD, str(exc)) from exc


class BearerAuth:
    """Called with the Authorization header (or None) and the client's address: None lets the
    request through, else it is answered with the response returned."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self, header: str | None, client: str) -> Response | None:
        if not self.path:
            return 403, TEXT, f"state-changing endpoints are disabled: {FIELD} is not configured\n"
        try:
            expected = read_token(self.path)
        except TokenError as exc:
            log.error("admin token unavailable", extra={"error": str(exc)})
            return 503, TEXT, "admin token unavailable\n"
        scheme, _, given = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            log.warning("admin request denied: no bearer token", extra={"client": client})
            return 401, TEXT, "bearer token required\n"
        digest = hashlib.sha256(given.strip().encode()).digest()
        if not hmac.compare_digest(digest, hashlib.sha256(expected).digest()):
            log.warning("admin request denied: wrong token", extra={"client": client})
            return 403, TEXT, "forbidden\n"
        return None
