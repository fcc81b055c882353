"""Sending SMS: the sender is chosen by ``SMARTUNION_SMS_SENDER`` (a dotted class path).

``FileOutbox`` (the default, used by ``make run`` and the tests) writes one file per message into
``SMARTUNION_SMS_OUTBOX`` (``var/sms-outbox/``), like Django's file e-mail backend. A provider's
client (Tencent Cloud / Alibaba Cloud SMS) is a subclass of ``SmsSender``; none is written yet.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


class SmsSender:
    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class FileOutbox(SmsSender):
    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory or settings.SMARTUNION_SMS_OUTBOX)

    def send(self, phone: str, text: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.txt"
        path.write_text(f"To: {phone}\n\n{text}\n", encoding="utf-8")


def sender() -> SmsSender:
    return import_string(settings.SMARTUNION_SMS_SENDER)()
