"""The built inventory (hosts, their vars, groups) as plain data: what the cache stores.

amazon.aws.aws_ec2 caches the raw API result and rebuilds everything (Jinja included) on every
cached run. lowlat_ec2 caches the finished result, so a cached run only loads JSON and adds
hosts and groups to Ansible's inventory.

Everything here comes from AWS (tags, names, addresses) or from templates over it, so apply()
hands Ansible every host name, group name and string in the host vars as untrusted: ansible-core
2.17 and 2.18 template any host var string not wrapped as unsafe (a tag holding
"{{ lookup('pipe', ...) }}" would run on the controller); 2.19 only templates strings tagged
TrustedAsTemplate. The cache holds plain data; the marking is redone on every run, cached or not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ansible import template as ansible_template
from ansible.utils.unsafe_proxy import AnsibleUnsafeText, wrap_var

if hasattr(ansible_template, "trust_as_template"):
    # ansible-core 2.19+: data tagging. A plain str carries no tag, so it is already untrusted.
    def _plain_text(text: str) -> str:
        return text

else:  # 2.17, 2.18: a str is templated unless it is an AnsibleUnsafeText
    _plain_text = AnsibleUnsafeText

_SCALARS = (int, float, bool, type(None))

# Bump when the cached layout or the meaning of any hostvar changes.
CACHE_FORMAT = 1

# InventoryData.add_host sets these from the source being parsed; they are not ours to cache.
SOURCE_VARS = frozenset({"inventory_file", "inventory_dir"})


def untrusted(value: Any) -> Any:
    """value with every string in it (dict keys too) marked never to be templated, on any version.

    wrap_var does this for any type but costs ~1 s per 5,000 hosts on 2.19; our data is JSON-like,
    so plain types are walked here and anything else (a tagged string, say) goes to wrap_var.
    """
    kind = type(value)
    if kind is str:
        return _plain_text(value)
    if kind is dict:
        return {untrusted(k): untrusted(v) for k, v in value.items()}
    if kind is list:
        return [untrusted(v) for v in value]
    if kind in _SCALARS:
        return value
    return wrap_var(value)


@dataclass
class BuiltInventory:
    hosts: dict[str, dict[str, Any]] = field(default_factory=dict)  # host -> vars
    groups: dict[str, list[str]] = field(default_factory=dict)  # group -> member hosts
    children: dict[str, list[str]] = field(default_factory=dict)  # group -> child groups
    warnings: list[str] = field(default_factory=list)  # repeated on cached runs

    def to_cache(self, fingerprint: str) -> dict[str, Any]:
        return {
            "format": CACHE_FORMAT,
            "fingerprint": fingerprint,
            "hosts": self.hosts,
            "groups": self.groups,
            "children": self.children,
            "warnings": self.warnings,
        }

    @classmethod
    def from_cache(cls, data: Any, fingerprint: str) -> BuiltInventory | None:
        """The cached inventory, or None if it is from another format or another configuration."""
        if (
            not isinstance(data, dict)
            or data.get("format") != CACHE_FORMAT
            or data.get("fingerprint") != fingerprint
        ):
            return None
        return cls(
            hosts=data["hosts"], groups=data["groups"], children=data["children"], warnings=data["warnings"]
        )

    def apply(self, inventory: Any) -> None:
        """Add everything to Ansible's inventory (InventoryData or the wrapper Ansible hands plugins)."""
        for group in self.groups:
            inventory.add_group(untrusted(group))
        for parent, kids in self.children.items():
            inventory.add_group(untrusted(parent))
            for kid in kids:
                inventory.add_group(untrusted(kid))
                inventory.add_child(parent, kid)
        for host, hostvars in self.hosts.items():
            name = untrusted(host)
            inventory.add_host(name)
            # Straight onto the Host. set_variable on the wrapper Ansible hands plugins deep-walks
            # each value to tag where it came from (seconds at 5,000 hosts).
            inventory.get_host(name).vars.update(untrusted(hostvars))
        for group, members in self.groups.items():
            for host in members:
                inventory.add_child(group, host)

    @classmethod
    def capture(cls, scratch: Any, host_names: list[str], warnings: list[str]) -> BuiltInventory:
        """Read hosts, vars and groups back from a scratch InventoryData the constructed options ran on."""
        wanted = set(host_names)
        groups: dict[str, list[str]] = {}
        children: dict[str, list[str]] = {}
        for name, group in scratch.groups.items():
            if name in ("all", "ungrouped"):
                continue
            members = [host.name for host in group.hosts if host.name in wanted]
            groups[name] = members
            kids = [kid.name for kid in group.child_groups]
            if kids:
                children[name] = kids
        # Through JSON once: composed values can be any type a template returns, and a cached run
        # must see exactly what a cold run sees (the jsonfile cache stores plain JSON).
        hosts = json.loads(
            json.dumps(
                {
                    name: {k: v for k, v in scratch.hosts[name].vars.items() if k not in SOURCE_VARS}
                    for name in host_names
                },
                default=str,
            )
        )
        return cls(hosts=hosts, groups=groups, children=children, warnings=list(warnings))
