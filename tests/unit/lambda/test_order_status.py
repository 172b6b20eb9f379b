"""lambda/order_status/handler.py against a real table in moto's in-process mock.

Both API event shapes (REST payload 1.0 and HTTP API payload 2.0), the answers 200/400/404/405/500,
DynamoDB numbers written with their exact digits, AWS failures that reach the log but not the
caller, and one DynamoDB client per execution environment.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from boto3.dynamodb.types import Binary
from botocore.exceptions import EndpointConnectionError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CONTEXT = SimpleNamespace(aws_request_id="0f2c7a1e-lambda-request", function_name="lowlat-test-order-status")
API_REQUEST_ID = "api-req-1234"

ORDER = {
    "order_id": "ORD-2026-000042",
    "status": "PARTIALLY_FILLED",
    "symbol": "VOD.L",
    "side": "BUY",
    "price": Decimal("101.25"),
    "limit_price": Decimal("0.1"),
    "quantity": Decimal("1000"),
    "filled_quantity": Decimal("250"),
    "notional": Decimal("12345678901234567890.123456789"),  # more digits than a float holds
    "fills": [{"qty": Decimal("250"), "px": Decimal("101.2"), "venue": "XLON"}],
    "tags": {"desk-a", "algo-twap"},
    "venue_ids": {Decimal("3"), Decimal("1")},
    "short_sell": False,
    "parent_id": None,
    "signature": Binary(b"\x00\x01sig"),
}


def rest_event(method: str = "GET", order_id: Any = "ORD-1", **extra: Any) -> dict[str, Any]:
    """A REST API (payload 1.0) proxy event."""
    return {
        "resource": "/orders/{order_id}",
        "path": f"/orders/{order_id}",
        "httpMethod": method,
        "headers": {"Accept": "application/json"},
        "pathParameters": None if order_id is None else {"order_id": order_id},
        "requestContext": {"requestId": API_REQUEST_ID, "stage": "v1", "httpMethod": method},
        "body": None,
        "isBase64Encoded": False,
        **extra,
    }


def http_event(method: str = "GET", order_id: Any = "ORD-1", **extra: Any) -> dict[str, Any]:
    """An HTTP API (payload 2.0) event."""
    return {
        "version": "2.0",
        "routeKey": "GET /orders/{order_id}",
        "rawPath": f"/orders/{order_id}",
        "headers": {"accept": "application/json"},
        "pathParameters": None if order_id is None else {"order_id": order_id},
        "requestContext": {
            "requestId": API_REQUEST_ID,
            "http": {"method": method, "path": f"/orders/{order_id}", "protocol": "HTTP/1.1"},
        },
        "isBase64Encoded": False,
        **extra,
    }


EVENT_SHAPES: dict[str, Callable[..., dict[str, Any]]] = {"rest_v1": rest_event, "http_v2": http_event}
shapes = pytest.mark.parametrize("make_event", EVENT_SHAPES.values(), ids=EVENT_SHAPES.keys())


def body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"], parse_float=Decimal, parse_int=Decimal)


def log_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def assert_proxy_response(response: dict[str, Any], status: int) -> None:
    assert response["statusCode"] == status
    assert response["headers"]["Content-Type"] == "application/json"
    assert response["headers"]["Cache-Control"] == "no-store"
    assert response["isBase64Encoded"] is False
    assert isinstance(response["body"], str)


# --------------------------------------------------------------------------------------------------
# Found, missing
# --------------------------------------------------------------------------------------------------


@shapes
def test_found_order_is_returned_with_exact_numbers(order_status, orders_table, make_event):
    orders_table.put_item(Item=ORDER)
    response = order_status.handler(make_event(order_id=ORDER["order_id"]), CONTEXT)
    assert_proxy_response(response, 200)
    got = body(response)
    assert got["order_id"] == "ORD-2026-000042"
    assert got["status"] == "PARTIALLY_FILLED"
    assert got["price"] == Decimal("101.25")
    assert got["limit_price"] == Decimal("0.1")
    assert got["quantity"] == Decimal("1000")
    assert got["notional"] == Decimal("12345678901234567890.123456789")
    assert got["fills"] == [{"qty": Decimal("250"), "px": Decimal("101.2"), "venue": "XLON"}]
    assert got["tags"] == ["algo-twap", "desk-a"]
    assert got["venue_ids"] == [Decimal("1"), Decimal("3")]
    assert got["short_sell"] is False
    assert got["parent_id"] is None
    assert got["signature"] == "AAFzaWc="


def test_numbers_are_json_numbers_not_strings(order_status, orders_table):
    orders_table.put_item(Item={"order_id": "N-1", "price": Decimal("101.25"), "qty": Decimal("7")})
    text = order_status.handler(rest_event(order_id="N-1"), CONTEXT)["body"]
    assert text == '{"order_id":"N-1","price":101.25,"qty":7}'
    assert json.loads(text) == {"order_id": "N-1", "price": 101.25, "qty": 7}


@shapes
def test_missing_order_is_404(order_status, orders_table, make_event):
    orders_table.put_item(Item={"order_id": "ORD-1", "status": "NEW"})
    response = order_status.handler(make_event(order_id="ORD-2"), CONTEXT)
    assert_proxy_response(response, 404)
    assert body(response) == {"message": "Order not found."}


def test_lookup_is_a_consistent_read_of_the_configured_table(order_status, orders_table, monkeypatch):
    calls = []
    client = order_status.dynamodb()
    real_get_item = client.get_item
    monkeypatch.setattr(client, "get_item", lambda **kw: calls.append(kw) or real_get_item(**kw))
    order_status.handler(rest_event(order_id="ORD-9"), CONTEXT)
    assert calls == [
        {"TableName": "lowlat-test-orders", "Key": {"order_id": {"S": "ORD-9"}}, "ConsistentRead": True}
    ]


# --------------------------------------------------------------------------------------------------
# Malformed ids, wrong methods
# --------------------------------------------------------------------------------------------------

MALFORMED_IDS = {
    "empty": "",
    "65_characters": "A" * 65,
    "underscore": "ORD_1",
    "slash": "ORD/1",
    "dot_dot": "..",
    "space": "ORD 1",
    "percent_encoded": "ORD%201",
    "non_ascii_letter": "ORDÉ-1",
    "newline": "ORD-1\n",
    "quote": 'ORD"1',
    "not_a_string": 42,
    "absent": None,
}


@shapes
@pytest.mark.parametrize("order_id", MALFORMED_IDS.values(), ids=MALFORMED_IDS.keys())
def test_malformed_order_id_is_400_without_a_lookup(
    order_status, orders_table, make_event, order_id, monkeypatch
):
    monkeypatch.setattr(order_status, "dynamodb", lambda: pytest.fail("no lookup for a malformed id"))
    response = order_status.handler(make_event(order_id=order_id), CONTEXT)
    assert_proxy_response(response, 400)
    assert body(response) == {"message": "order_id must be 1-64 letters, digits or dashes."}


def test_path_parameters_without_order_id_is_400(order_status, orders_table):
    response = order_status.handler(rest_event(pathParameters={"id": "ORD-1"}), CONTEXT)
    assert response["statusCode"] == 400


@pytest.mark.parametrize("order_id", ["A", "a" * 64, "0", "ORD-2026-000042", "-", "abcXYZ-0189"])
def test_edge_ids_are_accepted(order_status, orders_table, order_id):
    orders_table.put_item(Item={"order_id": order_id, "status": "NEW"})
    response = order_status.handler(rest_event(order_id=order_id), CONTEXT)
    assert response["statusCode"] == 200
    assert body(response) == {"order_id": order_id, "status": "NEW"}


@shapes
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", ""])
def test_method_other_than_get_is_405(order_status, orders_table, make_event, method, monkeypatch):
    monkeypatch.setattr(order_status, "dynamodb", lambda: pytest.fail("no lookup for a refused method"))
    response = order_status.handler(make_event(method=method), CONTEXT)
    assert_proxy_response(response, 405)
    assert response["headers"]["Allow"] == "GET"
    assert body(response) == {"message": "Method not allowed; use GET."}


def test_event_without_any_method_is_405(order_status):
    assert order_status.handler({"pathParameters": {"order_id": "ORD-1"}}, CONTEXT)["statusCode"] == 405


def test_method_is_checked_before_the_id(order_status):
    assert order_status.handler(rest_event(method="DELETE", order_id="bad/id"), CONTEXT)["statusCode"] == 405


# --------------------------------------------------------------------------------------------------
# AWS failures: 500, generic body, one structured log line
# --------------------------------------------------------------------------------------------------

GENERIC_500 = {"message": "Internal error."}


def assert_leaks_nothing(response: dict[str, Any], *secrets: str) -> None:
    text = json.dumps(response)
    for secret in ("Traceback", "botocore", "arn:aws", "Exception", *secrets):
        assert secret not in text, f"{secret!r} leaked into the response"


@shapes
def test_dynamodb_error_is_500_and_logged_without_leaking(
    order_status, orders_table, make_event, monkeypatch, capsys
):
    monkeypatch.setenv("ORDERS_TABLE", "lowlat-test-no-such-table")
    response = order_status.handler(make_event(order_id="ORD-1"), CONTEXT)
    assert_proxy_response(response, 500)
    assert body(response) == GENERIC_500
    assert_leaks_nothing(response, "lowlat-test-no-such-table", "ResourceNotFound")

    (line,) = log_lines(capsys)
    assert line["level"] == "ERROR"
    assert line["message"] == "order lookup failed"
    assert line["error_code"] == "ResourceNotFoundException"
    assert line["operation"] == "GetItem"
    assert line["aws_request_id"] == CONTEXT.aws_request_id
    assert line["api_request_id"] == API_REQUEST_ID
    assert isinstance(line["timestamp"], float)


def test_sdk_error_without_an_aws_answer_is_500(order_status, orders_table, monkeypatch, capsys):
    class Unreachable:
        def get_item(self, **_: Any) -> None:
            raise EndpointConnectionError(endpoint_url="https://dynamodb.eu-west-2.amazonaws.com/")

    monkeypatch.setattr(order_status, "dynamodb", Unreachable)
    response = order_status.handler(http_event(order_id="ORD-1"), CONTEXT)
    assert_proxy_response(response, 500)
    assert body(response) == GENERIC_500
    assert_leaks_nothing(response, "amazonaws.com", "Endpoint")
    (line,) = log_lines(capsys)
    assert (line["level"], line["error_type"]) == ("ERROR", "EndpointConnectionError")
    assert line["aws_request_id"] == CONTEXT.aws_request_id


def test_function_without_a_table_name_is_500(order_status, orders_table, monkeypatch, capsys):
    monkeypatch.delenv("ORDERS_TABLE")
    response = order_status.handler(rest_event(), CONTEXT)
    assert body(response) == GENERIC_500
    (line,) = log_lines(capsys)
    assert line["env"] == "ORDERS_TABLE" and line["level"] == "ERROR"


def test_answered_requests_log_nothing(order_status, orders_table, capsys):
    orders_table.put_item(Item={"order_id": "ORD-1"})
    for event in (rest_event(), rest_event(order_id="ORD-2"), rest_event(order_id="x/y"), rest_event("POST")):
        order_status.handler(event, CONTEXT)
    assert capsys.readouterr().out == ""


# --------------------------------------------------------------------------------------------------
# The client: one per execution environment, made on first use
# --------------------------------------------------------------------------------------------------


def test_client_is_created_lazily_and_once(order_status, orders_table, monkeypatch):
    made = []
    real_client = order_status.boto3.client
    monkeypatch.setattr(
        order_status.boto3, "client", lambda *a, **kw: made.append(a) or real_client(*a, **kw)
    )
    assert order_status._client is None, "no client at import time (cold start does no AWS setup)"
    order_status.handler(rest_event(method="POST"), CONTEXT)
    order_status.handler(rest_event(order_id="bad id"), CONTEXT)
    assert made == [], "refused requests make no client"
    for order_id in ("ORD-1", "ORD-2", "ORD-3"):
        order_status.handler(rest_event(order_id=order_id), CONTEXT)
    assert made == [("dynamodb",)]


def test_client_has_short_timeouts_and_standard_retries(order_status, orders_table):
    config = order_status.dynamodb().meta.config
    assert (config.connect_timeout, config.read_timeout) == (1, 2)
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}


# --------------------------------------------------------------------------------------------------
# to_json
# --------------------------------------------------------------------------------------------------


def test_to_json_refuses_what_is_not_json(order_status):
    with pytest.raises(ValueError):
        order_status.to_json(Decimal("NaN"))
    with pytest.raises(TypeError):
        order_status.to_json(object())


def test_to_json_sorts_keys_and_binary_sets(order_status):
    value = {"b": {Binary(b"\x02"), Binary(b"\x01")}, "a": (Decimal("-0.50"), True)}
    assert order_status.to_json(value) == '{"a":[-0.50,true],"b":["AQ==","Ag=="]}'


# The fixture only loads the module (to_json keeps no state), so sharing it across examples is fine.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.decimals(allow_nan=False, allow_infinity=False).filter(lambda d: -130 < d.adjusted() < 126))
def test_to_json_keeps_every_digit_of_a_dynamodb_number(order_status, number):
    text = order_status.to_json({"n": number})
    assert json.loads(text, parse_float=Decimal, parse_int=Decimal) == {"n": number}
