"""The yearly plan: contests proposed by their organisers, put on the plan by the province,
with the two-year rule of one trade as a warning; bad input refused with nothing saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smartunion.casework import services as casework
from smartunion.contests import services
from smartunion.contests.models import AwardRule, Contest, ContestTrade
from smartunion.contests.testing import contest_data, make_contest
from smartunion.core.errors import NotInScope

YEAR = dt.date.today().year


def messages(exc) -> dict:
    return exc.value.message_dict if hasattr(exc.value, "error_dict") else {"": exc.value.messages}


def test_a_proposed_contest_waits_for_the_province_with_its_trades_and_rules(world):
    contest = services.create_contest(contest_data(), world.city.pk, actor=world.city_admin)
    assert contest.state == "proposed"
    assert contest.number.startswith(f"JS{YEAR}")
    assert contest.budget == Decimal("150000.00")
    assert [t.occupation_code for t in contest.trades.all()] == ["6-31-01-03", "6-18-02-04"]
    roles = {(o.role, o.name) for o in contest.organisers.all()}
    assert ("host", "兰州市总工会") in roles and ("co", "甘肃省人力资源和社会保障厅") in roles
    rules = [r.label for r in AwardRule.objects.filter(contest=contest)]
    assert rules[0] == "第一名推荐为省五一劳动奖章候选人" and len(rules) == 3
    assert contest.interval_warning == ""

    with pytest.raises(PermissionDenied):
        casework.transition(contest, "plan", actor=world.city_admin)
    planned = casework.transition(contest, "plan", actor=world.province_admin, note="同意")
    assert planned.state == "planned"


def test_the_same_trade_within_two_years_is_a_warning_not_a_refusal(world):
    make_contest(world.province, world.province_admin, year=YEAR - 1)
    other = contest_data(
        name="焊工技能大赛", trades=[services.TradeData("焊工", "6-18-02-04", "3", 3)]
    )
    contest = services.create_contest(other, world.city.pk, actor=world.city_admin)
    assert "两年内只举办一次省级竞赛" in contest.interval_warning
    assert "焊工（6-18-02-04）" in contest.interval_warning
    three_years = contest_data(year=YEAR + 3)
    assert services.create_contest(three_years, world.city.pk, actor=world.city_admin)
    assert Contest.objects.get(year=YEAR + 3).interval_warning == ""
    city_level = contest_data(tier="city", name="市级焊工比赛")
    assert services.create_contest(city_level, world.city.pk, actor=world.city_admin)
    assert Contest.objects.get(name="市级焊工比赛").interval_warning == ""


BAD = [
    (dict(theory_weight="30", practice_weight="60"), "weights", "权重之和应为100%，现为90%"),
    (dict(theory_weight="40", practice_weight="60"), "theory_weight", "理论知识权重不能超过30%"),
    (dict(theory_weight="-5", practice_weight="105"), "theory_weight", "应为0至100之间"),
    (dict(budget="-1"), "budget", "预算不能为负数"),
    (dict(budget=1.5), "budget", "应以字符串或整数给出"),
    (dict(name=" "), "name", "请填写竞赛名称"),
    (dict(trades=[]), "trades", "请至少列出一个竞赛工种"),
    (dict(trades=[services.TradeData("电工", "631", "3")]), "trades", "国家职业分类代码"),
    (dict(ends_on=dt.date(YEAR, 1, 1)), "ends_on", "结束日期不能早于开始日期"),
    (dict(tier="national"), "tier", "请选择竞赛层级"),
]


def test_bad_proposals_are_refused_with_their_message_and_nothing_saved(world):
    for changes, field, text in BAD:
        with pytest.raises(ValidationError) as exc:
            services.create_contest(contest_data(**changes), world.city.pk, actor=world.city_admin)
        assert text in messages(exc)[field][0], (changes, messages(exc))
    assert not Contest.objects.exists() and not ContestTrade.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.create_contest(contest_data(), world.union_a1.pk, actor=world.grassroots_admin)
    assert messages(exc)["tier"] == ["基层工会不能申报省级竞赛。"]
    with pytest.raises(NotInScope):
        services.create_contest(contest_data(), world.county_a.pk, actor=world.sibling_admin)
    with pytest.raises(PermissionDenied):
        services.create_contest(contest_data(), world.county_a.pk, actor=world.viewer)
    assert not Contest.objects.exists()


def test_a_contest_on_the_plan_opens_to_the_unions_below_its_organiser(world):
    proposed = make_contest(world.city, world.city_admin)
    seen = Contest.objects.visible_to(world.grassroots_admin)
    assert not seen.filter(pk=proposed.pk).exists()
    planned = casework.transition(proposed, "plan", actor=world.province_admin)
    assert Contest.objects.visible_to(world.grassroots_admin).filter(pk=planned.pk).exists()
    county = make_contest(world.county_a, world.county_admin, tier="city", name="城关区技能赛")
    casework.transition(county, "plan", actor=world.province_admin)
    assert not Contest.objects.visible_to(world.sibling_admin).filter(pk=county.pk).exists()
    assert Contest.objects.visible_to(world.county_admin).filter(pk=county.pk).exists()
