"""The lowlat_ec2 inventory configurations shown to users use what really exists.

The plugin's EXAMPLES (what `ansible-doc -t inventory lowlat.trading.lowlat_ec2` prints) and the
repository's own configurations use only options the plugin documents, roles Terraform can set
as `lowlat:role`, hostname sources the plugin knows, and, in compose/groups/keyed_groups, only the
host variables the plugin makes (or composes).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jinja2
import jinja2.meta
import pytest
import yaml
from ansible.plugins.doc_fragments import constructed, inventory_cache

from ansible_collections.lowlat.trading.plugins.plugin_utils import host_records, plugin_options

REPO = Path(__file__).resolve().parents[4]
PLUGIN = REPO / "plugins" / "inventory" / "lowlat_ec2.py"
TRADING_HOSTS_VARIABLES = REPO / "terraform" / "modules" / "trading_hosts" / "variables.tf"
SHIPPED = [
    REPO / "inventories/aws/trading.lowlat_ec2.yml",
    REPO / "inventories/aws/lab.lowlat_ec2.yml.example",
    REPO / "inventories/lab/lab.lowlat_ec2.yml",
]


def plugin_strings() -> dict[str, str]:
    """DOCUMENTATION and EXAMPLES of the plugin, read without importing it."""
    found = {}
    for node in ast.parse(PLUGIN.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in ("DOCUMENTATION", "EXAMPLES"):
                    found[target.id] = node.value.value
    return found


def documented_options() -> dict[str, dict]:
    options = dict(yaml.safe_load(plugin_strings()["DOCUMENTATION"])["options"])
    for fragment in (constructed, inventory_cache):
        options.update(yaml.safe_load(fragment.ModuleDocFragment.DOCUMENTATION)["options"])
    return options


def terraform_roles() -> list[str]:
    """The values terraform/modules/trading_hosts accepts for var.role (its validation block)."""
    match = re.search(r"contains\(\[([^\]]*)\],\s*var\.role\)", TRADING_HOSTS_VARIABLES.read_text())
    assert match, "the role validation of trading_hosts moved: update this test"
    return re.findall(r'"([^"]+)"', match.group(1))


def configurations() -> list[tuple[str, dict]]:
    examples = [doc for doc in yaml.safe_load_all(plugin_strings()["EXAMPLES"]) if doc]
    named = [(f"EXAMPLES[{i}]", doc) for i, doc in enumerate(examples)]
    return named + [(str(p.relative_to(REPO)), yaml.safe_load(p.read_text())) for p in SHIPPED]


def template_variables(expression: str) -> set[str]:
    env = jinja2.Environment()
    return jinja2.meta.find_undeclared_variables(env.parse("{{ " + expression + " }}"))


CONFIGS = configurations()


def test_there_are_examples():
    assert len([name for name, _ in CONFIGS if name.startswith("EXAMPLES")]) >= 3
    assert {"engine", "monitoring"} <= set(terraform_roles())


@pytest.mark.parametrize(("name", "config"), CONFIGS, ids=[name for name, _ in CONFIGS])
def test_configuration_uses_real_options_roles_and_variables(name: str, config: dict):
    options = documented_options()
    plugin_options.check_keys(config, options)
    plugin_options.check_bools(config)
    plugin_options.check_filters(config.get("filters"))
    assert config["plugin"] in options["plugin"]["choices"]
    host_records.validate_hostnames(config.get("hostnames"))

    roles = (config.get("filters") or {}).get("tag:lowlat:role")
    if roles is not None:
        wanted = roles if isinstance(roles, list) else [roles]
        assert set(wanted) <= set(terraform_roles()), f"{name}: no Terraform host has role {wanted}"

    compose = config.get("compose") or {}
    known = set(host_records.host_vars({}, "us-east-1", {}, None)) | set(compose)
    expressions = [*compose.values(), *(config.get("groups") or {}).values()]
    expressions += [group["key"] for group in config.get("keyed_groups") or []]
    for expression in expressions:
        unknown = template_variables(str(expression)) - known
        assert not unknown, f"{name}: {expression!r} uses {sorted(unknown)}, which no host has"
