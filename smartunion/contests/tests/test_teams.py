"""团体名次: teams of a unit's entrants, scored by their best members' final totals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from smartunion.contests import services
from smartunion.contests.models import Entry, Team, TeamMember
from smartunion.contests.testing import county_contest, make_entry
from smartunion.core.testing import at_the_same_moment


def test_teams_are_formed_on_the_page_and_ranked_by_their_best_members(world, client, monkeypatch):
    contest = county_contest(world)
    welder = contest.trades.last()
    members = [world.member_a1] + [
        world.add_member(world.union_a1, name) for name in ("钱队一", "孙队二", "李队三")
    ]
    entries = [
        make_entry(contest, m, world.county_admin, trade=welder if i % 2 else None)
        for i, m in enumerate(members)
    ]
    for entry, total in zip(entries, ("90.00", "80.00", "85.00", "85.00"), strict=True):
        Entry.objects.filter(pk=entry.pk).update(round="final", total=Decimal(total))
    client.force_login(world.county_admin)
    url = f"/contests/{contest.pk}/teams/"
    form = {"name": "一队", "org": world.union_a1.pk, "counted": 2}
    page = client.post(url, {**form, "entries": entries[0].number}).content.decode()
    assert "参赛队至少要有2名队员" in page and not Team.objects.exists()
    page = client.post(url, {**form, "entries": "X-1 Y-2"}).content.decode()
    assert "参赛编号“X-1”不是本竞赛中您管理范围内的报名。" in page
    page = client.post(
        url, {**form, "counted": 3, "entries": f"{entries[0].number}、{entries[1].number}"}
    )
    assert "计分人数（3）不能多于队员人数（2）。" in page.content.decode()
    client.post(url, {**form, "entries": f"{entries[0].number} {entries[1].number}"})
    page = client.post(
        url, {**form, "name": "二队", "entries": f"{entries[1].number} {entries[2].number}"}
    )
    assert "钱队一已在另一个参赛队中。" in page.content.decode() and Team.objects.count() == 1
    client.post(
        url, {**form, "name": "二队", "entries": f"{entries[2].number} {entries[3].number}"}
    )
    page = client.get(url).content.decode()
    # 90 + 80 and 85 + 85: both 170.00, sharing first place.
    assert page.count("170.00") == 2 and page.count('<td data-label="名次">1</td>') == 2
    # Should the "already in a team" check miss (a writer not taking the contest's lock), the
    # unique constraint refuses in Chinese with nothing saved, not a 500.
    monkeypatch.setattr(TeamMember.objects, "filter", lambda *a, **k: TeamMember.objects.none())
    page = client.post(
        url, {**form, "name": "三队", "entries": f"{entries[0].number} {entries[3].number}"}
    )
    assert "有队员已在另一个参赛队中，请刷新页面后重新组队。" in page.content.decode()
    assert Team.objects.count() == 2
    monkeypatch.undo()
    client.force_login(world.sibling_admin)
    assert client.get(url).status_code == 404


@pytest.mark.postgres_only
def test_two_teams_formed_at_the_same_moment_are_refused_in_chinese(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and real concurrency")
    from smartunion.personas import build_world

    world = build_world()
    contest = county_contest(world)
    members = [world.add_member(world.union_a1, n) for n in ("钱并一", "孙并二", "李并三")]
    numbers = [make_entry(contest, m, world.county_admin).number for m in members]

    def form(name, picked):
        return lambda: services.create_team(
            contest.pk,
            actor=world.county_admin,
            org_id=world.union_a1.pk,
            name=name,
            entry_numbers=picked,
            counted=2,
        )

    # The same name twice, then the same entrant in two teams: one saved, one refused.
    outcomes = at_the_same_moment(form("一队", numbers[:2]), form("一队", numbers[1:]))
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"]
    refused = next(o[1] for o in outcomes if o[0] == "refused")
    assert refused.message_dict["name"] == ["本竞赛已有同名的参赛队。"]
    Team.objects.all().delete()
    outcomes = at_the_same_moment(form("一队", numbers[:2]), form("二队", numbers[1:]))
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"]
    refused = next(o[1] for o in outcomes if o[0] == "refused")
    assert "已在另一个参赛队中" in refused.message_dict["entries"][0]
    assert Team.objects.count() == 1 and TeamMember.objects.count() == 2


def test_teams_and_award_rules_through_the_api(world, client):
    """GET/POST /api/v1/contests/{id}/teams and PUT …/award-rules: the page's services, the
    ranking with ties, 422 in Chinese with nothing saved, 403 and 404 by scope."""
    import json

    from smartunion.contests.models import AwardRule

    contest = county_contest(world)
    members = [world.member_a1] + [
        world.add_member(world.union_a1, name) for name in ("周接口", "吴接口", "郑接口")
    ]
    welder = contest.trades.last()  # three entrants a unit per trade
    entries = [
        make_entry(contest, m, world.county_admin, trade=welder if i % 2 else None)
        for i, m in enumerate(members)
    ]
    for entry, total in zip(entries, ("90.00", "80.00", "85.00", "85.00"), strict=True):
        Entry.objects.filter(pk=entry.pk).update(round="final", total=Decimal(total))
    api = f"/api/v1/contests/{contest.pk}"

    def send(method, url, body):
        return getattr(client, method)(url, json.dumps(body), content_type="application/json")

    client.force_login(world.county_admin)
    team = {"org": world.union_a1.pk, "name": "一队", "counted": 2}
    answer = send("post", f"{api}/teams", {**team, "entries": [entries[0].number]})
    assert answer.status_code == 422 and "参赛队至少要有2名队员" in answer.content.decode()
    assert not Team.objects.exists()
    first = send("post", f"{api}/teams", {**team, "entries": [e.number for e in entries[:2]]})
    assert first.status_code == 201, first.content
    assert first.json()["score"] == "170.000" and first.json()["rank"] == 1
    send(
        "post", f"{api}/teams", {**team, "name": "二队", "entries": [e.number for e in entries[2:]]}
    )
    ranking = client.get(f"{api}/teams").json()["items"]
    assert [(t["name"], t["score"], t["rank"]) for t in ranking] == [
        ("一队", "170.000", 1),
        ("二队", "170.000", 1),
    ]
    assert ranking[0]["members"] == sorted(e.number for e in entries[:2])

    rules = [{"label": "第一名晋升技师", "outcome": "promotion", "max_rank": 1}]
    before = list(AwardRule.objects.values_list("pk", flat=True))  # the contest's defaults
    bad = send("put", f"{api}/award-rules", {"rules": [{"label": "", "outcome": "promotion"}]})
    assert bad.status_code == 422 and "第1条：请填写规则说明" in bad.content.decode()
    assert list(AwardRule.objects.values_list("pk", flat=True)) == before
    saved = send("put", f"{api}/award-rules", {"rules": rules})
    assert saved.status_code == 200 and saved.json()["rules"][0]["max_rank"] == 1
    assert send("put", f"{api}/award-rules", {"rules": []}).json() == {"rules": []}

    client.force_login(world.grassroots_admin)  # inside the contest's county, not its organiser
    assert send("put", f"{api}/award-rules", {"rules": rules}).status_code in (403, 404)
    client.force_login(world.sibling_admin)
    assert client.get(f"{api}/teams").status_code == 404
    assert send("post", f"{api}/teams", {**team, "name": "三队", "entries": []}).status_code in (
        404,
        422,
    )
    assert Team.objects.count() == 2
