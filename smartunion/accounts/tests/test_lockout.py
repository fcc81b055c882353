"""Lockout by username and address together: a stranger cannot lock a known account out."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from smartunion.core.testing import PASSWORD

LOGIN = reverse("accounts:login")
STRANGER = "10.20.30.40"
OWNER = "10.1.1.7"


def attempt(password: str, address: str, username: str = "county_admin", **headers):
    return Client().post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail_until_locked(address: str, username: str = "county_admin", **headers) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("wrong-password", address, username, **headers)


def test_failures_from_a_stranger_s_address_lock_only_that_address(world):
    fail_until_locked(STRANGER)
    assert attempt(PASSWORD, STRANGER).status_code == 429  # locked there, even with the password
    response = attempt(PASSWORD, OWNER)
    assert response.status_code == 302 and response["Location"] == reverse("core:home")


def test_failures_for_one_account_do_not_lock_a_colleague_behind_the_same_address(world):
    fail_until_locked(STRANGER)
    response = attempt(PASSWORD, STRANGER, username="sibling_admin")
    assert response.status_code == 302


def test_the_locked_page_answers_in_chinese(world):
    fail_until_locked(STRANGER)
    response = attempt(PASSWORD, STRANGER)
    assert "账号已暂时锁定" in response.content.decode()


def test_a_forged_forwarded_for_header_gives_no_fresh_address_without_a_trusted_proxy(world):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt("wrong-password", STRANGER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert attempt(PASSWORD, STRANGER, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


@pytest.mark.parametrize("proxies", [1])
def test_behind_a_trusted_proxy_the_address_it_saw_counts(world, settings, proxies):
    settings.SMARTUNION_TRUSTED_PROXIES = proxies
    proxy = "127.0.0.1"
    # The client forges the left part; the proxy appends the address it really saw.
    fail_until_locked(proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {STRANGER}")
    assert attempt(PASSWORD, proxy, HTTP_X_FORWARDED_FOR=STRANGER).status_code == 429
    assert attempt(PASSWORD, proxy, HTTP_X_FORWARDED_FOR=f"{STRANGER}, {OWNER}").status_code == 302
