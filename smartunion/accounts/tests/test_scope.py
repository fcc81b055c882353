"""Which accounts see the whole tree (no subtree filter needed)."""

from smartunion.accounts.models import User
from smartunion.orgs.models import Kind
from smartunion.personas import make_org


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # cached_property: read again after a change


def test_a_superuser_and_the_staff_of_the_only_root_see_the_whole_tree(world):
    assert fresh(world.superuser).sees_whole_tree
    assert fresh(world.province_admin).sees_whole_tree
    assert not fresh(world.county_admin).sees_whole_tree


def test_with_a_second_root_the_root_staff_no_longer_see_everything(world):
    make_org("另一省总工会", None, Kind.PROVINCE, "630000")
    assert not fresh(world.province_admin).sees_whole_tree
    assert fresh(world.superuser).sees_whole_tree


def test_visible_to_filters_only_when_the_scope_is_not_the_whole_tree(world):
    """core.querysets.visible_to leaves out the subtree filter for the only root's staff, and
    puts it back as soon as another root exists."""
    from smartunion.members.models import Membership
    from smartunion.orgs.models import Organization

    other = make_org("另一省总工会", None, Kind.PROVINCE, "630000")
    outside = make_org("另一省某市总工会", other, Kind.CITY, "630100")
    admin = fresh(world.province_admin)
    assert not admin.sees_whole_tree
    assert outside not in Organization.objects.visible_to(admin)
    assert (
        Membership.objects.visible_to(admin).count()
        == Membership.objects.filter(org__path__startswith=world.province.path).count()
    )

    outside.delete()
    other.delete()
    admin = fresh(world.province_admin)
    assert admin.sees_whole_tree
    visible = Membership.objects.visible_to(admin)
    assert "orgs_organization" not in str(visible.query)  # no join, no filter
    assert visible.count() == Membership.objects.count()
    county = fresh(world.county_admin)
    assert "orgs_organization" in str(Membership.objects.visible_to(county).query)
