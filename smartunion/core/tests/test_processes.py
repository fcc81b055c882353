"""core.processes: a generator run in a forked child, its items, errors and death seen here.

The child is forked, so these need a database the child can reach on its own: they run on
PostgreSQL (the suite's SQLite database lives in the test process's memory).
"""

import os
import signal
import time

import pytest
from django.db import connection, transaction

from smartunion.core.processes import ChildDied, can_fork, in_child_process
from smartunion.orgs.models import Organization
from smartunion.personas import build_world


@pytest.fixture
def forkable(transactional_db):
    if not can_fork():
        pytest.skip("fork needs a database outside this process (PostgreSQL)")


class Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def numbers(n):
    for i in range(n):
        yield {"i": i, "pid": os.getpid()}


def fails_after_one(exc):
    yield 1
    raise exc


def unpicklable_failure():
    yield 1
    error = ValueError("带着一把锁")
    error.lock = __import__("threading").Lock()  # a lock cannot be pickled
    raise error


def dies_after_one():
    yield os.getpid()
    os.kill(os.getpid(), signal.SIGKILL)
    yield "never"


def endless():
    i = 0
    while True:
        yield os.getpid(), i
        i += 1


def database_view():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    yield backend, Organization.objects.count()


def test_items_come_back_in_order_from_another_process(forkable):
    items = list(in_child_process(numbers, 500))
    assert [item["i"] for item in items] == list(range(500))
    assert {item["pid"] for item in items} != {os.getpid()}


def test_an_exception_in_the_child_is_raised_here_with_its_message(forkable):
    got = in_child_process(fails_after_one, Refused("文件中没有表头。"))
    assert next(got) == 1
    with pytest.raises(Refused) as info:
        next(got)
    assert info.value.message == "文件中没有表头。"


def test_an_exception_that_cannot_cross_comes_back_as_its_text(forkable):
    with pytest.raises(RuntimeError, match="带着一把锁"):
        list(in_child_process(unpicklable_failure))


def test_a_child_that_dies_raises_child_died(forkable):
    got = in_child_process(dies_after_one)
    next(got)
    with pytest.raises(ChildDied, match="意外结束"):
        next(got)


def test_stopping_early_stops_the_child(forkable):
    got = in_child_process(endless)
    pid, _i = next(got)
    got.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the child is still running")


@pytest.mark.postgres_only
def test_the_child_has_its_own_connection_and_sees_committed_rows(forkable):
    if connection.vendor != "postgresql":
        pytest.skip("pg_backend_pid is PostgreSQL's")
    build_world()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        mine = cursor.fetchone()[0]
    expected = Organization.objects.count()
    [(backend, count)] = list(in_child_process(database_view))
    assert backend != mine and count == expected
    # And this process's connection works afterwards (it was closed before the fork).
    assert Organization.objects.count() == expected


def test_no_fork_inside_a_transaction(db):
    with transaction.atomic():
        assert not can_fork()
        with pytest.raises(RuntimeError):
            next(in_child_process(numbers, 1))
