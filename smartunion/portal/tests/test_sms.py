"""腾讯云短信: the TC3-HMAC-SHA256 signature against the provider's published example, the
SendSms request, the provider's refusals — no network (these machines have none)."""

import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from smartunion.portal import signin, sms

# 腾讯云 API 3.0 "签名方法 v3": the example of DescribeInstances (cvm), with the documented
# example key pair, timestamp and body — and the hashes and signature the document prints.
EXAMPLE_PAYLOAD = (
    b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
)
EXAMPLE_AUTHORIZATION = (
    "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
    "SignedHeaders=content-type;host, "
    "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
)


def test_the_signature_of_the_providers_published_example():
    assert (
        sms.tc3_authorization(
            secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            service="cvm",
            host="cvm.tencentcloudapi.com",
            payload=EXAMPLE_PAYLOAD,
            timestamp=1551113065,  # 2019-02-26 00:44:25 in Beijing: the date signed is UTC's
        )
        == EXAMPLE_AUTHORIZATION
    )


@pytest.fixture
def tencent(settings):
    settings.SMARTUNION_SMS_SENDER = "smartunion.portal.sms.TencentSms"
    settings.SMARTUNION_TENCENT_SMS_SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
    settings.SMARTUNION_TENCENT_SMS_SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
    settings.SMARTUNION_TENCENT_SMS_APP_ID = "1400006666"
    settings.SMARTUNION_TENCENT_SMS_SIGN_NAME = "智慧工会"
    settings.SMARTUNION_TENCENT_SMS_TEMPLATE_ID = "449739"
    return sms.sender()


def test_the_send_sms_request(tencent):
    request = tencent.request("13900001111", ("123456", "5"), 1551113065)
    assert request.full_url == "https://sms.tencentcloudapi.com/" and request.method == "POST"
    assert json.loads(request.data) == {
        "PhoneNumberSet": ["+8613900001111"],
        "SmsSdkAppId": "1400006666",
        "SignName": "智慧工会",
        "TemplateId": "449739",
        "TemplateParamSet": ["123456", "5"],
    }
    headers = {k.lower(): v for k, v in request.header_items()}
    assert headers["x-tc-action"] == "SendSms" and headers["x-tc-version"] == "2021-01-11"
    assert headers["x-tc-timestamp"] == "1551113065" and headers["x-tc-region"] == "ap-guangzhou"
    assert headers["authorization"] == sms.tc3_authorization(
        secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        service="sms",
        host="sms.tencentcloudapi.com",
        payload=request.data,
        timestamp=1551113065,
    )


def answering(monkeypatch, answer: dict | Exception):
    sent = []

    def urlopen(request, timeout):
        sent.append(request)
        if isinstance(answer, Exception):
            raise answer
        return io.BytesIO(json.dumps({"Response": answer}).encode())

    monkeypatch.setattr(sms.urllib.request, "urlopen", urlopen)
    return sent


@pytest.mark.django_db
def test_a_code_goes_out_through_tencent_and_a_refusal_is_a_chinese_message(tencent, monkeypatch):
    sent = answering(monkeypatch, {"SendStatusSet": [{"Code": "Ok"}], "RequestId": "r"})
    signin.send_code("13900001111")
    (code, minutes) = json.loads(sent[0].data)["TemplateParamSet"]
    assert minutes == "5" and signin.check_code("13900001111", code)
    for answer in (
        {"SendStatusSet": [{"Code": "LimitExceeded.PhoneNumberDailyLimit"}]},
        {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "…"}},
        OSError("network unreachable"),
    ):
        answering(monkeypatch, answer)
        with pytest.raises(signin.SignInError) as exc:
            signin.send_code("13900001111")
        assert exc.value.message == signin.SMS_FAILED


def test_a_missing_setting_is_named(settings):
    settings.SMARTUNION_SMS_SENDER = "smartunion.portal.sms.TencentSms"
    settings.SMARTUNION_TENCENT_SMS_SECRET_ID = ""
    with pytest.raises(ImproperlyConfigured, match="SMARTUNION_TENCENT_SMS_SECRET_ID"):
        sms.sender()
