"""团体名次: teams of a unit's entrants, scored by their best members' final totals."""

from __future__ import annotations

from decimal import Decimal

from smartunion.contests.models import Entry, Team
from smartunion.contests.testing import county_contest, make_entry


def test_teams_are_formed_on_the_page_and_ranked_by_their_best_members(world, client):
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
    client.force_login(world.sibling_admin)
    assert client.get(url).status_code == 404
