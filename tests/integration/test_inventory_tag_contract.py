"""The tag keys Terraform puts on trading hosts are the ones the inventory plugin requires."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.lowlat.trading.plugins.plugin_utils.tag_contract import LOWLAT_TAGS

MAIN_TF = Path(__file__).resolve().parents[2] / "terraform" / "modules" / "trading_hosts" / "main.tf"


def terraform_lowlat_tag_keys() -> set[str]:
    hcl2 = pytest.importorskip("hcl2")
    with MAIN_TF.open() as handle:
        parsed = hcl2.load(handle)
    keys: set[str] = set()
    found = False
    for block in parsed.get("locals", []):
        if "lowlat_tags" in block:
            found = True
            # python-hcl2 keeps the quotes of quoted object keys ("\"lowlat:role\"").
            keys.update(str(key).strip('"') for key in block["lowlat_tags"])
    assert found, f"{MAIN_TF} has no locals.lowlat_tags"
    return keys


@pytest.mark.skipif(
    not MAIN_TF.exists(), reason=f"{MAIN_TF} does not exist yet (the Terraform module is written separately)"
)
def test_terraform_tags_match_the_plugin_contract():
    assert terraform_lowlat_tag_keys() == set(LOWLAT_TAGS)
