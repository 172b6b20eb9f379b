"""Pilot-light failover and failback of the disaster-recovery (DR) region: EKS node groups and
trading hosts.

Runs in the DR region (Lambda's AWS_REGION). Three actions:

- `failover`: give every configured DR node group the capacity of its primary counterpart. The
  primary group's instance types and min/desired/max are read live in PRIMARY_REGION; when that
  fails (the primary region being down is exactly when failover must work) the spec Terraform
  recorded in NODE_GROUPS is used and the result says so. A DR group with the primary's instance
  types is scaled to the primary's sizes. Otherwise (the pilot group is one small node) a companion
  group `<dr group>-failover` gets the primary's types and sizes, created with the pilot group's
  role, subnets, AMI and capacity type, labels, launch template (or disk size) and tags; the pilot
  group stays as it is. Then the stopped DR trading hosts are started.
- `failback`: only while the primary's Route 53 health-check alarm is OK: the DR groups go back to
  their pilot sizes, the companions are deleted and the DR hosts stopped.
- `status`: changes nothing; reports the DR groups, companions, hosts and the alarm.

Every action is idempotent: a write call is made only where the state differs from the target, and
`changed` says whether one was made.

Events: `{"action": "failover" | "failback" | "status", "reason": "..."}` (a dict, or that dict as
a JSON string) from `aws lambda invoke`, and EventBridge "CloudWatch Alarm State Change" events of
HEALTH_ALARM_NAME: ALARM fails over, OK fails back when AUTO_FAILBACK is true (otherwise it is only
reported), INSUFFICIENT_DATA is reported. Anything else is refused with RefusedError, as is a
failback while the primary is not known to be healthy and a missing or malformed environment
variable (`load_settings` lists them).

Every outcome, refusals included, is logged (one JSON line per step, one summary line) and
published to TOPIC_ARN. When AWS calls of an action fail, the remaining steps still run, the result
is published with its `errors` and ActionFailedError is raised, so the invocation fails (and an
EventBridge-triggered one is retried; retrying is safe since the actions are idempotent).

Only the Python standard library and the runtime's boto3 are used. Clients are made on first use,
one per (service, region).
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from typing import Any, NamedTuple

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ACTIONS = ("failover", "failback", "status")
EVENT_KEYS = ("action", "reason")
ALARM_SOURCE = "aws.cloudwatch"
ALARM_DETAIL_TYPE = "CloudWatch Alarm State Change"
ALARM_STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")
NODE_GROUP_KEYS = ("primary", "dr", "pilot", "recorded")
SIZE_KEYS = ("min_size", "desired_size", "max_size")
COMPANION_SUFFIX = "-failover"
FAILOVER_TAG = {"lowlat:failover": "true"}
NODEGROUP_NAME_MAX = 63
REASON_MAX = 500
SUBJECT_MAX = 99
UP_STATES = ("pending", "running")

REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}")
CLUSTER_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,99}")
NODEGROUP_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,62}")
INSTANCE_ID = re.compile(r"i-(?:[0-9a-f]{8}|[0-9a-f]{17})")
TOPIC_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:sns:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):\d{12}:[A-Za-z0-9_-]{1,256}")

# Short timeouts and three attempts in all: when the primary region is down its endpoint has to fail
# within seconds, so the recorded spec is used well inside the function's timeout.
_CLIENT_CONFIG = Config(
    connect_timeout=3, read_timeout=10, retries={"mode": "standard", "total_max_attempts": 3}
)

_clients: dict[tuple[str, str], Any] = {}

LOG = logging.getLogger("sync_cluster_sizes")
LOG.setLevel(logging.INFO)


def client(service: str, region: str) -> Any:
    """The client for a service in a region, created on first use and kept for the environment."""
    key = (service, region)
    if key not in _clients:
        _clients[key] = boto3.client(service, region_name=region, config=_CLIENT_CONFIG)
    return _clients[key]


class RefusedError(ValueError):
    """The request was refused: nothing was changed. `details` go into the published result."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


class ActionFailedError(RuntimeError):
    """Some steps of an action failed; the others ran and the result was published."""


class StepFailed(Exception):
    """A step cannot be done (a missing node group, a host in the wrong state)."""


# --------------------------------------------------------------------------------------------------
# Settings: the environment, checked on every invocation
# --------------------------------------------------------------------------------------------------


class Scaling(NamedTuple):
    min_size: int
    desired_size: int
    max_size: int

    @classmethod
    def from_api(cls, config: dict[str, Any] | None) -> Scaling | None:
        if not config:
            return None
        return cls(config.get("minSize", 0), config.get("desiredSize", 0), config.get("maxSize", 0))

    def to_api(self) -> dict[str, int]:
        return {"minSize": self.min_size, "desiredSize": self.desired_size, "maxSize": self.max_size}


class Spec(NamedTuple):
    """What a node group runs: instance types and sizes."""

    instance_types: tuple[str, ...]
    scaling: Scaling

    def as_dict(self) -> dict[str, Any]:
        return {"instance_types": list(self.instance_types), **self.scaling._asdict()}


class NodeGroup(NamedTuple):
    key: str
    primary: str
    dr: str
    pilot: Scaling
    recorded: Spec

    @property
    def companion(self) -> str:
        return self.dr + COMPANION_SUFFIX


class Settings(NamedTuple):
    dr_region: str
    primary_region: str
    primary_cluster: str
    dr_cluster: str
    node_groups: tuple[NodeGroup, ...]
    host_ids: tuple[str, ...]
    alarm_name: str
    alarm_region: str
    topic_arn: str
    auto_failback: bool


def _malformed(name: str, problem: str) -> RefusedError:
    return RefusedError(f"environment variable {name} is malformed: {problem}")


def _env(name: str, pattern: re.Pattern[str] | None = None, example: str = "") -> str:
    value = os.environ.get(name)
    if value is None:
        raise RefusedError(f"environment variable {name} is not set")
    value = value.strip()
    if not value:
        raise RefusedError(f"environment variable {name} is empty")
    if pattern is not None and not pattern.fullmatch(value):
        raise _malformed(name, f"{_shown(value)} is not {example}")
    return value


def load_settings() -> Settings:
    """The function's settings from its environment; RefusedError names the first bad variable.

    AWS_REGION (set by Lambda) is the DR region. PRIMARY_REGION, PRIMARY_CLUSTER, DR_CLUSTER,
    NODE_GROUPS (JSON, see `_node_groups`), DR_HOST_IDS (comma-separated instance ids, may be
    empty), HEALTH_ALARM_NAME, HEALTH_ALARM_REGION and TOPIC_ARN must be set; AUTO_FAILBACK is
    "true" or "false" (unset: false).
    """
    region_example = "an AWS region name like eu-west-2"
    dr_region = _env("AWS_REGION", REGION, region_example)
    primary_region = _env("PRIMARY_REGION", REGION, region_example)
    if primary_region == dr_region:
        raise _malformed("PRIMARY_REGION", f"{primary_region} is the DR region this function runs in")
    cluster_example = "an EKS cluster name"
    primary_cluster = _env("PRIMARY_CLUSTER", CLUSTER_NAME, cluster_example)
    dr_cluster = _env("DR_CLUSTER", CLUSTER_NAME, cluster_example)
    node_groups = _node_groups(_env("NODE_GROUPS"))
    host_ids = os.environ.get("DR_HOST_IDS")
    if host_ids is None:
        raise RefusedError("environment variable DR_HOST_IDS is not set (set it empty for no hosts)")
    alarm_name = _env("HEALTH_ALARM_NAME")
    if len(alarm_name) > 255:
        raise _malformed("HEALTH_ALARM_NAME", "longer than 255 characters")
    alarm_region = _env("HEALTH_ALARM_REGION", REGION, region_example)
    topic_arn = _env("TOPIC_ARN", TOPIC_ARN, "an SNS topic ARN")
    auto_failback = os.environ.get("AUTO_FAILBACK", "false").strip()
    if auto_failback not in ("true", "false"):
        raise _malformed("AUTO_FAILBACK", f"{_shown(auto_failback)} is not true or false")
    return Settings(
        dr_region=dr_region,
        primary_region=primary_region,
        primary_cluster=primary_cluster,
        dr_cluster=dr_cluster,
        node_groups=node_groups,
        host_ids=_host_ids(host_ids),
        alarm_name=alarm_name,
        alarm_region=alarm_region,
        topic_arn=topic_arn,
        auto_failback=auto_failback == "true",
    )


def _topic_from_env() -> str | None:
    """TOPIC_ARN if it is well formed, so that a refusal can be published whatever else is wrong."""
    topic = (os.environ.get("TOPIC_ARN") or "").strip()
    return topic if TOPIC_ARN.fullmatch(topic) else None


def _node_groups(text: str) -> tuple[NodeGroup, ...]:
    """NODE_GROUPS: {"<key>": {"primary": name, "dr": name, "pilot": sizes, "recorded": spec}}.

    Sizes are {"min_size", "desired_size", "max_size"}; `recorded` adds "instance_types".
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise _malformed("NODE_GROUPS", f"not JSON ({err.msg} at position {err.pos})") from None
    if not isinstance(raw, dict) or not raw:
        raise _malformed("NODE_GROUPS", f"not a non-empty JSON object keyed by node group: {_shown(raw)}")
    groups = tuple(_node_group(key, spec) for key, spec in raw.items())
    names = Counter(name for group in groups for name in (group.dr, group.companion))
    doubled = sorted(name for name, count in names.items() if count > 1)
    if doubled:
        raise _malformed("NODE_GROUPS", f"DR node group {doubled[0]!r} is used more than once")
    return groups


def _node_group(key: str, spec: Any) -> NodeGroup:
    where = f"NODE_GROUPS[{json.dumps(key)}]"
    if not key.strip():
        raise _malformed("NODE_GROUPS", f"{where}: a node group key must not be blank")
    _check_keys(where, spec, NODE_GROUP_KEYS)
    primary, dr = (_nodegroup_name(f"{where}.{side}", spec[side]) for side in ("primary", "dr"))
    companion = dr + COMPANION_SUFFIX
    if len(companion) > NODEGROUP_NAME_MAX:
        raise _malformed(
            "NODE_GROUPS",
            f"{where}.dr {dr!r} is too long for its failover companion: {companion!r} has "
            f"{len(companion)} characters, EKS allows {NODEGROUP_NAME_MAX}",
        )
    return NodeGroup(
        key=key,
        primary=primary,
        dr=dr,
        pilot=_scaling(f"{where}.pilot", spec["pilot"]),
        recorded=_recorded(f"{where}.recorded", spec["recorded"]),
    )


def _check_keys(where: str, value: Any, required: tuple[str, ...]) -> None:
    if not isinstance(value, dict):
        raise _malformed("NODE_GROUPS", f"{where} is not an object: {_shown(value)}")
    missing = [key for key in required if key not in value]
    if missing:
        raise _malformed("NODE_GROUPS", f"{where} lacks {', '.join(missing)}")
    unknown = sorted(set(value) - set(required))
    if unknown:
        raise _malformed("NODE_GROUPS", f"{where} has unknown key {', '.join(map(repr, unknown))}")


def _nodegroup_name(where: str, value: Any) -> str:
    if not isinstance(value, str) or not NODEGROUP_NAME.fullmatch(value):
        raise _malformed("NODE_GROUPS", f"{where} is not an EKS node group name: {_shown(value)}")
    return value


def _scaling(where: str, value: Any, extra: tuple[str, ...] = ()) -> Scaling:
    _check_keys(where, value, (*SIZE_KEYS, *extra))
    for key in SIZE_KEYS:
        size = value[key]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise _malformed("NODE_GROUPS", f"{where}.{key} is not a whole number >= 0: {_shown(size)}")
    scaling = Scaling(value["min_size"], value["desired_size"], value["max_size"])
    if not scaling.min_size <= scaling.desired_size <= scaling.max_size or scaling.max_size < 1:
        raise _malformed(
            "NODE_GROUPS",
            f"{where} needs min_size <= desired_size <= max_size and max_size >= 1, got "
            f"{scaling.min_size}/{scaling.desired_size}/{scaling.max_size}",
        )
    return scaling


def _recorded(where: str, value: Any) -> Spec:
    scaling = _scaling(where, value, ("instance_types",))
    types = value["instance_types"]
    if not isinstance(types, list) or not types or not all(isinstance(t, str) and t for t in types):
        raise _malformed(
            "NODE_GROUPS", f"{where}.instance_types is not a non-empty list of names: {_shown(types)}"
        )
    return Spec(tuple(types), scaling)


def _host_ids(text: str) -> tuple[str, ...]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    for host_id in ids:
        if not INSTANCE_ID.fullmatch(host_id):
            raise _malformed(
                "DR_HOST_IDS", f"{_shown(host_id)} is not an EC2 instance id like i-0123456789abcdef0"
            )
    return tuple(dict.fromkeys(ids))


# --------------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------------


class Request(NamedTuple):
    action: str  # one of ACTIONS, or "none": an alarm event that asks for no change
    trigger: str  # "manual" or "alarm"
    reason: str | None = None
    alarm: dict[str, Any] | None = None  # the alarm as the event told it


def _shown(value: Any, limit: int = 120) -> str:
    """What was received, short enough for a message."""
    try:
        text = json.dumps(value, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    return "an object" if isinstance(value, dict) else type(value).__name__


ACCEPTED = 'a JSON object like {"action": "failover"} (actions: failover, failback, status)'


def parse_event(event: Any, settings: Settings) -> Request:
    """The request an event makes; RefusedError says what was received and what is accepted."""
    if isinstance(event, str):
        try:
            event = json.loads(event)
        except json.JSONDecodeError as err:
            raise RefusedError(
                f"the event is a string but not JSON ({err.msg} at position {err.pos}): send {ACCEPTED}; "
                f"received {_shown(event)}"
            ) from None
    if not isinstance(event, dict):
        raise RefusedError(f"the event must be {ACCEPTED}; received {_json_type(event)}: {_shown(event)}")
    if "source" in event or "detail-type" in event:
        return _alarm_request(event, settings)
    return _manual_request(event)


def _manual_request(event: dict[str, Any]) -> Request:
    unknown = sorted(set(event) - set(EVENT_KEYS), key=str)
    if unknown:
        raise RefusedError(
            f"unknown key {', '.join(map(repr, unknown))} in the event: accepted keys are action and "
            f"reason; received {_shown(event)}"
        )
    if "action" not in event:
        raise RefusedError(f"the event has no action: send {ACCEPTED}; received {_shown(event)}")
    action = event["action"]
    if not isinstance(action, str):
        raise RefusedError(
            f"action must be a string, one of failover, failback, status; received {_json_type(action)}: "
            f"{_shown(action)}"
        )
    if action not in ACTIONS:
        raise RefusedError(f"unknown action {action[:60]!r}: use one of {', '.join(ACTIONS)}")
    reason = event.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > REASON_MAX):
        raise RefusedError(
            f"reason must be a string of at most {REASON_MAX} characters; received {_json_type(reason)}: "
            f"{_shown(reason)}"
        )
    return Request(action=action, trigger="manual", reason=reason)


def _alarm_request(event: dict[str, Any], settings: Settings) -> Request:
    source, detail_type = event.get("source"), event.get("detail-type")
    if source != ALARM_SOURCE or detail_type != ALARM_DETAIL_TYPE:
        raise RefusedError(
            f"unsupported event: source {_shown(source)}, detail-type {_shown(detail_type)}; accepted are "
            f'"{ALARM_DETAIL_TYPE}" events from {ALARM_SOURCE} for alarm {settings.alarm_name!r}, and {ACCEPTED}'
        )
    detail = event.get("detail")
    name = detail.get("alarmName") if isinstance(detail, dict) else None
    state = _state_value(detail, "state")
    if not isinstance(name, str) or state is None:
        raise RefusedError(
            f"alarm state change event without detail.alarmName and detail.state.value; received "
            f"{_shown(detail)}"
        )
    if name != settings.alarm_name:
        raise RefusedError(f"alarm event for {name!r}, not for the health alarm {settings.alarm_name!r}")
    region = event.get("region")
    if region is not None and region != settings.alarm_region:
        raise RefusedError(
            f"alarm event from region {_shown(region)}; the health alarm {name!r} is in {settings.alarm_region}"
        )
    if state not in ALARM_STATES:
        raise RefusedError(
            f"alarm {name!r} event with unknown state {_shown(state)}; known: {', '.join(ALARM_STATES)}"
        )
    previous = _state_value(detail, "previousState")
    alarm = {"name": name, "region": settings.alarm_region, "state": state, "previous": previous}
    reason = f"alarm {name} {previous or '?'} -> {state}"
    if state == "ALARM":
        return Request(action="failover", trigger="alarm", reason=reason, alarm=alarm)
    if state == "OK" and settings.auto_failback:
        return Request(action="failback", trigger="alarm", reason=reason, alarm=alarm)
    return Request(action="none", trigger="alarm", reason=reason, alarm=alarm)


def _state_value(detail: Any, key: str) -> str | None:
    state = detail.get(key) if isinstance(detail, dict) else None
    value = state.get("value") if isinstance(state, dict) else None
    return value if isinstance(value, str) else None


# --------------------------------------------------------------------------------------------------
# One invocation: settings, request, log lines, failed steps
# --------------------------------------------------------------------------------------------------


def _log(level: int, fields: dict[str, Any]) -> None:
    LOG.log(level, json.dumps(fields, default=str, sort_keys=True))


class Run:
    """One invocation: its settings and request, the steps that failed."""

    def __init__(self, settings: Settings, request: Request, request_id: str | None) -> None:
        self.settings = settings
        self.request = request
        self.request_id = request_id
        self.errors: list[str] = []
        self.primary_down: str | None = None  # why the primary region did not answer, once it did not

    def step(self, step: str, level: int = logging.INFO, **fields: Any) -> None:
        _log(
            level, {"step": step, "action": self.request.action, "aws_request_id": self.request_id, **fields}
        )

    def failed(self, step: str, error: str, **fields: Any) -> str:
        text = f"{step}: {error}"
        self.errors.append(text)
        self.step(step, logging.ERROR, error=error, **fields)
        return text


def _error_text(err: Exception) -> str:
    if isinstance(err, ClientError):
        error = err.response.get("Error", {})
        return f"{error.get('Code', 'ClientError')}: {error.get('Message', '')}".strip()
    if isinstance(err, BotoCoreError):
        return f"{type(err).__name__}: {err}"
    return str(err)


# --------------------------------------------------------------------------------------------------
# EKS node groups
# --------------------------------------------------------------------------------------------------


def _describe_nodegroup(region: str, cluster: str, name: str) -> dict[str, Any] | None:
    try:
        answer = client("eks", region).describe_nodegroup(clusterName=cluster, nodegroupName=name)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None
        raise
    return answer["nodegroup"]


def _dr_group(run: Run, name: str) -> dict[str, Any]:
    found = _describe_nodegroup(run.settings.dr_region, run.settings.dr_cluster, name)
    if found is None:
        raise StepFailed(
            f"DR node group {name} not found in cluster {run.settings.dr_cluster} ({run.settings.dr_region})"
        )
    return found


def _types(nodegroup: dict[str, Any]) -> tuple[str, ...]:
    return tuple(nodegroup.get("instanceTypes") or ())


def _scale(run: Run, nodegroup: dict[str, Any], target: Scaling) -> bool:
    """Set a DR node group's sizes to `target` unless they already are; True if it was changed."""
    current = Scaling.from_api(nodegroup.get("scalingConfig"))
    name = nodegroup["nodegroupName"]
    if current == target:
        return False
    client("eks", run.settings.dr_region).update_nodegroup_config(
        clusterName=run.settings.dr_cluster, nodegroupName=name, scalingConfig=target.to_api()
    )
    run.step("scale", group=name, before=current._asdict() if current else None, after=target._asdict())
    return True


def _primary_spec(run: Run, group: NodeGroup) -> tuple[Spec, str | None]:
    """The primary group's spec, read live; the recorded one (and why) when it cannot be read."""
    s = run.settings
    error = run.primary_down
    if error is None:
        try:
            found = client("eks", s.primary_region).describe_nodegroup(
                clusterName=s.primary_cluster, nodegroupName=group.primary
            )["nodegroup"]
        except ClientError as err:
            error = _error_text(err)
        except BotoCoreError as err:
            # The region does not answer: do not wait for it again for the other groups.
            error = run.primary_down = _error_text(err)
        else:
            scaling = Scaling.from_api(found.get("scalingConfig"))
            if _types(found) and scaling is not None:
                spec = Spec(_types(found), scaling)
                run.step("read primary", group=group.primary, read="live", spec=spec.as_dict())
                return spec, None
            error = "the primary group reports no instanceTypes or scalingConfig"
    run.step(
        "read primary",
        logging.WARNING,
        group=group.primary,
        read="recorded",
        error=error,
        spec=group.recorded.as_dict(),
    )
    return group.recorded, error


def _companion_params(run: Run, group: NodeGroup, pilot: dict[str, Any], spec: Spec) -> dict[str, Any]:
    """create_nodegroup arguments: the primary's types and sizes on the pilot group's settings."""
    params: dict[str, Any] = {
        "clusterName": run.settings.dr_cluster,
        "nodegroupName": group.companion,
        "scalingConfig": spec.scaling.to_api(),
        "instanceTypes": list(spec.instance_types),
        "nodeRole": pilot["nodeRole"],
        "subnets": pilot["subnets"],
        "labels": pilot.get("labels") or {},
        # aws: tags are AWS's own and may not be set by a caller.
        "tags": {k: v for k, v in (pilot.get("tags") or {}).items() if not k.startswith("aws:")}
        | FAILOVER_TAG,
    }
    for key in ("amiType", "capacityType"):
        if pilot.get(key):
            params[key] = pilot[key]
    template = pilot.get("launchTemplate")
    if template:
        ref = {"id": template["id"]} if template.get("id") else {"name": template["name"]}
        params["launchTemplate"] = ref | ({"version": template["version"]} if template.get("version") else {})
    elif pilot.get("diskSize"):
        params["diskSize"] = pilot["diskSize"]  # EKS refuses a disk size next to a launch template
    return params


def _ensure_companion(
    run: Run, group: NodeGroup, pilot: dict[str, Any], spec: Spec, result: dict[str, Any]
) -> str:
    s = run.settings
    result["companion"] = group.companion
    companion = _describe_nodegroup(s.dr_region, s.dr_cluster, group.companion)
    if companion is None:
        client("eks", s.dr_region).create_nodegroup(**_companion_params(run, group, pilot, spec))
        run.step("create companion", group=group.companion, spec=spec.as_dict())
        return "created companion"
    if companion.get("status") == "DELETING":
        raise StepFailed(
            f"companion {group.companion} is still being deleted (after a failback): run failover again once it is gone"
        )
    if _types(companion) != spec.instance_types:
        result["note"] = (
            f"companion has instance types {list(_types(companion))}, the primary {list(spec.instance_types)}: "
            "only its sizes were synced (types of a node group cannot change)"
        )
    return "companion scaled" if _scale(run, companion, spec.scaling) else "unchanged"


def _failover_group(run: Run, group: NodeGroup) -> dict[str, Any]:
    spec, read_error = _primary_spec(run, group)
    result: dict[str, Any] = {
        "key": group.key,
        "dr_group": group.dr,
        "primary_group": group.primary,
        "primary_read": "recorded" if read_error else "live",
        "target": spec.as_dict(),
    }
    if read_error:
        result["primary_error"] = read_error
    try:
        pilot = _dr_group(run, group.dr)
        if _types(pilot) == spec.instance_types:
            how = "scaled" if _scale(run, pilot, spec.scaling) else "unchanged"
        else:
            how = _ensure_companion(run, group, pilot, spec, result)
    except (ClientError, BotoCoreError, StepFailed) as err:
        result.update(
            changed=False, how="failed", error=run.failed(f"node group {group.key}", _error_text(err))
        )
        return result
    result.update(changed=how != "unchanged", how=how)
    return result


def _failback_group(run: Run, group: NodeGroup) -> dict[str, Any]:
    s = run.settings
    result: dict[str, Any] = {"key": group.key, "dr_group": group.dr, "target": group.pilot._asdict()}
    done: list[str] = []
    try:
        if _scale(run, _dr_group(run, group.dr), group.pilot):
            done.append("scaled")
        companion = _describe_nodegroup(s.dr_region, s.dr_cluster, group.companion)
        if companion is not None:
            result["companion"] = group.companion
            if companion.get("status") == "DELETING":
                result["note"] = "companion is already being deleted"
            else:
                client("eks", s.dr_region).delete_nodegroup(
                    clusterName=s.dr_cluster, nodegroupName=group.companion
                )
                run.step("delete companion", group=group.companion)
                done.append("companion deleted")
    except (ClientError, BotoCoreError, StepFailed) as err:
        result.update(
            changed=bool(done), how="failed", error=run.failed(f"node group {group.key}", _error_text(err))
        )
        return result
    result.update(changed=bool(done), how=", ".join(done) or "unchanged")
    return result


def _view(nodegroup: dict[str, Any] | None) -> dict[str, Any] | None:
    if nodegroup is None:
        return None
    scaling = Scaling.from_api(nodegroup.get("scalingConfig"))
    return {
        "name": nodegroup["nodegroupName"],
        "status": nodegroup.get("status"),
        "instance_types": list(_types(nodegroup)),
        **(scaling._asdict() if scaling else {}),
    }


def _status_group(run: Run, group: NodeGroup) -> dict[str, Any]:
    s = run.settings
    result: dict[str, Any] = {"key": group.key, "dr_group": group.dr, "changed": False, "how": "unchanged"}
    try:
        result["dr"] = _view(_dr_group(run, group.dr))
        result["companion"] = _view(_describe_nodegroup(s.dr_region, s.dr_cluster, group.companion))
    except (ClientError, BotoCoreError, StepFailed) as err:
        result.update(how="failed", error=run.failed(f"node group {group.key}", _error_text(err)))
    return result


# --------------------------------------------------------------------------------------------------
# Trading hosts
# --------------------------------------------------------------------------------------------------


def _host_states(run: Run) -> dict[str, str]:
    states: dict[str, str] = {}
    pages = client("ec2", run.settings.dr_region).get_paginator("describe_instances")
    for page in pages.paginate(InstanceIds=list(run.settings.host_ids)):
        for reservation in page["Reservations"]:
            for instance in reservation["Instances"]:
                states[instance["InstanceId"]] = instance["State"]["Name"]
    return states


def _sync_hosts(run: Run, want: str | None) -> dict[str, Any]:
    """Start ("up") or stop ("down") the DR hosts that are not so already; None only reads them."""
    ids = run.settings.host_ids
    hosts: dict[str, Any] = {"started": [], "stopped": [], "unchanged": list(ids), "states": {}}
    if not ids:
        return hosts
    try:
        states = _host_states(run)
        hosts["states"] = {host: states.get(host, "missing") for host in ids}
        if want is None:
            return hosts
        if want == "up":
            todo = [host for host in ids if states.get(host) == "stopped"]
            stuck = [host for host in ids if states.get(host) not in ("stopped", *UP_STATES)]
        else:
            todo, stuck = [host for host in ids if states.get(host) in UP_STATES], []
        hosts["unchanged"] = [host for host in ids if host not in todo]
        if todo:
            ec2 = client("ec2", run.settings.dr_region)
            if want == "up":
                answer = ec2.start_instances(InstanceIds=todo)["StartingInstances"]
            else:
                answer = ec2.stop_instances(InstanceIds=todo)["StoppingInstances"]
            hosts["started" if want == "up" else "stopped"] = todo
            hosts["states"].update({i["InstanceId"]: i["CurrentState"]["Name"] for i in answer})
        run.step(
            "hosts", want=want, started=hosts["started"], stopped=hosts["stopped"], states=hosts["states"]
        )
        if stuck:
            listed = ", ".join(f"{host} ({states.get(host, 'missing')})" for host in stuck)
            hosts["error"] = run.failed(
                "hosts", f"cannot start {listed}: run failover again once they are stopped"
            )
    except (ClientError, BotoCoreError) as err:
        hosts["error"] = run.failed("hosts", _error_text(err))
    return hosts


# --------------------------------------------------------------------------------------------------
# The health alarm
# --------------------------------------------------------------------------------------------------


def _read_alarm(settings: Settings) -> dict[str, Any] | None:
    answer = client("cloudwatch", settings.alarm_region).describe_alarms(
        AlarmNames=[settings.alarm_name], AlarmTypes=["MetricAlarm", "CompositeAlarm"]
    )
    alarms = answer.get("MetricAlarms", []) + answer.get("CompositeAlarms", [])
    if not alarms:
        return None
    since = alarms[0].get("StateUpdatedTimestamp")
    return {
        "name": settings.alarm_name,
        "region": settings.alarm_region,
        "state": alarms[0].get("StateValue"),
        "since": since.isoformat() if since else None,
    }


def _healthy_primary(run: Run) -> dict[str, Any]:
    """The alarm, when it says the primary is healthy (OK); RefusedError otherwise."""
    name, region = run.settings.alarm_name, run.settings.alarm_region
    try:
        alarm = _read_alarm(run.settings)
    except (ClientError, BotoCoreError) as err:
        raise RefusedError(
            f"cannot read the health alarm {name} in {region} ({_error_text(err)}): fail back only once "
            "the primary is known to be healthy"
        ) from None
    if alarm is None:
        raise RefusedError(
            f"health alarm {name} not found in {region}: cannot tell whether the primary is healthy "
            "(check HEALTH_ALARM_NAME and HEALTH_ALARM_REGION)"
        )
    run.step("read alarm", **alarm)
    if alarm["state"] == "ALARM":
        raise RefusedError(
            f"primary health check is unhealthy: alarm {name} in ALARM since {alarm['since']}; fail back "
            "once it is OK",
            alarm=alarm,
        )
    if alarm["state"] != "OK":
        raise RefusedError(
            f"primary health is unknown: alarm {name} in {alarm['state']} since {alarm['since']}; fail "
            "back once it is OK",
            alarm=alarm,
        )
    return alarm


# --------------------------------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------------------------------


def _result(run: Run, **parts: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "action": run.request.action,
        "trigger": run.request.trigger,
        "reason": run.request.reason,
        "dr_region": run.settings.dr_region,
        "dr_cluster": run.settings.dr_cluster,
        "primary_read": None,
        "node_groups": [],
        "hosts": {"started": [], "stopped": [], "unchanged": [], "states": {}},
        "alarm": None,
        **parts,
    }
    result["changed"] = any(g.get("changed") for g in result["node_groups"]) or bool(
        result["hosts"]["started"] or result["hosts"]["stopped"]
    )
    result["errors"] = list(run.errors)
    result["message"] = f"{result['action']} ({result['trigger']}): {_summary(result)}"
    return result


def failover(run: Run) -> dict[str, Any]:
    groups = [_failover_group(run, group) for group in run.settings.node_groups]
    read = "recorded" if any(g["primary_read"] == "recorded" for g in groups) else "live"
    return _result(run, primary_read=read, node_groups=groups, hosts=_sync_hosts(run, "up"))


def failback(run: Run) -> dict[str, Any]:
    alarm = _healthy_primary(run)
    groups = [_failback_group(run, group) for group in run.settings.node_groups]
    return _result(run, node_groups=groups, hosts=_sync_hosts(run, "down"), alarm=alarm)


def status(run: Run) -> dict[str, Any]:
    groups = [_status_group(run, group) for group in run.settings.node_groups]
    hosts = _sync_hosts(run, None)
    try:
        alarm = _read_alarm(run.settings) or {"name": run.settings.alarm_name, "state": "not found"}
    except (ClientError, BotoCoreError) as err:
        alarm = {"name": run.settings.alarm_name, "error": run.failed("read alarm", _error_text(err))}
    return _result(run, node_groups=groups, hosts=hosts, alarm=alarm)


def no_change(run: Run) -> dict[str, Any]:
    """An alarm event that asks for nothing: OK without AUTO_FAILBACK, or INSUFFICIENT_DATA."""
    return _result(run, alarm=run.request.alarm)


RUNS = {"failover": failover, "failback": failback, "status": status, "none": no_change}


# --------------------------------------------------------------------------------------------------
# Summary, log and SNS
# --------------------------------------------------------------------------------------------------

# How a node group changed -> (what, verb) in the summary.
_HOW_WORDS = {
    "scaled": ("node group", "scaled"),
    "created companion": ("companion group", "created"),
    "companion scaled": ("companion group", "scaled"),
    "companion deleted": ("companion group", "deleted"),
    "failed": ("node group", "failed"),
}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _summary(result: dict[str, Any]) -> str:
    if result["action"] == "none":
        alarm = result["alarm"]
        if alarm["state"] == "OK":
            return f"alarm {alarm['name']} is OK: primary healthy again; failback is manual, no change"
        return f"alarm {alarm['name']} is {alarm['state']}: primary health unknown, no change"
    if result["action"] == "status":
        return _status_summary(result)
    hows = Counter(part for g in result["node_groups"] for part in g["how"].split(", ") if part in _HOW_WORDS)
    parts = [f"{_plural(count, _HOW_WORDS[how][0])} {_HOW_WORDS[how][1]}" for how, count in hows.items()]
    for verb in ("started", "stopped"):
        if result["hosts"][verb]:
            parts.append(f"{_plural(len(result['hosts'][verb]), 'host')} {verb}")
    if result["hosts"].get("error"):
        parts.append("hosts failed")
    if not parts:
        parts.append("no change")
    if result["primary_read"] == "recorded":
        parts.append("recorded primary sizes used (primary unreadable)")
    return ", ".join(parts)


def _status_summary(result: dict[str, Any]) -> str:
    groups = result["node_groups"]
    companions = sum(1 for g in groups if g.get("companion"))
    states = Counter(result["hosts"]["states"].values())
    hosts = ", ".join(f"{count} {state}" for state, count in sorted(states.items())) or "none"
    alarm = result["alarm"].get("state", "unreadable")
    return (
        f"{_plural(len(groups), 'node group')} ({companions} with companion), hosts: {hosts}, alarm {alarm}"
    )


def _result_subject(result: dict[str, Any]) -> str:
    label = f"alarm {result['alarm']['state']}" if result["action"] == "none" else result["action"]
    return f"lowlat DR {label}: {_summary(result)}"


def _subject(text: str) -> str:
    # SNS subjects: ASCII, one line, fewer than 100 characters.
    text = " ".join(text.split()).encode("ascii", "replace").decode("ascii")
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 3] + "..."


def _publish(topic_arn: str | None, subject: str, record: dict[str, Any], request_id: str | None) -> bool:
    """Publish a result; a failure is logged and reported, never raised (it must not hide the action)."""
    if topic_arn is None:
        return False
    match = TOPIC_ARN.fullmatch(topic_arn)
    region = match.group(1) if match else ""
    try:
        client("sns", region).publish(
            TopicArn=topic_arn,
            Subject=_subject(subject),
            Message=json.dumps(record, default=str, sort_keys=True),
        )
    except (ClientError, BotoCoreError) as err:
        _log(logging.ERROR, {"step": "publish", "error": _error_text(err), "aws_request_id": request_id})
        return False
    return True


def _report_refusal(err: RefusedError, request: Request | None, request_id: str | None) -> None:
    action = request.action if request else None
    record = {
        "action": action,
        "trigger": request.trigger if request else None,
        "refused": True,
        "changed": False,
        "error": str(err),
        **err.details,
        "message": f"refused: {err}",
    }
    published = _publish(
        _topic_from_env(), f"lowlat DR {action or 'request'} refused: {err}", record, request_id
    )
    _log(
        logging.WARNING,
        {"summary": record["message"], **record, "published": published, "aws_request_id": request_id},
    )


def _report_crash(err: Exception, request: Request | None, request_id: str | None) -> None:
    action = request.action if request else None
    error = f"{type(err).__name__}: {err}"
    message = f"{action or 'request'} failed: {error}"
    record = {"action": action, "failed": True, "error": error, "message": message}
    published = _publish(_topic_from_env(), f"lowlat DR {message}", record, request_id)
    _log(
        logging.ERROR,
        {"summary": record["message"], **record, "published": published, "aws_request_id": request_id},
    )


# --------------------------------------------------------------------------------------------------
# Handler
# --------------------------------------------------------------------------------------------------


def handler(event: Any, context: Any) -> dict[str, Any]:
    request_id = getattr(context, "aws_request_id", None)
    request: Request | None = None
    try:
        settings = load_settings()
        request = parse_event(event, settings)
        result = RUNS[request.action](Run(settings, request, request_id))
    except RefusedError as err:
        _report_refusal(err, request, request_id)
        raise
    except Exception as err:
        _report_crash(err, request, request_id)
        raise

    result["published"] = _publish(settings.topic_arn, _result_subject(result), result, request_id)
    summary = {key: result[key] for key in ("action", "trigger", "changed", "errors", "published")}
    level = logging.ERROR if result["errors"] else logging.INFO
    _log(level, {"summary": result["message"], **summary, "aws_request_id": request_id})
    if result["errors"]:
        raise ActionFailedError(
            f"{result['message']}; failed: {'; '.join(result['errors'])} (the other steps ran; "
            f"result {'published' if result['published'] else 'not published'})"
        )
    return result
