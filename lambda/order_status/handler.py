"""Order status lookup behind the platform API: GET /orders/{order_id}.

Reads one order from the DynamoDB table named by the ORDERS_TABLE environment variable (partition
key `order_id`, a string) and answers with an API Gateway proxy response:

- 200 and the order as JSON (DynamoDB numbers keep their exact digits, see `to_json`);
- 400 when the order id is not 1-64 letters, digits or dashes;
- 404 when there is no such order;
- 405 for any method other than GET;
- 500 with a generic message when DynamoDB (or the AWS SDK) fails. The cause goes to the log as
  one JSON line with the request ids, never into the response.

Both event shapes are understood: REST APIs (payload 1.0, `httpMethod`) and HTTP APIs (payload
2.0, `requestContext.http.method`); both take the same response format.

Only the Python standard library and the boto3 that the Lambda Python runtime provides are used.
The DynamoDB client is made once per execution environment, on the first request that needs it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import Binary, TypeDeserializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ORDER_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
KEY_ATTRIBUTE = "order_id"
TABLE_ENV = "ORDERS_TABLE"

# Short timeouts and three attempts in all (the SDK's standard retry mode): at worst about 9 s plus
# back-off, so an answer (or a 500) comes well within the function's timeout and API Gateway's 29 s.
_CLIENT_CONFIG = Config(
    connect_timeout=1, read_timeout=2, retries={"mode": "standard", "total_max_attempts": 3}
)

_client: Any = None
_deserializer = TypeDeserializer()


def dynamodb() -> Any:
    """The DynamoDB client of this execution environment, created on first use."""
    global _client
    if _client is None:
        _client = boto3.client("dynamodb", config=_CLIENT_CONFIG)
    return _client


# --------------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------------


def to_json(value: Any) -> str:
    """JSON text of a deserialized DynamoDB item.

    DynamoDB numbers come back as Decimal; they are written as JSON numbers with exactly their
    digits (a price of 101.25 stays 101.25, a 20-digit quantity is not rounded through a float).
    Sets (SS/NS/BS) become sorted arrays, binary values base64 strings, map keys are sorted.
    """
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a JSON number: {value}")
        return str(value)
    if isinstance(value, int | float | str):
        return json.dumps(value)
    if isinstance(value, Binary):
        value = value.value
    if isinstance(value, bytes | bytearray):
        return json.dumps(base64.b64encode(bytes(value)).decode("ascii"))
    if isinstance(value, dict):
        members = (f"{json.dumps(str(k))}:{to_json(v)}" for k, v in sorted(value.items()))
        return "{" + ",".join(members) + "}"
    if isinstance(value, set | frozenset):
        value = sorted(value, key=lambda v: v.value if isinstance(v, Binary) else v)
    if isinstance(value, list | tuple):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# --------------------------------------------------------------------------------------------------
# Events and responses
# --------------------------------------------------------------------------------------------------


def _method(event: dict[str, Any]) -> str:
    if "httpMethod" in event:  # REST API, payload 1.0
        return str(event["httpMethod"]).upper()
    http = (event.get("requestContext") or {}).get("http") or {}  # HTTP API, payload 2.0
    return str(http.get("method", "")).upper()


def _api_request_id(event: dict[str, Any]) -> str | None:
    return (event.get("requestContext") or {}).get("requestId")


def _order_id(event: dict[str, Any]) -> Any:
    return (event.get("pathParameters") or {}).get(KEY_ATTRIBUTE)


def _response(status: int, body: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store", **(headers or {})},
        "body": body,
        "isBase64Encoded": False,
    }


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return _response(status, json.dumps({"message": message}), headers)


def log(level: str, message: str, **fields: Any) -> None:
    """One JSON object per line on stdout, which Lambda sends to the function's log group."""
    record = {"timestamp": round(time.time(), 3), "level": level, "message": message, **fields}
    print(json.dumps(record, default=str, sort_keys=True), flush=True)


# --------------------------------------------------------------------------------------------------
# Handler
# --------------------------------------------------------------------------------------------------


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    method = _method(event)
    if method != "GET":
        return _error(405, "Method not allowed; use GET.", {"Allow": "GET"})

    order_id = _order_id(event)
    if not isinstance(order_id, str) or not ORDER_ID.fullmatch(order_id):
        return _error(400, "order_id must be 1-64 letters, digits or dashes.")

    ids = {
        "aws_request_id": getattr(context, "aws_request_id", None),
        "api_request_id": _api_request_id(event),
    }
    table = os.environ.get(TABLE_ENV)
    if not table:
        log("ERROR", "order lookup failed: the function has no table configured", env=TABLE_ENV, **ids)
        return _error(500, "Internal error.")

    try:
        answer = dynamodb().get_item(
            TableName=table,
            Key={KEY_ATTRIBUTE: {"S": order_id}},
            ConsistentRead=True,  # an order's status changes fill by fill: never an older copy
        )
    except ClientError as err:
        error = err.response.get("Error", {})
        log(
            "ERROR",
            "order lookup failed",
            error_code=error.get("Code"),
            error_message=error.get("Message"),
            operation=err.operation_name,
            **ids,
        )
        return _error(500, "Internal error.")
    except BotoCoreError as err:
        log("ERROR", "order lookup failed", error_type=type(err).__name__, error_message=str(err), **ids)
        return _error(500, "Internal error.")

    item = answer.get("Item")
    if item is None:
        return _error(404, "Order not found.")
    order = {name: _deserializer.deserialize(value) for name, value in item.items()}
    return _response(200, to_json(order))
