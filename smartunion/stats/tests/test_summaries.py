"""The summaries' year rows (decision 0032): every change written to its month's row and to its
year's row, and every read — a stock, a flow, several flows, a trend's months — adds up the same
numbers as the month rows alone would, at every month's end from one year into the next (31
December, 31 January …); the rebuild's set-based year rows, the check and migration stats 0006
agree with the writer."""

from __future__ import annotations

import bisect
import datetime as dt
import importlib
import random
from collections import Counter
from types import SimpleNamespace

import pytest
from django.db import connection

from smartunion.core.testing import historical_apps
from smartunion.stats import summaries
from smartunion.stats.models import Summary

PROVINCE = "00000001"
CITIES = ("0000000100000002", "0000000100000003")
DIM = "zz"
VALUES = ("a", "b", "c")


def _keep_a_and_b(value: str) -> str | None:
    return value if value in ("a", "b") else None


@pytest.fixture
def cells(db):
    """Random changes of a province and its two cities, 1985 to 2030, written by ``add`` in
    three batches (rows added to as well as created)."""
    rng = random.Random(15)
    months = range(
        summaries.month_index(dt.date(1985, 1, 1)), summaries.month_index(dt.date(2030, 12, 1))
    )
    out: Counter = Counter()
    for _ in range(3):
        batch: Counter = Counter()
        for _ in range(400):
            path = rng.choice(CITIES)
            batch[path, DIM, rng.choice(months), rng.choice(VALUES)] += rng.randint(-3, 5)
        summaries.add(summaries.fan_out(batch))
        out.update(summaries.fan_out(batch))
    return out


class Sums:
    """The numbers of ``cells`` kept by ``_keep_a_and_b``, added up month by month for each
    path: called with ``(path, first, limit)``, their total over the months ``first`` (None: from
    the beginning) to ``limit``, as a read of the month rows alone gives it."""

    def __init__(self, cells: Counter):
        monthly: dict[str, dict[int, Counter]] = {}
        for (path, _, month, value), n in cells.items():
            category = _keep_a_and_b(value)
            if category is not None:
                monthly.setdefault(path, {}).setdefault(month, Counter())[category] += n
        self.months: dict[str, list[int]] = {}
        self.totals: dict[str, list[Counter]] = {}
        for path, numbers in monthly.items():
            total: Counter = Counter()
            self.months[path] = sorted(numbers)
            self.totals[path] = []
            for month in self.months[path]:
                total = Counter(total)
                total.update(numbers[month])
                self.totals[path].append(total)

    def upto(self, path: str, limit: int) -> Counter:
        i = bisect.bisect_right(self.months.get(path, []), limit)
        return Counter(self.totals[path][i - 1]) if i else Counter()

    def __call__(self, path: str, first: int | None, limit: int) -> Counter:
        numbers = self.upto(path, limit)
        if first is not None:
            numbers.subtract(self.upto(path, first - 1))
        return numbers


@pytest.fixture
def expected(cells) -> Sums:
    return Sums(cells)


def _month_ends():
    """Every month's last day from January 2019 to December 2026 (31 December, 31 January,
    28/29 February …): no part of a month is read from the records."""
    return [
        summaries.month_end(m)
        for m in range(
            summaries.month_index(dt.date(2019, 1, 1)), summaries.month_index(dt.date(2027, 1, 1))
        )
    ]


def _same(got: Counter, expected: Counter) -> bool:
    return +Counter(got) == +expected and -Counter(got) == -expected


def test_every_change_is_in_its_month_row_and_its_year_row(cells):
    stored = summaries.stored([DIM])
    months = Counter({cell: n for cell, n in stored.items() if cell[2] < summaries.YEARS})
    years = Counter({cell: n for cell, n in stored.items() if cell[2] >= summaries.YEARS})
    assert _same(months, cells)
    expected: Counter = Counter()
    for (path, dim, month, value), n in cells.items():
        expected[path, dim, summaries.YEARS + month // 12, value] += n
    assert _same(years, expected)
    with pytest.raises(ValueError):
        summaries.add(Counter({(PROVINCE, DIM, summaries.YEARS + 2020, "a"): 1}))


def test_a_stock_at_each_month_end_adds_up_every_month_before(expected):
    for day in _month_ends():
        limit = summaries.month_index(day)
        got = summaries.stock(DIM, PROVINCE, day, _keep_a_and_b, by_child=True)
        for path in (PROVINCE, *CITIES):
            assert _same(got.get(path, Counter()), expected(path, None, limit)), (path, day)
        alone = summaries.stock(DIM, CITIES[0], day, _keep_a_and_b, by_child=False)
        assert _same(alone[CITIES[0]], expected(CITIES[0], None, limit)), day


def test_flows_over_months_within_a_year_and_across_years(expected):
    ends = _month_ends()
    for start, end in [
        (dt.date(2020, 1, 1), dt.date(2020, 12, 31)),  # a whole year: its year row
        (dt.date(2020, 1, 1), dt.date(2020, 1, 31)),
        (dt.date(2020, 12, 1), dt.date(2021, 1, 31)),  # across a year's end
        (dt.date(2019, 3, 1), dt.date(2024, 11, 30)),  # months, whole years, months
        (dt.date(2019, 1, 1), dt.date(2023, 12, 31)),
        *[(day.replace(day=1), day) for day in ends[::7]],
    ]:
        first, limit = summaries.month_index(start), summaries.month_index(end)
        got = summaries.flow(DIM, PROVINCE, start, end, _keep_a_and_b, by_child=True)
        together = summaries.flows([DIM], PROVINCE, start, end, by_child=True)[DIM]
        for path in (PROVINCE, *CITIES):
            assert _same(got.get(path, Counter()), expected(path, first, limit)), (
                start,
                end,
            )
            kept = Counter(
                {v: n for v, n in together.get(path, Counter()).items() if _keep_a_and_b(v)}
            )
            assert _same(kept, expected(path, first, limit)), (start, end)


def test_a_trends_months_from_the_year_rows_before_it(cells):
    for last in (dt.date(2024, 12, 31), dt.date(2025, 1, 31), dt.date(2026, 6, 30)):
        exact = summaries.by_month(DIM, PROVINCE, last, _keep_a_and_b)
        for since in (
            summaries.month_index(last) - 23,
            summaries.month_index(dt.date(2024, 1, 1)),  # a year's first month
            summaries.month_index(dt.date(2023, 12, 1)),  # a year's last month
        ):
            got = summaries.by_month(DIM, PROVINCE, last, _keep_a_and_b, since=since)
            assert {m: n for m, n in got.items() if m >= since and n} == {
                m: n for m, n in exact.items() if m >= since and n
            }
            assert got.get(since - 1, 0) == sum(n for m, n in exact.items() if m < since)


def test_the_rebuilt_year_rows_equal_the_writers_and_the_check_finds_a_drifted_one(cells):
    written = summaries.stored([DIM])
    assert summaries.fill_years([DIM]) == len([c for c in written if c[2] >= summaries.YEARS])
    assert summaries.stored([DIM]) == written
    assert summaries.check([DIM], lambda: cells, lambda: 0) == []
    row = Summary.objects.filter(dim=DIM, path=PROVINCE, month__gte=summaries.YEARS).first()
    Summary.objects.filter(pk=row.pk).update(n=row.n + 1)
    assert summaries.check([DIM], lambda: cells, lambda: 0) == [
        ((PROVINCE, DIM, row.month, row.value), row.n + 1, row.n)
    ]
    assert summaries.label(row.month) == f"{row.month - summaries.YEARS}年"
    assert summaries.label(summaries.month_index(dt.date(2025, 3, 1))) == "2025-03"


def test_migration_0006_fills_the_year_rows_of_an_existing_database(cells):
    written = summaries.stored([DIM])
    Summary.objects.filter(month__gte=summaries.YEARS).delete()  # as before the migration
    migration = importlib.import_module("smartunion.stats.migrations.0006_h15m_year_rows")
    assert migration.YEARS == summaries.YEARS
    apps = historical_apps("stats", "0006_h15m_year_rows")
    editor = SimpleNamespace(connection=connection)
    migration.fill(apps, editor)
    assert summaries.stored([DIM]) == written
    migration.empty(apps, editor)
    assert not Summary.objects.filter(month__gte=summaries.YEARS).exists()


def test_an_empty_category_alone_in_a_statement(db, monkeypatch):
    # PostgreSQL gets each text column as one text the server splits: an empty category
    # alone in a statement must stay one row (an empty text splits into no element at all).
    monkeypatch.setattr(summaries, "STATEMENT_ROWS", 3)
    cell = (CITIES[0], DIM, 24000, "")
    summaries.add(summaries.fan_out(Counter({cell: 2})))  # 4 rows: the city's year row last
    assert summaries.stored([DIM]) == summaries.with_years(summaries.fan_out(Counter({cell: 2})))


def test_a_batch_of_more_rows_than_one_statement_takes(db):
    batch: Counter = Counter()
    months = range(
        summaries.month_index(dt.date(1985, 1, 1)), summaries.month_index(dt.date(2031, 1, 1))
    )
    for month in months:
        for value in ("", *(f"v{i}" for i in range(19))):
            batch[CITIES[1], DIM, month, value] = month % 7 - 3 or 1
    rows = summaries.with_years(summaries.fan_out(batch))
    assert len(rows) > summaries.STATEMENT_ROWS
    summaries.add(summaries.fan_out(batch))
    assert summaries.stored([DIM]) == Counter({cell: n for cell, n in rows.items() if n})


@pytest.mark.parametrize("where", [0, 1, 3])
def test_a_key_with_the_unit_separator_is_refused_and_nothing_written(db, where):
    cell = [CITIES[0], DIM, 24000, "a"]
    cell[where] = f"{cell[where]}\x1f"
    cells = Counter({(PROVINCE, DIM, 24000, "b"): 1, tuple(cell): 1})
    if connection.vendor == "postgresql":
        with pytest.raises(ValueError):
            summaries.add(cells)
        assert not Summary.objects.exists()
    else:  # one row per statement: nothing to split
        summaries.add(cells)
        assert summaries.stored([DIM, cell[1]])[tuple(cell)] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's storage setting")
def test_the_summaries_pages_leave_room_for_their_rows_next_versions(db):
    # An upsert that adds to a row writes its new version in the same page (a HOT update,
    # no index touched) only where the page has room: 70 % full (stats 0011).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [Summary._meta.db_table]
        )
        assert cursor.fetchone()[0] == ["fillfactor=70"]
