"""The kept figures of each union: its own members, and the members and workers of its subtree.

A union's page, the tree and the sub-union tables show a union's figures both 本级 (its own) and
含下级 (with every union below it). Summing a subtree per request would read up to 49,000 unions
for the province's page, so the figures are counters on ``Organization``, moved in the
transaction of every change that moves them (ARCHITECTURE.md invariant 5):

- ``member_count``: current memberships (在籍, 保留会籍) of the union itself;
- ``subtree_member_count``: current memberships of the union and of every union below it;
- ``subtree_employee_count``: 职工人数 of the union and the unions below it that are 正常
  (a dissolved or merged union's workers are nobody's any more);
- ``subtree_rated_member_count``: the members counted in ``subtree_member_count`` whose union
  has its 职工人数 filled in: the numerator of 入会率（含下级）, whose denominator is
  ``subtree_employee_count``. A union without a 职工人数 would otherwise raise the rate with
  members set against no workers (the home page's 入会率 is defined the same way).

Each union *contributes* to its own subtree counters and to those of every union above it
(``contribution``); a change is a difference of contributions, added along the union's path
(``shift``). ``recount`` recomputes every counter from the records.

Lock order. Every shift first locks the root unions (``FOR UPDATE``, by id), then writes the
counters of the unions concerned in one statement. The root is above every union, so two
transactions that move counters never hold counter rows the other waits for: the second waits
at the root, holding none. The rules that keep this deadlock-free, for every service:

1. lock the rows of the records a change is about (membership, person, transfer) first;
2. then the counters: a service that locks a union to change it (``orgs.services``) takes the
   roots first too (``lock_roots``), so no one holds a union while waiting for the root;
3. the audit chain lock (``core.audit.record``) last: a service whose audit entry comes before
   a counter change takes the roots before writing the entry.

The roots are a province-wide mutex for counter changes, held to the end of each transaction.
Every such transaction also appends to the audit log, which already serializes them on its
chain lock from ``audit.record`` to commit, so this adds no waiting that was not there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Q

from smartunion.orgs.models import SEGMENT, Organization, Status

#: The kept counters, in the order ``Figures`` holds them.
COUNTERS = (
    "member_count",
    "subtree_member_count",
    "subtree_employee_count",
    "subtree_rated_member_count",
)

LABELS = {
    "member_count": "本级会员人数",
    "subtree_member_count": "含下级会员人数",
    "subtree_employee_count": "含下级职工人数",
    "subtree_rated_member_count": "含下级已填职工人数工会的会员人数",
}


@dataclass(frozen=True)
class Figures:
    """What one union adds to the counters: to its own ``member_count`` (``own``) and to the
    subtree counters of itself and of every union above it."""

    own: int = 0
    members: int = 0
    employees: int = 0
    rated: int = 0

    def __sub__(self, other: Figures) -> Figures:
        return Figures(
            self.own - other.own,
            self.members - other.members,
            self.employees - other.employees,
            self.rated - other.rated,
        )

    def __neg__(self) -> Figures:
        return Figures() - self

    def __bool__(self) -> bool:
        return any((self.own, self.members, self.employees, self.rated))


def contribution(members: int, employee_count: int, status: str) -> Figures:
    """What a union with these current members, 职工人数 and status puts into the counters."""
    normal = status == Status.NORMAL
    return Figures(
        own=members,
        members=members,
        employees=employee_count if normal else 0,
        rated=members if normal and employee_count > 0 else 0,
    )


def own_contribution(org: Organization) -> Figures:
    """``contribution`` of a union as it is now (its kept ``member_count``)."""
    return contribution(org.member_count, org.employee_count, org.status)


def subtree_figures(org: Organization) -> Figures:
    """What a union's whole subtree puts into the counters above it (moving it moves this)."""
    return Figures(
        own=0,
        members=org.subtree_member_count,
        employees=org.subtree_employee_count,
        rated=org.subtree_rated_member_count,
    )


def lock_roots() -> None:
    """Lock the root unions (the province), as every counter change does first.

    A service that locks a union row and may then change counters calls this before locking
    the union (see the module's lock order). On SQLite the write transaction holds the whole
    database already.
    """
    list(
        Organization.objects.filter(parent__isnull=True)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )


def shift(changes: Mapping[int, Figures]) -> None:
    """Add each union's change along its path: ``own`` to the union, the rest to the subtree
    counters of the union and of every union above it. One statement for all of them."""
    changes = {pk: change for pk, change in changes.items() if change}
    if not changes:
        return
    lock_roots()
    paths = dict(_rows(changes, "id", "path"))
    _update(along_paths((paths[pk], change) for pk, change in changes.items()), add=True)


def add_members(deltas: Mapping[int, int]) -> None:
    """Current memberships gained (or lost: negative) by each union, along its path.

    Whether they count toward 入会率（含下级） depends on the union's 职工人数 and status, read
    here under the root lock (a concurrent edit of the union waits for it).
    """
    deltas = {pk: delta for pk, delta in deltas.items() if delta}
    if not deltas:
        return
    lock_roots()
    rows = _rows(deltas, "id", "path", "employee_count", "status")
    _update(
        along_paths(
            (path, _member_change(deltas[pk], employees, status))
            for pk, path, employees, status in rows
        ),
        add=True,
    )


def _member_change(delta: int, employees: int, status: str) -> Figures:
    """``contribution(delta, …) - contribution(0, …)``: what ``delta`` members add."""
    rated = delta if employees > 0 and status == Status.NORMAL else 0
    return Figures(delta, delta, 0, rated)


_IN_CHUNK = 2000  # SQLite takes at most 32,766 parameters a statement; the seed has 49,000 unions


def _rows(ids: Iterable[int], *fields: str) -> list[tuple]:
    """``fields`` of these unions: one array parameter on PostgreSQL (binding thousands of
    parameters one by one cost more than the query), chunks of ids on SQLite."""
    ids = list(ids)
    if connection.vendor == "postgresql":
        meta = Organization._meta
        qn = connection.ops.quote_name
        columns = ", ".join(qn(meta.get_field(f).column) for f in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {qn(meta.db_table)} WHERE id = ANY(%s::bigint[])",
                [_pg_array(ids)],
            )
            return cursor.fetchall()
    return [
        row
        for start in range(0, len(ids), _IN_CHUNK)
        for row in Organization.objects.filter(pk__in=ids[start : start + _IN_CHUNK]).values_list(
            *fields
        )
    ]


def along_paths(changes: Iterable[tuple[str, Figures]]) -> dict[int, list[int]]:
    """Per union on the given paths: the sum of what reaches it (four counters)."""
    totals: dict[int, list[int]] = {}
    get = totals.get
    for path, change in changes:
        members, employees, rated = change.members, change.employees, change.rated
        for start in range(0, len(path), SEGMENT):
            pk = int(path[start : start + SEGMENT], 16)
            row = get(pk)
            if row is None:
                totals[pk] = [0, members, employees, rated]
            else:
                row[1] += members
                row[2] += employees
                row[3] += rated
        if change.own:
            totals[int(path[-SEGMENT:], 16)][0] += change.own
    return {pk: row for pk, row in totals.items() if any(row)}


def _pg_array(values: Iterable[int]) -> str:
    """An array literal of integers, as ONE text parameter: psycopg adapts a list element
    by element, which cost more than the UPDATE itself for thousands of unions."""
    return "{" + ",".join(map(str, values)) + "}"


def set_counters(values: Mapping[int, list[int]], *, model=None) -> None:
    """Set the four counters of each union (``model``: the historical model in a migration)."""
    _update(values, add=False, model=model)


def _update(values: Mapping[int, list[int]], *, add: bool, model=None) -> None:
    """Add ``values`` to the four counters of each union (or, without ``add``, set them)."""
    if not values:
        return
    meta = (model or Organization)._meta
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    columns = [qn(meta.get_field(name).column) for name in COUNTERS]
    ids = sorted(values)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Thousands of unions at once (an import batch, the seed): one UPDATE joined to
            # the values, not one statement per union. The id list beside the join lets the
            # planner read just those rows through the primary key; joined to the values
            # alone it hashed the whole table (5,843 unions: 284 → 170 ms at 49,000).
            sets = ", ".join(
                f"{c} = o.{c} + d.c{i}" if add else f"{c} = d.c{i}" for i, c in enumerate(columns)
            )
            cursor.execute(
                f"UPDATE {table} AS o SET {sets} "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], "
                "%s::bigint[]) AS d(id, c0, c1, c2, c3) "
                "WHERE o.id = d.id AND o.id = ANY(%s::bigint[])",
                [
                    _pg_array(ids),
                    *(_pg_array(values[pk][i] for pk in ids) for i in range(len(COUNTERS))),
                    _pg_array(ids),
                ],
            )
            return
        sets = ", ".join(f"{c} = {c} + %s" if add else f"{c} = %s" for c in columns)
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE id = %s", [(*values[pk], pk) for pk in ids]
        )


# --------------------------------------------------------------------------------------------
# Recounting from the records


class Drift(NamedTuple):
    """One kept counter that differs from the records."""

    org_id: int
    counter: str
    kept: int
    actual: int


def actual_counters() -> dict[int, list[int]]:
    """Every union's four counters computed from the records: its current memberships (one
    grouped query), then each union's contribution added along its path in memory
    (49,000 unions × their depth)."""
    from smartunion.members.models import CURRENT_STATUSES

    rows = Organization.objects.annotate(
        n=Count("memberships", filter=Q(memberships__status__in=CURRENT_STATUSES))
    ).values_list("pk", "path", "employee_count", "status", "n")
    actual: dict[int, list[int]] = {}
    changes = []
    for pk, path, employees, status, members in rows:
        actual[pk] = [0, 0, 0, 0]
        changes.append((path, contribution(members, employees, status)))
    for pk, row in along_paths(changes).items():
        if pk in actual:  # a path naming a union that does not exist is not ours to count
            actual[pk] = row
    return actual


def recount(*, fix: bool = True) -> list[Drift]:
    """Compare every kept counter with the records; with ``fix``, set the drifted ones.

    Under the root lock: a change running meanwhile waits, so the records and the counters
    are read at one point between changes.
    """
    with transaction.atomic():
        lock_roots()
        actual = actual_counters()
        drifts = []
        for pk, *kept in Organization.objects.values_list("pk", *COUNTERS).order_by("pk"):
            want = actual.get(pk, [0, 0, 0, 0])
            for name, have, should in zip(COUNTERS, kept, want, strict=True):
                if have != should:
                    drifts.append(Drift(pk, name, have, should))
        if fix and drifts:
            _update({d.org_id: actual[d.org_id] for d in drifts}, add=False)
    return drifts
