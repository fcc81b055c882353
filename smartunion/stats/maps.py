"""The comparison's map (按下级比较的地图): the province's prefectures, or a prefecture's counties,
coloured by the figure of the sub-unit each area is — drawn from the offline boundaries the
venue map uses (``venues.boundaries``, decision 0006), never from the internet.

A sub-unit is an area when its union's region (GB/T 2260) is one of the areas of the map and
no other sub-unit has the same: the province's city unions are its prefectures, a city's county
unions its counties. Sub-units that are no area (a provincial industry union, two unions of one
county) are listed under the map; a county's grassroots unions have no map at all.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from smartunion.orgs.models import Organization
from smartunion.regions.models import Region
from smartunion.stats import figures
from smartunion.stats.indicators import Indicator
from smartunion.venues import boundaries


def _level(org_region: str):
    """(whether a code is an area of this map, the map's file key) for a union's region: the
    province's prefectures, or a prefecture's counties; None below."""
    if org_region.endswith("0000"):
        return (
            lambda code: (
                code[:2] == org_region[:2] and code.endswith("00") and not code.endswith("0000")
            )
        ), None
    if org_region.endswith("00"):
        return (lambda code: code[:4] == org_region[:4] and not code.endswith("00")), org_region
    return None, None


def comparison_map(org: Organization, indicator: Indicator, rows: list[dict]) -> dict | None:
    """What charts.js needs to draw the map of a comparison: the boundary file (``url``,
    ``decode`` for ECharts' compressed province file), each area's figure and the page its
    click opens (the sub-unit's own comparison), and the sub-units not on it. ``rows``: the
    page's rows ({"org": {"id", "name"} or None, "url", "value"}). None without a map."""
    config = boundaries.map_config()
    region = org.region_id or ""
    is_area, prefecture = _level(region)
    if not config or is_area is None:
        return None
    if prefecture is None:
        url, decode = config["province"], True
    else:
        name = Region.objects.filter(code=prefecture).values_list("name", flat=True).first()
        url, decode = config["counties"].get(name or ""), False
    subs = [row for row in rows if row["org"] is not None]
    if url is None or not subs:
        return None
    codes = dict(
        Organization.objects.filter(pk__in=[row["org"]["id"] for row in subs]).values_list(
            "pk", "region_id"
        )
    )
    names = dict(Region.objects.filter(code__in=set(codes.values())).values_list("code", "name"))
    by_area: dict[str, list[dict]] = {}
    for row in subs:
        code = codes.get(row["org"]["id"]) or ""
        if is_area(code) and code in names:
            area = boundaries.FILE_NAMES.get(names[code], names[code])
            by_area.setdefault(area, []).append(row)
    areas, on_map = [], set()
    for area, found in by_area.items():
        if len(found) != 1:
            continue
        row = found[0]
        on_map.add(row["org"]["id"])
        value = _number(indicator, row["value"])
        areas.append(
            {
                "name": area,
                "label": row["org"]["name"],
                "value": float(value) if isinstance(value, Decimal) else value,
                "text": figures.display(indicator, value),
                "href": row["url"],
            }
        )
    return {
        "url": url,
        "decode": decode,
        "key": f"smartunion-{prefecture or region}",
        "areas": areas,
        "off_map": [row["org"]["name"] for row in subs if row["org"]["id"] not in on_map],
        "rate": indicator.is_rate,
    }


def _number(indicator: Indicator, value: Any):
    """The figure an area is coloured by: a breakdown's total, else the figure (a rate as a
    fraction; None when it cannot be computed)."""
    if indicator.is_breakdown:
        return sum(figures.number(n) or 0 for n in (value or {}).values())
    return figures.number(value)
