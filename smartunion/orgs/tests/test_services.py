"""orgs/services.py: create, edit, move and dissolve, with the bad inputs they refuse."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc

from smartunion.core.errors import NotInScope
from smartunion.core.models import AuditEntry
from smartunion.members import services as member_services
from smartunion.members.models import Transfer
from smartunion.orgs import services
from smartunion.orgs.models import Kind, Organization, Status
from smartunion.regions.models import Region


def make_uscc(first17: str) -> str:
    return first17 + stdnum_uscc.calc_check_digit(first17)


UNION_USCC = make_uscc("81620102MC0000013")
OTHER_UNION_USCC = make_uscc("81620102MC0000021")
EMPLOYER_USCC = make_uscc("91620102MA7000001")


def values(**extra):
    base = {
        "name": "兰州新能源公司工会",
        "kind": Kind.SINGLE,
        "region": Region.objects.get(code="620102"),
        "employee_count": 120,
    }
    return base | extra


def field_messages(exc: ValidationError, field: str) -> list[str]:
    return exc.message_dict.get(field, [])


def test_a_county_admin_creates_a_union_with_its_codes_and_an_audit_row(world):
    before = AuditEntry.objects.count()
    org = services.create_org(
        values(uscc=UNION_USCC.lower(), employer_uscc=EMPLOYER_USCC),
        parent=world.county_a,
        actor=world.county_admin,
        chair_phone="13912345678",
    )
    org.refresh_from_db()
    assert org.path.startswith(world.county_a.path) and org.depth == world.county_a.depth + 1
    assert org.uscc == UNION_USCC
    assert org.chair_phone_masked == "139****5678"
    assert AuditEntry.objects.count() == before + 1
    assert "13912345678" not in str(AuditEntry.objects.order_by("-seq").first().changes)


def test_a_duplicate_union_uscc_is_refused_on_the_field_and_nothing_is_saved(world):
    services.create_org(values(uscc=UNION_USCC), parent=world.county_a, actor=world.county_admin)
    count = Organization.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.create_org(
            values(name="另一个工会", uscc=UNION_USCC),
            parent=world.county_a,
            actor=world.county_admin,
        )
    assert field_messages(caught.value, "uscc") == ["该工会统一社会信用代码已被其他工会组织使用。"]
    assert Organization.objects.count() == count


def test_editing_a_union_to_another_unions_uscc_is_refused_on_the_field(world):
    services.create_org(values(uscc=UNION_USCC), parent=world.county_a, actor=world.county_admin)
    with pytest.raises(ValidationError) as caught:
        services.update_org(world.union_a1, {"uscc": UNION_USCC}, actor=world.county_admin)
    assert "已被其他工会组织使用" in field_messages(caught.value, "uscc")[0]
    world.union_a1.refresh_from_db()
    assert world.union_a1.uscc == ""


def test_a_union_keeps_its_own_uscc_when_edited(world):
    org = services.create_org(
        values(uscc=UNION_USCC), parent=world.county_a, actor=world.county_admin
    )
    services.update_org(org, {"uscc": UNION_USCC, "name": "新名称工会"}, actor=world.county_admin)
    org.refresh_from_db()
    assert org.name == "新名称工会" and org.uscc == UNION_USCC


def test_a_union_uscc_with_a_wrong_check_character_is_refused(world):
    wrong = UNION_USCC[:-1] + ("0" if UNION_USCC[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        services.create_org(values(uscc=wrong), parent=world.county_a, actor=world.county_admin)
    assert "校验位" in field_messages(caught.value, "uscc")[0]
    assert not Organization.objects.filter(name="兰州新能源公司工会").exists()


def test_a_company_code_is_refused_as_a_unions_own_uscc(world):
    with pytest.raises(ValidationError) as caught:
        services.create_org(
            values(uscc=EMPLOYER_USCC), parent=world.county_a, actor=world.county_admin
        )
    assert "应以8开头" in field_messages(caught.value, "uscc")[0]


def test_nothing_but_the_root_can_be_a_province_federation(world):
    with pytest.raises(ValidationError) as caught:
        services.create_org(
            values(kind=Kind.PROVINCE), parent=world.county_a, actor=world.county_admin
        )
    assert "省总工会" in field_messages(caught.value, "kind")[0]
    with pytest.raises(ValidationError):
        services.update_org(world.union_a1, {"kind": Kind.PROVINCE}, actor=world.county_admin)
    world.union_a1.refresh_from_db()
    assert world.union_a1.kind == Kind.SINGLE


def test_a_parent_outside_the_scope_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        services.create_org(values(), parent=world.county_b, actor=world.county_admin)
    assert "不在您的管理范围内" in field_messages(caught.value, "parent")[0]
    assert not Organization.objects.filter(name="兰州新能源公司工会").exists()


def test_a_read_only_viewer_cannot_create(world):
    with pytest.raises(ValidationError):
        services.create_org(values(), parent=world.county_a, actor=world.viewer)
    assert not Organization.objects.filter(name="兰州新能源公司工会").exists()


def test_moving_a_union_moves_its_whole_subtree(world):
    branch = services.create_org(
        values(name="分工会", kind=Kind.JOINT), parent=world.union_a2, actor=world.city_admin
    )
    services.move_org(world.union_a2, world.county_b, actor=world.city_admin)
    world.union_a2.refresh_from_db()
    branch.refresh_from_db()
    assert world.union_a2.parent_id == world.county_b.pk
    assert world.union_a2.path.startswith(world.county_b.path)
    assert branch.path.startswith(world.union_a2.path)
    assert branch.depth == world.union_a2.depth + 1
    # The sibling county's admin now sees it; county A's no longer does.
    assert world.union_a2.is_visible_to(world.sibling_admin)
    assert not branch.is_visible_to(world.county_admin)


def test_a_union_cannot_move_under_its_own_descendant(world):
    old_path = world.county_a.path
    with pytest.raises(ValidationError) as caught:
        services.move_org(world.county_a, world.union_a1, actor=world.city_admin)
    assert "下级组织之下" in field_messages(caught.value, "parent")[0]
    with pytest.raises(ValidationError):
        services.move_org(world.county_a, world.county_a, actor=world.city_admin)
    world.county_a.refresh_from_db()
    assert world.county_a.path == old_path and world.county_a.parent_id == world.city.pk


def test_a_move_uses_the_new_parents_current_path(world):
    """A parent object read before another move must not put the union at a stale path."""
    stale_a2 = Organization.objects.get(pk=world.union_a2.pk)
    services.move_org(world.union_a2, world.county_b, actor=world.city_admin)
    services.move_org(world.union_a1, stale_a2, actor=world.city_admin)
    world.union_a1.refresh_from_db()
    world.union_a2.refresh_from_db()
    assert world.union_a1.parent_id == world.union_a2.pk
    assert world.union_a1.path.startswith(world.union_a2.path)
    assert world.union_a1.is_visible_to(world.sibling_admin)


def test_a_union_cannot_move_out_of_the_actors_scope(world):
    with pytest.raises(ValidationError):
        services.move_org(world.union_a1, world.county_b, actor=world.county_admin)
    with pytest.raises(NotInScope):
        services.move_org(world.union_b1, world.county_a, actor=world.county_admin)
    world.union_a1.refresh_from_db()
    assert world.union_a1.parent_id == world.county_a.pk


def test_dissolving_a_union_with_current_members_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        services.dissolve_org(world.union_a1, actor=world.county_admin)
    assert "还有1名会员" in caught.value.messages[0]
    world.union_a1.refresh_from_db()
    assert world.union_a1.status == Status.NORMAL


def test_dissolving_a_union_with_a_pending_application_is_refused(world):
    empty = services.create_org(values(), parent=world.county_a, actor=world.county_admin)
    from smartunion.core.testing import new_id_number
    from smartunion.members.services import PersonData

    member_services.apply_for_membership(
        PersonData(name="赵六", id_number=new_id_number(), phone=""),
        empty,
        actor=world.county_admin,
    )
    with pytest.raises(ValidationError) as caught:
        services.dissolve_org(empty, actor=world.county_admin)
    assert "入会申请" in caught.value.messages[0]
    empty.refresh_from_db()
    assert empty.status == Status.NORMAL


def test_dissolving_a_union_with_a_pending_incoming_transfer_is_refused(world):
    empty = services.create_org(values(), parent=world.county_a, actor=world.county_admin)
    member_services.send_transfer(world.member_a2, empty, actor=world.county_admin)
    assert Transfer.objects.filter(to_org=empty, status="pending").exists()
    with pytest.raises(ValidationError) as caught:
        services.dissolve_org(empty, actor=world.county_admin)
    assert "转会" in caught.value.messages[0]
    empty.refresh_from_db()
    assert empty.status == Status.NORMAL


def test_an_empty_union_is_dissolved_or_merged(world):
    empty = services.create_org(values(), parent=world.county_a, actor=world.county_admin)
    services.dissolve_org(empty, actor=world.county_admin, merged_into=world.union_a2)
    empty.refresh_from_db()
    assert empty.status == Status.MERGED and empty.merged_into_id == world.union_a2.pk
    with pytest.raises(ValidationError):
        services.dissolve_org(empty, actor=world.county_admin)


def test_only_the_root_of_the_only_tree_holds_every_union(world):
    from smartunion.orgs.models import Kind, Organization
    from smartunion.personas import make_org

    unions = Organization.objects
    assert unions.holds_all(world.province.path)
    assert not unions.holds_all(world.city.path) and not unions.holds_all("")
    make_org("另一总工会", None, Kind.PROVINCE, "620000")
    assert not unions.holds_all(world.province.path)
