"""Hardship files: opening one, what is refused (with the Chinese message, nothing saved), one
household one file, every transition by the right and the wrong role, 公示 with objections,
payments under the yearly caps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from smartunion.assistance import services
from smartunion.assistance.models import HardshipFile, HouseholdMember
from smartunion.assistance.tests.conftest import household, luhn_card
from smartunion.casework import notices
from smartunion.casework import services as casework
from smartunion.casework.models import CaseEvent, LedgerLine, Notice, Objection
from smartunion.core.models import AuditEntry
from smartunion.members.models import Person
from smartunion.stats import indicators, kept

TODAY = dt.date.today()


def new_file(world, data=None, org=None, actor=None) -> HardshipFile:
    return services.create_file(
        data or household(), org or world.union_a1, actor=actor or world.grassroots_admin
    )


def move(file, name, actor, **kw):
    return casework.transition(file, name, actor=actor, **kw)


def through_review(world, file) -> HardshipFile:
    file = move(file, "submit", world.grassroots_admin)
    file = move(file, "check", world.grassroots_admin)
    file = move(
        file,
        "visit",
        world.grassroots_admin,
        note="入户核实：三口之家，户主失业，家属患病。",
        data={"visited_on": TODAY.isoformat(), "authorization_signed": True},
    )
    file = move(file, "review", world.county_admin)
    return move(file, "verify", world.county_admin)


def publicize(world, files) -> Notice:
    notice = notices.create_notice(
        "assistance.hardshipfile",
        org=world.county_a,
        subjects=files,
        title="城关区困难职工建档公示",
        actor=world.county_admin,
    )
    return notices.publish_notice(notice, actor=world.county_admin)


def in_file(world, data=None) -> HardshipFile:
    file = through_review(world, new_file(world, data))
    notice = publicize(world, [file])
    notices.close_notice(notice, actor=world.county_admin, on=notice.ends_on + dt.timedelta(days=1))
    file.refresh_from_db()
    return move(file, "approve", world.county_admin)


# ---- opening a file -----------------------------------------------------------------------------


def test_a_file_is_opened_with_its_household_and_computed_category(standards):
    world = standards
    file = new_file(world)
    assert file.number.startswith(f"KN{TODAY.year}")
    assert file.state == "draft" and file.org == world.union_a1
    assert file.household_size == 3
    assert file.annual_income == Decimal("7200.00")
    assert file.per_capita_monthly == Decimal("200.00")
    assert file.category == "deep" and file.dibao_monthly == Decimal("800.00")
    head = file.members.get(relation="self")
    assert head.name == "张建国" and file.head.name == "张建国"
    # The head was not in the registry: registered as a member of the file's union.
    assert Person.objects.get(pk=file.head_id).org == world.union_a1
    assert file.bank_card_masked.endswith(file.bank_card[-4:]) and "****" in file.bank_card_masked
    assert CaseEvent.objects.filter(object_id=file.pk, action="open").exists()


def test_the_head_may_be_a_member_already(standards):
    world = standards
    member = world.member_a1.person
    data = household(head_name=member.name, head_id=member.id_number)
    file = new_file(world, data)
    assert file.head == member


def test_a_head_outside_the_actor_s_scope_is_refused_without_saying_more(standards):
    world = standards
    other = world.member_b1.person  # 七里河区
    with pytest.raises(ValidationError) as exc:
        new_file(world, household(head_name=other.name, head_id=other.id_number))
    assert "请由其会籍所在的工会" in str(exc.value)
    assert not HardshipFile.objects.exists()


BAD_INPUT = [
    (
        "a household of nobody",
        lambda d: setattr(d.head, "name", ""),
        "members.0.name",
        "请填写姓名",
    ),
    (
        "negative money",
        lambda d: d.values.update(annual_rigid_expenses="-5"),
        "annual_rigid_expenses",
        "不能为负数",
    ),
    (
        "money that is not a number",
        lambda d: d.values.update(other_annual_income="三千"),
        "other_annual_income",
        "应为数字",
    ),
    (
        "income over 10⁹",
        lambda d: d.values.update(other_annual_income="1000000000.01"),
        "other_annual_income",
        "不能超过10亿元",
    ),
    (
        "a main cause missing",
        lambda d: d.values.update(main_cause=""),
        "main_cause",
        "请选择主要致困原因",
    ),
    (
        "two main causes",
        lambda d: d.values.update(main_cause=["1", "6"]),
        "main_cause",
        "只能选一项",
    ),
    (
        "four secondary causes",
        lambda d: d.values.update(secondary_causes=["1", "2", "3", "4"]),
        "secondary_causes",
        "最多选3项",
    ),
    (
        "a family member's ID failing its check",
        lambda d: setattr(
            d.family[0],
            "id_number",
            d.family[0].id_number[:17] + ("0" if d.family[0].id_number[17] != "0" else "1"),
        ),
        "members.1.id_number",
        "校验位不正确",
    ),
    (
        "the head as his own family member",
        lambda d: setattr(d.family[1], "id_number", d.head.id_number),
        "members.2.id_number",
        "户主不能同时作为自己的家庭成员",
    ),
    (
        "a bank card failing Luhn",
        lambda d: setattr(d, "bank_card", "6222020200112233445"),
        "bank_card",
        "校验位不正确",
    ),
    ("an unknown county", lambda d: setattr(d, "region", "999999"), "region", "户口所在地"),
    ("a household of 31", lambda d: d.family.extend(d.family[:1] * 29), "members", "不能超过30人"),
]


@pytest.mark.parametrize(
    ("case", "spoil", "field", "message"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT]
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(
    standards, case, spoil, field, message
):
    world = standards
    data = household()
    spoil(data)
    persons = Person.objects.count()
    audit = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        new_file(world, data)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert message in " ".join(exc.value.message_dict[field])
    assert not HardshipFile.objects.exists()
    assert not HouseholdMember.objects.exists()
    assert Person.objects.count() == persons
    assert AuditEntry.objects.count() == audit
    # Messages never repeat an ID number or a card number.
    text = str(exc.value.message_dict)
    assert data.head.id_number not in text and "6222020200112233445" not in text


def test_one_household_one_file_names_the_union_holding_it(standards):
    world = standards
    first = new_file(world)
    again = household(head_name="李四平")
    again.family[0].id_number = first.members.exclude(relation="self").first().id_number
    again.family[0].name = "家属1"
    with pytest.raises(ValidationError) as exc:
        new_file(world, again, org=world.union_a2, actor=world.county_admin)
    message = exc.value.message_dict["members"][0]
    assert "兰州第一机械厂工会" in message and first.number in message
    assert HardshipFile.objects.count() == 1


def test_one_household_one_file_across_counties_says_only_that_one_exists(standards):
    world = standards
    first = new_file(world)
    shared = first.members.exclude(relation="self").first()
    data = household(head_name="王五")
    data.head.id_number = world.member_b1.person.id_number
    data.head.name = world.member_b1.person.name
    data.family[0].id_number = shared.id_number
    data.family[0].name = shared.name
    with pytest.raises(ValidationError) as exc:
        services.create_file(data, world.union_b1, actor=world.sibling_admin)
    message = exc.value.message_dict["members"][0]
    assert "其他工会" in message and "兰州第一机械厂" not in message and first.number not in message


# ---- the workflow -------------------------------------------------------------------------------


def test_a_household_goes_from_application_through_publicity_to_the_file(standards):
    world = standards
    file = through_review(world, new_file(world))
    assert file.state == "ready" and file.responsible_org == world.county_a
    notice = publicize(world, [file])
    file.refresh_from_db()
    assert file.state == "publicity"
    assert notice.ends_on == casework.calendar.add_working_days(notice.published_on, 5).due
    item = notice.items.get()
    assert item.name_masked == "张*国" and item.category == "深度困难"
    with pytest.raises(ValidationError, match="期满后才能结束"):
        notices.close_notice(notice, actor=world.county_admin, on=notice.ends_on)
    notices.close_notice(notice, actor=world.county_admin, on=notice.ends_on + dt.timedelta(days=1))
    file.refresh_from_db()
    assert file.state == "approval"
    file = move(file, "approve", world.county_admin)
    assert file.state == "in_file" and file.filed_on == TODAY and file.due_on is None
    actions = list(
        CaseEvent.objects.filter(object_id=file.pk).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "open",
        "submit",
        "check",
        "visit",
        "review",
        "verify",
        "publish",
        "close_publicity",
        "approve",
    ]
    visit = CaseEvent.objects.get(object_id=file.pk, action="visit")
    assert visit.actor_name == "grassroots_admin" and visit.actor_org_name == "兰州第一机械厂工会"
    assert visit.details == {"visited_on": TODAY.isoformat(), "authorization_signed": True}


def test_each_waiting_step_has_its_deadline_and_responsible_union(standards):
    world = standards
    file = move(new_file(world), "submit", world.grassroots_admin)
    assert file.responsible_org == world.union_a1
    assert file.due_on == casework.calendar.add_working_days(TODAY, 5).due
    file = move(file, "check", world.grassroots_admin)
    file = move(
        file,
        "visit",
        world.grassroots_admin,
        note="已入户",
        data={"visited_on": TODAY.isoformat(), "authorization_signed": "on"},
    )
    assert file.state == "review" and file.responsible_org == world.county_a  # the parent union


@pytest.mark.parametrize(
    ("step", "wrong", "right"),
    [
        ("review", "grassroots_admin", "county_admin"),
        ("verify", "grassroots_admin", "county_admin"),
    ],
)
def test_reviews_above_refuse_the_filing_union_itself(standards, step, wrong, right):
    world = standards
    file = new_file(world)
    file = move(file, "submit", world.grassroots_admin)
    file = move(file, "check", world.grassroots_admin)
    file = move(
        file,
        "visit",
        world.grassroots_admin,
        note="已入户",
        data={"visited_on": TODAY.isoformat(), "authorization_signed": True},
    )
    if step == "verify":
        file = move(file, "review", world.county_admin)
    with pytest.raises(PermissionDenied) as exc:
        move(file, step, getattr(world, wrong))
    assert "须由" in str(exc.value)
    file.refresh_from_db()
    before = file.state
    assert move(file, step, getattr(world, right)).state != before


def test_a_transition_from_the_wrong_state_is_refused_in_chinese(standards):
    world = standards
    file = new_file(world)
    with pytest.raises(ValidationError) as exc:
        move(file, "approve", world.county_admin)
    assert exc.value.messages == ["当前状态为“草稿（未提交）”，不能“审批建档”。"]
    file.refresh_from_db()
    assert file.state == "draft"


def test_a_read_only_viewer_and_the_sibling_county_cannot_move_a_file(standards):
    world = standards
    file = new_file(world)
    from django.http import Http404

    for actor in (world.viewer, world.sibling_admin):
        with pytest.raises(Http404):
            move(file, "submit", actor)
    file.refresh_from_db()
    assert file.state == "draft"


def test_returns_need_a_reason_and_come_back_to_the_filing_union(standards):
    world = standards
    file = move(new_file(world), "submit", world.grassroots_admin)
    with pytest.raises(ValidationError) as exc:
        move(file, "return_check", world.grassroots_admin)
    assert exc.value.message_dict["note"] == ["请填写退回理由（需要补正的内容）。"]
    file = move(file, "return_check", world.grassroots_admin, note="缺少收入证明")
    assert file.state == "returned" and file.responsible_org == world.union_a1
    assert move(file, "submit", world.grassroots_admin).state == "submitted"


def test_the_home_visit_needs_the_signed_authorization(standards):
    world = standards
    file = move(
        move(new_file(world), "submit", world.grassroots_admin), "check", world.grassroots_admin
    )
    with pytest.raises(ValidationError) as exc:
        move(
            file,
            "visit",
            world.grassroots_admin,
            note="已入户",
            data={"visited_on": TODAY.isoformat()},
        )
    assert "授权书" in exc.value.message_dict["authorization_signed"][0]
    tomorrow = TODAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        move(
            file,
            "visit",
            world.grassroots_admin,
            note="已入户",
            data={"visited_on": tomorrow.isoformat(), "authorization_signed": True},
        )
    assert exc.value.message_dict["visited_on"] == ["日期不能晚于今天。"]


def test_an_exclusion_stops_verification(standards):
    world = standards
    file = new_file(world)
    file.exclusions = {**file.exclusions, "two_homes": True}
    file.save()
    file = move(file, "submit", world.grassroots_admin)
    file = move(file, "check", world.grassroots_admin)
    file = move(
        file,
        "visit",
        world.grassroots_admin,
        note="已入户",
        data={"visited_on": TODAY.isoformat(), "authorization_signed": True},
    )
    file = move(file, "review", world.county_admin)
    with pytest.raises(ValidationError, match="两套及以上住房"):
        move(file, "verify", world.county_admin)
    assert move(file, "refuse", world.county_admin, note="有两套住房").state == "refused"
    # The household may be filed again elsewhere once the file is closed.
    assert not file.members.filter(active=True).exists()


def test_a_household_above_twice_the_dibao_cannot_be_verified(standards):
    world = standards
    file = through_review_until_verify(world, household(head_income="5000"))
    with pytest.raises(ValidationError, match="不符合意外致困条件"):
        move(file, "verify", world.county_admin)


def through_review_until_verify(world, data):
    file = new_file(world, data)
    file = move(file, "submit", world.grassroots_admin)
    file = move(file, "check", world.grassroots_admin)
    file = move(
        file,
        "visit",
        world.grassroots_admin,
        note="已入户",
        data={"visited_on": TODAY.isoformat(), "authorization_signed": True},
    )
    return move(file, "review", world.county_admin)


def test_an_open_objection_blocks_the_notice_and_an_upheld_one_sends_the_file_back(standards):
    world = standards
    first = through_review(world, new_file(world))
    second = through_review(world, new_file(world, household(head_name="刘秀英")))
    notice = publicize(world, [first, second])
    item = notice.items.get(object_id=first.pk)
    objection = notices.record_objection(
        item,
        actor=world.county_admin,
        received_on=TODAY,
        channel="电话",
        summary="反映其家中有商铺",
    )
    after = notice.ends_on + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        notices.close_notice(notice, actor=world.county_admin, on=after)
    assert "还有 1 件异议未处理（张*国）" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        notices.resolve_objection(objection, actor=world.county_admin, upheld=True, resolution="")
    assert exc.value.message_dict["resolution"] == ["请填写处理意见（核实情况和结论）。"]
    notices.resolve_objection(
        objection, actor=world.county_admin, upheld=True, resolution="经核实确有商铺"
    )
    first.refresh_from_db()
    assert first.state == "verify"
    notices.close_notice(notice, actor=world.county_admin, on=after)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.state == "approval" and first.state == "verify"
    assert Objection.objects.get().state == "upheld"


def test_a_notice_shorter_than_one_day_is_refused(standards):
    world = standards
    file = through_review(world, new_file(world))
    with pytest.raises(ValidationError) as exc:
        notices.create_notice(
            "assistance.hardshipfile",
            org=world.county_a,
            subjects=[file],
            title="公示",
            actor=world.county_admin,
            working_days=0,
        )
    assert exc.value.message_dict["working_days"] == ["公示期应为1至60个工作日。"]
    assert not Notice.objects.exists()


def test_a_notice_never_shows_id_numbers_health_or_bank_accounts(standards, client):
    world = standards
    file = through_review(world, new_file(world))
    notice = publicize(world, [file])
    page = client.get(f"/gongshi/{notice.pk}/").content.decode()
    assert "张*国" in page and "深度困难" in page
    for member in file.members.all():
        assert member.id_number not in page and member.id_masked not in page
    assert file.bank_card not in page and file.bank_card_masked not in page
    assert "张建国" not in page


# ---- in file: re-check, exit, re-entry ---------------------------------------------------------


def test_recheck_follows_the_figures_and_exit_needs_six_months(standards):
    world = standards
    file = in_file(world)
    file = move(
        file,
        "recheck",
        world.grassroots_admin,
        note="复核无变化",
        data={"rechecked_on": TODAY.isoformat()},
    )
    assert file.last_recheck_on == TODAY
    with pytest.raises(ValidationError) as exc:
        move(
            file,
            "exit",
            world.county_admin,
            note="再就业",
            data={"above_since": (TODAY - dt.timedelta(days=60)).isoformat()},
        )
    assert "连续6个月" in exc.value.message_dict["above_since"][0]
    data = household(head_income="6000", head_name="张建国", head_id=file.head.id_number)
    data.family = _family_of(file)
    file = services.update_file(file, data, actor=world.grassroots_admin)
    assert file.category == ""
    file = _exit_after_a_year_above(file, world)
    assert file.state == "exited" and not file.members.filter(active=True).exists()
    assert move(file, "reenter", world.grassroots_admin, note="户主再次失业").state == "submitted"
    assert file.members.filter(active=True).count() == 3


def _family_of(file) -> list[services.MemberData]:
    """The file's household members other than the applicant, as an edit sends them again."""
    return [
        services.MemberData(
            name=m.name, id_number=m.id_number, relation=m.relation, identity=m.identity
        )
        for m in file.members.exclude(relation="self")
    ]


def _exit_after_a_year_above(file, world):
    """脱困: the household's income above the standard since the first of this month last year."""
    long_ago = dt.date(TODAY.year - 1, TODAY.month, 1)
    return move(
        file,
        "exit",
        world.county_admin,
        note="户主再就业，收入稳定",
        data={"above_since": long_ago.isoformat()},
    )


def _in_file_figures(world):
    """The files 在档 today at the province, in all, by category and by cause."""
    codes = ("assistance.files", "assistance.files.by_category", "assistance.files.by_cause")
    return [
        indicators.figure(indicators.get(code), world.province, TODAY, TODAY).value
        for code in codes
    ]


def test_the_files_in_file_stay_kept_through_every_service_that_changes_them(standards):
    """建档 (approve), an edit of a file 在档 that changes its category and cause, 脱困 and 返困:
    the kept stocks (stats.kept, decision 0033) equal a recount after each."""
    world = standards
    assert kept.check() == []
    file = in_file(world)
    assert kept.check() == []
    assert _in_file_figures(world)[0] == 1
    category = file.category
    data = household(head_income="6000", head_id=file.head.id_number, main_cause="3")
    data.family = _family_of(file)
    file = services.update_file(file, data, actor=world.grassroots_admin)
    assert file.main_cause == "3" and file.category != category
    assert kept.check() == []
    total, by_category, by_cause = _in_file_figures(world)
    assert total == 1 and by_cause["3"] == 1 and not by_cause.get("6")
    assert not by_category.get(category)
    file = _exit_after_a_year_above(file, world)
    assert kept.check() == []
    assert _in_file_figures(world)[0] == 0
    move(file, "reenter", world.grassroots_admin, note="户主再次失业")
    assert kept.check() == []


# ---- payments ---------------------------------------------------------------------------------


def test_payments_go_to_in_file_households_within_the_yearly_cap(standards, caps):
    world = standards
    file = in_file(world)
    line = services.record_payment(
        file, actor=world.county_admin, amount="3000.00", aid_type="living", fund_source="fiscal"
    )
    assert line.amount == Decimal("3000.00") and line.beneficiary_name == "张建国"
    assert line.beneficiary_id_masked == file.members.get(relation="self").id_masked
    services.record_payment(
        file, actor=world.county_admin, amount="2500", aid_type="living", fund_source="own"
    )
    with pytest.raises(ValidationError) as exc:
        services.record_payment(
            file, actor=world.county_admin, amount="600", aid_type="living", fund_source="own"
        )
    assert "每人每年最多6,000.00元" in exc.value.message_dict["amount"][0]
    assert "最多还能发放500.00元" in exc.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as exc:
        services.record_payment(
            file, actor=world.county_admin, amount="3000.01", aid_type="warmth", fund_source="own"
        )
    assert "每次最多3,000.00元" in exc.value.message_dict["amount"][0]
    assert LedgerLine.objects.count() == 2


def test_no_payment_before_the_file_is_in(standards):
    world = standards
    file = new_file(world)
    with pytest.raises(ValidationError, match="先建档、后帮扶"):
        services.record_payment(
            file, actor=world.county_admin, amount="100", aid_type="living", fund_source="own"
        )
    assert not LedgerLine.objects.exists()


@pytest.mark.parametrize("amount", ["-1", "0", "abc", "1.005", 1.5])
def test_a_payment_with_bad_money_is_refused(standards, amount):
    world = standards
    file = in_file(world)
    with pytest.raises(ValidationError) as exc:
        services.record_payment(
            file, actor=world.county_admin, amount=amount, aid_type="living", fund_source="own"
        )
    assert "amount" in exc.value.message_dict
    assert not LedgerLine.objects.exists()


# ---- nothing personal in plaintext ----------------------------------------------------------------


def test_nothing_personal_is_stored_in_plaintext(standards):
    world = standards
    card = luhn_card("621700123456789012")
    file = new_file(world, household(card=card))
    numbers = [m.id_number for m in file.members.all()] + [card]
    dump = []
    with connection.cursor() as cursor:
        for table in (
            "assistance_hardshipfile",
            "assistance_householdmember",
            "core_auditentry",
            "casework_caseevent",
        ):
            cursor.execute(f"SELECT * FROM {table}")
            dump.append(repr(cursor.fetchall()))
    text = "\n".join(dump)
    for number in numbers:
        assert number not in text
        assert number[-8:] + number[:6] not in text


def test_the_yearly_recheck_list_finds_files_not_rechecked(standards):
    from smartunion.assistance.home import not_rechecked

    world = standards
    file = in_file(world)
    assert not not_rechecked(HardshipFile.objects.all()).exists()
    HardshipFile.objects.filter(pk=file.pk).update(last_recheck_on=TODAY - dt.timedelta(days=400))
    assert list(not_rechecked(HardshipFile.objects.all())) == [file]
