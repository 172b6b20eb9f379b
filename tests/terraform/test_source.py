"""What Terraform itself cannot answer about terraform/, checked on the source with python-hcl2.

The behaviour of each module (tenancy, IMDSv2, encryption, security-group rules, tags, outputs,
input validation) is tested by Terraform: the modules' own `terraform test` files with a mock
provider and the plan/apply of every environment against moto (tests/terraform/). What stays here
is about the code as text: layout and pinned versions, a type and a description on every
variable and output, README tables that match the inputs, environments that are one call of the
stack module, the example values, no literal secrets, and checkov on the source with a written
reason for every skip.

python-hcl2 v8 keeps the source form of values: by default strings keep their quotes and
expressions come wrapped in ``${...}``. The tests load with ``strip_string_quotes`` so a literal is
a plain string and anything starting with ``${`` is an expression.
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

from tests.terraform.conftest import ENV_DIRS, MODULE_DIRS, REPO, TF_ROOT

MODULES_DIR = TF_ROOT / "modules"
ENVIRONMENTS_DIR = TF_ROOT / "environments"
CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"

TF_FILES = sorted(p for p in TF_ROOT.rglob("*.tf") if ".terraform" not in p.parts)
TFVARS_EXAMPLES = sorted(ENVIRONMENTS_DIR.glob("*/terraform.tfvars.example"))
COMMON_DIR = ENVIRONMENTS_DIR / "common"  # the files every environment links
CONFIG_DIRS = MODULE_DIRS + ENV_DIRS

EXPECTED_MODULES = {
    "network",
    "trading_hosts",
    "connectivity",
    "stack",
    "security",
    "events",
    "data",
    "observability",
    "ecs_service",
    "eks_cluster",
    "serverless",
    "cicd",
    "failover",
}
EXPECTED_ENVS = {"dev", "prod", "prod-with-dr"}
SINGLE_STACK_ENVS = ("dev", "prod")
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
    assert {p.name for p in ENVIRONMENTS_DIR.iterdir() if p.is_dir()} == EXPECTED_ENVS | {COMMON_DIR.name}
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
    # mock_provider (terraform test) needs 1.7; validations that compare two variables need 1.9.
    assert settings["required_version"] == ">= 1.9"
    aws = single_block(settings, "required_providers")["aws"]
    assert {k: aws[k] for k in ("source", "version")} == {"source": "hashicorp/aws", "version": "~> 5.0"}
    assert set(aws) <= {"source", "version", "configuration_aliases"}


@pytest.mark.parametrize("config_dir", CONFIG_DIRS, ids=_rel)
def test_every_variable_has_type_and_description(config_dir: Path):
    variables = load_config(config_dir).variables
    assert variables
    for name, body in variables.items():
        assert body.get("type"), f"variable {name} has no type"
        assert str(body.get("description", "")).strip(), f"variable {name} has no description"


def _validated_by_a_child(config: Config, name: str) -> bool:
    """The input is passed unchanged to a local child module whose input of that name is validated
    (a composition module such as stack does not repeat its children's validations)."""
    for call in config.modules.values():
        source = str(call.get("source", ""))
        if call.get(name) == f"${{var.{name}}}" and source.startswith("../"):
            child = load_config((config.path / source).resolve()).variables.get(name, {})
            if blocks(child, "validation"):
                return True
    return False


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda p: p.name)
def test_module_inputs_are_validated(module_dir: Path):
    """Every module input except free-form tags and plain switches carries a validation block,
    its own or that of the child module it is handed to unchanged."""
    config = load_config(module_dir)
    for name, body in config.variables.items():
        if name == "tags" or expr(body["type"]) == "bool" or _validated_by_a_child(config, name):
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
# Environments: one stack call each; the example values; no pre-shared keys in code
# --------------------------------------------------------------------------------------------------


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


def _links_to(path: Path, target: Path) -> bool:
    return path.is_symlink() and path.resolve() == target.resolve()


@pytest.mark.parametrize("env_dir", ENV_DIRS, ids=lambda p: p.name)
def test_environments_link_the_shared_files_instead_of_copying_them(env_dir: Path):
    """The stack call, the account's inputs, the outputs and the versions are one file each, in common/."""
    for name in ("stack.tf", "variables.tf", "outputs.tf", "versions.tf"):
        assert _links_to(env_dir / name, COMMON_DIR / name), (
            f"{_rel(env_dir / name)} must link ../common/{name}"
        )
    for path in env_dir.glob("*.tf"):
        if not path.is_symlink():
            assert not any(path.read_text() == shared.read_text() for shared in COMMON_DIR.glob("*.tf")), path


def test_common_is_no_environment_of_its_own():
    """common/ is linked from, never run: no main.tf (what would make it an environment), no tfvars."""
    assert {p.name for p in COMMON_DIR.iterdir() if p.name != "backend.hcl"} == {
        "stack.tf",
        "variables.tf",
        "outputs.tf",
        "versions.tf",
        "provider.tf",
        "single_region.tf",
        "backend.hcl.example",
    }


def test_environments_are_one_call_of_the_stack_module():
    """What an environment is lives in the stack module once; its main.tf says only what makes it
    itself (locals), so dev and prod differ in values, not in copied bodies."""
    for name in SINGLE_STACK_ENVS:
        config = env(name)
        assert {k: m["source"] for k, m in config.modules.items()} == {"stack": "../../modules/stack"}, name
        assert not config.resources, f"{name} declares resources of its own: {sorted(config.resources)}"
        assert set(config.outputs) == {"stack"}, name
        for shared in ("single_region.tf", "provider.tf"):
            assert _links_to(ENVIRONMENTS_DIR / name / shared, COMMON_DIR / shared), f"{name}/{shared}"
        with (ENVIRONMENTS_DIR / name / "main.tf").open() as handle:
            main = hcl2.load(handle, serialization_options=_STRIPPED)
        assert set(main) == {"locals"}, f"{name}/main.tf holds only the environment's locals"
    dev, prod = (env(name).locals for name in SINGLE_STACK_ENVS)
    assert set(dev) == set(prod), "dev and prod set the same locals, with their own values"
    assert dev["protections"]["protect"] is False and prod["protections"]["protect"] is True


def test_prod_with_dr_composes_two_stacks_and_the_failover_path():
    """The disaster-recovery environment is prod (its main.tf and the shared files, linked) plus a
    standby stack in a second region and the failover module, not a copy of either."""
    config = env("prod-with-dr")
    assert {k: m["source"] for k, m in config.modules.items()} == {
        "stack": "../../modules/stack",
        "standby": "../../modules/stack",
        "failover": "../../modules/failover",
    }
    here = ENVIRONMENTS_DIR / "prod-with-dr"
    assert _links_to(here / "main.tf", ENVIRONMENTS_DIR / "prod" / "main.tf")
    assert not (here / "single_region.tf").exists(), "its dr.tf says what the primary sends the standby"
    assert "standby_pairing" in config.locals
    # Its only resource of its own is the account-level ECR replication to the standby region.
    assert sorted(rtype for rtype, _ in config.resources) == ["aws_ecr_replication_configuration"]
    assert {"stack", "standby_stack", "failover", "dr"} == set(config.outputs)
    assert {p[0] for p in config.providers} == {"aws"} and len(config.providers) == 3
    # State written before the environments shared one stack call moves, not replaced.
    assert "from = module.primary" in (here / "dr.tf").read_text()


def _tfvars_example(env_name: str) -> dict[str, Any]:
    with (ENVIRONMENTS_DIR / env_name / "terraform.tfvars.example").open() as handle:
        return hcl2.load(handle, serialization_options=_STRIPPED)


def test_vpn_backup_is_on_in_the_prod_example_only():
    assert _tfvars_example("prod")["enable_vpn_backup"] is True
    assert _tfvars_example("prod")["customer_gateway_ip"]
    # The input is the account's (variables.tf, shared) and off unless a tfvars turns it on: dev
    # reaches venue test systems over its NAT gateways.
    assert env("prod").variables["enable_vpn_backup"]["default"] is False
    assert "enable_vpn_backup" not in _tfvars_example("dev")


def test_prod_hosts_are_c5n_18xlarge_and_dev_hosts_are_smaller():
    prod_example = _tfvars_example("prod")["host_groups"]
    # The sizes an environment has when its tfvars gives none are its own (main.tf's locals).
    assert env("prod").variables["host_groups"]["default"] is None
    prod_default = env("prod").locals["default_sizes"]["host_groups"]
    dev_default = env("dev").locals["default_sizes"]["host_groups"]
    for groups in (prod_default, prod_example):
        for role in ("engine", "feed", "venue"):
            assert groups[role]["instance_type"] == "c5n.18xlarge", role
    for groups in (dev_default, _tfvars_example("dev")["host_groups"]):
        assert all(g["instance_type"] != "c5n.18xlarge" for g in groups.values())
    for groups in (prod_default, prod_example, dev_default):
        assert set(groups) <= ROLES
        assert all(g["instance_type"].startswith("c5n.") for g in groups.values())


@pytest.mark.parametrize("env_name", sorted(EXPECTED_ENVS))
def test_environment_provider_and_commented_remote_state(env_name: str):
    config = env(env_name)
    # One provider per region: prod-with-dr has the primary, the standby (dr) and us-east-1 (global).
    aliases = sorted(p.get("alias", "") for _, p in config.providers)
    assert aliases == (["", "dr", "global"] if env_name == "prod-with-dr" else [""])
    for provider_name, provider in config.providers:
        assert provider_name == "aws"
        assert provider["allowed_account_ids"] == ["${var.aws_account_id}"]
        assert single_block(provider, "default_tags")["tags"]
    # The backend: commented out in the shared versions.tf (partial configuration), the environment's
    # own state key in its backend.hcl, the account's settings in common/backend.hcl.example.
    versions = (ENVIRONMENTS_DIR / env_name / "versions.tf").read_text()
    assert re.search(r'^\s*#\s*backend "s3" \{\}\s*$', versions, flags=re.MULTILINE), "a commented S3 backend"
    with (ENVIRONMENTS_DIR / env_name / "backend.hcl").open() as handle:
        assert hcl2.load(handle, serialization_options=_STRIPPED) == {"key": f"{env_name}/terraform.tfstate"}
    with (COMMON_DIR / "backend.hcl.example").open() as handle:
        account = hcl2.load(handle, serialization_options=_STRIPPED)
    assert account["encrypt"] is True and "dynamodb_table" in account and "key" not in account


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
MAX_SKIP_COMMENTS = 12  # across 12 modules: each skip has a written reason of 30+ characters


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
