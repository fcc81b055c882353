"""Stocks kept from their declarations (stats.kept, decision 0033): the unions' figures read
from the summaries equal the same parts read from the records at one date of each window of a
read (stats.testing.window_dates: month ends, the halves of a past month, this month's first
day, a day inside it, today) and the unions' own edges, for a county, a city and the province,
on unions of every fate; and the summaries equal a recount after every service that changes a
union."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from smartunion.orgs import services as org_services
from smartunion.orgs.models import GRASSROOTS_KINDS, Kind, Organization, Status
from smartunion.personas import make_org
from smartunion.regions.models import Region
from smartunion.stats import indicators, kept, summaries
from smartunion.stats.models import Summary
from smartunion.stats.testing import (
    EDGE,
    assert_kept_equals_records,
    clean,
    from_records,
    month_end,
    window_dates,
)

#: The figures whose parts are all kept stocks or flows of the unions (and 入会率's 职工人数).
UNION_CODES = [
    "unions",
    "unions.grassroots",
    "unions.by_kind",
    "unions.by_status",
    "unions.founded",
    "unions.grassroots.by_unit",
    "unions.joint",
    "unions.women_committee",
    "employees",
]
#: One of each shape: the 正常 spans (the other five of UNION_CODES share it, with another
#: ``where`` or category), the spans by status, a sum (职工人数) and the flow of 建会日期.
SWEPT = ["unions", "unions.by_status", "employees", "unions.founded"]
UNIT_CATEGORIES = ["", "110", "170", "200", "300", "400", "500", "600", "700"]
#: When a union begins counting: no 建会日期 (from its creation, today), a past day, a month's
#: end, this month's first day.
FOUNDED = ("none", "past", "month end", "this month")
#: Its fate: none, or 撤销/合并 (or still 正常) on a day before, on or after its beginning, at
#: that month's end, later this month or next, or marked without a date.
FATES = (None, "no date", "before", "on", "after", "month end", "tomorrow", "ahead")


def _unions(world) -> None:
    """A union of each FOUNDED × FATES, of every kind, under the personas' tree, written
    directly (their other fields taking turns)."""
    today = timezone.localdate()
    founding = {
        "none": None,
        "past": EDGE,
        "month end": dt.date(2024, 2, 29),
        "this month": today.replace(day=1),
    }
    parents = itertools.cycle([world.city, world.county_a, world.county_b, world.union_a2])
    kinds = itertools.cycle([*GRASSROOTS_KINDS, Kind.TOWNSHIP])
    statuses = itertools.cycle([Status.DISSOLVED, Status.MERGED, Status.NORMAL])
    categories = itertools.cycle(UNIT_CATEGORIES)
    for i, (begins, fate) in enumerate(itertools.product(FOUNDED, FATES)):
        founded = founding[begins]
        parent, kind = next(parents), next(kinds)
        union = make_org(
            f"边界工会{i}",
            parent if kind != Kind.TOWNSHIP else world.county_a,
            kind,
            parent.region_id,
            founded_on=founded,
            employee_count=0 if i % 3 == 0 else 20 + 37 * i,
            unit_category=next(categories),
            women_committee=i % 2 == 0,
        )
        if fate is None:
            continue
        begun = founded or today
        on = {
            "no date": None,
            "before": begun - dt.timedelta(days=3),
            "on": begun,
            "after": min(begun + dt.timedelta(days=11), max(begun, today)),
            "month end": month_end(begun),
            "tomorrow": today + dt.timedelta(days=1),
            "ahead": today + dt.timedelta(days=40),
        }[fate]
        Organization.objects.filter(pk=union.pk).update(status=next(statuses), dissolved_on=on)
    kept.rebuild()  # written outside the services


def test_the_kept_union_figures_equal_the_records_at_every_date(world):
    _unions(world)
    today = timezone.localdate()
    assert Summary.objects.filter(dim="uo", path=world.province.path).exists()
    orgs = [world.province, world.city, world.county_a]
    for org in orgs:
        org.refresh_from_db()
    dates = window_dates(today)
    assert_kept_equals_records(SWEPT, orgs, dates)
    # The other five shapes' ``where`` and categories: inside a past month and today.
    inside = EDGE + dt.timedelta(days=11)
    assert_kept_equals_records(UNION_CODES, orgs, [inside, today])
    # 入会率's 职工人数 of the unions with workers, by sub-unit.
    rated = indicators.get("members.rate").parts[1]
    for org in (world.province, world.city):
        for on in (inside, today):
            start, end = indicators.period(indicators.get("members.rate"), on)
            got = indicators._read(rated, org.path, start, end, by_child=True)
            expected = from_records(
                lambda s=start, e=end, o=org: indicators._read(rated, o.path, s, e, by_child=True)
            )
            assert clean({k: [v] for k, v in got.items()}) == clean(
                {k: [v] for k, v in expected.items()}
            ), ("members.rate", org.name, on)
    # The records of the other shapes are there to be counted at these dates.
    at = indicators.figure(indicators.get("unions.by_status"), world.province, today, today)
    assert at.value[Status.NORMAL] and at.value[Status.DISSOLVED] and at.value[Status.MERGED]


def recounted() -> None:
    assert kept.check() == []


def test_the_kept_union_figures_equal_a_recount_after_every_service(world):
    today = timezone.localdate()
    recounted()

    def this_month() -> int:
        rows = Summary.objects.filter(
            dim="uo", path=world.province.path, month=summaries.month_index(today)
        )
        return sum(r.n for r in rows)

    before = this_month()
    created = org_services.create_org(
        {
            "name": "新建机械厂工会",
            "kind": Kind.SINGLE,
            "region": Region.objects.get(code="620102"),
            "founded_on": today.replace(day=1),
            "employee_count": 120,
            "women_committee": True,
            "unit_category": "110",
        },
        parent=world.county_a,
        actor=world.county_admin,
    )
    recounted()
    assert this_month() == before + 1  # the new union, in the month of its 建会日期
    for values in (
        {"founded_on": dt.date(2019, 5, 31), "employee_count": 80},
        {"kind": Kind.JOINT, "women_committee": False, "unit_category": "300"},
        {"founded_on": None},
        {"employee_count": 0},
    ):
        data = {
            "name": created.name,
            "kind": created.kind,
            "region": created.region,
            "founded_on": created.founded_on,
            "employee_count": created.employee_count,
            "women_committee": created.women_committee,
            "unit_category": created.unit_category,
        }
        data.update(values)
        created = org_services.update_org(created, data, actor=world.county_admin)
        recounted()
    # Moved to the sibling county, then to the city itself.
    created = org_services.move_org(created, world.county_b, actor=world.city_admin)
    recounted()
    created = org_services.move_org(created, world.city, actor=world.city_admin)
    recounted()
    # Dissolved back in time; another merged into a third one today.
    org_services.dissolve_org(created, actor=world.city_admin, on=dt.date(2024, 3, 31))
    recounted()
    other = org_services.create_org(
        {
            "name": "待合并工会",
            "kind": Kind.SINGLE,
            "region": Region.objects.get(code="620103"),
            "employee_count": 40,
        },
        parent=world.county_b,
        actor=world.city_admin,
    )
    recounted()
    org_services.dissolve_org(other, actor=world.city_admin, merged_into=world.union_a2)
    recounted()
    # A county moved under the province: its unions' rows leave the city's key.
    org_services.move_org(world.county_b, world.province, actor=world.province_admin)
    recounted()
    figure = indicators.figure(indicators.get("unions.by_status"), world.province, today, today)
    assert figure.value[Status.MERGED] == 1 and figure.value[Status.DISSOLVED] == 1


def test_the_command_finds_and_fixes_a_union_written_outside_the_services(world):
    Organization.objects.filter(pk=world.union_b1.pk).update(founded_on=dt.date(2001, 2, 3))
    with pytest.raises(CommandError, match="summary cells drifted"):
        call_command("rebuild_stats", "--check")
    call_command("rebuild_stats", "--check", "--fix")
    recounted()
    rows = Summary.objects.filter(dim="uo", path=world.province.path, month=2001 * 12 + 1)
    assert [r.n for r in rows] == [1]
