"""Sending SMS: the sender is chosen by ``SMARTUNION_SMS_SENDER`` (a dotted class path).

``FileOutbox`` (the default, used by ``make run`` and the tests) writes one file per message into
``SMARTUNION_SMS_OUTBOX`` (``var/sms-outbox/``), like Django's file e-mail backend.
``TencentSms`` sends through Tencent Cloud SMS (短信 API 3.0, ``SendSms`` of 2021-01-11) with the
provider's own SDK, which builds and signs the requests (TC3-HMAC-SHA256); the tests check its
requests against the provider's published signing example. A provider sends only approved
templates: the sender gets the whole text (for the outbox), which template it is (``CODE``, the
sign-in code; ``NOTICE``, a step of a worker's application) and the template's parameters.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models as sms_models
from tencentcloud.sms.v20210111 import sms_client

#: The templates a province has approved by its provider: the sign-in code ({1} the code, {2}
#: the minutes) and the notices of 职工之家 ({1} the application's number, {2} what happened).
CODE, NOTICE = "code", "notice"


class SmsError(Exception):
    """The provider did not take the message (its error code; never the number)."""


class SmsSender:
    def send(
        self, phone: str, text: str, *, template: str = CODE, template_params: tuple[str, ...] = ()
    ) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class FileOutbox(SmsSender):
    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory or settings.SMARTUNION_SMS_OUTBOX)

    def send(
        self, phone: str, text: str, *, template: str = CODE, template_params: tuple[str, ...] = ()
    ) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.txt"
        path.write_text(f"To: {phone}\n\n{text}\n", encoding="utf-8")


class TencentSms(SmsSender):
    """腾讯云短信 through the provider's own SDK (``tencentcloud-sdk-python-sms``: ``SendSms`` of
    2021-01-11, each request signed TC3-HMAC-SHA256 by the SDK), configured by the
    ``SMARTUNION_TENCENT_SMS_*`` settings (docs/operator-guide.md). A refusal or an unreachable
    provider is an ``SmsError`` with the provider's error code only, never the number."""

    version = "2021-01-11"
    timeout = 10

    def __init__(self):
        names = ("SECRET_ID", "SECRET_KEY", "APP_ID", "SIGN_NAME", "TEMPLATE_ID")
        values = {n: getattr(settings, f"SMARTUNION_TENCENT_SMS_{n}", "") for n in names}
        missing = [f"SMARTUNION_TENCENT_SMS_{n}" for n, v in values.items() if not v]
        if missing:
            raise ImproperlyConfigured("腾讯云短信缺少设置：" + ", ".join(missing))
        self.client = sms_client.SmsClient(
            credential.Credential(values["SECRET_ID"], values["SECRET_KEY"]),
            settings.SMARTUNION_TENCENT_SMS_REGION,
            ClientProfile(httpProfile=HttpProfile(reqTimeout=self.timeout)),
        )
        self.app_id, self.sign_name = values["APP_ID"], values["SIGN_NAME"]
        self.templates = {
            CODE: values["TEMPLATE_ID"],
            NOTICE: settings.SMARTUNION_TENCENT_SMS_NOTICE_TEMPLATE_ID,
        }

    def send(
        self, phone: str, text: str, *, template: str = CODE, template_params: tuple[str, ...] = ()
    ) -> None:
        template_id = self.templates.get(template)
        if not template_id:
            raise SmsError(f"no-template:{template}")  # a notice the province sends no SMS for
        request = sms_models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{phone}"]
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = template_id
        request.TemplateParamSet = list(template_params)
        try:
            answer = self.client.SendSms(request)
        except TencentCloudSDKException as exc:  # ClientNetworkError when unreachable
            raise SmsError(str(exc.get_code() or "")) from None
        statuses = answer.SendStatusSet or []
        code = statuses[0].Code if statuses else ""
        if code != "Ok":
            raise SmsError(str(code or ""))


def sender() -> SmsSender:
    return import_string(settings.SMARTUNION_SMS_SENDER)()
