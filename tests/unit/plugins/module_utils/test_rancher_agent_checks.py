"""module_utils/rancher_agent_checks: the agent's unit and the registration record, or why it is unknown."""

from __future__ import annotations

from ansible_collections.lowlat.trading.plugins.module_utils.audit import validate_check
from ansible_collections.lowlat.trading.plugins.module_utils.rancher_agent_checks import checks

HOST = {
    "service": "rancher-system-agent.service",
    "registered": True,
    "record_path": "/etc/lowlat/rancher_agent.yml",
    "record_lines": ['server: "https://rancher.example.com"', 'roles: ["worker"]'],
    "origin": "https://rancher.example.com",
}


def test_a_registration_this_role_made_is_checked_line_by_line():
    got = checks({}, {}, HOST)
    for index, check in enumerate(got):
        validate_check(check, index)
    lines = [c for c in got if c["kind"] == "file_line"]
    assert [(c["knob"], c["line"]) for c in lines] == [
        ("Rancher registration server", 'server: "https://rancher.example.com"'),
        ("Rancher registration roles", 'roles: ["worker"]'),
    ]
    assert {c["path"] for c in lines} == {"/etc/lowlat/rancher_agent.yml"}


def test_an_agent_registered_elsewhere_says_so():
    got = checks({}, {}, {**HOST, "registered": False})
    assert not [c for c in got if c["kind"] == "file_line"]
    reason = next(c["reason"] for c in got if c["knob"] == "Rancher registration settings")
    assert reason.startswith("the agent was registered with https://rancher.example.com outside this role")
