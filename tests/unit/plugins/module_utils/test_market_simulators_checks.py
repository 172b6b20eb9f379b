"""module_utils/market_simulators_checks: the simulators' release and units."""

from __future__ import annotations

import re

from ansible_collections.lowlat.trading.plugins.module_utils.audit import validate_check
from ansible_collections.lowlat.trading.plugins.module_utils.market_simulators_checks import checks

RELEASE = "/opt/lowlat-sim/releases/1.4.0+3f2a9c1"


def test_the_release_link_must_name_exactly_the_staged_release():
    release = checks({}, {"install_dir": "/opt/lowlat-sim"}, {"release_dir": RELEASE})[0]
    assert release["argv"] == ["readlink", "/opt/lowlat-sim/current"]
    assert re.search(release["pattern"], RELEASE)
    assert not re.search(release["pattern"], RELEASE + "0")
    assert not re.search(release["pattern"], RELEASE.replace("+", "x"))


def test_each_unit_is_checked_enabled_and_running():
    got = checks(
        {}, {"install_dir": "/opt/s"}, {"release_dir": RELEASE, "units": ["lowlat-feed-sim.service"]}
    )
    for index, check in enumerate(got):
        validate_check(check, index)
    assert [(c["knob"], c["expected"], c["scope"]) for c in got[1:]] == [
        ("lowlat-feed-sim.service enabled", "enabled", "persistent"),
        ("lowlat-feed-sim.service running", "active", "runtime"),
    ]
