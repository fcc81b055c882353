"""The venues' indicators (工会阵地, 驿站), for ``stats``.

A venue counts from its 建成日期 (from the day it was entered when that is blank) until its
关闭日期. 六有 has no history: a station's current flags are counted at any date.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q

from smartunion.stats.indicators import FLOW, Indicator, Part, register
from smartunion.venues.models import Venue, VenueKind, VenueStatus

GROUP = "阵地"
STATION = Q(kind=VenueKind.STATION)


def open_on(end: dt.date) -> Q:
    """Venues built by ``end`` and not closed by then."""
    built = Q(built_on__lte=end) | Q(built_on__isnull=True, created_at__date__lte=end)
    return built & (Q(status=VenueStatus.OPEN) | Q(closed_on__gt=end))


def _venues():
    return Venue.objects.all()


STATIONS = Indicator(
    code="venues.stations",
    name="驿站数",
    definition="该日运行中的工会户外劳动者服务站点（驿站）个数：已建成、尚未关闭。",
    unit="个",
    parts=(Part(_venues, "org__path", lambda start, end: STATION & open_on(end)),),
    group=GROUP,
    order=60,
)
STATIONS_BUILT = Indicator(
    code="venues.stations_built",
    name="新建驿站数",
    definition="建成日期在统计期内的驿站个数（概况中为本年1月1日至该日，趋势中为每月）。",
    unit="个",
    parts=(
        Part(
            _venues,
            "org__path",
            lambda start, end: STATION & Q(built_on__gte=start, built_on__lte=end),
        ),
    ),
    kind=FLOW,
    group=GROUP,
    order=61,
)
STATIONS_SIX = Indicator(
    code="venues.stations_six",
    name="六有齐全的驿站数",
    definition="该日运行中的驿站中，六有（统一标识、固定场所、完备设施、管理制度、人员管理、地图可查）"
    "现已齐全的个数。",
    unit="个",
    parts=(
        Part(
            _venues, "org__path", lambda start, end: STATION & open_on(end) & Q(six_complete=True)
        ),
    ),
    group=GROUP,
    order=62,
)
BY_KIND = Indicator(
    code="venues.by_kind",
    name="阵地数（按类型）",
    definition="该日运行中的各类工会阵地，按类型分组的个数。",
    unit="个",
    parts=(
        Part(_venues, "org__path", lambda start, end: open_on(end), category=lambda end: F("kind")),
    ),
    categories=tuple(VenueKind.choices),
    group=GROUP,
    order=63,
)


def register_indicators() -> None:
    register(STATIONS, STATIONS_BUILT, STATIONS_SIX, BY_KIND)
