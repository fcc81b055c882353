"""Test helpers without domain knowledge: the test password, valid ID numbers, downloads.

The personas and their small Gansu tree are in ``smartunion.personas``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connection, connections

from smartunion.core.idnumber import make_id_number

PASSWORD = "Test-password-2026"
_sequence = itertools.count(1)


def historical_apps(app: str, name: str):
    """The models as the migration ``app.name`` sees them when it runs (a data migration's
    function is tested with them)."""
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(connection).project_state((app, name)).apps


def reset_id_numbers(start: int = 1) -> None:
    """Start the sequence again: numbers need only be unique within one test's database.
    ``start`` continues after numbers that rows written back by a ``RowSnapshot`` hold."""
    global _sequence
    _sequence = itertools.count(start)


def id_numbers_position() -> int:
    """The position the next ``new_id_number`` takes (the sequence is left where it was)."""
    global _sequence
    position = next(_sequence)
    _sequence = itertools.count(position)
    return position


def new_id_number(
    birthplace: str = "620102", birth: dt.date = dt.date(1990, 5, 17), male: bool = True
) -> str:
    """A valid, never-repeated ID number (sequence odd for men, even for women)."""
    n = next(_sequence)
    seq = (n * 2 + (1 if male else 0)) % 1000
    return make_id_number(birthplace, birth + dt.timedelta(days=n // 500), seq)


def birth_date_forms(person) -> list[str]:
    """The ways a page, an API answer or an export could write the person's birth date (or its
    year and month), and its eight digits: text that, beside the masked ID number, completes it.
    """
    b, number = person.birth_date, person.id_number
    return [
        number[6:14],
        b.isoformat(),
        f"{b.year}-{b.month:02d}",
        f"{b.year}年{b.month}月",
        f"{b.year}年{b.month:02d}月",
        f"{b.year}/{b.month}/{b.day}",
    ]


def downloaded_csv(response) -> list[list[str]]:
    """The rows of a CSV download (streamed, UTF-8 with BOM), after checking it is one."""
    import csv
    import io

    assert response.status_code == 200, response.status_code
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def scratch_database_url(tmp_dir):
    """A generator yielding the URL of a new, empty database beside the test database (a file
    on SQLite, ``CREATE DATABASE`` on PostgreSQL), dropped again when resumed or closed: for
    servers and commands that a test runs in another process."""
    import uuid

    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_dir}/scratch-{uuid.uuid4().hex[:6]}.sqlite3"
        return
    import psycopg

    name = f"{db['NAME']}_scratch_{uuid.uuid4().hex[:6]}"
    conninfo = dict(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"])
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{db['USER']}@{conninfo['host']}:{conninfo['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _Undo(Exception):
    pass


class RowSnapshot:
    """The rows a function writes, captured once and written back by plain inserts.

    A test fixture that builds the same rows through the services in every test (the personas'
    world: 7 unions, 8 accounts, 3 members — about 600 queries) spent most of the suite's time
    doing so. ``capture`` runs the builder once inside a transaction it rolls back, reading every
    row the builder added to any table; ``restore`` writes those rows again with one bulk insert
    per table (PostgreSQL's ``COPY``, the raw values on SQLite, so encrypted and JSON columns
    round-trip byte for byte) and moves the tables' id sequences past them. A table's rows are
    told apart by primary key: what the builder added is what was not there before.

    Only additions are captured: a builder that changes rows it did not add cannot be
    snapshotted (``smartunion/core/tests/test_row_snapshot.py`` checks the world's case).
    """

    def __init__(self, tables: list[tuple[str, list[str], str, list]], day, result):
        self.tables = tables  # (model, table, columns, pk column, raw rows or COPY data)
        self.day = day
        self.result = result

    @staticmethod
    def _tables():
        from django.apps import apps

        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed:
                continue
            columns = [f.column for f in meta.concrete_fields if not getattr(f, "generated", False)]
            yield model, meta.db_table, columns, meta.pk.column

    @classmethod
    def capture(cls, build):
        from django.db import connection, transaction
        from django.utils import timezone

        quote = connection.ops.quote_name
        tables = []
        result = None
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                before = {}
                for _model, table, _columns, pk in cls._tables():
                    cursor.execute(f"SELECT {quote(pk)} FROM {quote(table)}")
                    before[table] = {row[0] for row in cursor.fetchall()}
                result = build()
                for model, table, columns, pk in cls._tables():
                    cursor.execute(f"SELECT {quote(pk)} FROM {quote(table)}")
                    added = sorted({row[0] for row in cursor.fetchall()} - before[table])
                    if not added:
                        continue
                    select = ", ".join(quote(c) for c in columns)
                    where = f"{quote(pk)} IN ({', '.join(['%s'] * len(added))})"
                    query = (
                        f"SELECT {select} FROM {quote(table)} WHERE {where} ORDER BY {quote(pk)}"
                    )
                    if connection.vendor == "postgresql":
                        literal = connection.ops.compose_sql(query, added)
                        with cursor.cursor.copy(f"COPY ({literal}) TO STDOUT") as copy:
                            data = b"".join(bytes(block) for block in copy)
                    else:
                        cursor.execute(query, added)
                        data = cursor.fetchall()
                    tables.append((model, table, columns, pk, data))
                raise _Undo
        except _Undo:
            pass
        return cls(tables, timezone.localdate(), result)

    def restore(self) -> None:
        from django.core.management.color import no_style
        from django.db import connection, transaction

        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for _model, table, columns, _pk, data in self.tables:
                names = ", ".join(quote(c) for c in columns)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                        copy.write(data)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", data
                    )
            # SQLite's AUTOINCREMENT follows explicit ids by itself; PostgreSQL's sequences not.
            models = [model for model, *_ in self.tables]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


_read_once: dict | None = None


def index_only(cursor) -> None:
    """Price out every way but an index-only scan, for the rest of the transaction: the test
    tables are tiny, and after other tests' rows (and their statistics) the planner picks any
    index for them, so a plan test asks whether a covering index *can* answer the query alone
    (PostgreSQL)."""
    for setting in ("enable_seqscan", "enable_bitmapscan", "enable_indexscan"):
        cursor.execute(f"SET LOCAL {setting} = off")


@contextmanager
def reading_once():
    """Inside: each ``read_once(name, read)`` reads once, not at every call (for a test that
    compares many figures with their brute-force counts and writes nothing meanwhile)."""
    global _read_once
    _read_once = {}
    try:
        yield
    finally:
        _read_once = None


def read_once(name: str, read):
    """``read()`` (the records ``name``, read in full), once per ``reading_once``."""
    if _read_once is None:
        return read()
    if name not in _read_once:
        _read_once[name] = read()
    return _read_once[name]


_built: dict = {}


def built_once(key, build):
    """What ``build()`` writes, built through it once per process (and again each day, as the
    builders' dates are today's) and written back row for row (``RowSnapshot``) at every later
    call with the same ``key``; returns a copy of ``build()``'s result. The ID-number sequence
    goes on after the built numbers. When rows written earlier in the test collide with the
    snapshot's ids or names, it builds anew through ``build()``."""
    import copy

    from django.db import IntegrityError
    from django.utils import timezone

    rows = _built.get(key)
    if rows is None or rows.day != timezone.localdate():
        reset_id_numbers()
        rows = _built[key] = RowSnapshot.capture(lambda: (build(), id_numbers_position()))
    try:
        rows.restore()
    except IntegrityError:
        return build()
    result, next_id_number = copy.deepcopy(rows.result)
    reset_id_numbers(next_id_number)
    return result


def at_the_same_moment(*calls):
    """Run each call in its own thread and connection, released together; return outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = ("ok", call())
        except ValidationError as exc:
            outcomes[i] = ("refused", exc)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[i] = ("crashed", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert all(o is not None for o in outcomes), "a thread did not finish"
    assert not [o for o in outcomes if o[0] == "crashed"], outcomes
    return outcomes


def run_queued_tasks() -> None:
    """Run the queued tasks through django-tasks-db's own worker code, in this connection.

    (``manage.py db_worker --batch`` itself closes the connection between tasks, which would
    end the test's transaction on PostgreSQL.)
    """
    from django.db import transaction
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    while True:
        with transaction.atomic():
            task = DBTaskResult.objects.ready().get_locked()
            if task is None:
                return
            task.claim(worker.worker_id)
        worker.run_task(task)
        task.refresh_from_db()
        assert task.status == "SUCCESSFUL", task.traceback
