"""Bad values in a lowlat_ec2 inventory file: each refused with its exact message, before any AWS call.

Before plugin_utils/plugin_options.py, a misspelt option was ignored (`strict_tag: true` left the
tag check off), a word Ansible does not know was read as false for a bool, max_concurrency 0 or a
mapping as a filter value went through, and an ftp:// endpoint failed only inside botocore.
"""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleParserError

pytestmark = pytest.mark.integration

ROWS = [
    ("typo-regions", {"regoins": ["us-east-1"]}, "unknown option 'regoins'; did you mean 'regions'?"),
    ("typo-strict-tags", {"strict_tag": True}, "unknown option 'strict_tag'; did you mean 'strict_tags'?"),
    ("typo-page-size", {"pagesize": 50}, "unknown option 'pagesize'; did you mean 'page_size'?"),
    (
        "unknown-no-near-name",
        {"colour": "blue"},
        "unknown option 'colour'; see ansible-doc -t inventory lowlat.trading.lowlat_ec2.",
    ),
    ("typo-with-null", {"hostname": None}, "unknown option 'hostname'; did you mean 'hostnames'?"),
    ("bool-word", {"strict_tags": "maybe"}, "strict_tags must be true or false, got 'maybe'."),
    ("bool-misspelt", {"strict_tags": "ture"}, "strict_tags must be true or false, got 'ture'."),
    ("bool-number", {"strict_tags": 2}, "strict_tags must be true or false, got 2."),
    ("bool-list", {"strict": ["yes"]}, "strict must be true or false, got ['yes']."),
    ("concurrency-zero", {"max_concurrency": 0}, "max_concurrency must be 1..64, got 0."),
    ("concurrency-negative", {"max_concurrency": -3}, "max_concurrency must be 1..64, got -3."),
    ("concurrency-huge", {"max_concurrency": 1000}, "max_concurrency must be 1..64, got 1000."),
    ("attempts-zero", {"max_attempts": 0}, "max_attempts must be 1..20, got 0."),
    ("attempts-huge", {"max_attempts": 1000}, "max_attempts must be 1..20, got 1000."),
    ("timeout-zero", {"connect_timeout": 0}, "connect_timeout must be more than 0 seconds, got 0"),
    ("timeout-negative", {"read_timeout": -1}, "read_timeout must be more than 0 seconds, got -1"),
    ("timeout-nan", {"total_timeout": float("nan")}, "total_timeout must be more than 0 seconds, got nan"),
    (
        "endpoint-ftp",
        {"endpoint_url": "ftp://127.0.0.1:1"},
        "endpoint_url must be an http:// or https:// URL with a host, got 'ftp://127.0.0.1:1'.",
    ),
    (
        "endpoint-no-scheme",
        {"endpoint_url": "127.0.0.1:5000"},
        "endpoint_url must be an http:// or https:// URL with a host, got '127.0.0.1:5000'.",
    ),
    (
        "endpoint-no-host",
        {"endpoint_url": "http://"},
        "endpoint_url must be an http:// or https:// URL with a host, got 'http://'.",
    ),
    (
        "filter-empty-name",
        {"filters": {"": "x"}},
        "filters: a filter name must be non-empty text, got ''.",
    ),
    (
        "filter-mapping-value",
        {"filters": {"tag:desk": {"a": 1}}},
        "filters: tag:desk values must be text, numbers or booleans, got {'a': 1}.",
    ),
    ("filter-null-value", {"filters": {"tag:desk": None}}, "filters: tag:desk values must be text"),
    (
        "filter-no-values",
        {"filters": {"tag:desk": []}},
        "filters: tag:desk has no values; give a value or remove the filter.",
    ),
    ("page-size-zero", {"page_size": 0}, "page_size must be 5..1000, got 0."),
    ("page-size-huge", {"page_size": 100000}, "page_size must be 5..1000, got 100000."),
    (
        "regions-empty",
        {"regions": []},
        "'regions' must list at least one region (there is no all-regions default).",
    ),
    (
        "region-typo",
        {"regions": ["us-east-11"]},
        "unknown region(s) 'us-east-11' (did you mean 'us-east-1'?)",
    ),
    (
        "hostnames-unknown",
        {"hostnames": ["nonsense"]},
        "unknown hostnames entry 'nonsense'; use tag:NAME or one of private-ip-address",
    ),
    ("hostnames-bare-tag", {"hostnames": ["tag:"]}, "unknown hostnames entry 'tag:'; use tag:NAME"),
]


@pytest.mark.parametrize(("options", "message"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_bad_option_is_refused_before_any_call(options, message, moto, write_config, load_inventory):
    with pytest.raises(AnsibleParserError) as raised:
        load_inventory(write_config(**options))
    assert f"lowlat_ec2: {message}" in " ".join(str(raised.value).split())
    assert moto.total_calls() == 0


@pytest.mark.parametrize("word", ["yes", "no", "True", "off", "1", 0])
def test_words_ansible_reads_as_bool_are_accepted(word, moto, write_config, load_inventory):
    load_inventory(write_config(strict_tags=word))
