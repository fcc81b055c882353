"""A worker acting for themself (core.actors.SelfActor) holds no scope: every scoped queryset
gives them their own rows only — their person, their union, the cases they applied for — and
nothing of anyone else in the same union."""

import pytest

from smartunion.casework import services as casework
from smartunion.core.actors import SelfActor
from smartunion.core.errors import NotInScope
from smartunion.core.models import AuditEntry
from smartunion.members.models import Membership, Person
from smartunion.orgs.models import Organization
from smartunion.servicerequests.models import ServiceRequest
from smartunion.servicerequests.testing import make_request


def test_a_worker_sees_only_their_own_rows(world):
    person = world.member_a1.person
    world.add_member(world.union_a1, "赵六")  # a colleague in the same union
    own = make_request(world.union_a1, world.county_admin, person_id=person.pk)
    neighbours = make_request(world.union_a1, world.county_admin)  # a walk-in: no applicant
    other = make_request(world.union_a1, world.county_admin, person_id=world.member_a2.person_id)
    worker = SelfActor(person.phone_hash, person_id=person.pk, org=world.union_a1)

    assert list(Person.objects.visible_to(worker, "change")) == [person]
    assert list(Organization.objects.visible_to(worker)) == [world.union_a1]
    assert list(ServiceRequest.objects.visible_to(worker, "change")) == [own]
    assert not Membership.objects.visible_to(worker).exists()
    assert not AuditEntry.objects.visible_to(worker).exists()
    assert not Person.objects.visible_to(worker, "reveal_pii").exists()
    for case in (neighbours, other):
        with pytest.raises(NotInScope):
            casework.lock_case(ServiceRequest, case.pk, actor=worker)

    # Before the binding the worker is no person: no case is theirs, walk-ins included.
    unbound = SelfActor("x", ref=1)
    assert not ServiceRequest.objects.visible_to(unbound).exists()
    assert not ServiceRequest.of_applicant(None).exists()
    assert not Organization.objects.visible_to(unbound).exists()
