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

from smartunion.core.testing import build_world, new_id_number
from smartunion.imports import services
from smartunion.imports.models import ImportJob, JobStatus
from smartunion.imports.tests.helpers import csv_bytes, member_row, validated
from smartunion.members.models import Membership, Person

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


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_a_worker_killed_mid_commit_resumes_to_the_same_end_state(transactional_db, tmp_path):
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
