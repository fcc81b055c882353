"""A dump of the whole database holds no plaintext ID number or phone (invariant 3).

Members are written every way the product writes them — the API (register, apply, edit,
reveal, a refused duplicate), the services (transfer, retain, chair phone) and the bulk path —
then every row of every table is read back as text: SQLite's ``iterdump()``, or on PostgreSQL
every column of every table cast to text (inside the test's transaction, so nothing else can
see it). The audit log, sessions and task tables are included.
"""

import datetime as dt
import json

import pytest
from django.db import connection

from smartunion.core.idnumber import parse_id_number
from smartunion.core.testing import new_id_number
from smartunion.members import services
from smartunion.members.bulk import MemberRecord, bulk_register
from smartunion.members.models import ChangeReason, Person
from smartunion.orgs.services import update_org


def database_dump() -> str:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            qn = connection.ops.quote_name
            expression = ", ".join(f"COALESCE({qn(c)}::text, '')" for c in columns)
            cursor.execute(f"SELECT concat_ws(E'\\t', {expression}) FROM {qn(table)}")
            parts.extend(row[0] for row in cursor.fetchall())
    return "\n".join(parts)


def api(client, method, path, payload=None):
    response = getattr(client, method)(
        f"/api/v1{path}",
        data=json.dumps(payload or {}),
        content_type="application/json",
    )
    return response


@pytest.fixture
def written(world, client):
    """Personal information written through every path; returns the plaintexts."""
    client.force_login(world.county_admin)
    numbers = [
        world.member_a1.person.id_number,
        world.member_a2.person.id_number,
        world.member_b1.person.id_number,
    ]
    phones = ["13800138000"]

    registered, phone = new_id_number(), "13912340001"
    response = api(
        client,
        "post",
        "/members",
        {"name": "孙七", "id_number": registered, "phone": phone, "org": world.union_a1.pk},
    )
    assert response.status_code == 201, response.content
    person_id = response.json()["id"]
    numbers.append(registered)
    phones.append(phone)

    applicant, applicant_phone = new_id_number(male=False), "13712340002"
    response = api(
        client,
        "post",
        "/members/applications",
        {
            "name": "周八",
            "id_number": applicant,
            "phone": applicant_phone,
            "org": world.union_a2.pk,
        },
    )
    assert response.status_code == 201, response.content
    numbers.append(applicant)
    phones.append(applicant_phone)

    new_phone = "15012340003"
    response = api(client, "patch", f"/members/{person_id}", {"phone": new_phone})
    assert response.status_code == 200, response.content
    phones.append(new_phone)

    response = api(client, "post", f"/members/{person_id}/reveal", {"field": "id_number"})
    assert response.status_code == 200 and response.json()["value"] == registered

    duplicate = api(
        client,
        "post",
        "/members",
        {"name": "孙七", "id_number": registered, "phone": phone, "org": world.union_a2.pk},
    )
    assert duplicate.status_code == 422
    assert registered not in duplicate.content.decode()

    services.retain_membership(
        world.member_a2, actor=world.county_admin, reason=ChangeReason.RETIRED
    )
    services.transfer_membership(world.member_a1, world.union_a2, actor=world.county_admin)

    chair_phone = "18912340004"
    update_org(world.union_a1, {}, actor=world.county_admin, chair_phone=chair_phone)
    phones.append(chair_phone)

    bulk_numbers = [new_id_number() for _ in range(3)]
    bulk_register(
        [
            MemberRecord(
                name="吴九",
                ident=parse_id_number(n),
                org_id=world.union_a1.pk,
                phone=f"1361234000{i}",
                joined_on=dt.date(2020, 1, 1),
            )
            for i, n in enumerate(bulk_numbers, 5)
        ],
        actor=world.county_admin,
    )
    numbers += bulk_numbers
    phones += [f"1361234000{i}" for i in range(5, 8)]
    assert Person.objects.count() == 8
    return numbers, phones


def test_the_dump_holds_no_plaintext_id_number_or_phone(written):
    numbers, phones = written
    dump = database_dump()
    assert len(dump) > 10_000
    for number in numbers:
        assert number not in dump
        assert number[6:17] not in dump  # not even the birth date and sequence together
    for phone in phones:
        assert phone not in dump


def test_the_dump_does_hold_the_masked_forms_and_ciphertext(written):
    """The scan can see the rows it checks: masks and key-tagged ciphertext are there."""
    numbers, phones = written
    dump = database_dump()
    for number in numbers:
        assert number[:6] + "********" + number[-4:] in dump
    assert "139****0001" in dump
    assert dump.count("k1$") >= len(numbers) + len(phones)


def test_the_audit_log_names_people_by_masked_numbers_only(written):
    from smartunion.core.models import AuditEntry

    numbers, phones = written
    text = json.dumps(
        list(AuditEntry.objects.values_list("changes", "object_repr")), ensure_ascii=False
    )
    assert "pii.reveal" in set(AuditEntry.objects.values_list("action", flat=True))
    for value in numbers + phones:
        assert value not in text
