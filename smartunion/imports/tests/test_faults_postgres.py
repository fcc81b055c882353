"""Faults that need a real server: a worker killed with SIGKILL mid-commit, overlapping imports.

These run on PostgreSQL only (an in-memory SQLite database cannot be shared with another
process or thread); the in-process versions of the same faults run everywhere (test_flow).
"""

import importlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from smartunion.core.testing import new_id_number
from smartunion.imports import services
from smartunion.imports.models import ImportJob, JobStatus
from smartunion.imports.tests.helpers import csv_bytes, member_row, validated
from smartunion.members.models import Membership, Person
from smartunion.personas import build_world

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

ROOT = Path(__file__).resolve().parents[3]
_append_only = importlib.import_module("smartunion.core.migrations.0002_audit_append_only")


@pytest.fixture(autouse=True)
def _restore_audit_triggers(django_db_blocker):
    """Set up first, torn down last (after pytest-django's flush): the triggers come back."""
    yield
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        _append_only.backwards(None, editor)
        _append_only.forwards(None, editor)


@pytest.fixture(autouse=True)
def _flushable_audit_log(_restore_audit_triggers, request):
    """Overrides the project conftest's fixture of this name for these tests: on PostgreSQL the
    flush TRUNCATEs every table, which the audit log's TRUNCATE trigger refuses, so the
    triggers stay off until the flush is over (``_restore_audit_triggers`` puts them back)."""
    request.getfixturevalue("transactional_db")
    yield
    with connection.schema_editor() as editor:
        _append_only.backwards(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")


def _other_sessions_end(seconds: float = 30) -> bool:
    """Whether every other session on the test database ends within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return True
        time.sleep(0.1)
    return False


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.parametrize("process_bytes", ["0", "1000000000"], ids=["preparing-process", "one"])
def test_a_worker_killed_mid_commit_resumes_to_the_same_end_state(
    transactional_db, tmp_path, process_bytes
):
    """With a preparing process the kill takes the worker only: the child stops on its own."""
    world = build_world()
    rows = [
        member_row(f"会员{i}", org=world.union_a1 if i % 2 else world.union_a2) for i in range(3000)
    ]
    path = tmp_path / "members.csv"
    path.write_bytes(csv_bytes(rows))
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SMARTUNION_IMPORT_BATCH": "100",
        "SMARTUNION_IMPORT_PROCESS_BYTES": process_bytes,
        "DEBUG": "1",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "import_members",
            str(path),
            "--org",
            str(world.county_a.pk),
            "--user",
            "county_admin",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = ImportJob.objects.filter(created_count__gte=300).first()
            if job is not None or process.poll() is not None:
                break
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert _other_sessions_end(), "a process of the killed worker still holds a connection"
    job = ImportJob.objects.get()
    assert job.status == JobStatus.COMMITTING, "the import finished before it could be killed"
    created = Person.objects.filter(name__startswith="会员").count()
    # Whole batches only, and the job's own figures agree with the database.
    assert created % 100 == 0 and created == job.created_count == job.committed_through - 1
    # The union stays locked: no other import can commit into it meanwhile.
    other = validated(csv_bytes([member_row("赵六")]), actor=world.county_admin, org=world.county_a)
    with pytest.raises(Exception, match="正在导入另一个文件"):
        services.start_commit(other, actor=world.county_admin, mode="valid_only", enqueue=False)

    from django.core.management import call_command

    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=None, created_at=job.created_at.replace(year=2000)
    )
    call_command(
        "import_members",
        "--resume",
        str(job.pk),
        "--user",
        "county_admin",
        stdout=open(os.devnull, "w"),
    )
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED
    assert (job.created_count, job.rows_read, job.rows_error) == (3000, 3000, 0)
    assert Person.objects.filter(name__startswith="会员").count() == 3000
    assert (
        Membership.objects.filter(person__name__startswith="会员", status="active").count() == 3000
    )
    world.union_a1.refresh_from_db()
    world.union_a2.refresh_from_db()
    assert world.union_a1.member_count == 1 + 1500 and world.union_a2.member_count == 1 + 1500


def test_two_overlapping_files_committed_at_the_same_time_create_no_duplicate_person(
    transactional_db,
):
    world = build_world()
    shared = [new_id_number() for _ in range(400)]
    own_a = [new_id_number() for _ in range(100)]
    own_b = [new_id_number() for _ in range(100)]
    file_a = csv_bytes(
        [
            member_row(f"甲{i}", id_number=n, org=world.union_a1)
            for i, n in enumerate(shared + own_a)
        ]
    )
    file_b = csv_bytes(
        [member_row(f"甲{i}", id_number=n, org=world.union_a2) for i, n in enumerate(shared)]
        + [member_row(f"乙{i}", id_number=n, org=world.union_a2) for i, n in enumerate(own_b)]
    )
    # Two people in charge of overlapping subtrees: the county, and the city above it.
    job_a = validated(file_a, actor=world.county_admin, org=world.county_a)
    job_b = validated(file_b, actor=world.city_admin, org=world.city)
    job_a = services.start_commit(job_a, actor=world.county_admin, mode="valid_only", enqueue=False)
    job_b = services.start_commit(job_b, actor=world.city_admin, mode="valid_only", enqueue=False)
    barrier = threading.Barrier(2)
    errors = []

    def commit(job):
        try:
            barrier.wait()
            services.run_commit(job.pk, lease=job.task_id)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commit, args=(j,)) for j in (job_a, job_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    job_a.refresh_from_db()
    job_b.refresh_from_db()
    assert job_a.status == job_b.status == JobStatus.COMMITTED
    from smartunion.members.services import id_blind_index

    for number in shared + own_a + own_b:
        person = Person.objects.filter(id_hash=id_blind_index(number))
        assert person.count() == 1
        assert Membership.objects.filter(person__in=person, status="active").count() == 1
    assert job_a.created_count + job_b.created_count == 600


def test_a_commit_with_a_preparing_process_writes_and_reports_like_one_process(
    transactional_db, settings, monkeypatch
):
    """Big files are read, checked and prepared by a forked process (``core.processes``): the
    same rows, counters and report as in one process, row numbers and messages included."""
    settings.SMARTUNION_IMPORT_PROCESS_BYTES = 0
    monkeypatch.setattr(services, "BATCH", 3)
    forks = []
    real = services.in_child_process
    monkeypatch.setattr(services, "in_child_process", lambda *a: forks.append(a) or real(*a))
    world = build_world()
    twice = new_id_number()
    elsewhere = world.member_b1.person  # a current member in county B: offered as a transfer
    rows = [
        member_row(f"会员{i}", org=world.union_a1 if i % 2 else world.union_a2) for i in range(8)
    ]
    rows.insert(1, member_row("重复甲", id_number=twice, org=world.union_a1))
    rows.insert(4, member_row("坏号", id_number="1", org=world.union_a1))
    rows.insert(6, member_row(elsewhere.name, id_number=elsewhere.id_number, org=world.union_a1))
    rows.append(member_row("重复甲", id_number=twice, org=world.union_a1))
    job = validated(csv_bytes(rows), actor=world.county_admin, org=world.county_a)
    job = services.start_commit(job, actor=world.county_admin, mode="valid_only", enqueue=False)
    services.run_commit(job.pk, lease=job.task_id)
    job.refresh_from_db()
    assert len(forks) == 1
    assert job.status == JobStatus.COMMITTED
    assert (job.rows_read, job.created_count, job.rows_error, job.rows_transfer) == (12, 9, 2, 1)
    messages = {(i.row_no, i.message) for i in job.issues.all()}
    assert (6, "身份证号码应为18位，当前为1位。") in messages
    assert (13, "与第3行的身份证号码重复（同一人只能登记一次）。") in messages
    assert any(row == 8 and "请办理转会" in m for row, m in messages)
    assert Person.objects.filter(name__startswith="会员").count() == 8
    assert Membership.objects.filter(person__name="重复甲", status="active").count() == 1
    world.union_a1.refresh_from_db()
    world.union_a2.refresh_from_db()
    assert world.union_a1.member_count == 1 + 4 + 1 and world.union_a2.member_count == 1 + 4


def test_a_file_refused_in_the_preparing_process_is_refused_with_its_message(
    transactional_db, settings, tmp_path, monkeypatch
):
    settings.SMARTUNION_IMPORT_PROCESS_BYTES = 0
    forks = []
    real = services.in_child_process
    monkeypatch.setattr(services, "in_child_process", lambda *a: forks.append(a) or real(*a))
    world = build_world()
    path = tmp_path / "m.csv"
    path.write_bytes("姓名,电话\n赵六,13912345678\n".encode())
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command(
            "import_members",
            str(path),
            "--org",
            str(world.county_a.pk),
            "--user",
            "county_admin",
            stdout=open(os.devnull, "w"),
        )
    job = ImportJob.objects.get()
    assert len(forks) == 1
    assert job.status == JobStatus.REFUSED and "身份证号码" in job.message
    assert not Person.objects.filter(name="赵六").exists()
