"""统计年报 (first slice): the registry's indicators of a union's sub-units at a reference date
(31 December by default), with the consistency checks and the rows that break them, and the
same table as an xlsx file; a union's own figures entered over computed ones (年报改写, each with
its note) are shown beside them."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import xlsxwriter
from django.utils import timezone

from smartunion.orgs.models import Organization
from smartunion.stats import figures, indicators
from smartunion.stats.indicators import Indicator, Value
from smartunion.stats.models import Override

#: The columns of the table, in order.
COLUMNS = (
    "unions",
    "unions.grassroots",
    "employees",
    "members",
    "members.female",
    "members.migrant",
    "members.new_form",
    "members.rate",
)


@dataclass(frozen=True)
class Check:
    """A consistency rule: ``smaller`` ≤ ``larger`` (or ≤ 1 for a rate)."""

    smaller: str
    larger: str | None
    message: str

    def broken(self, values: dict[str, Value]) -> bool:
        small = values.get(self.smaller)
        if small is None:
            return False
        limit = 1 if self.larger is None else values.get(self.larger) or 0
        return small > limit


CHECKS = (
    Check("unions.grassroots", "unions", "基层工会数多于工会组织数"),
    Check("members.female", "members", "女会员人数多于会员人数"),
    Check("members.migrant", "members", "农民工会员人数多于会员人数"),
    Check("members.new_form", "members", "新就业形态劳动者会员人数多于会员人数"),
    Check("members.rate", None, "入会率超过100%：已填职工人数的工会会员多于职工"),
)


@dataclass
class Row:
    name: str
    org: Organization | None
    values: dict[str, Value]
    problems: list[str] = field(default_factory=list)
    #: The union's own figures entered over computed ones (年报改写), by indicator code.
    overrides: dict[str, Override] = field(default_factory=dict)

    def cells(self, columns: list[Indicator]) -> list[tuple[str, Override | None]]:
        """(the computed figure, the override beside it) of each column."""
        return [
            (figures.display(i, self.values.get(i.code)), self.overrides.get(i.code))
            for i in columns
        ]

    @property
    def notes(self) -> str:
        return "；".join(
            f"{indicators.get(o.indicator).name}填报{o.value:,}（{o.note}）"
            for o in self.overrides.values()
        )


@dataclass
class Report:
    org: Organization
    on: dt.date
    columns: list[Indicator]
    rows: list[Row]
    total: Row

    @property
    def broken(self) -> list[Row]:
        return [r for r in [*self.rows, self.total] if r.problems]


def reference_date(year: int) -> dt.date:
    return min(dt.date(year, 12, 31), timezone.localdate())


def _checked(row: Row) -> Row:
    row.problems = [c.message for c in CHECKS if c.broken(row.values)]
    return row


def build(org: Organization, on: dt.date) -> Report:
    """One read per column grouped by sub-unit (the counters today), and the totals."""
    today = timezone.localdate()
    columns = [indicators.get(code) for code in COLUMNS if indicators.get(code)]
    children = list(figures.children_of(org))
    per_column = {i.code: indicators.by_child(i, org, children, on, today) for i in columns}
    rows = [
        _checked(Row(child.name, child, {c: per_column[c][child.pk] for c in per_column}))
        for child in children
    ]
    own = {c: per_column[c][None] for c in per_column}
    if any(v for v in own.values()):
        rows.append(_checked(Row("本级", None, own)))
    total = _checked(
        Row("合计", org, {i.code: indicators.total(i, org, on, today) for i in columns})
    )
    overrides: dict[int, dict[str, Override]] = {}
    for o in Override.objects.filter(org__in=[*children, org], year=on.year):
        overrides.setdefault(o.org_id, {})[o.indicator] = o
    for row in [*rows, total]:
        if row.org is not None:
            row.overrides = overrides.get(row.org.pk, {})
    return Report(org, on, columns, rows, total)


def to_xlsx(report: Report, *, exporter: str) -> bytes:
    """The table as the page shows it: a title, the header, the rows, the total, the checks."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet("统计年报")
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "text_wrap": True})
    percent = book.add_format({"num_format": "0.0%"})
    flagged = book.add_format({"bg_color": "#FDECEA"})
    title = (
        f"{report.org.name}统计年报（截至{report.on.year}年{report.on.month}月{report.on.day}日）"
    )
    sheet.write_string(0, 0, title, bold)
    headers = ["单位", *(f"{i.name}（{i.unit}）" for i in report.columns), "校验"]
    for col, text in enumerate(headers):
        sheet.write_string(2, col, text, head)
    for r, row in enumerate([*report.rows, report.total], start=3):
        fmt = flagged if row.problems else None
        sheet.write_string(r, 0, row.name, fmt)
        for col, indicator in enumerate(report.columns, start=1):
            value = row.values.get(indicator.code)
            if value is None:
                sheet.write_string(r, col, "—", fmt)
            elif indicator.is_rate:
                sheet.write_number(r, col, value, percent)
            else:
                sheet.write_number(r, col, value, fmt)
        sheet.write_string(
            r, len(headers) - 1, "；".join([*row.problems, *filter(None, [row.notes])]), fmt
        )
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, len(headers) - 2, 12)
    sheet.set_column(len(headers) - 1, len(headers) - 1, 40)
    sheet.write_string(len(report.rows) + 5, 0, f"导出人：{exporter}；数字由系统按记录计算。")
    book.close()
    return buf.getvalue()
