"""Prepared statements on PostgreSQL, and the statistics' reads planned for their values
(core.plans, core.postgresql.compiler; decision 0041)."""

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from smartunion.core.plans import unprepared
from smartunion.orgs.models import Organization
from smartunion.stats import indicators

pytestmark = pytest.mark.django_db

postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def prepared(*fragments: str) -> list[str]:
    """The statements this connection has prepared on the server that contain every fragment.
    (psycopg deallocates them all at a rollback: each test starts with none.)"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall() if all(f in row[0] for f in fragments)]


#: The read the first two tests run again and again, as it reads once prepared.
READ = ('"orgs_organization"."depth" = $', '"orgs_organization"."name" = $')


@postgresql
def test_a_statement_run_again_is_prepared_on_the_server(world):
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 5
    for _ in range(6):
        assert not Organization.objects.filter(name="没有这个工会", depth=99).exists()
    (statement,) = prepared(*READ)
    assert "没有这个工会" not in statement  # the values are bound, not in the text


@postgresql
def test_inside_unprepared_nothing_is_prepared_and_the_setting_comes_back_after(world):
    with unprepared():
        for _ in range(8):
            assert not Organization.objects.filter(name="没有这个工会", depth=98).exists()
        assert connection.connection.prepare_threshold is None
    assert prepared(*READ) == []
    assert connection.connection.prepare_threshold == 5


@postgresql
def test_the_statistics_reads_are_planned_for_their_values_each_time(world):
    """A generic plan made without the union and the days was 2.4–3.5 times slower on some
    figures at the province (bench/stats.py): every read of a figure runs unprepared."""
    today = timezone.localdate()
    year_end = dt.date(today.year - 1, 12, 31)
    for code in ("members.by_gender", "unions.by_kind"):
        for _ in range(7):
            indicators.total(indicators.get(code), world.county_a, year_end, today)
            indicators.total(indicators.get(code), world.province, today, today)
    assert prepared("stats_summary") == []
    assert prepared("members_membership") == []


def test_a_grouped_read_selecting_one_expression_twice_groups_by_both(world):
    """Django groups equal selected expressions once (ticket #34255); with the values bound on
    the server each copy has its own parameters and PostgreSQL refused the ungrouped one."""
    rows = (
        Organization.objects.annotate(first=Substr("path", 1, 16), again=Substr("path", 1, 16))
        .values("first", "again")
        .annotate(n=Count("id"))
    )
    expected = Counter(path[:16] for path in Organization.objects.values_list("path", flat=True))
    assert len(expected) > 1
    assert {(r["first"], r["again"], r["n"]) for r in rows} == {
        (key, key, n) for key, n in expected.items()
    }
