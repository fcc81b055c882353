"""统计分析 API: the indicators, the overview of a union's scope, the comparison of its
sub-units and the trend of one indicator — the JSON the pages' charts read too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from smartunion.core.api import QuerySchema, QueryText, StrictSchema, get_or_404, require
from smartunion.core.bounds import MONTHS, YEAR
from smartunion.core.pagination import PageIn, page_schema, sequence_page
from smartunion.orgs.models import Organization
from smartunion.stats import figures, indicators, report, services
from smartunion.stats.indicators import Indicator

router = Router(tags=["统计分析"])

LABELS = {
    "date": "统计日期",
    "indicator": "指标",
    "months": "月数",
    "year": "年度",
    "value": "填报数",
    "figure": "填报数",
    "note": "说明",
}

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


# ---- 统计年报 and its overrides (年报改写) --------------------------------------------------------


class ReportQuery(QuerySchema):
    year: YEAR.api_type | None = Field(
        None, description="年度，2000 至今年，默认去年；统计时点为该年12月31日（今年为今天）"
    )


class HeaderCellOut(Schema):
    label: str
    colspan: int
    rowspan: int
    column: str | None = Field(None, description="列的代码（最下一层的表头格）")


class ColumnOut(Schema):
    key: str = Field(description="列的代码：指标代码，分组指标的一组为“指标代码:组代码”")
    indicator: str
    category: str | None
    label: str
    title: str = Field(description="列的全称")
    overridable: bool = Field(description="可以改写（人数、个数；比率不能改写）")


class OverrideOut(Schema):
    org: int = Field(description="工会 id")
    year: int
    indicator: str = Field(description="列的代码")
    figure: int = Field(description="填报数（显示在计算值旁边，不替换计算值）")
    note: str
    created_by_name: str = Field(description="填报人")
    updated_at: dt.datetime
    withdrawn_at: dt.datetime | None = Field(None, description="撤回时间；未撤回为 null")
    withdrawn_by_name: str = ""
    withdraw_note: str = ""

    @staticmethod
    def resolve_org(obj) -> int:
        return obj.org_id

    @staticmethod
    def resolve_figure(obj) -> int:
        return obj.value


class ProblemOut(Schema):
    message: str
    rule: str
    url: str = Field(description="该数字背后的名单（下级比较或工会页面）")


class ReportRowOut(Schema):
    org: OrgRef | None = Field(description="下级工会；null 为本级")
    name: str
    values: dict[str, FigureValue] = Field(description="各列的计算值，按列代码")
    overrides: list[OverrideOut] = Field(description="本行的改写（显示在计算值旁边）")
    problems: list[ProblemOut] = Field(description="没有通过的校验（按填报数核对）")


class TableOut(Schema):
    number: str
    title: str
    units: str
    header: list[list[HeaderCellOut]] = Field(description="表头各行（含合并单元格的跨度）")
    columns: list[ColumnOut]


class ReportOut(Schema):
    org: OrgRef
    year: int
    date: dt.date
    tables: list[TableOut]
    rows: list[ReportRowOut]
    total: ReportRowOut


class OverrideIn(StrictSchema):
    year: int = Field(description="年度")
    indicator: str = Field(max_length=64, description="列的代码（见年报的 columns）")
    figure: int = Field(description="填报数，0–100,000,000")
    note: str = Field(max_length=200, description="说明：为什么与计算值不同（必填）")


class WithdrawIn(StrictSchema):
    year: int
    indicator: str = Field(max_length=64)
    note: str = Field(max_length=200, description="撤回原因（必填）")


def _report_year(year: int | None) -> int:
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    this_year = timezone.localdate().year
    if year is None:
        return this_year - 1
    if not 2000 <= year <= this_year:
        raise ValidationError({"year": f"年度应在2000年至{this_year}年之间。"})
    return year


def _row(row: report.Row) -> dict:
    return {
        "org": row.org,
        "name": row.name,
        "values": row.values,
        "overrides": list(row.overrides.values()),
        "problems": [
            {"message": p.message, "rule": p.check.rule, "url": p.url} for p in row.problems
        ],
    }


def report_answer(org: Organization, year: int) -> dict:
    """The answer of ``/report`` (ReportOut)."""
    built = report.build(org, report.reference_date(year))
    overridable = report.overridable()
    return {
        "org": org,
        "year": year,
        "date": built.on,
        "tables": [
            {
                "number": t.number,
                "title": t.title,
                "units": t.units,
                "header": [
                    [
                        {
                            "label": h.label,
                            "colspan": h.colspan,
                            "rowspan": h.rowspan,
                            "column": h.column.key if h.column else None,
                        }
                        for h in cells
                    ]
                    for cells in t.header_rows()
                ],
                "columns": [
                    {
                        "key": c.key,
                        "indicator": c.code,
                        "category": c.category,
                        "label": c.label,
                        "title": c.title,
                        "overridable": c.key in overridable,
                    }
                    for c in t.columns
                ],
            }
            for t in built.tables
        ],
        "rows": [_row(r) for r in built.rows],
        "total": _row(built.total),
    }


@router.get("/orgs/{int:org_id}/report", response=ReportOut)
def org_report(request, org_id: int, query: Query[ReportQuery]):
    """统计年报 of a union's scope: its tables (header with merged cells, columns), each
    sub-unit's figures at 31 December, 本级 and the total, the overrides beside the computed
    figures and the checks each row breaks."""
    org = _org(request, org_id)
    return report_answer(org, _report_year(query.year))


@router.post("/orgs/{int:org_id}/overrides", response={201: OverrideOut})
def set_override(request, org_id: int, payload: OverrideIn):
    """年报改写: the union's own figure for one column of its annual report, with a note
    (required); shown beside the computed figure. Again for the same column: changed."""
    require(request.user, "change")
    org = get_or_404(Organization.objects, request.user, org_id, action="change", what="工会组织")
    values = payload.model_dump()
    values["value"] = values.pop("figure")
    override = services.set_override(org, actor=request.user, **values)
    return Status(201, override)


@router.post("/orgs/{int:org_id}/overrides/withdraw", response=OverrideOut)
def withdraw_override(request, org_id: int, payload: WithdrawIn):
    """撤回改写: the computed figure alone is reported again; the override stays as history."""
    require(request.user, "change")
    org = get_or_404(Organization.objects, request.user, org_id, action="change", what="工会组织")
    return services.withdraw_override(org, actor=request.user, **payload.model_dump())
