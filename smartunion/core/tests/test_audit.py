"""The audit log: append-only, hash-chained, scoped to the reader's subtree."""

import threading

import pytest
from django.db import connection, connections

from smartunion.core import audit
from smartunion.core.models import AuditEntry
from smartunion.personas import build_world


def test_entries_are_numbered_and_each_links_to_the_one_before(world):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == audit.GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.entry_hash
        assert after.entry_hash == after.compute_hash()


def test_a_write_records_who_what_and_where(world):
    entry = audit.record(
        world.county_admin,
        "org.update",
        world.union_a1,
        changes={"name": ["旧名", "新名"]},
    )
    assert (entry.actor_id, entry.actor_name) == (world.county_admin.pk, "county_admin")
    assert (entry.object_type, entry.object_id) == ("orgs.organization", str(world.union_a1.pk))
    assert entry.org_path == world.union_a1.path
    assert entry.changes == {"name": ["旧名", "新名"]}
    assert audit.verify_chain().ok


def test_system_writes_are_recorded_as_system(db):
    entry = audit.record(None, "seed.generate", object_type="orgs.organization", object_id="1")
    assert (entry.actor_id, entry.actor_name, entry.seq) == (None, "system", 1)


def test_the_orm_refuses_to_change_or_delete_entries(world):
    entry = AuditEntry.objects.order_by("seq").first()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.action = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action != "forged"


def test_staff_read_the_log_of_their_own_subtree_only(world):
    audit.record(world.sibling_admin, "org.update", world.union_b1, changes={})
    audit.record(world.county_admin, "org.update", world.union_a2, changes={})
    county = AuditEntry.objects.visible_to(world.county_admin)
    assert county.exists()
    assert all(e.org_path.startswith(world.county_a.path) for e in county)
    assert not county.filter(org_path__startswith=world.county_b.path).exists()
    sibling_paths = set(
        AuditEntry.objects.visible_to(world.sibling_admin).values_list("org_path", flat=True)
    )
    assert sibling_paths and all(p.startswith(world.county_b.path) for p in sibling_paths)
    province = AuditEntry.objects.visible_to(world.province_admin)
    assert province.filter(org_path__startswith=world.county_b.path).exists()
    assert province.filter(org_path__startswith=world.county_a.path).exists()
    assert AuditEntry.objects.visible_to(world.superuser).count() == AuditEntry.objects.count()


def test_grassroots_staff_viewers_and_visitors_read_no_log(world):
    for user in (world.grassroots_admin, world.viewer, world.anonymous):
        assert not AuditEntry.objects.visible_to(user).exists()


def test_changes_are_stored_as_json_with_dates_and_chinese(world):
    import datetime as dt

    entry = audit.record(
        world.county_admin,
        "member.retain",
        world.member_a1,
        changes={"on": dt.date(2024, 3, 1), "reason": "退休"},
    )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.changes == {"on": "2024-03-01", "reason": "退休"}
    assert entry.entry_hash == entry.compute_hash()


def test_a_rolled_back_write_leaves_no_entry_and_no_gap(world):
    from django.db import transaction

    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(world.county_admin, "org.update", world.union_a1, changes={})
        raise RuntimeError("the write failed")
    assert AuditEntry.objects.count() == before
    audit.record(world.county_admin, "org.update", world.union_a1, changes={})
    assert audit.verify_chain().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
def test_writers_appending_at_the_same_moment_keep_one_unbroken_chain(transactional_db):
    world = build_world()
    before = AuditEntry.objects.count()
    barrier = threading.Barrier(4)
    errors = []

    def writer(n):
        try:
            barrier.wait(timeout=10)
            for i in range(15):
                audit.record(
                    world.county_admin, "org.update", world.union_a1, changes={"n": n, "i": i}
                )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    report = audit.verify_chain()
    assert report.ok and report.count == before + 60
