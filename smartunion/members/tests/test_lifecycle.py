"""The membership state machine (会籍管理) and its rules, through the services."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from smartunion.core.errors import NotInScope
from smartunion.core.models import AuditEntry
from smartunion.core.testing import new_id_number
from smartunion.members import services
from smartunion.members.models import (
    ChangeReason,
    ChangeType,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferStatus,
)
from smartunion.members.services import PersonData
from smartunion.orgs.models import Organization


def count(org):
    return Organization.objects.get(pk=org.pk).member_count


def events(person):
    return list(person.events.order_by("id").values_list("change_type", flat=True))


def test_register_member_derives_gender_and_birth_date_and_issues_a_card(world):
    m = world.member_a2
    assert m.status == MembershipStatus.ACTIVE
    assert m.person.gender == "2"
    assert m.card_no.startswith("62") and len(m.card_no) == 12
    assert m.person.id_masked[:6] == "620102" and "*" in m.person.id_masked
    assert count(world.union_a2) == 1


def test_application_then_approval_counts_from_the_approval_date(world):
    m = services.apply_for_membership(
        PersonData("赵六", new_id_number()), world.union_a1, actor=world.grassroots_admin
    )
    assert m.status == MembershipStatus.APPLIED and not m.card_no
    assert count(world.union_a1) == 1
    m = services.approve_application(m, actor=world.grassroots_admin)
    assert m.status == MembershipStatus.ACTIVE and m.joined_on and m.card_no
    assert count(world.union_a1) == 2
    assert events(m.person) == [ChangeType.APPLY, ChangeType.JOIN]


def test_a_second_person_with_the_same_id_number_is_refused(world):
    number = world.member_a1.person.id_number
    with pytest.raises(ValidationError) as exc:
        services.register_member(
            PersonData("张珊", number), world.union_a2, actor=world.county_admin
        )
    assert "已是会员" in str(exc.value)
    services.leave_union(world.member_a1, actor=world.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.register_member(
            PersonData("张珊", number), world.union_a2, actor=world.county_admin
        )
    assert "已登记为另一姓名" in str(exc.value)
    assert Person.objects.count() == 3
    assert Membership.objects.filter(org=world.union_a2).count() == 1


def test_a_person_who_left_can_be_registered_again_elsewhere(world):
    services.leave_union(world.member_a1, actor=world.county_admin)
    person = world.member_a1.person
    again = services.register_member(
        PersonData("张三", person.id_number), world.union_a2, actor=world.county_admin
    )
    assert again.person_id == person.pk and again.status == MembershipStatus.ACTIVE
    assert Person.objects.get(pk=person.pk).org == world.union_a2


def test_a_current_member_cannot_apply_again(world):
    with pytest.raises(ValidationError) as exc:
        services.apply_for_membership(
            PersonData("张三", world.member_a1.person.id_number),
            world.union_a2,
            actor=world.county_admin,
        )
    assert "已是会员" in str(exc.value)


def test_the_database_refuses_a_second_current_membership(world):
    m = world.member_a1
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            person=m.person, org=world.union_a2, status="active", joined_on=m.joined_on
        )


def test_the_database_refuses_a_second_transfer_in_for_one_membership(world):
    # The statistics join a membership to the 转入 that opened it (入会率's unrated unions).
    t = services.send_transfer(world.member_a1, world.union_a2, actor=world.county_admin)
    new = services.accept_transfer(t, actor=world.county_admin)
    first = new.events.get(change_type=ChangeType.TRANSFER_IN)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipEvent.objects.create(
            person=new.person,
            membership=new,
            org=new.org,
            change_type=ChangeType.TRANSFER_IN,
            occurred_on=first.occurred_on,
        )
    # Other events of the membership are as many as happen.
    services.retain_membership(new, actor=world.county_admin, reason=ChangeReason.RETIRED)
    services.restore_membership(new, actor=world.county_admin)
    assert new.events.count() == 3


def test_transfer_is_sent_then_accepted_and_history_kept(world):
    m = world.member_a1
    t = services.send_transfer(m, world.union_a2, actor=world.county_admin)
    # Until accepted the person is still a member of the old union only.
    assert Membership.objects.get(pk=m.pk).status == MembershipStatus.ACTIVE
    new = services.accept_transfer(t, actor=world.county_admin)
    assert new.org == world.union_a2 and new.card_no == m.card_no
    assert Membership.objects.get(pk=m.pk).status == MembershipStatus.ENDED
    assert (
        Membership.objects.filter(person=m.person, status__in=["active", "retained"]).count() == 1
    )
    assert (count(world.union_a1), count(world.union_a2)) == (0, 2)
    assert Person.objects.get(pk=m.person_id).org == world.union_a2
    assert events(m.person)[-2:] == [ChangeType.TRANSFER_OUT, ChangeType.TRANSFER_IN]
    assert Transfer.objects.get(pk=t.pk).status == TransferStatus.ACCEPTED


def test_transfer_across_counties_is_accepted_by_the_receiving_county(world):
    t = services.send_transfer(world.member_a1, world.union_b1, actor=world.city_admin)
    with pytest.raises(NotInScope):
        services.accept_transfer(t, actor=world.county_admin)  # the sending side cannot accept
    new = services.accept_transfer(t, actor=world.sibling_admin)
    assert new.org == world.union_b1


def test_transfer_to_a_union_outside_the_actors_scope_waits_for_that_union(world):
    t = services.send_transfer(world.member_a1, world.union_b1, actor=world.county_admin)
    assert t.status == TransferStatus.PENDING and t.to_org_id == world.union_b1.pk


def test_transfer_to_a_union_of_another_province_is_refused(world):
    from smartunion.orgs.models import Kind
    from smartunion.personas import make_org

    elsewhere = make_org("四川省总工会", None, Kind.PROVINCE, "510000")
    with pytest.raises(ValidationError) as exc:
        services.send_transfer(world.member_a1, elsewhere, actor=world.county_admin)
    assert exc.value.message_dict == {"to_org": ["转入工会不存在，请重新选择。"]}
    assert not Transfer.objects.exists()


def test_transfer_to_a_dissolved_union_is_refused(world):
    from smartunion.orgs.services import dissolve_org

    empty = world.union_a2
    services.leave_union(world.member_a2, actor=world.county_admin)
    dissolve_org(empty, actor=world.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.send_transfer(world.member_a1, empty, actor=world.county_admin)
    assert "撤销" in str(exc.value)


def test_a_transfer_of_another_countys_member_is_not_found(world):
    with pytest.raises(NotInScope):
        services.send_transfer(world.member_b1, world.union_a2, actor=world.county_admin)


def test_the_second_of_two_transfers_gets_a_clear_message(world):
    services.transfer_membership(world.member_a1, world.union_a2, actor=world.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.transfer_membership(world.member_a1, world.union_a2, actor=world.city_admin)
    assert "已发生变化" in str(exc.value)


def test_retain_and_restore(world):
    m = services.retain_membership(
        world.member_a1, actor=world.grassroots_admin, reason=ChangeReason.RETIRED
    )
    assert m.status == MembershipStatus.RETAINED and count(world.union_a1) == 1
    m = services.restore_membership(m, actor=world.grassroots_admin)
    assert m.status == MembershipStatus.ACTIVE
    assert events(m.person)[-2:] == [ChangeType.RETAIN, ChangeType.RESTORE]


def test_retain_needs_a_retention_reason(world):
    with pytest.raises(ValidationError):
        services.retain_membership(
            world.member_a1, actor=world.grassroots_admin, reason=ChangeReason.PERSONAL
        )


def test_leave_then_rejoin(world):
    m = services.leave_union(world.member_a1, actor=world.grassroots_admin)
    assert m.status == MembershipStatus.ENDED and count(world.union_a1) == 0
    again = services.apply_for_membership(m.person, world.union_a1, actor=world.grassroots_admin)
    again = services.approve_application(again, actor=world.grassroots_admin)
    assert again.status == MembershipStatus.ACTIVE and count(world.union_a1) == 1
    assert events(m.person)[-3:] == [ChangeType.LEAVE, ChangeType.APPLY, ChangeType.JOIN]


def test_expel_records_the_national_change_type_and_reason(world):
    m = services.expel_member(world.member_a1, actor=world.county_admin, note="判决书编号")
    e = m.events.last()
    assert (e.change_type, e.reason) == (ChangeType.REMOVE, ChangeReason.CRIME)


def test_a_viewer_cannot_change_anything(world):
    with pytest.raises(NotInScope):
        services.leave_union(world.member_a1, actor=world.viewer)


def test_every_action_is_in_the_audit_log(world):
    before = AuditEntry.objects.count()
    services.transfer_membership(world.member_a1, world.union_a2, actor=world.county_admin)
    actions = list(
        AuditEntry.objects.filter(seq__gt=before).order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["member.transfer_send", "member.transfer_accept"]


def test_age_on_joining_is_checked(world):
    import datetime as dt

    young = new_id_number(birth=dt.date.today().replace(year=dt.date.today().year - 15))
    with pytest.raises(ValidationError) as exc:
        services.register_member(
            PersonData("小明", young), world.union_a1, actor=world.county_admin
        )
    assert "16至100周岁" in str(exc.value)
