#!/usr/bin/env python3
"""Write the Ansible group_vars of an environment's platform from its Terraform outputs.

    tools/tf_outputs_to_group_vars.py [OUTPUTS_JSON | -] [--output PATH] [--check] [--source LABEL]
                                      [--stack-output NAME]

Reads `terraform output -json` of an environment (terraform/environments/dev or prod) from the
file OUTPUTS_JSON, or standard input ("-" or no argument), and writes a group_vars file (default
inventories/aws/group_vars/all/platform.yml of this repository; `--output -` prints it) holding:

- `lowlat_platform`: the `platform` map of the `stack` output (stream, bus, queues, topics, stores,
  secret ARNs, keys, dashboard, alarms, persona roles), ARNs, URLs, names and the database port only;
- the role variables the platform provides, each one a variable the role already reads (ROLE_VARS):
  the Rancher token's and Grafana admin's secrets, the SNS alert topic, where engine metrics go.

It never writes a secret value: it refuses the whole input when any output is marked sensitive
(`terraform output -json` prints sensitive values in clear), when the platform map has a key it
does not know, or when a value is not the ARN, URL or name shape its key expects. Refusal
messages name the key and the expected shape, never the value. Every map is sorted by key,
so the same input always gives the same bytes; an unchanged file is not rewritten. It also refuses
to create group_vars/all/ beside a group_vars/all.yml, which Ansible would then stop reading.

--check compares instead of writing: exit 1 (and a diff) when the file is missing or differs.
Exit 0: written, unchanged, or up to date. 1: --check found a difference. 2: input refused,
nothing written.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO / "inventories" / "aws" / "group_vars" / "all" / "platform.yml"
TOOL = "tools/tf_outputs_to_group_vars.py"
PROG = Path(TOOL).name


class Refused(Exception):
    """The input cannot be turned into group_vars; the message says why (never with a value)."""


# --- shapes -----------------------------------------------------------------------------------

ARN_RE = re.compile(
    r"^arn:(?P<partition>aws(?:-[a-z]+)*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d{12}|):(?P<resource>[A-Za-z0-9/_+=.,@:!-]+)$"
)
REGION_RE = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$")
MAP_KEY_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
# Queue URLs as AWS gives them, or from an emulator on the loopback address (tools/tf.sh --endpoint).
SQS_URL_RE = re.compile(
    r"^(?:https://(?:sqs\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?|(?:[a-z0-9-]+\.)?queue\.amazonaws\.com)"
    r"|https?://(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost)(?::\d{1,5})?)"
    r"/\d{12}/[A-Za-z0-9_-]{1,80}(?:\.fifo)?$"
)
HOSTNAME_RE = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")
KMS_KEY_ID = r"(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"

Check = Callable[[str, Any], Any]


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(text: str) -> Arn | None:
    match = ARN_RE.match(text)
    return Arn(**match.groupdict()) if match else None


def _string(path: str, value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise Refused(f"{path}: expected {what}, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"a string of {len(value)} character{'s' if len(value) != 1 else ''} that is not one"
    json_types = {bool: "boolean", int: "number", float: "number", dict: "object", list: "array"}
    return f"a JSON {json_types.get(type(value), type(value).__name__)}"


def arn(service: str, resource: str, regional: bool = True, hint: str | None = None) -> Check:
    """An ARN of `service` whose resource part matches `resource` (a regex; `hint` shows it in messages)."""
    resource_re = re.compile(f"^(?:{resource})$")
    region = "REGION" if regional else ""
    what = f"an ARN of {service} (arn:PARTITION:{service}:{region}:ACCOUNT:{hint or _pattern_hint(resource)})"

    def check(path: str, value: Any) -> str:
        text = _string(path, value, what)
        parsed = parse_arn(text)
        ok = (
            parsed is not None
            and parsed.service == service
            and parsed.account != ""
            and (REGION_RE.match(parsed.region) if regional else parsed.region == "")
            and resource_re.match(parsed.resource)
        )
        if not ok:
            raise Refused(f"{path}: expected {what}, got {_kind(text)}")
        return text

    return check


def _pattern_hint(resource: str) -> str:
    """The resource regex as a readable prefix: 'stream/NAME', 'secret:NAME', ..."""
    head = re.split(r"[\[(]", resource, maxsplit=1)[0]
    return f"{head}NAME" if head else "NAME"


def pattern(regex: str, what: str) -> Check:
    compiled = re.compile(regex)

    def check(path: str, value: Any) -> str:
        text = _string(path, value, what)
        if not compiled.match(text):
            raise Refused(f"{path}: expected {what}, got {_kind(text)}")
        return text

    return check


def name(chars: str, low: int, high: int, what: str) -> Check:
    return pattern(f"^[{chars}]{{{low},{high}}}$", f"{what} ({low}-{high} of {chars})")


def port(path: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(f"{path}: expected a TCP port (an integer 1-65535), got {_kind(value)}")
    if not 1 <= value <= 65535:
        raise Refused(f"{path}: expected a TCP port (an integer 1-65535), got an integer outside that range")
    return value


def mapping(check: Check) -> Check:
    """A JSON object: keys like orders or queue_message_age:orders, each value passing `check`."""

    def check_map(path: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Refused(f"{path}: expected a JSON object (name -> value), got {_kind(value)}")

        def named(key: str) -> Check:
            if not MAP_KEY_RE.match(key):
                raise Refused(f"{path}: a key is not a name (1-128 of A-Za-z0-9_.:-)")
            return check

        return _each(path, value, named)

    return check_map


def _each(path: str, value: dict[str, Any], check_of: Callable[[str], Check]) -> dict[str, Any]:
    """Every item checked (sorted by key); all problems reported together."""
    out, problems = {}, []
    for key in sorted(value):
        try:
            out[key] = check_of(key)(f"{path}.{key}", value[key])
        except Refused as exc:
            problems.append(str(exc))
    if problems:
        raise Refused("\n".join(problems))
    return out


def nullable(check: Check) -> Check:
    def check_or_null(path: str, value: Any) -> Any:
        return None if value is None else check(path, value)

    return check_or_null


def record(fields: dict[str, Check]) -> Check:
    """A JSON object with exactly these keys, each value passing its check."""

    def check_record(path: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict) or set(value) != set(fields):
            raise Refused(f"{path}: expected a JSON object with exactly the keys {', '.join(sorted(fields))}")
        return _each(path, value, fields.__getitem__)

    return check_record


CW_NAMESPACE = pattern(
    r"^(?!AWS/)[A-Za-z0-9 ._/#:-]{1,250}$", "a CloudWatch namespace (1-250 of A-Za-z0-9 ._/#:-, not AWS/...)"
)
CW_METRIC_NAME = name("A-Za-z0-9_.-", 1, 255, "a CloudWatch metric name")
CW_DIMENSION_VALUE = name("A-Za-z0-9 _.:/#@+=-", 1, 255, "a CloudWatch dimension value")
SQS_URL = pattern(SQS_URL_RE.pattern, "an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)")
SECRET_ARN = arn("secretsmanager", r"secret:[A-Za-z0-9/_+=.@!-]{1,512}")

# Every key of the stack module's `platform` output (terraform/modules/stack/outputs.tf) and its
# shape. A key that is not here is refused: add it with its shape when the output grows one.
PLATFORM: dict[str, Check] = {
    "market_data_stream_name": name("A-Za-z0-9_.-", 1, 128, "a Kinesis stream name"),
    "market_data_stream_arn": arn("kinesis", r"stream/[A-Za-z0-9_.-]{1,128}"),
    "archive_firehose_name": name("A-Za-z0-9_.-", 1, 64, "a Firehose delivery stream name"),
    "order_bus_name": name("A-Za-z0-9/_.-", 1, 256, "an EventBridge bus name"),
    "order_bus_arn": arn("events", r"event-bus/[A-Za-z0-9/_.-]{1,256}"),
    "order_queue_urls": mapping(SQS_URL),
    "dead_letter_queue_urls": mapping(SQS_URL),
    "alert_topic_arn": arn("sns", r"[A-Za-z0-9_-]{1,256}(?:\.fifo)?"),
    "notification_topic_arn": arn("sns", r"[A-Za-z0-9_-]{1,256}(?:\.fifo)?"),
    "rds_endpoint": pattern(HOSTNAME_RE.pattern, "a DNS host name (the RDS instance's address)"),
    "rds_port": port,
    # null when RDS does not manage the master password (one() of an empty list).
    "rds_master_secret_arn": nullable(SECRET_ARN),
    "dynamodb_table_names": mapping(name("A-Za-z0-9_.-", 3, 255, "a DynamoDB table name")),
    "archive_bucket_name": pattern(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "an S3 bucket name"),
    "audit_bucket_name": pattern(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "an S3 bucket name"),
    "efs_file_system_id": pattern(r"^fs-[0-9a-f]{8,40}$", "an EFS file system ID (fs-HEX)"),
    "efs_access_point_id": pattern(r"^fsap-[0-9a-f]{8,40}$", "an EFS access point ID (fsap-HEX)"),
    "backup_vault_name": name("A-Za-z0-9_.-", 2, 50, "a Backup vault name"),
    "secret_arns": mapping(SECRET_ARN),
    "kms_key_arns": mapping(arn("kms", f"key/{KMS_KEY_ID}", hint="key/KEY-ID")),
    "web_acl_arn": arn(
        "wafv2", r"regional/webacl/[A-Za-z0-9_-]{1,128}/[A-Za-z0-9-]{1,128}", hint="regional/webacl/NAME/ID"
    ),
    # null when enable_cloudtrail is false.
    "cloudtrail_arn": nullable(arn("cloudtrail", r"trail/[A-Za-z0-9_.-]{3,128}")),
    "persona_role_arns": mapping(arn("iam", r"role/[A-Za-z0-9+=,.@_/-]{1,512}", regional=False)),
    "dashboard_name": name("A-Za-z0-9_-", 1, 255, "a CloudWatch dashboard name"),
    "alarm_names": mapping(name("A-Za-z0-9_.:/-", 1, 255, "a CloudWatch alarm name")),
    # Where the engine's metrics publisher sends what the alarms and the dashboard read.
    "engine_metrics": record(
        {
            "namespace": CW_NAMESPACE,
            "dimensions": mapping(CW_DIMENSION_VALUE),
            "metric_names": record(
                {key: CW_METRIC_NAME for key in ("execution_delay", "kill_switch", "orders_per_second")}
            ),
        }
    ),
}

# The secret the rancher_agent role reads its registration token from (terraform/modules/security/
# secrets.tf: the container is Terraform's, the value the operator's).
RANCHER_TOKEN_SECRET = "rancher_agent_token"
# The secret the grafana_dashboards role reads Grafana's admin credential from (generated by Terraform).
GRAFANA_ADMIN_SECRET = "grafana_admin"
REQUIRED_SECRETS = (GRAFANA_ADMIN_SECRET, RANCHER_TOKEN_SECRET)


def _rancher_secret(platform: dict[str, Any]) -> str:
    return platform["secret_arns"][RANCHER_TOKEN_SECRET]


def _region_of(text: str) -> str:
    parsed = parse_arn(text)
    assert parsed is not None  # checked by PLATFORM
    return parsed.region


@dataclass(frozen=True)
class RoleVar:
    role: str  # roles/<role>/meta/argument_specs.yml declares `name` (tests/unit checks it)
    name: str
    value: Callable[[dict[str, Any]], Any]
    comment: str


# Role variables the platform provides. Only variables a role of this collection already reads.
ROLE_VARS: tuple[RoleVar, ...] = (
    RoleVar(
        "alertmanager",
        "alertmanager_sns_topic_arn",
        lambda platform: platform["alert_topic_arn"],
        "the platform's SNS alert topic: alerts are published there too",
    ),
    RoleVar(
        "grafana_dashboards",
        "grafana_dashboards_admin_secret_id",
        lambda platform: platform["secret_arns"][GRAFANA_ADMIN_SECRET],
        "the Secrets Manager secret holding Grafana's generated admin credential (read on the controller)",
    ),
    RoleVar(
        "grafana_dashboards",
        "grafana_dashboards_admin_secret_region",
        lambda platform: _region_of(platform["secret_arns"][GRAFANA_ADMIN_SECRET]),
        "its region, from the ARN",
    ),
    RoleVar(
        "rancher_agent",
        "rancher_agent_token_secret_id",
        _rancher_secret,
        "the Secrets Manager secret holding Rancher's registration token (read on the controller)",
    ),
    RoleVar(
        "rancher_agent",
        "rancher_agent_token_secret_region",
        lambda platform: _region_of(_rancher_secret(platform)),
        "its region, from the ARN",
    ),
    RoleVar(
        "trading_engine",
        "trading_engine_cloudwatch_namespace",
        lambda platform: platform["engine_metrics"]["namespace"],
        "the CloudWatch namespace the engine's metrics go to (the alarms read them there)",
    ),
    RoleVar(
        "trading_engine",
        "trading_engine_cloudwatch_region",
        lambda platform: _region_of(platform["alert_topic_arn"]),
        "the platform's region, from the alert topic's ARN",
    ),
    RoleVar(
        "trading_engine",
        "trading_engine_cloudwatch_dimensions",
        lambda platform: platform["engine_metrics"]["dimensions"],
        "the dimensions the alarms and the dashboard select",
    ),
    RoleVar(
        "trading_engine",
        "trading_engine_cloudwatch_metric_names",
        lambda platform: platform["engine_metrics"]["metric_names"],
        "the metric names the alarms and the dashboard read",
    ),
)


# --- reading ----------------------------------------------------------------------------------


def read_outputs(text: str) -> dict[str, Any]:
    """`terraform output -json`: output name -> {"sensitive": bool, "type": ..., "value": ...}."""
    if not text.strip():
        raise Refused("the input is empty: give the output of `terraform output -json`")
    try:
        outputs = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Refused(f"the input is not JSON (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(outputs, dict) or not outputs:
        raise Refused("the input is not the output of `terraform output -json` (a JSON object of outputs)")
    malformed = sorted(
        key
        for key, out in outputs.items()
        if not isinstance(out, dict) or "value" not in out or not isinstance(out.get("sensitive"), bool)
    )
    if malformed:
        hint = ""
        if "platform" in outputs:
            hint = (
                "; it looks like the value of one output (`terraform output -json stack`): give the whole "
                "`terraform output -json`, whose sensitive flags are checked"
            )
        raise Refused(
            "the input is not the output of `terraform output -json`: "
            f"{', '.join(malformed[:5])} {'has' if len(malformed) == 1 else 'have'} no "
            f'"value" and "sensitive"{hint}'
        )
    sensitive = sorted(key for key, out in outputs.items() if out["sensitive"])
    if sensitive:
        raise Refused(
            f"output{'s' if len(sensitive) > 1 else ''} {', '.join(sensitive)} "
            f"{'are' if len(sensitive) > 1 else 'is'} marked sensitive: `terraform output -json` prints "
            "sensitive values in clear, and no secret value may reach group_vars. Nothing was written. "
            "Do not keep that input anywhere; the environments' outputs carry secret ARNs, never values"
        )
    return outputs


def platform_of(outputs: dict[str, Any], stack_output: str) -> dict[str, Any]:
    """The checked `platform` map of the stack output, keys sorted."""
    if stack_output not in outputs:
        raise Refused(
            f'no output "{stack_output}" in the input (it has: {", ".join(sorted(outputs))}); '
            "run `terraform output -json` in terraform/environments/dev or prod"
        )
    stack = outputs[stack_output]["value"]
    if not isinstance(stack, dict) or stack.get("platform") is None:
        raise Refused(
            f'output "{stack_output}" has no "platform" map: the environment was applied with a stack module '
            "from before the platform services; run `terraform apply` with this repository's terraform/ first"
        )
    raw = stack["platform"]
    if not isinstance(raw, dict):
        raise Refused(f"{stack_output}.platform: expected a JSON object, got {_kind(raw)}")
    unknown = sorted(set(raw) - set(PLATFORM))
    if unknown:
        raise Refused(
            f"{stack_output}.platform has keys this tool does not know: {', '.join(unknown)}; "
            f"add each with its shape to PLATFORM in {TOOL} (an unknown value is never copied)"
        )
    missing = sorted(set(PLATFORM) - set(raw))
    if missing:
        raise Refused(
            f"{stack_output}.platform lacks {', '.join(missing)}: apply the environment with this "
            "repository's terraform/ first"
        )
    platform, problems = {}, []
    for key in sorted(raw):
        try:
            platform[key] = PLATFORM[key](f"{stack_output}.platform.{key}", raw[key])
        except Refused as exc:
            problems.extend(str(exc).splitlines())
    if len(problems) == 1:
        raise Refused(problems[0])
    if problems:
        raise Refused("\n  ".join([f"{len(problems)} values of an unexpected shape:", *problems]))
    absent = [secret for secret in REQUIRED_SECRETS if secret not in platform["secret_arns"]]
    if absent:
        raise Refused(
            f"{stack_output}.platform.secret_arns has no {' and no '.join(absent)} "
            "(terraform/modules/security/secrets.tf makes them)"
        )
    return platform


# --- writing ----------------------------------------------------------------------------------


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, default_flow_style=False, sort_keys=True, width=10_000, allow_unicode=False)


def render(platform: dict[str, Any], stack_output: str = "stack", source: str | None = None) -> str:
    """The group_vars file's text: a function of its arguments only (no time, no path)."""
    regions = sorted({a.region for a in map(parse_arn, _strings(platform)) if a and a.region})
    accounts = sorted({a.account for a in map(parse_arn, _strings(platform)) if a and a.account})
    origin = f"account {', '.join(accounts)}, region {', '.join(regions)}"
    if source:
        origin += f", {source}"
    lines = [
        "---",
        f"# Generated by {TOOL} from `terraform output -json`:",
        f'# output "{stack_output}", map "platform" ({origin}).',
        "# Do not edit: re-run the tool after `terraform apply` (docs/platform.md).",
        "# ARNs, URLs and names only: secret values stay in AWS Secrets Manager and are read at run time.",
        "",
        "# The platform around the hosts, for playbooks and roles: lowlat_platform.order_queue_urls.orders, ...",
    ]
    lines.append(_dump({"lowlat_platform": platform}).rstrip("\n"))
    lines += ["", "# Role variables the platform provides (roles/<role>/meta/argument_specs.yml)."]
    for var in ROLE_VARS:
        lines.append(f"# {var.role}: {var.comment}")
        lines.append(_dump({var.name: var.value(platform)}).rstrip("\n"))
    text = "\n".join(lines) + "\n"
    if any(delimiter in text for delimiter in ("{{", "{%", "{#")):  # impossible with the shapes above
        raise Refused("a value holds a Jinja2 delimiter")
    return text


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def refuse_shadowed(path: Path) -> None:
    """Refuse to write group_vars/GROUP/FILE next to a group_vars/GROUP.yml that it would hide.

    For each group Ansible reads the directory group_vars/GROUP/ or the file GROUP.yml (.yaml,
    .json), the directory first, never both: the new directory would silently drop the file.
    """
    group_dir = path.parent
    if group_dir.parent.name not in ("group_vars", "host_vars"):
        return
    for ext in (".yml", ".yaml", ".json"):
        sibling = group_dir.parent / f"{group_dir.name}{ext}"
        if sibling.is_file():
            raise Refused(
                f"{sibling} exists, and Ansible reads either it or the directory {group_dir}/, not both "
                f"(the directory wins): move it to {group_dir}/main{ext} first. Nothing was written"
            )


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=__doc__.split("\n\n", 1)[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "input", nargs="?", default="-", help="`terraform output -json` saved to a file; - or none = stdin"
    )
    parser.add_argument(
        "--output",
        default=None,
        help=f"group_vars file to write (default {DEFAULT_OUTPUT.relative_to(REPO)}); - = standard output",
    )
    parser.add_argument("--check", action="store_true", help="compare only: exit 1 when the file differs")
    parser.add_argument(
        "--source", help="where the outputs come from, for the header (terraform/environments/prod)"
    )
    parser.add_argument("--stack-output", default="stack", help="name of the stack output (default: stack)")
    args = parser.parse_args(argv)
    if args.check and args.output == "-":
        parser.error("--check compares with a file: give --output PATH, not -")
    if args.source is not None and not re.fullmatch(r"[A-Za-z0-9_./:@-]{1,80}", args.source):
        parser.error("--source must be a path or a name (1-80 of A-Za-z0-9_./:@-)")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]{0,63}", args.stack_output):
        parser.error("--stack-output must be a Terraform output name")
    try:
        if args.input == "-":
            if sys.stdin.isatty():
                raise Refused("give the file of `terraform output -json`, or pipe it in")
            text = sys.stdin.read()
        else:
            try:
                text = Path(args.input).read_text(encoding="utf-8")
            except OSError as exc:
                raise Refused(f"cannot read {args.input}: {exc.strerror}") from None
        outputs = read_outputs(text)
        platform = platform_of(outputs, args.stack_output)
        rendered = render(platform, args.stack_output, args.source)
    except Refused as exc:
        print(f"{PROG}: refused: {exc}", file=sys.stderr)
        return 2

    if args.output == "-":
        sys.stdout.write(rendered)
        return 0
    path = Path(args.output) if args.output else DEFAULT_OUTPUT
    try:
        refuse_shadowed(path)
    except Refused as exc:
        print(f"{PROG}: refused: {exc}", file=sys.stderr)
        return 2
    try:
        current = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = None
    except OSError as exc:
        print(f"{PROG}: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    if args.check:
        if current == rendered:
            print(f"{path}: up to date")
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                [] if current is None else current.splitlines(keepends=True),
                rendered.splitlines(keepends=True),
                f"{path} (now)" if current is not None else "/dev/null",
                f"{path} (from the outputs)",
            )
        )
        what = "does not exist" if current is None else "differs from the Terraform outputs"
        print(f"{PROG}: {path} {what}; run without --check to write it", file=sys.stderr)
        return 1
    if current == rendered:
        print(f"{path}: unchanged")
        return 0
    write_atomically(path, rendered)
    print(f"{path}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
