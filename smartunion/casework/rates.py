"""Regional rates: an amount per month that depends on the place and the year (the 低保
standard, the local minimum wage …), looked up in ``RegionalRate``. A county without its own
row takes its city's, then its province's. The province admins enter them (``set_rate``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from smartunion.accounts.models import clerk_label
from smartunion.casework import money
from smartunion.casework.models import RegionalRate
from smartunion.core import audit
from smartunion.regions.models import Region


@dataclass(frozen=True)
class Standard:
    """The rate that applies to a county and year, and where it comes from."""

    region: str
    year: int
    monthly: Decimal
    source_region: str
    source_name: str = ""


def candidates(code: str) -> list[str]:
    """The county, its city, its province (GB/T 2260 codes), most specific first."""
    out = [code]
    if code[4:] != "00":
        out.append(code[:4] + "00")
    if code[2:] != "0000":
        out.append(code[:2] + "0000")
    return out


def standard_for(region_code: str, year: int, kind: str) -> Standard | None:
    codes = candidates(region_code)
    rows = {
        r.region_id: r
        for r in RegionalRate.objects.filter(
            kind=kind, year=year, region_id__in=codes
        ).select_related("region")
    }
    for code in codes:
        if code in rows:
            row = rows[code]
            return Standard(region_code, year, row.monthly, code, row.region.name)
    return None


def require_province_admin(actor) -> None:
    if not actor.can("change"):
        raise PermissionDenied("您的账号只有查看权限，不能修改。")
    if not actor.is_superuser and not (actor.scope_org_id and actor.scope_org.parent_id is None):
        raise PermissionDenied("此项标准只能由省总工会管理员维护。")


@transaction.atomic
def set_rate(*, kind: str, region: str, year: int, monthly, actor, note: str = "") -> RegionalRate:
    """Enter or correct the rate of a region and year (province admins)."""
    require_province_admin(actor)
    place = Region.objects.filter(code=region or "").first()
    if place is None:
        raise ValidationError({"region": "行政区划代码不正确。"})
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year + 1:
        raise ValidationError({"year": f"年度应在2000至{this_year + 1}之间。"})
    amount = money.parse_amount(monthly, field="monthly", label="月标准")
    if amount > Decimal("100000"):
        raise ValidationError({"monthly": "月标准不能超过100,000元，请核对。"})
    row = (
        RegionalRate.objects.select_for_update().filter(kind=kind, region=place, year=year).first()
    )
    before = row.monthly if row else None
    if row is None:
        row = RegionalRate(kind=kind, region=place, year=year, monthly=amount)
    row.monthly = amount
    row.note = (note or "").strip()[:200]
    row.updated_by_name = clerk_label(actor)
    row.save()
    audit.record(
        actor,
        "standard.set",
        object_type="casework.regionalrate",
        object_id=str(row.pk),
        changes={"kind": kind, "region": place.code, "year": year, "monthly": [before, amount]},
    )
    return row
