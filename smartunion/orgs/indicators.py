"""The registry's indicators of unions (工会组织) and workers (职工), for ``stats``.

Figures at a date read the records' dates: a union exists from its 建会日期 (from the day it was
entered when that is blank) and is 正常 until its 撤销/合并日期. The tree is today's: a union
moved to another parent counts under the new one at every date. 职工人数 has no history: a
union's figure is its current one, counted at any date at which the union was 正常.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, DateField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest, TruncDate

from smartunion.core.codes import UnitCategory
from smartunion.core.home import url_for
from smartunion.orgs.models import GRASSROOTS_KINDS, Kind, Organization, Status
from smartunion.stats.indicators import (
    FLOW,
    Indicator,
    Part,
    Span,
    kept,
    kept_stock,
    register,
)

GROUP = "工会组织"


def existing(end: dt.date, prefix: str = "") -> Q:
    """Unions entered in the registry by ``end``: founded by then (or, without a 建会日期,
    entered by then)."""
    return Q(**{f"{prefix}founded_on__lte": end}) | Q(
        **{f"{prefix}founded_on__isnull": True, f"{prefix}created_at__date__lte": end}
    )


def normal_on(end: dt.date, prefix: str = "") -> Q:
    """Unions 正常 on ``end``: existing, and not dissolved or merged by then."""
    return existing(end, prefix) & (
        Q(**{f"{prefix}status": Status.NORMAL}) | Q(**{f"{prefix}dissolved_on__gt": end})
    )


def unions():
    return Organization.objects.all()


# ---- the same figures kept in the statistics' summaries (stats.kept, decision 0033) ----------
# A union counts from its 建会日期 (the day it was entered without one) until its 撤销/合并日期
# when it is no longer 正常 (from the start when that date is missing): ``existing`` and
# ``normal_on`` as spans. A union's rows change through orgs.services only.


def begins(prefix: str = ""):
    """The day a union begins to exist (``existing``): its 建会日期, or the day it was entered."""
    return Coalesce(
        f"{prefix}founded_on", TruncDate(f"{prefix}created_at"), output_field=DateField()
    )


def _normal_until():
    return Case(
        When(status=Status.NORMAL, then=Value(None, output_field=DateField())),
        default=Coalesce("dissolved_on", begins()),
        output_field=DateField(),
    )


def _normal_spans(where: Q | None = None) -> tuple[Span, ...]:
    """正常 from its beginning until it is dissolved or merged."""
    return (Span(begins(), _normal_until(), where=where),)


def kept_normal(dim: str, where: Q | None = None):
    """A figure of the unions 正常 at a date (``where`` among them) kept as ``dim``."""
    return kept_stock(dim, *_normal_spans(where))


_STATUS_SPANS = (
    Span(begins(), _normal_until(), category=Value(Status.NORMAL.value)),
    # Then in its status for good (from its beginning when it never was 正常).
    Span(
        Greatest(begins(), Coalesce("dissolved_on", begins())),
        where=~Q(status=Status.NORMAL),
        category=F("status"),
    ),
)
_GRASSROOTS = Q(kind__in=GRASSROOTS_KINDS)


def _normal(start: dt.date, end: dt.date) -> Q:
    return normal_on(end)


def sum_employees(where: Q | None):
    """职工人数 summed over the unions read."""
    return Sum("employee_count", filter=where)


def _status_on(end: dt.date):
    return Case(
        When(Q(status=Status.NORMAL) | Q(dissolved_on__gt=end), then=Value(Status.NORMAL.value)),
        default=F("status"),
    )


def _own_employees(org: Organization) -> list[int]:
    return [org.employee_count if org.is_active else 0]


def _tree(query: dict):
    return lambda org: url_for("orgs:tree", query)


UNIONS = Indicator(
    code="unions",
    name="工会组织数",
    definition="该日状态正常的工会组织（含各级地方工会、产业工会和基层工会）的个数。",
    unit="个",
    parts=(Part(unions, "path", _normal, summary=kept_normal("uo")),),
    group=GROUP,
    order=10,
    list_url=_tree({"status": "normal"}),
)
GRASSROOTS = Indicator(
    code="unions.grassroots",
    name="基层工会数",
    definition="该日状态正常的单独基层工会和联合基层工会的个数。",
    unit="个",
    parts=(
        Part(
            unions,
            "path",
            lambda start, end: normal_on(end) & _GRASSROOTS,
            summary=kept_normal("ug", _GRASSROOTS),
        ),
    ),
    group=GROUP,
    order=11,
    list_url=_tree({"kind": "grassroots"}),
)
UNIONS_BY_KIND = Indicator(
    code="unions.by_kind",
    name="工会组织数（按组织类型）",
    definition="该日状态正常的工会组织，按组织类型分组的个数。",
    unit="个",
    parts=(
        Part(unions, "path", _normal, category=lambda end: F("kind"), summary=kept_normal("uk")),
    ),
    categories=tuple(Kind.choices),
    group=GROUP,
    order=12,
)
UNIONS_BY_STATUS = Indicator(
    code="unions.by_status",
    name="工会组织数（按状态）",
    definition="该日已建立的工会组织，按该日的状态（正常、撤销、合并）分组的个数。",
    unit="个",
    parts=(
        Part(
            unions,
            "path",
            lambda start, end: existing(end),
            category=_status_on,
            summary=kept_stock("us", *_STATUS_SPANS),
        ),
    ),
    categories=tuple(Status.choices),
    group=GROUP,
    order=13,
)
FOUNDED = Indicator(
    code="unions.founded",
    name="新建工会数",
    definition="建会日期在统计期内的工会组织个数（概况中为本年1月1日至该日，趋势中为每月）。",
    unit="个",
    parts=(
        Part(
            unions,
            "path",
            lambda start, end: Q(founded_on__gte=start, founded_on__lte=end),
            summary=kept("uf", "founded_on"),
        ),
    ),
    kind=FLOW,
    group=GROUP,
    order=14,
)
EMPLOYEES = Indicator(
    code="employees",
    name="职工人数",
    definition="该日状态正常的工会组织所填职工人数之和（职工人数取各工会当前填报的数）。",
    unit="人",
    parts=(Part(unions, "path", _normal, measure=sum_employees, summary=kept_normal("ue")),),
    group=GROUP,
    counters=("subtree_employee_count",),
    own_counters=_own_employees,
    order=20,
    list_url=_tree({"employees": "known"}),
)


#: 单位类别 as the 统计年报 groups them (SERVICES.md §8): 企业 (内资 / 港澳台 / 外商投资),
#: 事业单位, 机关, 个体经济组织, and the rest (民办非企业单位, not filled in).
UNIT_GROUPS = (
    ("domestic", "内资企业", tuple(c for c in UnitCategory.values if c < "200")),
    ("hmt", "港澳台商投资企业", (UnitCategory.HK_MO_TW,)),
    ("foreign", "外商投资企业", (UnitCategory.FOREIGN,)),
    ("institution", "事业单位", (UnitCategory.PUBLIC_INSTITUTION,)),
    ("government", "机关", (UnitCategory.GOVERNMENT,)),
    ("individual", "个体经济组织", (UnitCategory.INDIVIDUAL,)),
)
OTHER_UNITS = ("other", "其他（民办非企业单位、未填）")


def _unit_group(end: dt.date):
    return Case(
        *(When(unit_category__in=codes, then=Value(code)) for code, _, codes in UNIT_GROUPS),
        default=Value(OTHER_UNITS[0]),
    )


def _grassroots(where: Q | None = None):
    def select(start: dt.date, end: dt.date) -> Q:
        q = normal_on(end) & Q(kind__in=GRASSROOTS_KINDS)
        return q & where if where is not None else q

    return select


GRASSROOTS_BY_UNIT = Indicator(
    code="unions.grassroots.by_unit",
    name="基层工会数（按单位类别）",
    definition="该日状态正常的基层工会，按所在单位的单位类别（统计年报的分组）分组的个数。",
    unit="个",
    parts=(
        Part(
            unions,
            "path",
            _grassroots(),
            category=_unit_group,
            summary=kept_normal("uu", _GRASSROOTS),
        ),
    ),
    categories=(*((code, label) for code, label, _ in UNIT_GROUPS), OTHER_UNITS),
    group=GROUP,
    order=15,
)
JOINT = Indicator(
    code="unions.joint",
    name="联合基层工会数",
    definition="该日状态正常的联合基层工会（区域性、行业性）的个数。",
    unit="个",
    parts=(
        Part(
            unions,
            "path",
            _grassroots(Q(kind=Kind.JOINT)),
            summary=kept_normal("uj", _GRASSROOTS & Q(kind=Kind.JOINT)),
        ),
    ),
    group=GROUP,
    order=16,
    list_url=_tree({"kind": Kind.JOINT.value}),
)
WOMEN_COMMITTEE = Indicator(
    code="unions.women_committee",
    name="建立女职工委员会的基层工会数",
    definition="该日状态正常、已建立女职工委员会的基层工会个数（取各工会当前登记的情况）。",
    unit="个",
    parts=(
        Part(
            unions,
            "path",
            _grassroots(Q(women_committee=True)),
            summary=kept_normal("uw", _GRASSROOTS & Q(women_committee=True)),
        ),
    ),
    group=GROUP,
    order=17,
)


def register_indicators() -> None:
    register(
        UNIONS,
        GRASSROOTS,
        UNIONS_BY_KIND,
        UNIONS_BY_STATUS,
        FOUNDED,
        GRASSROOTS_BY_UNIT,
        JOINT,
        WOMEN_COMMITTEE,
        EMPLOYEES,
    )
