"""统计分析 API: the indicators, the overview of a union's scope, the comparison of its
sub-units and the trend of one indicator — the JSON the pages' charts read too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from smartunion.core.api import QuerySchema, QueryText, get_or_404
from smartunion.core.bounds import MONTHS
from smartunion.core.pagination import PageIn, page_schema, sequence_page
from smartunion.orgs.models import Organization
from smartunion.stats import figures, indicators
from smartunion.stats.indicators import Indicator

router = Router(tags=["统计分析"])

LABELS = {"date": "统计日期", "indicator": "指标", "months": "月数"}

#: A count (int), a sum of money (Decimal, given as a string of 元 with its cents), a rate
#: (float), a breakdown by category, or nothing to divide by.
FigureValue = int | Decimal | float | dict[str, int | Decimal] | None


class IndicatorCategoryOut(Schema):
    code: str
    label: str


class IndicatorOut(Schema):
    code: str
    name: str
    definition: str
    unit: str
    group: str = Field(description="所属模块")
    kind: str = Field(
        description="stock 时点数（统计日期当天） / flow 期间数（本年至统计日期，趋势中为每月）"
    )
    categories: list[IndicatorCategoryOut] = Field(description="分组指标的各组；非分组指标为空")

    @staticmethod
    def resolve_categories(obj: Indicator) -> list[dict]:
        return [{"code": c, "label": label} for c, label in obj.categories]


class OrgRef(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    has_children: bool = Field(description="有下级工会（可以再下钻一级）")

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_has_children(obj: Organization) -> bool:
        return getattr(obj, "has_children", False)


class FigureOut(Schema):
    code: str
    name: str
    unit: str
    value: FigureValue = Field(
        description="含下级；分组指标为各组的数；比率为小数，无法计算时为 null"
    )
    own: FigureValue = Field(description="本级：本工会自己的记录")


class OverviewOut(Schema):
    org: OrgRef
    date: dt.date
    figures: list[FigureOut]


class RowOut(Schema):
    org: OrgRef | None = Field(description="下级工会；null 为本级（本工会自己的记录）")
    value: FigureValue


class ComparisonOut(Schema):
    org: OrgRef
    date: dt.date
    indicator: IndicatorOut
    rows: list[RowOut]


class PointOut(Schema):
    month: str = Field(description="YYYY-MM")
    date: dt.date = Field(description="时点数取值的日期：月末，本月为今天")
    value: int | Decimal | float | None


class TrendOut(Schema):
    org: OrgRef
    indicator: IndicatorOut
    points: list[PointOut]


class DateQuery(QuerySchema):
    date: dt.date | None = Field(None, description="统计日期，默认今天；2000-01-01 至今天")


class ComparisonQuery(DateQuery):
    indicator: QueryText = Field(
        "members", max_length=64, description="指标代码（见 /stats/indicators），默认会员人数"
    )


class TrendQuery(QuerySchema):
    indicator: QueryText = Field(
        "members", max_length=64, description="指标代码（分组指标除外），默认会员人数"
    )
    months: MONTHS.api_type = Field(figures.DEFAULT_MONTHS, description="月数，1–120，默认 24")


def _org(request, org_id: int) -> Organization:
    return get_or_404(Organization.objects, request.user, org_id, what="工会组织")


@router.get("/indicators", response=page_schema(IndicatorOut))
def list_indicators(request, page: Query[PageIn]):
    """Every indicator with its Chinese name, definition and unit, in the overview's order."""
    return sequence_page(indicators.all_indicators(), page, key="code")


@router.get("/orgs/{int:org_id}", response=OverviewOut)
def org_overview(request, org_id: int, query: Query[DateQuery]):
    """The overview of a union's scope at a date: every indicator, 含下级 and 本级."""
    org = _org(request, org_id)
    on = figures.check_date(query.date)
    return {
        "org": org,
        "date": on,
        "figures": [
            {
                "code": f.indicator.code,
                "name": f.indicator.name,
                "unit": f.indicator.unit,
                "value": f.value,
                "own": f.own,
            }
            for f in figures.overview(org, on)
        ],
    }


def as_json(schema: type[Schema], payload: dict) -> dict:
    """An answer of the API as JSON-ready data, for a page's chart to read the same."""
    return schema.model_validate(payload).model_dump(mode="json")


def comparison(org: Organization, indicator: Indicator, on: dt.date) -> dict:
    """The answer of ``/children`` (ComparisonOut)."""
    rows = figures.comparison(indicator, org, on)
    return {
        "org": org,
        "date": on,
        "indicator": indicator,
        "rows": [{"org": r.org, "value": r.value} for r in rows],
    }


def trend(org: Organization, indicator: Indicator, months: int) -> dict:
    """The answer of ``/trend`` (TrendOut)."""
    points = figures.trend(indicator, org, months)
    return {
        "org": org,
        "indicator": indicator,
        "points": [{"month": d.strftime("%Y-%m"), "date": d, "value": v} for d, v in points],
    }


@router.get("/orgs/{int:org_id}/children", response=ComparisonOut)
def org_children(request, org_id: int, query: Query[ComparisonQuery]):
    """One indicator for each direct sub-unit of a union (含下级 of each), and its own (本级)."""
    org = _org(request, org_id)
    indicator = figures.check_indicator(query.indicator)
    return comparison(org, indicator, figures.check_date(query.date))


@router.get("/orgs/{int:org_id}/trend", response=TrendOut)
def org_trend(request, org_id: int, query: Query[TrendQuery]):
    """One indicator of a union's scope by month: a stock at each month's end, a flow over
    each month; the current month up to today."""
    org = _org(request, org_id)
    indicator = figures.check_indicator(query.indicator)
    return trend(org, indicator, query.months)
