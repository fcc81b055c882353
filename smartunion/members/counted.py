"""The person's counted attributes on each of their memberships (decision 0039).

The statistics split members by the person's 性别, 年龄段 (from the birth date), 学历, 户籍类型,
农民工 and 新就业形态类型 (``models.COUNTED_FIELDS``). The summaries answer for the province,
the cities and the counties (decision 0020); below them a figure reads the memberships, and a
county's comparison of its grassroots unions by one of these read every counted membership's
person as well (186,000 probes of the people for the largest county, most of the read). The
membership carries a copy of them, so the read is the index by union alone.

The copies are written with the membership (``Membership.save``, the import's and the seed's
rows through ``models.counted_from``) and kept by ``refresh`` wherever a person's counted
attribute changes (``services.update_person``); ``drifted`` finds the memberships whose copies
differ from their person's, which ``manage.py rebuild_stats --check`` reports and ``--fix``
(or a plain rebuild) refreshes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from smartunion.members.models import COUNTED_FIELDS, Membership, Person


def _tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(Membership._meta.db_table), quote(Person._meta.db_table)


def _differs() -> str:
    # Every counted column is NOT NULL on both tables: a plain comparison is exact.
    quote = connection.ops.quote_name
    return " OR ".join(f"m.{quote(name)} <> p.{quote(name)}" for name in COUNTED_FIELDS)


def refresh(person_ids: Iterable[int] | None = None) -> int:
    """The copies of these persons' memberships (of every membership with ``None``) set from
    their persons where they differ, in one statement; returns the memberships changed."""
    quote = connection.ops.quote_name
    memberships, people = _tables()
    assignments = ", ".join(f"{quote(name)} = p.{quote(name)}" for name in COUNTED_FIELDS)
    sql = (
        f"UPDATE {memberships} AS m SET {assignments} FROM {people} AS p "
        f"WHERE p.id = m.person_id AND ({_differs()})"
    )
    params: list[int] = []
    if person_ids is not None:
        params = list(person_ids)
        if not params:
            return 0
        sql += f" AND m.person_id IN ({', '.join(['%s'] * len(params))})"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def drifted(limit: int = 20) -> tuple[int, list[int]]:
    """How many memberships' copies differ from their person's, and the first ``limit`` ids."""
    memberships, people = _tables()
    join = f"FROM {memberships} m JOIN {people} p ON p.id = m.person_id WHERE {_differs()}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {join}")
        (count,) = cursor.fetchone()
        if not count:
            return 0, []
        cursor.execute(f"SELECT m.id {join} ORDER BY m.id LIMIT %s", [limit])
        return count, [row[0] for row in cursor.fetchall()]
