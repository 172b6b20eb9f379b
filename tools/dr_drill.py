#!/usr/bin/env python3
"""Drill the pilot-light disaster recovery of an environment end to end, timing every step.

    tools/dr_drill.py --outputs FILE [--endpoint-url URL] [--invoke lambda|local]
                      [--json REPORT.json] [--timeout S]

FILE is `terraform output -json` of the environment with DR (prod-with-dr); the drill reads its
`dr` output. --endpoint-url points every AWS client at an emulator (none: real AWS, the usual
credential chain). The steps, each timed and checked:

  0  pilot light before: the primary healthy (health check not inverted, alarm OK), DR node
     groups at pilot sizes, no -failover companion groups, DR hosts stopped, DNS answer primary;
  1  simulate the primary's failure: invert its Route 53 health check, set the health alarm to ALARM;
  2  invoke failover (the sync-cluster-sizes function);
  3  verify DR: every DR node group (or its companion) has the primary's instance types and sizes
     (the primary read live, else its recorded shape), the DR hosts run, the DNS answer is the
     secondary record, the replicas exist (RDS read replica, DynamoDB replicas, S3 replication,
     the backup copy to the DR vault; "not deployed" where the output has none);
  4  invoke failback while the primary is still unhealthy: it must be refused and change nothing;
  5  restore the primary's health (health check not inverted, alarm OK);
  6  invoke failback;
  7  verify the pilot light again, as in step 0.

The first failed step stops the drill; step 5 still runs once step 1 has started, so the primary
is never left simulated-down (the DR side is left as the failed step found it). Steps 3, 5 and 7
are checked again every 5 s until they pass or --timeout seconds (default 900) have gone: on AWS
node groups, instances, health checks and alarms take minutes to settle.

--invoke lambda (default) calls the deployed function (RequestResponse). --invoke local runs
lambda/sync_cluster_sizes/handler.py in this process instead, freshly loaded for every call, with
the deployed function's environment variables, AWS_REGION = the function's region and
AWS_ENDPOINT_URL = --endpoint-url: an emulator that cannot run Lambda code (moto needs Docker)
can still be drilled. The events carry a reason naming this tool, for the function's log and topic.

The DNS answer is Route 53's own (TestDNSAnswer). Where the endpoint lacks it (moto answers 404)
the failover pair is evaluated as Route 53 does: the PRIMARY record while its health check is
healthy (not inverted, its alarm not in ALARM), else the SECONDARY. The report names the method.

The report: a table of steps (seconds, result, detail) with their checks, the total, the failover
time (steps 2+3) and the failback time (steps 6+7); --json writes it as JSON too.
Exit 0: the drill passed. 1: a step failed (the report says which). 2: unusable input.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

REPO = Path(__file__).resolve().parents[1]
HANDLER = REPO / "lambda" / "sync_cluster_sizes" / "handler.py"
TOOL = "tools/dr_drill.py"
PROG = Path(TOOL).name
COMPANION_SUFFIX = "-failover"
DEFAULT_TIMEOUT = 900.0
POLL_SECONDS = 5.0
GLOBAL_REGION = "us-east-1"  # Route 53's API region

OK, FAIL, NOT_DEPLOYED = "ok", "FAIL", "not deployed"
PASS, FAILED, NOT_RUN, SKIPPED = "pass", "FAIL", "not run", "skipped"

DNS_TEST_ANSWER = "route53 TestDNSAnswer"
DNS_EVALUATED = "evaluated from failover records: endpoint lacks TestDNSAnswer"
# What an endpoint without TestDNSAnswer answers (moto 5.x: HTTP 404 with Code "404").
LACKING_CODES = {"404", "NotFound", "NotImplemented", "InvalidAction", "UnknownOperationException"}
STARTED_STATES = {"pending", "running"}
AWS_FAILURES = (ClientError, BotoCoreError)


class InputError(Exception):
    """The outputs file (or the local handler) cannot drive a drill; the message says why."""


# --- the `dr` output --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    min_size: int
    desired_size: int
    max_size: int

    def __str__(self) -> str:
        return f"{self.min_size}/{self.desired_size}/{self.max_size}"

    @classmethod
    def from_eks(cls, scaling: dict[str, Any]) -> Sizes:
        return cls(scaling.get("minSize", 0), scaling.get("desiredSize", 0), scaling.get("maxSize", 0))


@dataclass(frozen=True)
class Shape:
    """What a node group runs: instance types (in order: EKS tries them in that order) and sizes."""

    instance_types: tuple[str, ...]
    sizes: Sizes

    def __str__(self) -> str:
        return f"{','.join(self.instance_types) or 'no instance types'} {self.sizes}"

    @classmethod
    def from_eks(cls, group: dict[str, Any]) -> Shape:
        return cls(tuple(group.get("instanceTypes") or ()), Sizes.from_eks(group.get("scalingConfig") or {}))


@dataclass(frozen=True)
class NodeGroup:
    key: str
    primary: str
    dr: str
    pilot: Sizes
    recorded: Shape | None

    @property
    def companion(self) -> str:
        return self.dr + COMPANION_SUFFIX


@dataclass(frozen=True)
class DrConfig:
    primary_region: str
    dr_region: str
    check_id: str
    alarm_name: str
    alarm_region: str
    zone_id: str
    record_name: str
    record_type: str
    primary_set_id: str
    secondary_set_id: str
    function_name: str
    function_region: str
    primary_cluster: str
    dr_cluster: str
    node_groups: tuple[NodeGroup, ...]
    dr_host_ids: tuple[str, ...]
    rds: dict[str, str] | None
    dynamodb_tables: tuple[str, ...]
    s3: tuple[dict[str, str], ...]
    backup: dict[str, str] | None


def _at(dr: Any, *path: str | int, kind: type = str, nullable: bool = False) -> Any:
    """dr[a][b]... checked to be a `kind` (a non-empty one for strings); InputError names the path."""
    value, shown = dr, "dr"
    for part in path:
        shown += f"[{part}]" if isinstance(part, int) else f".{part}"
        present = isinstance(value, list) and isinstance(part, int) and part < len(value)
        if not (present or (isinstance(value, dict) and part in value)):
            raise InputError(
                f"{shown}: missing (is the environment applied with this repository's terraform/?)"
            )
        value = value[part]
    if value is None and nullable:
        return None
    wrong_int = kind is int and isinstance(value, bool)
    if not isinstance(value, kind) or wrong_int or (kind is str and not value):
        raise InputError(
            f"{shown}: expected a {'non-empty ' if kind is str else ''}{kind.__name__}, got {value!r:.60}"
        )
    return value


def _strings(dr: Any, *path: str) -> tuple[str, ...]:
    return tuple(_at(dr, *path, i) for i in range(len(_at(dr, *path, kind=list, nullable=True) or ())))


def _sizes(dr: Any, *path: str) -> Sizes:
    sizes = Sizes(*(_at(dr, *path, key, kind=int) for key in ("min_size", "desired_size", "max_size")))
    if not 0 <= sizes.min_size <= sizes.desired_size <= sizes.max_size:
        raise InputError(
            f"dr.{'.'.join(path)}: expected 0 <= min_size <= desired_size <= max_size, got {sizes}"
        )
    return sizes


def _node_group(dr: dict[str, Any], key: str) -> NodeGroup:
    path = ("node_groups", key)
    recorded = None
    if _at(dr, *path, kind=dict).get("recorded") is not None:
        types = _strings(dr, *path, "recorded", "instance_types")
        recorded = Shape(types, _sizes(dr, *path, "recorded"))
    return NodeGroup(
        key=key,
        primary=_at(dr, *path, "primary"),
        dr=_at(dr, *path, "dr"),
        pilot=_sizes(dr, *path, "pilot"),
        recorded=recorded,
    )


def _fields(dr: dict[str, Any], *path: str, keys: tuple[str, ...]) -> dict[str, str] | None:
    """The string fields `keys` of the object at path, or None when it is null."""
    if _at(dr, *path, kind=dict, nullable=True) is None:
        return None
    return {key: _at(dr, *path, key) for key in keys}


def config_of(outputs: Any) -> DrConfig:
    """The drill's configuration from `terraform output -json` (its `dr` output)."""
    if not isinstance(outputs, dict) or "dr" not in outputs:
        have = ", ".join(sorted(outputs)) if isinstance(outputs, dict) and outputs else "none"
        raise InputError(
            f'no output "dr" in the outputs (it has: {have}); give `terraform output -json` of the '
            "environment with DR (terraform/environments/prod-with-dr)"
        )
    dr = outputs["dr"].get("value") if isinstance(outputs["dr"], dict) else None
    if not isinstance(dr, dict):
        raise InputError('output "dr" has no "value" object: is the file `terraform output -json`?')
    s3_pairs = _at(dr, "replicas", "s3", kind=list, nullable=True) or []
    return DrConfig(
        primary_region=_at(dr, "primary_region"),
        dr_region=_at(dr, "dr_region"),
        check_id=_at(dr, "health", "check_id"),
        alarm_name=_at(dr, "health", "alarm_name"),
        alarm_region=_at(dr, "health", "alarm_region"),
        zone_id=_at(dr, "dns", "zone_id"),
        record_name=_at(dr, "dns", "record_name"),
        record_type=_at(dr, "dns", "record_type"),
        primary_set_id=_at(dr, "dns", "primary_set_id"),
        secondary_set_id=_at(dr, "dns", "secondary_set_id"),
        function_name=_at(dr, "function", "name"),
        function_region=_at(dr, "function", "region"),
        primary_cluster=_at(dr, "clusters", "primary"),
        dr_cluster=_at(dr, "clusters", "dr"),
        node_groups=tuple(_node_group(dr, key) for key in sorted(_at(dr, "node_groups", kind=dict))),
        dr_host_ids=_strings(dr, "dr_host_ids"),
        rds=_fields(dr, "replicas", "rds", keys=("source_arn", "replica_identifier")),
        dynamodb_tables=_strings(dr, "replicas", "dynamodb_tables"),
        s3=tuple(
            {key: _at(dr, "replicas", "s3", i, key) for key in ("source_bucket", "destination_bucket")}
            for i in range(len(s3_pairs))
        ),
        backup=_fields(dr, "replicas", "backup", keys=("plan_id", "copy_vault_arn")),
    )


def read_config(path: Path) -> DrConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    try:
        outputs = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not JSON (line {exc.lineno}): give `terraform output -json`") from None
    return config_of(outputs)


# --- AWS --------------------------------------------------------------------------------------


class Aws:
    """boto3 clients by (service, region), all on `endpoint_url` when given."""

    def __init__(self, endpoint_url: str | None = None) -> None:
        self.endpoint_url = endpoint_url
        # Its own session: a local handler run resets boto3's default one.
        self.session = boto3.session.Session()
        self._clients: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            if service == "lambda":
                # A failover runs for minutes, and must not be sent twice by a retry.
                config = BotoConfig(read_timeout=905, retries={"mode": "standard", "total_max_attempts": 1})
            else:
                config = BotoConfig(
                    connect_timeout=5, read_timeout=60, retries={"mode": "standard", "total_max_attempts": 3}
                )
            self._clients[key] = self.session.client(
                service, region_name=region, endpoint_url=self.endpoint_url, config=config
            )
        return self._clients[key]


def _error(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{exc.operation_name}: {error.get('Code', '?')}: {error.get('Message', '')}".rstrip(": ")
    return f"{type(exc).__name__}: {exc}"


def _code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")


# --- checks and steps -------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    result: str  # OK, FAIL or NOT_DEPLOYED
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.result == FAIL


def check(name: str, ok: bool, detail: str) -> Check:
    return Check(name, OK if ok else FAIL, detail)


@dataclass
class Step:
    number: int
    title: str
    result: str = NOT_RUN
    seconds: float | None = None
    detail: str = ""
    checks: list[Check] = field(default_factory=list)


STEP_TITLES = (
    "pilot light before",
    "primary failure simulated",
    "failover invoked",
    "DR verified",
    "failback refused while primary unhealthy",
    "primary health restored",
    "failback invoked",
    "pilot light after",
)


# --- DNS --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DnsAnswer:
    set_id: str | None  # which record of the failover pair answers; None: neither
    values: tuple[str, ...]
    method: str


def _normal_name(name: str) -> str:
    return name.lower().rstrip(".")


def _record_values(record: dict[str, Any]) -> tuple[str, ...]:
    if "AliasTarget" in record:
        return (f"alias {record['AliasTarget'].get('DNSName', '?')}",)
    return tuple(r["Value"] for r in record.get("ResourceRecords", ()))


def failover_pair(
    records: list[dict[str, Any]], name: str, rtype: str, primary_set_id: str, secondary_set_id: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The PRIMARY and SECONDARY records of name/type among `records`; LookupError when one lacks."""
    pair: dict[str, dict[str, Any]] = {}
    for record in records:
        if _normal_name(record.get("Name", "")) != _normal_name(name) or record.get("Type") != rtype:
            continue
        for set_id, role in ((primary_set_id, "PRIMARY"), (secondary_set_id, "SECONDARY")):
            if record.get("SetIdentifier") == set_id and record.get("Failover") == role:
                pair[role] = record
    missing = [
        f"{role} ({set_id})"
        for role, set_id in (("PRIMARY", primary_set_id), ("SECONDARY", secondary_set_id))
        if role not in pair
    ]
    if missing:
        raise LookupError(f"no {' and no '.join(missing)} failover record for {name} {rtype}")
    return pair["PRIMARY"], pair["SECONDARY"]


def evaluate_failover(
    primary: dict[str, Any], secondary: dict[str, Any], healthy: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The record Route 53 answers with: PRIMARY when healthy, else SECONDARY when that is healthy.

    Both unhealthy: Route 53 answers with the PRIMARY (it treats all records as healthy then).
    """
    if healthy(primary) or not healthy(secondary):
        return primary
    return secondary


def lacks_operation(exc: ClientError) -> bool:
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return _code(exc) in LACKING_CODES or status == 501


class Dns:
    """The DNS answer for the failover record: Route 53's, or evaluated where the endpoint lacks it."""

    def __init__(self, aws: Aws, cfg: DrConfig) -> None:
        self.aws, self.cfg = aws, cfg
        self.method: str | None = None

    @property
    def route53(self) -> Any:
        return self.aws("route53", GLOBAL_REGION)

    def answer(self) -> DnsAnswer:
        primary, secondary = self._pair()
        if self.method != DNS_EVALUATED:
            try:
                response = self.route53.test_dns_answer(
                    HostedZoneId=self.cfg.zone_id,
                    RecordName=self.cfg.record_name,
                    RecordType=self.cfg.record_type,
                )
            except ClientError as exc:
                if not lacks_operation(exc):
                    raise
                self.method = DNS_EVALUATED
            else:
                self.method = DNS_TEST_ANSWER
                values = tuple(response.get("RecordData", ()))
                return DnsAnswer(self._matching(values, primary, secondary), values, DNS_TEST_ANSWER)
        chosen = evaluate_failover(primary, secondary, self.healthy)
        return DnsAnswer(chosen["SetIdentifier"], _record_values(chosen), DNS_EVALUATED)

    def _pair(self) -> tuple[dict[str, Any], dict[str, Any]]:
        response = self.route53.list_resource_record_sets(
            HostedZoneId=self.cfg.zone_id,
            StartRecordName=self.cfg.record_name,
            StartRecordType=self.cfg.record_type,
        )
        cfg = self.cfg
        return failover_pair(
            response["ResourceRecordSets"],
            cfg.record_name,
            cfg.record_type,
            cfg.primary_set_id,
            cfg.secondary_set_id,
        )

    def healthy(self, record: dict[str, Any]) -> bool:
        """A record without a health check is healthy; with one: not inverted, its alarm not in ALARM.

        (GetHealthCheckStatus cannot be used: emulators answer Success whatever the check.)
        """
        check_id = record.get("HealthCheckId")
        if not check_id:
            return True
        config = self.route53.get_health_check(HealthCheckId=check_id)["HealthCheck"]["HealthCheckConfig"]
        if config.get("Inverted"):
            return False
        return check_id != self.cfg.check_id or alarm_state(self.aws, self.cfg) != "ALARM"

    @staticmethod
    def _matching(values: tuple[str, ...], primary: dict[str, Any], secondary: dict[str, Any]) -> str | None:
        """Which record gave these addresses (alias targets are resolved to compare)."""
        found = [r["SetIdentifier"] for r in (primary, secondary) if set(values) & _addresses(r)]
        return found[0] if len(found) == 1 else None


def _addresses(record: dict[str, Any]) -> set[str]:
    if "AliasTarget" not in record:
        return {r["Value"] for r in record.get("ResourceRecords", ())}
    try:
        infos = socket.getaddrinfo(record["AliasTarget"]["DNSName"].rstrip("."), None, socket.AF_INET)
    except OSError:
        return set()
    return {info[4][0] for info in infos}


def alarm_state(aws: Aws, cfg: DrConfig) -> str:
    answer = aws("cloudwatch", cfg.alarm_region).describe_alarms(
        AlarmNames=[cfg.alarm_name], AlarmTypes=["MetricAlarm", "CompositeAlarm"]
    )
    alarms = answer.get("MetricAlarms", []) + answer.get("CompositeAlarms", [])
    if not alarms:
        raise LookupError(f"no alarm {cfg.alarm_name} in {cfg.alarm_region}")
    return alarms[0]["StateValue"]


def health_check_inverted(aws: Aws, cfg: DrConfig) -> bool:
    health = aws("route53", GLOBAL_REGION).get_health_check(HealthCheckId=cfg.check_id)["HealthCheck"]
    return bool(health["HealthCheckConfig"].get("Inverted"))


# --- invoking the function --------------------------------------------------------------------


def event_of(action: str) -> dict[str, str]:
    # The reason goes into the function's log and SNS message: a drill, not a real outage.
    return {"action": action, "reason": f"DR drill ({TOOL})"}


@dataclass(frozen=True)
class Outcome:
    """What one invocation gave: the result, or the error type and message (as Lambda reports them)."""

    result: Any = None
    error_type: str | None = None
    error: str | None = None


class LambdaInvoker:
    method = "lambda"

    def __init__(self, aws: Aws, cfg: DrConfig) -> None:
        self.aws, self.cfg = aws, cfg
        self.description = f"lambda.invoke of {cfg.function_name} in {cfg.function_region} (RequestResponse)"

    def __call__(self, action: str) -> Outcome:
        response = self.aws("lambda", self.cfg.function_region).invoke(
            FunctionName=self.cfg.function_name,
            InvocationType="RequestResponse",
            Payload=json.dumps(event_of(action)).encode(),
        )
        payload = response["Payload"].read().decode("utf-8", "replace")
        if response.get("FunctionError"):
            try:
                body = json.loads(payload)
            except json.JSONDecodeError:
                body = None
            if isinstance(body, dict):
                return Outcome(
                    error_type=body.get("errorType", "FunctionError"), error=body.get("errorMessage")
                )
            return Outcome(error_type=f"FunctionError {response['FunctionError']}", error=payload.strip())
        return Outcome(result=json.loads(payload) if payload else None)


def load_handler(path: Path) -> ModuleType:
    """The handler module, loaded by file path as a new module (Lambda's fresh execution environment)."""
    name = "lowlat_dr_drill_handler"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise InputError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there while the class is made
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def environment(variables: dict[str, str]) -> Iterator[None]:
    """os.environ with `variables` set, restored afterwards, with a fresh boto3 default session."""
    saved_env, saved_session = dict(os.environ), boto3.DEFAULT_SESSION
    os.environ.update(variables)
    boto3.DEFAULT_SESSION = None
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        boto3.DEFAULT_SESSION = saved_session


class LocalInvoker:
    """Runs the handler in this process with the deployed function's environment."""

    method = "local"

    def __init__(self, aws: Aws, cfg: DrConfig, handler: Path | None = None) -> None:
        self.aws, self.cfg, self.handler = aws, cfg, handler or HANDLER
        shown = _shown(self.handler)
        where = (
            f"AWS_ENDPOINT_URL={aws.endpoint_url}"
            if aws.endpoint_url
            else "against AWS with your credentials"
        )
        self.description = (
            f"in-process {shown} with the environment of {cfg.function_name} "
            f"(AWS_REGION={cfg.function_region}, {where})"
        )

    def __call__(self, action: str) -> Outcome:
        function = self.aws("lambda", self.cfg.function_region).get_function_configuration(
            FunctionName=self.cfg.function_name
        )
        variables = dict((function.get("Environment") or {}).get("Variables") or {})
        variables["AWS_REGION"] = variables["AWS_DEFAULT_REGION"] = self.cfg.function_region
        if self.aws.endpoint_url:
            variables["AWS_ENDPOINT_URL"] = self.aws.endpoint_url
        deadline = time.monotonic() + function.get("Timeout", 3)
        context = SimpleNamespace(
            function_name=self.cfg.function_name,
            function_version=function.get("Version", "$LATEST"),
            invoked_function_arn=function.get("FunctionArn", ""),
            memory_limit_in_mb=function.get("MemorySize", 128),
            aws_request_id=str(uuid.uuid4()),
            log_group_name=f"/aws/lambda/{self.cfg.function_name}",
            log_stream_name="dr-drill-local",
            get_remaining_time_in_millis=lambda: max(0, int((deadline - time.monotonic()) * 1000)),
        )
        with environment(variables):
            try:
                result = load_handler(self.handler).handler(event_of(action), context)
                # Lambda returns the result as JSON: what cannot be serialised is an error there too.
                return Outcome(result=json.loads(json.dumps(result)))
            except Exception as exc:
                return Outcome(error_type=type(exc).__name__, error=str(exc))


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


# --- the drill --------------------------------------------------------------------------------


Invoker = Callable[[str], Outcome]


class Drill:
    def __init__(self, cfg: DrConfig, aws: Aws, invoker: Invoker, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.cfg, self.aws, self.invoke, self.timeout = cfg, aws, invoker, timeout
        self.dns = Dns(aws, cfg)
        self.steps = [Step(number, title) for number, title in enumerate(STEP_TITLES)]
        self.seconds = 0.0

    # -- running

    def run(self) -> bool:
        """All steps in order, up to the first failure; True when every one passed."""
        start = time.monotonic()
        try:
            return self._run_steps()
        finally:
            self.seconds = time.monotonic() - start

    def _run_steps(self) -> bool:
        if not self._run(0, self.pilot_light):
            self.steps[5].result, self.steps[5].detail = SKIPPED, "the primary's health was not changed"
            return False
        try:
            passed = (
                self._run(
                    1, lambda: self._health(inverted=True, state="ALARM"), prepare=self.simulate_failure
                )
                and self._run(2, lambda: self.invocation("failover"))
                and self._run(3, self.verify_dr, poll=True)
                and self._run(4, self.refused_failback)
            )
        finally:
            # Whatever happened since step 1 (a failure, an exception, ^C): the primary is healthy again.
            # Polled: until Route 53 sees the primary healthy, CloudWatch may put the alarm back to ALARM.
            restored = self._run(
                5, lambda: self._health(inverted=False, state="OK"), poll=True, prepare=self.restore_health
            )
        return (
            passed
            and restored
            and self._run(6, lambda: self.invocation("failback"))
            and self._run(7, self.pilot_light, poll=True)
        )

    def _run(
        self,
        number: int,
        checks: Callable[[], list[Check]],
        poll: bool = False,
        prepare: Callable[[], None] | None = None,
    ) -> bool:
        """Run `prepare` once, then the checks (again every POLL_SECONDS until they pass, when polling).

        Any exception of a step is its failure, reported as an "error" check.
        """
        step = self.steps[number]
        start = time.monotonic()
        deadline = start + self.timeout
        attempts = 0
        step.checks = _attempt(prepare) if prepare else []
        if not step.checks:  # prepared (a failed prepare is the step's failure)
            attempts, step.checks = 1, _attempt(checks)
            while poll and any(c.failed for c in step.checks) and time.monotonic() < deadline:
                time.sleep(max(0.0, min(POLL_SECONDS, deadline - time.monotonic())))
                attempts += 1
                step.checks = _attempt(checks)
        failed = any(c.failed for c in step.checks)
        step.seconds = time.monotonic() - start
        step.result = FAILED if failed else PASS
        step.detail = _summary(step.checks, attempts, self.timeout if failed and poll else None)
        print(f"{PROG}: step {number} {step.title}: {step.result} ({step.seconds:.2f} s)", file=sys.stderr)
        return not failed

    # -- steps

    def pilot_light(self) -> list[Check]:
        checks = _safe("primary health", lambda: self._health(inverted=False, state="OK"))
        for group in self.cfg.node_groups:
            checks += _safe(f"node group {group.key}", lambda g=group: self._pilot_group(g))
        checks += _safe("DR hosts", lambda: self._hosts({"stopped"}))
        checks += _safe("DNS answer", lambda: self._dns(self.cfg.primary_set_id))
        return checks

    def simulate_failure(self) -> None:
        self.aws("route53", GLOBAL_REGION).update_health_check(HealthCheckId=self.cfg.check_id, Inverted=True)
        self._set_alarm("ALARM", f"DR drill ({TOOL}): the primary's failure is simulated")

    def invocation(self, action: str) -> list[Check]:
        outcome = self.invoke(action)
        if outcome.error_type is not None:
            return [Check(action, FAIL, f"{outcome.error_type}: {outcome.error}")]
        result = outcome.result
        if not isinstance(result, dict) or result.get("action") != action:
            return [Check(action, FAIL, f"unexpected result {json.dumps(result)[:300]}")]
        return [Check(action, OK, _result_detail(result))]

    def verify_dr(self) -> list[Check]:
        checks = []
        for group in self.cfg.node_groups:
            checks += _safe(f"node group {group.key}", lambda g=group: self._dr_group(g))
        checks += _safe("DR hosts", lambda: self._hosts(STARTED_STATES))
        checks += _safe("DNS answer", lambda: self._dns(self.cfg.secondary_set_id))
        return checks + self._rds() + self._dynamodb() + self._s3() + self._backup()

    def refused_failback(self) -> list[Check]:
        before = self.snapshot()
        outcome = self.invoke("failback")
        after = self.snapshot()
        if outcome.error_type == "RefusedError":
            refusal = Check("failback refused", OK, f"RefusedError: {outcome.error}")
        elif outcome.error_type is not None:
            refusal = Check("failback refused", FAIL, f"not a refusal: {outcome.error_type}: {outcome.error}")
        else:
            refusal = Check(
                "failback refused",
                FAIL,
                f"failback ran while the primary is unhealthy: {_result_detail(outcome.result)}",
            )
        changes = [
            f"{key}: {before[key]} -> {after.get(key)}" for key in before if before[key] != after.get(key)
        ]
        return [
            refusal,
            check("nothing changed", not changes, "; ".join(changes) or "node groups and hosts as before"),
        ]

    def restore_health(self) -> None:
        self.aws("route53", GLOBAL_REGION).update_health_check(
            HealthCheckId=self.cfg.check_id, Inverted=False
        )
        self._set_alarm("OK", f"DR drill ({TOOL}): the primary's health is restored")

    # -- pieces

    def _set_alarm(self, state: str, reason: str) -> None:
        self.aws("cloudwatch", self.cfg.alarm_region).set_alarm_state(
            AlarmName=self.cfg.alarm_name, StateValue=state, StateReason=reason
        )

    def _health(self, inverted: bool, state: str) -> list[Check]:
        now_inverted, now_state = health_check_inverted(self.aws, self.cfg), alarm_state(self.aws, self.cfg)
        return [
            check("health check", now_inverted == inverted, f"{self.cfg.check_id} inverted: {now_inverted}"),
            check(
                "health alarm",
                now_state == state,
                f"{self.cfg.alarm_name} ({self.cfg.alarm_region}): {now_state}",
            ),
        ]

    def _group(self, cluster: str, name: str, region: str) -> dict[str, Any] | None:
        try:
            return self.aws("eks", region).describe_nodegroup(clusterName=cluster, nodegroupName=name)[
                "nodegroup"
            ]
        except ClientError as exc:
            if _code(exc) == "ResourceNotFoundException":
                return None
            raise

    def _dr_group_of(self, name: str) -> dict[str, Any] | None:
        return self._group(self.cfg.dr_cluster, name, self.cfg.dr_region)

    def _pilot_group(self, group: NodeGroup) -> list[Check]:
        name = f"node group {group.key}"
        dr = self._dr_group_of(group.dr)
        if dr is None:
            sized = Check(name, FAIL, f"{group.dr} not found in {self.cfg.dr_cluster}")
        else:
            shape = Shape.from_eks(dr)
            ok = shape.sizes == group.pilot and dr.get("status") == "ACTIVE"
            sized = check(name, ok, f"{group.dr} {shape} {dr.get('status')} (pilot {group.pilot})")
        companion = self._dr_group_of(group.companion)
        gone = check(
            f"{name} companion",
            companion is None,
            f"no {group.companion}"
            if companion is None
            else f"{group.companion} exists ({companion.get('status')})",
        )
        return [sized, gone]

    def _primary_shape(self, group: NodeGroup) -> tuple[Shape | None, str]:
        """The primary group's shape, read live; the recorded one when the primary cannot be read."""
        try:
            primary = self._group(self.cfg.primary_cluster, group.primary, self.cfg.primary_region)
            why = f"{group.primary} not found"
        except AWS_FAILURES as exc:
            primary, why = None, _error(exc)
        if primary is not None:
            return Shape.from_eks(primary), "primary read live"
        if group.recorded is None:
            return None, f"primary unreadable ({why}) and nothing recorded"
        return group.recorded, f"primary unreadable ({why}): compared with the recorded shape"

    def _dr_group(self, group: NodeGroup) -> Check:
        name = f"node group {group.key}"
        want, source = self._primary_shape(group)
        if want is None:
            return Check(name, FAIL, source)
        for candidate in (group.dr, group.companion):
            dr = self._dr_group_of(candidate)
            if dr is not None and Shape.from_eks(dr).instance_types == want.instance_types:
                shape = Shape.from_eks(dr)
                ok = shape == want and dr.get("status") == "ACTIVE"
                return check(name, ok, f"{candidate} {shape} {dr.get('status')}; primary {want} ({source})")
        return Check(
            name,
            FAIL,
            f"neither {group.dr} nor {group.companion} runs {','.join(want.instance_types)} ({source})",
        )

    def _hosts(self, states: set[str]) -> list[Check]:
        if not self.cfg.dr_host_ids:
            return [Check("DR hosts", NOT_DEPLOYED, "dr_host_ids is empty")]
        found = self._host_states()
        wanted = "/".join(sorted(states))
        return [
            check(
                f"host {host}", found.get(host) in states, f"{found.get(host, 'not found')} (want {wanted})"
            )
            for host in self.cfg.dr_host_ids
        ]

    def _host_states(self) -> dict[str, str]:
        pages = self.aws("ec2", self.cfg.dr_region).get_paginator("describe_instances")
        return {
            instance["InstanceId"]: instance["State"]["Name"]
            for page in pages.paginate(InstanceIds=list(self.cfg.dr_host_ids))
            for reservation in page["Reservations"]
            for instance in reservation["Instances"]
        }

    def _dns(self, want: str) -> Check:
        answer = self.dns.answer()
        shown = answer.set_id or "neither record"
        return check(
            "DNS answer", answer.set_id == want, f"{shown} {', '.join(answer.values)} ({answer.method})"
        )

    def snapshot(self) -> dict[str, str]:
        """What failover and failback change: DR node groups (with companions) and host states."""
        state: dict[str, str] = {}
        for group in self.cfg.node_groups:
            for name in (group.dr, group.companion):
                dr = self._dr_group_of(name)
                state[f"node group {name}"] = "absent" if dr is None else str(Shape.from_eks(dr))
        if self.cfg.dr_host_ids:
            found = self._host_states()
            for host in self.cfg.dr_host_ids:
                # pending and running are the same "started" to a failback.
                state[f"host {host}"] = {"pending": "running"}.get(
                    found.get(host, "absent"), found.get(host, "absent")
                )
        return state

    # -- replicas

    def _rds(self) -> list[Check]:
        rds = self.cfg.rds
        if rds is None:
            return [Check("RDS replica", NOT_DEPLOYED, "replicas.rds is null")]
        source_id = rds["source_arn"].rsplit(":", 1)[-1]

        def probe() -> Check:
            instances = self.aws("rds", self.cfg.dr_region).describe_db_instances(
                DBInstanceIdentifier=rds["replica_identifier"]
            )["DBInstances"]
            source = instances[0].get("ReadReplicaSourceDBInstanceIdentifier") if instances else None
            detail = f"{rds['replica_identifier']} in {self.cfg.dr_region} replicates {source or 'nothing'}"
            return check("RDS replica", source in (rds["source_arn"], source_id), detail)

        return _safe("RDS replica", probe)

    def _dynamodb(self) -> list[Check]:
        if not self.cfg.dynamodb_tables:
            return [Check("DynamoDB replicas", NOT_DEPLOYED, "replicas.dynamodb_tables is empty")]
        client = self.aws("dynamodb", self.cfg.primary_region)

        def probe(table: str) -> Check:
            regions = [
                r.get("RegionName")
                for r in client.describe_table(TableName=table)["Table"].get("Replicas", [])
            ]
            detail = f"replicas in {', '.join(regions) or 'no region'}"
            return check(f"DynamoDB {table}", self.cfg.dr_region in regions, detail)

        return [
            c
            for table in self.cfg.dynamodb_tables
            for c in _safe(f"DynamoDB {table}", lambda t=table: probe(t))
        ]

    def _s3(self) -> list[Check]:
        if not self.cfg.s3:
            return [Check("S3 replication", NOT_DEPLOYED, "replicas.s3 is empty")]
        return [
            c
            for pair in self.cfg.s3
            for c in _safe(f"S3 {pair['source_bucket']}", lambda p=pair: self._s3_pair(p))
        ]

    def _s3_pair(self, pair: dict[str, str]) -> Check:
        name, target = f"S3 {pair['source_bucket']}", f"arn:aws:s3:::{pair['destination_bucket']}"
        try:
            rules = self.aws("s3", self.cfg.primary_region).get_bucket_replication(
                Bucket=pair["source_bucket"]
            )["ReplicationConfiguration"]["Rules"]
        except ClientError as exc:
            if _code(exc) != "ReplicationConfigurationNotFoundError":
                raise
            return Check(name, FAIL, "no replication configuration")
        if not any(
            r.get("Status") == "Enabled" and r.get("Destination", {}).get("Bucket") == target for r in rules
        ):
            return Check(name, FAIL, f"no enabled replication rule to {target}")
        s3 = self.aws("s3", self.cfg.dr_region)
        s3.head_bucket(Bucket=pair["destination_bucket"])
        versioning = s3.get_bucket_versioning(Bucket=pair["destination_bucket"]).get(
            "Status", "never enabled"
        )
        detail = f"replicates to {pair['destination_bucket']} (versioning {versioning})"
        return check(name, versioning == "Enabled", detail)

    def _backup(self) -> list[Check]:
        backup = self.cfg.backup
        if backup is None:
            return [Check("backup copy", NOT_DEPLOYED, "replicas.backup is null")]

        def probe() -> Check:
            plan = self.aws("backup", self.cfg.primary_region).get_backup_plan(BackupPlanId=backup["plan_id"])
            copies = [
                (rule.get("RuleName", "?"), copy.get("DestinationBackupVaultArn"))
                for rule in plan["BackupPlan"].get("Rules", [])
                for copy in rule.get("CopyActions", [])
            ]
            rules = [rule for rule, vault in copies if vault == backup["copy_vault_arn"]]
            detail = (
                f"rule {', '.join(rules)} copies to the DR vault"
                if rules
                else "no rule copies to the DR vault"
            )
            return check("backup copy", bool(rules), detail)

        return _safe("backup copy", probe)


def _safe(name: str, probe: Callable[[], Check | list[Check]]) -> list[Check]:
    """The probe's checks; a failed AWS call or a missing record is one failed check of that name."""
    try:
        found = probe()
    except (*AWS_FAILURES, LookupError) as exc:
        return [Check(name, FAIL, _error(exc))]
    return found if isinstance(found, list) else [found]


def _attempt(run: Callable[[], list[Check] | None]) -> list[Check]:
    try:
        return run() or []
    except Exception as exc:
        return [Check("error", FAIL, _error(exc))]


def _result_detail(result: dict[str, Any]) -> str:
    return f"{result.get('message') or 'no message'} (changed: {result.get('changed')})"


def _summary(checks: list[Check], attempts: int, timed_out: float | None) -> str:
    failed = [c for c in checks if c.failed]
    if len(checks) == 1:
        text = checks[0].detail
    elif failed:
        text = f"{len(failed)} of {len(checks)} checks failed, first: {failed[0].name}: {failed[0].detail}"
    else:
        absent = sum(c.result == NOT_DEPLOYED for c in checks)
        text = f"{len(checks) - absent} checks ok" + (f", {absent} not deployed" if absent else "")
    if attempts > 1:
        text += f" ({attempts} attempts)"
    if timed_out is not None and attempts > 1:
        text += f", still failing after {timed_out:g} s"
    return text


# --- report -----------------------------------------------------------------------------------


def _sum(steps: list[Step], numbers: tuple[int, ...]) -> float | None:
    chosen = [steps[n] for n in numbers]
    if any(s.seconds is None or s.result != PASS for s in chosen):
        return None
    return round(sum(s.seconds or 0.0 for s in chosen), 3)


def report_of(drill: Drill, invoker: Invoker, passed: bool) -> dict[str, Any]:
    cfg, steps = drill.cfg, drill.steps
    failed = next((s.number for s in steps if s.result == FAILED), None)
    return {
        "passed": passed,
        "failed_step": failed,
        "primary": {"region": cfg.primary_region, "cluster": cfg.primary_cluster},
        "dr": {"region": cfg.dr_region, "cluster": cfg.dr_cluster},
        "invoke": {
            "method": getattr(invoker, "method", "custom"),
            "detail": getattr(invoker, "description", repr(invoker)),
        },
        "dns_method": drill.dns.method,
        "steps": [
            {
                "step": s.number,
                "title": s.title,
                "seconds": None if s.seconds is None else round(s.seconds, 3),
                "result": s.result,
                "detail": s.detail,
                "checks": [asdict(c) for c in s.checks],
            }
            for s in steps
        ],
        "total_seconds": round(drill.seconds, 3),
        "failover_seconds": _sum(steps, (2, 3)),
        "failback_seconds": _sum(steps, (6, 7)),
    }


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _hints(report: dict[str, Any]) -> list[str]:
    """What a failed drill left behind, and what to do about it."""
    failed, results = report["failed_step"], [s["result"] for s in report["steps"]]
    hints = []
    if failed == 0:
        hints.append("failed at step 0: not in pilot light before the drill; nothing was changed")
    elif failed in (1, 2, 3, 4):
        hints.append(
            f"failed at step {failed}: the DR side is left as that step found it; once the cause is fixed, "
            'fail back (invoke the function with {"action": "failback"}) and check the pilot light'
        )
    elif failed in (6, 7):
        hints.append(f"failed at step {failed}: failback did not bring back the pilot light")
    if results[5] == FAILED:
        hints.append(
            "the primary's health was NOT restored: set its health check Inverted=false and its alarm OK by hand"
        )
    return hints


def render(report: dict[str, Any]) -> str:
    """The report as text: what was drilled, how, a table of steps and checks, the times."""
    lines = [
        f"DR drill: {report['primary']['cluster']} ({report['primary']['region']}) -> "
        f"{report['dr']['cluster']} ({report['dr']['region']})",
        f"invoked: {report['invoke']['method']}: {report['invoke']['detail']}",
        f"DNS answer: {report['dns_method'] or 'not read'}",
        "",
    ]
    width = max(len(f"{s['step']} {s['title']}") for s in report["steps"]) + 2
    row = f"{{:<{width}}}{{:>8}}  {{:<8}}{{}}"
    lines.append(row.format("step", "seconds", "result", "detail"))
    for step in report["steps"]:
        lines.append(
            row.format(
                f"{step['step']} {step['title']}", _seconds(step["seconds"]), step["result"], step["detail"]
            )
        )
        for item in step["checks"] if len(step["checks"]) > 1 else ():
            lines.append(f"    {item['result']:<13}{item['name']}: {item['detail']}")
    lines += [
        "",
        row.format("total", _seconds(report["total_seconds"]), "PASS" if report["passed"] else "FAIL", ""),
        row.format("failover (steps 2+3)", _seconds(report["failover_seconds"]), "", ""),
        row.format("failback (steps 6+7)", _seconds(report["failback_seconds"]), "", ""),
    ]
    lines += [f"\n{hint}" for hint in _hints(report)]
    return "\n".join(line.rstrip() for line in lines) + "\n"


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=__doc__.split("\n\n", 1)[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--outputs", type=Path, required=True, metavar="FILE", help="`terraform output -json` saved to a file"
    )
    parser.add_argument(
        "--endpoint-url", metavar="URL", help="send every AWS call here (an emulator); default: real AWS"
    )
    parser.add_argument(
        "--invoke",
        choices=("lambda", "local"),
        default="lambda",
        help="call the deployed function (default), or run its handler in this process",
    )
    parser.add_argument("--json", type=Path, metavar="REPORT.json", help="also write the report as JSON")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds steps 3, 5 and 7 wait for AWS to settle (default {DEFAULT_TIMEOUT:g})",
    )
    args = parser.parse_args(argv)
    if args.timeout < 0:
        parser.error("--timeout must be 0 or more seconds")
    try:
        cfg = read_config(args.outputs)
        if args.invoke == "local" and not HANDLER.is_file():
            raise InputError(f"--invoke local runs {_shown(HANDLER)}, which does not exist")
    except InputError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2

    aws = Aws(args.endpoint_url)
    invoker: Invoker = LocalInvoker(aws, cfg) if args.invoke == "local" else LambdaInvoker(aws, cfg)
    drill = Drill(cfg, aws, invoker, args.timeout)
    passed = drill.run()
    report = report_of(drill, invoker, passed)
    sys.stdout.write(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
