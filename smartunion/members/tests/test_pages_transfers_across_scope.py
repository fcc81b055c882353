"""Transfers across scope (issue 11 §4) through the pages: sending a member to any union of
the province, asking for a member of another union (申请转入), both sides' lists and 待办."""

import datetime as dt

from django.test import override_settings
from django.urls import reverse

from smartunion.core.home import todo_figures
from smartunion.core.models import AuditEntry
from smartunion.core.testing import downloaded_csv, new_id_number
from smartunion.members import services
from smartunion.members.models import Membership, Transfer, TransferKind, TransferStatus
from smartunion.members.tests.test_transfers_across_scope import counts, number_of


def url(name, **kwargs):
    return reverse(f"members:{name}", kwargs=kwargs)


def login(client, user):
    client.force_login(user)
    return client


def shown(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def request_post(world, **overrides) -> dict:
    data = {
        "to_org": world.union_a2.pk,
        "name": "王五",
        "id_number": number_of(world.member_b1),
        "reason": "labor_relation",
        "note": "已入职快递公司",
    }
    return {**data, **overrides}


def todo(user, label):
    return next(f for f in todo_figures(user) if f.label == label)


# ---- sending out ------------------------------------------------------------------------------


def test_a_grassroots_admin_finds_a_union_of_another_county_by_name(client, world):
    login(client, world.grassroots_admin)
    response = client.get(
        url("transfer", membership_id=world.member_a1.pk),
        {"org_q": "供电"},
        headers={"HX-Request": "true", "HX-Target": "to-org-field"},
    )
    html = shown(response)
    # The name and its parent's, nothing else of the union.
    assert "兰州市总工会 › 七里河区总工会 › 七里河区供电公司工会" in html
    assert "没有名称包含" not in html


def test_a_grassroots_admin_sends_out_and_sees_nothing_of_the_target(client, world):
    login(client, world.grassroots_admin)
    response = client.post(
        url("transfer", membership_id=world.member_a1.pk),
        {"to_org": world.union_b1.pk, "reason": "labor_relation"},
        follow=True,
    )
    assert "已发起转会：张三转入七里河区供电公司工会，待对方工会接收" in shown(response)
    transfer = Transfer.objects.get()
    assert transfer.kind == TransferKind.SEND
    outbox = shown(client.get(url("transfers")))
    assert "七里河区供电公司工会" in outbox
    assert reverse("orgs:detail", kwargs={"org_id": world.union_b1.pk}) not in outbox
    assert url("transfer_accept", transfer_id=transfer.pk) not in outbox
    # The target union's page and its members stay out of reach (404 as for any other).
    assert client.get(reverse("orgs:detail", kwargs={"org_id": world.union_b1.pk})).status_code == (
        404
    )
    assert client.get(url("detail", person_id=world.member_b1.person_id)).status_code == 404
    # The receiving county accepts.
    login(client, world.sibling_admin)
    inbox = shown(client.get(url("transfers")))
    assert url("transfer_accept", transfer_id=transfer.pk) in inbox
    accepted = client.post(url("transfer_accept", transfer_id=transfer.pk), follow=True)
    assert "已接收张三转入七里河区供电公司工会" in shown(accepted)
    assert Membership.objects.current().get(person=world.member_a1.person).org_id == (
        world.union_b1.pk
    )


# ---- asking for a member (申请转入) -------------------------------------------------------------


def test_a_county_asks_for_a_member_of_another_county_who_approves(client, world):
    login(client, world.county_admin)
    assert "申请转入" in shown(client.get(url("transfers")))
    form = shown(client.get(url("transfer_request")))
    assert "兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会" in form
    response = client.post(url("transfer_request"), request_post(world), follow=True)
    html = shown(response)
    assert "已向七里河区供电公司工会申请王五转入城关区快递行业联合工会，待对方工会同意" in html
    assert number_of(world.member_b1) not in html
    transfer = Transfer.objects.get()
    assert (transfer.kind, transfer.status) == (TransferKind.REQUEST, TransferStatus.PENDING)
    # The requester waits; it cannot open the person's page yet.
    outbox = html[html.index('id="h-out"') :]
    assert "王五" in outbox and "申请转入" in outbox and "撤回" in outbox
    assert url("detail", person_id=world.member_b1.person_id) not in html
    assert url("transfer_accept", transfer_id=transfer.pk) not in html
    # The person's union decides: a reason is needed to refuse.
    login(client, world.sibling_admin)
    inbox = shown(client.get(url("transfers")))
    assert "同意转出" in inbox and "不同意" in inbox
    assert url("detail", person_id=world.member_b1.person_id) in inbox
    refuse = shown(client.get(url("transfer_decline", transfer_id=transfer.pk)))
    assert "确认不同意" in refuse and "不同意的理由" in refuse
    before = counts()
    response = client.post(url("transfer_decline", transfer_id=transfer.pk), {"note": ""})
    assert response.context["form"].errors["note"] == ["请填写不同意转出的理由，对方工会会看到。"]
    assert counts() == before
    approved = client.post(url("transfer_accept", transfer_id=transfer.pk), follow=True)
    assert "已同意王五转入城关区快递行业联合工会" in shown(approved)
    assert Membership.objects.current().get(person=world.member_b1.person).org_id == (
        world.union_a2.pk
    )
    login(client, world.county_admin)
    assert client.get(url("detail", person_id=world.member_b1.person_id)).status_code == 200


def test_the_persons_union_refuses_with_a_reason_the_requester_sees(client, world):
    transfer = services.request_transfer(
        "王五", number_of(world.member_b1), world.union_a2, actor=world.county_admin
    )
    login(client, world.sibling_admin)
    response = client.post(
        url("transfer_decline", transfer_id=transfer.pk), {"note": "劳动合同未解除"}, follow=True
    )
    assert "已不同意王五的转会" in shown(response)
    assert Transfer.objects.get().status == TransferStatus.REJECTED
    assert "劳动合同未解除" in Transfer.objects.get().note


def test_a_wrong_name_and_an_unregistered_number_get_the_same_page(client, world):
    login(client, world.county_admin)
    before = counts()
    answers = []
    for overrides in ({"name": "王六"}, {"id_number": new_id_number("620103")}):
        response = client.post(url("transfer_request"), request_post(world, **overrides))
        html = shown(response)
        assert (overrides.get("id_number") or number_of(world.member_b1)) not in html
        answers.append(list(response.context["form"].non_field_errors()))
    assert answers[0] == answers[1] == [services.NO_MATCH]
    assert "姓名与身份证号码不一致" in html and "页面不回显已填写的身份证号码" in html
    assert counts() == before
    assert AuditEntry.objects.filter(action="member.transfer_lookup").count() == 2


def test_a_person_who_is_no_member_is_told_to_apply(client, world):
    services.leave_union(world.member_b1, actor=world.sibling_admin)
    response = login(client, world.county_admin).post(url("transfer_request"), request_post(world))
    assert services.NOT_A_MEMBER in shown(response)


@override_settings(SMARTUNION_TRANSFER_LOOKUP_RATE="1/h")
def test_many_misses_are_answered_429_in_chinese(client, world):
    login(client, world.county_admin)
    client.post(url("transfer_request"), request_post(world, name="王六"))
    response = client.post(url("transfer_request"), request_post(world))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "查询未匹配的次数过多" in response.content.decode()
    assert not Transfer.objects.exists()


def test_a_read_only_viewer_cannot_ask_for_a_member(client, world):
    login(client, world.viewer)
    assert client.get(url("transfer_request")).status_code == 403
    assert client.post(url("transfer_request"), request_post(world)).status_code == 403
    assert not Transfer.objects.exists()


def test_a_request_into_a_union_outside_scope_is_refused(client, world):
    before = counts()
    response = login(client, world.county_admin).post(
        url("transfer_request"), request_post(world, to_org=world.union_b1.pk)
    )
    errors = response.context["form"].errors["to_org"]
    assert errors == ["转入工会不存在或不在您的管理范围内，请重新选择。"]
    assert counts() == before


# ---- both sides' lists and 待办 -----------------------------------------------------------------


def test_both_kinds_are_listed_with_dates_the_oldest_first(client, world):
    request = services.request_transfer(
        "王五", number_of(world.member_b1), world.union_a2, actor=world.county_admin
    )
    send = services.send_transfer(world.member_a1, world.union_b1, actor=world.county_admin)
    Transfer.objects.filter(pk=request.pk).update(sent_on=dt.date(2026, 3, 2))
    Transfer.objects.filter(pk=send.pk).update(sent_on=dt.date(2026, 3, 1))
    html = shown(login(client, world.sibling_admin).get(url("transfers")))
    inbox = html[html.index('id="h-in"') : html.index('id="h-out"')]
    assert inbox.index("2026-03-01") < inbox.index("2026-03-02")
    assert inbox.index("张三") < inbox.index("王五")
    assert "转出" in inbox and "申请转入" in inbox
    html = shown(login(client, world.county_admin).get(url("transfers")))
    outbox = html[html.index('id="h-out"') :]
    assert outbox.index("张三") < outbox.index("王五")


def test_the_home_page_counts_what_each_side_decides_and_links_to_it(client, world):
    services.request_transfer(
        "王五", number_of(world.member_b1), world.union_a2, actor=world.county_admin
    )
    services.send_transfer(world.member_a1, world.union_b1, actor=world.county_admin)
    assert todo(world.sibling_admin, "待同意的转入申请").value == 1
    assert todo(world.sibling_admin, "待接收的转会").value == 1
    assert todo(world.county_admin, "待同意的转入申请").value == 0
    assert todo(world.county_admin, "待接收的转会").value == 0
    assert todo(world.province_admin, "待同意的转入申请").value == 1
    page = shown(login(client, world.sibling_admin).get(reverse("core:home")))
    assert f"{url('transfers')}?box=in#in" in page


def test_the_home_pages_counts_per_kind_are_the_transfers_page_to_decide(world):
    """to_decide_counts (one count per kind, one join each) holds what to_decide lists."""
    services.request_transfer(
        "王五", number_of(world.member_b1), world.union_a2, actor=world.county_admin
    )
    services.send_transfer(world.member_a1, world.union_b1, actor=world.county_admin)
    users = (world.sibling_admin, world.county_admin, world.grassroots_admin)
    pending = Transfer.objects.filter(status=TransferStatus.PENDING)
    seen = 0
    for user in users:
        counts = pending.to_decide_counts(user)
        listed = pending.visible_to(user).to_decide(user)
        for kind in TransferKind.values:
            assert counts[kind] == listed.filter(kind=kind).count(), (user, kind)
            seen += counts[kind]
    assert seen == 2


def test_the_pending_transfers_export_names_each_sides_part_in_a_request(client, world):
    services.request_transfer(
        "王五", number_of(world.member_b1), world.union_a2, actor=world.county_admin
    )
    login(client, world.county_admin)
    rows = downloaded_csv(client.get(url("transfers"), {"export": "csv"}))[2:]
    assert [(r[1], r[0]) for r in rows] == [("王五", "已申请转入")]
    login(client, world.sibling_admin)
    rows = downloaded_csv(client.get(url("transfers"), {"export": "csv"}))[2:]
    assert [(r[1], r[0]) for r in rows] == [("王五", "待同意转出")]
    assert number_of(world.member_b1) not in str(rows)


def test_the_members_page_offers_the_persons_union_to_approve_a_request(client, world):
    transfer = services.request_transfer(
        "王五", number_of(world.member_b1), world.union_a2, actor=world.county_admin
    )
    html = shown(
        login(client, world.sibling_admin).get(url("detail", person_id=world.member_b1.person_id))
    )
    # The asking union, named with its parent (orgs' org_ref): 城关区快递行业联合工会（上级：城关区总工会）.
    assert '<strong><span class="org-ref">城关区快递行业联合工会<span' in html
    assert "（上级：城关区总工会）</span></span>\n</strong> 申请转入" in html
    assert url("transfer_accept", transfer_id=transfer.pk) in html and "同意转出" in html
    assert "不同意" in html
