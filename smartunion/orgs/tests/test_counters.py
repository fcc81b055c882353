"""The kept figures of a union, 本级 and 含下级 (orgs/counters.py): every change that moves them
moves them in its own transaction, and they always equal what the records say.

The world (smartunion.personas): 张三 in 兰州第一机械厂工会 (A1, 300 workers), 李四 in
城关区快递行业联合工会 (A2, 职工人数 not filled in), both in 城关区 (county A); 王五 in
七里河区供电公司工会 (B1, not filled in either) in 七里河区 (county B); both counties under
兰州市, under the province.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from smartunion.core.testing import new_id_number
from smartunion.members import services
from smartunion.members.models import ChangeReason, MembershipStatus
from smartunion.orgs import counters
from smartunion.orgs import services as org_services
from smartunion.orgs.models import Kind, Organization, Status

FIELDS = counters.COUNTERS


def figures(org: Organization) -> tuple[int, int, int, int]:
    """(本级会员, 含下级会员, 含下级职工, 含下级已填职工人数工会的会员) as kept now."""
    return tuple(Organization.objects.values_list(*FIELDS).get(pk=org.pk))


def assert_kept_as_recorded():
    assert counters.recount(fix=False) == []


def test_the_world_starts_with_its_figures(world):
    assert figures(world.province) == (0, 3, 300, 1)
    assert figures(world.city) == (0, 3, 300, 1)
    assert figures(world.county_a) == (0, 2, 300, 1)
    assert figures(world.county_b) == (0, 1, 0, 0)
    assert figures(world.union_a1) == (1, 1, 300, 1)
    assert figures(world.union_a2) == (1, 1, 0, 0)
    assert_kept_as_recorded()


def test_the_rates_are_of_the_union_and_of_its_subtree(world):
    province = Organization.objects.get(pk=world.province.pk)
    assert province.membership_rate is None  # no workers of its own
    assert province.subtree_membership_rate == pytest.approx(1 / 300)  # A1 only: 1 of 300
    a2 = Organization.objects.get(pk=world.union_a2.pk)
    assert a2.membership_rate is None and a2.subtree_membership_rate is None


# ---- memberships ----------------------------------------------------------------------------


def test_registering_a_member_counts_them_up_the_tree(world):
    world.add_member(world.union_a1, "赵六")
    assert figures(world.union_a1) == (2, 2, 300, 2)
    assert figures(world.county_a) == (0, 3, 300, 2)
    assert figures(world.province) == (0, 4, 300, 2)
    assert figures(world.county_b) == (0, 1, 0, 0)
    assert_kept_as_recorded()


def test_an_application_counts_once_approved_and_never_if_rejected(world):
    applied = services.apply_for_membership(
        services.PersonData("赵六", new_id_number()), world.union_a2, actor=world.county_admin
    )
    rejected = services.apply_for_membership(
        services.PersonData("钱七", new_id_number()), world.union_a2, actor=world.county_admin
    )
    assert figures(world.province) == (0, 3, 300, 1)
    services.approve_application(applied, actor=world.county_admin)
    services.reject_application(rejected, actor=world.county_admin)
    assert figures(world.union_a2) == (2, 2, 0, 0)
    assert figures(world.province) == (0, 4, 300, 1)  # A2 has no 职工人数: not rated
    assert_kept_as_recorded()


def test_a_transfer_moves_the_member_between_the_lines_of_both_unions(world):
    services.transfer_membership(world.member_a1, world.union_b1, actor=world.city_admin)
    assert figures(world.union_a1) == (0, 0, 300, 0)
    assert figures(world.county_a) == (0, 1, 300, 0)
    assert figures(world.union_b1) == (2, 2, 0, 0)  # 王五 and 张三
    assert figures(world.county_b) == (0, 2, 0, 0)
    assert figures(world.city) == (0, 3, 300, 0)
    assert_kept_as_recorded()


def test_a_pending_transfer_counts_the_member_where_they_are(world):
    transfer = services.send_transfer(world.member_a1, world.union_b1, actor=world.city_admin)
    assert figures(world.county_a) == (0, 2, 300, 1)
    services.decline_transfer(transfer, actor=world.sibling_admin, note="不是本单位职工")
    assert figures(world.county_a) == (0, 2, 300, 1) and figures(world.county_b) == (0, 1, 0, 0)
    assert_kept_as_recorded()


def test_retaining_keeps_the_member_and_leaving_or_expulsion_ends_the_count(world):
    services.retain_membership(
        world.member_a1, actor=world.county_admin, reason=ChangeReason.RETIRED
    )
    assert figures(world.province) == (0, 3, 300, 1)
    services.restore_membership(world.member_a1, actor=world.county_admin)
    services.leave_union(world.member_a1, actor=world.county_admin)
    services.expel_member(world.member_b1, actor=world.city_admin)
    assert figures(world.province) == (0, 1, 300, 0)
    assert figures(world.union_a1) == (0, 0, 300, 0)
    assert figures(world.county_b) == (0, 0, 0, 0)
    assert_kept_as_recorded()


def test_a_bulk_import_moves_the_counters_of_every_union_above_in_one_go(world):
    result = world.import_members(9, batch_size=4)
    assert result.created == 9
    assert figures(world.union_a1) == (7, 7, 300, 7)
    assert figures(world.union_b1) == (4, 4, 0, 0)
    assert figures(world.province) == (0, 12, 300, 7)
    assert_kept_as_recorded()


# ---- the tree -------------------------------------------------------------------------------


def test_a_new_union_adds_its_workers_to_the_unions_above(world):
    org = org_services.create_org(
        {"name": "城关区第二机械厂工会", "kind": Kind.SINGLE, "region": world.county_a.region,
         "employee_count": 120},
        parent=world.county_a,
        actor=world.county_admin,
    )  # fmt: skip
    assert figures(org) == (0, 0, 120, 0)
    assert figures(world.county_a) == (0, 2, 420, 1)
    assert figures(world.province) == (0, 3, 420, 1)
    assert_kept_as_recorded()


def test_filling_in_the_workers_of_a_union_rates_its_members(world):
    org_services.update_org(world.union_a2, {"employee_count": 40}, actor=world.county_admin)
    assert figures(world.union_a2) == (1, 1, 40, 1)
    assert figures(world.county_a) == (0, 2, 340, 2)
    org_services.update_org(world.union_a1, {"employee_count": 0}, actor=world.county_admin)
    assert figures(world.county_a) == (0, 2, 40, 1)
    assert figures(world.province) == (0, 3, 40, 1)
    assert_kept_as_recorded()


def test_moving_a_union_moves_its_subtree_figures_to_its_new_line(world):
    org_services.move_org(world.union_a1, world.county_b, actor=world.city_admin)
    assert figures(world.county_a) == (0, 1, 0, 0)
    assert figures(world.county_b) == (0, 2, 300, 1)
    assert figures(world.city) == (0, 3, 300, 1)
    assert figures(world.union_a1) == (1, 1, 300, 1)
    # A county with its unions, under the province directly.
    org_services.move_org(world.county_b, world.province, actor=world.province_admin)
    assert figures(world.city) == (0, 1, 0, 0)
    assert figures(world.province) == (0, 3, 300, 1)
    assert_kept_as_recorded()


def test_a_dissolved_union_takes_its_workers_out_of_the_figures(world):
    services.leave_union(world.member_a1, actor=world.county_admin)
    org_services.dissolve_org(world.union_a1, actor=world.county_admin)
    assert figures(world.union_a1) == (0, 0, 0, 0)
    assert figures(world.county_a) == (0, 1, 0, 0)
    assert figures(world.province) == (0, 2, 0, 0)
    assert_kept_as_recorded()


def test_a_refused_change_moves_no_counter(world):
    before = {o.pk: figures(o) for o in Organization.objects.all()}
    with pytest.raises(ValidationError):
        org_services.dissolve_org(world.union_a1, actor=world.county_admin)  # has a member
    with pytest.raises(ValidationError):
        org_services.move_org(world.county_a, world.union_a1, actor=world.city_admin)
    with pytest.raises(ValidationError):
        org_services.update_org(
            world.union_a1,
            {"employee_count": 10, "founded_on": dt.date.today() + dt.timedelta(days=1)},
            actor=world.county_admin,
        )
    assert {o.pk: figures(o) for o in Organization.objects.all()} == before
    assert Organization.objects.get(pk=world.union_a1.pk).status == Status.NORMAL


# ---- recounting ----------------------------------------------------------------------------


def test_recount_finds_and_fixes_each_drifted_counter(world):
    Organization.objects.filter(pk=world.county_a.pk).update(
        subtree_member_count=99, subtree_rated_member_count=0
    )
    drifts = counters.recount(fix=False)
    assert drifts == [
        counters.Drift(world.county_a.pk, "subtree_member_count", 99, 2),
        counters.Drift(world.county_a.pk, "subtree_rated_member_count", 0, 1),
    ]
    assert figures(world.county_a) == (0, 99, 300, 0)  # only checked
    assert counters.recount() == drifts
    assert figures(world.county_a) == (0, 2, 300, 1)
    assert_kept_as_recorded()


def test_the_counters_count_memberships_by_status_not_people(world):
    # A member whose membership ended long ago and who applied again is not counted twice.
    services.leave_union(world.member_a2, actor=world.county_admin)
    again = services.apply_for_membership(
        world.member_a2.person, world.union_a1, actor=world.county_admin
    )
    assert again.status == MembershipStatus.APPLIED
    assert figures(world.county_a) == (0, 1, 300, 1)
    services.approve_application(again, actor=world.county_admin)
    assert figures(world.union_a1) == (2, 2, 300, 2)
    assert_kept_as_recorded()


def test_many_unions_at_once_are_read_in_chunks(world, monkeypatch):
    # The seed shifts the workers of its 49,000 unions at once: more ids than SQLite takes
    # in one statement, so they are read in chunks (here of two).
    monkeypatch.setattr(counters, "_IN_CHUNK", 2)
    orgs = list(Organization.objects.all())
    counters.shift({o.pk: counters.Figures(employees=1) for o in orgs})
    assert figures(world.province)[2] == 300 + len(orgs)
    counters.add_members({o.pk: 1 for o in orgs})
    assert figures(world.province)[1] == 3 + len(orgs)
