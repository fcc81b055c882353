"""Selections: quotas and ratios on the nominee list, vetting, review, the public vote (one a
day, under concurrency on PostgreSQL), 公示 of 5 working days and naming into the register."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test import Client

from smartunion.casework import notices
from smartunion.casework import services as casework
from smartunion.core.testing import at_the_same_moment, new_id_number
from smartunion.honours import selections
from smartunion.honours.models import Honour, Nomination, Selection, Vote
from smartunion.honours.testing import make_selection
from smartunion.portal.signin import issue_token, phone_index


def _api(user):
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_a_selection_from_notice_to_naming(world):
    selection = make_selection(world)
    county = _api(world.county_admin)
    people = [world.member_a1.person] + [
        world.add_member(world.union_a1, name, id_number=new_id_number()).person
        for name in ("赵一", "钱二", "孙三")
    ]
    base = f"/api/v1/honours/selections/{selection.pk}"
    made = []
    for person, cats in zip(people, (["industrial"], [], [], ["migrant"]), strict=True):
        answer = _post(
            county,
            f"{base}/nominations",
            {"org": world.county_a.pk, "person": person.pk, "categories": cats},
        )
        assert answer.status_code == 201, answer.content
        made.append(answer.json()["id"])
    # The ratio panel, live: 1 of 4 industrial workers is 25% < 35%.
    check = county.get(f"{base}/ratios", {"org": world.county_a.pk}).json()
    industrial = next(r for r in check["rows"] if r["category"] == "industrial")
    assert (check["ok"], industrial["percent"], industrial["ok"]) == (False, "25.0", False)
    refused = _post(county, f"{base}/submit", {"org": world.county_a.pk})
    assert refused.status_code == 422
    message = refused.json()["detail"][0]["message"]
    assert "推荐名单中产业工人占25.0%（1/4），低于通知要求的35%" in message
    assert set(Nomination.objects.values_list("state", flat=True)) == {"draft"}
    # Beyond the quota of 4.
    extra = world.add_member(world.union_a1, "李五", id_number=new_id_number()).person
    over = _post(county, f"{base}/nominations", {"org": world.county_a.pk, "person": extra.pk})
    assert "已达到城关区总工会的推荐名额（4名）" in over.json()["detail"][0]["message"]
    # Two industrial workers of four: 50%, the list goes up.
    Nomination.objects.filter(pk=made[1]).update(categories=["industrial"])
    assert _post(county, f"{base}/submit", {"org": world.county_a.pk}).json()["submitted"] == made
    province = _api(world.province_admin)
    first = f"/api/v1/honours/nominations/{made[0]}"
    # Vetting needs every department of the notice.
    half = _post(province, f"{first}/vet", {"departments": ["税务"]})
    assert "以下部门尚未出具意见：审计" in half.json()["detail"][0]["message"]
    assert _post(county, f"{first}/vet", {"departments": ["税务", "审计"]}).status_code == 403
    for pk in made:
        url = f"/api/v1/honours/nominations/{pk}"
        assert _post(province, f"{url}/vet", {"departments": ["税务", "审计"]}).status_code == 200
    page = province.get(f"/honours/nominations/{made[0]}/").content.decode()
    assert "已出具意见的部门：税务、审计" in page  # the timeline shows the list
    bad_score = _post(province, f"{first}/review", {"score": "101"})
    assert "专家评审得分应为0至100分" in bad_score.json()["detail"][0]["message"]
    for pk in made[:3]:
        done = _post(province, f"/api/v1/honours/nominations/{pk}/review", {"score": "88.5"})
        assert done.json()["state"] == "voting"
    rejected = _post(
        province, f"/api/v1/honours/nominations/{made[3]}/reject", {"note": "事迹材料不实"}
    )
    assert rejected.json()["state"] == "rejected"
    # A worker of the portal votes once a day.
    worker = Client(headers={"Authorization": f"Bearer {issue_token('13900002222')}"})
    assert _post(worker, "/api/v1/portal/honours/votes", {"nomination": made[0]}).status_code == 201
    twice = _post(worker, "/api/v1/portal/honours/votes", {"nomination": made[1]})
    assert twice.status_code == 422
    assert "您今天已经投过票了" in twice.json()["detail"][0]["message"]
    assert _post(worker, "/api/v1/portal/honours/votes", {"nomination": made[3]}).status_code == 404
    assert _post(county, "/api/v1/portal/honours/votes", {"nomination": made[0]}).status_code == 401
    assert Vote.objects.count() == 1
    tomorrow = casework.today() + dt.timedelta(days=1)
    selections.vote(made[1], voter=phone_index("13900002222"), on=tomorrow)
    # The vote closes after its last day.
    early = _post(province, f"{first}/close_vote")
    assert "截止后才能结束投票" in early.json()["detail"][0]["message"]
    yesterday = casework.today() - dt.timedelta(days=1)
    Selection.objects.filter(pk=selection.pk).update(
        vote_starts_on=yesterday, vote_ends_on=yesterday
    )
    for pk in made[:3]:
        _post(province, f"/api/v1/honours/nominations/{pk}/close_vote")
    assert Nomination.objects.get(pk=made[0]).votes == 1
    # 公示 for 5 working days, then naming puts the honour in the register.
    notice = _post(province, f"{base}/publish").json()
    assert notice["items"] == 3
    row = notices.lock_notice(notice["notice"], actor=world.province_admin)
    assert row.working_days == 5
    with pytest.raises(ValidationError):
        notices.close_notice(row, actor=world.province_admin, on=row.ends_on)
    notices.close_notice(row, actor=world.province_admin, on=row.ends_on + dt.timedelta(days=1))
    named = _post(province, f"{first}/name", {"document_no": "甘工发〔2026〕20号"}).json()
    assert named["state"] == "named"
    honour = Honour.objects.get(pk=named["honour"])
    assert (honour.state, honour.kind, honour.source, honour.document_no) == (
        "held",
        "provincial_may1_medal",
        f"selection:{selection.pk}",
        "甘工发〔2026〕20号",
    )
    # Scope: the sibling county sees neither county A's nominations nor can it forge them.
    sibling = _api(world.sibling_admin)
    assert sibling.get("/api/v1/honours/nominations").json()["items"] == []
    assert sibling.get(first).status_code == 404
    assert sibling.get(f"{base}/ratios", {"org": world.county_a.pk}).status_code == 404
    assert sibling.get(base).status_code == 200  # the province's notice is theirs to read


def test_selection_notice_refuses_bad_rows(world):
    cases = [
        (dict(ratios=[("industrial", 0)]), "ratios", "比例应为1%至100%"),
        (dict(ratios=[("robots", 10)]), "ratios", "不在代码表中"),
        (dict(ratios=[("migrant", 10), ("migrant", 20)]), "ratios", "重复"),
        (dict(departments=["公安"]), "departments", "联审部门“公安”不在代码表中"),
    ]
    for changes, field, message in cases:
        with pytest.raises(ValidationError) as exc:
            make_selection(world, **changes)
        assert message in exc.value.message_dict[field][0]
    with pytest.raises(Http404):
        selections.create_selection(
            selections.SelectionData(
                title="x",
                kind="craftsman",
                year=2026,
                nominations_due=casework.today(),
                quotas=[(world.county_b.pk, 1)],
            ),
            world.county_a.pk,
            actor=world.county_admin,
        )
    assert not Selection.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and real concurrency")
def test_one_vote_a_day_under_concurrency(transactional_db):
    from smartunion.personas import build_world

    world = build_world()
    selection = make_selection(world)
    person = world.member_a1.person
    case = selections.nominate(
        selection.pk,
        actor=world.county_admin,
        org_id=world.county_a.pk,
        person_id=person.pk,
        categories=["industrial"],
    )
    Nomination.objects.filter(pk=case.pk).update(state="voting")
    voter = phone_index("13900003333")
    outcomes = at_the_same_moment(*[lambda: selections.vote(case.pk, voter=voter)] * 6)
    assert sorted(o[0] for o in outcomes) == ["ok"] + ["refused"] * 5
    assert Vote.objects.count() == 1
    assert Nomination.objects.get(pk=case.pk).votes == 1
