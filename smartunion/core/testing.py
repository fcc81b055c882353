"""Test helpers without domain knowledge: the test password, valid ID numbers, downloads.

The personas and their small Gansu tree are in ``smartunion.personas``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading

from django.core.exceptions import ValidationError
from django.db import connections

from smartunion.core.idnumber import make_id_number

PASSWORD = "Test-password-2026"
_sequence = itertools.count(1)


def reset_id_numbers() -> None:
    """Start the sequence again: numbers need only be unique within one test's database."""
    global _sequence
    _sequence = itertools.count(1)


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

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
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
