"""A reused PostgreSQL connection's health check (core/postgresql/base.py): no query while the
server has sent nothing; a connection the server closed is replaced before a request uses it."""

from __future__ import annotations

import select
import time

import psycopg
import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's connections"),
]


@pytest.fixture
def db_conn(db):
    """A connection of its own (outside the test's transaction), persistent as in production,
    as a request leaves it: open, idle, its next health check not done."""
    wrapper = connections.create_connection("default")
    assert type(wrapper).__module__ == "smartunion.core.postgresql.base"
    wrapper.ensure_connection()
    wrapper.close_at = None  # CONN_MAX_AGE
    assert wrapper.health_check_enabled
    yield wrapper
    wrapper.close()


def at_rest(wrapper):
    wrapper.close_if_unusable_or_obsolete()  # what Django runs as a request starts
    assert wrapper.connection is not None and not wrapper.health_check_done


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_connection_at_rest_is_checked_without_a_query(db_conn, monkeypatch):
    at_rest(db_conn)
    raw = db_conn.connection

    def no_query(*args, **kwargs):
        raise AssertionError("the health check sent a query")

    monkeypatch.setattr(raw, "cursor", no_query)
    db_conn.close_if_health_check_failed()
    monkeypatch.undo()
    assert db_conn.connection is raw and db_conn.health_check_done


def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it(db_conn):
    pid = backend_pid(db_conn)
    at_rest(db_conn)
    raw = db_conn.connection
    settings = db_conn.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while not select.select([raw.fileno()], [], [], 0)[0] and time.monotonic() < deadline:
        time.sleep(0.05)
    # The request's first query runs on a new connection instead of failing.
    assert backend_pid(db_conn) != pid
    assert db_conn.connection is not raw


def test_after_an_error_the_connection_is_checked_by_a_query(db_conn, monkeypatch):
    at_rest(db_conn)
    db_conn.errors_occurred = True
    raw = db_conn.connection
    real, asked = raw.cursor, []

    def counted(*args, **kwargs):
        asked.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(raw, "cursor", counted)
    assert db_conn.is_usable()
    assert asked == [1]
