"""EC2 access for the lowlat_ec2 inventory: sessions, region checks, paging, retries, errors.

Every failure leaves this module as an AnsibleParserError whose message says what to fix: an
inventory source that raises one has failed to parse, which ansible.cfg makes fatal.
"""

from __future__ import annotations

import difflib
import queue
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ansible.errors import AnsibleParserError

from ansible_collections.lowlat.trading.plugins.plugin_utils import ec2_xml
from ansible_collections.lowlat.trading.plugins.plugin_utils.time_budget import Budget

try:
    import boto3
    import botocore.exceptions
    import botocore.session
    from botocore.config import Config
except ImportError:  # reported by require_boto3() when the plugin runs
    boto3 = None

# Error codes EC2 (and the STS/IAM front ends) use for each kind of failure.
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "EC2ThrottledException",
        "SlowDown",
    }
)
AUTH_CODES = frozenset(
    {
        "AuthFailure",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "InvalidAccessKeyId",
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "MissingAuthenticationToken",
    }
)
PERMISSION_CODES = frozenset({"UnauthorizedOperation", "AccessDenied", "AccessDeniedException"})

# DescribeInstances accepts 5..1000 per page; DescribeInstanceTypes at most 100 names per call.
MAX_PAGE_SIZE = 1000
MIN_PAGE_SIZE = 5

# Explicit throttling rounds on top of botocore's own retries (see describe_instances).
THROTTLE_ROUNDS = 4
BACKOFF_BASE = 1.0
BACKOFF_CAP = 20.0


def require_boto3() -> None:
    if boto3 is None:
        raise AnsibleParserError("lowlat_ec2 needs the boto3 and botocore Python packages on the controller.")


def known_regions(session: Any = None) -> list[str]:
    """Every EC2 region botocore knows, across all partitions (aws, aws-cn, aws-us-gov, ...)."""
    session = session or botocore.session.get_session()
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        regions.update(session.get_available_regions("ec2", partition_name=partition))
    return sorted(regions)


def validate_regions(regions: Iterable[str], session: Any = None) -> list[str]:
    """Return the regions in order without duplicates; fail naming any region botocore does not know.

    Pass the boto3 session that will make the clients: it then loads botocore's endpoint data once.
    """
    wanted = list(dict.fromkeys(r.strip() for r in regions if r and r.strip()))
    if not wanted:
        raise AnsibleParserError(
            "lowlat_ec2: 'regions' must list at least one region (there is no all-regions default)."
        )
    valid = known_regions(session)
    valid_set = set(valid)
    unknown = [r for r in wanted if r not in valid_set]
    if unknown:
        hints = []
        for region in unknown:
            close = difflib.get_close_matches(region, valid, n=1)
            hints.append(f"{region!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise AnsibleParserError(
            f"lowlat_ec2: unknown region(s) {', '.join(hints)}. Valid regions: {', '.join(valid)}. "
            "A region missing here that AWS has added needs a newer botocore."
        )
    return wanted


def api_filters(filters: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The inventory's filter mapping as the EC2 API's Filters list (bools as 'true'/'false')."""

    def text(value: Any) -> str:
        return str(value).lower() if isinstance(value, bool) else str(value)

    result = []
    for name, value in filters.items():
        values = value if isinstance(value, list | tuple) else [value]
        result.append({"Name": str(name), "Values": [text(v) for v in values]})
    return result


def make_session(profile: str | None) -> Any:
    """A boto3 session on the normal credential chain, or on the named profile; fails if no credentials."""
    require_boto3()
    try:
        session = boto3.session.Session(profile_name=profile or None)
        credentials = session.get_credentials()
    except botocore.exceptions.ProfileNotFound as exc:
        raise AnsibleParserError(f"lowlat_ec2: AWS profile {profile!r} not found ({exc}).") from exc
    except botocore.exceptions.BotoCoreError as exc:
        raise AnsibleParserError(f"lowlat_ec2: could not load AWS credentials: {exc}") from exc
    if credentials is None:
        raise AnsibleParserError(
            "lowlat_ec2: no AWS credentials found. Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
            "aws_profile, or run on a host with an instance role."
        )
    return session


def make_client(session: Any, region: str, endpoint_url: str | None, retry_mode: str, budget: Budget) -> Any:
    """An EC2 client with botocore's retry handling (standard or adaptive) for throttling, 5xx and
    connection errors, the budget's per-attempt timeouts, and its deadline hooked in."""
    config = Config(
        retries={"mode": retry_mode, "total_max_attempts": budget.max_attempts},
        connect_timeout=budget.connect_timeout,
        read_timeout=budget.read_timeout,
        user_agent_extra="lowlat-ec2-inventory",
    )
    client = session.client("ec2", region_name=region, endpoint_url=endpoint_url or None, config=config)
    ec2_xml.install(client)
    budget.watch(client, region)
    return client


def error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def translate_error(exc: Exception, region: str, operation: str, client: Any = None) -> AnsibleParserError:
    """A clear AnsibleParserError for a failed EC2 call (client: the one that made it, if known)."""
    if isinstance(exc, botocore.exceptions.ClientError):
        code = error_code(exc)
        message = exc.response.get("Error", {}).get("Message", "")
        if code in AUTH_CODES:
            return AnsibleParserError(
                f"lowlat_ec2: AWS rejected the credentials in region {region} ({code}: {message}). "
                "Check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, aws_profile or the instance role; "
                "temporary credentials may have expired."
            )
        if code in PERMISSION_CODES:
            return AnsibleParserError(
                f"lowlat_ec2: the credentials may not call ec2:{operation} in region {region} ({code}: {message})."
            )
        if code in THROTTLE_CODES:
            return AnsibleParserError(
                f"lowlat_ec2: {operation} in region {region} was still throttled after all retries ({code})."
            )
        return AnsibleParserError(f"lowlat_ec2: {operation} failed in region {region}: {code}: {message}")
    if isinstance(exc, botocore.exceptions.NoCredentialsError | botocore.exceptions.PartialCredentialsError):
        return AnsibleParserError(f"lowlat_ec2: incomplete AWS credentials for region {region}: {exc}")
    if isinstance(exc, botocore.exceptions.EndpointConnectionError | botocore.exceptions.ConnectTimeoutError):
        return AnsibleParserError(f"lowlat_ec2: could not reach the EC2 endpoint for region {region}: {exc}")
    if isinstance(exc, botocore.exceptions.ReadTimeoutError):
        limit = f" ({client.meta.config.read_timeout:g} s)" if client is not None else ""
        return AnsibleParserError(
            f"lowlat_ec2: the EC2 endpoint for region {region} accepted the connection but sent no "
            f"answer within read_timeout{limit}, on every attempt: {exc}"
        )
    return AnsibleParserError(f"lowlat_ec2: {operation} failed in region {region}: {exc}")


def pause(seconds: float) -> None:
    """Sleep between throttled attempts (a function of its own so tests can record the delays)."""
    time.sleep(seconds)


def backoff_delay(round_no: int) -> float:
    """Full-jitter exponential backoff: up to BACKOFF_BASE * 2**round, capped."""
    return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**round_no))


def describe_instances(
    client: Any,
    region: str,
    filters: list[dict[str, Any]],
    page_size: int = MAX_PAGE_SIZE,
) -> list[dict[str, Any]]:
    """All instances matching the filters in one region, following NextToken across pages.

    botocore already retries throttled calls (retry_mode/max_attempts). If a page is still
    throttled after that, back off and resume from the last page that succeeded, up to
    THROTTLE_ROUNDS more times, instead of failing the whole inventory.
    """
    paginator = client.get_paginator("describe_instances")
    instances: list[dict[str, Any]] = []
    token: str | None = None
    for round_no in range(THROTTLE_ROUNDS + 1):
        config: dict[str, Any] = {"PageSize": page_size}
        if token:
            config["StartingToken"] = token
        try:
            for page in paginator.paginate(Filters=filters, PaginationConfig=config):
                if ec2_xml.PAGE_KEY in page:  # parsed by the fast path
                    instances.extend(page[ec2_xml.PAGE_KEY])
                for reservation in page.get("Reservations", ()):
                    instances.extend(reservation.get("Instances", ()))
                token = page.get("NextToken")
            return instances
        except botocore.exceptions.ClientError as exc:
            if error_code(exc) not in THROTTLE_CODES or round_no == THROTTLE_ROUNDS:
                raise translate_error(exc, region, "DescribeInstances", client) from exc
            pause(backoff_delay(round_no))
        except botocore.exceptions.BotoCoreError as exc:
            raise translate_error(exc, region, "DescribeInstances", client) from exc
    raise AssertionError("unreachable: the loop returns or raises")


def call_with_throttle_retry(call: Callable[[], Any], region: str, operation: str, client: Any = None) -> Any:
    """One API call with the same explicit throttling rounds as describe_instances."""
    for round_no in range(THROTTLE_ROUNDS + 1):
        try:
            return call()
        except botocore.exceptions.ClientError as exc:
            if error_code(exc) not in THROTTLE_CODES or round_no == THROTTLE_ROUNDS:
                raise
            pause(backoff_delay(round_no))
        except botocore.exceptions.BotoCoreError as exc:
            raise translate_error(exc, region, operation, client) from exc
    raise AssertionError("unreachable: the loop returns or raises")


def per_region(
    regions: list[str], work: Callable[[str], Any], max_workers: int, budget: Budget
) -> dict[str, Any]:
    """Run work(region) for every region, at most max_workers at once; results in region order.

    Waits until every region has finished or the budget's total_timeout has run out. Then raises
    the first failure in region order, or else the budget's error naming the regions still
    running. The threads are daemons, so a region stuck in a socket read cannot keep the process
    alive after that (and the budget lets it start no further attempt).
    """
    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for region in regions:
        todo.put(region)
    outcomes: dict[str, tuple[bool, Any]] = {}  # region -> (succeeded, result or exception)
    finished = threading.Condition()

    def worker() -> None:
        while True:
            try:
                region = todo.get_nowait()
            except queue.Empty:
                return
            try:
                outcome = (True, work(region))
            except Exception as exc:
                outcome = (False, exc)
            with finished:
                outcomes[region] = outcome
                finished.notify_all()

    for n in range(max(1, min(max_workers, len(regions)))):
        threading.Thread(target=worker, name=f"lowlat_ec2-{n}", daemon=True).start()
    with finished:
        finished.wait_for(lambda: len(outcomes) == len(regions), timeout=budget.remaining())
        done = dict(outcomes)
    for region in regions:
        if region in done and not done[region][0]:
            raise done[region][1]
    late = [region for region in regions if region not in done]
    if late:
        raise AnsibleParserError(budget.exceeded_message(late))
    return {region: done[region][1] for region in regions}
