"""诉求工单 through the API and the pages: intake, routing with its history, ``due``, forged
ids, a category outside the code list, counselling answering 404 to other staff."""

from __future__ import annotations

import json

from smartunion.servicerequests.models import ServiceRequest
from smartunion.servicerequests.testing import make_request


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_request_through_the_api(world, client):
    client.force_login(world.city_admin)
    body = {
        "org": world.city.pk,
        "channel": "phone",
        "category": "01",
        "urgency": "difficult",
        "caller_name": "刘师傅",
        "caller_phone": "13900001111",
        "summary": "单位拖欠工资三个月。",
    }
    created = post(client, "/api/v1/requests", body)
    assert created.status_code == 201, created.json()
    url = f"/api/v1/requests/{created.json()['id']}"
    down = post(client, f"{url}/send_down", {"to_org": world.county_a.pk, "note": "请城关区办理"})
    assert down.status_code == 200, down.json()
    client.force_login(world.county_admin)
    accepted = post(client, f"{url}/accept", {})
    assert accepted.json()["state"] == "handling" and accepted.json()["due"]
    reported = post(client, f"{url}/report", {"note": "已协调补发"})
    assert reported.json()["state"] == "reported"
    client.force_login(world.city_admin)
    closed = post(client, f"{url}/callback", {"satisfied": "yes"})
    detail = client.get(url).json()
    assert closed.json()["state"] == "closed"
    assert [(r["kind"], r["to_org"]) for r in detail["routing"]] == [
        ("down", world.county_a.pk),
        ("report", world.city.pk),
    ]
    assert detail["caller_phone_masked"] == "139****1111" and "13900001111" not in str(detail)


def test_bad_input_and_forged_ids(world, client):
    client.force_login(world.county_admin)
    body = {"org": world.county_a.pk, "channel": "phone", "category": "99", "summary": "x"}
    response = post(client, "/api/v1/requests", {**body, "caller_name": "刘"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"] == "诉求分类“99”不在分类代码表中。"
    assert not ServiceRequest.objects.exists()
    assert client.get("/api/v1/requests/987654").status_code == 404
    mine = make_request(world.county_a, world.county_admin)
    outside = post(client, f"/api/v1/requests/{mine.pk}/send_down", {"to_org": world.union_b1.pk})
    assert outside.status_code == 422
    assert "只能下派给城关区总工会的下级工会。" in outside.json()["detail"][0]["message"]


def test_counselling_answers_404_to_the_province_admin(world, client):
    secret = make_request(
        world.county_a, world.county_admin, category="08", counsellor_id=world.county_admin.pk
    )
    client.force_login(world.province_admin)
    assert client.get(f"/api/v1/requests/{secret.pk}").status_code == 404
    assert client.get(f"/requests/{secret.pk}/").status_code == 404
    assert client.get("/api/v1/requests").json()["items"] == []
    page = client.get("/requests/figures/").content.decode()
    assert "心理疏导" in page
    client.force_login(world.county_admin)
    assert client.get(f"/api/v1/requests/{secret.pk}").status_code == 200


def test_intake_and_the_inbox_pages(world, client, django_assert_max_num_queries):
    client.force_login(world.county_admin)
    assert client.get("/requests/new/").status_code == 200
    response = client.post(
        "/requests/new/",
        {
            "org": world.county_a.pk,
            "channel": "window",
            "category": "02",
            "urgency": "normal",
            "caller_name": "张师傅",
            "summary": "家中困难，想申请帮扶。",
        },
    )
    ticket = ServiceRequest.objects.get()
    assert response.status_code == 302 and response.url == f"/requests/{ticket.pk}/"
    page = client.get(response.url).content.decode()
    assert "流转记录" in page and "下派" in page
    make_request(world.county_a, world.county_admin)
    with django_assert_max_num_queries(10):
        assert client.get("/requests/?list=open").status_code == 200
    assert ticket.number in client.get("/requests/?waiting=1").content.decode()


def test_the_deadlines_page_sets_the_limit_of_each_urgency(world, client):
    client.force_login(world.province_admin)
    page = client.get("/casework/deadlines/").content.decode()
    assert (
        "办理中（难点问题）" in page and "servicerequests.servicerequest:handling_complex" in page
    )
    from smartunion.casework.models import Deadline
    from smartunion.casework.views import DeadlinesView

    body = {
        f"{ct.key}:{step}": str(current) for ct, step, _l, current, _d in DeadlinesView().rows()
    }
    body["servicerequests.servicerequest:handling_complex"] = "15"
    assert client.post("/casework/deadlines/", body).status_code == 302
    assert Deadline.objects.get(step="handling_complex").working_days == 15


def test_the_province_edits_the_category_code_list(world, client):
    body = {"code": "0301", "name": "拖欠工资", "parent_code": "03"}
    client.force_login(world.county_admin)
    assert post(client, "/api/v1/requests/categories", body).status_code == 403
    client.force_login(world.province_admin)
    created = post(client, "/api/v1/requests/categories", body)
    assert created.status_code == 201 and created.json()["parent"] == "03"
    wrong = post(client, "/api/v1/requests/categories", {**body, "parent_code": "77"})
    assert (
        wrong.status_code == 422
        and "大类“77”不在分类代码表中" in wrong.json()["detail"][0]["message"]
    )
    client.force_login(world.county_admin)
    answer = client.get("/api/v1/requests/categories?limit=500").json()
    codes = [c["code"] for c in answer["items"]]
    assert "0301" in codes


def test_a_county_names_its_centre_head_who_then_sees_counselling(world, client):
    client.force_login(world.county_admin)
    body = {"org": world.county_a.pk, "head_user": world.sibling_admin.pk}
    wrong = post(client, "/api/v1/requests/centres", body)
    assert wrong.status_code == 422
    assert "中心负责人须是该工会或其下级工会的工作人员账号" in wrong.json()["detail"][0]["message"]
    body["head_user"] = world.grassroots_admin.pk
    assert post(client, "/api/v1/requests/centres", body).status_code == 201
    assert client.get("/api/v1/requests/centres").json()["items"] == [
        {"org": world.county_a.pk, "head_user": world.grassroots_admin.pk}
    ]
    secret = make_request(
        world.union_a2, world.county_admin, category="08", counsellor_id=world.county_admin.pk
    )
    client.force_login(world.grassroots_admin)
    assert client.get(f"/api/v1/requests/{secret.pk}").status_code == 200


def test_the_centres_page_names_and_replaces_a_head_audited(world, client):
    from smartunion.core.models import AuditEntry
    from smartunion.servicerequests.models import ServiceCentre

    client.force_login(world.county_admin)
    page = client.get("/requests/centres/").content.decode()
    assert "还没有设立职工服务中心" in page and world.county_a.path_display in page
    answer = client.post(
        "/requests/centres/", {"org": world.county_a.pk, "head_username": "county_admin"}
    )
    assert answer.status_code == 302
    assert ServiceCentre.objects.get(org=world.county_a).head == world.county_admin
    client.post(
        "/requests/centres/",
        {"org": world.county_a.pk, "head_username": world.grassroots_admin.username},
    )
    assert ServiceCentre.objects.get(org=world.county_a).head == world.grassroots_admin
    assert AuditEntry.objects.filter(action="servicerequests.centre").count() == 2
    page = client.get("/requests/centres/").content.decode()
    assert world.grassroots_admin.username in page


def test_the_centres_page_refuses_a_head_or_union_outside_the_scope_and_saves_nothing(
    world, client
):
    from smartunion.servicerequests.models import ServiceCentre

    client.force_login(world.county_admin)
    cases = [
        (
            {"org": world.county_a.pk, "head_username": world.sibling_admin.username},
            "中心负责人须是该工会或其下级工会的工作人员账号。",
        ),
        (
            {"org": world.county_a.pk, "head_username": "nobody"},
            "中心负责人须是该工会或其下级工会的工作人员账号。",
        ),
        (
            {"org": world.county_b.pk, "head_username": "county_admin"},
            "请选择您管理范围内的县级（含）以上工会。",
        ),
        (
            {"org": world.union_a1.pk, "head_username": "county_admin"},
            "请选择您管理范围内的县级（含）以上工会。",
        ),
        ({"org": "", "head_username": ""}, "请选择服务中心所在的工会。"),
    ]
    for body, message in cases:
        answer = client.post("/requests/centres/", body)
        assert answer.status_code == 200 and message in answer.content.decode(), body
    assert not ServiceCentre.objects.exists()
    client.force_login(world.viewer)
    assert (
        client.post(
            "/requests/centres/", {"org": world.county_a.pk, "head_username": "county_admin"}
        ).status_code
        == 403
    )
    assert not ServiceCentre.objects.exists()
