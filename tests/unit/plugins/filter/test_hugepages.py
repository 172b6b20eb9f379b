"""The hugepages_tuning filter: Ansible's booleans read as booleans, and errors a task can show."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.lowlat.trading.plugins.filter.hugepages import hugepages_tuning_filter
from tests.unit.plugins.module_utils.test_hugepages_tuning import HOST, PLAN, SETTINGS


def test_templated_booleans_are_read_as_ansible_reads_them():
    assert (
        hugepages_tuning_filter(PLAN, SETTINGS, {**HOST, "in_container": "False"})["mount"]["startable"]
        is True
    )
    assert (
        hugepages_tuning_filter(PLAN, SETTINGS, {**HOST, "in_container": "True"})["mount"]["startable"]
        is False
    )
    assert (
        hugepages_tuning_filter(PLAN, SETTINGS, {**HOST, "size_supported": "false"})["mount"]["startable"]
        is False
    )


def test_a_malformed_input_is_a_filter_error_naming_the_filter():
    with pytest.raises(AnsibleFilterError, match="hugepages_tuning: KeyError"):
        hugepages_tuning_filter(PLAN, {}, HOST)
