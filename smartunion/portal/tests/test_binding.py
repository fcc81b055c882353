"""实名绑定 and 我的会籍 (issue 14; decision 0022)."""

import pytest

from smartunion.accounts.models import User
from smartunion.core.models import AuditEntry
from smartunion.core.testing import new_id_number
from smartunion.members.services import leave_union
from smartunion.portal import binding
from smartunion.portal.models import WorkerBinding
from smartunion.portal.tests.helpers import PHONE, make_member, post, worker_client

BIND_URL = "/api/v1/portal/bind"
ME_URL = "/api/v1/portal/me"
MEMBERSHIP_URL = "/api/v1/portal/membership"
CARD_URL = "/api/v1/portal/card"


@pytest.mark.django_db
def test_every_mismatch_gets_the_same_message_and_binds_nothing(settings):
    settings.SMARTUNION_PORTAL_BIND_RATE = ""
    member = make_member()
    client, _ = worker_client()
    stranger, _ = worker_client("13700000000")  # not the registry's phone of the member
    cases = [
        (client, member.name[:-1] + "李", member.id_number),  # the name differs
        (client, member.name, new_id_number()),  # a number nobody registered
        (stranger, member.name, member.id_number),  # right person, another phone
    ]
    for who, name, number in cases:
        response = post(who, BIND_URL, {"name": name, "id_number": number})
        assert response.status_code == 422, (name, response.content)
        assert response.json()["detail"] == binding.NOT_VERIFIED
    assert not WorkerBinding.objects.exists()
    attempts = AuditEntry.objects.filter(action="portal.bind")
    assert [a.changes["outcome"] for a in attempts] == ["not_verified"] * 3
    for entry in attempts:  # nothing personal in the audit log
        text = f"{entry.object_repr} {entry.changes} {entry.object_id}"
        assert member.name not in text and member.id_number[-6:] not in text
        assert PHONE not in text and "1370000" not in text
    # A malformed number gets the message every form gives, on its field.
    response = post(client, BIND_URL, {"name": member.name, "id_number": "62010219900101001"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "id_number"
    assert not WorkerBinding.objects.exists()


@pytest.mark.django_db
def test_a_worker_binds_and_sees_only_their_own_membership(settings):
    member = make_member()
    client, _ = worker_client()
    assert client.get(ME_URL).json()["bound"] is False
    assert client.get(MEMBERSHIP_URL).status_code == 403
    assert client.get(CARD_URL).status_code == 403
    # Spaces inside the name and a lower-case x do not matter, as in every form.
    spaced = " ".join(member.name)
    response = post(client, BIND_URL, {"name": spaced, "id_number": member.id_number.lower()})
    assert response.status_code == 200, response.content
    assert response.json()["bound"] is True and response.json()["name_masked"] == "赵*柱"
    assert AuditEntry.objects.filter(action="portal.bind").latest("seq").changes["outcome"] == (
        "bound"
    )
    # Another token of the same number is bound too (the binding belongs to the number).
    again, _ = worker_client()
    body = again.get(MEMBERSHIP_URL).json()
    assert body["union"] == "兰州第一机械厂工会"
    assert body["union_path"] == ["甘肃省总工会", "兰州第一机械厂工会"]
    assert body["status_label"] == "在籍" and body["card_no"] == member.membership.card_no
    assert [e["change_type_label"] for e in body["history"]] == ["入会"]
    assert member.id_number not in again.get(MEMBERSHIP_URL).content.decode()
    # A member who left still sees the membership (已终止), but gets no e-card.
    leave_union(member.membership, actor=User.objects.get(username="root_portal"))
    assert again.get(MEMBERSHIP_URL).json()["status_label"] == "已终止"
    assert again.get(CARD_URL).status_code == 403


@pytest.mark.django_db
def test_attempts_are_limited_per_worker(settings):
    settings.SMARTUNION_PORTAL_BIND_RATE = "3/h"
    member = make_member()
    client, _ = worker_client()
    for _ in range(3):
        assert post(client, BIND_URL, {"name": "钱多多", "id_number": member.id_number}).status_code
    response = post(client, BIND_URL, {"name": member.name, "id_number": member.id_number})
    assert response.status_code == 429 and response["Retry-After"]
    assert response.json()["detail"] == binding.TOO_MANY
    assert not WorkerBinding.objects.exists()
