"""What keeping the summaries costs a write, and the figures of records dated after today.

- Before and after a write of a few records, their cells are one grouped read of their model
  whatever the number of its kept parts and spans (a union's ten dimensions: one read, not
  eleven; a hardship file's four: one).
- A flow whose records may be dated ahead (a contest planned to begin later this month,
  ``kept(…, ahead=True)``) is not counted today from its month's rows: today's figure and
  this month's point of the trend equal what the records give.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smartunion.contests.testing import make_contest
from smartunion.core.testing import new_id_number
from smartunion.orgs import services as org_services
from smartunion.stats import indicators, kept, summaries
from smartunion.stats.testing import freeze_today

#: "Today" in these tests: a contest can begin three weeks later in the same month.
TODAY = dt.date(2026, 5, 7)


@pytest.fixture
def frozen(monkeypatch):
    freeze_today(monkeypatch, TODAY)
    return TODAY


def test_the_cells_of_a_few_records_are_one_read_of_their_model(world):
    models = kept.parts_by_model()
    assert any(len(parts) > 1 for parts in models.values())
    for model, parts in models.items():
        spans = sum(len(part.summary.spans) or 1 for _, part in parts)
        record = model.objects.order_by("pk").first()
        with CaptureQueriesContext(connection) as queries:
            kept.before(model, [record.pk if record else 0])
        assert len(queries) == 1, (model.__name__, spans, [q["sql"] for q in queries])


def test_an_edit_of_a_union_costs_two_reads_and_one_write_of_the_summaries(world):
    """update_org: its cells before and after, the change written (a union whose figures do
    not change writes nothing)."""
    org = world.union_a1
    with CaptureQueriesContext(connection) as queries:
        org_services.update_org(
            org, {"employee_count": org.employee_count + 7}, actor=world.county_admin
        )
    summary = [q for q in queries if "stats_summary" in q["sql"]]
    assert len(summary) == 1, [q["sql"] for q in summary]
    assert kept.check() == []


def _contests(org, on):
    figure = indicators.figure(indicators.get("contests.contests"), org, on, TODAY)
    return figure.value, figure.own


def test_a_contest_planned_later_this_month_counts_from_its_first_day_not_today(
    world, frozen, monkeypatch
):
    make_contest(
        world.province,
        world.province_admin,
        state="entries",
        starts_on=TODAY + dt.timedelta(days=21),
        ends_on=TODAY + dt.timedelta(days=60),
    )
    assert kept.check() == []
    begins = TODAY + dt.timedelta(days=21)
    orgs = (world.province, world.city)
    got = {(org.name, on): _contests(org, on) for org in orgs for on in (TODAY, begins)}
    trend = indicators.trend(indicators.get("contests.contests"), world.province, TODAY, 3)
    with monkeypatch.context() as m:
        m.setattr(summaries, "DEPTH", 0)  # every figure from the records
        expected = {(org.name, on): _contests(org, on) for org in orgs for on in (TODAY, begins)}
        expected_trend = indicators.trend(
            indicators.get("contests.contests"), world.province, TODAY, 3
        )
    assert got == expected
    assert got[world.province.name, TODAY] == (0, 0)
    assert got[world.province.name, begins] == (1, 1)
    assert trend == expected_trend and trend[-1] == (TODAY, 0)


def test_the_rest_of_a_month_is_one_read_of_the_unions_for_all_their_figures(world, monkeypatch):
    """The province's union figures inside a past month: the summaries' rows, then the unions
    whose spans begin or end in the rest of the month read once for the nine stocks and once
    for the flow 新建 (their periods differ), and once more for the province's own unions
    (本级): three reads, not one per figure and span (twelve before)."""
    on, today = dt.date(2025, 3, 20), timezone.localdate()
    shown = [
        i
        for i in indicators.all_indicators()
        if all(p.summary and p.summary.is_kept and p.summary.dim[0] == "u" for p in i.parts)
    ]
    assert len({p.summary.dim for i in shown for p in i.parts}) >= 9
    with CaptureQueriesContext(connection) as queries:
        got = indicators.figures_of(shown, world.province, on, today)
    unions = [q for q in queries if 'FROM "orgs_organization"' in q["sql"]]
    assert len(unions) == 3, [q["sql"] for q in unions]
    monkeypatch.setattr(summaries, "DEPTH", 0)
    expected = indicators.figures_of(shown, world.province, on, today)
    assert [(f.value, f.own) for f in got] == [(f.value, f.own) for f in expected]


@pytest.mark.parametrize("on", [None, dt.date(2025, 3, 20)], ids=["today", "inside-a-month"])
def test_an_overview_reads_its_summaries_once_per_period(world, monkeypatch, on):
    """The province's overview: every figure with summaries (the members' by gender, age,
    education … and the kept ones) in one read of its rows per period (the stocks at the date,
    the flows since 1 January), the rest of the month once per remainder (the memberships
    touched in those days read once for all the members' figures), the province's own records
    once per table — and the same figures as the records give. (入会率 aside: the members of
    its unions without a 职工人数 are read on their own, by sub-unit.)"""
    on, today = on or timezone.localdate(), timezone.localdate()
    shown = [i for i in indicators.all_indicators() if i.code != "members.rate"]
    with CaptureQueriesContext(connection) as queries:
        got = indicators.figures_of(shown, world.province, on, today)
    tables = Counter(
        table
        for q in queries
        for table in ("stats_summary", "members_membership")
        if f'FROM "{table}"' in q["sql"]
    )
    assert tables["stats_summary"] <= 2, tables
    # The touched memberships (joined, ended), the birthdays at three band edges, 本级.
    assert tables["members_membership"] <= 6, tables
    monkeypatch.setattr(summaries, "DEPTH", 0)
    expected = indicators.figures_of(shown, world.province, on, today)
    assert [(f.indicator.code, f.value, f.own) for f in got] == [
        (f.indicator.code, f.value, f.own) for f in expected
    ]


def test_an_overview_inside_a_month_asks_each_records_part_once(world, monkeypatch):
    """The whole overview at a date inside a past month, 入会率 included (read on its own,
    after the others): each remainder is asked once for each dimension — the memberships
    begun or ended in the rest of the month are read once for all the member figures, not
    again for 入会率 (``summaries.reading``) — and the figures are those the records give."""
    on, today = dt.date(2025, 3, 20), timezone.localdate()
    world.add_member(world.union_a1, "月末入会", joined_on=dt.date(2025, 3, 25))
    asked: Counter = Counter()
    wrappers = {}
    for dim, remainder in list(summaries._REMAINDERS.items()):
        if remainder not in wrappers:

            def counting(dims, *args, remainder=remainder):
                asked.update(dims)
                return remainder(dims, *args)

            wrappers[remainder] = counting
        monkeypatch.setitem(summaries._REMAINDERS, dim, wrappers[remainder])
    got = indicators.figures_of(indicators.all_indicators(), world.province, on, today)
    assert asked["m"] == 1 and asked["ue"] == 1, asked
    assert set(asked.values()) == {1}, asked
    monkeypatch.setattr(summaries, "DEPTH", 0)
    expected = indicators.figures_of(indicators.all_indicators(), world.province, on, today)
    assert [(f.indicator.code, f.value, f.own) for f in got] == [
        (f.indicator.code, f.value, f.own) for f in expected
    ]


def test_an_overview_reads_the_unions_own_records_only_in_the_tables_that_hold_some(world):
    """A federation's own records (本级) are read from the tables that hold any of them, found in
    one query: the province of the personas has no member of its own, then one."""
    today = timezone.localdate()
    shown = [indicators.get("members"), indicators.get("members.by_gender")]

    def overview():
        with CaptureQueriesContext(connection) as queries:
            got = indicators.figures_of(shown, world.province, today, today + dt.timedelta(days=1))
        own = [
            q["sql"]
            for q in queries
            if 'FROM "members_membership"' in q["sql"]
            and f'"members_membership"."org_id" = {world.province.pk}' in q["sql"]
            and "EXISTS" not in q["sql"]
        ]
        return got, own

    got, own = overview()
    assert own == [] and [f.own for f in got] == [0, {"1": 0, "2": 0}]
    world.add_member(world.province, "省总会员", id_number=new_id_number(male=False))
    got, own = overview()
    assert len(own) == 1 and [f.own for f in got] == [1, {"1": 0, "2": 1}]
