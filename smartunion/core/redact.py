"""Personal numbers in free text: found to keep them out of URLs, replaced before anything logs.

ID numbers, phone numbers and bank card numbers are never logged in plaintext (ARCHITECTURE.md
invariant 3). Searches that hold one go by POST (``core.views_mixins.PostedSearchMixin``,
``POST /api/v1/members/search``), so the number is not in the URL for a proxy to log; and
whatever still reaches a log line here — a hand-typed URL in gunicorn's access log or in
runserver's, Django's "Not Found: /…" warnings, an exception's message — has the number
replaced before any handler sees it: ``configure_logging`` (settings.LOGGING_CONFIG) installs a
log record factory that redacts every record of the process, whatever the logger, the handler
or the formatter (JSON lines included).

A personal number here is a run of 11 or more digits (a mobile phone has 11, an ID number 18,
a bank card 16–19), ASCII or full-width, possibly percent-encoded, possibly split by single
spaces, dashes or plus signs (``620102 19900517 0039``), with an optional final X. Shorter
numbers — record ids (at most 9 digits for 300 million members), dates, times, ports, sizes —
are left alone.
"""

from __future__ import annotations

import logging
import logging.config
import re
from collections.abc import MutableMapping

REPLACEMENT = "[REDACTED]"

# One digit: ASCII, full-width (U+FF10–FF19), or full-width percent-encoded once or twice.
_DIGIT = r"(?:[0-9\uff10-\uff19]|%(?:25)?EF%(?:25)?BC%(?:25)?9[0-9])"
_SEP = r"(?:[ +\-]|%(?:25)?20|%(?:25)?2B)"
_X = r"(?:[xX\uff38\uff58]|%(?:25)?EF%(?:25)?BC%(?:25)?B8|%(?:25)?EF%(?:25)?BD%(?:25)?98)"
PERSONAL_NUMBER = re.compile(rf"{_DIGIT}(?:{_SEP}?{_DIGIT}){{10,}}(?:{_SEP}?{_X})?", re.IGNORECASE)


def has_personal_number(text: str | None) -> bool:
    """Whether ``text`` holds something that may be an ID, phone or bank card number."""
    return bool(text) and PERSONAL_NUMBER.search(text) is not None


def redact(text: str) -> str:
    """``text`` with every personal number replaced by ``[REDACTED]``."""
    return PERSONAL_NUMBER.sub(REPLACEMENT, text)


# ---- logging -----------------------------------------------------------------------------------

_exception_formatter = logging.Formatter()


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Replace personal numbers in a record's message, arguments and exception text."""
    if isinstance(record.args, MutableMapping):
        # gunicorn's access log passes its atoms (request line, query, referer…) as a mapping
        # that its format string reads by name: redacted in place, it keeps its other keys.
        for key, value in list(record.args.items()):
            if isinstance(value, str) and has_personal_number(value):
                record.args[key] = redact(value)
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string is logging's to report, not ours
        return record
    if has_personal_number(message):
        record.msg, record.args = redact(message), ()
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        text = _exception_formatter.formatException(record.exc_info)
        if has_personal_number(text):
            record.exc_text = redact(text)
    return record


_installed = False


def install_log_redaction() -> None:
    """Make every log record of this process redacted as it is created (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        return redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True


def configure_logging(config: dict) -> None:
    """settings.LOGGING_CONFIG: redaction first, then the LOGGING dict as Django would."""
    install_log_redaction()
    logging.config.dictConfig(config)
