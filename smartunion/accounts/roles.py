"""Staff roles and what each may do inside its scope (DOMAIN.md §1).

Actions: ``view`` (pages, search, API reads), ``change`` (create/edit unions and members and
run membership actions), ``reveal_pii`` (show an ID number or phone in full, logged),
``export_pii`` (export unmasked personal information, logged), ``manage_staff`` (create staff
accounts below), ``view_audit`` (read the audit log of the subtree).
"""

from django.db import models


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", "省总管理员"
    CITY_ADMIN = "city_admin", "市州管理员"
    COUNTY_ADMIN = "county_admin", "县区管理员"
    GRASSROOTS_ADMIN = "grassroots_admin", "基层工会管理员"
    VIEWER = "viewer", "只读"


ACTIONS = ("view", "change", "reveal_pii", "export_pii", "manage_staff", "view_audit")

_ADMIN = {"view", "change", "reveal_pii", "export_pii", "manage_staff", "view_audit"}
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.PROVINCE_ADMIN: frozenset(_ADMIN),
    Role.CITY_ADMIN: frozenset(_ADMIN),
    Role.COUNTY_ADMIN: frozenset(_ADMIN),
    # A grassroots union keeps its own members' files: it may reveal, but bulk exports of
    # personal information and the audit log stay with county level and above.
    Role.GRASSROOTS_ADMIN: frozenset({"view", "change", "reveal_pii"}),
    Role.VIEWER: frozenset({"view"}),
}
