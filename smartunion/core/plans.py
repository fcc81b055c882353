"""Statements that PostgreSQL plans for their own values (decision 0041).

On PostgreSQL a connection prepares a statement it runs for the fifth time
(``DATABASE_PREPARE_THRESHOLD``, settings.py): the server keeps its plan, and after five plans
made for the values of their calls it may keep one plan for any values (a generic plan) and
stop planning — a quarter of the database's time in bench/load.py's staff mix, on the short
reads of pages and the API. A generic plan is made without the values, though: for the
statistics' grouped reads, whose cost depends on which union and which days they are given
(a county or the province, one month or ten years), it was 2.4–3.5 times slower on some
figures (bench/stats.py). Those reads run inside ``unprepared``: planned for their values at
every call, as without prepared statements. Elsewhere (SQLite, preparing off) it does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def unprepared(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside (also as a decorator), the connection prepares no statement and runs none it
    prepared before: each is planned for its own values."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not connection.features.uses_server_side_binding:
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    before = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        if not raw.closed:
            raw.prepare_threshold = before
