"""The hardship files 在档 kept as stocks from their declarations (stats.kept, decision 0033,
h15f): the figures read from the summaries equal the same parts read from the records at one
date of each window of a read (stats.testing.window_dates: month ends, the halves of a past
month, this month's first day, a day inside it, today) and the files' own edges, for a county, a
city and the province, on files of every fate (closed before, on or after their filing, at its
month's end, later this month or next; never filed)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from smartunion.assistance.codes import Category, Cause
from smartunion.assistance.models import HardshipFile
from smartunion.assistance.testing import make_file
from smartunion.stats import indicators, kept
from smartunion.stats.models import Summary
from smartunion.stats.testing import EDGE, assert_kept_equals_records, month_end, window_dates

FILE_CODES = ["assistance.files", "assistance.files.by_category", "assistance.files.by_cause"]
#: When a file is filed (建档日期): never, a past day, this month's first day, today.
FILED = ("none", "past", "this month", "today")
#: When it is closed (办结日期): not, or before, on or after its filing, at that month's end,
#: later this month or next.
CLOSED = (None, "before", "on", "next day", "after", "month end", "tomorrow", "ahead")


def _files(world, count: int | None = None) -> None:
    """A file of each FILED × CLOSED (one never filed) under the personas' unions, written
    directly (copies of one file: one household, many rows; categories and causes taking
    turns); ``count``: the first few only."""
    today = timezone.localdate()
    first = make_file(world.union_a1, world.member_a1.person, state="in_file")
    filing = {"none": None, "past": EDGE, "this month": today.replace(day=1), "today": today}
    unions = itertools.cycle(
        [world.union_a1, world.union_a2, world.union_b1, world.county_a, world.city]
    )
    categories = itertools.cycle([c for c, _ in Category.choices] + [""])
    causes = itertools.cycle([c for c, _ in Cause.choices])
    fates = [(f, c) for f, c in itertools.product(FILED, CLOSED) if f != "none" or c is None]
    for i, (filed_on, closed_on) in enumerate(fates[:count]):
        filed = filing[filed_on]
        closed = None
        if closed_on is not None:
            closed = {
                "before": filed - dt.timedelta(days=2),
                "on": filed,
                "next day": filed + dt.timedelta(days=1),
                "after": min(filed + dt.timedelta(days=11), max(filed, today)),
                "month end": month_end(filed),
                "tomorrow": today + dt.timedelta(days=1),
                "ahead": today + dt.timedelta(days=40),
            }[closed_on]
        file = HardshipFile.objects.get(pk=first.pk)
        file.pk = None
        file.number = f"KNTR{i:05d}"
        file.org = next(unions)
        file.filed_on, file.closed_on = filed, closed
        file.category = next(categories)
        file.main_cause = next(causes)
        file.save()
    kept.rebuild()  # written outside the services


def test_the_kept_file_figures_equal_the_records_at_every_date(world):
    _files(world)
    assert Summary.objects.filter(dim="fs", path=world.province.path).exists()
    assert all(part.summary.is_kept for code in FILE_CODES for part in indicators.get(code).parts)
    dates = [*window_dates(timezone.localdate()), EDGE + dt.timedelta(days=1)]
    assert_kept_equals_records(FILE_CODES, [world.province, world.city, world.county_a], dates)


def test_the_migration_fills_the_file_stocks_of_existing_files(world):
    """stats 0009's function, with its historical models, over files already there; the other
    kept rows untouched."""
    import importlib

    from smartunion.core.testing import historical_apps

    _files(world, count=4)
    dims = ("fs", "fc", "fm")
    Summary.objects.filter(dim__in=dims).delete()
    others = sorted(Summary.objects.values_list("dim", "path", "month", "value", "n"))
    name = "0009_h15f_kept_file_stocks"
    migration = importlib.import_module(f"smartunion.stats.migrations.{name}")
    assert set(migration.DIMS) == set(dims) <= set(kept.dims(HardshipFile))
    migration.fill(historical_apps("stats", name), None)
    assert kept.check() == []
    assert (
        sorted(
            Summary.objects.exclude(dim__in=dims).values_list("dim", "path", "month", "value", "n")
        )
        == others
    )
    migration.empty(historical_apps("stats", name), None)
    assert not Summary.objects.filter(dim__in=dims).exists()
