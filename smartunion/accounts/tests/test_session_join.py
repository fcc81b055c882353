"""A staff session's row brings its account and authenticator (accounts.sessions): one query
before a view instead of three, and the session data still decides."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartunion.accounts.models import Session
from smartunion.accounts.sessions import SessionStore, totp_device_id
from smartunion.accounts.tests.test_second_factor import (
    HOME,
    enrolled,
    logged_in,
    verified_client,
)
from smartunion.core.testing import PASSWORD

#: A staff route that reads nothing of its own (bench/load.py's baseline).
CHEAP = "/api/v1/stats/indicators?limit=1"


def test_a_verified_session_reads_its_account_scope_and_authenticator_in_one_query(world, otp_on):
    key, _ = enrolled(world.county_admin)
    client = verified_client(world.county_admin, key)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHEAP)
    assert response.status_code == 200  # the API answers a verified session only
    (sql,) = [q["sql"] for q in queries.captured_queries]
    for table in ("accounts_session", "accounts_user", "orgs_organization", "otp_totp_totpdevice"):
        assert f'"{table}"' in sql, table


def test_the_row_copies_the_account_and_the_authenticator_of_the_data(world, otp_on):
    key, _ = enrolled(world.county_admin)
    client = verified_client(world.county_admin, key)
    row = Session.objects.get(session_key=client.session.session_key)
    device = TOTPDevice.objects.get(user=world.county_admin)
    assert (row.user_id, row.totp_device_id) == (world.county_admin.pk, device.pk)
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(pk=row.pk).exists()


def test_a_session_past_the_password_only_has_no_authenticator_yet(world, otp_on):
    enrolled(world.county_admin)
    client = logged_in(world.county_admin)
    row = Session.objects.get(session_key=client.session.session_key)
    assert (row.user_id, row.totp_device_id) == (world.county_admin.pk, None)
    assert client.get(HOME)["Location"].startswith(reverse("accounts:otp_verify"))


def test_a_copy_that_differs_from_the_data_is_not_trusted(world, otp_on):
    # The county admin's session row made to name the province admin: the data decides, so
    # the session is still the county admin's (the province union is not theirs to see).
    key, _ = enrolled(world.county_admin)
    client = verified_client(world.county_admin, key)
    Session.objects.filter(session_key=client.session.session_key).update(
        user_id=world.province_admin.pk
    )
    province = reverse("orgs:detail", kwargs={"org_id": world.province.pk})
    assert client.get(province).status_code == 404
    assert (
        client.get(reverse("orgs:detail", kwargs={"org_id": world.county_a.pk})).status_code == 200
    )


def test_another_account_s_authenticator_in_the_row_does_not_verify_the_session(world, otp_on):
    enrolled(world.county_admin)
    client = logged_in(world.county_admin)
    enrolled(world.city_admin)
    other = TOTPDevice.objects.get(user=world.city_admin)
    Session.objects.filter(session_key=client.session.session_key).update(totp_device_id=other.pk)
    assert client.get(HOME)["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(CHEAP).status_code == 401


def test_an_account_deactivated_since_the_login_is_logged_out(world, otp_on):
    key, _ = enrolled(world.county_admin)
    client = verified_client(world.county_admin, key)
    assert client.get(HOME).status_code == 200
    world.county_admin.is_active = False
    world.county_admin.save(update_fields=["is_active"])
    assert client.get(HOME)["Location"].startswith(reverse("accounts:login"))


def test_a_password_changed_elsewhere_ends_the_session(world, otp_on):
    key, _ = enrolled(world.county_admin)
    client = verified_client(world.county_admin, key)
    world.county_admin.set_password(PASSWORD + "x")
    world.county_admin.save(update_fields=["password"])
    assert client.get(HOME)["Location"].startswith(reverse("accounts:login"))
    assert client.get(CHEAP).status_code == 401


def test_the_store_uses_a_joined_account_only_for_the_key_of_its_data(world):
    store = SessionStore()
    store[SESSION_KEY] = str(world.county_admin.pk)
    store.create()
    loaded = SessionStore(store.session_key)
    assert loaded.joined_user(world.county_admin.pk) == world.county_admin
    assert loaded.joined_user(world.city_admin.pk) is None
    loaded[SESSION_KEY] = str(world.city_admin.pk)  # changed in this request, not yet saved
    assert loaded.joined_user(world.county_admin.pk) is None


def test_only_totp_devices_are_joined():
    assert totp_device_id("otp_totp.totpdevice/12") == 12
    for other in ("otp_static.staticdevice/12", "otp_totp.totpdevice/x", "", None, 12):
        assert totp_device_id(other) is None


def test_clearsessions_deletes_the_expired_staff_sessions(world):
    expired, current = SessionStore(), SessionStore()
    for store in (expired, current):
        store[SESSION_KEY] = str(world.county_admin.pk)
    expired.set_expiry(-60)
    expired.create()
    current.create()
    call_command("clearsessions")
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]
