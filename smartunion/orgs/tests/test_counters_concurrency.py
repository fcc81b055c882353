"""Changes that move the counters of the same unions at the same moment (PostgreSQL row locks).

Every counter change locks the root unions first (orgs/counters.py, lock order), so two of
them never wait for each other in a circle: each test lets one side hold what it locked first
a little longer (a pause inside the service), the other side runs into it, and both finish;
without the order, PostgreSQL finds a deadlock and aborts one of them.
"""

import threading
import time

import pytest
from django.db import connection

from smartunion.core import audit
from smartunion.core.testing import at_the_same_moment, new_id_number
from smartunion.members import bulk, services
from smartunion.members.services import PersonData
from smartunion.orgs import counters
from smartunion.orgs import services as org_services
from smartunion.orgs.models import Kind, Organization
from smartunion.personas import build_world, make_org

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)

PAUSE = 0.5


@pytest.fixture
def race_world(transactional_db):
    world = build_world()
    world.union_a3 = make_org("城关区建筑业联合工会", world.county_a, Kind.JOINT, "620102")
    return world


def pausing(monkeypatch, module, name: str, *, thread: list):
    """Make ``module.name`` pause before it runs, in the thread recorded in ``thread``."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        if threading.current_thread() is thread[0]:
            time.sleep(PAUSE)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


def first(call, thread: list):
    def run():
        thread.append(threading.current_thread())
        return call()

    return run


def second(call):
    def run():
        time.sleep(PAUSE / 5)  # after the first has locked what it locks first
        return call()

    return run


def assert_whole():
    assert counters.recount(fix=False) == []
    assert audit.verify_chain().ok


def test_an_edit_of_a_county_and_a_member_joining_below_it_both_finish(race_world, monkeypatch):
    # The edit locks the county (after the roots), pauses, then moves the counters of the
    # province, the city and the county; the registration moves those and its union's.
    w = race_world
    thread: list = []
    pausing(monkeypatch, counters, "own_contribution", thread=thread)
    outcomes = at_the_same_moment(
        first(
            lambda: org_services.update_org(
                w.county_a, {"employee_count": 500}, actor=w.county_admin
            ),
            thread,
        ),
        second(
            lambda: services.register_member(
                PersonData("赵六", new_id_number()), w.union_a2, actor=w.county_admin
            )
        ),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    assert Organization.objects.get(pk=w.province.pk).subtree_member_count == 4
    assert Organization.objects.get(pk=w.province.pk).subtree_employee_count == 800
    assert_whole()


def test_a_one_step_transfer_and_a_registration_elsewhere_both_finish(race_world, monkeypatch):
    # The transfer writes its sending entry in the audit log before accepting moves the
    # counters; the registration moves the counters before its audit entry.
    w = race_world
    thread: list = []
    pausing(monkeypatch, services, "accept_transfer", thread=thread)
    outcomes = at_the_same_moment(
        first(
            lambda: services.transfer_membership(w.member_a1, w.union_a3, actor=w.county_admin),
            thread,
        ),
        second(
            lambda: services.register_member(
                PersonData("赵六", new_id_number("620103")), w.union_b1, actor=w.sibling_admin
            )
        ),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    assert Organization.objects.get(pk=w.union_a3.pk).member_count == 1
    assert Organization.objects.get(pk=w.province.pk).subtree_member_count == 4
    assert_whole()


def test_moving_a_union_while_a_member_joins_it_counts_the_member_on_the_new_line(
    race_world, monkeypatch
):
    w = race_world
    thread: list = []
    pausing(monkeypatch, counters, "subtree_figures", thread=thread)
    outcomes = at_the_same_moment(
        first(lambda: org_services.move_org(w.union_a2, w.county_b, actor=w.city_admin), thread),
        second(
            lambda: services.register_member(
                PersonData("赵六", new_id_number()), w.union_a2, actor=w.city_admin
            )
        ),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    assert Organization.objects.get(pk=w.county_b.pk).subtree_member_count == 3
    assert Organization.objects.get(pk=w.county_a.pk).subtree_member_count == 1
    assert_whole()


def test_two_imports_and_transfers_both_ways_at_once_keep_the_counters(race_world):
    w = race_world
    b2 = services.register_member(
        PersonData("孙八", new_id_number("620103")), w.union_b1, actor=w.city_admin
    )

    def records(org, n, birthplace):
        return [
            bulk.MemberRecord(
                name=f"导入{i}",
                ident=services.check_id_number(new_id_number(birthplace)),
                org_id=org.pk,
            )
            for i in range(n)
        ]

    a_records, b_records = records(w.union_a1, 300, "620102"), records(w.union_b1, 300, "620103")
    outcomes = at_the_same_moment(
        lambda: bulk.bulk_register(a_records, actor=w.province_admin, batch_size=50),
        lambda: bulk.bulk_register(b_records, actor=w.province_admin, batch_size=50),
        lambda: services.transfer_membership(w.member_a1, w.union_b1, actor=w.city_admin),
        lambda: services.transfer_membership(b2, w.union_a2, actor=w.city_admin),
    )
    assert [kind for kind, _ in outcomes] == ["ok"] * 4
    assert Organization.objects.get(pk=w.province.pk).subtree_member_count == 4 + 600
    assert_whole()
