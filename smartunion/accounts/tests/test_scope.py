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
