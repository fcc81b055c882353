"""The personas' world written back by core.testing.RowSnapshot is the world the services
build: the same rows in every table, nothing else changed, the numbers still decrypt, and the
ids that come next do not collide with it."""

from django.apps import apps
from django.db import connection, transaction

from smartunion.core.testing import RowSnapshot, new_id_number
from smartunion.members.models import Membership, Person
from smartunion.orgs.models import Organization
from smartunion.personas import build_world


class _Undo(Exception):
    pass


def _tables() -> dict[str, list[tuple]]:
    quote = connection.ops.quote_name
    state = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                pk = quote(model._meta.pk.column)
                cursor.execute(f"SELECT * FROM {quote(model._meta.db_table)} ORDER BY {pk}")
                state[model._meta.db_table] = cursor.fetchall()
    return state


def _built_through_the_services() -> tuple[dict, dict]:
    """Every table before and after build_world(), which is then rolled back."""
    before = _tables()
    try:
        with transaction.atomic():
            build_world()
            after = _tables()
            raise _Undo
    except _Undo:
        pass
    return before, after


def test_the_restored_world_is_the_built_one_and_nothing_else(db):
    before, built = _built_through_the_services()
    snapshot = RowSnapshot.capture(build_world)
    assert _tables() == before, "capturing left rows behind"

    snapshot.restore()
    restored = _tables()
    for table, rows in before.items():
        # The world only adds rows: those already there are untouched, in both ways.
        assert all(row in restored[table] for row in rows), table
        assert all(row in built[table] for row in rows), f"build_world changed rows of {table}"
        assert len(restored[table]) == len(built[table]), table
    assert {t for t in before if len(built[t]) > len(before[t])} >= {
        "orgs_organization",
        "members_person",
        "members_membership",
        "accounts_user",
    }


def test_the_restored_world_reads_like_the_built_one(db):
    snapshot = RowSnapshot.capture(build_world)
    world = snapshot.result
    snapshot.restore()

    person = Person.objects.get(pk=world.member_a1.person_id)
    assert person.id_number == world.member_a1.person.id_number  # the ciphertext round-trips
    assert Membership.objects.get(pk=world.member_a1.pk).org_id == world.union_a1.pk
    assert [o.name for o in Organization.objects.get(pk=world.union_a1.pk).ancestors()] == [
        "甘肃省总工会",
        "兰州市总工会",
        "城关区总工会",
    ]
    # New rows take ids after the world's, on SQLite and PostgreSQL alike.
    org = Organization.objects.create(
        name="新工会", parent=world.county_a, kind=world.union_a1.kind, region_id="620102", path="~"
    )
    assert org.pk > max(Organization.objects.exclude(pk=org.pk).values_list("pk", flat=True))


def test_the_world_fixture_continues_the_id_numbers_after_its_members(world):
    numbers = {m.person.id_number for m in (world.member_a1, world.member_a2, world.member_b1)}
    assert new_id_number() not in numbers
    world.add_member(world.union_a1, "赵六")  # the next number is free in the registry too
