"""Every indicator equals a brute-force count over the records (stats/tests/seeded.py), for a
union's subtree and for the union itself, at a past date and today (from the kept counters
where an indicator has them), on random small data sets; and its sub-units' figures add up."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.utils import timezone

from smartunion.core.testing import reading_once
from smartunion.personas import build_world
from smartunion.stats import indicators, summaries
from smartunion.stats.tests.seeded import brute_force, seed

PAST = dt.date(2022, 6, 30)
#: The groups whose records stats/tests/seeded.py writes; the other modules' indicators (帮扶 …)
#: are checked against their own brute force in their apps' tests.
SEEDED_GROUPS = ("工会组织", "会员", "阵地")
CODES = [i.code for i in indicators.all_indicators() if i.group in SEEDED_GROUPS]


def test_the_registry_declares_the_registry_indicators():
    assert {"unions", "unions.by_kind", "unions.founded", "employees", "members"} <= set(CODES)
    assert {"members.rate", "members.by_gender", "members.by_age", "members.by_hukou"} <= set(CODES)
    for indicator in indicators.all_indicators():
        assert indicator.name and indicator.definition and indicator.unit
        assert len(indicator.counters) in (0, len(indicator.parts))


@pytest.fixture(params=[1, 2])
def seeded(request, built):
    """The personas' world with a random data set added (built once per process and seed)."""

    def build():
        world = build_world()
        seed(world, random.Random(request.param))
        for name in ("province", "city", "county_a", "county_b", "union_a1"):
            getattr(world, name).refresh_from_db()
        return world

    return built(("stats.seeded", request.param), build)


@pytest.fixture(autouse=True)
def _records_read_once():
    """No test here writes while it compares: the brute force reads each table once."""
    with reading_once():
        yield


def _same(got, expected):
    if isinstance(expected, float):
        return got == pytest.approx(expected)
    return got == expected


#: A past month's end and today. The year rows at 31 December and 1 January are checked by
#: stats/tests/test_summaries.py (every month's end 2019–2026), members/tests/test_summaries.py
#: (the members' figures) and test_kept_stocks.py (the unions', stats.testing.window_dates).
@pytest.mark.parametrize("on", [PAST, None], ids=["past", "today"])
def test_each_indicator_equals_the_brute_force_count(seeded, on):
    today = timezone.localdate()
    on = on or today
    for org in (seeded.province, seeded.county_a, seeded.county_b, seeded.union_a1):
        # The overview's figures (read together), each the figure read on its own.
        shown = indicators.figures_of([indicators.get(c) for c in CODES], org, on, today)
        for code, fig in zip(CODES, shown, strict=True):
            indicator = indicators.get(code)
            assert fig == indicators.figure(indicator, org, on, today), code
            expected = brute_force(code, org, on)
            assert _same(fig.value, expected), (code, org.name, on, fig.value, expected)
            own = brute_force(code, org, on, own=True)
            assert _same(fig.own, own), (code, org.name, on, "本级", fig.own, own)


@pytest.mark.parametrize("on", [PAST, None], ids=["past", "today"])
def test_the_sub_units_figures_are_their_subtrees(seeded, on):
    today = timezone.localdate()
    on = on or today
    for org in (seeded.province, seeded.city, seeded.county_a):
        children = list(org.children.all())
        for code in CODES:
            indicator = indicators.get(code)
            values = indicators.by_child(indicator, org, children, on, today)
            for child in children:
                assert _same(values[child.pk], brute_force(code, child, on)), (code, child.name)
            assert _same(values[None], brute_force(code, org, on, own=True)), (code, "本级")


def test_the_counters_and_the_records_agree_today(seeded):
    """The figures read from the kept counters today equal those read from the records."""
    today = timezone.localdate()
    for indicator in indicators.all_indicators():
        if not indicator.counters:
            continue
        for org in (seeded.province, seeded.county_a, seeded.union_a1):
            kept = indicators.figure(indicator, org, today, today)
            read = indicators.figure(indicator, org, today, today + dt.timedelta(days=1))
            assert _same(kept.value, read.value) and _same(kept.own, read.own), indicator.code


def test_the_home_pages_figures_are_the_indicators(seeded):
    """The home page sums 工会组织数（按组织类型） for 工会组织数 and 基层工会数: the same figures."""
    from smartunion.stats.home import scope_figures

    today = timezone.localdate()
    figures = {f.label: f.value for f in scope_figures(seeded.county_admin).headline}
    for code in ("unions", "unions.grassroots", "members", "employees"):
        indicator = indicators.get(code)
        expected = brute_force(code, seeded.county_a, today)
        assert (
            figures[indicator.name]
            == expected
            == indicators.total(indicator, seeded.county_a, today, today + dt.timedelta(days=1))
        ), code


def test_a_trend_gives_each_month_as_the_figure_at_its_end(seeded):
    today = timezone.localdate()
    for code in ("members", "unions", "employees", "members.rate", "members.joins"):
        indicator = indicators.get(code)
        points = indicators.trend(indicator, seeded.county_a, today, 14)
        assert len(points) == 14 and points[-1][0] == today
        for last, value in points:
            if indicator.kind == indicators.FLOW:
                first = last.replace(day=1)
                expected = brute_force(code, seeded.county_a, last) - (
                    brute_force(code, seeded.county_a, first - dt.timedelta(days=1))
                    if first.month != 1
                    else 0
                )
            else:
                expected = brute_force(code, seeded.county_a, last)
            assert _same(value, expected), (code, last)


def test_a_rates_trend_counts_a_union_from_its_backdated_dissolution_as_unrated(world):
    """入会率's trend reads the members of unrated unions once for all its months, finding the
    unions unrated at either end: a union rated when the months begin, dissolved on a date
    between them that was entered after its members had left, is unrated from that date and
    its members, current until they left, count against no workers."""
    from smartunion.members.models import CURRENT_STATUSES, Membership
    from smartunion.members.services import leave_union
    from smartunion.orgs.services import dissolve_org, update_org

    today = timezone.localdate()
    union, other = world.union_a1, world.union_a2
    update_org(union, {"founded_on": today - dt.timedelta(days=900)}, actor=world.county_admin)
    # Another union's workers, so that the rate is a number after the dissolution.
    update_org(
        other,
        {"employee_count": 50, "founded_on": today - dt.timedelta(days=900)},
        actor=world.county_admin,
    )
    for i in range(3):
        world.add_member(union, f"老会员{i}", joined_on=today - dt.timedelta(days=700))
    for membership in Membership.objects.filter(org=union, status__in=CURRENT_STATUSES):
        leave_union(membership, actor=world.county_admin, on=today)
    dissolve_org(union, actor=world.county_admin, on=today - dt.timedelta(days=120))
    # A union founded between the months, rated since, with a member whose 入会日期 is older
    # than the union: unrated (not yet there) while the member already counts.
    founded = world.union_b1
    update_org(
        founded,
        {"founded_on": today - dt.timedelta(days=200), "employee_count": 40},
        actor=world.city_admin,
    )
    world.add_member(founded, "早入会", joined_on=today - dt.timedelta(days=400))

    indicator = indicators.get("members.rate")
    with reading_once():
        for org in (world.county_a, world.province):
            for last, value in indicators.trend(indicator, org, today, 12):
                assert _same(value, brute_force("members.rate", org, last)), (org.name, last)
    # The union itself is unrated from the dissolution (its members over no workers).
    before = today - dt.timedelta(days=200)
    after = today - dt.timedelta(days=60)
    assert brute_force("members.rate", union, before) == 3 / union.employee_count
    assert brute_force("members.rate", union, after) is None
    assert brute_force("members.rate", world.county_a, after) == 0  # 李四 joined today


def test_the_months_of_a_trend_end_on_the_last_day_or_today():
    months = indicators.month_ends(dt.date(2026, 3, 15), 4)
    assert months == [
        (dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 15)),
    ]


def _reads(part, path: str = "") -> int:
    less = _reads(part.less) if part.less is not None else 0
    if part.summary is not None and summaries.covers(path):
        # The sub-units' paths (a loose scan of the index, decision 0032), then their rows.
        return 2 + less
    return 1 + less


#: The day-level remainder of a summary read inside a month: the memberships begun, ended or
#: transferred in the rest of the month (three reads by index) and their records (one read;
#: more only past 5,000 of them); for the age bands one grouped count per band edge.
REMAINDER = 7


def _bound(indicator, path: str, day) -> int:
    inside = day != summaries.month_end(summaries.month_index(day))
    return sum(
        _reads(p, path) + (REMAINDER if inside and p.summary and summaries.covers(path) else 0)
        for p in indicator.parts
    )


def test_each_figure_is_one_read_per_part_and_none_from_the_counters(world):
    """One grouped read per part (and per correction), whatever the size of the subtree: the
    sub-units' figures come from the same read (grouped by the next segment of the path).
    The province's member figures read the summaries: its sub-units' paths and one read at a
    month's end, and a few more for the rest of the month inside one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    for org in (world.province, world.union_a1):
        for indicator in indicators.all_indicators():
            with CaptureQueriesContext(connection) as past:
                indicators.figure(indicator, org, PAST, today)
            assert len(past) == _bound(indicator, org.path, PAST), indicator.code
            with CaptureQueriesContext(connection) as now:
                indicators.figure(indicator, org, today, today)
            expected = _bound(indicator, org.path, today)
            assert len(now) <= (0 if indicator.counters else expected), indicator.code
            if indicator.is_breakdown:
                continue
            with CaptureQueriesContext(connection) as trend:
                indicators.trend(indicator, org, today, 24)
            # A part's few records taken off (``less``) are read once a month in a trend.
            monthly = sum(24 - 1 for p in indicator.parts if p.less is not None)
            assert len(trend) <= expected + monthly, indicator.code


def test_a_second_tree_beside_the_province_is_not_counted_in_it(seeded):
    """The only root's overview reads its records without the unions' paths: every record
    with a union is under it (a read of the province's honours hashed all 49,000 unions to
    filter by a prefix every union has). With a second root beside it, through the paths
    again: that tree's unions, members and venues are not the province's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartunion.core.testing import new_id_number
    from smartunion.members import summaries as member_summaries
    from smartunion.members.indicators import years_before
    from smartunion.orgs.models import Kind
    from smartunion.personas import make_org
    from smartunion.stats import kept
    from smartunion.stats.tests.seeded import _venue
    from smartunion.venues.models import Venue, VenueKind, VenueStatus

    today = timezone.localdate()
    shown = [indicators.get(code) for code in CODES]

    def overview(on):
        with CaptureQueriesContext(connection) as queries:
            got = indicators.figures_of(shown, seeded.province, on, today)
        reads = [q["sql"] for q in queries if 'FROM "venues_venue"' in q["sql"]]
        return [(f.value, f.own) for f in got], reads

    alone = {}
    for on in (PAST, today):
        alone[on], reads = overview(on)
        assert reads and not [sql for sql in reads if 'JOIN "orgs_organization"' in sql]
    other = make_org("另一总工会", None, Kind.PROVINCE, "620000")
    union = make_org(
        "另一工会", other, Kind.SINGLE, "620102", founded_on=dt.date(2010, 1, 1), employee_count=80
    )
    # Turning 36 tomorrow (when tomorrow is in this month): the 年龄段 of the rest of the month
    # read from the records for the province (the month's summary rows less it) must not
    # count a birthday of the other tree.
    tomorrow = today + dt.timedelta(days=1)
    seeded.add_member(
        union,
        "另一会员",
        joined_on=dt.date(2015, 1, 1),
        id_number=new_id_number(birth=years_before(tomorrow, 36)),
    )
    for i in range(3):
        _venue(random.Random(i), union, 100 + i, today)
    Venue.objects.filter(org=union).update(kind=VenueKind.STATION)
    Venue.objects.filter(org=union).update(
        built_on=dt.date(2015, 1, 1), status=VenueStatus.OPEN, closed_on=None
    )
    member_summaries.rebuild()
    kept.rebuild()
    for on in (PAST, today):
        got, reads = overview(on)
        assert got == alone[on], on
        assert brute_force("venues.stations", other, on) >= 1
        assert reads and all('JOIN "orgs_organization"' in sql for sql in reads)
        for code, (value, own) in zip(CODES, got, strict=True):
            assert _same(value, brute_force(code, seeded.province, on)), (code, on)
            assert _same(own, brute_force(code, seeded.province, on, own=True)), (code, on)


def test_a_membership_opened_by_a_transfer_counts_from_its_transfer_in_every_read(world):
    """A member who joined long ago and moved to another union counts in the old union until
    the 转入 and in the new one from it — in a union's overview, its figure alone, its county's
    comparison and its trend (each read joins only the 转入 after its first day: a bug there
    counts the new membership from the member's first 入会日期)."""
    from smartunion.members import summaries as member_summaries
    from smartunion.stats.tests.seeded import _transfer

    today = timezone.localdate()
    moved_on = summaries.month_start(summaries.month_index(today - dt.timedelta(days=90)))
    moved_on += dt.timedelta(days=9)
    before = moved_on - dt.timedelta(days=10)  # the last day of the month before
    after = summaries.month_end(summaries.month_index(moved_on))
    members = indicators.get("members")
    children = list(world.county_a.children.all())

    def reads(union, on):
        overview = indicators.figures_of([members], union, on, today)[0].value
        alone = indicators.figure(members, union, on, today).value
        compared = indicators.by_child(members, world.county_a, children, on, today)[union.pk]
        trend = dict(indicators.trend(members, union, today, 6))[on]
        return overview, alone, compared, trend

    unions = (world.union_a1, world.union_a2)
    was = {(u.pk, on): reads(u, on) for u in unions for on in (before, after)}
    member = world.add_member(world.union_a1, "转出者", joined_on=dt.date(2015, 3, 1))
    _transfer(member, world.union_a2, moved_on)
    member_summaries.rebuild()
    for union, on, more in (
        (world.union_a1, before, 1),
        (world.union_a2, before, 0),
        (world.union_a1, after, 0),
        (world.union_a2, after, 1),
    ):
        now = reads(union, on)
        assert now == tuple(n + more for n in was[union.pk, on]), (union.name, on, now)


def test_a_read_at_today_joins_no_transfer_in_and_counts_todays_transfer_in_the_new_union(world):
    """A 转入 is dated the day it is accepted: a read at today joins none (``begun_by``), a
    read at an earlier day still leaves out the memberships opened after it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartunion.members.services import transfer_membership

    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    # By gender: read from the records at today too (会员人数 today is the kept counters').
    by_gender = indicators.get("members.by_gender")
    children = list(world.county_a.children.all())

    def compared(on):
        with CaptureQueriesContext(connection) as queries:
            numbers = indicators.by_child(by_gender, world.county_a, children, on, today)
        joined = any("members_membershipevent" in q["sql"] for q in queries.captured_queries)
        return {pk: sum(value.values()) for pk, value in numbers.items()}, joined

    (was_today, _), (was_yesterday, _) = compared(today), compared(yesterday)
    member = world.add_member(world.union_a1, "今日转会", joined_on=dt.date(2015, 3, 1))
    transfer_membership(member, world.union_a2, actor=world.county_admin)
    (now, joined_today), (then, joined_yesterday) = compared(today), compared(yesterday)
    a1, a2 = world.union_a1.pk, world.union_a2.pk
    assert (now[a1], now[a2]) == (was_today[a1], was_today[a2] + 1)
    assert (then[a1], then[a2]) == (was_yesterday[a1] + 1, was_yesterday[a2])
    assert not joined_today and joined_yesterday


def test_a_breakdown_by_a_case_counts_each_category_in_its_own_column(world):
    """年龄段 is a ``Case`` of constant bands: the records are grouped by sub-unit alone, each
    band a filtered count (``_pivot``), not sorted by band within each sub-unit — and every
    member still counts in the one band they are in on that day, on either side of each
    band's edge."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartunion.core.testing import new_id_number
    from smartunion.members.indicators import AGE_BANDS, age_band, years_before
    from smartunion.members.models import Membership
    from smartunion.members.summaries import band_on

    today = timezone.localdate()
    bands = indicators._pivot(age_band(today))
    assert [value for value, _ in bands] == [code for code, _, _ in reversed(AGE_BANDS)]
    assert indicators._pivot(indicators.get("members.by_gender").parts[0].category(today)) is None
    for _, _, low in AGE_BANDS[1:]:
        for shift in (0, 1):  # the band's first day, and the day before it
            born = years_before(today, low) + dt.timedelta(days=shift)
            world.add_member(world.union_a1, "边界", id_number=new_id_number(birth=born))
    children = list(world.county_a.children.all())
    with CaptureQueriesContext(connection) as queries:
        numbers = indicators.by_child(
            indicators.get("members.by_age"), world.county_a, children, today, today
        )
    reads = [q["sql"] for q in queries.captured_queries if "members_membership" in q["sql"]]
    # Grouped by the sub-unit's path alone (Django names the grouped columns by position).
    assert reads and all(sql.rstrip().endswith("GROUP BY 1") for sql in reads)
    expected: dict[int, Counter] = {}
    for membership in Membership.objects.filter(org__in=children).current():
        band = band_on(membership.birth_date, today)
        expected.setdefault(membership.org_id, Counter())[band] += 1
    assert {pk: +Counter(n) for pk, n in numbers.items() if +Counter(n)} == expected
