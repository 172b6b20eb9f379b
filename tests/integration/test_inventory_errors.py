"""Failures the plugin must report clearly: credentials, regions, throttling, permissions, options."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleError

from tests.integration.conftest import launch
from tools.lowlat_testbed.moto_server import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def no_sleep(monkeypatch):
    """Record the plugin's own backoff delays instead of sleeping through them."""
    from ansible_collections.lowlat.trading.plugins.plugin_utils import ec2_api

    delays: list[float] = []
    monkeypatch.setattr(ec2_api, "pause", delays.append)
    return delays


def test_rejected_credentials(moto, write_config, load_inventory):
    launch(moto.ec2(), 1)
    moto.server.set_auth(True)  # moto now checks access keys; "testing" is not one of its IAM users
    with pytest.raises(AnsibleError, match=r"rejected the credentials in region us-east-1 \(AuthFailure"):
        load_inventory(write_config())


def test_no_credentials_at_all(moto, write_config, load_inventory, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name)
    with pytest.raises(AnsibleError, match="no AWS credentials found"):
        load_inventory(write_config())
    assert moto.total_calls() == 0


def test_unknown_profile(moto, write_config, load_inventory):
    with pytest.raises(AnsibleError, match="AWS profile 'trading-prod' not found"):
        load_inventory(write_config(aws_profile="trading-prod"))


def test_unknown_region_is_named_with_the_valid_ones(moto, write_config, load_inventory):
    with pytest.raises(AnsibleError) as err:
        load_inventory(write_config(regions=["us-east-1", "us-east-7", "eu-wset-1"]))
    message = str(err.value)
    assert "unknown region(s) 'us-east-7'" in message
    assert "'eu-wset-1' (did you mean 'eu-west-1'?)" in message
    assert "Valid regions:" in message and "ap-northeast-1" in message and "us-gov-west-1" in message
    assert moto.total_calls() == 0  # checked before any call


def test_regions_are_required(moto, write_config, load_inventory):
    with pytest.raises(AnsibleError, match="regions"):
        load_inventory(write_config(regions=[]))


def test_throttled_pages_are_retried(moto, write_config, load_inventory, no_sleep):
    launch(moto.ec2(), 30, per_reservation=1)
    # botocore gives up at once (max_attempts 1); the plugin's own backoff takes over.
    moto.server.inject_fault("DescribeInstances", "RequestLimitExceeded", status=503, count=3)
    run = load_inventory(write_config(max_attempts=1, retry_mode="standard", page_size=10))
    assert len(run.hosts) == 30
    assert moto.calls("DescribeInstances") == 3 + 3  # three throttled, three pages of ten
    assert len(no_sleep) == 3


def test_throttling_resumes_from_the_last_page(moto, write_config, load_inventory, no_sleep):
    launch(moto.ec2(), 30, per_reservation=1)
    # First page answers, then the second page is throttled twice.
    moto.server.inject_fault("DescribeInstances", "Throttling", status=400, count=2, after=1)
    run = load_inventory(write_config(max_attempts=1, retry_mode="standard", page_size=10))
    assert len(run.hosts) == 30
    # page 1, page 2 throttled twice, page 2, page 3: nothing fetched twice.
    assert moto.calls("DescribeInstances") == 5
    assert len(no_sleep) == 2


def test_botocore_retries_throttling_first(moto, write_config, load_inventory, no_sleep):
    launch(moto.ec2(), 2)
    moto.server.inject_fault("DescribeInstances", "Throttling", status=400, count=2)
    run = load_inventory(write_config(max_attempts=3, retry_mode="standard"))
    assert len(run.hosts) == 2
    assert moto.calls("DescribeInstances") == 3
    assert no_sleep == []  # botocore's own retries were enough


def test_throttled_for_too_long_is_an_error(moto, write_config, load_inventory, no_sleep):
    from ansible_collections.lowlat.trading.plugins.plugin_utils import ec2_api

    launch(moto.ec2(), 1)
    moto.server.inject_fault("DescribeInstances", "RequestLimitExceeded", status=503, count=100)
    with pytest.raises(AnsibleError, match="DescribeInstances in region us-east-1 was still throttled"):
        load_inventory(write_config(max_attempts=1, retry_mode="standard"))
    assert moto.calls("DescribeInstances") == ec2_api.THROTTLE_ROUNDS + 1
    assert len(no_sleep) == ec2_api.THROTTLE_ROUNDS


def test_missing_permission(moto, write_config, load_inventory):
    launch(moto.ec2(), 1)
    moto.server.inject_fault("DescribeInstanceTypes", "UnauthorizedOperation", status=403, count=1)
    with pytest.raises(AnsibleError, match=r"may not call ec2:DescribeInstanceTypes in region us-east-1"):
        load_inventory(write_config())


def test_unreachable_endpoint(moto, write_config, load_inventory):
    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(AnsibleError, match="could not reach the EC2 endpoint for region us-east-1"):
        load_inventory(write_config(endpoint_url=closed, max_attempts=1))


@pytest.mark.parametrize("page_size", [4, 1001])
def test_page_size_is_checked(moto, write_config, load_inventory, page_size):
    with pytest.raises(AnsibleError, match=f"page_size must be 5..1000, got {page_size}"):
        load_inventory(write_config(page_size=page_size))
