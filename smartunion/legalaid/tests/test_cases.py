"""Legal-aid cases through casework: intake, review deadline (holidays, 补正), decision and
objection, assignment within the deciding union's scope, stages, closing, callback, archive.
Each bad input shows its Chinese message and leaves nothing saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smartunion.casework import services as casework
from smartunion.casework.models import CaseEvent, Deadline
from smartunion.core.errors import NotInScope
from smartunion.legalaid import services
from smartunion.legalaid.models import LegalAidCase, LegalAidStage
from smartunion.legalaid.testing import make_case, make_handler

TODAY = dt.date.today()


def messages(exc) -> dict:
    return exc.value.message_dict if hasattr(exc.value, "error_dict") else {"": exc.value.messages}


def move(case, name, actor, note="意见", **data):
    return casework.transition(case, name, actor=actor, note=note, data=data)


def granted(world, **changes):
    case = make_case(world.union_a1, world.grassroots_admin, **changes)
    return move(case, "grant", world.county_admin)


def assigned(world, lawyer):
    case = granted(world)
    return move(case, "assign", world.county_admin, handler=lawyer.pk)


# ---- intake -----------------------------------------------------------------------------------


def test_an_application_waits_for_the_county_union_s_review(wages):
    world = wages
    case = make_case(world.union_a1, world.grassroots_admin)
    assert case.state == "review"
    assert case.number.startswith(f"FY{TODAY.year}")
    assert case.responsible_org == world.county_a
    assert case.financial_ok is True
    assert case.min_wage_monthly == Decimal("2020.00")
    assert case.limitation_on == case.knew_on.replace(year=case.knew_on.year + 1)


def test_a_consultation_becomes_an_application_with_its_figures(wages):
    world = wages
    case = make_case(
        world.union_a1,
        world.grassroots_admin,
        consultation=True,
        amount_in_dispute=None,
        income_per_head=None,
    )
    assert case.financial_ok is None
    with pytest.raises(ValidationError) as exc:
        move(case, "apply", world.grassroots_admin, amount_in_dispute="-3")
    assert exc.value.message_dict["amount_in_dispute"] == ["争议金额不能为负数。"]
    case = move(
        case,
        "apply",
        world.grassroots_admin,
        amount_in_dispute="5000",
        income_per_head="800",
        aid_form="mediation",
    )
    assert case.state == "review" and case.financial_ok is True
    assert case.aid_form == "mediation"
    assert case.amount_in_dispute == Decimal("5000.00")


def test_a_consultation_can_end_there(wages):
    world = wages
    case = make_case(world.union_a1, world.grassroots_admin, consultation=True)
    assert case.state == "consult" and case.due_on is None
    case = move(case, "answer", world.grassroots_admin, note="已告知仲裁程序。")
    assert case.state == "consulted" and case.closed_on == TODAY


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"applicant_name": ""}, "applicant_name", "请选择实名库中的申请人"),
        ({"amount_in_dispute": "-1"}, "amount_in_dispute", "争议金额不能为负数。"),
        (
            {"income_per_head": "12.345"},
            "income_per_head",
            "家庭月人均收入最多保留两位小数（分）。",
        ),
        ({"subtype": "salary"}, "subtype", "争议类别“salary”不在代码表中。"),
        ({"matter": ""}, "matter", "请选择援助事由。"),
        ({"knew_on": TODAY + dt.timedelta(days=1)}, "knew_on", "不能晚于今天"),
    ],
)
def test_bad_intake_is_refused_and_nothing_saved(wages, changes, field, message):
    world = wages
    with pytest.raises(ValidationError) as exc:
        make_case(world.union_a1, world.grassroots_admin, **changes)
    assert message in messages(exc)[field][0]
    assert not LegalAidCase.objects.exists()
    assert not CaseEvent.objects.exists()


def test_a_union_outside_the_scope_does_not_exist(wages):
    world = wages
    with pytest.raises(NotInScope):
        make_case(world.union_b1, world.county_admin)
    assert not LegalAidCase.objects.exists()


def test_a_person_outside_the_scope_does_not_exist(wages):
    world = wages
    with pytest.raises(NotInScope):
        make_case(world.union_a1, world.county_admin, person_id=world.member_b1.person_id)


def test_a_registry_person_gives_the_name(wages):
    world = wages
    case = make_case(
        world.union_a1, world.county_admin, person_id=world.member_a1.person_id, applicant_name=""
    )
    assert case.applicant_name == world.member_a1.person.name


def test_a_limitation_date_within_30_days_marks_the_case_urgent_and_it_sorts_first(wages):
    world = wages
    calm = make_case(world.union_a1, world.grassroots_admin)
    hurried = make_case(
        world.union_a1, world.grassroots_admin, knew_on=TODAY - dt.timedelta(days=350)
    )
    assert hurried.urgent and not calm.urgent
    assert list(LegalAidCase.objects.values_list("pk", flat=True))[0] == hurried.pk


# ---- the review deadline ------------------------------------------------------------------------


def test_the_review_takes_7_working_days_across_the_national_day_holiday(wages):
    world = wages
    case = make_case(world.union_a1, world.grassroots_admin, on=dt.date(2026, 9, 29))
    # 9-30, (10-1 … 10-7 holiday), 10-8, 10-9, 10-10 (Saturday worked), 10-12, 10-13, 10-14
    assert case.due_on == dt.date(2026, 10, 14)
    assert case.due_complete


def test_the_province_configures_the_review_days(wages):
    world = wages
    Deadline.objects.create(case_kind="legalaid.legalaidcase", step="review", working_days=5)
    case = make_case(world.union_a1, world.grassroots_admin, on=dt.date(2026, 9, 29))
    assert case.due_on == dt.date(2026, 10, 12)


def test_missing_documents_stop_the_clock_and_it_resumes_with_the_days_left(wages):
    world = wages
    case = make_case(world.union_a1, world.grassroots_admin, on=dt.date(2026, 9, 29))
    case = casework.transition(
        case,
        "request_documents",
        actor=world.county_admin,
        note="缺工资条",
        on=dt.date(2026, 9, 30),
    )
    assert case.state == "correction" and case.due_on is None
    assert case.clock_stopped_on == dt.date(2026, 9, 30)
    case = casework.transition(
        case, "documents_supplied", actor=world.grassroots_admin, on=dt.date(2026, 10, 12)
    )
    # One working day used before the stop; six left from 10-12.
    assert case.state == "review"
    assert case.due_on == dt.date(2026, 10, 20)


# ---- decision and objection -------------------------------------------------------------------


def test_a_grassroots_union_cannot_decide(wages):
    world = wages
    case = make_case(world.union_a1, world.grassroots_admin)
    with pytest.raises(PermissionDenied) as exc:
        move(case, "grant", world.grassroots_admin)
    assert str(exc.value) == "“准予援助”须由县级（含）以上工会办理。"


def test_granting_an_applicant_above_the_financial_line_is_refused(wages):
    world = wages
    case = make_case(world.union_a1, world.grassroots_admin, income_per_head="2500.00")
    with pytest.raises(ValidationError) as exc:
        move(case, "grant", world.county_admin)
    assert exc.value.messages[0].startswith("不符合法律援助经济困难条件：家庭月人均收入2500.00元")
    case.refresh_from_db()
    assert case.state == "review" and case.decided_on is None


def test_a_grant_records_the_deciding_union(wages):
    world = wages
    case = granted(world)
    assert case.state == "granted" and case.deciding_org == world.county_a
    assert case.decided_on == TODAY


def test_a_refusal_needs_written_reasons(wages):
    world = wages
    case = make_case(world.union_a1, world.grassroots_admin)
    with pytest.raises(ValidationError) as exc:
        move(case, "refuse", world.county_admin, note="")
    assert exc.value.message_dict["note"] == ["请填写不予援助理由（写入决定书）。"]
    case.refresh_from_db()
    assert case.state == "review"


def test_a_decision_after_an_objection_must_answer_it(wages):
    world = wages
    case = make_case(world.union_a1, world.grassroots_admin, income_per_head="2500.00")
    case = move(case, "refuse", world.county_admin, note="收入高于最低工资标准。")
    case = move(case, "object", world.grassroots_admin, note="家中有重病人，收入已不足。")
    assert case.state == "objected" and case.objection
    for name in ("uphold_objection", "dismiss_objection"):
        with pytest.raises(ValidationError) as exc:
            move(case, name, world.county_admin, note="")
        assert exc.value.message_dict["note"] == ["请填写对异议的答复。"]
    case.refresh_from_db()
    assert case.state == "objected" and case.objection_answer == ""
    with pytest.raises(ValidationError):
        move(case, "grant", world.county_admin)
    case = move(case, "uphold_objection", world.county_admin, note="经核实，准予援助。")
    assert case.state == "granted" and case.objection_answer == "经核实，准予援助。"


# ---- assignment, stages, closing ------------------------------------------------------------------


def test_a_handler_outside_the_deciding_union_s_scope_is_refused(wages):
    world = wages
    case = granted(world)
    outsider = make_handler(world.county_b, name="七里河律师")
    above = make_handler(world.city, name="市总律师")
    for handler in (outsider, above):
        with pytest.raises(ValidationError) as exc:
            move(case, "assign", world.county_admin, handler=handler.pk)
        assert exc.value.message_dict["handler"] == [
            "承办人须是城关区总工会（作出决定的工会）范围内在册的承办人。"
        ]
    with pytest.raises(ValidationError):
        move(case, "assign", world.county_admin, handler=999999)
    case.refresh_from_db()
    assert case.state == "granted" and case.handler is None


def test_assigning_issues_a_letter(wages, lawyer):
    world = wages
    case = assigned(world, lawyer)
    assert case.state == "assigned" and case.handler == lawyer
    assert case.letter_no == f"WP{TODAY.year}{case.pk:07d}"


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (lambda c: c.opened_on - dt.timedelta(days=1), "阶段日期不能早于案件受理日期。"),
        (lambda c: TODAY + dt.timedelta(days=1), "阶段日期不能晚于今天。"),
    ],
)
def test_a_stage_date_before_opening_or_in_the_future_is_refused(wages, lawyer, day, message):
    world = wages
    case = assigned(world, lawyer)
    with pytest.raises(ValidationError) as exc:
        move(case, "record_stage", world.county_admin, stage="arbitration", happened_on=day(case))
    assert exc.value.message_dict["happened_on"] == [message]
    assert not LegalAidStage.objects.exists()


def test_a_stage_with_a_hearing_in_the_next_7_days(wages, lawyer):
    world = wages
    case = assigned(world, lawyer)
    hearing = TODAY + dt.timedelta(days=3)
    case = move(
        case,
        "record_stage",
        world.grassroots_admin,
        stage="arbitration",
        happened_on=TODAY,
        hearing_on=hearing,
        summary="已向仲裁委提交申请。",
    )
    assert case.next_hearing_on == hearing and case.urgent
    assert list(LegalAidCase.objects.hearings_within(TODAY)) == [case]
    assert case.stages.get().get_stage_display() == "仲裁"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"result": "award", "recovered": "-0.01"}, "recovered", "挽回经济损失不能为负数。"),
        ({"recovered": "100"}, "result", "请选择结案结果。"),
        ({"result": "award"}, "recovered", "请填写挽回经济损失（没有则填0）。"),
    ],
)
def test_closing_needs_a_result_and_money_recovered_not_negative(
    wages, lawyer, data, field, message
):
    world = wages
    case = assigned(world, lawyer)
    with pytest.raises(ValidationError) as exc:
        move(case, "close", world.county_admin, note="结案报告", **data)
    assert exc.value.message_dict[field] == [message]
    case.refresh_from_db()
    assert case.state == "assigned" and case.result == ""


def test_the_handler_may_not_call_back_and_archiving_needs_the_callback(wages, lawyer):
    world = wages
    case = assigned(world, lawyer)
    case = move(
        case, "close", world.county_admin, note="调解结案。", result="mediated", recovered="8000"
    )
    assert case.state == "closed" and case.recovered == Decimal("8000.00")
    with pytest.raises(ValidationError) as exc:
        move(case, "archive", world.county_admin)
    assert exc.value.messages == ["当前状态为“已结案，待回访”，不能“归档”。"]
    with pytest.raises(ValidationError) as exc:
        move(case, "callback", world.county_admin, score=5)
    assert exc.value.messages[0].startswith("回访须由承办人以外的工作人员进行")
    with pytest.raises(ValidationError) as exc:
        move(case, "callback", world.city_admin, score=6)
    assert exc.value.message_dict["score"] == ["满意度应为1至5分。"]
    case.refresh_from_db()
    assert case.state == "closed" and case.callback_score is None
    case = move(case, "callback", world.city_admin, score=4, comment="满意")
    assert case.state == "visited" and case.callback_by_name
    case = move(case, "archive", world.county_admin)
    assert case.state == "archived" and case.archive_no == f"FY{case.number}"
    assert case.closed_on == TODAY


def test_termination_and_transfer_record_their_reasons(wages):
    world = wages
    case = make_case(world.union_a1, world.grassroots_admin)
    case = move(case, "terminate", world.county_admin, note="申请人撤回", reason="withdrew")
    assert case.state == "terminated" and case.termination_reason == "withdrew"
    other = make_case(world.union_a1, world.grassroots_admin)
    with pytest.raises(ValidationError) as exc:
        move(other, "transfer", world.county_admin, to="government")
    assert exc.value.message_dict["to_name"] == ["请填写接收单位。"]
    other = move(
        other, "transfer", world.county_admin, to="government", to_name="城关区法律援助中心"
    )
    assert other.state == "transferred"


def test_the_sibling_county_cannot_touch_the_case(wages):
    world = wages
    case = make_case(world.union_a1, world.grassroots_admin)
    with pytest.raises(NotInScope):
        move(case, "grant", world.sibling_admin)


def test_adding_a_handler_outside_the_scope_or_with_a_foreign_account(world):
    with pytest.raises(NotInScope):
        services.add_handler(
            org_id=world.county_b.pk, kind="lawyer", name="张律师", actor=world.county_admin
        )
    with pytest.raises(ValidationError) as exc:
        services.add_handler(
            org_id=world.county_a.pk,
            kind="firm",
            name="",
            user_id=world.sibling_admin.pk,
            actor=world.county_admin,
        )
    assert exc.value.message_dict == {
        "name": ["请填写承办人姓名或律师事务所名称。"],
        "user": ["平台账号须属于该工会或其下级工会。"],
    }
