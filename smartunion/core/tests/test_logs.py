"""Log lines: JSON objects, with ID and mobile numbers replaced wherever they appear."""

from __future__ import annotations

import json
import logging

from smartunion.core.logs import JsonFormatter, TextFormatter, log_path, redact
from smartunion.core.testing import new_id_number


def record(message: str, *args, exc_info=None, **extra) -> logging.LogRecord:
    rec = logging.LogRecord("smartunion.test", logging.ERROR, __file__, 1, message, args, exc_info)
    for key, value in extra.items():
        setattr(rec, key, value)
    return rec


def test_an_id_number_and_a_mobile_number_are_replaced():
    number = new_id_number()
    text = redact(f"duplicate key {number} for 13912345678")
    assert number not in text and "13912345678" not in text
    assert text == "duplicate key [REDACTED] for [REDACTED]"


def test_short_digit_runs_are_left_alone():
    assert redact("row 123456789 of 2026-12-06 12:00") == "row 123456789 of 2026-12-06 12:00"


def test_a_json_line_carries_the_request_fields_and_a_redacted_traceback():
    number = new_id_number()
    try:
        raise ValueError(f"bad row {number}")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    line = JsonFormatter().format(
        record("import failed for %s", number, exc_info=exc_info, method="GET", status=500)
    )
    data = json.loads(line)
    assert data["level"] == "ERROR" and data["logger"] == "smartunion.test"
    assert data["method"] == "GET" and data["status"] == 500
    assert number not in line and "ValueError" in data["exception"]
    assert "\n" not in line


def test_text_lines_are_redacted_too():
    assert "13912345678" not in TextFormatter().format(record("phone 13912345678"))


def test_an_access_log_path_keeps_its_query_masked():
    number = new_id_number()
    assert log_path("/members/", f"q={number}&page=2") == "/members/?q=[REDACTED]&page=2"
