"""The members' rows of the statistics' summaries (stats/summaries.py, decision 0020).

A membership counts at a day D when it had begun — its 入会日期, or the day of its 转入 for a
membership a transfer opened — and not yet ended (终止日期 after D), as ``indicators.current_on``
says for the records. In the summaries it puts, for every summary key above its union:

- ``m`` (all members), ``g`` 性别, ``e`` 学历, ``h`` 户籍, ``w`` 农民工 (1/0), ``n`` 新就业形态:
  +1 in its category in the month it began counting at the month's end, −1 in the month it
  stopped (nothing when both fall in one month: the day-level remainder sees it);
- ``a`` 年龄段: the same for its age band at the month's end, and at each birthday that moves
  it into the next band while it counts (−1 in the old band, +1 in the new, in that month) —
  the band changes with time without any record changing;

and each membership event ``v`` (value: its 变动类型) +1 in its month in the keys above the union
where it happened. The person's attributes have no history: the current ones count at every
date, as in the records' reads.

Written by the member services in the transaction of the change (``track`` before and after a
change of memberships or persons, ``events_added``), by the bulk import once per batch, moved
with a union (``subtree_moved``), rebuilt set-based by ``rebuild`` (``manage.py rebuild_stats``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models import Value as SqlValue
from django.db.models.functions import Substr

from smartunion.members.indicators import AGE_BANDS, years_before
from smartunion.members.models import (
    COUNTED_FIELDS,
    ChangeType,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
)
from smartunion.stats import summaries
from smartunion.stats.summaries import DEPTH, SEGMENT, month_index

COUNTED = (MembershipStatus.ACTIVE, MembershipStatus.RETAINED, MembershipStatus.ENDED)
#: Dimensions read from the person, with the value they store.
PLAIN = ("m", "g", "e", "h", "w", "n")
AGE = "a"
EVENTS = "v"
DIMS = (*PLAIN, AGE)
#: (lowest age, band before the birthday, band after) of each band's lower edge.
EDGES = tuple((low, AGE_BANDS[i - 1][0], code) for i, (code, _, low) in enumerate(AGE_BANDS) if i)

#: What a membership's rows are made of: its union, its counting dates and the person's
#: counted attributes as the membership carries them (members/counted.py); the rebuild's
#: recount reads the people's own (``_base_sql``), so a drifted copy shows in ``check``.
FIELDS = ("org__path", "status", "joined_on", "ended_on", "tin", *COUNTED_FIELDS)


def _records(memberships) -> Iterator[tuple]:
    later_tin = MembershipEvent.objects.filter(
        membership=OuterRef("pk"), change_type=ChangeType.TRANSFER_IN
    ).order_by("-occurred_on")
    return (
        memberships.annotate(tin=Subquery(later_tin.values("occurred_on")[:1]))
        .order_by()
        .values_list(*FIELDS)
        .iterator(chunk_size=5000)
    )


def _start(rec) -> dt.date | None:
    _, status, joined, _, tin, *_ = rec
    if status not in COUNTED or joined is None:
        return None
    return max(joined, tin) if tin is not None else joined


def _plain(rec) -> dict[str, str]:
    *_, gender, _, education, hukou, migrant, new_form = rec
    return {
        "m": "",
        "g": gender,
        "e": education,
        "h": hukou,
        "w": "1" if migrant else "0",
        "n": new_form,
    }


def band_on(birth: dt.date, day: dt.date) -> str:
    """年龄段 on ``day`` (as ``indicators.age_band``)."""
    band = AGE_BANDS[0][0]
    for low, _, code in EDGES:
        if birth <= years_before(day, low):
            band = code
    return band


def state(rec, day: dt.date) -> dict[str, str] | None:
    """The categories a membership counts in on ``day``, or None when it does not count."""
    start = _start(rec)
    ended = rec[3]
    if start is None or start > day or (ended is not None and ended <= day):
        return None
    return {**_plain(rec), AGE: band_on(rec[6], day)}


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def crossing(birth: dt.date, low: int) -> int:
    """The month (index) at whose end a person born on ``birth`` is ``low`` years old first:
    the month of the birthday, or the next one for a 29 February birthday in a year without
    one (years_before takes 28 February)."""
    late = birth.month == 2 and birth.day == 29 and not _is_leap(birth.year + low)
    return month_index(birth) + 12 * low + (1 if late else 0)


def _age_cells(birth: dt.date, since: int, sign: int) -> Iterator[tuple[int, str, int]]:
    """(month, band, change) of counting from the end of month ``since`` on, for ever."""
    band = AGE_BANDS[0][0]
    edges = []
    for low, before, after in EDGES:
        month = crossing(birth, low)
        if month <= since:
            band = after
        else:
            edges.append((month, before, after))
    yield since, band, sign
    for month, before, after in edges:
        yield month, before, -sign
        yield month, after, sign


def contributions(rec) -> Counter:
    """{(union path, dim, month, value): change} of one membership (not fanned out)."""
    out: Counter = Counter()
    start = _start(rec)
    if start is None:
        return out
    s = month_index(start)
    e = month_index(rec[3]) if rec[3] is not None else None
    if e is not None and e <= s:
        return out
    path = rec[0]
    for dim, value in _plain(rec).items():
        out[path, dim, s, value] += 1
        if e is not None:
            out[path, dim, e, value] -= 1
    for month, band, n in _age_cells(rec[6], s, +1):
        out[path, AGE, month, band] += n
    if e is not None:
        for month, band, n in _age_cells(rec[6], e, -1):
            out[path, AGE, month, band] += n
    return out


def snapshot(memberships) -> Counter:
    """The fanned-out rows of these memberships (a queryset)."""
    cells: Counter = Counter()
    for rec in _records(memberships):
        cells.update(contributions(rec))
    return summaries.fan_out(cells)


def _events_cells(events) -> Counter:
    cells: Counter = Counter()
    for path, change_type, on in events.order_by().values_list(
        "org__path", "change_type", "occurred_on"
    ):
        cells[path, EVENTS, month_index(on), change_type] += 1
    return summaries.fan_out(cells)


def difference(after: Counter, before: Counter) -> Counter:
    out: Counter = Counter(after)
    out.subtract(before)
    return out


#: The person's fields the summaries count by that a person's edit can change (the gender and
#: the birth date come from the ID number).
PERSON_FIELDS = set(COUNTED_FIELDS) - {"gender", "birth_date"}


def _chosen(membership_ids: Iterable[int], person_ids: Iterable[int]):
    return Membership.objects.filter(
        Q(pk__in=list(membership_ids)) | Q(person_id__in=list(person_ids))
    )


def before(membership_ids: Iterable[int] = (), *, person_ids: Iterable[int] = ()) -> Counter:
    """The rows of these memberships (or of all memberships of these persons) before a
    change: call ``after`` with them once the change is written."""
    return snapshot(_chosen(membership_ids, person_ids))


def after(
    counted: Counter, membership_ids: Iterable[int] = (), *, person_ids: Iterable[int] = ()
) -> None:
    """Their rows before (``counted``) off, their rows now on, in the change's transaction
    (after the counters, whose root lock orders the writers)."""
    summaries.add(difference(snapshot(_chosen(membership_ids, person_ids)), counted))


def memberships_added(membership_ids: Iterable[int]) -> None:
    """Memberships that begin counting (none of them counted before)."""
    summaries.add(snapshot(Membership.objects.filter(pk__in=list(membership_ids))))


def events_added(events: Iterable[MembershipEvent]) -> None:
    """Membership events just written (a service's one, or a batch's)."""
    ids = [e.pk for e in events]
    if ids:
        summaries.add(_events_cells(MembershipEvent.objects.filter(pk__in=ids)))


def batch_added(person_ids: list[int]) -> None:
    """A bulk import's batch: the new persons' memberships and events, once."""
    if not person_ids:
        return
    cells = snapshot(Membership.objects.filter(person_id__in=person_ids))
    cells.update(_events_cells(MembershipEvent.objects.filter(person_id__in=person_ids)))
    summaries.add(cells)


def _subtree(path: str) -> Counter:
    cells = snapshot(Membership.objects.filter(org__path__startswith=path))
    cells.update(_events_cells(MembershipEvent.objects.filter(org__path__startswith=path)))
    return cells


@contextmanager
def subtree_moved(old_path: str, new_path: str):
    """Around a move of the union of ``old_path`` to ``new_path``: the rows of its subtree's
    records leave the summary keys above the old place and join those above the new one (and
    the keys inside the subtree take the new paths). Nothing to do when both places have the
    same keys (a union below the summaries' depth moved inside one county)."""
    limit = DEPTH * SEGMENT
    if old_path[:limit] == new_path[:limit] and len(old_path) > limit:
        yield
        return
    before = _subtree(old_path)
    yield
    summaries.add(difference(_subtree(new_path), before))


# ---- the day-level remainder ------------------------------------------------------------------


def _touched(path: str, day: dt.date, last: dt.date):
    """The memberships under ``path`` whose counting may differ between ``day`` and ``last``
    (the end of its month): begun, ended or transferred in between. Each found by its own
    index (a few thousand at most in a province), then kept when under ``path``."""
    ids = set(
        Membership.objects.filter(joined_on__gt=day, joined_on__lte=last).values_list(
            "pk", flat=True
        )
    )
    ids.update(
        Membership.objects.filter(ended_on__gt=day, ended_on__lte=last).values_list("pk", flat=True)
    )
    ids.update(
        MembershipEvent.objects.filter(
            change_type=ChangeType.TRANSFER_IN, occurred_on__gt=day, occurred_on__lte=last
        ).values_list("membership_id", flat=True)
    )
    ids = sorted(ids)
    for start in range(0, len(ids), 5000):
        yield Membership.objects.filter(
            pk__in=ids[start : start + 5000], org__path__startswith=path
        )


def _birthdays(path: str, by_child: bool, day: dt.date, last: dt.date, out) -> None:
    """The members counted all through (``day``, ``last``] whose birthday at a band's edge
    falls in it: one grouped count per edge (by sub-unit with ``by_child``), −1 in the band
    below, +1 in the band above. The memberships begun, ended or transferred in in between
    are ``_touched``'s. Each edge's persons and their memberships are read from indexes alone
    (``person_birth_id_idx``, ``membership_person_idx``, members 0012). The three edges as
    one query were slower: OR'ed ranges read the persons' table (a bitmap scan), a UNION's
    parallel branches competed for the two cores. The later 转入 stay a subquery here, not the
    join of the member figures (``indicators.begun_by``): for these few thousand memberships
    the anti-join probes none, where the join hashed all 转入 (48 → 56–77 ms an edge)."""
    from smartunion.orgs.models import Organization

    later_tin = MembershipEvent.objects.filter(
        membership=OuterRef("pk"), change_type=ChangeType.TRANSFER_IN, occurred_on__gt=day
    )
    through = (
        Membership.objects.filter(status__in=COUNTED, joined_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=last))
        .exclude(Exists(later_tin))
    )
    if by_child or not Organization.objects.holds_all(path):
        # The subtree's memberships by their unions' paths; the province's own subtree is
        # every membership, with no union's path to read (half of each edge's read).
        through = through.filter(org__path__startswith=path)
    key = Substr("org__path", 1, len(path) + SEGMENT) if by_child else SqlValue(path)
    for low, before, after in EDGES:
        rows = (
            through.filter(
                person__birth_date__gt=years_before(day, low),
                person__birth_date__lte=years_before(last, low),
            )
            .annotate(_key=key)
            .values("_key")
            .annotate(_n=Count("pk"))
            .order_by()
        )
        for row in rows:
            for k in {path, row["_key"]}:
                numbers = out.setdefault(k, Counter())
                numbers[before] -= row["_n"]
                numbers[after] += row["_n"]


def _key(path: str, org_path: str, by_child: bool) -> list[str]:
    out = [path]
    if by_child and len(org_path) > len(path):
        out.append(org_path[: len(path) + SEGMENT])
    return out


def remainder(
    dims: list[str], path: str, by_child: bool, day: dt.date, last: dt.date
) -> dict[str, dict[str, Counter]]:
    """What changed in the subtree of ``path`` (and of each sub-unit) after ``day`` up to
    ``last`` (within one month), for each of ``dims``: counted on ``last`` less counted on
    ``day``, by category; the memberships touched in between read once for all of them."""
    out: dict[str, dict[str, Counter]] = {dim: {} for dim in dims}
    if EVENTS in out:
        events = MembershipEvent.objects.filter(
            org__path__startswith=path, occurred_on__gt=day, occurred_on__lte=last
        )
        for org_path, change_type in events.values_list("org__path", "change_type"):
            for key in _key(path, org_path, by_child):
                out[EVENTS].setdefault(key, Counter())[change_type] += 1
    counted = [dim for dim in dims if dim != EVENTS]
    if counted:
        for chunk in _touched(path, day, last):
            for rec in _records(chunk):
                then, now = state(rec, day), state(rec, last)
                if then == now:
                    continue
                for key in _key(path, rec[0], by_child):
                    for dim in counted:
                        numbers = out[dim].setdefault(key, Counter())
                        if now is not None:
                            numbers[now[dim]] += 1
                        if then is not None:
                            numbers[then[dim]] -= 1
    if AGE in out:
        _birthdays(path, by_child, day, last, out[AGE])
    return out


summaries.register_remainder((*DIMS, EVENTS), remainder)


# ---- the rebuild ------------------------------------------------------------------------------


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"(EXTRACT(YEAR FROM {column})::int * 12 + EXTRACT(MONTH FROM {column})::int - 1)"
    return (
        f"(CAST(strftime('%%Y', {column}) AS INTEGER) * 12"
        f" + CAST(strftime('%%m', {column}) AS INTEGER) - 1)"
    )


def _tables() -> dict[str, str]:
    from smartunion.orgs.models import Organization

    q = connection.ops.quote_name
    return {
        "m": q(Membership._meta.db_table),
        "p": q(Person._meta.db_table),
        "o": q(Organization._meta.db_table),
        "ev": q(MembershipEvent._meta.db_table),
    }


def _base_sql() -> tuple[str, list]:
    """One row per counted membership: its deepest summary key, the months it begins and stops
    counting at their ends, the person's categories, birth month and a 29 February flag."""
    t = _tables()
    start = "(CASE WHEN t.tin > m.joined_on THEN t.tin ELSE m.joined_on END)"
    birth_feb29 = (
        "(CASE WHEN EXTRACT(MONTH FROM p.birth_date) = 2 AND EXTRACT(DAY FROM p.birth_date) = 29"
        " THEN 1 ELSE 0 END)"
        if connection.vendor == "postgresql"
        else "(CASE WHEN strftime('%%m-%%d', p.birth_date) = '02-29' THEN 1 ELSE 0 END)"
    )
    inner = f"""
        SELECT substr(o.path, 1, {DEPTH * SEGMENT}) AS k,
               {_month_sql(start)} AS s,
               {_month_sql("m.ended_on")} AS e,
               p.gender AS g, p.education AS ed, p.hukou_type AS h,
               (CASE WHEN p.is_migrant_worker THEN '1' ELSE '0' END) AS w,
               p.new_form_type AS nf,
               {_month_sql("p.birth_date")} AS b,
               {birth_feb29} AS f
        FROM {t["m"]} m
        JOIN {t["p"]} p ON p.id = m.person_id
        JOIN {t["o"]} o ON o.id = m.org_id
        LEFT JOIN (
            SELECT membership_id, MAX(occurred_on) AS tin FROM {t["ev"]}
            WHERE change_type = %s GROUP BY membership_id
        ) t ON t.membership_id = m.id
        WHERE m.status IN (%s, %s, %s) AND m.joined_on IS NOT NULL"""
    base = f"SELECT * FROM ({inner}) x WHERE x.e IS NULL OR x.e > x.s"
    return base, [ChangeType.TRANSFER_IN.value, *(s.value for s in COUNTED)]


def _leap_sql(year: str) -> str:
    return f"(({year}) %% 4 = 0 AND (({year}) %% 100 <> 0 OR ({year}) %% 400 = 0))"


def _rebuild_sql() -> tuple[str, str, str, list]:
    """The base rows (one per counted membership), the age rows grouped by key, month and
    birth month, and the grouped rows of every dimension."""
    base, params = _base_sql()
    parts = []
    for dim, column in (("m", "''"), ("g", "g"), ("e", "ed"), ("h", "h"), ("w", "w"), ("n", "nf")):
        parts.append(f"SELECT k, '{dim}', s, {column}, COUNT(*) FROM ms GROUP BY 1, 3, 4")
        parts.append(
            f"SELECT k, '{dim}', e, {column}, -COUNT(*) FROM ms WHERE e IS NOT NULL GROUP BY 1, 3, 4"
        )
    # Age bands: the crossing month of each edge, for the start (sg +1) and the stop (sg −1)
    # of each group; then the band at that month's end and every later crossing.
    crossings = ", ".join(
        f"b + {12 * low} + (CASE WHEN f = 1 AND NOT {_leap_sql(f'b / 12 + {low}')}"
        f" THEN 1 ELSE 0 END) AS c{low}"
        for low, _, _ in EDGES
    )
    ages = " UNION ALL ".join(
        f"SELECT k, {column} AS x, {crossings}, COUNT(*) AS n, {sign} AS sg FROM ms"
        f" WHERE {column} IS NOT NULL GROUP BY k, {column}, b, f"
        for column, sign in (("s", 1), ("e", -1))
    )
    band = (
        "CASE "
        + " ".join(f"WHEN x >= c{low} THEN '{after}'" for low, _, after in reversed(EDGES))
        + f" ELSE '{AGE_BANDS[0][0]}' END"
    )
    parts.append(f"SELECT k, '{AGE}', x, {band}, SUM(sg * n) FROM ag GROUP BY 1, 3, 4")
    for low, before, after in EDGES:
        parts.append(
            f"SELECT k, '{AGE}', c{low}, '{before}', -SUM(sg * n) FROM ag"
            f" WHERE c{low} > x GROUP BY k, c{low}"
        )
        parts.append(
            f"SELECT k, '{AGE}', c{low}, '{after}', SUM(sg * n) FROM ag"
            f" WHERE c{low} > x GROUP BY k, c{low}"
        )
    t = _tables()
    parts.append(
        f"SELECT substr(o.path, 1, {DEPTH * SEGMENT}), '{EVENTS}', {_month_sql('ev.occurred_on')},"
        f" ev.change_type, COUNT(*) FROM {t['ev']} ev JOIN {t['o']} o ON o.id = ev.org_id"
        f" GROUP BY 1, 3, 4"
    )
    return base, ages, " UNION ALL ".join(parts), params


def _fanned_sql() -> tuple[str, list]:
    """The rows of every summary key: the grouped rows added up to each key above theirs."""
    ms, ages, parts, params = _rebuild_sql()
    levels = " UNION ALL ".join(f"SELECT {i} AS l" for i in range(1, DEPTH + 1))
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    sql = (
        f"WITH ms AS {materialized}({ms}), ag AS {materialized}({ages}),"
        f" u (k, dim, month, value, n) AS ({parts})"
        f" SELECT substr(u.k, 1, lv.l * {SEGMENT}), lv.l, u.dim, u.month, u.value, SUM(u.n)"
        f" FROM u JOIN ({levels}) lv ON length(u.k) >= lv.l * {SEGMENT}"
        " GROUP BY 1, 2, 3, 4, 5 HAVING SUM(u.n) <> 0"
    )
    return sql, params


def recount() -> Counter:
    """Every summary row computed afresh from the records, set-based in the database."""
    sql, params = _fanned_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Counter(
            {
                (path, dim, int(month), value or ""): int(n)
                for path, _, dim, month, value, n in cursor.fetchall()
            }
        )


def rebuild() -> int:
    """Every summary row afresh from the records, in one INSERT … SELECT of the months and one
    of their years (``manage.py rebuild_stats``, the seed); returns the number of rows."""
    from smartunion.stats.models import Summary

    sql, params = _fanned_sql()
    table = connection.ops.quote_name(Summary._meta.db_table)
    # Only the member dimensions: the other rows are other modules' (stats.kept).
    Summary.objects.filter(dim__in=[*DIMS, EVENTS]).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (path, level, dim, month, value, n) {sql} ORDER BY 3, 2, 1, 4",
            params,
        )
        rows = cursor.rowcount + summaries.fill_years([*DIMS, EVENTS])
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")
    return rows


def check(*, fix: bool = False) -> list[tuple[tuple[str, str, int, str], int, int]]:
    """The rows that differ from a recount: (cell, kept, recounted); with ``fix``, every row
    is replaced by the recount."""
    return summaries.check([*DIMS, EVENTS], recount, rebuild, fix=fix)
