"""The EC2 tag contract between Terraform (terraform/modules/trading_hosts) and the inventory.

Terraform puts every key below on each trading host; the inventory plugin requires all of them
and groups hosts on the ones that map to a group prefix. This is the only place the keys are
listed, so a test can check it against the Terraform module's ``locals.lowlat_tags``.
"""

from __future__ import annotations

from collections.abc import Mapping

# tag key -> (group prefix or None, hostvar name)
LOWLAT_TAGS: dict[str, tuple[str | None, str]] = {
    "lowlat:role": ("role", "lowlat_role"),
    "lowlat:env": ("env", "lowlat_env"),
    "lowlat:cluster": ("cluster", "lowlat_cluster"),
    "lowlat:managed": (None, "lowlat_managed"),
}

MANAGED_TAG = "lowlat:managed"
# The plugin's default filter only asks EC2 for instances carrying this key.
ROLE_TAG = "lowlat:role"


def missing_tags(tags: Mapping[str, str]) -> list[str]:
    """Contract keys absent (or empty) on an instance, in contract order."""
    return [key for key in LOWLAT_TAGS if not tags.get(key)]
