"""Transfers across scope (issue 11 §4), through the services: any union sends its member to
any union of the province; a union asks for a member of another (申请转入) by full name and
full ID number, and the person's union approves or refuses."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from smartunion.core.errors import NotInScope, TooManyRequests
from smartunion.core.models import AuditEntry, RateCounter
from smartunion.core.testing import new_id_number
from smartunion.members import services
from smartunion.members.models import (
    ChangeType,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferKind,
    TransferStatus,
)
from smartunion.orgs.services import recount_members


def counts():
    """Everything a transfer could write (the lookup's audit entries are counted apart)."""
    return (
        Membership.objects.count(),
        MembershipEvent.objects.count(),
        Transfer.objects.count(),
        list(Membership.objects.order_by("pk").values_list("status", "org_id")),
    )


def number_of(membership) -> str:
    return Person.objects.get(pk=membership.person_id).id_number


def lookups():
    return AuditEntry.objects.filter(action="member.transfer_lookup").order_by("seq")


# ---- sending out ------------------------------------------------------------------------------


def test_a_grassroots_admin_sends_a_member_to_a_union_of_another_county(world):
    t = services.send_transfer(world.member_a1, world.union_b1, actor=world.grassroots_admin)
    assert (t.kind, t.status, t.to_org_id) == (TransferKind.SEND, "pending", world.union_b1.pk)
    # The sender cannot decide it; the receiving county (or an admin above it) can.
    with pytest.raises(NotInScope):
        services.accept_transfer(t, actor=world.grassroots_admin)
    new = services.accept_transfer(t, actor=world.sibling_admin)
    assert new.org_id == world.union_b1.pk
    current = Membership.objects.current().filter(person_id=world.member_a1.person_id)
    assert list(current.values_list("org_id", flat=True)) == [world.union_b1.pk]
    assert recount_members(fix=False) == []


def test_an_admin_above_the_receiving_union_may_accept(world):
    t = services.send_transfer(world.member_b1, world.union_a2, actor=world.sibling_admin)
    new = services.accept_transfer(t, actor=world.city_admin)
    assert new.org_id == world.union_a2.pk


def test_the_receiving_union_refuses_and_the_member_stays(world):
    t = services.send_transfer(world.member_a1, world.union_b1, actor=world.county_admin)
    t = services.decline_transfer(t, actor=world.sibling_admin, note="无此职工")
    assert t.status == TransferStatus.REJECTED
    assert Membership.objects.get(pk=world.member_a1.pk).status == MembershipStatus.ACTIVE


def test_completing_at_once_still_needs_both_unions_in_scope(world):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.transfer_membership(world.member_a1, world.union_b1, actor=world.county_admin)
    assert "不在您的管理范围内" in str(exc.value)
    assert counts() == before


# ---- asking for a member (申请转入) -------------------------------------------------------------


def test_a_county_asks_for_a_member_of_another_county_who_is_approved(world):
    b = world.member_b1
    t = services.request_transfer(
        "王五", number_of(b), world.union_a2, actor=world.county_admin, note="已入职快递公司"
    )
    assert (t.kind, t.status) == (TransferKind.REQUEST, TransferStatus.PENDING)
    assert (t.from_org_id, t.to_org_id) == (world.union_b1.pk, world.union_a2.pk)
    # Nothing moves until the person's union approves; the requester cannot approve it.
    assert Membership.objects.get(pk=b.pk).status == MembershipStatus.ACTIVE
    with pytest.raises(NotInScope):
        services.accept_transfer(t, actor=world.county_admin)
    new = services.accept_transfer(t, actor=world.sibling_admin)
    assert new.org_id == world.union_a2.pk and new.card_no == b.card_no
    assert Transfer.objects.get(pk=t.pk).status == TransferStatus.ACCEPTED
    assert Person.objects.get(pk=b.person_id).org_id == world.union_a2.pk
    changes = list(b.person.events.order_by("id").values_list("change_type", flat=True))
    assert changes[-3:] == [ChangeType.TRANSFER_SENT, ChangeType.TRANSFER_OUT, "transfer_in"]
    assert recount_members(fix=False) == []
    entry = lookups().get()
    assert entry.changes["outcome"] == "matched" and number_of(b) not in str(entry.changes)


def test_the_persons_union_refuses_with_a_reason(world):
    t = services.request_transfer(
        "王五", number_of(world.member_b1), world.union_a2, actor=world.county_admin
    )
    with pytest.raises(ValidationError) as exc:
        services.decline_transfer(t, actor=world.sibling_admin, note=" ")
    assert exc.value.message_dict == {"note": ["请填写不同意转出的理由，对方工会会看到。"]}
    assert Transfer.objects.get(pk=t.pk).status == TransferStatus.PENDING
    t = services.decline_transfer(t, actor=world.sibling_admin, note="劳动合同尚未解除")
    assert t.status == TransferStatus.REJECTED and "劳动合同尚未解除" in t.note
    assert Membership.objects.get(pk=world.member_b1.pk).status == MembershipStatus.ACTIVE


def test_the_requester_may_withdraw_its_request(world):
    t = services.request_transfer(
        "王五", number_of(world.member_b1), world.union_a2, actor=world.county_admin
    )
    t = services.decline_transfer(t, actor=world.county_admin)
    assert t.status == TransferStatus.CANCELLED


def test_a_wrong_name_and_an_unregistered_number_get_the_same_answer(world):
    before = counts()
    answers = []
    for name, number in (("王六", number_of(world.member_b1)), ("王五", new_id_number("620103"))):
        with pytest.raises(ValidationError) as exc:
            services.request_transfer(name, number, world.union_a2, actor=world.county_admin)
        answers.append(exc.value.messages)
    assert answers[0] == answers[1] == [services.NO_MATCH]
    assert services.NO_MATCH.startswith("姓名与身份证号码不一致")
    assert counts() == before
    # Both lookups are audited, without the number.
    assert [e.changes["outcome"] for e in lookups()] == ["mismatch", "mismatch"]
    assert number_of(world.member_b1) not in str([e.changes for e in lookups()])


def test_a_person_who_is_not_a_current_member_is_told_to_apply(world):
    services.leave_union(world.member_b1, actor=world.sibling_admin)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.request_transfer(
            "王五", number_of(world.member_b1), world.union_a2, actor=world.county_admin
        )
    assert exc.value.messages == [services.NOT_A_MEMBER]
    assert counts() == before


def test_a_member_in_the_requesters_own_scope_is_sent_to_the_ordinary_transfer(world):
    with pytest.raises(ValidationError) as exc:
        services.request_transfer(
            "张三", number_of(world.member_a1), world.union_a2, actor=world.county_admin
        )
    assert exc.value.messages == [services.ALREADY_OURS]
    assert not Transfer.objects.exists()


def test_a_request_for_a_member_with_a_pending_transfer_is_refused(world):
    services.send_transfer(world.member_b1, world.county_b, actor=world.sibling_admin)
    with pytest.raises(ValidationError) as exc:
        services.request_transfer(
            "王五", number_of(world.member_b1), world.union_a2, actor=world.county_admin
        )
    assert exc.value.messages == ["该会员已有一笔待接收的转会。"]
    assert Transfer.objects.count() == 1


def test_a_request_goes_only_to_a_union_the_requester_holds(world):
    with pytest.raises(ValidationError) as exc:
        services.request_transfer(
            "王五", number_of(world.member_b1), world.union_b1, actor=world.county_admin
        )
    assert exc.value.message_dict == {"to_org": ["工会不存在或不在您的管理范围内。"]}
    assert not lookups().exists()


def test_a_malformed_number_is_refused_before_any_lookup(world):
    with pytest.raises(ValidationError) as exc:
        services.request_transfer(
            "王五", "62010319900101123", world.union_a2, actor=world.county_admin
        )
    assert "id_number" in exc.value.message_dict
    assert not lookups().exists()


@override_settings(SMARTUNION_TRANSFER_LOOKUP_RATE="2/h")
def test_an_account_making_many_misses_is_throttled(world):
    for _ in range(2):
        with pytest.raises(ValidationError):
            services.request_transfer(
                "王六", number_of(world.member_b1), world.union_a2, actor=world.county_admin
            )
    with pytest.raises(TooManyRequests) as exc:
        services.request_transfer(
            "王五", number_of(world.member_b1), world.union_a2, actor=world.county_admin
        )
    assert "查询未匹配的次数过多" in exc.value.message and exc.value.retry_after > 0
    assert not Transfer.objects.exists()
    # Another account is not held back by this one's misses.
    t = services.request_transfer(
        "王五", number_of(world.member_b1), world.union_a1, actor=world.grassroots_admin
    )
    assert t.kind == TransferKind.REQUEST
    assert RateCounter.objects.filter(key=f"transfer-lookup:{world.county_admin.pk}").exists()


@override_settings(SMARTUNION_TRANSFER_LOOKUP_RATE="2/h")
def test_matches_do_not_count_as_misses(world):
    for _ in range(3):
        t = services.request_transfer(
            "王五", number_of(world.member_b1), world.union_a2, actor=world.county_admin
        )
        services.decline_transfer(t, actor=world.county_admin)
    assert Transfer.objects.filter(status=TransferStatus.CANCELLED).count() == 3


# ---- API --------------------------------------------------------------------------------------

API = "/api/v1/members"


def api_client(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_the_api_asks_for_a_member_and_the_persons_union_approves(world):
    body = {
        "name": "王五",
        "id_number": number_of(world.member_b1),
        "to_org": world.union_a2.pk,
        "reason": "labor_relation",
    }
    response = post(api_client(world.county_admin), f"{API}/transfer-requests", body)
    assert response.status_code == 201, response.content
    sent = response.json()
    assert (sent["kind"], sent["kind_label"], sent["status"]) == ("request", "申请转入", "pending")
    assert sent["from_org_name"] == "七里河区供电公司工会"
    assert number_of(world.member_b1) not in response.content.decode()
    # Each side sees it in its own box: the person's union decides, the requester waits.
    b = api_client(world.sibling_admin)
    assert [t["id"] for t in b.get(f"{API}/transfers", {"box": "in"}).json()["items"]] == [
        sent["id"]
    ]
    assert b.get(f"{API}/transfers", {"box": "out"}).json()["items"] == []
    a = api_client(world.county_admin)
    assert [t["id"] for t in a.get(f"{API}/transfers", {"box": "out"}).json()["items"]] == [
        sent["id"]
    ]
    assert a.get(f"{API}/transfers", {"box": "in"}).json()["items"] == []
    assert post(a, f"{API}/transfers/{sent['id']}/accept").status_code == 404
    # Refusing needs a reason.
    refused = post(b, f"{API}/transfers/{sent['id']}/decline", {"note": ""})
    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {"field": "note", "message": "说明：请填写不同意转出的理由，对方工会会看到。"}
    ]
    accepted = post(b, f"{API}/transfers/{sent['id']}/accept")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["org"] == world.union_a2.pk
    # Someone who acts after it was decided is told so (409: read it again).
    again = post(b, f"{API}/transfers/{sent['id']}/decline", {"note": "晚了一步"})
    assert again.status_code == 409
    assert again.json()["detail"] == [{"field": "", "message": services.DECIDED}]


def test_the_api_gives_one_answer_for_a_wrong_name_and_an_unregistered_number(world):
    client = api_client(world.county_admin)
    answers = []
    for name, number in (("王六", number_of(world.member_b1)), ("王五", new_id_number("620103"))):
        body = {
            "name": name,
            "id_number": number,
            "to_org": world.union_a2.pk,
            "reason": "labor_relation",
        }
        response = post(client, f"{API}/transfer-requests", body)
        assert response.status_code == 422
        assert number not in response.content.decode()
        answers.append(response.json())
    assert answers[0] == answers[1]
    assert answers[0]["detail"] == [{"field": "", "message": services.NO_MATCH}]
    assert not Transfer.objects.exists()


@override_settings(SMARTUNION_TRANSFER_LOOKUP_RATE="1/h")
def test_the_api_answers_429_in_chinese_after_too_many_misses(world):
    client = api_client(world.county_admin)
    body = {"name": "王六", "id_number": number_of(world.member_b1), "to_org": world.union_a2.pk}
    assert post(client, f"{API}/transfer-requests", body).status_code == 422
    response = post(client, f"{API}/transfer-requests", body)
    assert response.status_code == 429
    assert "查询未匹配的次数过多" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_the_api_refuses_a_request_into_a_union_outside_scope(world):
    body = {"name": "王五", "id_number": number_of(world.member_b1), "to_org": world.union_b1.pk}
    response = post(api_client(world.county_admin), f"{API}/transfer-requests", body)
    assert response.status_code == 404
    assert not lookups().exists()


def test_a_read_only_viewer_cannot_ask_for_a_member(world):
    body = {"name": "王五", "id_number": number_of(world.member_b1), "to_org": world.union_a2.pk}
    response = post(api_client(world.viewer), f"{API}/transfer-requests", body)
    assert response.status_code == 403
    assert not lookups().exists() and not Transfer.objects.exists()
