"""The contest's award rules edited on its page (services.save_award_rules)."""

from __future__ import annotations

from smartunion.contests import services
from smartunion.contests.models import AwardRule
from smartunion.contests.testing import county_contest


def _rows(*rows):
    data = {"rules-TOTAL_FORMS": len(rows), "rules-INITIAL_FORMS": 0}
    for n, row in enumerate(rows):
        data.update({f"rules-{n}-{k}": v for k, v in row.items()})
    return data


def test_award_rules_are_replaced_on_the_page_and_refused_by_row(world, client):
    contest = county_contest(world)
    services.save_award_rules(
        contest.pk,
        [services.AwardRuleData(label="第一名晋升高级技师", outcome="promotion", max_rank=1)],
        actor=world.county_admin,
    )
    before = list(AwardRule.objects.filter(contest=contest).values_list("label", flat=True))
    assert before == ["第一名晋升高级技师"]
    client.force_login(world.county_admin)
    url = f"/contests/{contest.pk}/awards/"
    page = client.get(url).content.decode()
    assert "奖励规则" in page and 'value="第一名晋升高级技师"' in page
    # Errors name the row as shown: the blank second row is dropped, the third stays 第3条.
    bad = _rows(
        {"label": "前三名推荐为省技术能手", "max_rank": 3, "outcome": "honour"},
        {"label": "", "outcome": "", "max_rank": ""},
        {"label": "晋升技师", "outcome": "promotion"},
    )
    page = client.post(url, bad).content.decode()
    assert "第1条：请选择推荐的荣誉。" in page
    assert "第3条：请填写名次或奖项条件。" in page and "第2条：" not in page
    assert list(contest.award_rules.values_list("label", flat=True)) == before
    good = _rows(
        {
            "label": "前三名推荐为省技术能手",
            "max_rank": 3,
            "outcome": "honour",
            "honour_kind": "technical_expert",
        },
        {"label": "优胜奖及以上晋升技师", "min_award": "excellence", "outcome": "promotion"},
    )
    assert client.post(url, good).status_code == 302
    rules = list(contest.award_rules.values_list("label", "max_rank", "honour_kind"))
    assert rules == [
        ("前三名推荐为省技术能手", 3, "technical_expert"),
        ("优胜奖及以上晋升技师", None, ""),
    ]
    client.force_login(world.sibling_admin)
    assert client.get(url).status_code == 404
