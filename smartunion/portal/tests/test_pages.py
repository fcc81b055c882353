"""职工之家's phone pages: sign-in, binding, home, sign-out; staff and workers kept apart."""

import re

import pytest
from django.test import Client

from smartunion.core.models import AuditEntry
from smartunion.portal import binding, signin
from smartunion.portal.models import WorkerBinding, WorkerToken
from smartunion.portal.tests.helpers import PHONE, make_member
from smartunion.portal.views import WORKER_COOKIE


def last_code(outbox) -> str:
    newest = max(outbox.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    return re.search(r"验证码为(\d{6})", newest.read_text(encoding="utf-8")).group(1)


@pytest.fixture
def outbox(settings, tmp_path):
    settings.SMARTUNION_SMS_OUTBOX = tmp_path / "sms-outbox"
    return settings.SMARTUNION_SMS_OUTBOX


@pytest.mark.django_db
def test_a_worker_signs_in_binds_sees_the_card_and_signs_out(outbox, settings):
    member = make_member()
    client = Client(enforce_csrf_checks=True)
    page = client.get("/portal/")
    assert page.status_code == 302 and page["Location"] == "/portal/signin/"
    form = client.get("/portal/signin/")
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    # A form posted without its CSRF token is refused.
    assert client.post("/portal/signin/", {"phone": PHONE}).status_code == 403
    csrf = client.cookies["csrftoken"].value
    sent = client.post("/portal/signin/", {"phone": PHONE, "csrfmiddlewaretoken": csrf})
    assert "验证码已发送" in sent.content.decode()
    wrong = client.post(
        "/portal/signin/", {"phone": PHONE, "code": "abc", "csrfmiddlewaretoken": csrf}
    )
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    signed_in = client.post(
        "/portal/signin/",
        {"phone": PHONE, "code": last_code(outbox), "csrfmiddlewaretoken": csrf},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/portal/"
    cookie = signed_in.cookies[WORKER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # tests run as development; Secure when DEBUG is off
    assert "sessionid" not in signed_in.cookies
    assert client.get("/portal/")["Location"] == "/portal/bind/"
    refused = client.post(
        "/portal/bind/",
        {"name": member.name, "id_number": "620102199001010011", "csrfmiddlewaretoken": csrf},
    )
    assert refused.status_code == 400
    bound = client.post(
        "/portal/bind/",
        {"name": member.name, "id_number": member.id_number, "csrfmiddlewaretoken": csrf},
    )
    assert bound["Location"] == "/portal/"
    home = client.get("/portal/").content.decode()
    assert "兰州第一机械厂工会" in home and member.membership.card_no in home
    assert "<svg" in home and "/verify/" in home and 'href="/nearby/"' in home
    assert member.id_number not in home and member.name not in home
    assert "hx-trigger" in client.get("/portal/card/").content.decode()
    out = client.post("/portal/signout/", {"csrfmiddlewaretoken": csrf})
    assert out["Location"] == "/portal/signin/" and not WorkerToken.objects.exists()
    assert client.get("/portal/")["Location"] == "/portal/signin/"


@pytest.mark.django_db
def test_a_mismatch_on_the_page_says_the_one_message(settings):
    settings.SMARTUNION_PORTAL_BIND_RATE = ""
    make_member()
    client = Client()
    client.cookies[WORKER_COOKIE] = signin.issue_token(PHONE)
    page = client.post("/portal/bind/", {"name": "某某", "id_number": "11010519491231002X"})
    assert page.status_code == 400 and binding.NOT_VERIFIED in page.content.decode()


def test_staff_and_workers_never_share_a_session(world):
    staff = Client()
    staff.force_login(world.county_admin)
    for url in ("/portal/", "/portal/bind/", "/portal/card/"):
        assert staff.get(url)["Location"] == "/portal/signin/", url
    worker = Client()
    worker.cookies[WORKER_COOKIE] = signin.issue_token(PHONE)
    for url in ("/", "/members/", f"/members/{world.member_a1.person.pk}/"):
        response = worker.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_staff_reset_a_binding_from_the_member_page_within_their_scope(world):
    person = world.member_a1.person
    WorkerBinding.objects.create(phone_index="x" * 64, person=person, bound_at=person.created_at)
    sibling = Client()
    sibling.force_login(world.sibling_admin)
    assert sibling.post(f"/portal-bindings/{person.pk}/reset/").status_code == 404
    viewer = Client()
    viewer.force_login(world.viewer)
    assert viewer.post(f"/portal-bindings/{person.pk}/reset/").status_code == 404
    admin = Client()
    admin.force_login(world.county_admin)
    page = admin.get(f"/members/{person.pk}/").content.decode()
    assert "解除绑定" in page and f"/portal-bindings/{person.pk}/reset/" in page
    response = admin.post(f"/portal-bindings/{person.pk}/reset/")
    assert response.status_code == 302 and response["Location"].endswith("#portal-binding")
    assert not WorkerBinding.objects.exists()
    entry = AuditEntry.objects.filter(action="portal.binding_reset").get()
    assert entry.actor_name == "county_admin" and entry.object_id == str(person.pk)
    assert "未绑定" in admin.get(f"/members/{person.pk}/").content.decode()
