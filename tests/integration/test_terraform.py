"""Static checks of terraform/ (no Terraform binary or AWS provider can run here).

Every .tf file must parse with python-hcl2; the parsed configuration is then walked to assert the
properties the trading hosts depend on (dedicated tenancy in a cluster placement group, IMDSv2,
CMK-encrypted root volumes, least-privilege security groups, flow logs, VPN off by default), and
checkov must report zero failed checks.

python-hcl2 v8 keeps the source form of values: by default strings keep their quotes and
expressions come wrapped in ``${...}``. The structural tests load with ``strip_string_quotes`` so a
literal is a plain string and anything starting with ``${`` is an expression.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hcl2 import SerializationOptions

REPO = Path(__file__).resolve().parents[2]
TF_ROOT = REPO / "terraform"
MODULES_DIR = TF_ROOT / "modules"
ENVIRONMENTS_DIR = TF_ROOT / "environments"
CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"

TF_FILES = sorted(p for p in TF_ROOT.rglob("*.tf") if ".terraform" not in p.parts)
TFVARS_EXAMPLES = sorted(ENVIRONMENTS_DIR.glob("*/terraform.tfvars.example"))
MODULE_DIRS = sorted(p for p in MODULES_DIR.iterdir() if p.is_dir())
ENV_DIRS = sorted(p for p in ENVIRONMENTS_DIR.iterdir() if p.is_dir())
CONFIG_DIRS = MODULE_DIRS + ENV_DIRS

EXPECTED_MODULES = {"network", "trading_hosts", "connectivity"}
EXPECTED_ENVS = {"dev", "prod"}
ROLES = {"engine", "feed", "venue", "monitoring"}
C5N_SIZES = ("large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge", "metal")
OPEN_CIDRS = {"0.0.0.0/0", "::/0"}

_STRIPPED = SerializationOptions(strip_string_quotes=True, with_comments=False, explicit_blocks=False)


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


# --------------------------------------------------------------------------------------------------
# Loading: one merged view per Terraform configuration directory
# --------------------------------------------------------------------------------------------------


@dataclass
class Config:
    """The blocks of all .tf files of one directory, keyed the way Terraform addresses them."""

    path: Path
    resources: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)
    terraform: list[dict[str, Any]] = field(default_factory=list)
    providers: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def of_type(self, rtype: str) -> dict[str, dict[str, Any]]:
        return {name: body for (t, name), body in self.resources.items() if t == rtype}


def _labelled(blocks: list[dict[str, Any]], depth: int) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Flatten python-hcl2's nesting of labelled blocks: [{label1: {label2: body}}]."""
    for block in blocks:
        if depth == 0:
            yield (), block
            continue
        for label, inner in block.items():
            for labels, body in _labelled([inner], depth - 1):
                yield (label, *labels), body


@cache
def load_config(path: Path) -> Config:
    config = Config(path)
    for tf in sorted(path.glob("*.tf")):
        with tf.open() as handle:
            parsed = hcl2.load(handle, serialization_options=_STRIPPED)
        for (rtype, name), body in _labelled(parsed.get("resource", []), 2):
            assert (rtype, name) not in config.resources, f"{tf}: duplicate resource {rtype}.{name}"
            config.resources[(rtype, name)] = body
        for (dtype, name), body in _labelled(parsed.get("data", []), 2):
            config.data[(dtype, name)] = body
        for (name,), body in _labelled(parsed.get("variable", []), 1):
            config.variables[name] = body
        for (name,), body in _labelled(parsed.get("output", []), 1):
            config.outputs[name] = body
        for (name,), body in _labelled(parsed.get("module", []), 1):
            config.modules[name] = body
        for block in parsed.get("locals", []):
            config.locals.update(block)
        config.terraform.extend(parsed.get("terraform", []))
        for (name,), body in _labelled(parsed.get("provider", []), 1):
            config.providers.append((name, body))
    return config


def module(name: str) -> Config:
    return load_config(MODULES_DIR / name)


def env(name: str) -> Config:
    return load_config(ENVIRONMENTS_DIR / name)


def all_resources() -> Iterator[tuple[Path, str, str, dict[str, Any]]]:
    for path in CONFIG_DIRS:
        for (rtype, name), body in load_config(path).resources.items():
            yield path, rtype, name, body


def expr(value: Any) -> str:
    """The expression text of an attribute: "${var.x}" -> "var.x"; literals come back as str()."""
    text = str(value)
    if text.startswith("${") and text.endswith("}"):
        return text[2:-1].strip()
    return text


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("${")


def blocks(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Nested blocks of one kind (python-hcl2 gives a list, one dict per block)."""
    value = body.get(name, [])
    return value if isinstance(value, list) else [value]


def single_block(body: dict[str, Any], name: str) -> dict[str, Any]:
    found = blocks(body, name)
    assert len(found) == 1, f"expected exactly one {name} block, found {len(found)}"
    return found[0]


def hcl_string_literals(expression: str) -> list[str]:
    """Decoded values of the double-quoted string literals inside an HCL expression."""
    return [json.loads(m) for m in re.findall(r'"(?:[^"\\]|\\.)*"', expression)]


def referenced_vars(expression: str, config: Config, _seen: frozenset[str] = frozenset()) -> set[str]:
    """Variables an expression depends on, following local values transitively."""
    found = set(re.findall(r"\bvar\.([A-Za-z0-9_]+)", expression))
    for local in set(re.findall(r"\blocal\.([A-Za-z0-9_]+)", expression)) - _seen:
        if local in config.locals:
            found |= referenced_vars(json.dumps(config.locals[local]), config, _seen | {local})
    return found


# --------------------------------------------------------------------------------------------------
# Every file parses; every directory has the usual layout
# --------------------------------------------------------------------------------------------------


def test_terraform_tree_exists():
    assert {p.name for p in MODULE_DIRS} == EXPECTED_MODULES
    assert {p.name for p in ENV_DIRS} == EXPECTED_ENVS
    assert len(TF_FILES) >= 20


@pytest.mark.parametrize("tf_file", TF_FILES + TFVARS_EXAMPLES, ids=_rel)
def test_file_parses_with_python_hcl2(tf_file: Path):
    with tf_file.open() as handle:
        parsed = hcl2.load(handle)
    assert isinstance(parsed, dict)
    assert parsed, f"{_rel(tf_file)} parsed to nothing"


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda p: p.name)
def test_module_has_standard_layout(module_dir: Path):
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
        assert (module_dir / name).is_file(), f"{_rel(module_dir)} lacks {name}"


@pytest.mark.parametrize("env_dir", ENV_DIRS, ids=lambda p: p.name)
def test_environment_has_standard_layout(env_dir: Path):
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "terraform.tfvars.example"):
        assert (env_dir / name).is_file(), f"{_rel(env_dir)} lacks {name}"


@pytest.mark.parametrize("config_dir", CONFIG_DIRS, ids=_rel)
def test_versions_pin_terraform_and_aws_provider(config_dir: Path):
    terraform_blocks = load_config(config_dir).terraform
    assert len(terraform_blocks) == 1, "exactly one terraform {} block (in versions.tf)"
    settings = terraform_blocks[0]
    assert settings["required_version"] == ">= 1.5"
    aws = single_block(settings, "required_providers")["aws"]
    assert aws == {"source": "hashicorp/aws", "version": "~> 5.0"}


@pytest.mark.parametrize("config_dir", CONFIG_DIRS, ids=_rel)
def test_every_variable_has_type_and_description(config_dir: Path):
    variables = load_config(config_dir).variables
    assert variables
    for name, body in variables.items():
        assert body.get("type"), f"variable {name} has no type"
        assert str(body.get("description", "")).strip(), f"variable {name} has no description"


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda p: p.name)
def test_module_inputs_are_validated(module_dir: Path):
    """Every module input except free-form tags and plain switches carries a validation block."""
    for name, body in load_config(module_dir).variables.items():
        if name == "tags" or expr(body["type"]) == "bool":
            continue
        assert blocks(body, "validation"), f"{module_dir.name}: variable {name} has no validation"
        for validation in blocks(body, "validation"):
            assert f"var.{name}" in validation["condition"]
            assert validation["error_message"].strip()


@pytest.mark.parametrize("config_dir", CONFIG_DIRS, ids=_rel)
def test_every_output_has_description(config_dir: Path):
    for name, body in load_config(config_dir).outputs.items():
        assert str(body.get("description", "")).strip(), f"output {name} has no description"


def _readme_table_names(readme: str, heading: str) -> set[str]:
    section = readme.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\|\s*`([a-z0-9_]+)`\s*\|", section, flags=re.MULTILINE))


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda p: p.name)
def test_readme_tables_match_inputs_and_outputs(module_dir: Path):
    readme = (module_dir / "README.md").read_text()
    config = load_config(module_dir)
    assert _readme_table_names(readme, "Inputs") == set(config.variables)
    assert _readme_table_names(readme, "Outputs") == set(config.outputs)


# --------------------------------------------------------------------------------------------------
# trading_hosts: placement, tenancy, IMDSv2, encryption, IAM, tags
# --------------------------------------------------------------------------------------------------


def test_trading_hosts_define_instances():
    assert module("trading_hosts").of_type("aws_instance"), "trading_hosts defines no aws_instance"


@pytest.mark.parametrize("config_dir", CONFIG_DIRS, ids=_rel)
def test_every_instance_is_a_dedicated_imdsv2_host_in_the_cluster_group(config_dir: Path):
    config = load_config(config_dir)
    for name, instance in config.of_type("aws_instance").items():
        where = f"{_rel(config_dir)}: aws_instance.{name}"
        assert instance.get("tenancy") == "dedicated", where

        placement = re.fullmatch(
            r"aws_placement_group\.(\w+)\.(id|name)", expr(instance.get("placement_group"))
        )
        assert placement, f"{where}: placement_group must reference this module's placement group"
        group = config.resources[("aws_placement_group", placement.group(1))]
        assert group["strategy"] == "cluster", where

        metadata = single_block(instance, "metadata_options")
        assert metadata["http_tokens"] == "required", where
        assert metadata["http_put_response_hop_limit"] == 1, where
        assert metadata.get("http_endpoint", "enabled") == "enabled", where

        assert instance.get("monitoring") is True, where
        assert instance.get("ebs_optimized") is True, where
        assert instance.get("associate_public_ip_address") is False, where


@pytest.mark.parametrize("config_dir", CONFIG_DIRS, ids=_rel)
def test_every_instance_root_volume_is_encrypted_with_a_rotating_cmk(config_dir: Path):
    config = load_config(config_dir)
    for name, instance in config.of_type("aws_instance").items():
        where = f"{_rel(config_dir)}: aws_instance.{name}"
        root = single_block(instance, "root_block_device")
        assert root["encrypted"] is True, where
        assert root["volume_type"] == "gp3", where
        key = re.fullmatch(r"aws_kms_key\.(\w+)\.arn", expr(root.get("kms_key_id")))
        assert key, f"{where}: root volume kms_key_id must be a customer-managed aws_kms_key of this module"
        assert config.resources[("aws_kms_key", key.group(1))]["enable_key_rotation"] is True
        assert not instance.get("ebs_block_device"), f"{where}: extra volumes must be reviewed for encryption"


def test_instance_uses_the_least_privilege_instance_profile():
    config = module("trading_hosts")
    (instance,) = config.of_type("aws_instance").values()
    profile = re.fullmatch(r"aws_iam_instance_profile\.(\w+)\.name", expr(instance["iam_instance_profile"]))
    assert profile
    role_ref = expr(config.resources[("aws_iam_instance_profile", profile.group(1))]["role"])
    role_name = re.fullmatch(r"aws_iam_role\.(\w+)\.name", role_ref).group(1)

    assume = config.data[("aws_iam_policy_document", "assume")]
    (statement,) = blocks(assume, "statement")
    assert statement["actions"] == ["sts:AssumeRole"]
    assert single_block(statement, "principals")["identifiers"] == ["ec2.amazonaws.com"]

    attachments = [
        body
        for body in config.of_type("aws_iam_role_policy_attachment").values()
        if expr(body["role"]) == f"aws_iam_role.{role_name}.name"
    ]
    assert [expr(a["policy_arn"]).rsplit("/", 1)[-1] for a in attachments] == ["AmazonSSMManagedInstanceCore"]

    inline = [
        body
        for body in config.of_type("aws_iam_role_policy").values()
        if expr(body["role"]) == f"aws_iam_role.{role_name}.id"
    ]
    assert len(inline) == 1
    document = re.fullmatch(r"data\.aws_iam_policy_document\.(\w+)\.json", expr(inline[0]["policy"])).group(1)
    secret_policy = config.data[("aws_iam_policy_document", document)]
    (secret_statement,) = blocks(secret_policy, "statement")
    assert secret_statement["actions"] == ["secretsmanager:GetSecretValue"]
    assert secret_statement["resources"] == ["${var.host_secret_arn}"]
    assert secret_statement.get("effect", "Allow") == "Allow"

    # The only other statement is the optional decrypt of that one secret's key, through Secrets Manager.
    (dynamic,) = blocks(secret_policy, "dynamic")
    content = single_block(dynamic["statement"], "content")
    assert content["actions"] == ["kms:Decrypt"]
    assert single_block(content, "condition")["variable"] == "kms:ViaService"
    assert "var.host_secret_kms_key_arn" in dynamic["statement"]["for_each"]


def test_host_secret_arn_validation_rejects_wildcards():
    (validation,) = blocks(module("trading_hosts").variables["host_secret_arn"], "validation")
    (pattern,) = hcl_string_literals(validation["condition"])
    good = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/prod/engine-AbCdEf"
    assert re.search(pattern, good)
    for bad in ("*", "arn:aws:secretsmanager:eu-west-2:123456789012:secret:*", good.replace("engine", "*")):
        assert not re.search(pattern, bad), bad


def test_lowlat_tags_contract_for_the_inventory():
    tags = module("trading_hosts").locals["lowlat_tags"]
    assert tags == {
        "lowlat:role": "${var.role}",
        "lowlat:env": "${var.env}",
        "lowlat:cluster": "${var.cluster}",
        "lowlat:managed": "true",
    }


@pytest.mark.parametrize("config_dir", CONFIG_DIRS, ids=_rel)
def test_every_instance_carries_the_lowlat_tags(config_dir: Path):
    for name, instance in load_config(config_dir).of_type("aws_instance").items():
        tags = expr(instance["tags"])
        assert tags.startswith("merge("), (
            f"aws_instance.{name}: tags must merge user tags, lowlat tags and Name"
        )
        assert "local.lowlat_tags" in tags
        assert "Name" in tags
        # merge() lets later maps win: user tags first so they cannot override the contract.
        assert tags.index("var.tags") < tags.index("local.lowlat_tags"), (
            "user tags must not override lowlat tags"
        )


def test_role_validation_allows_exactly_the_inventory_roles():
    (validation,) = blocks(module("trading_hosts").variables["role"], "validation")
    assert expr(validation["condition"]).startswith("contains(")
    assert set(hcl_string_literals(validation["condition"])) == ROLES


def _instance_type_pattern() -> re.Pattern[str]:
    (validation,) = blocks(module("trading_hosts").variables["instance_type"], "validation")
    condition = expr(validation["condition"])
    match = re.fullmatch(r'can\(regex\(("(?:[^"\\]|\\.)*"),\s*var\.instance_type\)\)', condition)
    assert match, f"unexpected instance_type condition: {condition}"
    # Terraform's regex() finds a match anywhere, so search() is the faithful evaluation.
    return re.compile(json.loads(match.group(1)))


@pytest.mark.parametrize("size", C5N_SIZES)
def test_instance_type_validation_accepts_c5n(size: str):
    assert _instance_type_pattern().search(f"c5n.{size}")


@pytest.mark.parametrize(
    "instance_type",
    ["m5.large", "c5.18xlarge", "c5n.24xlarge", "c6in.32xlarge", "xc5n.large", "c5n.large2", "c5n_large", ""],
)
def test_instance_type_validation_rejects_other_types(instance_type: str):
    assert not _instance_type_pattern().search(instance_type)


def test_placement_groups_are_cluster_strategy():
    groups = [body for path, rtype, _, body in all_resources() if rtype == "aws_placement_group"]
    assert groups
    assert all(group["strategy"] == "cluster" for group in groups)


def test_ena_and_architecture_are_checked_before_launch():
    config = module("trading_hosts")
    (instance,) = config.of_type("aws_instance").values()
    preconditions = blocks(single_block(instance, "lifecycle"), "precondition")
    conditions = " ".join(expr(p["condition"]) for p in preconditions)
    assert "data.aws_ami.selected.ena_support" in conditions
    assert 'data.aws_ami.selected.architecture == "x86_64"' in conditions
    ami_filter = single_block(config.data[("aws_ami", "selected")], "filter")
    assert ami_filter == {"name": "image-id", "values": ["${var.ami_id}"]}


# --------------------------------------------------------------------------------------------------
# KMS and logs
# --------------------------------------------------------------------------------------------------


def test_every_kms_key_rotates_and_has_a_key_policy():
    keys = [(path, name, body) for path, rtype, name, body in all_resources() if rtype == "aws_kms_key"]
    assert len(keys) >= 3
    for path, name, key in keys:
        assert key.get("enable_key_rotation") is True, f"{_rel(path)}: aws_kms_key.{name}"
        principals = re.findall(r'Principal\s*=\s*(\{[^}]*\}|"[^"]*")', str(key.get("policy", "")))
        assert principals, f"{_rel(path)}: aws_kms_key.{name} has no key policy with principals"
        assert not [p for p in principals if '"*"' in p], (
            f"{_rel(path)}: aws_kms_key.{name} wildcard principal"
        )


def _retention_days(config: Config, value: Any) -> int:
    if isinstance(value, int):
        return value
    return config.variables[expr(value).removeprefix("var.")]["default"]


def test_every_log_group_is_kms_encrypted_and_kept_a_year():
    for path in CONFIG_DIRS:
        config = load_config(path)
        for name, group in config.of_type("aws_cloudwatch_log_group").items():
            where = f"{_rel(path)}: aws_cloudwatch_log_group.{name}"
            assert re.fullmatch(r"aws_kms_key\.\w+(\[0\])?\.arn", expr(group.get("kms_key_id"))), where
            assert _retention_days(config, group["retention_in_days"]) >= 365, where


def test_vpc_flow_logs_go_to_the_encrypted_log_group():
    config = module("network")
    (flow_log,) = config.of_type("aws_flow_log").values()
    assert expr(flow_log["vpc_id"]) == "aws_vpc.this.id"
    assert flow_log["log_destination_type"] == "cloud-watch-logs"
    group = re.fullmatch(r"aws_cloudwatch_log_group\.(\w+)\.arn", expr(flow_log["log_destination"])).group(1)
    assert config.resources[("aws_cloudwatch_log_group", group)]["kms_key_id"]
    assert config.variables["flow_log_traffic_type"]["default"] == "ALL"
    assert config.variables["flow_log_retention_days"]["default"] >= 365
    assert flow_log["iam_role_arn"] == "${aws_iam_role.flow_logs.arn}"


# --------------------------------------------------------------------------------------------------
# network: layout, endpoints, security groups
# --------------------------------------------------------------------------------------------------


def test_network_is_multi_az_with_one_nat_gateway_per_az():
    config = module("network")
    per_az = ("aws_subnet.public", "aws_subnet.private", "aws_eip.nat", "aws_nat_gateway.this")
    for address in per_az:
        rtype, name = address.split(".")
        assert config.resources[(rtype, name)]["for_each"] == "${var.subnets}", address
    nat = config.resources[("aws_nat_gateway", "this")]
    assert expr(nat["subnet_id"]) == "aws_subnet.public[each.key].id"
    private_route = config.resources[("aws_route", "private_nat")]
    assert expr(private_route["nat_gateway_id"]) == "aws_nat_gateway.this[each.key].id"
    assert config.of_type("aws_internet_gateway")
    conditions = [expr(v["condition"]) for v in blocks(config.variables["subnets"], "validation")]
    assert "length(var.subnets) >= 2" in conditions
    for name in EXPECTED_ENVS:
        assert len(env(name).variables["subnets"]["default"]) >= 2, name


def test_no_subnet_hands_out_public_ips():
    for name, subnet in module("network").of_type("aws_subnet").items():
        assert subnet["map_public_ip_on_launch"] is False, name


def test_gateway_endpoints_and_kinesis_interface_endpoint():
    endpoints = module("network").of_type("aws_vpc_endpoint")
    by_service = {expr(e["service_name"]).rsplit(".", 1)[-1].rstrip("}"): e for e in endpoints.values()}
    assert by_service["s3"]["vpc_endpoint_type"] == "Gateway"
    assert by_service["dynamodb"]["vpc_endpoint_type"] == "Gateway"
    kinesis = by_service["kinesis-streams"]
    assert kinesis["vpc_endpoint_type"] == "Interface"
    assert kinesis["private_dns_enabled"] is True
    assert kinesis["security_group_ids"] == ["${aws_security_group.endpoints.id}"]


def test_network_acls_cover_both_subnet_tiers():
    config = module("network")
    acls = config.of_type("aws_network_acl")
    assert set(acls) == {"public", "private"}
    for name, acl in acls.items():
        assert f"aws_subnet.{name}" in acl["subnet_ids"]
    for rule in config.of_type("aws_network_acl_rule").values():
        assert rule["rule_action"] == "allow"


def test_default_security_group_has_no_rules():
    config = module("network")
    (default_sg,) = config.of_type("aws_default_security_group").values()
    assert expr(default_sg["vpc_id"]) == "aws_vpc.this.id"
    assert "ingress" not in default_sg
    assert "egress" not in default_sg


def _security_group_rules(config: Config, direction: str) -> dict[str, dict[str, Any]]:
    return config.of_type(f"aws_vpc_security_group_{direction}_rule")


def test_security_groups_use_standalone_rules_only():
    """Inline rules and the legacy rule resource would bypass the checks below."""
    for path, rtype, name, body in all_resources():
        assert rtype != "aws_security_group_rule", f"{_rel(path)}: use aws_vpc_security_group_*_rule"
        if rtype == "aws_security_group":
            assert "ingress" not in body and "egress" not in body, f"{_rel(path)}: {name} has inline rules"


def test_three_tier_security_groups_exist():
    groups = module("network").of_type("aws_security_group")
    assert {"engine", "market_data", "monitoring"} <= set(groups)


@pytest.mark.parametrize("direction", ["ingress", "egress"])
def test_every_security_group_rule_has_a_description(direction: str):
    for name, rule in _security_group_rules(module("network"), direction).items():
        assert str(rule.get("description", "")).strip(), f"{direction} rule {name}"


def _var_rejects_open_cidr(config: Config, var_name: str) -> bool:
    variable = config.variables[var_name]
    defaults = variable.get("default") or []
    conditions = " ".join(v["condition"] for v in blocks(variable, "validation"))
    return not OPEN_CIDRS & set(defaults) and 'endswith(c, "/0")' in conditions


def test_no_ingress_from_anywhere():
    config = module("network")
    rules = _security_group_rules(config, "ingress")
    assert rules
    for name, rule in rules.items():
        for attribute in ("cidr_ipv4", "cidr_ipv6"):
            if attribute not in rule:
                continue
            value = rule[attribute]
            assert value not in OPEN_CIDRS, f"ingress rule {name} is open to the world"
            if is_expression(value):
                # A CIDR fed from inputs: every list(string) input behind it must reject /0.
                sources = referenced_vars(rule.get("for_each", "") + value, config)
                cidr_vars = {v for v in sources if expr(config.variables[v]["type"]) == "list(string)"}
                assert cidr_vars, f"ingress rule {name}: cannot tell where its CIDR comes from"
                for var_name in cidr_vars:
                    assert _var_rejects_open_cidr(config, var_name), (
                        f"{name}: var.{var_name} may be 0.0.0.0/0"
                    )


def test_metrics_ports_are_reachable_only_from_the_monitoring_tier():
    config = module("network")
    assert config.variables["node_exporter_port"]["default"] == 9100
    assert config.variables["engine_metrics_port"]["default"] == 9102
    metrics_ports = {"${var.node_exporter_port}", "${var.engine_metrics_port}"}
    seen = set()
    for name, rule in _security_group_rules(config, "ingress").items():
        if rule.get("from_port") in metrics_ports or rule.get("to_port") in metrics_ports:
            seen.add(rule["from_port"])
            assert rule["from_port"] == rule["to_port"], name
            assert rule["ip_protocol"] == "tcp", name
            assert rule["referenced_security_group_id"] == "${aws_security_group.monitoring.id}", name
            assert not {"cidr_ipv4", "cidr_ipv6", "prefix_list_id"} & set(rule), name
    assert seen == metrics_ports
    engine_metrics = config.resources[
        ("aws_vpc_security_group_ingress_rule", "engine_metrics_from_monitoring")
    ]
    assert engine_metrics["security_group_id"] == "${aws_security_group.engine.id}"
    node_exporter = config.resources[("aws_vpc_security_group_ingress_rule", "node_exporter_from_monitoring")]
    assert node_exporter["for_each"] == "${local.tier_security_group_ids}"
    assert set(config.locals["tier_security_group_ids"]) == {"engine", "market_data", "monitoring"}


def test_market_data_feed_flows_from_market_data_tier_to_engine_tier_over_udp():
    config = module("network")
    feed_rules = [
        rule
        for rule in _security_group_rules(config, "ingress").values()
        if rule["security_group_id"] == "${aws_security_group.engine.id}" and rule["ip_protocol"] == "udp"
    ]
    assert len(feed_rules) == 1
    (rule,) = feed_rules
    assert rule["referenced_security_group_id"] == "${aws_security_group.market_data.id}"
    assert rule["from_port"] == "${var.market_data_udp_ports.from}"
    assert rule["to_port"] == "${var.market_data_udp_ports.to}"
    egress = config.resources[("aws_vpc_security_group_egress_rule", "market_data_to_engine")]
    assert egress["referenced_security_group_id"] == "${aws_security_group.engine.id}"
    assert egress["ip_protocol"] == "udp"


def _for_each(config: Config, rule: dict[str, Any]) -> str:
    """A rule's for_each expression, with a `local.X` reference replaced by that local's value."""
    local = re.fullmatch(r"\$\{local\.(\w+)\}", rule["for_each"])
    return config.locals[local.group(1)] if local else rule["for_each"]


def _rule_protocols(config: Config, rule: dict[str, Any]) -> set[str]:
    """A rule's protocols: its literal ip_protocol, or the literal list its for_each walks."""
    if rule["ip_protocol"] != "${each.key}":
        return {rule["ip_protocol"]}
    return set(re.findall(r'"([a-z0-9-]+)"', _for_each(config, rule)))


def test_egress_rules_name_protocol_and_ports():
    config = module("network")
    for name, rule in _security_group_rules(config, "egress").items():
        protocols = _rule_protocols(config, rule)
        assert protocols and protocols <= {"tcp", "udp"}, f"egress rule {name} allows every protocol"
        assert "from_port" in rule and "to_port" in rule, name
        if rule.get("cidr_ipv4") in OPEN_CIDRS:
            assert rule["from_port"] == rule["to_port"] == 443, f"{name}: only HTTPS may leave for anywhere"


def test_latency_probe_port_is_open_between_engines_only_when_set():
    config = module("network")
    assert config.variables["latency_probe_port"]["default"] is None
    for direction, name in (
        ("ingress", "engine_from_engine_latency_probe"),
        ("egress", "engine_to_engine_latency_probe"),
    ):
        rule = config.resources[(f"aws_vpc_security_group_{direction}_rule", name)]
        # No rule at all while the port is null; UDP and TCP on that one port when it is set.
        assert _for_each(config, rule).startswith("${toset(var.latency_probe_port == null ? [] : "), name
        assert _rule_protocols(config, rule) == {"udp", "tcp"}, name
        assert rule["from_port"] == rule["to_port"] == "${var.latency_probe_port}", name
        assert rule["security_group_id"] == "${aws_security_group.engine.id}", name
        assert rule["referenced_security_group_id"] == "${aws_security_group.engine.id}", name
        assert not {"cidr_ipv4", "cidr_ipv6", "prefix_list_id"} & set(rule), name
    for env in ENV_DIRS:
        network = load_config(env).modules["network"]
        assert network["latency_probe_port"] == "${var.latency_probe_port}", env.name
        assert load_config(env).variables["latency_probe_port"]["default"] is None, env.name


# --------------------------------------------------------------------------------------------------
# connectivity: transit gateway, VPN backup off by default, no pre-shared keys in code
# --------------------------------------------------------------------------------------------------


VPN_TYPES = ("aws_customer_gateway", "aws_vpn_connection")


def test_vpc_is_attached_to_the_transit_gateway():
    config = module("connectivity")
    assert config.of_type("aws_ec2_transit_gateway")
    (attachment,) = config.of_type("aws_ec2_transit_gateway_vpc_attachment").values()
    assert attachment["subnet_ids"] == "${var.subnet_ids}"
    assert attachment["vpc_id"] == "${var.vpc_id}"
    (tgw,) = config.of_type("aws_ec2_transit_gateway").values()
    assert tgw["auto_accept_shared_attachments"] == "disable"


def test_vpn_backup_is_conditional_and_off_by_default():
    config = module("connectivity")
    assert config.variables["enable_vpn_backup"]["default"] is False
    for rtype in VPN_TYPES:
        found = config.of_type(rtype)
        assert found, f"connectivity defines no {rtype}"
        for name, body in found.items():
            switch = body.get("count", body.get("for_each", ""))
            assert "enable_vpn_backup" in referenced_vars(expr(switch), config), (
                f"{rtype}.{name} is unconditional"
            )
    # Everything that only serves the VPN is switched the same way.
    for (rtype, name), body in config.resources.items():
        if rtype in VPN_TYPES or "vpn" in name:
            assert "enable_vpn_backup" in referenced_vars(str(body.get("count", "")), config), (
                f"{rtype}.{name}"
            )


def test_vpn_pre_shared_keys_are_not_in_code():
    config = module("connectivity")
    for name, vpn in config.of_type("aws_vpn_connection").items():
        for attribute in ("tunnel1_preshared_key", "tunnel2_preshared_key"):
            if attribute in vpn:
                source = referenced_vars(vpn[attribute], config)
                assert source, f"aws_vpn_connection.{name}.{attribute} must come from a variable"
                for var_name in source:
                    variable = config.variables[var_name]
                    assert variable.get("sensitive") is True and "default" not in variable


def test_environments_compose_the_modules():
    for name in EXPECTED_ENVS:
        sources = {m["source"] for m in env(name).modules.values()}
        assert sources == {f"../../modules/{m}" for m in EXPECTED_MODULES}, name


def _tfvars_example(env_name: str) -> dict[str, Any]:
    with (ENVIRONMENTS_DIR / env_name / "terraform.tfvars.example").open() as handle:
        return hcl2.load(handle, serialization_options=_STRIPPED)


def test_vpn_backup_is_on_in_the_prod_example_only():
    assert _tfvars_example("prod")["enable_vpn_backup"] is True
    assert _tfvars_example("prod")["customer_gateway_ip"]
    assert _tfvars_example("dev").get("enable_vpn_backup", False) is False
    for name in EXPECTED_ENVS:
        assert env(name).variables["enable_vpn_backup"]["default"] is False


def test_prod_hosts_are_c5n_18xlarge_and_dev_hosts_are_smaller():
    pattern = _instance_type_pattern()
    prod_example = _tfvars_example("prod")["host_groups"]
    prod_default = env("prod").variables["host_groups"]["default"]
    for groups in (prod_default, prod_example):
        for role in ("engine", "feed", "venue"):
            assert groups[role]["instance_type"] == "c5n.18xlarge", role
    for groups in (env("dev").variables["host_groups"]["default"], _tfvars_example("dev")["host_groups"]):
        assert all(g["instance_type"] != "c5n.18xlarge" for g in groups.values())
    for groups in (prod_default, prod_example, env("dev").variables["host_groups"]["default"]):
        assert set(groups) <= ROLES
        assert all(pattern.search(g["instance_type"]) for g in groups.values())


@pytest.mark.parametrize("env_name", sorted(EXPECTED_ENVS))
def test_environment_provider_and_commented_remote_state(env_name: str):
    config = env(env_name)
    ((provider_name, provider),) = config.providers
    assert provider_name == "aws"
    assert provider["allowed_account_ids"] == ["${var.aws_account_id}"]
    assert single_block(provider, "default_tags")["tags"]
    versions = (ENVIRONMENTS_DIR / env_name / "versions.tf").read_text()
    backend = re.search(r'^\s*#\s*backend "s3" \{\n((?:\s*#.*\n)+?)\s*#\s*\}', versions, flags=re.MULTILINE)
    assert backend, "versions.tf must show the S3 backend as a commented block"
    settings = dict(re.findall(r"#\s*(\w+)\s*=\s*(.+)", backend.group(1)))
    assert settings["key"] == f'"{env_name}/terraform.tfstate"'
    assert settings["encrypt"] == "true"
    assert "dynamodb_table" in settings


# --------------------------------------------------------------------------------------------------
# No secrets in code
# --------------------------------------------------------------------------------------------------

SECRET_KEY_NAME = re.compile(
    r"(password|passphrase|preshared_key|secret_string|secret_key|secret_access_key|api_key|"
    r"access_key|private_key|auth_token|client_secret)$",
    re.IGNORECASE,
)
SECRET_TEXT = [
    re.compile(r"\bA(KIA|SIA)[0-9A-Z]{16}\b"),  # AWS access key IDs
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"(?i)aws_secret_access_key\s*="),
]


def _secret_literals(node: Any, path: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if (
                SECRET_KEY_NAME.search(str(key))
                and isinstance(value, str)
                and value
                and not is_expression(value)
            ):
                yield here
            yield from _secret_literals(value, here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _secret_literals(item, f"{path}[{i}]")


def test_secret_detector_catches_a_planted_key():
    planted = hcl2.loads(
        'resource "aws_vpn_connection" "x" {\n  tunnel1_preshared_key = "hunter2hunter2"\n}\n',
        serialization_options=_STRIPPED,
    )
    assert list(_secret_literals(planted))
    assert SECRET_TEXT[0].search("key = AKIAABCDEFGHIJKLMNOP")


@pytest.mark.parametrize("tf_file", TF_FILES + TFVARS_EXAMPLES, ids=_rel)
def test_no_literal_secrets(tf_file: Path):
    text = tf_file.read_text()
    for pattern in SECRET_TEXT:
        assert not pattern.search(text), f"{_rel(tf_file)} matches {pattern.pattern}"
    with tf_file.open() as handle:
        parsed = hcl2.load(handle, serialization_options=_STRIPPED)
    assert not list(_secret_literals(parsed)), f"{_rel(tf_file)} has literal secret-looking values"


@pytest.mark.parametrize("config_dir", CONFIG_DIRS, ids=_rel)
def test_sensitive_variables_have_no_default(config_dir: Path):
    for name, variable in load_config(config_dir).variables.items():
        if variable.get("sensitive") is True:
            assert "default" not in variable, f"sensitive variable {name} must not have a default"


# --------------------------------------------------------------------------------------------------
# checkov
# --------------------------------------------------------------------------------------------------

SKIP_COMMENT = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?")
MAX_SKIP_COMMENTS = 5


def test_checkov_skips_are_few_and_explained():
    skips = []
    for tf_file in TF_FILES:
        for line in tf_file.read_text().splitlines():
            if match := SKIP_COMMENT.search(line):
                skips.append((tf_file, match.group(1), (match.group(2) or "").strip()))
    assert len(skips) <= MAX_SKIP_COMMENTS, skips
    for tf_file, check_id, reason in skips:
        assert re.fullmatch(r"CKV2?_AWS_\d+", check_id), f"{_rel(tf_file)}: {check_id}"
        assert len(reason) >= 30, f"{_rel(tf_file)}: skip of {check_id} needs a real reason"


def _run_checkov(tmp_path: Path, target: Path, var_file: Path | None = None) -> list[dict[str, Any]]:
    command = [str(CHECKOV), "-d", str(target), "--compact", "--framework", "terraform", "-o", "json"]
    # --skip-download: no platform account is used, and the machine may be offline.
    command.append("--skip-download")
    if var_file is not None:
        copy = tmp_path / "checkov.tfvars"
        shutil.copy(var_file, copy)
        command += ["--var-file", str(copy)]
    environment = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        command, cwd=REPO, env=environment, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode in (0, 1), f"checkov crashed ({result.returncode}):\n{result.stderr[-3000:]}"
    reports = json.loads(result.stdout)
    return reports if isinstance(reports, list) else [reports]


def _assert_clean(reports: list[dict[str, Any]]) -> None:
    (report,) = [r for r in reports if r.get("check_type") == "terraform"]
    summary = report["summary"]
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']}): {c['check_name']}"
        for c in report["results"]["failed_checks"]
    ]
    assert summary["failed"] == 0, "checkov failures:\n" + "\n".join(failed)
    assert summary["parsing_errors"] == 0
    assert summary["passed"] > 100, f"checkov scanned suspiciously little: {summary}"
    for skipped in report["results"].get("skipped_checks", []):
        assert skipped["check_result"].get("suppress_comment"), (
            f"{skipped['check_id']} skipped without reason"
        )


checkov_available = pytest.mark.skipif(
    not CHECKOV.exists(), reason=f"checkov venv missing: {CHECKOV} (see requirements for its install)"
)


@pytest.mark.slow
@checkov_available
def test_checkov_has_no_failed_checks(tmp_path: Path):
    _assert_clean(_run_checkov(tmp_path, TF_ROOT))


@pytest.mark.slow
@checkov_available
def test_checkov_has_no_failed_checks_with_the_prod_example_vars(tmp_path: Path):
    """With the example values the VPN backup exists, so checkov also sees those resources."""
    prod = ENVIRONMENTS_DIR / "prod"
    _assert_clean(_run_checkov(tmp_path, prod, prod / "terraform.tfvars.example"))
