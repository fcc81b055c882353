"""The demo accounts `make run` prints: fixed, documented passwords, for demonstration only."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.db import transaction

from smartunion.accounts.models import User
from smartunion.accounts.roles import Role
from smartunion.accounts.services import create_staff
from smartunion.core import audit
from smartunion.core.seeding import SeedOptions
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


def run_part(options: SeedOptions) -> list[str]:
    """The "demo accounts" seed part (with ``--demo`` only): the table of accounts to print."""
    if not options.demo:
        return []
    accounts = ensure_demo_accounts()
    lines = ["", "演示账号（仅供演示，切勿用于正式环境）："]
    rows = [("用户名", "密码", "角色", "管理范围")]
    for a in accounts:
        note = "" if a.created else "（已存在，如已改过密码以新密码为准）"
        rows.append((a.username, DEMO_PASSWORD, a.role_label, a.scope + note))
    widths = [max(_width(r[i]) for r in rows) + 2 for i in range(3)]
    for row in rows:
        cells = [_pad(cell, width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "".join(cells) + row[3])
    return lines


def _width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
