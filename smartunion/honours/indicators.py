"""The indicators of the 劳模工匠 database (SERVICES.md §6), for ``stats``.

An honour counts under the union keeping it (its ``org``). Held at a date: granted in that
year or before and not revoked nor deceased by then. A studio counts under its union; its
figures (people trained, patents, economic benefit) are the rows of its record dated in the
period.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, Sum

from smartunion.core.home import url_for
from smartunion.honours.codes import MODEL_KINDS, PATENT_KINDS, Kind, State
from smartunion.honours.models import Honour, Nomination, Studio, StudioRecord
from smartunion.stats.indicators import FLOW, STOCK, Indicator, Part, register

GROUP = "劳模工匠"


def held_at(start: dt.date, end: dt.date) -> Q:
    return Q(year__lte=end.year) & (
        Q(state=State.HELD)
        | Q(state=State.REVOKED, revoked_on__gt=end)
        | Q(state=State.DECEASED, died_on__gt=end)
    )


def _honours():
    return Honour.objects.all()


def _records():
    return StudioRecord.objects.all()


def _held(where: Q | None = None, **kwargs) -> Part:
    def when(start, end):
        return held_at(start, end) & where if where is not None else held_at(start, end)

    return Part(_honours, "org__path", when, **kwargs)


def _records_in(where: Q, **kwargs) -> Part:
    return Part(
        _records,
        "studio__org__path",
        lambda start, end: where & Q(happened_on__gte=start, happened_on__lte=end),
        **kwargs,
    )


HELD = Indicator(
    code="honours.held",
    name="在册荣誉数",
    definition="统计日在册的劳模、五一劳动奖章（奖状）、工人先锋号、陇原工匠、技术能手等荣誉数，"
    "按保存荣誉记录的工会统计（已撤销、已故的不计）。",
    unit="项",
    parts=(_held(),),
    kind=STOCK,
    group=GROUP,
    order=95,
    list_url=lambda org: url_for("honours:list", {"held": "1"}),
)
HELD_BY_KIND = Indicator(
    code="honours.held_by_kind",
    name="在册荣誉数（按荣誉类型）",
    definition="统计日在册的荣誉按荣誉类型分组。",
    unit="项",
    parts=(_held(category=lambda end: F("kind")),),
    categories=tuple(Kind.choices),
    kind=STOCK,
    group=GROUP,
    order=96,
)
MODEL_WORKERS = Indicator(
    code="honours.model_workers",
    name="在册劳模人数",
    definition="统计日持有在册全国劳模、省部级劳模、地市级劳模或全国五一劳动奖章的人次。",
    unit="人次",
    parts=(_held(Q(kind__in=list(MODEL_KINDS))),),
    kind=STOCK,
    group=GROUP,
    order=97,
)
NOMINATIONS = Indicator(
    code="honours.nominations",
    name="评选推荐对象数",
    definition="统计期内各级工会推荐参加五一劳动奖、陇原工匠等评选的人数，按推荐工会统计。",
    unit="人",
    parts=(
        Part(
            lambda: Nomination.objects.all(),
            "org__path",
            lambda start, end: Q(opened_on__gte=start, opened_on__lte=end),
        ),
    ),
    kind=FLOW,
    group=GROUP,
    order=98,
    list_url=lambda org: url_for("honours:nominations", {}),
)
STUDIOS = Indicator(
    code="honours.studios",
    name="劳模和工匠人才创新工作室数",
    definition="统计日已命名（未撤销）的创新工作室数，按所属工会统计。",
    unit="个",
    parts=(
        Part(
            lambda: Studio.objects.all(),
            "org__path",
            lambda start, end: Q(named_year__lte=end.year, state="named"),
        ),
    ),
    kind=STOCK,
    group=GROUP,
    order=99,
    list_url=lambda org: url_for("honours:studios", {}),
)
STUDIO_TRAINED = Indicator(
    code="honours.studio_trained",
    name="创新工作室培训人次",
    definition="统计期内创新工作室登记的培训（含师带徒）人次合计。",
    unit="人次",
    parts=(_records_in(Q(type="training"), measure=lambda where: Sum("trained", filter=where)),),
    kind=FLOW,
    group=GROUP,
    order=100,
)
STUDIO_PROMOTED = Indicator(
    code="honours.studio_promoted",
    name="创新工作室成员技能晋级人数",
    definition="统计期内创新工作室登记的技能等级晋升人数合计。",
    unit="人",
    parts=(_records_in(Q(type="training"), measure=lambda where: Sum("promoted", filter=where)),),
    kind=FLOW,
    group=GROUP,
    order=101,
)
STUDIO_PATENTS = Indicator(
    code="honours.studio_patents",
    name="创新工作室专利数",
    definition="统计期内创新工作室登记的发明、实用新型和外观设计专利数。",
    unit="项",
    parts=(_records_in(Q(type="outcome", outcome_kind__in=list(PATENT_KINDS))),),
    kind=FLOW,
    group=GROUP,
    order=102,
)
STUDIO_BENEFIT = Indicator(
    code="honours.studio_benefit",
    name="创新工作室成果经济效益",
    definition="统计期内创新工作室登记的创新成果经济效益合计。",
    unit="元",
    parts=(_records_in(Q(type="outcome"), measure=lambda where: Sum("amount", filter=where)),),
    kind=FLOW,
    group=GROUP,
    order=103,
)

ALL = (
    HELD,
    HELD_BY_KIND,
    MODEL_WORKERS,
    NOMINATIONS,
    STUDIOS,
    STUDIO_TRAINED,
    STUDIO_PROMOTED,
    STUDIO_PATENTS,
    STUDIO_BENEFIT,
)


def register_indicators() -> None:
    register(*ALL)
