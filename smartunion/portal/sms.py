"""Sending SMS: the sender is chosen by ``SMARTUNION_SMS_SENDER`` (a dotted class path).

``FileOutbox`` (the default, used by ``make run`` and the tests) writes one file per message into
``SMARTUNION_SMS_OUTBOX`` (``var/sms-outbox/``), like Django's file e-mail backend.
``TencentSms`` sends through Tencent Cloud SMS (短信 API 3.0, ``SendSms`` of 2021-01-11), its
requests signed with TC3-HMAC-SHA256 (``tc3_authorization``, tested against the provider's
published example). A provider sends only approved templates: the sender gets the whole text
(for the outbox) and the template's parameters (the code, the minutes).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The provider did not take the message (its error code; never the number)."""


class SmsSender:
    def send(
        self, phone: str, text: str, *, template_params: tuple[str, ...] = ()
    ) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class FileOutbox(SmsSender):
    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory or settings.SMARTUNION_SMS_OUTBOX)

    def send(self, phone: str, text: str, *, template_params: tuple[str, ...] = ()) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.txt"
        path.write_text(f"To: {phone}\n\n{text}\n", encoding="utf-8")


TC3 = "TC3-HMAC-SHA256"
JSON_TYPE = "application/json; charset=utf-8"


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def tc3_authorization(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    host: str,
    payload: bytes,
    timestamp: int,
    content_type: str = JSON_TYPE,
) -> str:
    """The ``Authorization`` header of a TencentCloud API 3.0 POST (签名方法 v3)."""
    canonical_request = "\n".join(
        (
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload).hexdigest(),
        )
    )
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    scope = f"{day}/{service}/tc3_request"
    string_to_sign = "\n".join(
        (TC3, str(timestamp), scope, hashlib.sha256(canonical_request.encode()).hexdigest())
    )
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), day), service), "tc3_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"{TC3} Credential={secret_id}/{scope}, SignedHeaders=content-type;host, "
        f"Signature={signature}"
    )


class TencentSms(SmsSender):
    """腾讯云短信: ``SMARTUNION_TENCENT_SMS_*`` settings (see docs/operator-guide.md)."""

    host = "sms.tencentcloudapi.com"
    service = "sms"
    version = "2021-01-11"
    timeout = 10

    def __init__(self):
        names = ("SECRET_ID", "SECRET_KEY", "APP_ID", "SIGN_NAME", "TEMPLATE_ID")
        values = {n: getattr(settings, f"SMARTUNION_TENCENT_SMS_{n}", "") for n in names}
        missing = [f"SMARTUNION_TENCENT_SMS_{n}" for n, v in values.items() if not v]
        if missing:
            raise ImproperlyConfigured("腾讯云短信缺少设置：" + ", ".join(missing))
        self.secret_id, self.secret_key = values["SECRET_ID"], values["SECRET_KEY"]
        self.app_id, self.sign_name = values["APP_ID"], values["SIGN_NAME"]
        self.template_id = values["TEMPLATE_ID"]
        self.region = settings.SMARTUNION_TENCENT_SMS_REGION

    def request(
        self, phone: str, template_params: tuple[str, ...], timestamp: int
    ) -> urllib.request.Request:
        body = json.dumps(
            {
                "PhoneNumberSet": [f"+86{phone}"],
                "SmsSdkAppId": self.app_id,
                "SignName": self.sign_name,
                "TemplateId": self.template_id,
                "TemplateParamSet": list(template_params),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        headers = {
            "Authorization": tc3_authorization(
                secret_id=self.secret_id,
                secret_key=self.secret_key,
                service=self.service,
                host=self.host,
                payload=body,
                timestamp=timestamp,
            ),
            "Content-Type": JSON_TYPE,
            "Host": self.host,
            "X-TC-Action": "SendSms",
            "X-TC-Version": self.version,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": self.region,
        }
        return urllib.request.Request(f"https://{self.host}/", body, headers, method="POST")

    def send(self, phone: str, text: str, *, template_params: tuple[str, ...] = ()) -> None:
        request = self.request(phone, template_params, int(datetime.now(UTC).timestamp()))
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode("utf-8"))["Response"]
        except (OSError, ValueError, KeyError) as exc:
            raise SmsError(f"腾讯云短信接口不可用：{type(exc).__name__}") from None
        if "Error" in answer:
            raise SmsError(str(answer["Error"].get("Code", "")))
        statuses = answer.get("SendStatusSet") or [{}]
        if statuses[0].get("Code") != "Ok":
            raise SmsError(str(statuses[0].get("Code", "")))


def sender() -> SmsSender:
    return import_string(settings.SMARTUNION_SMS_SENDER)()
