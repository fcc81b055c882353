"""API tokens: listed and revoked by their owner and a higher admin; a new password ends them."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from smartunion.accounts.models import ApiToken
from smartunion.accounts.services import issue_token
from smartunion.core.models import AuditEntry
from smartunion.core.testing import PASSWORD


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_a_token_stops_working_when_its_owner_s_password_changes(world):
    key = issue_token(world.county_admin)
    assert Client().get("/api/v1/orgs", headers=bearer(key)).status_code == 200
    world.county_admin.set_password("Another-password-2027")
    world.county_admin.save()
    response = Client().get("/api/v1/orgs", headers=bearer(key))
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录或提供有效的令牌。"}


def test_owners_list_their_own_tokens_without_the_keys(world):
    key = issue_token(world.county_admin)
    issue_token(world.sibling_admin)
    response = Client().get("/api/v1/auth/tokens", headers=bearer(key))
    assert response.status_code == 200
    [listed] = response.json()["items"]
    assert listed["prefix"] == key[:8] and listed["username"] == "county_admin"
    assert key not in response.content.decode()
    assert listed["last_used_at"] is not None and listed["expired"] is False


def test_an_owner_revokes_a_token_and_it_stops_at_once(world):
    key = issue_token(world.county_admin)
    other = issue_token(world.county_admin)
    token = ApiToken.objects.get(prefix=other[:8])
    response = Client().delete(f"/api/v1/auth/tokens/{token.pk}", headers=bearer(key))
    assert response.status_code == 204
    assert Client().get("/api/v1/orgs", headers=bearer(other)).status_code == 401
    entry = AuditEntry.objects.get(action="token.revoke")
    assert entry.changes == {"owner": "county_admin", "prefix": other[:8]}


def test_a_higher_admin_lists_and_revokes_a_token_of_an_account_below(world):
    grassroots_key = issue_token(world.grassroots_admin)
    admin_key = issue_token(world.county_admin)
    listed = Client().get(
        f"/api/v1/staff/{world.grassroots_admin.pk}/tokens", headers=bearer(admin_key)
    )
    assert [t["prefix"] for t in listed.json()["items"]] == [grassroots_key[:8]]
    token_id = listed.json()["items"][0]["id"]
    response = Client().delete(f"/api/v1/auth/tokens/{token_id}", headers=bearer(admin_key))
    assert response.status_code == 204
    assert Client().get("/api/v1/orgs", headers=bearer(grassroots_key)).status_code == 401


def test_nobody_else_sees_or_revokes_a_token(world):
    """The sibling county's admin, a lower admin and a peer get 404 and change nothing."""
    from smartunion.personas import make_staff

    key = issue_token(world.county_admin)
    token = ApiToken.objects.get()
    peer = make_staff("county_admin_2", world.county_a, "county_admin")
    for user in (world.sibling_admin, world.grassroots_admin, peer, world.viewer):
        response = Client().delete(
            f"/api/v1/auth/tokens/{token.pk}", headers=bearer(issue_token(user))
        )
        assert response.status_code == 404, user
        assert response.json() == {"detail": "令牌不存在或不在您的管理范围内。"}
    listed = Client().get(
        f"/api/v1/staff/{world.county_admin.pk}/tokens",
        headers=bearer(issue_token(world.sibling_admin)),
    )
    assert listed.status_code == 404
    assert Client().get("/api/v1/orgs", headers=bearer(key)).status_code == 200
    assert not AuditEntry.objects.filter(action="token.revoke").exists()


def test_the_security_page_lists_one_s_tokens_and_revokes_them(world):
    key = issue_token(world.county_admin)
    client = Client()
    client.force_login(world.county_admin)
    page = client.get(reverse("accounts:security"))
    assert f"{key[:8]}…" in page.content.decode()
    token = ApiToken.objects.get()
    response = client.post(reverse("accounts:token_revoke", kwargs={"token_id": token.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:security")
    assert not ApiToken.objects.exists()


def test_a_higher_admin_sees_the_staff_below_and_their_tokens(world):
    key = issue_token(world.grassroots_admin)
    client = Client()
    client.force_login(world.county_admin)
    listing = client.get(reverse("accounts:staff")).content.decode()
    assert ">grassroots_admin<" in listing and ">sibling_admin<" not in listing
    # A colleague of the same union is a peer, not an account below.
    assert ">viewer<" not in listing
    url = reverse("accounts:staff_detail", kwargs={"user_id": world.grassroots_admin.pk})
    detail = client.get(url)
    assert f"{key[:8]}…" in detail.content.decode()


def test_a_password_login_still_issues_tokens_to_accounts_without_a_second_factor(world):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "viewer", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert not token.second_factor and token.prefix == response.json()["token"][:8]
    assert AuditEntry.objects.filter(action="token.issue", actor_name="viewer").exists()
