"""API authentication: bearer tokens from POST /auth/token, or the browser session with CSRF."""

import datetime as dt

from django.conf import settings
from django.test import Client
from django.utils import timezone

from smartunion.accounts.models import ApiToken
from smartunion.core.testing import PASSWORD
from smartunion.orgs.models import Organization

TOKEN_URL = "/api/v1/auth/token"
UNAUTHORIZED = {"detail": "请先登录或提供有效的令牌。"}


def get_token(client, username, password=PASSWORD):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json"
    )


def new_union(world):
    return {
        "parent": world.county_a.pk,
        "name": "城关区第二建筑公司工会",
        "kind": "single",
        "region": "620102",
    }


def test_a_token_from_username_and_password_authenticates_later_calls(world):
    client = Client(enforce_csrf_checks=True)
    response = get_token(client, "county_admin")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert response.json()["expires_in_hours"] == settings.SMARTUNION_API_TOKEN_HOURS
    listed = client.get("/api/v1/orgs", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    assert listed.json()["count"] == 3  # county A's subtree only
    # Only a hash of the token is stored.
    assert not ApiToken.objects.filter(key_hash=token).exists()


def test_a_token_needs_no_csrf_token_for_writes(world):
    client = Client(enforce_csrf_checks=True)
    token = get_token(client, "county_admin").json()["token"]
    response = client.post(
        "/api/v1/orgs",
        new_union(world),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content


def test_a_wrong_password_gets_401_and_no_token(world):
    response = get_token(Client(), "county_admin", "wrong-password")
    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码不正确。"}
    assert not ApiToken.objects.exists()


def test_repeated_failures_lock_the_account_for_the_api_too(world):
    client = Client()
    statuses = [
        get_token(client, "county_admin", "wrong-password").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}
    locked = get_token(client, "county_admin")
    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("application/json")
    assert "锁定" in locked.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_bad_token_gets_401(world):
    response = Client().get("/api/v1/orgs", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_an_expired_token_or_one_of_a_deactivated_account_gets_401(world):
    client = Client()
    token = get_token(client, "county_admin").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/orgs", headers=headers).status_code == 200
    world.county_admin.is_active = False
    world.county_admin.save()
    assert client.get("/api/v1/orgs", headers=headers).status_code == 401
    world.county_admin.is_active = True
    world.county_admin.save()
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/orgs", headers=headers).status_code == 401


def test_without_a_token_or_session_the_api_answers_401(world):
    client = Client(enforce_csrf_checks=True)
    assert client.get("/api/v1/members").json() == UNAUTHORIZED
    response = client.post("/api/v1/orgs", new_union(world), content_type="application/json")
    assert response.status_code == 401


def test_the_session_of_a_logged_in_user_authenticates_reads(world):
    client = Client()
    client.force_login(world.sibling_admin)
    response = client.get("/api/v1/orgs")
    assert response.status_code == 200
    assert [o["name"] for o in response.json()["items"]] == [
        "七里河区总工会",
        "七里河区供电公司工会",
    ]


def test_a_session_write_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.county_admin)
    before = Organization.objects.count()
    refused = client.post("/api/v1/orgs", new_union(world), content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert Organization.objects.count() == before
    # What a page's {% csrf_token %} provides: the cookie and the same secret in the header.
    csrf = "k" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf
    accepted = client.post(
        "/api/v1/orgs",
        new_union(world),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert accepted.status_code == 201, accepted.content


def test_an_unknown_field_in_the_login_body_is_refused(world):
    response = Client().post(
        TOKEN_URL,
        {"username": "county_admin", "password": PASSWORD, "remember_me": True},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "remember_me", "message": "“remember_me”不是可以提交的字段。"}
    ]
