"""The bulk registration path: same records and rules as the services, at database speed."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from smartunion.core import audit, crypto
from smartunion.core.idnumber import parse_id_number
from smartunion.core.models import AuditEntry
from smartunion.core.pinyin import name_pinyin
from smartunion.core.testing import new_id_number
from smartunion.members.bulk import (
    ALREADY_REGISTERED,
    CARD_TAKEN,
    DUPLICATE_IN_INPUT,
    MemberRecord,
    Table,
    bulk_register,
    common_path,
)
from smartunion.members.models import (
    READING_COLUMNS,
    ChangeType,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
)
from smartunion.members.services import id_blind_index, phone_blind_index
from smartunion.orgs.models import Organization
from smartunion.orgs.services import recount_members


def record(org, name="赵六", number=None, phone="13912345678", row=None, **kwargs):
    return MemberRecord(
        name=name,
        ident=parse_id_number(number or new_id_number()),
        org_id=org.pk,
        phone=phone,
        row=row,
        **kwargs,
    )


def test_it_registers_persons_memberships_events_and_counters(world):
    before = Organization.objects.get(pk=world.union_a1.pk).member_count
    records = [record(world.union_a1, row=i) for i in range(2, 9)]
    result = bulk_register(records, actor=world.county_admin, batch_size=3)
    assert result.created == 7 and not result.skipped and result.batches == 3
    assert Organization.objects.get(pk=world.union_a1.pk).member_count == before + 7
    assert recount_members(fix=False) == []

    person = Person.objects.get(id_hash=id_blind_index(records[0].ident.number))
    assert person.id_number == records[0].ident.number
    assert person.phone == "13912345678"
    assert person.phone_hash == phone_blind_index("13912345678")
    assert person.phone_masked == "139****5678"
    assert person.id_masked == records[0].ident.masked
    assert (person.gender, person.birth_date) == (
        records[0].ident.gender,
        records[0].ident.birth_date,
    )
    assert (person.name_pinyin, person.name_initials) == name_pinyin("赵六")
    assert person.org_id == world.union_a1.pk

    membership = person.memberships.get()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.card_no == f"62{membership.pk:010d}"
    assert membership.joined_on == membership.applied_on
    event = MembershipEvent.objects.get(membership=membership)
    assert (
        event.change_type == ChangeType.JOIN and event.actor_name == "county_admin（城关区总工会）"
    )


def test_it_stores_ciphertext_never_the_plain_numbers(world):
    rec = record(world.union_a1)
    bulk_register([rec], actor=world.county_admin)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone FROM members_person WHERE id_hash = %s",
            [id_blind_index(rec.ident.number)],
        )
        stored_id, stored_phone = cursor.fetchone()
    assert rec.ident.number not in stored_id and "13912345678" not in stored_phone
    assert crypto.key_id_of(stored_id) == crypto.keyring().current_id
    assert crypto.decrypt(stored_id) == rec.ident.number


def test_it_writes_one_audit_entry_per_batch_not_per_row(world):
    before = AuditEntry.objects.count()
    bulk_register(
        [record(world.union_a1) for _ in range(10)],
        actor=world.county_admin,
        action="import.members",
        audit_changes={"file_sha256": "ab" * 32},
        batch_size=4,
    )
    entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.action for e in entries] == ["import.members"] * 3
    assert [e.changes["created"] for e in entries] == [4, 4, 2]
    assert entries[0].changes["file_sha256"] == "ab" * 32
    assert entries[0].org_path == world.union_a1.path
    assert audit.verify_chain().ok


def test_running_it_again_creates_nothing_new(world):
    records = [record(world.union_a1, row=i) for i in range(2, 6)]
    bulk_register(records, actor=world.county_admin)
    persons, memberships = Person.objects.count(), Membership.objects.count()
    again = bulk_register(records, actor=world.county_admin)
    assert again.created == 0
    assert [(s.row, s.field, s.message) for s in again.skipped] == [
        (i, "id_number", ALREADY_REGISTERED) for i in range(2, 6)
    ]
    assert (Person.objects.count(), Membership.objects.count()) == (persons, memberships)
    assert recount_members(fix=False) == []


def test_a_person_already_registered_by_the_services_is_skipped(world):
    existing = world.member_a1.person
    result = bulk_register(
        [record(world.union_a2, number=existing.id_number, row=7)], actor=world.county_admin
    )
    assert result.created == 0 and result.skipped[0].row == 7
    assert Membership.objects.filter(person=existing).count() == 1


def test_a_repeated_id_number_inside_the_input_is_created_once(world):
    number = new_id_number()
    result = bulk_register(
        [
            record(world.union_a1, number=number, row=2),
            record(world.union_a2, number=number, row=3),
        ],
        actor=world.county_admin,
    )
    assert result.created == 1
    assert [(s.row, s.message) for s in result.skipped] == [(3, DUPLICATE_IN_INPUT)]
    assert Person.objects.filter(id_hash=id_blind_index(number)).count() == 1


def test_a_card_number_in_use_is_refused_for_that_row_only(world):
    taken = world.member_a1.card_no
    result = bulk_register(
        [
            record(world.union_a1, card_no=taken, row=2),
            record(world.union_a1, card_no="9001", row=3),
        ],
        actor=world.county_admin,
    )
    assert result.created == 1
    assert [(s.row, s.field, s.message) for s in result.skipped] == [(2, "card_no", CARD_TAKEN)]
    assert Membership.objects.filter(card_no="9001").count() == 1


def test_inside_an_outer_transaction_a_failure_leaves_nothing(world):
    persons = Person.objects.count()
    audit_entries = AuditEntry.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_register([record(world.union_a1) for _ in range(3)], actor=world.county_admin)
        # The database still refuses a second current membership, bulk or not.
        person = Person.objects.order_by("-id").first()
        Membership.objects.create(
            person=person, org=world.union_a2, status="active", joined_on=dt.date(2020, 1, 1)
        )
    assert Person.objects.count() == persons
    assert AuditEntry.objects.count() == audit_entries


def test_extra_fields_and_join_dates_are_kept(world):
    rec = record(
        world.union_a2,
        joined_on=dt.date(2015, 3, 1),
        extra={"ethnicity": "03", "new_form_type": "04", "is_migrant_worker": True},
        phone="",
    )
    bulk_register([rec], actor=world.county_admin)
    person = Person.objects.get(id_hash=id_blind_index(rec.ident.number))
    assert (person.ethnicity, person.new_form_type, person.is_migrant_worker) == ("03", "04", True)
    assert person.phone == "" and person.phone_hash == "" and person.phone_masked == ""
    assert person.memberships.get().joined_on == dt.date(2015, 3, 1)


def test_common_path_is_segment_aligned():
    assert common_path(["0000000100000002", "0000000100000003"]) == "00000001"
    assert common_path(["0000000100000012", "0000000100000013"]) == "00000001"
    assert common_path(["00000001", "00000002"]) == ""
    assert common_path(["0000000100000002"]) == "0000000100000002"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY text is PostgreSQL's")
def test_copy_text_lines_keep_tabs_newlines_backslashes_and_nulls(world):
    m = world.member_a1
    table = Table(MembershipEvent)
    start = table.reserve_block(3)
    notes = ["制表\t符", "换行\n回车\r反斜杠\\N", "普通说明"]
    text = "".join(
        table.line(
            {
                "id": start + i,
                "person_id": m.person_id,
                "membership_id": m.pk,
                "org_id": m.org_id,
                "change_type": ChangeType.RETAIN.value,
                "occurred_on": dt.date(2024, 1, 2),
                "note": note,
                "actor_id": None,
                "actor_name": "system",
                "created_at": timezone.now(),
            }
        )
        for i, note in enumerate(notes)
    )
    table.write_text(text)
    rows = MembershipEvent.objects.filter(pk__gte=start).order_by("pk")
    assert [e.note for e in rows] == notes
    assert all(e.actor_id is None and e.occurred_on == dt.date(2024, 1, 2) for e in rows)
    table.settle_sequence()
    assert (
        MembershipEvent.objects.create(
            person_id=m.person_id,
            membership=m,
            org_id=m.org_id,
            change_type="retain",
            occurred_on=dt.date(2024, 1, 3),
        ).pk
        > start + 2
    )


def test_pg_array_joins_ids_and_hashes_and_refuses_anything_that_would_need_quoting():
    from smartunion.members.bulk import pg_array

    assert pg_array([1, 22, 333]) == "{1,22,333}"
    assert pg_array(["ab12", "ff00"]) == "{ab12,ff00}"
    assert pg_array([]) == "{}"
    for bad in (['a"b'], ["a,b"], ["x}"], [""], [-1], ["王"]):
        with pytest.raises(ValueError):
            pg_array(bad)


@pytest.mark.postgres_only
def test_a_prepared_batch_skips_whoever_was_registered_after_it_was_prepared(world):
    """prepare_batch runs ahead (in an import's second process); write_prepared checks again
    under the bulk lock, so a person registered in between is reported, never created twice."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared batches are COPY text: PostgreSQL")
    from smartunion.members.bulk import prepare_batch, write_prepared

    card = "GS-0001"
    records = [
        record(world.union_a1, name="甲", row=2),
        record(world.union_a1, name="乙", row=3),
        record(world.union_a2, name="丙", row=4, card_no=card),
    ]
    prepared = prepare_batch(records, actor=world.county_admin)
    assert prepared.size == 3 and len(prepared.persons) == 3 and not prepared.skipped
    # Meanwhile 乙 joins through a form, and someone takes 丙's card number.
    world.add_member(world.union_b1, "乙", id_number=records[1].ident.number)
    taken = world.add_member(world.union_b1, "丁")
    Membership.objects.filter(pk=taken.pk).update(card_no=card)
    before = Person.objects.count()

    result = write_prepared(prepared, actor=world.county_admin)

    assert [row for row, _pk in result.created] == [2]
    assert [(s.row, s.field, s.message) for s in result.skipped] == [
        (3, "id_number", ALREADY_REGISTERED),
        (4, "card_no", CARD_TAKEN),
    ]
    assert Person.objects.count() == before + 1
    assert Person.objects.filter(name="乙").count() == 1
    assert recount_members(fix=False) == []


# ---- the readings of names ----------------------------------------------------------------------


def test_a_bulk_import_reads_the_family_name_as_a_surname(world):
    from smartunion.members.services import check_id_number

    records = [
        MemberRecord(name=name, ident=check_id_number(new_id_number()), org_id=world.union_a1.pk)
        for name in ("曾晓燕", "王五六")
    ]
    bulk_register(records, actor=world.county_admin)
    zeng = Person.objects.get(name="曾晓燕")
    assert (zeng.name_pinyin, zeng.name_initials) == ("zengxiaoyan", "zxy")
    assert (zeng.name_pinyin_alt, zeng.name_initials_alt) == ("cengxiaoyan", "cxy")
    wang = Person.objects.get(name="王五六")
    assert (wang.name_pinyin_alt, wang.name_initials_alt) == ("", "")


def test_reading_every_name_again_changes_only_the_stale_rows_in_batches(
    world, django_assert_max_num_queries
):
    from smartunion.core.pinyin import text_pinyin
    from smartunion.members.bulk import refresh_name_readings

    for name in ("曾晓燕", "单田芳", "赵明", "欧阳娜娜"):
        world.add_member(world.union_a1, name)
    # As the registry held them before: every name by its ordinary reading alone.
    for person in Person.objects.all():
        Person.objects.filter(pk=person.pk).update(
            **dict(zip(READING_COLUMNS, (*text_pinyin(person.name), "", ""), strict=True))
        )
    assert refresh_name_readings(batch_size=2) == 2  # 曾晓燕 and 单田芳
    rows = dict(Person.objects.values_list("name", "name_initials"))
    assert rows["曾晓燕"] == "zxy" and rows["单田芳"] == "stf" and rows["赵明"] == "zm"
    assert Person.objects.get(name="单田芳").name_initials_alt == "dtf"
    # Again: nothing left to change, the people read in batches of two (8 people: 4 reads
    # and the empty one that ends it), nothing written.
    with django_assert_max_num_queries(5):
        assert refresh_name_readings(batch_size=2) == 0
