"""Service requests: intake, routing down and back up within the sender's subtree, the
deadline by urgency across holidays, the callback rule, reopening once, spawning a legal-aid
case, counselling hidden from everyone but its counsellor and the centre's head."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smartunion.casework import services as casework
from smartunion.casework.models import CaseEvent
from smartunion.core.errors import NotInScope
from smartunion.legalaid.models import LegalAidCase
from smartunion.legalaid.testing import min_wages
from smartunion.servicerequests.models import ServiceCentre, ServiceRequest
from smartunion.servicerequests.testing import make_request


def move(request, name, actor, note="说明", **data):
    return casework.transition(request, name, actor=actor, note=note, data=data)


def test_a_request_taken_at_the_city_goes_down_level_by_level_and_its_result_back_up(world):
    request = make_request(world.city, world.city_admin)
    assert request.state == "dispatch" and request.number.startswith("GD")
    assert request.caller_phone_masked == "139****1111"
    request = move(request, "send_down", world.city_admin, to_org=world.county_a.pk)
    assert request.org == world.county_a and request.responsible_org == world.county_a
    request = move(request, "send_down", world.county_admin, to_org=world.union_a1.pk)
    request = move(request, "accept", world.grassroots_admin)
    assert request.state == "handling" and request.handling_org == world.union_a1
    request = move(request, "report", world.grassroots_admin, note="已协调单位补发工资。")
    assert request.state == "reported" and request.org == world.city
    assert request.on_time is True
    kinds = [(h.kind, h.from_org.name, h.to_org.name) for h in request.handoffs.all()]
    assert kinds == [
        ("down", "兰州市总工会", "城关区总工会"),
        ("down", "城关区总工会", "兰州第一机械厂工会"),
        ("report", "兰州第一机械厂工会", "兰州市总工会"),
    ]
    # The union that handled it still sees it, but may no longer act on it.
    assert ServiceRequest.objects.visible_to(world.grassroots_admin).filter(pk=request.pk).exists()
    with pytest.raises(PermissionDenied):
        move(request, "callback", world.grassroots_admin, satisfied="yes")


def test_routing_outside_the_sender_s_subtree_is_refused(world):
    request = make_request(world.county_a, world.county_admin)
    for target in (world.union_b1, world.city, world.county_a):
        with pytest.raises(ValidationError) as exc:
            move(request, "send_down", world.county_admin, to_org=target.pk)
        assert exc.value.message_dict["to_org"] == ["只能下派给城关区总工会的下级工会。"]
    request.refresh_from_db()
    assert request.org == world.county_a
    assert not request.handoffs.exists()


def test_a_wrongly_routed_request_goes_back_up(world):
    request = make_request(world.city, world.city_admin)
    request = move(request, "send_down", world.city_admin, to_org=world.county_a.pk)
    with pytest.raises(ValidationError) as exc:
        move(request, "send_back", world.county_admin, note="")
    assert exc.value.message_dict["note"] == ["请填写退回理由（派错的原因）。"]
    request = move(request, "send_back", world.county_admin, note="应由七里河区办理")
    assert request.org == world.city and request.state == "dispatch"
    with pytest.raises(ValidationError) as exc:
        move(request, "send_back", world.city_admin, note="再退")
    assert exc.value.messages == ["工单在受理工会，不能再退回上级。"]


def test_the_time_limit_follows_the_urgency_across_the_national_day(world):
    request = make_request(world.county_a, world.county_admin, urgency="difficult")
    request = casework.transition(
        request, "accept", actor=world.county_admin, on=dt.date(2026, 9, 29)
    )
    # Ten working days: 9-30, 10-8, 10-9, 10-10 (Saturday worked), 10-12 … 10-16, 10-19.
    assert request.due_on == dt.date(2026, 10, 19)
    from smartunion.casework.models import Deadline

    Deadline.objects.create(
        case_kind="servicerequests.servicerequest", step="handling_normal", working_days=2
    )
    quick = make_request(world.county_a, world.county_admin)
    quick = casework.transition(quick, "accept", actor=world.county_admin, on=dt.date(2026, 9, 29))
    assert quick.due_on == dt.date(2026, 10, 8)


def test_a_category_not_in_the_code_list_is_refused_and_nothing_saved(world):
    with pytest.raises(ValidationError) as exc:
        make_request(world.county_a, world.county_admin, category="99", caller_name="")
    assert exc.value.message_dict == {
        "category": ["诉求分类“99”不在分类代码表中。"],
        "caller_name": ["请填写来电/来访人姓名。"],
    }
    assert not ServiceRequest.objects.exists() and not CaseEvent.objects.exists()


def test_the_sibling_county_cannot_take_or_see(world):
    with pytest.raises(NotInScope):
        make_request(world.county_a, world.sibling_admin)
    request = make_request(world.county_a, world.county_admin)
    assert not ServiceRequest.objects.visible_to(world.sibling_admin).filter(pk=request.pk).exists()


def reported(world):
    request = make_request(world.county_a, world.county_admin)
    request = move(request, "accept", world.county_admin)
    return move(request, "report", world.county_admin, note="已答复")


def test_the_handler_cannot_call_back(world):
    request = reported(world)
    with pytest.raises(ValidationError) as exc:
        move(request, "callback", world.county_admin, satisfied="yes")
    assert exc.value.messages[0].startswith("回访须由承办人以外的工作人员进行")
    with pytest.raises(ValidationError) as exc:
        move(request, "callback", world.city_admin)
    assert exc.value.message_dict["satisfied"] == ["请选择回访结果（满意或不满意）。"]
    request.refresh_from_db()
    assert request.state == "reported" and request.satisfied is None
    request = move(request, "callback", world.city_admin, satisfied="yes")
    assert request.state == "closed" and request.satisfied is True


def test_a_dissatisfied_callback_reopens_once(world):
    request = make_request(world.city, world.city_admin)
    request = move(request, "send_down", world.city_admin, to_org=world.county_a.pk)
    request = move(request, "accept", world.county_admin)
    request = move(request, "report", world.county_admin, note="已答复")
    request = move(request, "callback", world.province_admin, satisfied="no", comment="没解决")
    assert request.state == "handling" and request.reopened
    assert request.org == world.county_a
    request = move(request, "report", world.county_admin, note="再次协调")
    request = move(request, "callback", world.province_admin, satisfied="no")
    assert request.state == "closed" and request.satisfied is False
    request = move(request, "quality", world.province_admin, note="抽查：答复不充分")
    assert request.quality_flag


def test_a_request_spawns_a_legal_aid_case_linked_both_ways(world):
    min_wages()
    request = make_request(
        world.county_a, world.county_admin, category="04", person_id=world.member_a1.person_id
    )
    request = move(
        request,
        "spawn_legal_aid",
        world.county_admin,
        applicant_kind="migrant",
        aid_form="arbitration",
        subtype="wages",
        exemption="migrant_wages",
        amount_in_dispute="6000",
    )
    case = LegalAidCase.objects.get()
    assert request.legal_case == case and case.service_request == request
    assert case.applicant_name == world.member_a1.person.name
    assert case.person_id == world.member_a1.person_id and case.facts == request.summary
    assert case.state == "review" and request.state == "handling"
    assert CaseEvent.objects.filter(object_id=case.pk, action="from_source").exists()


def test_counselling_is_hidden_from_all_but_the_counsellor_and_the_centre_head(world):
    with pytest.raises(ValidationError) as exc:
        make_request(world.county_a, world.county_admin, category="08")
    assert "心理咨询师" in exc.value.message_dict["counsellor"][0]
    ServiceCentre.objects.create(org=world.city, head=world.city_admin)
    request = make_request(
        world.county_a, world.county_admin, category="08", counsellor_id=world.grassroots_admin.pk
    )
    assert request.confidential

    def sees(user):
        return ServiceRequest.objects.visible_to(user).filter(pk=request.pk).exists()

    assert sees(world.grassroots_admin)
    assert sees(world.city_admin)  # the head of the city's service centre
    for user in (world.county_admin, world.province_admin, world.superuser):
        assert not sees(user), user
    # Statistics count it, without names.
    from smartunion.servicerequests.figures import figures

    totals = figures(world.province_admin, dt.date.today().year)
    assert totals.figures["requests.count"].value == 1


def test_a_head_named_after_intake_sees_the_older_counselling_requests(world):
    request = make_request(
        world.union_a1, world.county_admin, category="08", counsellor_id=world.county_admin.pk
    )

    def sees(user):
        return ServiceRequest.objects.visible_to(user).filter(pk=request.pk).exists()

    assert not sees(world.city_admin)
    ServiceCentre.objects.create(org=world.city, head=world.city_admin)
    assert sees(world.city_admin)
    # A nearer centre below (the county's) takes over its own subtree.
    county_centre = ServiceCentre.objects.create(org=world.county_a, head=world.grassroots_admin)
    assert sees(world.grassroots_admin) and not sees(world.city_admin)
    county_centre.delete()
    assert sees(world.city_admin)
    for user in (world.province_admin, world.superuser, world.sibling_admin):
        assert not sees(user), user


def test_a_replaced_head_no_longer_sees_counselling(world):
    from smartunion.servicerequests.services import set_centre_head

    set_centre_head(
        org_id=world.county_a.pk, head_user_id=world.county_admin.pk, actor=world.city_admin
    )
    request = make_request(
        world.union_a1, world.city_admin, category="08", counsellor_id=world.city_admin.pk
    )

    def sees(user):
        return ServiceRequest.objects.visible_to(user).filter(pk=request.pk).exists()

    assert sees(world.county_admin) and not sees(world.grassroots_admin)
    set_centre_head(
        org_id=world.county_a.pk, head_user_id=world.grassroots_admin.pk, actor=world.city_admin
    )
    assert sees(world.grassroots_admin) and not sees(world.county_admin)
    assert sees(world.city_admin)  # the counsellor


def test_the_timeline_names_the_union_a_request_was_sent_down_to(world, client):
    request = make_request(world.city, world.city_admin)
    move(request, "send_down", world.city_admin, to_org=world.county_a.pk)
    client.force_login(world.city_admin)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert f"下派给（下级工会）：{world.county_a.path_display}" in page
    assert f"下派给（下级工会）：{world.county_a.pk}<" not in page
