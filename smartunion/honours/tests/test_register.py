"""The honours register: proposing candidates (the interface contests use), scope, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from smartunion.core.models import AuditEntry
from smartunion.honours import services
from smartunion.honours.codes import Kind, Level, State
from smartunion.honours.models import Honour


def test_propose_candidate_is_idempotent_and_audited(world):
    person = world.member_a1.person
    honour = services.propose_candidate(
        actor=world.county_admin,
        person=person,
        kind="省五一劳动奖章",
        year=2025,
        source="contest:7",
        source_url="/contests/7/",
    )
    assert (honour.kind, honour.level, honour.state) == (
        Kind.PROVINCIAL_MAY1_MEDAL,
        Level.PROVINCIAL,
        State.CANDIDATE,
    )
    assert honour.org_id == person.org_id and honour.holder_name == "张三"
    again = services.propose_candidate(
        actor=world.province_admin,
        person=person,
        kind=Kind.PROVINCIAL_MAY1_MEDAL,
        year=2025,
        source="contest:7",
    )
    assert again.pk == honour.pk
    assert Honour.objects.count() == 1
    assert AuditEntry.objects.filter(action="honours.propose").count() == 1
    other = services.propose_candidate(
        actor=None, person=person, kind="technical_expert", year=2025, source="contest:7"
    )
    assert other.pk != honour.pk and other.level == Level.PROVINCIAL


def test_propose_candidate_refuses_bad_input_and_foreign_people(world):
    person = world.member_a1.person
    cases = [
        (dict(kind="金牌", year=2025, source="contest:1"), "kind", "荣誉类型“金牌”不在代码表中。"),
        (dict(kind="陇原工匠", year=1800, source="contest:1"), "year", "年度应为1950至2100"),
        (dict(kind="陇原工匠", year=2025, source=" "), "source", "请填写候选荣誉的来源。"),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.propose_candidate(actor=world.county_admin, person=person, **kwargs)
        assert message in exc.value.message_dict[field][0]
    with pytest.raises(Http404):
        services.propose_candidate(
            actor=world.sibling_admin, person=person, kind="陇原工匠", year=2025, source="x"
        )
    with pytest.raises(PermissionDenied):
        services.propose_candidate(
            actor=world.viewer, person=person, kind="陇原工匠", year=2025, source="x"
        )
    assert not Honour.objects.exists()
    assert not AuditEntry.objects.filter(action="honours.propose").exists()


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_register_api_create_search_revoke_and_benefits(world):
    from smartunion.assistance.testing import make_file

    county = _client(world.county_admin)
    person = world.member_a1.person
    answer = county.post(
        "/api/v1/honours",
        {
            "kind": "provincial_model",
            "year": 2020,
            "person": person.pk,
            "document_no": "甘政发〔2020〕8号",
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    honour = answer.json()
    assert honour["state"] == "held" and honour["granting_body"] == "甘肃省总工会"
    assert honour["benefits"]["monthly_allowance"] == "400.00"
    person.refresh_from_db()
    assert person.is_model_worker
    hardship = make_file(world.union_a1, person)
    detail = county.get(f"/api/v1/honours/{honour['id']}").json()
    assert detail["hardship_files"] == [hardship.pk]
    unit = county.post(
        "/api/v1/honours",
        {
            "kind": "pioneer",
            "year": 2024,
            "holder_org": world.union_a1.pk,
            "team_name": "装配一班",
            "document_no": "甘工发〔2024〕5号",
        },
        content_type="application/json",
    )
    assert unit.status_code == 201 and unit.json()["holder_name"].endswith("装配一班")
    found = county.get("/api/v1/honours", {"q": "张", "held": True, "kind": "provincial_model"})
    assert [h["id"] for h in found.json()["items"]] == [honour["id"]]
    assert county.get("/api/v1/honours", {"year": 2024}).json()["items"][0]["kind"] == "pioneer"
    # The sibling county sees none of it; a forged id is 404 for reads and writes.
    sibling = _client(world.sibling_admin)
    assert sibling.get("/api/v1/honours").json()["items"] == []
    assert sibling.get(f"/api/v1/honours/{honour['id']}").status_code == 404
    gone = sibling.post(
        f"/api/v1/honours/{honour['id']}/revoke",
        {"reason": "x", "document": "y"},
        content_type="application/json",
    )
    assert gone.status_code == 404
    assert county.get("/api/v1/honours/999999").status_code == 404
    # Bad input: a clear Chinese message, nothing saved.
    before = AuditEntry.objects.count()
    bad = [
        ("/revoke", {"reason": "", "document": "甘政发〔2025〕3号"}, "reason", "请填写撤销原因"),
        ("/revoke", {"reason": "受到刑事处罚", "document": " "}, "document", "请填写撤销文件"),
        ("/name", {"document_no": "甘工发〔2025〕1号"}, "state", "只有候选荣誉可以命名"),
    ]
    for suffix, body, field, message in bad:
        answer = county.post(
            f"/api/v1/honours/{honour['id']}{suffix}", body, content_type="application/json"
        )
        assert answer.status_code == 422, answer.content
        details = {d["field"]: d["message"] for d in answer.json()["detail"]}
        assert message in details[field]
    wrong = county.post(
        "/api/v1/honours",
        {"kind": "pioneer", "year": 2024, "person": person.pk, "document_no": "x"},
        content_type="application/json",
    )
    assert "授予单位或班组" in wrong.json()["detail"][0]["message"]
    assert AuditEntry.objects.count() == before
    assert Honour.objects.get(pk=honour["id"]).state == State.HELD
    # Revoked with reason and document: benefits stop, the flag follows.
    done = county.post(
        f"/api/v1/honours/{honour['id']}/revoke",
        {"reason": "受到刑事处罚", "document": "甘政发〔2025〕3号"},
        content_type="application/json",
    ).json()
    assert done["state"] == "revoked" and done["benefits"] is None
    person.refresh_from_db()
    assert not person.is_model_worker


def test_benefits_are_the_provinces_and_service_logs_need_a_model_worker(world):
    from smartunion.honours.testing import make_honour

    county, province = _client(world.county_admin), _client(world.province_admin)
    rule = {
        "level": "provincial",
        "monthly_allowance": "450.00",
        "health_check": True,
        "rest_trip": True,
        "festival_visits": 2,
        "visit_amount": "600.00",
    }
    assert (
        county.post("/api/v1/honours/benefits", rule, content_type="application/json").status_code
        == 403
    )
    saved = province.post("/api/v1/honours/benefits", rule, content_type="application/json")
    assert saved.json()["monthly_allowance"] == "450.00"
    bad = province.post(
        "/api/v1/honours/benefits",
        {**rule, "monthly_allowance": "-1"},
        content_type="application/json",
    )
    assert "荣誉津贴不能为负数" in bad.json()["detail"][0]["message"]
    person = world.member_a2.person
    log = {"person": person.pk, "kind": "visit", "happened_on": "2025-01-20", "amount": "600.00"}
    refused = county.post("/api/v1/honours/service-logs", log, content_type="application/json")
    assert "不是劳模" in refused.json()["detail"][0]["message"]
    make_honour(person, kind="national_may1_medal", year=2019)
    made = county.post("/api/v1/honours/service-logs", log, content_type="application/json")
    assert made.status_code == 201 and made.json()["amount"] == "600.00"
    listed = county.get("/api/v1/honours/service-logs", {"person": person.pk}).json()["items"]
    assert len(listed) == 1
    # 全国五一劳动奖章 holders enjoy 省部级 benefits? Its level is national here (the medal's own).
    assert services.benefits_of(person).level == Level.NATIONAL
