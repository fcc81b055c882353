"""Regional rates: an amount per month that depends on the place and the year (the 低保
standard, the local minimum wage …), looked up in ``RegionalRate``. A county without its own
row takes its city's, then its province's."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from smartunion.casework.models import RegionalRate


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
