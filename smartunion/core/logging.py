"""Logging helpers: the reference a 500 page shows, on the log line of its traceback."""

from __future__ import annotations

import logging


class ErrorReference(logging.Filter):
    """Prefix ``[错误编号 ABCD1234]`` to a record about a request whose error page named one
    (core.views.server_error), so the operator finds the traceback the user reports."""

    def filter(self, record: logging.LogRecord) -> bool:
        reference = getattr(getattr(record, "request", None), "error_reference", "")
        if reference and not getattr(record, "_error_reference", False):
            record.msg = f"[错误编号 {reference}] {record.msg}"
            record._error_reference = True
        return True
