"""Two staff acting on the same member at the same moment (PostgreSQL row locks).

Each thread has its own database connection and transaction; a barrier releases them
together. Exactly one wins; the other gets a clear Chinese message; the records stay whole.
"""

import pytest
from django.db import connection

from smartunion.accounts.roles import Role
from smartunion.core import audit
from smartunion.core.testing import at_the_same_moment, new_id_number
from smartunion.members import services
from smartunion.members.models import CURRENT_STATUSES, Membership, Person, Transfer, TransferStatus
from smartunion.members.services import PersonData
from smartunion.orgs.models import Kind
from smartunion.orgs.services import recount_members
from smartunion.personas import build_world, make_org, make_staff

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@pytest.fixture
def race_world(transactional_db):
    world = build_world()
    world.union_a3 = make_org("城关区建筑业联合工会", world.county_a, Kind.JOINT, "620102")
    return world


def test_two_transfers_of_one_member_at_once_one_wins_and_the_other_is_told(race_world):
    w = race_world
    member = w.member_a1
    outcomes = at_the_same_moment(
        lambda: services.transfer_membership(member, w.union_a2, actor=w.county_admin),
        lambda: services.transfer_membership(member, w.union_a3, actor=w.county_admin),
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"]
    refused = next(value for kind, value in outcomes if kind == "refused")
    assert refused.messages == [services.STALE]
    winner = next(value for kind, value in outcomes if kind == "ok")

    current = Membership.objects.filter(person=member.person, status__in=CURRENT_STATUSES)
    assert current.count() == 1
    assert current.get().pk == winner.pk and winner.org_id in (w.union_a2.pk, w.union_a3.pk)
    assert Person.objects.get(pk=member.person_id).org_id == winner.org_id
    transfers = Transfer.objects.filter(person=member.person)
    assert list(transfers.values_list("status", flat=True)) == [TransferStatus.ACCEPTED]
    assert recount_members(fix=False) == []
    assert audit.verify_chain().ok


def test_two_transfer_requests_at_once_leave_one_pending_transfer(race_world):
    w = race_world
    member = w.member_a1
    outcomes = at_the_same_moment(
        lambda: services.send_transfer(member, w.union_a2, actor=w.county_admin),
        lambda: services.send_transfer(member, w.union_b1, actor=w.city_admin),
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    refused = next(value for kind, value in outcomes if kind == "refused")
    assert refused.messages == ["该会员已有一笔待接收的转会。"]
    assert Transfer.objects.filter(membership=member, status=TransferStatus.PENDING).count() == 1
    assert Membership.objects.get(pk=member.pk).status == "active"


def test_two_admins_deciding_one_transfer_request_at_once_one_wins(race_world):
    w = race_world
    member = w.member_b1
    other_admin = make_staff("sibling_admin_2", w.county_b, Role.COUNTY_ADMIN)
    t = services.request_transfer(
        "王五", Person.objects.get(pk=member.person_id).id_number, w.union_a2, actor=w.county_admin
    )
    outcomes = at_the_same_moment(
        lambda: services.accept_transfer(t, actor=w.sibling_admin),
        lambda: services.decline_transfer(t, actor=other_admin, note="劳动合同未解除"),
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    refused = next(value for kind, value in outcomes if kind == "refused")
    assert refused.messages == [services.DECIDED]
    status = Transfer.objects.get(pk=t.pk).status
    current = Membership.objects.get(person=member.person, status__in=CURRENT_STATUSES)
    if status == TransferStatus.ACCEPTED:
        assert current.org_id == w.union_a2.pk
    else:
        assert status == TransferStatus.REJECTED and current.pk == member.pk
    assert recount_members(fix=False) == []
    assert audit.verify_chain().ok


def test_two_accepts_of_one_transfer_at_once_move_the_member_once(race_world):
    w = race_world
    t = services.send_transfer(w.member_a1, w.union_b1, actor=w.county_admin)
    outcomes = at_the_same_moment(
        lambda: services.accept_transfer(t, actor=w.sibling_admin),
        lambda: services.accept_transfer(t, actor=w.city_admin),
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    refused = next(value for kind, value in outcomes if kind == "refused")
    assert refused.messages == [services.DECIDED]
    memberships = Membership.objects.filter(person=w.member_a1.person)
    assert list(memberships.current().values_list("org_id", flat=True)) == [w.union_b1.pk]
    assert memberships.count() == 2
    assert recount_members(fix=False) == []


def test_the_same_person_registered_twice_at_once_is_created_once(race_world):
    w = race_world
    number = new_id_number()
    outcomes = at_the_same_moment(
        lambda: services.register_member(
            PersonData("赵六", number), w.union_a1, actor=w.county_admin
        ),
        lambda: services.register_member(
            PersonData("赵六", number), w.union_a2, actor=w.county_admin
        ),
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    refused = next(value for kind, value in outcomes if kind == "refused")
    text = " ".join(refused.messages)
    assert "已登记" in text or "已是会员" in text
    assert number not in text
    person = Person.objects.get(id_hash=services.id_blind_index(number))
    assert person.memberships.filter(status__in=CURRENT_STATUSES).count() == 1
    assert recount_members(fix=False) == []
