"""The kernel_tuning and audit_checks filters: module_utils results, and errors a task can show."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.lowlat.trading.plugins.filter.audit_checks import audit_checks
from ansible_collections.lowlat.trading.plugins.filter.kernel import kernel_tuning_filter
from tests.unit.plugins.module_utils.kernel_fixtures import plan, settings


def test_kernel_tuning_returns_what_the_role_applies():
    p = plan()
    result = kernel_tuning_filter(p, settings(p), {}, ["vm.stat_interval = 1"], {}, "false")
    assert result["errors"] == [] and result["sysctl_writes"] == ["vm.stat_interval=10"]
    assert result["reboot_reason"] == "the running kernel already has the planned arguments"


def test_a_malformed_input_is_a_filter_error_naming_the_filter():
    with pytest.raises(AnsibleFilterError, match="kernel_tuning: KeyError"):
        kernel_tuning_filter({"isolated": "2-3"}, {})


def test_audit_checks_finds_the_roles_checks_module():
    p = plan()
    assert audit_checks("kernel", p, settings(p), {})
    with pytest.raises(AnsibleFilterError, match=r"audit_checks\(kernel\): KeyError"):
        audit_checks("kernel", {}, {})


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("nosuchrole", "no checks for role 'nosuchrole'"),
        ("../kernel", "is not a role name"),
        (None, "is not a role name"),
    ],
)
def test_audit_checks_refuses_a_role_without_python_checks(role, message):
    with pytest.raises(AnsibleFilterError, match=message):
        audit_checks(role, {}, {})


def test_plan_problem_reads_an_undefined_plan_as_no_plan():
    from jinja2 import Undefined

    from ansible_collections.lowlat.trading.plugins.filter.plan import plan_problem_filter

    assert "lowlat_plan is not set" in plan_problem_filter(Undefined())
    assert plan_problem_filter(plan()) == ""
