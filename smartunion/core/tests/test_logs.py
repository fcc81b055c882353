"""Log lines: JSON objects, with ID and mobile numbers masked wherever they appear."""

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


def test_an_id_number_and_a_mobile_number_are_masked_as_pages_show_them():
    number = new_id_number()
    text = redact(f"duplicate key {number} for 13912345678, x{number[:-1]}x stays")
    assert number not in text and "13912345678" not in text
    assert f"{number[:6]}********{number[-4:]}" in text and "139****5678" in text


def test_longer_digit_runs_are_not_taken_for_numbers():
    assert redact("order 6201021990051712345 and 139123456789") == (
        "order 6201021990051712345 and 139123456789"
    )


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
    assert log_path("/members/", f"q={number}&page=2") == (
        f"/members/?q={number[:6]}********{number[-4:]}&page=2"
    )
