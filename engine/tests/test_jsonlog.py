from __future__ import annotations

import json
import logging

from lowlat_engine.jsonlog import JsonFormatter


def test_records_become_one_json_object_with_extra_fields():
    fmt = JsonFormatter("svc", "eng-1")
    record = logging.makeLogRecord(
        {"name": "engine", "levelname": "WARNING", "msg": "gap of %d", "args": (3,), "expected": 7}
    )
    entry = json.loads(fmt.format(record))
    assert entry["msg"] == "gap of 3" and entry["level"] == "warning"
    assert entry["service"] == "svc" and entry["instance"] == "eng-1" and entry["expected"] == 7
    assert entry["ts"].endswith("Z") and "\n" not in fmt.format(record)
