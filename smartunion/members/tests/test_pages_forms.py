"""The membership forms: each action through its page, bad input with its Chinese message."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from smartunion.core.idnumber import make_id_number
from smartunion.core.models import AuditEntry
from smartunion.core.testing import downloaded_csv, new_id_number
from smartunion.members import services
from smartunion.members.models import (
    ChangeReason,
    EndType,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)
from smartunion.orgs.models import Kind, Organization
from smartunion.orgs.services import dissolve_org
from smartunion.personas import make_org


def url(name, **kwargs):
    return reverse(f"members:{name}", kwargs=kwargs)


def login(client, user):
    client.force_login(user)
    return client


def counts():
    """Everything a form could write."""
    return (
        Person.objects.count(),
        Membership.objects.count(),
        MembershipEvent.objects.count(),
        Transfer.objects.count(),
        AuditEntry.objects.count(),
        list(Membership.objects.order_by("pk").values_list("status", "org_id")),
    )


def shown(response) -> str:
    """The page shown again with its errors (a form never answers a bad input with a 500)."""
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def person_post(**overrides) -> dict:
    data = {
        "name": "赵六",
        "id_number": new_id_number(),
        "phone": "13912345678",
        "ethnicity": "01",
        "education": "30",
        "political_status": "13",
        "hukou_type": "1",
        "is_migrant_worker": "on",
        "employment_status": "10",
        "skill_level": "",
        "occupation": "快递员",
        "professional_title": "",
        "new_form_type": "03",
        "channel": "written",
        "applied_on": "",
    }
    data.update(overrides)
    return data


def id_number_ending_in_x() -> str:
    return next(
        n
        for n in (make_id_number("620102", dt.date(1985, 3, 9), seq) for seq in range(1, 999))
        if n.endswith("X")
    )


# ---- 入会申请 and approval -------------------------------------------------------------------


def test_an_application_creates_the_person_and_is_approved_from_the_member_page(client, world):
    login(client, world.grassroots_admin)
    number = new_id_number(birth=dt.date(1995, 8, 1), male=False)
    response = client.post(url("apply", org_id=world.union_a1.pk), person_post(id_number=number))
    person = Person.objects.get(name="赵六")
    assert response.status_code == 302 and response["Location"] == url(
        "detail", person_id=person.pk
    )
    assert person.gender == "2" and person.birth_date == dt.date(1995, 8, 1)
    assert person.is_migrant_worker and person.new_form_type == "03"
    m = person.memberships.get()
    assert m.status == MembershipStatus.APPLIED and m.channel == "written"
    html = shown(client.get(response["Location"]))
    assert "已登记赵六的入会申请" in html and "批准入会" in html
    assert 'href="{}"'.format(url("approve", membership_id=m.pk)) in html
    approved = client.post(
        url("approve", membership_id=m.pk), {"on": dt.date.today().isoformat()}, follow=True
    )
    m.refresh_from_db()
    assert m.status == MembershipStatus.ACTIVE and m.card_no
    assert f"已批准赵六入会，会员证号 {m.card_no}" in shown(approved)


def applied(world, applied_on: dt.date) -> Membership:
    return services.apply_for_membership(
        services.PersonData("赵六", new_id_number()),
        world.union_a1,
        actor=world.county_admin,
        applied_on=applied_on,
    )


def test_approving_asks_for_confirmation_with_the_application_and_today_s_date(client, world):
    m = applied(world, dt.date(2025, 3, 2))
    html = shown(login(client, world.county_admin).get(url("approve", membership_id=m.pk)))
    assert "批准入会：赵六" in html and "申请日期：2025-03-02（书面申请）" in html
    assert f'name="on" value="{dt.date.today():%Y-%m-%d}"' in html
    assert "确认批准入会" in html
    m.refresh_from_db()
    assert m.status == MembershipStatus.APPLIED


def test_the_committee_s_approval_date_becomes_the_joining_date(client, world):
    m = applied(world, dt.date(2025, 3, 2))
    login(client, world.county_admin)
    client.post(url("approve", membership_id=m.pk), {"on": "2025-03-20"})
    m.refresh_from_db()
    assert m.status == MembershipStatus.ACTIVE and m.joined_on == dt.date(2025, 3, 20)
    assert m.events.latest("id").occurred_on == dt.date(2025, 3, 20)


@pytest.mark.parametrize(
    "on, message",
    [
        ("", "请填写工会委员会批准入会的日期。"),
        ("2025-03-01", "批准日期不能早于申请日期。"),
        ((dt.date.today() + dt.timedelta(days=1)).isoformat(), "批准日期不能晚于今天。"),
        ("2025-02-30", "输入一个有效的日期。"),
    ],
    ids=["blank", "before the application", "tomorrow", "no such day"],
)
def test_a_bad_approval_date_is_refused_and_nothing_is_saved(client, world, on, message):
    m = applied(world, dt.date(2025, 3, 2))
    login(client, world.county_admin)
    before = counts()
    response = client.post(url("approve", membership_id=m.pk), {"on": on})
    assert field_errors(response, "on") == [message]
    assert counts() == before
    m.refresh_from_db()
    assert m.status == MembershipStatus.APPLIED and m.joined_on is None


def test_gender_and_birth_date_are_never_form_fields(client, world):
    html = shown(login(client, world.county_admin).get(url("apply", org_id=world.union_a1.pk)))
    assert 'name="gender"' not in html and 'name="birth_date"' not in html
    html = shown(client.get(url("edit", person_id=world.member_a1.person_id)))
    assert 'name="gender"' not in html and 'name="birth_date"' not in html
    assert 'name="id_number"' not in html


def wrong_check_character() -> str:
    number = new_id_number()
    return number[:17] + ("0" if number[17] != "0" else "1")


BAD_ID_NUMBERS = {
    "a wrong check character": (wrong_check_character, "校验位不正确"),
    "an impossible birth date": (lambda: "620102" + "19990229" + "1231", "不是真实的日期"),
    "17 characters": (lambda: new_id_number()[:17], "应为18位，当前为17位"),
    "19 characters": (lambda: new_id_number() + "1", "应为18位，当前为19位"),
    "a 15-digit old number": (lambda: "620102900517123", "请填写18位居民身份证号码"),
    "letters": (lambda: "62010219900517ABCD", "只能由数字组成"),
}


@pytest.mark.parametrize("case", BAD_ID_NUMBERS)
@pytest.mark.parametrize("form", ["apply", "register"])
def test_a_bad_id_number_is_refused_on_its_field_and_nothing_is_saved(client, world, case, form):
    make, expected = BAD_ID_NUMBERS[case]
    number = make()
    before = counts()
    data = person_post(id_number=number, joined_on="2020-01-01")
    response = login(client, world.county_admin).post(url(form, org_id=world.union_a1.pk), data)
    errors = field_errors(response, "id_number")
    assert len(errors) == 1 and expected in errors[0]
    assert expected in shown(response)
    assert number not in shown(response)
    assert counts() == before


def test_a_form_refused_for_one_field_keeps_every_other_field_but_the_id_number(client, world):
    data = person_post(
        id_number=new_id_number()[:17], occupation="外卖骑手", applied_on="2025-02-03"
    )
    response = login(client, world.county_admin).post(url("apply", org_id=world.union_a1.pk), data)
    form = response.context["form"]
    html = shown(response)
    assert list(form.errors) == ["id_number"]
    # What was typed comes back: the name, the phone, the code lists, the texts, the dates.
    for name, value in (
        ("name", "赵六"),
        ("phone", "13912345678"),
        ("occupation", "外卖骑手"),
        ("applied_on", "2025-02-03"),
    ):
        assert f'name="{name}" value="{value}"' in html, name
    for name, code in (("ethnicity", "01"), ("education", "30"), ("new_form_type", "03")):
        assert re.search(rf'<option value="{code}" selected>', form[name].as_widget()), name
    assert 'name="is_migrant_worker" id="id_is_migrant_worker" checked' in html
    # The ID number is never written back into the page, and the form says so.
    assert data["id_number"] not in html
    assert (
        re.search(r'<input type="text" name="id_number"[^>]*>', html).group(0).find("value") == -1
    )
    assert "页面不回显已填写的身份证号码，请重新填写" in html


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n.lower(),
        lambda n: n.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),
        lambda n: f" {n[:6]} {n[6:14]} {n[14:]} ",
    ],
    ids=["lower-case x", "full-width digits", "spaces"],
)
def test_a_lower_case_x_or_full_width_digits_are_accepted_and_normalized(client, world, typed):
    number = id_number_ending_in_x()
    login(client, world.county_admin)
    response = client.post(
        url("register", org_id=world.union_a1.pk),
        person_post(id_number=typed(number), joined_on="2020-01-01"),
    )
    assert response.status_code == 302
    assert services.find_person_by_id_number(number).name == "赵六"


def test_a_second_person_with_the_same_id_number_is_refused(client, world):
    number = world.member_a1.person.id_number
    services.leave_union(world.member_a1, actor=world.county_admin)
    before = counts()
    response = login(client, world.county_admin).post(
        url("apply", org_id=world.union_a2.pk), person_post(name="张四", id_number=number)
    )
    assert field_errors(response, "id_number") == [
        "该身份证号码已登记为另一姓名的人员，请核对姓名和号码。"
    ]
    assert "已登记为另一姓名的人员" in shown(response)
    assert counts() == before


@pytest.mark.parametrize("form", ["apply", "register"])
def test_a_second_current_membership_is_refused(client, world, form):
    number = world.member_a1.person.id_number
    before = counts()
    response = login(client, world.county_admin).post(
        url(form, org_id=world.union_a2.pk),
        person_post(name="张三", id_number=number, joined_on="2020-01-01"),
    )
    message = "此人已是会员（每人只能有一个有效会籍），如已换工作请办理转会。"
    assert field_errors(response, "id_number") == [message]
    assert message in shown(response)
    assert counts() == before


def test_a_person_who_left_rejoins_from_the_member_page(client, world):
    m = services.leave_union(world.member_a1, actor=world.county_admin)
    login(client, world.county_admin)
    detail = shown(client.get(url("detail", person_id=m.person_id)))
    rejoin = f"{url('apply', org_id=m.org_id)}?person={m.person_id}"
    assert rejoin in detail
    form = shown(client.get(rejoin))
    assert "重新入会申请" in form and 'name="id_number"' not in form
    response = client.post(rejoin, {"channel": "oral", "applied_on": ""})
    assert response.status_code == 302
    assert m.person.memberships.get(status=MembershipStatus.APPLIED).channel == "oral"


def test_a_bad_phone_and_a_missing_name_are_shown_on_their_fields(client, world):
    before = counts()
    response = login(client, world.county_admin).post(
        url("apply", org_id=world.union_a1.pk), person_post(name="", phone="12345")
    )
    assert field_errors(response, "name") == ["请填写姓名。"]
    assert counts() == before
    response = client.post(url("apply", org_id=world.union_a1.pk), person_post(phone="12345"))
    assert field_errors(response, "phone") == [
        "手机号码格式不正确，应为11位手机号或带区号的固定电话。"
    ]
    assert "12345" not in "".join(field_errors(response, "phone"))
    assert counts() == before


def test_an_application_dated_in_the_future_is_refused(client, world):
    before = counts()
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = login(client, world.county_admin).post(
        url("apply", org_id=world.union_a1.pk), person_post(applied_on=tomorrow)
    )
    assert field_errors(response, "applied_on") == ["申请日期不能晚于今天。"]
    assert counts() == before


def test_an_application_can_be_rejected_with_a_note(client, world):
    m = services.apply_for_membership(
        services.PersonData("赵六", new_id_number()), world.union_a1, actor=world.county_admin
    )
    login(client, world.county_admin)
    assert "不予批准" in shown(client.get(url("reject", membership_id=m.pk)))
    response = client.post(url("reject", membership_id=m.pk), {"note": "材料不全"}, follow=True)
    assert "赵六的入会申请未获批准" in shown(response)
    m.refresh_from_db()
    assert m.status == MembershipStatus.REJECTED
    assert m.events.latest("id").note == "材料不全"


def test_approving_twice_shows_a_message_and_changes_nothing(client, world):
    login(client, world.county_admin)
    before = counts()
    page = shown(client.get(url("approve", membership_id=world.member_a1.pk)))
    assert "该会籍当前为“在籍”，不能办理批准入会。" in page
    today = dt.date.today().isoformat()
    response = client.post(url("approve", membership_id=world.member_a1.pk), {"on": today})
    assert "该会员的会籍已发生变化" in shown(response)
    assert counts() == before


# ---- 补录 -----------------------------------------------------------------------------------


def test_a_member_approved_on_paper_is_registered_with_their_card_number(client, world):
    login(client, world.county_admin)
    response = client.post(
        url("register", org_id=world.union_a2.pk),
        person_post(joined_on="2019-04-30", card_no="GS2019-0001"),
        follow=True,
    )
    assert "已登记会员赵六，会员证号 GS2019-0001" in shown(response)
    m = Membership.objects.get(person__name="赵六")
    assert m.status == MembershipStatus.ACTIVE and m.joined_on == dt.date(2019, 4, 30)
    assert (
        m.channel == "record" and Organization.objects.get(pk=world.union_a2.pk).member_count == 2
    )


def test_registering_needs_a_join_date_not_in_the_future(client, world):
    login(client, world.county_admin)
    before = counts()
    response = client.post(url("register", org_id=world.union_a1.pk), person_post(joined_on=""))
    assert field_errors(response, "joined_on") == ["请填写入会日期。"]
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = client.post(url("register", org_id=world.union_a1.pk), person_post(joined_on=future))
    assert field_errors(response, "joined_on") == ["入会日期不能晚于今天。"]
    assert counts() == before


def test_a_union_that_was_dissolved_takes_no_application(client, world):
    closed = make_org("已撤销的工会", world.county_a, Kind.SINGLE, "620102")
    dissolve_org(closed, actor=world.county_admin)
    before = counts()
    response = login(client, world.county_admin).post(url("apply", org_id=closed.pk), person_post())
    assert "“已撤销的工会”已撤销，不能接收会员。" in response.context["form"].non_field_errors()
    assert counts() == before


# ---- 转会 -----------------------------------------------------------------------------------


def test_the_transfer_form_offers_active_unions_of_the_county_only(client, world):
    closed = make_org("已撤销的工会", world.county_a, Kind.SINGLE, "620102")
    dissolve_org(closed, actor=world.county_admin)
    html = shown(
        login(client, world.county_admin).get(url("transfer", membership_id=world.member_a1.pk))
    )
    select = html[html.index('name="to_org"') : html.index("</select>")]
    assert "城关区快递行业联合工会" in select and "城关区总工会" in select
    assert "已撤销的工会" not in select and "七里河区" not in select
    assert "兰州第一机械厂工会" not in select  # the member's own union
    assert "立即完成接收" in html


def test_the_transfer_form_finds_unions_by_name_in_the_whole_scope(client, world):
    login(client, world.city_admin)
    response = client.get(
        url("transfer", membership_id=world.member_a1.pk),
        {"org_q": "供电"},
        headers={"HX-Request": "true", "HX-Target": "to-org-field"},
    )
    html = shown(response)
    assert "<html" not in html and "七里河区供电公司工会" in html
    assert "城关区快递行业联合工会" not in html


def test_a_transfer_sent_waits_for_the_receiving_union(client, world):
    login(client, world.county_admin)
    response = client.post(
        url("transfer", membership_id=world.member_a1.pk),
        {"to_org": world.union_a2.pk, "reason": "labor_relation", "note": "换工作"},
        follow=True,
    )
    assert "已发起转会：张三转入城关区快递行业联合工会，待对方工会接收" in shown(response)
    transfer = Transfer.objects.get()
    assert transfer.status == TransferStatus.PENDING
    world.member_a1.refresh_from_db()
    assert world.member_a1.status == MembershipStatus.ACTIVE  # still in the old union
    inbox = shown(client.get(url("transfers")))
    assert inbox.count(url("transfer_decline", transfer_id=transfer.pk)) == 2  # in and out
    accepted = client.post(url("transfer_accept", transfer_id=transfer.pk), follow=True)
    assert "已接收张三转入城关区快递行业联合工会" in shown(accepted)
    current = Membership.objects.current().get(person=world.member_a1.person)
    assert current.org_id == world.union_a2.pk and current.card_no == world.member_a1.card_no


def test_a_transfer_completed_at_once_moves_the_member(client, world):
    login(client, world.county_admin)
    response = client.post(
        url("transfer", membership_id=world.member_a1.pk),
        {"to_org": world.union_a2.pk, "reason": "labor_relation", "complete_now": "on"},
        follow=True,
    )
    assert "张三已转入城关区快递行业联合工会" in shown(response)
    person = Person.objects.get(pk=world.member_a1.person_id)
    assert person.org_id == world.union_a2.pk
    assert Membership.objects.get(pk=world.member_a1.pk).end_type == EndType.TRANSFERRED
    assert list(person.events.order_by("id").values_list("change_type", flat=True))[-2:] == [
        "transfer_out",
        "transfer_in",
    ]


def test_a_city_admin_sends_across_counties_and_the_other_county_accepts(client, world):
    login(client, world.city_admin).post(
        url("transfer", membership_id=world.member_a1.pk),
        {"to_org": world.union_b1.pk, "reason": "labor_relation"},
    )
    transfer = Transfer.objects.get()
    login(client, world.sibling_admin)
    inbox = shown(client.get(url("transfers")))
    assert "张三" in inbox and url("transfer_accept", transfer_id=transfer.pk) in inbox
    client.post(url("transfer_accept", transfer_id=transfer.pk))
    assert Membership.objects.current().get(person=world.member_a1.person).org_id == (
        world.union_b1.pk
    )


def test_the_receiving_union_can_send_a_transfer_back(client, world):
    transfer = services.send_transfer(world.member_a1, world.union_b1, actor=world.city_admin)
    login(client, world.sibling_admin)
    assert "确认退回" in shown(client.get(url("transfer_decline", transfer_id=transfer.pk)))
    response = client.post(
        url("transfer_decline", transfer_id=transfer.pk), {"note": "查无此人"}, follow=True
    )
    assert "已退回张三的转会" in shown(response)
    assert Transfer.objects.get().status == TransferStatus.REJECTED


def test_the_sending_union_can_withdraw_a_transfer(client, world):
    transfer = services.send_transfer(world.member_a1, world.union_a2, actor=world.county_admin)
    login(client, world.grassroots_admin)
    assert "确认撤回" in shown(client.get(url("transfer_decline", transfer_id=transfer.pk)))
    client.post(url("transfer_decline", transfer_id=transfer.pk), {"note": ""})
    assert Transfer.objects.get().status == TransferStatus.CANCELLED


def test_a_transfer_to_a_dissolved_union_is_refused(client, world):
    closed = make_org("已撤销的工会", world.county_a, Kind.SINGLE, "620102")
    dissolve_org(closed, actor=world.county_admin)
    before = counts()
    response = login(client, world.county_admin).post(
        url("transfer", membership_id=world.member_a1.pk),
        {"to_org": closed.pk, "reason": "labor_relation", "complete_now": "on"},
    )
    assert field_errors(response, "to_org") == ["“已撤销的工会”已撤销，不能接收会员。"]
    assert "已撤销，不能接收会员" in shown(response)
    assert counts() == before


def test_a_transfer_to_a_union_of_another_province_is_refused(client, world):
    elsewhere = make_org("四川省总工会", None, Kind.PROVINCE, "510000")
    before = counts()
    response = login(client, world.county_admin).post(
        url("transfer", membership_id=world.member_a1.pk),
        {"to_org": elsewhere.pk, "reason": "labor_relation"},
    )
    assert field_errors(response, "to_org") == ["转入工会不存在，请重新选择。"]
    assert counts() == before


def test_completing_at_once_into_a_union_outside_scope_is_refused(client, world):
    before = counts()
    response = login(client, world.county_admin).post(
        url("transfer", membership_id=world.member_a1.pk),
        {"to_org": world.union_b1.pk, "reason": "labor_relation", "complete_now": "on"},
    )
    assert field_errors(response, "to_org") == ["工会不存在或不在您的管理范围内。"]
    assert counts() == before


def test_a_second_transfer_while_one_is_pending_is_refused(client, world):
    services.send_transfer(world.member_a1, world.union_a2, actor=world.county_admin)
    login(client, world.county_admin)
    form = shown(client.get(url("transfer", membership_id=world.member_a1.pk)))
    assert "该会员已有一笔待接收的转会" in form
    before = counts()
    response = client.post(
        url("transfer", membership_id=world.member_a1.pk),
        {"to_org": world.county_a.pk, "reason": "labor_relation"},
    )
    assert "该会员已有一笔待接收的转会。" in response.context["form"].non_field_errors()
    assert counts() == before


def test_a_transfer_needs_a_target(client, world):
    before = counts()
    response = login(client, world.county_admin).post(
        url("transfer", membership_id=world.member_a1.pk), {"reason": "labor_relation"}
    )
    assert field_errors(response, "to_org") == ["请选择转入工会。"]
    assert counts() == before


# ---- retain, restore, leave, expel ----------------------------------------------------------


def test_retain_then_restore(client, world):
    login(client, world.county_admin)
    m = world.member_a1
    response = client.post(
        url("retain", membership_id=m.pk), {"reason": "retired", "on": ""}, follow=True
    )
    assert "已为张三保留会籍" in shown(response)
    m.refresh_from_db()
    assert m.status == MembershipStatus.RETAINED
    assert m.events.latest("id").reason == ChangeReason.RETIRED
    response = client.post(url("restore", membership_id=m.pk), {"on": ""}, follow=True)
    assert "已恢复张三的会籍" in shown(response)
    assert Membership.objects.get(pk=m.pk).status == MembershipStatus.ACTIVE


def test_retaining_needs_one_of_the_retention_reasons(client, world):
    login(client, world.county_admin)
    before = counts()
    response = client.post(url("retain", membership_id=world.member_a1.pk), {"reason": ""})
    assert field_errors(response, "reason") == ["请选择保留会籍的原因。"]
    response = client.post(url("retain", membership_id=world.member_a1.pk), {"reason": "crime"})
    assert "选择一个有效的选项" in field_errors(response, "reason")[0]
    assert counts() == before


def test_an_action_the_state_does_not_allow_is_explained(client, world):
    login(client, world.county_admin)
    html = shown(client.get(url("restore", membership_id=world.member_a1.pk)))
    assert "该会籍当前为“在籍”，不能办理恢复会籍" in html
    before = counts()
    response = client.post(url("restore", membership_id=world.member_a1.pk), {"on": ""})
    assert "该会员的会籍已发生变化" in response.context["form"].non_field_errors()[0]
    assert counts() == before


def test_leaving_ends_the_membership(client, world):
    login(client, world.county_admin)
    response = client.post(
        url("leave", membership_id=world.member_a1.pk),
        {"on": "", "note": "本人书面申请"},
        follow=True,
    )
    assert "张三已退会" in shown(response)
    m = Membership.objects.get(pk=world.member_a1.pk)
    assert m.status == MembershipStatus.ENDED and m.end_type == EndType.LEFT
    assert Organization.objects.get(pk=world.union_a1.pk).member_count == 0


def test_leaving_before_joining_is_refused_on_the_date_field(client, world):
    login(client, world.county_admin)
    before = counts()
    day_before = (world.member_a1.joined_on - dt.timedelta(days=1)).isoformat()
    response = client.post(url("leave", membership_id=world.member_a1.pk), {"on": day_before})
    assert field_errors(response, "on") == ["日期不能早于入会日期。"]
    assert counts() == before


def test_expelling_needs_the_decision(client, world):
    login(client, world.county_admin)
    before = counts()
    response = client.post(url("expel", membership_id=world.member_a1.pk), {"note": ""})
    assert field_errors(response, "note") == ["请填写开除会籍的决定（如判决书、委员会决议）。"]
    assert counts() == before
    response = client.post(
        url("expel", membership_id=world.member_a1.pk),
        {"note": "（2026）甘0102刑初12号判决"},
        follow=True,
    )
    assert "已开除张三的会籍" in shown(response)
    m = Membership.objects.get(pk=world.member_a1.pk)
    assert m.end_type == EndType.EXPELLED
    assert m.events.latest("id").reason == ChangeReason.CRIME


# ---- editing a person -----------------------------------------------------------------------


def test_editing_a_person_keeps_the_phone_unless_a_new_one_is_typed(client, world):
    person = world.member_a1.person
    login(client, world.county_admin)
    form = shown(client.get(url("edit", person_id=person.pk)))
    assert person.phone not in form and person.phone_masked in form
    response = client.post(
        url("edit", person_id=person.pk),
        {"name": "张叁", "phone": "", "employment_status": "10", "ethnicity": "01"},
        follow=True,
    )
    assert "已保存张叁的信息" in shown(response)
    person.refresh_from_db()
    assert person.name == "张叁" and person.name_initials == "zs"
    assert person.phone == "13800138000" and person.ethnicity == "01"
    client.post(
        url("edit", person_id=person.pk),
        {"name": "张叁", "phone": "13900001111", "employment_status": "10"},
    )
    person.refresh_from_db()
    assert person.phone == "13900001111" and person.phone_masked == "139****1111"


def test_editing_with_a_bad_phone_saves_nothing(client, world):
    person = world.member_a1.person
    before = counts()
    response = login(client, world.county_admin).post(
        url("edit", person_id=person.pk),
        {"name": "张叁", "phone": "0931", "employment_status": "10"},
    )
    assert field_errors(response, "phone") == [
        "手机号码格式不正确，应为11位手机号或带区号的固定电话。"
    ]
    assert Person.objects.get(pk=person.pk).name == "张三"
    assert counts() == before


# ---- scope: forged posts, viewers, methods --------------------------------------------------


def forged_posts(world):
    """A county A admin naming county B's records in every form."""
    b = world.member_b1
    return [
        (url("leave", membership_id=b.pk), {"on": ""}),
        (url("expel", membership_id=b.pk), {"note": "x"}),
        (url("retain", membership_id=b.pk), {"reason": "retired"}),
        (url("restore", membership_id=b.pk), {}),
        (url("approve", membership_id=b.pk), {}),
        (url("reject", membership_id=b.pk), {}),
        (url("transfer", membership_id=b.pk), {"to_org": world.union_a1.pk, "complete_now": "on"}),
        (url("edit", person_id=b.person_id), {"name": "篡改", "employment_status": "10"}),
        (url("apply", org_id=world.union_b1.pk), person_post()),
        (url("register", org_id=world.union_b1.pk), person_post(joined_on="2020-01-01")),
        (url("apply", org_id=world.union_a1.pk) + f"?person={b.person_id}", {"channel": "oral"}),
    ]


def test_a_post_forged_with_another_countys_ids_is_404_and_saves_nothing(client, world):
    login(client, world.county_admin)
    before = counts()
    for path, data in forged_posts(world):
        assert client.post(path, data).status_code == 404, path
        assert client.get(path).status_code in (404, 405), path
    assert counts() == before


def test_a_forged_transfer_decision_of_another_county_is_404(client, world):
    transfer = services.send_transfer(world.member_b1, world.county_b, actor=world.sibling_admin)
    login(client, world.county_admin)
    before = counts()
    assert client.post(url("transfer_accept", transfer_id=transfer.pk)).status_code == 404
    assert client.post(url("transfer_decline", transfer_id=transfer.pk)).status_code == 404
    assert counts() == before


def test_a_viewer_cannot_change_anything(client, world):
    login(client, world.viewer)
    m = world.member_a1
    before = counts()
    for path, data in [
        (url("leave", membership_id=m.pk), {"on": ""}),
        (url("transfer", membership_id=m.pk), {"to_org": world.union_a2.pk}),
        (url("edit", person_id=m.person_id), {"name": "篡改", "employment_status": "10"}),
        (url("apply", org_id=world.union_a1.pk), person_post()),
    ]:
        assert client.post(path, data).status_code == 404, path
    assert counts() == before


def test_post_only_routes_answer_get_with_405(client, world):
    login(client, world.county_admin)
    transfer = services.send_transfer(world.member_a1, world.union_a2, actor=world.county_admin)
    assert client.get(url("transfer_accept", transfer_id=transfer.pk)).status_code == 405
    assert client.get(url("reveal", person_id=world.member_a1.person_id)).status_code == 405


def test_the_pending_transfers_export_with_their_direction_masked_and_audited(client, world):
    # Out of county A to county B (sent by the city), and within county A.
    services.send_transfer(world.member_a1, world.union_b1, actor=world.city_admin)
    services.send_transfer(world.member_a2, world.union_a1, actor=world.county_admin)
    services.send_transfer(world.member_b1, world.union_a1, actor=world.city_admin)
    login(client, world.county_admin)
    assert 'href="?export=xlsx"' in shown(client.get(url("transfers")))
    banner, header, *rows = downloaded_csv(client.get(url("transfers"), {"export": "csv"}))
    assert "已脱敏" in banner[0] and header[:5] == [
        "方向",
        "姓名",
        "身份证号码",
        "转出工会",
        "转入工会",
    ]
    by_name = {r[1]: r for r in rows}
    assert by_name["张三"][0] == "已发出" and by_name["王五"][0] == "待接收"
    assert by_name["李四"][0] == "范围内转会"
    assert by_name["张三"][2] == world.member_a1.person.id_masked
    assert world.member_a1.person.id_number not in str(rows)
    entry = AuditEntry.objects.get(action="export", object_type="members.transfer")
    assert entry.changes == {"kind": "pending_transfers", "format": "csv", "with_pii": False}
    # The sibling county sees only the transfer that touches it.
    login(client, world.sibling_admin)
    rows = downloaded_csv(client.get(url("transfers"), {"export": "csv"}))[2:]
    assert sorted((r[1], r[0]) for r in rows) == [("张三", "待接收"), ("王五", "已发出")]


def test_the_transfers_page_offers_no_export_when_nothing_is_pending(client, world):
    html = shown(login(client, world.county_admin).get(url("transfers")))
    assert "没有待接收的转会" in html and "export=xlsx" not in html
