"""The session's user, read before every view (accounts.backends.RoleBackend.get_user)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartunion.accounts.backends import RoleBackend


def test_the_sessions_user_comes_with_its_scope_in_one_unordered_query(world):
    # By its primary key there is one row or none: ordering it (``first()``'s ORDER BY id)
    # made Django compile the ordering over each of the ~60 selected columns on every request.
    with CaptureQueriesContext(connection) as queries:
        user = RoleBackend().get_user(world.county_admin.pk)
        assert user.scope_org.path == world.county_a.path
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "ORDER BY" not in sql.upper()


def test_an_unknown_or_inactive_user_is_nobody(world):
    assert RoleBackend().get_user(987654321) is None
    world.county_admin.is_active = False
    world.county_admin.save(update_fields=["is_active"])
    assert RoleBackend().get_user(world.county_admin.pk) is None
