"""Stocks kept from their declarations (stats.kept, decision 0033): the unions' figures read
from the summaries equal the same parts read from the records at month ends, month starts,
days inside a month (past, this month's, today) and dates whose unions begin or end counting
later in the month, for a union, a county, a city and the province, on random small data
sets; and the summaries equal a recount after every service that changes a union."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

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
UNIT_CATEGORIES = ["", "110", "170", "200", "300", "400", "500", "600", "700"]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(day: dt.date) -> dt.date:
    return summaries.month_end(summaries.month_index(day))


def _random_unions(world, rng: random.Random) -> list[dt.date]:
    """Unions of every kind under the personas' tree with random dates (some without a 建会日期,
    some dissolved or merged before, on or after their founding, some later this month or
    next — a 撤销日期 may be ahead, a 建会日期 may not — some marked dissolved without a
    date), written directly; returns their edge dates, today first."""
    today = timezone.localdate()
    parents = [world.city, world.county_a, world.county_b, world.union_a2]
    edges = [today]
    for i in range(24):
        parent = rng.choice(parents)
        founded = rng.choice(
            [
                None,
                _day(rng, dt.date(2015, 1, 1), today),
                _month_start(today),
                _month_end(dt.date(2024, 2, 1)),
            ]
        )
        kind = rng.choice([*GRASSROOTS_KINDS, Kind.TOWNSHIP])
        union = make_org(
            f"随机工会{i}",
            parent if kind != Kind.TOWNSHIP else world.county_a,
            kind,
            parent.region_id,
            founded_on=founded,
            employee_count=rng.choice([0, rng.randrange(20, 800)]),
            unit_category=rng.choice(UNIT_CATEGORIES),
            women_committee=rng.random() < 0.5,
        )
        fate = rng.random()
        if fate < 0.5:
            begins = founded or today
            on = rng.choice(
                [
                    None,
                    begins,
                    begins - dt.timedelta(days=3),
                    _day(rng, begins, max(begins, today)),
                    _month_end(begins),
                    today + dt.timedelta(days=rng.randrange(1, 40)),
                ]
            )
            status = rng.choice([Status.DISSOLVED, Status.MERGED, Status.NORMAL])
            Organization.objects.filter(pk=union.pk).update(status=status, dissolved_on=on)
            if on is not None:
                edges.append(on)
        if founded is not None:
            edges.append(founded)
    kept.rebuild()  # written outside the services
    return edges


def _dates(edges: list[dt.date], rng: random.Random) -> list[dt.date]:
    """Edge dates (today and some of the unions'), the days around them, their months' first
    and last days and a day inside them."""
    out = set()
    for day in [edges[0], *rng.sample(edges[1:], min(2, len(edges) - 1))]:
        out |= {
            day,
            day - dt.timedelta(days=1),
            day + dt.timedelta(days=1),
            _month_start(day),
            _month_end(day),
            _month_start(day) + dt.timedelta(days=11),
        }
    return sorted(out)


def _from_records(read):
    depth = summaries.DEPTH
    summaries.DEPTH = 0
    try:
        return read()
    finally:
        summaries.DEPTH = depth


def _clean(numbers: dict) -> dict:
    return {
        key: [Counter({c: n for c, n in part.items() if n}) for part in parts]
        for key, parts in numbers.items()
        if any(any(part.values()) for part in parts)
    }


@pytest.mark.parametrize("seed", [1, 2])
def test_the_kept_union_figures_equal_the_records_at_every_date(world, seed):
    rng = random.Random(seed)
    edges = _random_unions(world, rng)
    today = timezone.localdate()
    assert Summary.objects.filter(dim="uo", path=world.province.path).exists()
    shown = [indicators.get(code) for code in UNION_CODES]
    rated = indicators.get("members.rate").parts[1]
    for org in (world.province, world.city, world.county_a, world.union_a2):
        org.refresh_from_db()
        for on in _dates(edges, rng):
            for indicator in shown:
                kept_numbers = indicators.numbers_by_key(indicator, org.path, on, by_child=True)
                records = _from_records(
                    lambda i=indicator, o=org, d=on: indicators.numbers_by_key(
                        i, o.path, d, by_child=True
                    )
                )
                assert _clean(kept_numbers) == _clean(records), (indicator.code, org.name, on)
            start, end = indicators.period(indicators.get("members.rate"), on)
            got = indicators._read(rated, org.path, start, end, by_child=True)
            expected = _from_records(
                lambda s=start, e=end, o=org: indicators._read(rated, o.path, s, e, by_child=True)
            )
            assert _clean({k: [v] for k, v in got.items()}) == _clean(
                {k: [v] for k, v in expected.items()}
            ), ("members.rate", org.name, on)
            # The overview: read together, the union itself (本级) apart.
            figures = indicators.figures_of(shown, org, on, today + dt.timedelta(days=1))
            from_records = _from_records(
                lambda o=org, d=on: indicators.figures_of(shown, o, d, today + dt.timedelta(days=1))
            )
            assert [(f.value, f.own) for f in figures] == [
                (f.value, f.own) for f in from_records
            ], (org.name, on)


def recounted() -> None:
    assert kept.check() == []


def test_the_kept_union_figures_equal_a_recount_after_every_service(world):
    today = timezone.localdate()
    recounted()
    before = Summary.objects.filter(dim="uo", path=world.province.path).count()
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
    assert Summary.objects.filter(dim="uo", path=world.province.path).count() >= before
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
