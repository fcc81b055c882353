"""Login and logout pages, with django-axes locking an account after repeated failures."""

import pytest
from django.conf import settings
from django.urls import reverse

from smartunion.core.testing import PASSWORD

LOGIN = "accounts:login"


@pytest.fixture(autouse=True)
def fresh_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def login(client, username, password):
    return client.post(reverse(LOGIN), {"username": username, "password": password})


def test_the_login_page_is_in_chinese(client, db):
    page = client.get(reverse(LOGIN)).content.decode()
    assert "登录" in page and "用户名" in page and "密码" in page


def test_a_county_admin_logs_in_and_lands_on_the_home_page(client, world):
    response = login(client, "county_admin", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    page = client.get(reverse("core:home")).content.decode()
    assert "城关区总工会" in page


def test_a_wrong_password_is_refused_with_a_chinese_message(client, world):
    response = login(client, "county_admin", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_empty_fields_get_field_level_messages(client, db):
    page = login(client, "", "").content.decode()
    assert "请输入用户名。" in page and "请输入密码。" in page


def test_a_login_keeps_the_page_asked_for(client, world):
    target = reverse("orgs:tree")
    response = client.post(
        reverse(LOGIN) + f"?next={target}",
        {"username": "county_admin", "password": PASSWORD, "next": target},
    )
    assert response["Location"] == target


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(LOGIN))


def test_the_account_is_locked_after_five_failures_even_for_the_right_password(client, world):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert login(client, "county_admin", "wrong-password").status_code == 200
    locked = login(client, "county_admin", "wrong-password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "账号已暂时锁定" in page and "连续 5 次登录失败" in page
    assert "30 分钟后再试" in page
    right = login(client, "county_admin", PASSWORD)
    assert right.status_code == 429
    assert "账号已暂时锁定" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_account_so_colleagues_behind_one_address_can_still_log_in(
    client, world
):
    for _ in range(5):
        login(client, "county_admin", "wrong-password")
    assert login(client, "sibling_admin", PASSWORD).status_code == 302


def test_logout_needs_a_post(client, world):
    client.force_login(world.county_admin)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse(LOGIN)
    assert "_auth_user_id" not in client.session
