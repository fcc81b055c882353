"""Innovation studios: a leader with an honour, the venue of the map, figures from records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from smartunion.honours import studios
from smartunion.honours.models import Studio, StudioRecord
from smartunion.honours.testing import make_studio
from smartunion.venues.models import Venue


def _venue(world, kind="studio"):
    return Venue.objects.create(
        kind=kind,
        name="兰州一机劳模创新工作室",
        org=world.union_a1,
        region_id="620102",
        address="兰州市城关区东岗西路1号",
        lng=103.8,
        lat=36.06,
    )


def test_studio_figures_come_from_its_records(world):
    venue = _venue(world)
    studio = make_studio(world, venue=venue)
    assert studio.leader_honour.person_id == studio.leader_id
    client = Client()
    client.force_login(world.county_admin)
    url = f"/api/v1/honours/studios/{studio.pk}/records"
    day = "2025-06-01"
    rows = [
        {"type": "funding", "happened_on": day, "title": "省总补助", "amount": "50000.00"},
        {"type": "funding", "happened_on": day, "title": "企业配套", "amount": "30000"},
        {
            "type": "outcome",
            "happened_on": day,
            "title": "贵金属回收装置",
            "outcome_kind": "invention",
            "patent_no": "ZL202310000001.2",
            "amount": "1200000.00",
        },
        {
            "type": "outcome",
            "happened_on": day,
            "title": "冶炼操作规程",
            "outcome_kind": "standard",
        },
        {"type": "training", "happened_on": day, "title": "师带徒", "trained": 120, "promoted": 15},
        {
            "type": "training",
            "happened_on": day,
            "title": "技能比武集训",
            "trained": 52,
            "promoted": 6,
        },
        {"type": "recheck", "happened_on": day, "title": "2025年度复核", "passed": True},
    ]
    for row in rows:
        answer = client.post(url, row, content_type="application/json")
        assert answer.status_code == 201, answer.content
    detail = client.get(f"/api/v1/honours/studios/{studio.pk}").json()
    assert detail["figures"] == {
        "funding": "80000.00",
        "outcomes": 2,
        "patents": 1,
        "standards": 1,
        "benefit": "1200000.00",
        "trained": 172,
        "promoted": 21,
    }
    assert detail["checked_year"] == 2025 and detail["venue"] == venue.pk
    # Bad input: a Chinese message naming the field, nothing saved.
    count = StudioRecord.objects.count()
    bad = [
        (
            {"type": "outcome", "happened_on": day, "title": "x", "outcome_kind": "utility"},
            "专利成果请填写专利号",
        ),
        ({"type": "funding", "happened_on": day, "title": "x"}, "请填写到账经费金额"),
        ({"type": "funding", "happened_on": day, "title": "x", "amount": "-5"}, "金额不能为负数"),
        ({"type": "recheck", "happened_on": day, "title": "x"}, "请选择复核结论"),
        ({"type": "training", "happened_on": "2999-01-01", "title": "x"}, "不能晚于今天"),
    ]
    for body, message in bad:
        answer = client.post(url, body, content_type="application/json")
        assert answer.status_code == 422 and message in answer.json()["detail"][0]["message"], body
    assert StudioRecord.objects.count() == count
    sibling = Client()
    sibling.force_login(world.sibling_admin)
    assert sibling.get(f"/api/v1/honours/studios/{studio.pk}").status_code == 404
    assert sibling.post(url, rows[0], content_type="application/json").status_code == 404
    # A failed re-check revokes the name.
    studios.add_record(
        studio.pk,
        studios.RecordData(
            type="recheck", happened_on=dt.date(2026, 1, 5), title="复核", passed=False
        ),
        actor=world.county_admin,
    )
    assert Studio.objects.get(pk=studio.pk).state == "revoked"


def test_studio_needs_a_leader_with_an_honour_and_a_studio_venue(world):
    base = dict(name="无荣誉工作室", tier="city", named_year=2023, document_no="兰工发〔2023〕1号")
    with pytest.raises(ValidationError) as exc:
        studios.create_studio(
            studios.StudioData(leader_id=world.member_a2.person.pk, **base),
            world.union_a1.pk,
            actor=world.county_admin,
        )
    assert "领衔人须是荣誉库中在册的" in exc.value.message_dict["leader"][0]
    with pytest.raises(ValidationError) as exc:
        make_studio(world, venue=_venue(world, kind="station"))
    assert "不是“劳模和工匠人才创新工作室”类型" in exc.value.message_dict["venue"][0]
    assert not Studio.objects.exists()


def test_studio_edit_audits_the_leader_and_honour_by_id_not_by_name(world):
    from smartunion.core.models import AuditEntry
    from smartunion.honours.testing import make_honour

    studio = make_studio(world)
    new_leader = world.member_a2.person
    honour = make_honour(new_leader)
    data = studios.StudioData(
        name="冶炼创新工作室",
        tier="provincial",
        named_year=2022,
        document_no="甘工发〔2022〕30号",
        leader_id=new_leader.pk,
        field="贵金属冶炼",
    )
    old_leader = studio.leader
    studios.update_studio(studio.pk, data, actor=world.county_admin)
    entry = AuditEntry.objects.filter(action="honours.studio.update").latest("seq")
    assert entry.changes["leader"] == [old_leader.pk, new_leader.pk]
    assert entry.changes["leader_honour"][1] == honour.pk
    assert entry.changes["name"] == ["张三劳模创新工作室", "冶炼创新工作室"]
    logged = str({k: v for k, v in entry.changes.items() if k != "name"})
    assert old_leader.name not in logged and new_leader.name not in logged
