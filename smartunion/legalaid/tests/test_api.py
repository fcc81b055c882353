"""The legal-aid API as a client uses it: a case from intake through review, assignment,
stages, closing and callback; the review deadline and the calendar flag; bad input (422 with
the field), a category outside the code list, forged ids (404)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from smartunion.legalaid.models import LegalAidCase
from smartunion.legalaid.testing import make_case

TODAY = dt.date.today()


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def intake(world, **overrides):
    return {
        "org": world.union_a1.pk,
        "applicant_kind": "migrant",
        "applicant_name": "马小军",
        "matter": "labour",
        "subtype": "wages",
        "aid_form": "arbitration",
        "exemption": "migrant_wages",
        "employer": "兰州某建筑公司",
        "amount_in_dispute": "12000.00",
        "knew_on": (TODAY - dt.timedelta(days=60)).isoformat(),
        **overrides,
    }


def test_a_case_through_the_api(wages, lawyer, client):
    world = wages
    client.force_login(world.county_admin)
    created = post(client, "/api/v1/legal-aid/cases", intake(world))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["state"] == "review" and body["review_due"] == body["due"]
    assert body["calendar_complete"] is True
    assert body["financial_ok"] is True
    url = f"/api/v1/legal-aid/cases/{body['id']}"
    stop = post(client, f"{url}/request_documents", {"note": "缺劳动关系证明"})
    assert stop.json()["review_due"] is None and stop.json()["clock_stopped_on"] == str(TODAY)
    post(client, f"{url}/documents_supplied", {})
    assert post(client, f"{url}/grant", {"note": "符合条件"}).json()["state"] == "granted"
    assigned = post(client, f"{url}/assign", {"handler": lawyer.pk})
    assert assigned.json()["letter_no"].startswith("WP")
    stage = post(
        client,
        f"{url}/record_stage",
        {"stage": "arbitration", "happened_on": TODAY.isoformat(), "summary": "立案"},
    )
    assert stage.json()["stages"][0]["stage"] == "arbitration"
    closed = post(
        client, f"{url}/close", {"note": "调解结案", "result": "mediated", "recovered": "12000"}
    )
    assert closed.json()["recovered"] == "12000.00"
    # The lawyer's own account is county A's admin: the callback is someone else's.
    refused = post(client, f"{url}/callback", {"score": 5})
    assert refused.status_code == 422
    assert "承办人以外" in refused.json()["detail"][0]["message"]
    client.force_login(world.city_admin)
    assert post(client, f"{url}/callback", {"score": 5}).json()["state"] == "visited"
    detail = client.get(url).json()
    assert [e["action"] for e in detail["timeline"]][:3] == [
        "open",
        "request_documents",
        "documents_supplied",
    ]
    assert detail["actions"] == ["archive"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"matter": "divorce"}, "matter", "援助事由"),
        ({"subtype": "bonus"}, "subtype", "争议类别"),
        ({"amount_in_dispute": "-5"}, "amount_in_dispute", "争议金额不能为负数。"),
        ({"applicant_name": ""}, "applicant_name", "请选择实名库中的申请人"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(wages, client, overrides, field, message):
    world = wages
    client.force_login(world.county_admin)
    response = post(client, "/api/v1/legal-aid/cases", intake(world, **overrides))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(d["field"] == field and message in d["message"] for d in detail), detail
    assert not LegalAidCase.objects.exists()


def test_forged_ids_answer_404(wages, lawyer, client):
    world = wages
    client.force_login(world.county_admin)
    assert client.get("/api/v1/legal-aid/cases/987654").status_code == 404
    assert post(client, "/api/v1/legal-aid/cases", intake(world, org=987654)).status_code == 404
    assert post(client, "/api/v1/legal-aid/cases", intake(world, person=987654)).status_code == 404
    client.force_login(world.sibling_admin)
    theirs = make_case(world.union_a1, world.county_admin)
    assert client.get(f"/api/v1/legal-aid/cases/{theirs.pk}").status_code == 404
    assert client.get(f"/api/v1/legal-aid/cases?handler={lawyer.pk}").status_code == 404


def test_the_list_filters_overdue_reviews_and_hearings(wages, client):
    world = wages
    late = make_case(world.union_a1, world.county_admin, on=TODAY - dt.timedelta(days=30))
    make_case(world.union_a1, world.county_admin)
    client.force_login(world.county_admin)
    items = client.get("/api/v1/legal-aid/cases?list=overdue").json()["items"]
    assert [i["id"] for i in items] == [late.pk]
    assert client.get("/api/v1/legal-aid/cases?list=hearings").json()["items"] == []
