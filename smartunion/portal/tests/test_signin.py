"""Workers' sign-in by mobile number and SMS code (issue 14; decision 0021)."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from smartunion.accounts.tests.test_api_auth import get_token
from smartunion.core import ratelimit
from smartunion.portal import signin
from smartunion.portal.models import PhoneLock, SignInCode, WorkerToken

PHONE = "13912345678"
CODE_URL = "/api/v1/portal/auth/code"
TOKEN_URL = "/api/v1/portal/auth/token"
ME_URL = "/api/v1/portal/me"


@pytest.fixture
def outbox(settings, tmp_path):
    settings.SMARTUNION_SMS_SENDER = "smartunion.portal.sms.FileOutbox"
    settings.SMARTUNION_SMS_OUTBOX = tmp_path / "sms-outbox"  # a folder of the test's own
    return settings.SMARTUNION_SMS_OUTBOX


def last_code(outbox) -> str:
    newest = max(outbox.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    text = newest.read_text(encoding="utf-8")
    return re.search(r"验证码为(\d{6})", text).group(1)


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.mark.django_db
def test_a_code_goes_to_the_outbox_and_is_kept_only_as_a_hash(outbox):
    response = post(Client(), CODE_URL, {"phone": PHONE})
    assert response.status_code == 202
    code = last_code(outbox)
    stored = SignInCode.objects.get()
    assert code not in stored.code_hash and PHONE not in stored.phone_index
    assert stored.expires_at - stored.created_at == timedelta(minutes=5)


@pytest.mark.django_db
def test_the_code_signs_in_once_and_the_token_reaches_me(outbox):
    client = Client()
    post(client, CODE_URL, {"phone": PHONE})
    code = last_code(outbox)
    response = post(client, TOKEN_URL, {"phone": PHONE, "code": code})
    assert response.status_code == 200
    token = response.json()["token"]
    assert not WorkerToken.objects.filter(key_hash=token).exists()  # kept hashed
    me = client.get(ME_URL, headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["phone_masked"] == "139****5678"
    again = post(client, TOKEN_URL, {"phone": PHONE, "code": code})
    assert again.status_code == 400
    assert again.json()["detail"] == signin.WRONG_CODE
    assert WorkerToken.objects.count() == 1


@pytest.mark.django_db
def test_a_code_is_valid_until_just_before_five_minutes(outbox):
    sent = timezone.now()
    signin.send_code(PHONE, now=sent)
    code = last_code(outbox)
    with pytest.raises(signin.SignInError):
        signin.check_code(PHONE, code, now=sent + timedelta(minutes=5))
    key = signin.check_code(PHONE, code, now=sent + timedelta(minutes=5) - timedelta(seconds=1))
    assert signin.worker_for(key) is not None


@pytest.mark.django_db
def test_a_code_of_another_number_does_not_sign_in(outbox):
    signin.send_code(PHONE)
    with pytest.raises(signin.SignInError):
        signin.check_code("13800000000", last_code(outbox))
    assert WorkerToken.objects.count() == 0


@pytest.mark.django_db
def test_the_fifth_wrong_code_locks_the_number_even_for_the_right_code(outbox):
    now = timezone.now()
    signin.send_code(PHONE, now=now)
    code = last_code(outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(signin.MAX_FAILURES - 1):
        with pytest.raises(signin.SignInError) as exc:
            signin.check_code(PHONE, wrong, now=now)
        assert exc.value.message == signin.WRONG_CODE
    with pytest.raises(signin.SignInError) as exc:
        signin.check_code(PHONE, wrong, now=now)
    assert exc.value.message == signin.LOCKED
    with pytest.raises(signin.SignInError) as exc:
        signin.check_code(PHONE, code, now=now + timedelta(minutes=1))
    assert exc.value.message == signin.LOCKED
    assert WorkerToken.objects.count() == 0
    # After the lock, the (still unused) code works if it is still valid; here it has expired.
    later = now + signin.LOCK_FOR
    signin.send_code(PHONE, now=later)
    assert signin.check_code(PHONE, last_code(outbox), now=later)


@pytest.mark.django_db
def test_four_wrong_codes_then_the_right_one_resets_the_count(outbox):
    signin.send_code(PHONE)
    code = last_code(outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(signin.MAX_FAILURES - 1):
        with pytest.raises(signin.SignInError):
            signin.check_code(PHONE, wrong)
    assert signin.check_code(PHONE, code)
    assert PhoneLock.objects.get().failures == 0


@pytest.mark.django_db
def test_the_101st_code_request_of_an_address_in_a_minute_is_429_in_chinese(
    outbox, settings, monkeypatch
):
    settings.SMARTUNION_PORTAL_PHONE_RATE = ""
    # All in one minute's slot, however long the 100 requests take on a busy machine.
    slot_start = (int(time.time()) // 60) * 60 + 1.0
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: slot_start))
    client = Client()
    for i in range(100):
        assert post(client, CODE_URL, {"phone": f"139{i:08d}"}).status_code == 202
    response = post(client, CODE_URL, {"phone": PHONE})
    assert response.status_code == 429
    assert "频繁" in response.json()["detail"] and response["Retry-After"]
    assert SignInCode.objects.count() == 100


@pytest.mark.django_db
def test_a_number_asking_too_often_gets_429_and_no_code(outbox, settings):
    settings.SMARTUNION_PORTAL_PHONE_RATE = "2/h"
    client = Client()
    for _ in range(2):
        assert post(client, CODE_URL, {"phone": PHONE}).status_code == 202
    response = post(client, CODE_URL, {"phone": PHONE})
    assert response.status_code == 429
    assert response.json()["detail"] == signin.TOO_OFTEN
    assert SignInCode.objects.count() == 2 and len(list(outbox.iterdir())) == 2


@pytest.mark.django_db
def test_a_bad_phone_number_is_refused_in_chinese_and_nothing_is_sent(outbox):
    response = post(Client(), CODE_URL, {"phone": "12345"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "phone", "message": "手机号：格式不正确。"}]
    assert not SignInCode.objects.exists() and not outbox.exists()


def test_a_staff_token_does_not_open_portal_routes_and_a_worker_token_no_staff_route(world, outbox):
    client = Client()
    staff = get_token(client, "county_admin").json()["token"]
    assert client.get(ME_URL, headers={"Authorization": f"Bearer {staff}"}).status_code == 401
    post(client, CODE_URL, {"phone": PHONE})
    worker = post(client, TOKEN_URL, {"phone": PHONE, "code": last_code(outbox)}).json()["token"]
    for url in ("/api/v1/orgs", "/api/v1/members", "/api/v1/staff"):
        response = client.get(url, headers={"Authorization": f"Bearer {worker}"})
        assert response.status_code in (401, 404), url
    logged_in = Client()
    logged_in.force_login(world.county_admin)
    assert logged_in.get(ME_URL).status_code == 401


@pytest.mark.django_db
def test_an_expired_worker_token_is_refused(outbox):
    signin.send_code(PHONE)
    key = signin.check_code(PHONE, last_code(outbox))
    WorkerToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(ME_URL, headers={"Authorization": f"Bearer {key}"}).status_code == 401
