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
- Year rows (decision 0032): every change is added to its month's row and to its year's row
  (month ``YEARS + year``, a range no month read reaches), so a stock at month M of year Y
  reads the year rows before Y and the month rows of Y up to M — O(years + 12) rows per
  (path, value) instead of one per month since the 1980s. ``add`` writes both; a rebuild
  writes the months and then ``fill_years``; ``check`` compares both.

This module knows no domain app: the member module registers its dimensions' remainders
(``register_remainder``) and writes the rows (``add``) from its services.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Sum, When
from django.db.models import Value as SqlValue
from django.utils import timezone

from smartunion.stats.models import Summary

#: Levels of the tree with summary rows: 1 province, 2 cities, 3 counties.
DEPTH = 3
SEGMENT = 8
#: Sorts after every hex digit of a path: [path, path + HIGH) is the subtree's range.
HIGH = "~"
#: The row of year Y is kept at month YEARS + Y: above every month (year × 12 + month − 1),
#: so a read of months (``month <= M``) never sees a year row.
YEARS = 1_000_000

#: (path, dim, month, value) → change.
Cells = Counter

#: ``remainder(dims, path, by_child, after, upto)``: {dim: {path: Counter(value → change from
#: the day after ``after`` to ``upto``, within one month)}} of the subtree of ``path`` and,
#: ``by_child``, of each sub-unit's (keyed by its path), for each of ``dims`` (all registered
#: with that remainder: read together where their records are the same).
Remainder = Callable[[list[str], str, bool, dt.date, dt.date], dict[str, dict[str, Counter]]]
_REMAINDERS: dict[str, Remainder] = {}


def register_remainder(dims: Iterable[str], remainder: Remainder) -> None:
    for dim in dims:
        _REMAINDERS[dim] = remainder


#: Inside ``reading()``: {(remainder, path, after, upto): {dim: {path: Counter}}}, the records'
#: part of a month already read (by sub-unit, which answers a read of the subtree as well).
_READ: ContextVar[dict | None] = ContextVar("summaries_read", default=None)


@contextmanager
def reading() -> Iterator[None]:
    """The reads of one page's figures (``indicators.read_together``): inside, the records'
    part of a month (``Remainder``) of a union and a stretch of days is read once for each
    dimension — by sub-unit when a read asks so, which answers the reads of the subtree too —
    and later reads take that answer. An overview at a date inside a month read the members'
    memberships begun or ended in its rest twice: with the other member figures, and again
    for 入会率's own read (~0.9 s at the province). Numbers only, for the time of the block."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def _changes(
    remainder: Remainder, dims: list[str], path: str, by_child: bool, after, upto
) -> dict[str, dict[str, Counter]]:
    """``remainder``'s answer, through ``reading()``'s numbers when inside it."""
    read = _READ.get()
    if read is None:
        return remainder(dims, path, by_child, after, upto)
    by_unit = read.setdefault((remainder, path, after, upto, True), {})
    if by_child:
        missing = [dim for dim in dims if dim not in by_unit]
        if missing:
            by_unit.update(remainder(missing, path, True, after, upto))
        return {dim: by_unit[dim] for dim in dims}
    # The subtree alone: from a read by sub-unit where there was one, else read without them
    # (an overview's birthdays of the province: without any union's path, half the read).
    subtree = read.setdefault((remainder, path, after, upto, False), {})
    missing = [dim for dim in dims if dim not in by_unit and dim not in subtree]
    if missing:
        subtree.update(remainder(missing, path, False, after, upto))
    return {
        dim: {path: (by_unit if dim in by_unit else subtree)[dim].get(path, Counter())}
        for dim in dims
    }


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(index: int) -> dt.date:
    return month_start(index + 1) - dt.timedelta(days=1)


def label(month: int) -> str:
    """A row's month as people read it: 2025-03, or 2025年 for a year row."""
    if month >= YEARS:
        return f"{month - YEARS}年"
    return f"{month // 12}-{month % 12 + 1:02d}"


def covers(path: str) -> bool:
    """Whether the union of ``path`` keeps summary rows."""
    return 0 < len(path) <= DEPTH * SEGMENT


def keys(path: str) -> list[str]:
    """The summary keys a record of the union of ``path`` counts in: its ancestors (and
    itself) down to level ``DEPTH``."""
    return [path[:i] for i in range(SEGMENT, min(len(path), DEPTH * SEGMENT) + 1, SEGMENT)]


# ---- writing ----------------------------------------------------------------------------------


def with_years(cells: Mapping[tuple[str, str, int, str], int]) -> Cells:
    """Month cells and, beside them, each month's change added to its year's row."""
    out: Cells = Counter()
    for (path, dim, month, value), n in cells.items():
        if month >= YEARS:
            raise ValueError(f"month cells only, not the year row {month}")
        if n:
            out[path, dim, month, value] += n
            out[path, dim, YEARS + month // 12, value] += n
    return out


#: Rows written by one statement of ``add`` on PostgreSQL.
STATEMENT_ROWS = 20_000

#: Ends each value of a text column that ``add`` passes as one text: dimensions, unions' paths
#: and categories are codes, without control characters (one that had it is refused).
_END = "\x1f"


def _column(values: Sequence[str]) -> str:
    text = _END.join(values) + _END
    if text.count(_END) != len(values):
        raise ValueError("a summary key holds the unit separator (U+001F)")
    return text


def add(cells: Mapping[tuple[str, str, int, str], int]) -> None:
    """Add the changes of months to their rows and to their years' rows (creating the missing
    ones), in key order so that two writers never wait on each other crosswise (they hold the
    counters' root lock anyway). On PostgreSQL one statement per ``STATEMENT_ROWS``. An import
    batch of 5,000 people spread over a province is ~120,000 rows: each column goes as one text
    that the server splits (``string_to_array``), not as an array that psycopg quotes value by
    value in Python (0.63 → 0.17 s a batch, session 18). The table leaves room in its pages for
    the rows' new versions (stats 0011)."""
    rows = sorted(
        (dim, len(path) // SEGMENT, path, month, value, n)
        for (path, dim, month, value), n in with_years(cells).items()
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
            # Each text value ends with _END, so that an empty category stays one element (the
            # empty text alone would split into no element at all): the slice drops the last.
            texts = "(string_to_array(%s, E'\\x1f'))[:%s]"
            numbers = "string_to_array(%s, ',')::{}[]"
            sql = (
                f"INSERT INTO {table} (dim, level, path, month, value, n) SELECT * FROM unnest("
                f"{texts}, {numbers.format('int')}, {texts}, {numbers.format('int')}, {texts},"
                f" {numbers.format('bigint')}) {conflict}"
            )
            for start in range(0, len(rows), STATEMENT_ROWS):
                dims, levels, paths, months, values, ns = zip(
                    *rows[start : start + STATEMENT_ROWS], strict=True
                )
                size = len(dims)
                cursor.execute(
                    sql,
                    [
                        _column(dims),
                        size,
                        ",".join(map(str, levels)),
                        _column(paths),
                        size,
                        ",".join(map(str, months)),
                        _column(values),
                        size,
                        ",".join(map(str, ns)),
                    ],
                )
            return
        sql = (
            f"INSERT INTO {table} (dim, level, path, month, value, n)"
            " VALUES (%s, %s, %s, %s, %s, %s) " + conflict
        )
        cursor.executemany(sql, rows)


def fill_years(dims: Iterable[str] | None, table: str | None = None) -> int:
    """The year rows of ``dims`` (None: of every dimension) replaced by the sums of their
    month rows, in the database (a rebuild that wrote the months set-based, migration stats
    0006); ``table``: the summaries' table name (a migration's historical model's). Returns
    the number of year rows."""
    table = connection.ops.quote_name(table or Summary._meta.db_table)
    which, params = "", []
    if dims is not None:
        params = list(dims)
        if not params:
            return 0
        which = f"dim IN ({', '.join(['%s'] * len(params))}) AND "
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {which}month >= %s", [*params, YEARS])
        cursor.execute(
            f"INSERT INTO {table} (dim, level, path, month, value, n)"
            f" SELECT dim, level, path, %s + month / 12, value, SUM(n) FROM {table}"
            f" WHERE {which}month < %s GROUP BY dim, level, path, month / 12, value"
            " HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4, 5",
            [YEARS, *params, YEARS],
        )
        return cursor.rowcount


def stored(dims: Iterable[str]) -> Cells:
    """Every row of these dimensions as it is, months and years (the check)."""
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
    """The rows of ``dims`` that differ from ``recount()`` (month cells; their year rows are
    compared too): (cell, kept, recounted); with ``fix``, ``rebuild()`` replaces them
    (``manage.py rebuild_stats --check [--fix]``)."""
    expected = with_years(recount())
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


def _sub_units(dim: str, path: str) -> list[str]:
    """The paths of the sub-units of ``path`` with rows in ``dim``: a loose scan of the index
    (the next path after the last one found, one probe each), a few dozen probes rather than
    a walk over every row of the sub-units in the range."""
    table = connection.ops.quote_name(Summary._meta.db_table)
    level, high = len(path) // SEGMENT + 1, path + HIGH
    probe = f"SELECT MIN(path) FROM {table} WHERE dim = %s AND level = %s AND path < %s AND path >"
    sql = (
        f"WITH RECURSIVE c(p) AS (SELECT ({probe} %s) UNION ALL"
        f" SELECT ({probe} c.p) FROM c WHERE c.p IS NOT NULL) SELECT p FROM c WHERE p IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [dim, level, high, path, dim, level, high])
        return [p for (p,) in cursor.fetchall()]


def _rows(dim: str | list[str], path: str, *, by_child: bool):
    """The rows of the union of ``path`` and, ``by_child``, of its sub-units. For one
    dimension each sub-unit's path is an exact key of the index, so that the months' and the
    years' ranges bound the index scan (a range of paths walks every month of every sub-unit:
    65,000 rows of 学历 for the province's cities). Several dimensions at once (``flows``: the
    case modules' year, a few months of rows per path) keep the range of paths: a loose scan
    over a list of dimensions is no index probe."""
    level = len(path) // SEGMENT
    if isinstance(dim, list):
        qs = Summary.objects.filter(dim__in=dim)
        if by_child:
            return qs.filter(level__in=[level, level + 1], path__gte=path, path__lt=path + HIGH)
        return qs.filter(level=level, path=path)
    qs = Summary.objects.filter(dim=dim)
    if by_child:
        return qs.filter(level__in=[level, level + 1], path__in=[path, *_sub_units(dim, path)])
    return qs.filter(level=level, path=path)


def span(first: int | None, limit: int) -> Q:
    """The rows that add up to the changes of the months ``first`` (None: from the beginning)
    to ``limit``: the whole years between by their year rows, the months at either side by
    their own rows."""
    low = 0 if first is None else first
    first_year, last_year = -(-low // 12), (limit + 1) // 12 - 1  # the whole years inside
    if first_year > last_year:
        return Q(month__gte=low, month__lte=limit)
    rows = Q(month__gte=YEARS + first_year, month__lte=YEARS + last_year)
    if low < first_year * 12:
        rows |= Q(month__gte=low, month__lt=first_year * 12)
    if (last_year + 1) * 12 <= limit:
        rows |= Q(month__gte=(last_year + 1) * 12, month__lte=limit)
    return rows


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
    out: dict[str, dict[str, Counter]],
    path: str,
    window: tuple[dt.date, dt.date, int] | None,
    values: Callable[[str], str | None],
    *,
    by_child: bool,
) -> None:
    """The records' part of the window's month added to ``out`` ({dim: {path: Counter}}): one
    call of each remainder for all the dimensions it keeps."""
    if window is None:
        return
    after, upto, sign = window
    by_remainder: dict[Remainder, list[str]] = {}
    for dim in out:
        by_remainder.setdefault(_REMAINDERS[dim], []).append(dim)
    for remainder, dims in by_remainder.items():
        for dim, changed in _changes(remainder, dims, path, by_child, after, upto).items():
            for key, changes in changed.items():
                for value, n in changes.items():
                    category = values(value)
                    if category is not None:
                        out[dim].setdefault(key, Counter())[category] += sign * n


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
    first = month_index(start) if start is not None else None
    rows = _rows(dim, path, by_child=by_child).filter(span(first, limit))
    out: dict[str, Counter] = {path: Counter()}
    for row in rows.values("path", "value").annotate(_n=Sum("n")).order_by():
        category = values(row["value"])
        if category is not None:
            out.setdefault(row["path"], Counter())[category] += row["_n"]
    _add_changes({dim: out}, path, window, values, by_child=by_child)
    return out


def flows(
    dims: list[str], path: str, start: dt.date | None, end: dt.date, *, by_child: bool
) -> dict[str, dict[str, Counter]]:
    """``flow`` of several dimensions at once, every stored value its own category: {dim:
    {subtree path: Counter(value → number)}}, one read of the rows for all of them (without
    ``start``: ``stock`` of them at ``end``). A dimension named twice (a part two indicators
    share) is read once."""
    dims = list(dict.fromkeys(dims))
    limit, window = _window(end)
    rows = _rows(dims, path, by_child=by_child).filter(
        span(None if start is None else month_index(start), limit)
    )
    out: dict[str, dict[str, Counter]] = {dim: {path: Counter()} for dim in dims}
    for row in rows.values("dim", "path", "value").annotate(_n=Sum("n")).order_by():
        out[row["dim"]].setdefault(row["path"], Counter())[row["value"]] += row["_n"]
    _add_changes(out, path, window, _same, by_child=by_child)
    return out


def _same(value: str) -> str:
    return value


def by_month(
    dim: str,
    path: str,
    last: dt.date,
    values: Callable[[str], str | None],
    *,
    since: int | None = None,
) -> dict[int, int]:
    """{month index: change} of the subtree of ``path`` (every category ``values`` keeps), for
    the months up to ``last``'s, the month of ``last`` only up to that day. With ``since`` (a
    month index), the months before it are added up under ``since - 1`` (a trend's start:
    their year rows, not each month)."""
    limit, window = _window(last)
    rows = _rows(dim, path, by_child=False)
    if since is None:
        rows = rows.filter(month__lte=limit).annotate(_m=F("month"))
    else:
        rows = rows.filter(span(None, since - 1) | Q(month__gte=since, month__lte=limit)).annotate(
            _m=Case(
                When(month__gte=since, month__lte=limit, then=F("month")),
                default=SqlValue(since - 1),
                output_field=IntegerField(),
            )
        )
    out: Counter = Counter()
    for row in rows.values("_m", "value").annotate(_n=Sum("n")).order_by():
        if values(row["value"]) is not None:
            out[row["_m"]] += row["_n"]
    changes: dict[str, dict[str, Counter]] = {dim: {path: Counter()}}
    _add_changes(changes, path, window, values, by_child=False)
    out[month_index(last)] += sum(changes[dim][path].values())
    return dict(out)
