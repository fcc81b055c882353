"""汇总表: the figures of the large subtrees kept by month, so that a province's or a city's
member figures are one indexed range read instead of an aggregate over 2.3 million records
(decision 0020).

A row of ``Summary`` says by how much one number of one union's subtree (含下级) changed in one
month: the members counted in a category (dimension ``dim``, category ``value``) or the
membership events of a type. Rows are kept for the unions of the top ``DEPTH`` levels only
(province, cities, counties): below them a subtree is small enough to read its records.

- A stock at the end of month M is the sum of the rows of months ≤ M; at a day D inside M it
  is that less what changed after D in M, or, in the first half of M, the sum up to M − 1 and
  what changed from M's first day to D (``Remainder``: read from the few records of that
  stretch, by the module that owns the dimension).
- A flow over months [A, M] is the sum of its rows, less the events after D in M.

This module knows no domain app: the member module registers its dimensions' remainders
(``register_remainder``) and writes the rows (``add``) from its services.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from smartunion.stats.models import Summary

#: Levels of the tree with summary rows: 1 province, 2 cities, 3 counties.
DEPTH = 3
SEGMENT = 8
#: Sorts after every hex digit of a path: [path, path + HIGH) is the subtree's range.
HIGH = "~"

#: (path, dim, month, value) → change.
Cells = Counter

#: ``remainder(dim, path, by_child, after, upto)``: {path: Counter(value → change from the day
#: after ``after`` to ``upto``, within one month)} of the subtree of ``path`` and, ``by_child``,
#: of each sub-unit's (keyed by its path).
Remainder = Callable[[str, str, bool, dt.date, dt.date], dict[str, Counter]]
_REMAINDERS: dict[str, Remainder] = {}


def register_remainder(dims: Iterable[str], remainder: Remainder) -> None:
    for dim in dims:
        _REMAINDERS[dim] = remainder


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(index: int) -> dt.date:
    return month_start(index + 1) - dt.timedelta(days=1)


def covers(path: str) -> bool:
    """Whether the union of ``path`` keeps summary rows."""
    return 0 < len(path) <= DEPTH * SEGMENT


def keys(path: str) -> list[str]:
    """The summary keys a record of the union of ``path`` counts in: its ancestors (and
    itself) down to level ``DEPTH``."""
    return [path[:i] for i in range(SEGMENT, min(len(path), DEPTH * SEGMENT) + 1, SEGMENT)]


# ---- writing ----------------------------------------------------------------------------------


def add(cells: Mapping[tuple[str, str, int, str], int]) -> None:
    """Add the changes to the rows (creating the missing ones), in key order so that two
    writers never wait on each other crosswise (they hold the counters' root lock anyway).
    On PostgreSQL one statement per 20,000 rows, the values passed as arrays (an import
    batch of 5,000 people spread over a province is ~100,000 rows)."""
    rows = sorted(
        (dim, len(path) // SEGMENT, path, month, value, n)
        for (path, dim, month, value), n in cells.items()
        if n
    )
    if not rows:
        return
    table = connection.ops.quote_name(Summary._meta.db_table)
    conflict = (
        f"ON CONFLICT (dim, level, path, month, value) DO UPDATE SET n = {table}.n + EXCLUDED.n"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = (
                f"INSERT INTO {table} (dim, level, path, month, value, n) SELECT * FROM "
                "unnest(%s::text[], %s::int[], %s::text[], %s::int[], %s::text[], %s::bigint[]) "
                + conflict
            )
            for start in range(0, len(rows), 20000):
                cursor.execute(
                    sql, [list(column) for column in zip(*rows[start : start + 20000], strict=True)]
                )
            return
        sql = (
            f"INSERT INTO {table} (dim, level, path, month, value, n)"
            " VALUES (%s, %s, %s, %s, %s, %s) " + conflict
        )
        cursor.executemany(sql, rows)


def stored(dims: Iterable[str]) -> Cells:
    """Every row of these dimensions as it is (the check)."""
    return Counter(
        {
            (path, dim, month, value): n
            for path, dim, month, value, n in Summary.objects.filter(dim__in=list(dims))
            .values_list("path", "dim", "month", "value", "n")
            .iterator(chunk_size=20000)
            if n
        }
    )


Drift = list[tuple[tuple[str, str, int, str], int, int]]


def check(
    dims: Iterable[str],
    recount: Callable[[], Cells],
    rebuild: Callable[[], int],
    *,
    fix: bool = False,
) -> Drift:
    """The rows of ``dims`` that differ from ``recount()``: (cell, kept, recounted); with
    ``fix``, ``rebuild()`` replaces them (``manage.py rebuild_stats --check [--fix]``)."""
    expected = recount()
    kept = stored(dims)
    drift = [
        (cell, kept.get(cell, 0), expected.get(cell, 0))
        for cell in sorted(kept.keys() | expected.keys())
        if kept.get(cell, 0) != expected.get(cell, 0)
    ]
    if drift and fix:
        rebuild()
    return drift


def fan_out(cells: Mapping[tuple[str, str, int, str], int]) -> Cells:
    """Changes keyed by a union's path, added to every summary key above it (and its own)."""
    out: Cells = Counter()
    for (path, dim, month, value), n in cells.items():
        for key in keys(path):
            out[key, dim, month, value] += n
    return out


# ---- reading ----------------------------------------------------------------------------------


def _rows(dim: str | list[str], path: str, *, by_child: bool):
    level = len(path) // SEGMENT
    qs = (
        Summary.objects.filter(dim__in=dim)
        if isinstance(dim, list)
        else Summary.objects.filter(dim=dim)
    )
    if by_child:
        return qs.filter(level__in=[level, level + 1], path__gte=path, path__lt=path + HIGH)
    return qs.filter(level=level, path=path)


def _window(day: dt.date) -> tuple[int, tuple[dt.date, dt.date, int] | None]:
    """The last month whose rows a figure at ``day`` reads, and the records' part of its own
    month: (after, up to, sign). At a month's end none; in this month the month's rows less
    what changes after ``day`` (records reach only to today, so there are few: the birthdays
    of the age bands); in a past month the shorter stretch — the month's rows less what
    changed after ``day``, or the previous month's rows plus what changed from the month's
    first day to ``day``."""
    month = month_index(day)
    last = month_end(month)
    if day == last:
        return month, None
    before = month_start(month) - dt.timedelta(days=1)
    if last < timezone.localdate() and (day - before).days < (last - day).days:
        return month - 1, (before, day, +1)
    return month, (day, last, -1)


def _add_changes(
    out: dict[str, Counter],
    dim: str,
    path: str,
    window: tuple[dt.date, dt.date, int] | None,
    values: Callable[[str], str | None],
    *,
    by_child: bool,
) -> None:
    if window is None:
        return
    after, upto, sign = window
    for key, changes in _REMAINDERS[dim](dim, path, by_child, after, upto).items():
        for value, n in changes.items():
            category = values(value)
            if category is not None:
                out.setdefault(key, Counter())[category] += sign * n


def stock(
    dim: str, path: str, day: dt.date, values: Callable[[str], str | None], *, by_child: bool
) -> dict[str, Counter]:
    """{subtree path: Counter(category → number)} at ``day``: of the union of ``path`` (and,
    ``by_child``, of each of its sub-units, whose keys are their paths). ``values`` maps a
    stored value to its category (None: not counted)."""
    return _summed(dim, path, None, day, values, by_child=by_child)


def flow(
    dim: str,
    path: str,
    start: dt.date,
    end: dt.date,
    values: Callable[[str], str | None],
    *,
    by_child: bool,
) -> dict[str, Counter]:
    """Like ``stock``, for the events from ``start`` (the first of a month) to ``end``."""
    return _summed(dim, path, start, end, values, by_child=by_child)


def _summed(dim, path, start: dt.date | None, end: dt.date, values, *, by_child: bool):
    """The rows of the months from ``start``'s (from the first, without) to ``end``'s added
    up by subtree and category, with ``end``'s own month from the records (``_window``)."""
    limit, window = _window(end)
    rows = _rows(dim, path, by_child=by_child).filter(month__lte=limit)
    if start is not None:
        rows = rows.filter(month__gte=month_index(start))
    out: dict[str, Counter] = {path: Counter()}
    for row in rows.values("path", "value").annotate(_n=Sum("n")).order_by():
        category = values(row["value"])
        if category is not None:
            out.setdefault(row["path"], Counter())[category] += row["_n"]
    _add_changes(out, dim, path, window, values, by_child=by_child)
    return out


def flows(
    dims: list[str], path: str, start: dt.date, end: dt.date, *, by_child: bool
) -> dict[str, dict[str, Counter]]:
    """``flow`` of several dimensions at once, every stored value its own category: {dim:
    {subtree path: Counter(value → number)}}, one read of the rows for all of them."""
    limit, window = _window(end)
    rows = _rows(dims, path, by_child=by_child).filter(
        month__lte=limit, month__gte=month_index(start)
    )
    out: dict[str, dict[str, Counter]] = {dim: {path: Counter()} for dim in dims}
    for row in rows.values("dim", "path", "value").annotate(_n=Sum("n")).order_by():
        out[row["dim"]].setdefault(row["path"], Counter())[row["value"]] += row["_n"]
    for dim in dims:
        _add_changes(out[dim], dim, path, window, _same, by_child=by_child)
    return out


def _same(value: str) -> str:
    return value


def by_month(
    dim: str, path: str, last: dt.date, values: Callable[[str], str | None]
) -> dict[int, int]:
    """{month index: change} of the subtree of ``path`` (every category ``values`` keeps), for
    the months up to ``last``'s, the month of ``last`` only up to that day."""
    limit, window = _window(last)
    rows = (
        _rows(dim, path, by_child=False)
        .filter(month__lte=limit)
        .values("month", "value")
        .annotate(_n=Sum("n"))
        .order_by()
    )
    out: Counter = Counter()
    for row in rows:
        if values(row["value"]) is not None:
            out[row["month"]] += row["_n"]
    changes: dict[str, Counter] = {path: Counter()}
    _add_changes(changes, dim, path, window, values, by_child=False)
    out[month_index(last)] += sum(changes[path].values())
    return dict(out)
