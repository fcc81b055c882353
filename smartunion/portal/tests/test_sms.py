"""腾讯云短信 through the provider's SDK: its signature against the provider's published example,
the SendSms request our sender builds, the provider's refusals — no network (these machines
have none): the SDK's HTTP connection is replaced by one that records what would be sent."""

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.http.request import ProxyConnection

from smartunion.portal import signin, sms

EXAMPLE_ID, EXAMPLE_KEY = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
EXAMPLE_TIME = 1551113065  # 2019-02-26 00:44:25 in Beijing: the date signed is UTC's
# 腾讯云 API 3.0 "签名方法 v3": the example of DescribeInstances (cvm), with the documented
# example key pair, timestamp and body — and the signature the document prints.
EXAMPLE_PAYLOAD = {"Limit": 1, "Filters": [{"Values": ["未命名"], "Name": "instance-name"}]}
EXAMPLE_AUTHORIZATION = (
    f"TC3-HMAC-SHA256 Credential={EXAMPLE_ID}/2019-02-25/cvm/tc3_request, "
    "SignedHeaders=content-type;host, "
    "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
)


def tc3_authorization(
    service: str, host: str, payload: bytes, timestamp: int, content_type: str
) -> str:
    """The document's signing steps written out, to check the SDK's requests against."""
    hashed = hashlib.sha256(payload).hexdigest()
    headers = f"content-type:{content_type}\nhost:{host}\n"
    canonical = f"POST\n/\n\n{headers}\ncontent-type;host\n{hashed}"
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    scope = f"{day}/{service}/tc3_request"
    to_sign = (
        f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n" + hashlib.sha256(canonical.encode()).hexdigest()
    )
    key = f"TC3{EXAMPLE_KEY}".encode()
    for part in (day, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={EXAMPLE_ID}/{scope}, SignedHeaders=content-type;host, "
        f"Signature={signature}"
    )


@pytest.fixture
def provider(monkeypatch):
    """The SDK's connection, answering ``provider.answer`` (a Response dict or an exception)
    and recording each request as (url, headers, body)."""

    class Provider:
        sent: list = []
        answer: dict | Exception = {"SendStatusSet": [{"Code": "Ok"}], "RequestId": "r"}

    def request(self, method, url, body=None, headers=None):
        Provider.sent.append((url, dict(headers), body))
        if isinstance(Provider.answer, Exception):
            raise Provider.answer
        response = requests.Response()
        response.status_code = 200
        response.headers["Content-Type"] = "application/json"
        response._content = json.dumps({"Response": Provider.answer}).encode()
        return response

    Provider.sent = []
    monkeypatch.setattr(ProxyConnection, "request", request)
    monkeypatch.setattr("tencentcloud.common.abstract_client.time.time", lambda: EXAMPLE_TIME)
    return Provider


def test_the_signing_steps_give_the_providers_published_example():
    """The written-out steps reproduce the document's example (which signs its JSON as
    ``application/json; charset=utf-8``), so they can check the SDK's own requests below."""
    payload = json.dumps(EXAMPLE_PAYLOAD).encode()  # the example's body: ASCII-escaped JSON
    assert b"\\u672a\\u547d\\u540d" in payload
    signed = tc3_authorization(
        "cvm", "cvm.tencentcloudapi.com", payload, EXAMPLE_TIME, "application/json; charset=utf-8"
    )
    assert signed == EXAMPLE_AUTHORIZATION


def test_the_sdk_signs_as_the_document_says(provider):
    cvm = CommonClient("cvm", "2017-03-12", credential.Credential(EXAMPLE_ID, EXAMPLE_KEY), "")
    cvm.call_json("DescribeInstances", EXAMPLE_PAYLOAD)
    (_url, headers, body) = provider.sent[0]
    assert body == json.dumps(EXAMPLE_PAYLOAD)
    assert headers["Authorization"] == tc3_authorization(
        "cvm", "cvm.tencentcloudapi.com", body.encode(), EXAMPLE_TIME, headers["Content-Type"]
    )


@pytest.fixture
def tencent(settings):
    settings.SMARTUNION_SMS_SENDER = "smartunion.portal.sms.TencentSms"
    settings.SMARTUNION_TENCENT_SMS_SECRET_ID = EXAMPLE_ID
    settings.SMARTUNION_TENCENT_SMS_SECRET_KEY = EXAMPLE_KEY
    settings.SMARTUNION_TENCENT_SMS_APP_ID = "1400006666"
    settings.SMARTUNION_TENCENT_SMS_SIGN_NAME = "智慧工会"
    settings.SMARTUNION_TENCENT_SMS_TEMPLATE_ID = "449739"
    return sms.sender()


def test_the_send_sms_request(tencent, provider):
    tencent.send("13900001111", "验证码123456，5分钟内有效。", template_params=("123456", "5"))
    (url, headers, body) = provider.sent[0]
    assert url == "https://sms.tencentcloudapi.com"
    assert json.loads(body) == {
        "PhoneNumberSet": ["+8613900001111"],
        "SmsSdkAppId": "1400006666",
        "SignName": "智慧工会",
        "TemplateId": "449739",
        "TemplateParamSet": ["123456", "5"],
    }
    assert headers["X-TC-Action"] == "SendSms" and headers["X-TC-Version"] == "2021-01-11"
    assert headers["X-TC-Timestamp"] == str(EXAMPLE_TIME)
    assert headers["X-TC-Region"] == "ap-guangzhou"
    assert headers["Authorization"] == tc3_authorization(
        "sms", "sms.tencentcloudapi.com", body.encode(), EXAMPLE_TIME, headers["Content-Type"]
    )


@pytest.mark.django_db
def test_a_code_goes_out_through_tencent_and_a_refusal_is_a_chinese_message(tencent, provider):
    signin.send_code("13900001111")
    (code, minutes) = json.loads(provider.sent[0][2])["TemplateParamSet"]
    assert minutes == "5" and signin.check_code("13900001111", code)
    for answer in (
        {"SendStatusSet": [{"Code": "LimitExceeded.PhoneNumberDailyLimit"}], "RequestId": "r"},
        {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "…"}, "RequestId": "r"},
        OSError("network unreachable"),
    ):
        provider.answer = answer
        with pytest.raises(signin.SignInError) as exc:
            signin.send_code("13900001111")
        assert exc.value.message == signin.SMS_FAILED


def test_a_missing_setting_is_named(settings):
    settings.SMARTUNION_SMS_SENDER = "smartunion.portal.sms.TencentSms"
    settings.SMARTUNION_TENCENT_SMS_SECRET_ID = ""
    with pytest.raises(ImproperlyConfigured, match="SMARTUNION_TENCENT_SMS_SECRET_ID"):
        sms.sender()


def test_a_notice_goes_out_on_its_own_template_or_not_at_all(tencent, provider, settings):
    text = "您在职工之家办理的事项（编号FW20260000001）需要补正材料，请登录职工之家查看。"
    params = ("事项（编号FW20260000001）", "需要补正材料")
    settings.SMARTUNION_TENCENT_SMS_NOTICE_TEMPLATE_ID = ""
    with pytest.raises(sms.SmsError, match="no-template:notice"):
        sms.sender().send("13900001111", text, template=sms.NOTICE, template_params=params)
    assert not provider.sent  # never the sign-in code's template
    settings.SMARTUNION_TENCENT_SMS_NOTICE_TEMPLATE_ID = "449740"
    sms.sender().send("13900001111", text, template=sms.NOTICE, template_params=params)
    sent = json.loads(provider.sent[0][2])
    assert (sent["TemplateId"], sent["TemplateParamSet"]) == ("449740", list(params))
