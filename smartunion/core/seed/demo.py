"""The demo accounts `make run` prints: fixed, documented passwords, for demonstration only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from smartunion.accounts.models import User
from smartunion.accounts.roles import Role
from smartunion.accounts.services import create_staff
from smartunion.core import audit
from smartunion.orgs.models import GRASSROOTS_KINDS, Kind, Organization, Status

# Demo-only: README.md lists it. A real deployment creates accounts with `create_staff`.
DEMO_PASSWORD = "Gansu-demo-2026"
DEMO_COUNTY_REGION = "620102"  # 城关区 (兰州市)


@dataclass
class DemoAccount:
    username: str
    role_label: str
    scope: str
    created: bool


def _county(province: Organization) -> Organization | None:
    counties = Organization.objects.filter(
        path__startswith=province.path, kind=Kind.COUNTY, status=Status.NORMAL
    )
    return (
        counties.filter(region_id=DEMO_COUNTY_REGION).first() or counties.order_by("path").first()
    )


def _grassroots(county: Organization) -> Organization | None:
    return (
        Organization.objects.filter(
            path__startswith=county.path, kind__in=GRASSROOTS_KINDS, status=Status.NORMAL
        )
        .order_by("-member_count", "path")
        .first()
    )


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    """Create whichever demo accounts are missing; existing ones are left as they are."""
    accounts: list[DemoAccount] = []
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser(
            "admin", password=DEMO_PASSWORD, full_name="系统管理员"
        )
        audit.record(None, "staff.create", admin, changes={"superuser": True}, org_path="")
        accounts.append(DemoAccount("admin", "超级管理员", "全部", True))
    else:
        accounts.append(DemoAccount("admin", "超级管理员", "全部", False))

    province = Organization.objects.filter(kind=Kind.PROVINCE, parent=None).order_by("pk").first()
    if province is None:
        return accounts
    county = _county(province)
    grassroots = _grassroots(county) if county else None
    wanted = [
        ("province_admin", province, Role.PROVINCE_ADMIN, "省总工会管理员"),
        ("chengguan_admin", county, Role.COUNTY_ADMIN, "城关区总工会管理员"),
        ("grassroots_admin", grassroots, Role.GRASSROOTS_ADMIN, "基层工会管理员"),
    ]
    for username, org, role, full_name in wanted:
        if org is None:
            continue
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            user = create_staff(
                username, org=org, role=role, password=DEMO_PASSWORD, full_name=full_name
            )
        accounts.append(DemoAccount(username, Role(user.role).label, user.scope_org.name, created))
    return accounts
