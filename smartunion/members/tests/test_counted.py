"""The person's counted attributes on each membership (members/counted.py, decision 0039)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from smartunion.core.idnumber import parse_id_number
from smartunion.core.models import AuditEntry
from smartunion.core.testing import new_id_number
from smartunion.members import counted
from smartunion.members.bulk import MemberRecord, bulk_register
from smartunion.members.models import COUNTED_FIELDS, Membership, Person, counted_from
from smartunion.members.seed import generate
from smartunion.members.services import (
    PersonData,
    id_blind_index,
    register_member,
    transfer_membership,
    update_person,
)
from smartunion.personas import ensure_regions
from smartunion.stats import figures, indicators


def copies(membership: Membership) -> dict:
    membership.refresh_from_db()
    return {name: getattr(membership, name) for name in COUNTED_FIELDS}


def attributes(person: Person) -> dict:
    person.refresh_from_db()
    return counted_from(person)


def test_the_counted_fields_are_the_persons_that_the_statistics_count():
    from smartunion.members.summaries import PERSON_FIELDS

    assert set(COUNTED_FIELDS) == {*PERSON_FIELDS, "gender", "birth_date"}
    for name in COUNTED_FIELDS:
        ours, theirs = Membership._meta.get_field(name), Person._meta.get_field(name)
        assert type(ours) is type(theirs) and not ours.editable, name
        assert getattr(ours, "max_length", None) == getattr(theirs, "max_length", None), name
        assert ours.choices == theirs.choices and not ours.null, name


def test_a_registered_members_membership_carries_the_persons_attributes(world):
    number = new_id_number(birth=dt.date(1990, 5, 17), male=False)
    data = PersonData(
        name="冯秀兰",
        id_number=number,
        extra={"education": "20", "hukou_type": "1", "is_migrant_worker": True},
    )
    m = register_member(data, world.union_a1, actor=world.county_admin)
    assert copies(m) == {
        "gender": "2",
        "birth_date": dt.date(1990, 5, 17),
        "education": "20",
        "hukou_type": "1",
        "is_migrant_worker": True,
        "new_form_type": "",
    }
    assert copies(m) == attributes(m.person)


def test_an_edit_of_the_person_reaches_every_membership_and_the_figures(world):
    m = world.add_member(world.union_a1, "褚建国")
    moved = transfer_membership(m, world.union_a2, actor=world.county_admin)
    old = Membership.objects.get(pk=m.pk)
    assert old.status == "ended" and moved.pk != m.pk
    assert copies(old) == copies(moved) == attributes(m.person)

    by_education = indicators.get("members.by_education")
    today = timezone.localdate()

    def graduates() -> int:
        rows = figures.comparison(by_education, world.county_a, today)
        return sum(row.value.get("10", 0) for row in rows if row.value)

    before = graduates()
    update_person(m.person, {"education": "10", "new_form_type": "04"}, actor=world.county_admin)
    for membership in (old, moved):
        assert copies(membership)["education"] == "10"
        assert copies(membership)["new_form_type"] == "04"
    assert graduates() == before + 1
    assert counted.drifted() == (0, [])


def test_an_import_writes_the_copies_with_the_memberships(world):
    number = new_id_number(birth=dt.date(1971, 2, 3), male=True)
    record = MemberRecord(
        name="卫东",
        ident=parse_id_number(number),
        org_id=world.union_a2.pk,
        phone="",
        extra={"new_form_type": "04", "hukou_type": "3"},
    )
    bulk_register([record], actor=world.county_admin)
    person = Person.objects.get(id_hash=id_blind_index(number))
    (membership,) = person.memberships.all()
    assert copies(membership) == attributes(person)
    assert copies(membership)["birth_date"] == dt.date(1971, 2, 3)
    assert (copies(membership)["new_form_type"], copies(membership)["gender"]) == ("04", "1")


@pytest.mark.django_db
def test_the_seed_writes_each_membership_with_its_persons_attributes():
    ensure_regions()
    generate(orgs=60, members=400, seed=11, workers=1)
    assert Membership.objects.count() > 400
    assert counted.drifted() == (0, [])
    # Not vacuous: the copies vary as the people do.
    assert Membership.objects.values("education").distinct().count() > 3


def test_a_drifted_copy_is_found_reported_and_fixed(world):
    m = world.add_member(world.union_a1, "蒋涛")
    other = world.add_member(world.union_a1, "沈云")
    Membership.objects.filter(pk=m.pk).update(education="90", is_migrant_worker=True)
    assert counted.drifted() == (1, [m.pk])
    out = StringIO()
    with pytest.raises(CommandError, match="drifted"):
        call_command("rebuild_stats", "--check", stdout=out)
    assert f"1 条会籍上的会员属性与会员不一致（会籍 ID：{m.pk}）" in out.getvalue()
    assert copies(m) != attributes(m.person)  # a check alone changes nothing

    call_command("rebuild_stats", "--check", "--fix", stdout=StringIO())
    assert copies(m) == attributes(m.person) and copies(other) == attributes(other.person)
    entry = AuditEntry.objects.filter(action="stats.rebuild_summaries").latest("id")
    assert entry.changes["memberships"] == 1
    call_command("rebuild_stats", "--check", stdout=StringIO())  # clean now

    Membership.objects.filter(pk=other.pk).update(gender="1" if other.gender == "2" else "2")
    out = StringIO()
    call_command("rebuild_stats", stdout=out)  # a rebuild refreshes them too
    assert "会籍上的会员属性更正 1 条" in out.getvalue()
    assert counted.drifted() == (0, [])


def test_a_refresh_of_no_one_changes_nothing(world):
    m = world.add_member(world.union_a1, "韩梅")
    Membership.objects.filter(pk=m.pk).update(hukou_type="2")
    assert counted.refresh(person_ids=[]) == 0
    assert counted.refresh(person_ids=[m.person_id + 1000]) == 0
    assert copies(m)["hukou_type"] == "2"
    assert counted.refresh(person_ids=[m.person_id]) == 1
    assert counted.refresh() == 0  # nothing left that differs
