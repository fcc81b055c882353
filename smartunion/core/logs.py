"""Logs: one JSON object per line in production, never a full ID number or phone number.

``JsonFormatter`` writes each record as a JSON line (``time``, ``level``, ``logger``,
``message``, and the request fields an access record carries); ``TextFormatter`` is the same
for people reading a terminal (DEBUG). Both pass the message and any traceback through
``redact``, the last line of defence: an ID number or mobile number that reached a message (a
database error quoting a value, a URL with one in its query) is written masked, as pages show
it. ``GunicornLogger`` makes gunicorn's access and error logs the same JSON lines; the path it
logs goes through ``log_path``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from types import SimpleNamespace
from typing import Any

from gunicorn.glogging import Logger as GunicornBaseLogger

from smartunion.core.redact import redact

#: Request fields an access record may carry (``extra=``), written as they are.
REQUEST_FIELDS = (
    "method",
    "path",
    "status",
    "duration_ms",
    "bytes",
    "client",
)


def log_path(path: str, query: str = "") -> str:
    """The path and query of a request as access logs write it (personal numbers replaced by
    ``core.redact.redact``, the one redaction of the process)."""
    return redact(f"{path}?{query}" if query else path)


class TextFormatter(logging.Formatter):
    """``time level logger message`` lines, redacted (development)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line, redacted (production; ``SMARTUNION_LOG_FORMAT=json``)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name in REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        if record.exc_info:
            data["exception"] = redact(self.formatException(record.exc_info))
        elif record.stack_info:
            data["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(data, ensure_ascii=False, default=str)


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's logs through our formatters: an access record is one JSON line with the
    method, the (redacted) path, the status, the time taken, the size and the client."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        from django.conf import settings

        formatter = JsonFormatter() if settings.SMARTUNION_LOG_FORMAT == "json" else None
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter or TextFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        from smartunion.core.net import client_ip

        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        method = environ.get("REQUEST_METHOD", "")
        path = log_path(environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        try:
            self.access_log.info(
                "%s %s %s",
                method,
                path,
                status,
                extra={
                    "method": method,
                    "path": path,
                    "status": int(status),
                    "duration_ms": round(request_time.total_seconds() * 1000, 1),
                    "bytes": getattr(resp, "sent", None),
                    "client": client_ip(SimpleNamespace(META=environ)),
                },
            )
        except Exception:
            self.exception("could not write the access log record")


class ErrorReference(logging.Filter):
    """Prefix ``[错误编号 ABCD1234]`` to a record about a request whose error page named one
    (core.views.server_error), so the operator finds the traceback the user reports."""

    def filter(self, record: logging.LogRecord) -> bool:
        reference = getattr(getattr(record, "request", None), "error_reference", "")
        if reference and not getattr(record, "_error_reference", False):
            record.msg = f"[错误编号 {reference}] {record.msg}"
            record._error_reference = True
        return True
