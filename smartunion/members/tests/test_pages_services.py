"""Service fixes found while building the member pages, each shown by a failing case."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from smartunion.core.errors import NotInScope
from smartunion.core.testing import new_id_number
from smartunion.members import services
from smartunion.members.models import (
    ChangeReason,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Transfer,
)
from smartunion.members.services import PersonData


def tomorrow() -> dt.date:
    # Computed when a test runs, not when the module is collected: a suite that runs across
    # midnight (Asia/Shanghai, 16:00 UTC) would otherwise date "tomorrow" today.
    return dt.date.today() + dt.timedelta(days=1)


def messages_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict if hasattr(exc.value, "error_dict") else {"": exc.value.messages}


def test_a_second_transfer_of_a_member_names_the_pending_transfer(world):
    services.send_transfer(world.member_a1, world.union_a2, actor=world.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.send_transfer(world.member_a1, world.union_a2, actor=world.county_admin)
    assert "已有一笔待接收的转会" in str(exc.value)
    assert Transfer.objects.count() == 1


def test_a_second_application_of_a_person_names_the_pending_application(world):
    data = PersonData("赵六", new_id_number())
    services.apply_for_membership(data, world.union_a1, actor=world.county_admin)
    with pytest.raises(ValidationError) as exc:
        services.apply_for_membership(data, world.union_a2, actor=world.county_admin)
    assert "已有一份待审批的入会申请" in str(exc.value)
    assert Membership.objects.filter(status=MembershipStatus.APPLIED).count() == 1


def test_a_card_number_already_in_use_is_an_error_of_the_card_number_field(world):
    with pytest.raises(ValidationError) as exc:
        services.register_member(
            PersonData("赵六", new_id_number()),
            world.union_a1,
            actor=world.county_admin,
            card_no=world.member_a2.card_no,
        )
    assert messages_of(exc) == {"card_no": ["该会员证号已被其他会员使用，请核对。"]}
    assert not Membership.objects.filter(person__name="赵六").exists()


def test_an_application_dated_tomorrow_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.apply_for_membership(
            PersonData("赵六", new_id_number()),
            world.union_a1,
            actor=world.county_admin,
            applied_on=tomorrow(),
        )
    assert messages_of(exc) == {"applied_on": ["申请日期不能晚于今天。"]}
    assert not Membership.objects.filter(status=MembershipStatus.APPLIED).exists()


def test_an_approval_dated_before_the_application_is_refused(world):
    m = services.apply_for_membership(
        PersonData("赵六", new_id_number()), world.union_a1, actor=world.county_admin
    )
    with pytest.raises(ValidationError) as exc:
        services.approve_application(
            m, actor=world.county_admin, on=m.applied_on - dt.timedelta(days=1)
        )
    assert messages_of(exc) == {"on": ["批准日期不能早于申请日期。"]}
    assert Membership.objects.get(pk=m.pk).status == MembershipStatus.APPLIED


@pytest.mark.parametrize("action", ["retain", "leave", "expel"], ids=["retain", "leave", "expel"])
def test_lifecycle_dates_in_the_future_are_refused(world, action):
    m = world.member_a1
    call = {
        "retain": lambda: services.retain_membership(
            m, actor=world.county_admin, reason=ChangeReason.RETIRED, on=tomorrow()
        ),
        "leave": lambda: services.leave_union(m, actor=world.county_admin, on=tomorrow()),
        "expel": lambda: services.expel_member(m, actor=world.county_admin, on=tomorrow()),
    }[action]
    before = MembershipEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        call()
    assert messages_of(exc) == {"on": ["日期不能晚于今天。"]}
    assert Membership.objects.get(pk=m.pk).status == MembershipStatus.ACTIVE
    assert MembershipEvent.objects.count() == before


def test_leaving_before_the_join_date_is_refused(world):
    m = world.member_a1
    with pytest.raises(ValidationError) as exc:
        services.leave_union(m, actor=world.county_admin, on=m.joined_on - dt.timedelta(days=1))
    assert messages_of(exc) == {"on": ["日期不能早于入会日期。"]}
    assert Membership.objects.get(pk=m.pk).status == MembershipStatus.ACTIVE


def test_restoring_before_the_retention_date_is_refused(world):
    m = services.retain_membership(
        world.member_a1, actor=world.county_admin, reason=ChangeReason.RETIRED
    )
    with pytest.raises(ValidationError) as exc:
        services.restore_membership(
            m, actor=world.county_admin, on=m.retained_on - dt.timedelta(days=1)
        )
    assert messages_of(exc) == {"on": ["日期不能早于保留会籍日期。"]}
    assert Membership.objects.get(pk=m.pk).status == MembershipStatus.RETAINED


def test_rejoining_a_known_person_outside_the_actors_scope_is_not_found(world):
    m = services.leave_union(world.member_b1, actor=world.sibling_admin)
    with pytest.raises(NotInScope):
        services.apply_for_membership(m.person, world.union_a1, actor=world.county_admin)
    assert not Membership.objects.filter(status=MembershipStatus.APPLIED).exists()
