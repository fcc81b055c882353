"""A request spawns a hardship file (转为困难帮扶): the assistance module's own 建档 form opens
pre-filled from the request and its person, saving it links file and request both ways (both
timelines), within the user's scope; a request spawns one file at most."""

from __future__ import annotations

import json

from django.urls import reverse

from smartunion.assistance.models import HardshipFile
from smartunion.assistance.tests.conftest import household, standards  # noqa: F401
from smartunion.assistance.tests.test_pages import form_data
from smartunion.casework.models import CaseEvent
from smartunion.core.testing import new_id_number
from smartunion.members.models import Person
from smartunion.servicerequests.models import ServiceRequest
from smartunion.servicerequests.testing import make_request

NEW = reverse("assistance:file_new")


def from_request(request) -> str:
    return f"{NEW}?from=request-{request.pk}"


def with_person(world):
    return make_request(
        world.county_a,
        world.county_admin,
        category="02",
        person_id=world.member_a1.person_id,
        summary="爱人重病住院，家里欠债，孩子上大学学费交不上。",
    )


def spawned_post(world, request, **head):
    """The 建档 form as the pre-filled page posts it, the household completed by hand."""
    post = form_data(world)
    post["from"] = f"request-{request.pk}"
    post.update({f"head-{k}": v for k, v in head.items()})
    return post


def test_the_hardship_form_opens_pre_filled_from_the_request_and_its_person(standards, client):  # noqa: F811
    world = standards
    request = with_person(world)
    person = world.member_a1.person
    client.force_login(world.county_admin)
    page = client.get(from_request(request)).content.decode()
    assert f"由诉求工单 {request.number} 转来" in page
    assert f'value="{person.name}"' in page and f'value="{person.id_masked}"' in page
    assert 'value="139****1111"' in page and "兰州第一机械厂" in page
    assert "爱人重病住院" in page  # the request's description as the reason
    assert world.union_a1.name in page  # the person's union is the filing union
    assert person.id_number not in page and "13900001111" not in page
    assert f'name="from" value="request-{request.pk}"' in page


def test_saving_the_pre_filled_form_links_the_file_and_the_request_both_ways(standards, client):  # noqa: F811
    world = standards
    request = with_person(world)
    person = world.member_a1.person
    client.force_login(world.county_admin)
    post = spawned_post(world, request, name=person.name, id_number=person.id_masked)
    answer = client.post(NEW, post)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    file = HardshipFile.objects.get()
    request.refresh_from_db()
    assert file.head == person  # the masked number stood for the registered one
    assert request.hardship_file == file and file.service_request == request
    assert request.state == "handling" and request.handling_org == world.county_a
    assert request.result == f"已转困难职工档案 {file.number}"
    spawned = CaseEvent.objects.get(object_id=request.pk, action="spawn_hardship")
    assert spawned.details == {"hardship_file": file.pk}
    origin = CaseEvent.objects.get(object_id=file.pk, action="from_source")
    assert origin.note == request.number
    shown = client.get(answer["Location"]).content.decode()
    assert f'来自诉求工单 <a href="/requests/{request.pk}/">{request.number}</a>' in shown
    ticket = client.get(f"/requests/{request.pk}/").content.decode()
    assert "困难职工档案（id）" not in ticket  # the timeline names the file, not its id
    assert f"已转困难职工档案 {file.number}" in ticket
    assert f'已转困难职工档案 <a href="/assistance/files/{file.pk}/">{file.number}</a>' in ticket


def test_a_caller_not_in_the_registry_is_registered_with_the_request_s_phone(standards, client):  # noqa: F811
    world = standards
    request = make_request(world.county_a, world.county_admin, category="02", caller_name="马大姐")
    client.force_login(world.county_admin)
    page = client.get(from_request(request)).content.decode()
    assert 'value="马大姐"' in page
    number = new_id_number()
    post = spawned_post(world, request, name="马大姐", id_number=number, phone="139****1111")
    assert client.post(NEW, post).status_code == 302
    head = HardshipFile.objects.get().head
    assert head.name == "马大姐" and head.phone == "13900001111"


def test_a_request_spawns_one_hardship_file_only(standards, client):  # noqa: F811
    world = standards
    request = with_person(world)
    person = world.member_a1.person
    client.force_login(world.county_admin)
    post = spawned_post(world, request, name=person.name, id_number=person.id_masked)
    assert client.post(NEW, post).status_code == 302
    first = HardshipFile.objects.get()
    message = f"该工单已转为困难职工档案 {first.number}，不能重复转办。"
    again = client.get(from_request(request), follow=True).content.decode()
    assert message in again and "建档" not in again.split("<h1>")[1][:20]
    other = spawned_post(world, request, name="钱七", id_number=new_id_number())
    refused = client.post(NEW, other)
    assert refused.status_code == 200 and message in refused.content.decode()
    assert HardshipFile.objects.count() == 1
    assert not Person.objects.filter(name="钱七").exists()  # nothing half-saved


def test_outside_the_scope_the_request_does_not_exist_and_nothing_is_saved(standards, client):  # noqa: F811
    world = standards
    request = with_person(world)
    client.force_login(world.sibling_admin)
    assert client.get(from_request(request)).status_code == 404
    post = spawned_post(world, request, name="钱七", id_number=new_id_number())
    post["org"] = str(world.union_b1.pk)
    assert client.post(NEW, post).status_code == 404
    client.force_login(world.county_admin)
    for forged in ("request-999999", "request-x", "legal-1", "request"):
        assert client.get(f"{NEW}?from={forged}").status_code == 404, forged
    assert not HardshipFile.objects.exists()


def test_a_file_in_a_union_outside_the_subtree_is_refused_in_chinese(standards, client):  # noqa: F811
    world = standards
    request = make_request(world.union_a1, world.county_admin, category="02")
    client.force_login(world.grassroots_admin)
    post = spawned_post(world, request, name="钱七", id_number=new_id_number())
    post["org"] = str(world.county_a.pk)  # above the grassroots admin's union
    text = client.post(NEW, post).content.decode()
    assert "请选择建档工会（困难职工会籍所在的工会）。" in text
    assert not HardshipFile.objects.exists()
    assert ServiceRequest.objects.get().hardship_file is None


def test_the_request_page_offers_the_hardship_form(standards, client):  # noqa: F811
    world = standards
    request = with_person(world)
    client.force_login(world.county_admin)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert f'href="{from_request(request)}">转为困难帮扶</a>' in page
    client.force_login(world.viewer)
    assert "转为困难帮扶" not in client.get(f"/requests/{request.pk}/").content.decode()


def test_the_api_links_a_file_once_and_only_one_in_scope(standards, client):  # noqa: F811
    from smartunion.assistance.testing import make_file

    world = standards
    request = with_person(world)
    url = f"/api/v1/requests/{request.pk}/spawn_hardship"
    theirs = make_file(world.union_b1, world.member_b1.person)
    client.force_login(world.county_admin)

    def post(body):
        return client.post(url, json.dumps(body), content_type="application/json")

    assert post({"hardship_file": theirs.pk}).status_code == 404
    ours = make_file(world.union_a1, world.member_a1.person)
    answer = post({"hardship_file": ours.pk})
    assert answer.status_code == 200 and answer.json()["hardship_file"] == ours.pk
    second = make_file(world.union_a2, world.add_member(world.union_a2, "赵六").person)
    refused = post({"hardship_file": second.pk})
    assert refused.status_code == 422
    assert "该工单已转为困难职工档案" in json.dumps(refused.json(), ensure_ascii=False)
    request.refresh_from_db()
    assert request.hardship_file == ours


def test_a_request_that_may_not_spawn_now_says_why_before_anything_is_typed(standards, client):  # noqa: F811
    from smartunion.casework import services as casework

    world = standards
    request = make_request(world.county_a, world.county_admin, category="02")
    request = casework.transition(request, "accept", actor=world.county_admin)
    casework.transition(request, "report", actor=world.county_admin, note="已答复")
    client.force_login(world.county_admin)
    answer = client.get(from_request(request), follow=True)
    assert answer.redirect_chain[-1][0] == f"/requests/{request.pk}/"
    assert "当前状态为“待回访”，不能“转为困难帮扶”。" in answer.content.decode()
    assert not HardshipFile.objects.exists()
