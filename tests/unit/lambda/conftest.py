"""Fixtures for the Lambda handler tests: fake AWS credentials, a fresh copy of a handler module
per test (its client cache starts empty), and a real orders table inside moto's in-process mock."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import boto3
import pytest
from moto import mock_aws

REPO = Path(__file__).resolve().parents[3]
LAMBDA_DIR = REPO / "lambda"
REGION = "eu-west-2"
ORDERS_TABLE = "lowlat-test-orders"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials and a region; nothing that could reach a real account."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def load_function(function: str, module: str = "handler") -> ModuleType:
    """lambda/<function>/<module>.py as a new module object (the way Lambda loads it: by file)."""
    path = LAMBDA_DIR / function / f"{module}.py"
    name = f"lowlat_lambda_{function}_{module}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader, path
    loaded = importlib.util.module_from_spec(spec)
    sys.modules.pop(name, None)
    spec.loader.exec_module(loaded)
    return loaded


@pytest.fixture
def order_status(aws_env: None) -> ModuleType:
    return load_function("order_status")


@pytest.fixture
def orders_table(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The orders table (partition key order_id, a string) in moto; ORDERS_TABLE names it."""
    with mock_aws():
        resource = boto3.resource("dynamodb", region_name=REGION)
        table = resource.create_table(
            TableName=ORDERS_TABLE,
            KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        monkeypatch.setenv("ORDERS_TABLE", ORDERS_TABLE)
        yield table


@pytest.fixture
def sync_cluster_sizes(aws_env: None) -> ModuleType:
    return load_function("sync_cluster_sizes")
