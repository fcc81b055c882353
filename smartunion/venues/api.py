"""Venue API: the staff list (scoped) and the public 附近驿站 query used by the phone page.

Both take and give coordinates in the ``crs`` asked for (wgs84, gcj02 or bd09; default wgs84).
Bad coordinates answer 422 with Chinese messages naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote, urlencode

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from smartunion.core.api import QueryText
from smartunion.core.pagination import PageIn, keyset_page, page_schema
from smartunion.core.ratelimit import AddressRate
from smartunion.core.scope import get_for_user
from smartunion.venues import coords
from smartunion.venues.hours import is_open_at
from smartunion.venues.models import KIND_SHORT, Venue, VenueKind
from smartunion.venues.places import find_places
from smartunion.venues.querysets import BoxFetcher, nearest_rows

router = Router(tags=["工会阵地"])

MAX_NEAREST = 50
OPEN_NOW_FACTOR = 5


class VenueOut(Schema):
    id: int
    kind: str
    kind_name: str
    name: str
    org_id: int
    region: str
    region_name: str
    address: str
    lng: float
    lat: float
    crs: str
    facilities: list[str]
    service_phone: str
    manager_name: str
    manager_phone: str
    open_24h: bool
    hours: list[str]
    built_on: dt.date | None
    six_complete: bool
    stars: int
    on_amap: bool
    on_baidu: bool
    status: str


class NearbyOut(Schema):
    id: int
    name: str
    kind: str
    kind_name: str
    region_name: str
    address: str
    lng: float
    lat: float
    distance_m: int
    open_now: bool
    open_24h: bool
    hours: str
    facilities: list[str]
    service_phone: str
    stars: int
    amap_url: str
    baidu_url: str


class NearestOut(Schema):
    crs: str
    lng: float
    lat: float
    items: list[NearbyOut]


class PlaceOut(Schema):
    kind: str = Field(description="county 县区 / town 乡镇街道 / venue 阵地")
    kind_name: str
    name: str
    area: str = Field(description="所在市州、县区")
    lng: float = Field(description="经度（WGS-84）")
    lat: float = Field(description="纬度（WGS-84）")
    approximate: bool = Field(description="true：没有精确位置，按所在县区驻地")
    address: str = ""


class PlaceFilters(Schema):
    q: str = Field("", max_length=40, description="县区、乡镇街道或阵地的名称")


class PlacesOut(Schema):
    items: list[PlaceOut]


def _int(raw, field: str, label: str, low: int, high: int, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValidationError({field: f"{label}应为整数。"}) from None
    if not low <= value <= high:
        raise ValidationError({field: f"{label}应在{low}至{high}之间。"})
    return value


def _kind(raw: str) -> str:
    raw = (raw or "").strip()
    if raw and raw not in VenueKind.values:
        raise ValidationError({"kind": f"阵地类型应为：{'、'.join(VenueKind.values)}。"})
    return raw


def region_prefix(code: str) -> str:
    """The prefix of the county codes under a division: "620000" → "62", "620100" → "6201"."""
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def venue_out(v: Venue, crs: coords.CRS) -> dict:
    lng, lat = coords.from_wgs84(v.lng, v.lat, crs)
    return {
        "id": v.pk,
        "kind": v.kind,
        "kind_name": v.get_kind_display(),
        "name": v.name,
        "org_id": v.org_id,
        "region": v.region_id,
        "region_name": v.region.name,
        "address": v.address,
        "lng": round(lng, 7),
        "lat": round(lat, 7),
        "crs": crs.value,
        "facilities": list(v.facilities or []),
        "service_phone": v.service_phone,
        "manager_name": v.manager_name,
        "manager_phone": v.manager_phone_masked,
        "open_24h": v.open_24h,
        "hours": list(v.hours or []),
        "built_on": v.built_on,
        "six_complete": v.six_complete,
        "stars": v.stars,
        "on_amap": v.on_amap,
        "on_baidu": v.on_baidu,
        "status": v.status,
    }


def amap_url(v: Venue) -> str:
    """高德 marker page / app (callnative) at the venue's GCJ-02 position."""
    lng, lat = coords.wgs84_to_gcj02(v.lng, v.lat)
    query = urlencode(
        {
            "position": f"{lng:.6f},{lat:.6f}",
            "name": v.name,
            "src": "smartunion",
            "coordinate": "gaode",
            "callnative": "1",
        },
        quote_via=quote,
        safe=",",
    )
    return f"https://uri.amap.com/marker?{query}"


def baidu_url(v: Venue) -> str:
    """百度 marker page / app at the venue's BD-09 position (coord_type=bd09ll)."""
    lng, lat = coords.wgs84_to_bd09(v.lng, v.lat)
    query = urlencode(
        {
            "location": f"{lat:.6f},{lng:.6f}",
            "title": v.name,
            "content": v.address,
            "output": "html",
            "coord_type": "bd09ll",
            "src": "webapp.smartunion.nearby",
        },
        quote_via=quote,
        safe=",",
    )
    return f"https://api.map.baidu.com/marker?{query}"


def nearby_out(v: Venue, distance: float, crs: coords.CRS, now: dt.datetime) -> dict:
    lng, lat = coords.from_wgs84(v.lng, v.lat, crs)
    return {
        "id": v.pk,
        "name": v.name,
        "kind": v.kind,
        "kind_name": KIND_SHORT.get(v.kind, v.get_kind_display()),
        "region_name": getattr(v, "region_name", None) or v.region.name,
        "address": v.address,
        "lng": round(lng, 7),
        "lat": round(lat, 7),
        "distance_m": round(distance),
        "open_now": v.is_open and is_open_at(v.hours, v.open_24h, now),
        "open_24h": v.open_24h,
        "hours": v.hours_summary(),
        "facilities": v.facility_labels(),
        "service_phone": v.service_phone,
        "stars": v.stars,
        "amap_url": amap_url(v),
        "baidu_url": baidu_url(v),
    }


# What the phone page shows, read in the nearest query itself (one statement fewer); the
# manager's (encrypted) phone is not even read.
NEARBY_FIELDS = (
    "name",
    "kind",
    "address",
    "status",
    "hours",
    "open_24h",
    "facilities",
    "service_phone",
    "stars",
    "region__name",
)
_JSON_FIELDS = ("hours", "facilities")


_ROW_NAMES = ("id", "lng", "lat", *NEARBY_FIELDS[:-1])
_fetchers: dict[tuple[str, str], BoxFetcher] = {}


# Model.from_db takes the values in the model's field order.
_MODEL_ORDER = [
    _ROW_NAMES.index(f.attname) for f in Venue._meta.concrete_fields if f.attname in _ROW_NAMES
]
_JSON_AT = {i for i, name in enumerate(_ROW_NAMES) if name in _JSON_FIELDS}


def _venue_from_row(row: tuple) -> Venue:
    values = [
        json.loads(row[i]) if i in _JSON_AT and isinstance(row[i], str) else row[i]
        for i in _MODEL_ORDER
    ]  # SQLite gives JSON back as text
    venue = Venue.from_db(None, _ROW_NAMES, values)
    venue.region_name = row[-1]
    return venue


def find_nearest(lng: float, lat: float, *, limit: int = 10, kind: str = "") -> list:
    """[(venue, distance_m)] of the nearest open venues to a WGS-84 point."""
    key = (kind, connection.alias)
    fetcher = _fetchers.get(key)
    if fetcher is None:
        qs = Venue.objects.filter(kind=kind) if kind else Venue.objects.all()
        fetcher = _fetchers[key] = BoxFetcher(qs, NEARBY_FIELDS)
    rows = nearest_rows(fetcher, lng, lat, limit)
    return [(_venue_from_row(row), d) for row, d in rows]


@router.get(
    "/nearest",
    auth=None,
    response=NearestOut,
    url_name="venues_nearest",
    throttle=AddressRate("nearest", "SMARTUNION_NEAREST_RATE"),
)
def nearest(
    request,
    lng: QueryText = "",
    lat: QueryText = "",
    crs: QueryText = "wgs84",
    limit: QueryText = "10",
    kind: QueryText = "",
    open_now: bool = False,
):
    """附近的阵地 (public, no login): the nearest open venues with ``distance_m``; with
    ``open_now`` only those open at this hour."""
    system = coords.parse_crs(crs)
    errors = {}
    values = {}
    for field, label, raw in (("lng", "经度", lng), ("lat", "纬度", lat)):
        try:
            values[field] = coords.parse_degrees(raw, field, label)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    coords.check_range(values["lng"], values["lat"])
    count = _int(limit, "limit", "数量", 1, MAX_NEAREST, 10)
    wgs = coords.to_wgs84(values["lng"], values["lat"], system)
    now = timezone.now()
    if open_now:
        # Most venues keep hours, so the nearest few times as many hold enough open ones.
        found = find_nearest(*wgs, limit=min(count * OPEN_NOW_FACTOR, 200), kind=_kind(kind))
        found = [(v, d) for v, d in found if v.is_open and is_open_at(v.hours, v.open_24h, now)][
            :count
        ]
    else:
        found = find_nearest(*wgs, limit=count, kind=_kind(kind))
    return {
        "crs": system.value,
        "lng": values["lng"],
        "lat": values["lat"],
        "items": [nearby_out(v, d, system, now) for v, d in found],
    }


class VenueFilters(PageIn):
    kind: str = Field("", max_length=32, description="阵地类型，如 station")
    region: str = Field("", max_length=12, description="行政区划代码（2、4或6位）")
    crs: str = Field("wgs84", max_length=12, description="坐标系：wgs84、gcj02 或 bd09")
    status: str = Field("", max_length=12, description="open 开放 / closed 已关闭")


@router.get("/places", auth=None, response=PlacesOut, url_name="venues_places")
def places(request, filters: Query[PlaceFilters]):
    """地名 (public, no login): counties, towns and venues whose name holds ``q``, with a
    WGS-84 position to look for the nearest venues from (附近驿站's place search)."""
    return {"items": find_places(filters.q)}


@router.get("", response=page_schema(VenueOut))
def list_venues(request, filters: Query[VenueFilters]):
    """阵地列表 (staff, within scope): filter by kind, region code (2, 4 or 6 digits), status;
    by id."""
    system = coords.parse_crs(filters.crs)
    qs = Venue.objects.visible_to(request.auth, "view").select_related("region")
    if kind := _kind(filters.kind):
        qs = qs.filter(kind=kind)
    region = filters.region.strip()
    if region:
        if not (region.isdigit() and len(region) in (2, 4, 6)):
            raise ValidationError({"region": "行政区划代码应为2、4或6位数字。"})
        qs = qs.filter(region__code__startswith=region_prefix(region))
    if status := filters.status:
        if status not in ("open", "closed"):
            raise ValidationError({"status": "状态应为 open 或 closed。"})
        qs = qs.filter(status=status)
    page = keyset_page(qs, filters, order=("id",))
    return {**page, "items": [venue_out(v, system) for v in page["items"]]}


@router.get("/{int:venue_id}", response=VenueOut)
def get_venue(request, venue_id: int, crs: QueryText = "wgs84"):
    """一个阵地 (staff, within scope; 404 outside)."""
    system = coords.parse_crs(crs)
    venue = get_for_user(
        Venue.objects.select_related("region"), request.auth, venue_id, what="阵地"
    )
    return venue_out(venue, system)
