"""二次验证: who must give a TOTP code, enrolment, codes, recovery codes, step-up and reset."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartunion.accounts import second_factor
from smartunion.accounts.models import ApiToken
from smartunion.accounts.services import enrol_second_factor
from smartunion.core.models import AuditEntry
from smartunion.core.testing import PASSWORD

SETUP = reverse("accounts:otp_setup")
VERIFY = reverse("accounts:otp_verify")
HOME = reverse("core:home")


def code_for(key: str, steps_ahead: int = 0) -> str:
    """What an authenticator holding ``key`` shows now (or ``steps_ahead`` × 30 s later:
    a code once used is refused, and the next step's is still accepted)."""
    totp = TOTP(bytes.fromhex(key), digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def enrolled(user) -> tuple[str, list[str]]:
    """Give ``user`` an authenticator; its key and recovery codes."""
    key = second_factor.new_key()
    _, codes = enrol_second_factor(user, key, code_for(key))
    return key, codes


def logged_in(user) -> Client:
    """A client past the password (the login page), not yet past the second factor."""
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content
    return client


# Who must give one ---------------------------------------------------------------------------


def test_county_admins_and_above_need_it_at_login_grassroots_and_viewers_do_not(world, otp_on):
    for user in (world.province_admin, world.city_admin, world.county_admin, world.superuser):
        assert second_factor.required_at_login(user), user
    for user in (world.grassroots_admin, world.viewer):
        assert not second_factor.required_at_login(user), user


def test_grassroots_admins_need_it_when_the_setting_says_so(world, otp_on):
    otp_on.SMARTUNION_OTP_GRASSROOTS = True
    assert second_factor.required_at_login(world.grassroots_admin)
    assert not second_factor.required_at_login(world.viewer)


def test_nobody_needs_it_when_it_is_turned_off(world, settings):
    settings.SMARTUNION_OTP_REQUIRED = False
    assert not second_factor.required_at_login(world.province_admin)
    response = Client().get(reverse("accounts:login"))
    assert "未启用动态口令" in response.content.decode()


def test_the_login_page_does_not_announce_a_demo_when_it_is_on(world, otp_on):
    page = Client().get(reverse("accounts:login")).content.decode()
    assert "未启用动态口令" not in page
    assert "动态口令" in page


# The gate -----------------------------------------------------------------------------------


def test_a_county_admin_without_an_authenticator_is_sent_to_enrol_before_any_page(world, otp_on):
    client = logged_in(world.county_admin)
    for url in (HOME, reverse("orgs:tree"), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{SETUP}?{urlencode({'next': url})}"


def test_a_county_admin_with_an_authenticator_is_asked_for_a_code(world, otp_on):
    enrolled(world.county_admin)
    response = logged_in(world.county_admin).get(HOME)
    assert response["Location"] == f"{VERIFY}?{urlencode({'next': HOME})}"


def test_the_api_treats_a_session_that_owes_a_code_as_not_logged_in(world, otp_on):
    enrolled(world.county_admin)
    response = logged_in(world.county_admin).get("/api/v1/orgs")
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录或提供有效的令牌。"}


def test_a_viewer_logs_straight_in(world, otp_on):
    assert logged_in(world.viewer).get(HOME).status_code == 200


# Enrolment ----------------------------------------------------------------------------------


def test_the_enrolment_page_shows_a_qr_code_made_here_and_writes_nothing(world, otp_on):
    client = logged_in(world.county_admin)
    response = client.get(SETUP)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and "动态口令二维码" in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    assert not TOTPDevice.objects.exists()
    # The same secret on a reload: a phone that scanned it stays right.
    assert client.get(SETUP).context["secret"] == response.context["secret"]


def test_a_wrong_first_code_is_refused_in_chinese_and_nothing_is_saved(world, otp_on):
    client = logged_in(world.county_admin)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert "动态口令不正确" in response.content.decode()
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert not AuditEntry.objects.filter(action="staff.otp_enrol").exists()
    assert client.get(HOME).status_code == 302


def test_enrolling_shows_ten_recovery_codes_once_stores_them_hashed_and_opens_the_session(
    world, otp_on
):
    client = logged_in(world.county_admin)
    key = client.get(SETUP).wsgi_request.session["smartunion_otp_setup_key"]
    response = client.post(SETUP, {"code": code_for(key), "next": HOME})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert not stored & set(codes)
    assert stored == {second_factor.recovery_digest(c) for c in codes}
    device = TOTPDevice.objects.get(user=world.county_admin)
    assert device.confirmed and device.key == key
    assert AuditEntry.objects.filter(action="staff.otp_enrol", actor_name="county_admin").count()
    assert client.get(HOME).status_code == 200


def test_an_account_with_an_authenticator_cannot_enrol_a_second_one(world, otp_on):
    enrolled(world.county_admin)
    key = second_factor.new_key()
    with pytest.raises(Exception, match="已绑定"):
        enrol_second_factor(world.county_admin, key, code_for(key))
    assert TOTPDevice.objects.filter(user=world.county_admin).count() == 1


# Codes --------------------------------------------------------------------------------------


def test_the_current_code_opens_the_session_and_returns_to_the_page_asked_for(world, otp_on):
    key, _ = enrolled(world.county_admin)
    client = logged_in(world.county_admin)
    url = reverse("orgs:tree")
    response = client.post(VERIFY, {"code": code_for(key, 1), "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200


def test_a_wrong_code_is_refused_then_throttled(world, otp_on):
    key, _ = enrolled(world.county_admin)
    client = logged_in(world.county_admin)
    response = client.post(VERIFY, {"code": "123456"})
    assert "动态口令不正确" in response.content.decode()
    # Right after a failure even the right code waits (django-otp: 1, 2, 4 … seconds).
    response = client.post(VERIFY, {"code": code_for(key, 1)})
    assert "秒后再试" in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_a_used_code_is_not_accepted_again(world, otp_on):
    key, _ = enrolled(world.county_admin)
    code = code_for(key, 1)
    assert logged_in(world.county_admin).post(VERIFY, {"code": code}).status_code == 302
    response = logged_in(world.county_admin).post(VERIFY, {"code": code})
    assert response.status_code == 200 and "动态口令不正确" in response.content.decode()


def test_a_recovery_code_works_once(world, otp_on):
    _, codes = enrolled(world.county_admin)
    client = logged_in(world.county_admin)
    response = client.post(VERIFY, {"code": codes[0].upper().replace("-", " ")}, follow=True)
    assert response.status_code == 200
    assert "还剩 9 个" in response.content.decode()
    StaticDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    again = logged_in(world.county_admin).post(VERIFY, {"code": codes[0]})
    assert "动态口令不正确" in again.content.decode()


# Step-up: revealing a full number -----------------------------------------------------------


def test_a_grassroots_admin_gives_a_code_before_revealing_a_full_id_number(world, otp_on):
    person = world.member_a1.person
    client = logged_in(world.grassroots_admin)
    assert client.get(reverse("members:detail", kwargs={"person_id": person.pk})).status_code == 200
    url = reverse("members:reveal", kwargs={"person_id": person.pk})
    response = client.post(url, {"field": "id_number"})
    detail = reverse("members:detail", kwargs={"person_id": person.pk})
    assert response["Location"] == f"{SETUP}?{urlencode({'next': detail})}"
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()

    key, _ = enrolled(world.grassroots_admin)
    client.post(VERIFY, {"code": code_for(key, 1)})
    response = client.post(url, {"field": "id_number"})
    assert response.status_code == 200
    assert person.id_number in response.content.decode()
    assert AuditEntry.objects.filter(action="pii.reveal").count() == 1


def test_an_api_token_issued_without_a_code_cannot_reveal(world, otp_on):
    person = world.member_a1.person
    client = Client()
    token = client.post(
        "/api/v1/auth/token",
        {"username": "grassroots_admin", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    response = client.post(
        f"/api/v1/members/{person.pk}/reveal",
        {"field": "id_number"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
    assert response.json() == {"detail": second_factor.STEP_UP_MESSAGE}
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()


# API tokens for accounts with a second factor ----------------------------------------------


def token_call(**body):
    return Client().post("/api/v1/auth/token", body, content_type="application/json")


def test_a_county_admin_gets_a_token_only_with_a_current_code(world, otp_on):
    key, _ = enrolled(world.county_admin)
    without = token_call(username="county_admin", password=PASSWORD)
    assert without.status_code == 401
    assert "otp" in without.json()["detail"] and "动态口令" in without.json()["detail"]
    wrong = token_call(username="county_admin", password=PASSWORD, otp="000000")
    assert wrong.status_code == 401 and wrong.json() == {"detail": "动态口令不正确或已过期。"}
    assert not ApiToken.objects.exists()
    throttled = token_call(username="county_admin", password=PASSWORD, otp=code_for(key, 1))
    assert throttled.status_code == 429 and "秒后再试" in throttled.json()["detail"]
    assert int(throttled["Retry-After"]) >= 1
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    right = token_call(username="county_admin", password=PASSWORD, otp=code_for(key, 1))
    assert right.status_code == 200
    assert ApiToken.objects.get().second_factor
    reveal = Client().post(
        f"/api/v1/members/{world.member_a1.person.pk}/reveal",
        {"field": "id_number"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {right.json()['token']}"},
    )
    assert reveal.status_code == 200


def test_an_account_that_never_enrolled_is_told_to_enrol_on_the_web_first(world, otp_on):
    response = token_call(username="county_admin", password=PASSWORD, otp="123456")
    assert response.status_code == 401
    assert "尚未绑定" in response.json()["detail"]
    assert not ApiToken.objects.exists()


# Reset by a higher admin --------------------------------------------------------------------


def reset_url(user) -> str:
    return reverse("accounts:staff_otp_reset", kwargs={"user_id": user.pk})


def verified_client(user, key) -> Client:
    client = logged_in(user)
    assert client.post(VERIFY, {"code": code_for(key, 1)}).status_code == 302
    return client


def test_a_higher_admin_resets_a_lost_authenticator_and_the_reset_is_audited(world, otp_on):
    enrolled(world.grassroots_admin)
    key, _ = enrolled(world.county_admin)
    response = verified_client(world.county_admin, key).post(reset_url(world.grassroots_admin))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.grassroots_admin).exists()
    assert not StaticDevice.objects.filter(user=world.grassroots_admin).exists()
    entry = AuditEntry.objects.get(action="staff.otp_reset")
    assert entry.actor_name == "county_admin" and entry.object_id == str(world.grassroots_admin.pk)
    assert entry.changes == {"devices": 2}


def test_the_reset_account_s_open_session_must_enrol_again(world, otp_on):
    key, _ = enrolled(world.county_admin)
    session = verified_client(world.county_admin, key)
    assert session.get(HOME).status_code == 200
    city_key, _ = enrolled(world.city_admin)
    verified_client(world.city_admin, city_key).post(reset_url(world.county_admin))
    assert session.get(HOME)["Location"].startswith(SETUP)


@pytest.mark.parametrize("who", ["sibling_admin", "grassroots_admin", "viewer"])
def test_only_a_higher_admin_of_the_account_may_reset_it(world, settings, who):
    enrolled(world.county_admin)
    client = Client()
    client.force_login(getattr(world, who))
    response = client.post(reset_url(world.county_admin))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=world.county_admin).exists()
    assert not AuditEntry.objects.filter(action="staff.otp_reset").exists()


def test_a_colleague_of_the_same_union_is_a_peer_not_a_higher_admin(world):
    from smartunion.personas import make_staff

    colleague = make_staff("county_admin_2", world.county_a, "county_admin")
    enrolled(colleague)
    client = Client()
    client.force_login(world.county_admin)
    assert client.post(reset_url(colleague)).status_code == 404
    assert TOTPDevice.objects.filter(user=colleague).exists()


def test_operators_reset_an_account_without_a_higher_admin_by_command(world):
    from django.core.management import call_command

    enrolled(world.province_admin)
    call_command("reset_otp", "province_admin")
    assert not TOTPDevice.objects.filter(user=world.province_admin).exists()
    assert AuditEntry.objects.filter(action="staff.otp_reset", actor_name="system").exists()
