"""The hardship files 在档 kept as stocks from their declarations (stats.kept, decision 0033,
h15f): the figures read from the summaries equal the same parts read from the records at
month ends, month starts, days inside a month, today and the files' own edges, for a union, a
county, a city and the province, on random files (filed and closed at random dates, some
closed on or before their filing, some closed ahead, some never filed)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from smartunion.assistance.codes import Category, Cause
from smartunion.assistance.models import HardshipFile
from smartunion.assistance.testing import make_file
from smartunion.stats import indicators, kept
from smartunion.stats.models import Summary
from smartunion.stats.tests.test_kept_stocks import _clean, _dates, _day, _from_records, _month_end

FILE_CODES = ["assistance.files", "assistance.files.by_category", "assistance.files.by_cause"]


def _random_files(world, rng: random.Random) -> list[dt.date]:
    """Files under the personas' unions with random 建档/办结 dates, categories and causes,
    written directly (copies of one file: one household, many rows); returns their edge
    dates, today first."""
    today = timezone.localdate()
    first = make_file(world.union_a1, world.member_a1.person, state="in_file")
    unions = [world.union_a1, world.union_a2, world.union_b1, world.county_a, world.city]
    edges = [today]
    for i in range(30):
        filed = rng.choice(
            [None, _day(rng, dt.date(2018, 1, 1), today), today.replace(day=1), today]
        )
        closed = None
        if filed is not None and rng.random() < 0.6:
            closed = rng.choice(
                [
                    filed,
                    filed - dt.timedelta(days=2),
                    filed + dt.timedelta(days=1),
                    _month_end(filed),
                    _day(rng, filed, max(filed, today)),
                    today + dt.timedelta(days=rng.randrange(1, 40)),
                ]
            )
        file = HardshipFile.objects.get(pk=first.pk)
        file.pk = None
        file.number = f"KNTR{i:05d}"
        file.org = rng.choice(unions)
        file.filed_on, file.closed_on = filed, closed
        file.category = rng.choice([c for c, _ in Category.choices] + [""])
        file.main_cause = rng.choice([c for c, _ in Cause.choices])
        file.save()
        edges += [d for d in (filed, closed) if d is not None]
    kept.rebuild()  # written outside the services
    return edges


@pytest.mark.parametrize("seed", [1, 2])
def test_the_kept_file_figures_equal_the_records_at_every_date(world, seed):
    rng = random.Random(seed)
    edges = _random_files(world, rng)
    today = timezone.localdate()
    assert Summary.objects.filter(dim="fs", path=world.province.path).exists()
    shown = [indicators.get(code) for code in FILE_CODES]
    assert all(part.summary.is_kept for i in shown for part in i.parts)
    for org in (world.province, world.city, world.county_a, world.union_a1):
        for on in _dates(edges, rng):
            for indicator in shown:
                kept_numbers = indicators.numbers_by_key(indicator, org.path, on, by_child=True)
                records = _from_records(
                    lambda i=indicator, o=org, d=on: indicators.numbers_by_key(
                        i, o.path, d, by_child=True
                    )
                )
                assert _clean(kept_numbers) == _clean(records), (indicator.code, org.name, on)
            figures = indicators.figures_of(shown, org, on, today + dt.timedelta(days=1))
            from_records = _from_records(
                lambda o=org, d=on: indicators.figures_of(shown, o, d, today + dt.timedelta(days=1))
            )
            assert [(f.value, f.own) for f in figures] == [
                (f.value, f.own) for f in from_records
            ], (org.name, on)


def test_the_migration_fills_the_file_stocks_of_existing_files(world):
    """stats 0009's function, with its historical models, over files already there; the other
    kept rows untouched."""
    import importlib

    from smartunion.core.testing import historical_apps

    _random_files(world, random.Random(3))
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
