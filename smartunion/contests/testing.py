"""Fixtures of contests (tests, the generated permission tests, the browser test): a contest
proposed through the service, moved along its states, with entries of registry members."""

from __future__ import annotations

import datetime as dt

from smartunion.casework import services as casework
from smartunion.contests import services
from smartunion.contests.models import Contest, Entry


def contest_data(**changes) -> services.ContestData:
    """A 一类 skills contest of this year: 电工 and 焊工, theory 30% / practice 70%."""
    year = changes.pop("year", dt.date.today().year)
    values = dict(
        name=f"{year}年全省电力行业职业技能竞赛",
        year=year,
        tier="class1",
        kind="skills",
        starts_on=dt.date(year, 5, 1),
        ends_on=dt.date(year, 9, 30),
        budget="150000.00",
        trades=[
            services.TradeData("电工", "6-31-01-03", "3", 3),
            services.TradeData("焊工", "6-18-02-04", "3", 3),
        ],
        organisers=[services.OrganiserData("co", "甘肃省人力资源和社会保障厅")],
    )
    values.update(changes)
    return services.ContestData(**values)


def make_contest(org, actor, *, state: str = "proposed", planner=None, **changes) -> Contest:
    """A contest of ``org`` moved to ``state`` (planned by ``planner``, the province's staff;
    the later steps by ``actor``)."""
    contest = services.create_contest(contest_data(**changes), org.pk, actor=actor)
    for step in ("plan", "open_entries", "start_preliminary", "start_final"):
        if contest.state == state:
            break
        who = planner or actor if step == "plan" else actor
        contest = casework.transition(contest, step, actor=who)
    return contest


def make_entry(contest: Contest, member, actor, *, trade=None) -> Entry:
    """``member`` (a membership) entered in ``trade`` (the first one) by ``actor``."""
    trade = trade or contest.trades.first()
    return services.enter(contest, trade_id=trade.pk, person_id=member.person_id, actor=actor)


# ---- county A's objects for the generated permission and pagination tests -------------------


def county_contest(world) -> Contest:
    """城关区's contest, open for entries (one per world: the path's and the body's objects
    are the same contest)."""
    existing = Contest.objects.filter(org=world.county_a).first()
    if existing is not None:
        return existing
    return make_contest(
        world.county_a,
        world.county_admin,
        state="entries",
        planner=world.province_admin,
        tier="city",
        name="城关区职工职业技能竞赛",
    )


def county_trade(world):
    return county_contest(world).trades.first()


def county_entry(world) -> Entry:
    contest = county_contest(world)
    existing = contest.entries.filter(person=world.member_a1.person).first()
    return existing or make_entry(contest, world.member_a1, world.county_admin)


def county_judge(world):
    from smartunion.contests.models import Judge

    contest = county_contest(world)
    existing = Judge.objects.filter(contest=contest).first()
    return existing or services.add_judge(contest, name="赵裁判", actor=world.county_admin)
