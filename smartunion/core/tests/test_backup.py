"""Backups that restore: written while the system works, checked whole, restored into an empty
database by another process, and compared with the original (counts, audit chain, records)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from smartunion.core import crypto
from smartunion.core.backup import BackupError, read_archive, restore_backup, write_backup
from smartunion.core.models import AuditEntry
from smartunion.core.testing import scratch_database_url
from smartunion.imports.models import ImportJob, JobStatus
from smartunion.imports.tests.helpers import csv_bytes, member_row
from smartunion.members.models import Membership, Person
from smartunion.personas import build_world

ROOT = Path(settings.BASE_DIR)

# What the restored database reports about itself: counts, the audit chain, a sample of people
# with their numbers decrypted, and what ``recount_members --check`` says of its kept figures
# (in the same process: each process costs the suite a Django start).
INSPECT = """
import json
from django.core.management import CommandError, call_command
from smartunion.core.audit import verify_chain
from smartunion.members.models import Membership, Person
from smartunion.orgs.models import Organization
chain = verify_chain()
people = Person.objects.order_by("?")[:25]
state = {
    "persons": Person.objects.count(),
    "memberships": Membership.objects.count(),
    "orgs": Organization.objects.count(),
    "chain_ok": chain.ok, "chain_count": chain.count,
    "sample": {p.pk: [p.name, p.id_number, p.phone] for p in people},
}
try:
    call_command("recount_members", "--check")
    state["recount"] = "ok"
except CommandError as error:
    state["recount"] = str(error)
print(json.dumps(state))
"""


def in_process(url: str, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def restored(archive: Path, tmp_path: Path) -> tuple[dict, subprocess.CompletedProcess]:
    """Restore ``archive`` into a new database by another process; what it holds."""
    database = scratch_database_url(tmp_path)
    url = next(database)
    try:
        done = in_process(url, "restore", str(archive), "--media-root", str(tmp_path / "media2"))
        assert done.returncode == 0, done.stdout + done.stderr
        inspected = in_process(url, "shell", "-c", INSPECT)
        assert inspected.returncode == 0, inspected.stderr
        state = json.loads(inspected.stdout.strip().splitlines()[-1])
        assert state.pop("recount") == "ok", inspected.stdout + inspected.stderr
        return state, done
    finally:
        next(database, None)


def assert_same_people(sample: dict) -> None:
    assert sample
    for pk, (name, id_number, phone) in sample.items():
        person = Person.objects.get(pk=pk)
        assert (name, id_number, phone) == (person.name, person.id_number, person.phone)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = settings.MEDIA_ROOT / "venues" / "1" / "photo.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8 a photo \xff\xd9")
    return photo


def test_a_backup_restores_into_an_empty_database_with_everything_in_it(
    transactional_db, tmp_path, media
):
    world = build_world()
    for i in range(20):
        world.add_member(world.union_a1, f"会员{i}")
    archive = tmp_path / "backup.subak"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))
    assert (tmp_path / "backup.subak.sha256").read_text().endswith("  backup.subak\n")
    assert b"620102" not in archive.read_bytes()  # nothing of it readable without the key

    state, done = restored(archive, tmp_path)
    assert state["persons"] == Person.objects.count() == 23
    assert state["memberships"] == Membership.objects.count()
    assert state["chain_ok"] and state["chain_count"] == AuditEntry.objects.count()
    assert_same_people(state["sample"])
    assert "哈希链完好" in done.stdout and "上传文件 1 个" in done.stdout
    assert (tmp_path / "media2" / "venues" / "1" / "photo.jpg").read_bytes() == media.read_bytes()


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process needs a server")
def test_a_backup_taken_while_an_import_runs_restores_a_consistent_database(
    transactional_db, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    rows = [member_row(f"导入{i}", org=world.union_a1) for i in range(4000)]
    source = tmp_path / "members.csv"
    source.write_bytes(csv_bytes(rows))
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "SMARTUNION_IMPORT_BATCH": "100"}
    command = ["import_members", str(source), "--org", str(world.county_a.pk)]
    importer = subprocess.Popen(
        [sys.executable, "manage.py", *command, "--user", "county_admin"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not ImportJob.objects.filter(created_count__gte=300).exists():
            assert importer.poll() is None and time.monotonic() < deadline, "import ended early"
            time.sleep(0.05)
        archive = tmp_path / "during-import.subak"
        result = write_backup(archive)
        running = ImportJob.objects.get().status == JobStatus.COMMITTING
    finally:
        assert importer.wait(timeout=300) == 0
    assert running, "the import finished before the backup did: nothing was proven"
    assert ImportJob.objects.get().status == JobStatus.COMMITTED

    state, _ = restored(archive, tmp_path)
    counts = result.manifest["counts"]
    # The dump and the manifest's counts are one snapshot, caught in the middle of the import.
    assert state["persons"] == counts["members_person"]
    assert 3 + 300 <= state["persons"] < Person.objects.count() == 3 + 4000
    assert state["memberships"] == counts["members_membership"]
    assert state["chain_ok"] and state["chain_count"] == counts["core_auditentry"]
    assert_same_people(state["sample"])


def test_any_change_to_the_archive_is_found_before_anything_is_restored(
    transactional_db, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_world()
    archive = tmp_path / "a.subak"
    write_backup(archive)
    data = archive.read_bytes()
    assert read_archive(archive).manifest["counts"]["members_person"] == 3

    def broken(content: bytes, message: str):
        bad = tmp_path / "bad.subak"
        bad.write_bytes(content)
        with pytest.raises(BackupError, match=message):
            read_archive(bad)

    middle = len(data) // 2
    broken(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :], "校验失败")
    broken(data[: len(data) - 100], "不完整|校验失败")
    broken(data + b"more", "多余的内容")
    broken(data.replace(b'"database": ', b'"database":  ', 1), "损坏|校验失败")
    broken(b"PK\x03\x04" + data[4:], "不是智慧工会平台的备份文件")
    # The checksum file catches a changed copy without the key.
    (tmp_path / "bad.subak.sha256").write_text((tmp_path / "a.subak.sha256").read_text())
    with pytest.raises(CommandError, match="不符"):
        call_command("restore", str(tmp_path / "bad.subak"), "--check")


def test_it_restores_only_into_an_empty_database(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_world()
    archive = tmp_path / "a.subak"
    write_backup(archive)
    before = Person.objects.count()
    with pytest.raises(BackupError, match="目标数据库不是空的"):
        restore_backup(archive, media_root=tmp_path / "other")
    assert Person.objects.count() == before


def test_without_the_key_that_encrypted_it_a_backup_cannot_be_read(
    transactional_db, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_world()
    archive = tmp_path / "a.subak"
    write_backup(archive)
    settings.SMARTUNION_PII_KEYS = "k9:" + "QUFB" * 11  # another key, another id
    crypto.keyring.cache_clear()
    try:
        with pytest.raises(BackupError, match="缺少加密这份备份的密钥“k1”"):
            read_archive(archive)
    finally:
        crypto.keyring.cache_clear()
