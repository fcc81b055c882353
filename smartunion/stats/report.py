"""统计年报 (工会统计年报): the tables of SERVICES.md §8 at a reference date (31 December by
default) for one union's scope, its sub-units as rows with a 本级 row and a total row; the
consistency checks and the rows that break them, each linked to the list behind its figure;
the same tables as an xlsx file with the printed form's merged header cells, and a print view.

A table is a declaration (``Table``): its header cells (``Head``) over its columns (``Column``:
one indicator's figure, or one category of a breakdown). Every figure is an indicator of
``stats.indicators`` read with ``indicators.read_together`` — the unions' figures in one grouped
read of the unions, the member figures from the summaries (province, city) — so the report is a
few reads whatever the size of the scope (decision 0029).

A union's own figures entered over computed ones (年报改写, ``Override``) are shown beside them,
never instead; the checks judge the figures as reported (the override where there is one).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field

import xlsxwriter
from django.urls import reverse
from django.utils import timezone

from smartunion.imports.exports import neutralize
from smartunion.orgs.models import Organization
from smartunion.stats import figures, indicators
from smartunion.stats.indicators import Indicator, Value
from smartunion.stats.models import Override


@dataclass(frozen=True)
class Column:
    """One column of the form: an indicator's figure, or one ``category`` of a breakdown."""

    code: str
    label: str
    category: str | None = None

    @property
    def key(self) -> str:
        """The column's name in a row's values and in an override (``code`` or ``code:cat``)."""
        return self.code if self.category is None else f"{self.code}:{self.category}"

    @property
    def indicator(self) -> Indicator:
        return indicators.get(self.code)

    @property
    def is_rate(self) -> bool:
        return self.indicator.is_rate

    @property
    def title(self) -> str:
        """The column's full name (an override's, a check's)."""
        indicator = self.indicator
        if self.category is None:
            return indicator.name
        return f"{indicator.name}：{dict(indicator.categories)[self.category]}"


@dataclass(frozen=True)
class Head:
    """A header cell over several columns (merged in the printed form)."""

    label: str
    children: tuple[Head | Column, ...]


@dataclass(frozen=True)
class HeaderCell:
    label: str
    colspan: int
    rowspan: int
    #: The first column under the cell (where it starts).
    first: Column
    #: The column itself, for a column's own cell.
    column: Column | None = None


def _leaves(node: Head | Column) -> list[Column]:
    if isinstance(node, Column):
        return [node]
    return [leaf for child in node.children for leaf in _leaves(child)]


def _depth(node: Head | Column) -> int:
    return 1 if isinstance(node, Column) else 1 + max(_depth(c) for c in node.children)


@dataclass(frozen=True)
class Table:
    number: str
    title: str
    heads: tuple[Head | Column, ...]
    units: str

    @property
    def columns(self) -> list[Column]:
        return [leaf for head in self.heads for leaf in _leaves(head)]

    @property
    def depth(self) -> int:
        return max(_depth(h) for h in self.heads)

    def header_rows(self) -> list[list[HeaderCell]]:
        """The header as rows of cells with their spans (a column's cell reaches the bottom)."""
        rows: list[list[HeaderCell]] = [[] for _ in range(self.depth)]

        def place(node: Head | Column, level: int) -> None:
            if isinstance(node, Column):
                rows[level].append(HeaderCell(node.label, 1, self.depth - level, node, node))
                return
            leaves = _leaves(node)
            rows[level].append(HeaderCell(node.label, len(leaves), 1, leaves[0]))
            for child in node.children:
                place(child, level + 1)

        for head in self.heads:
            place(head, 0)
        return rows


def _units(*cells: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column("unions.grassroots.by_unit", label, code) for code, label in cells)


#: The tables of the report (SERVICES.md §8: the 工会组织情况 and the members of the yearbooks;
#: 女职工, 专职工作人员, 职代会 and 董事会 figures are not in the registry and are left out;
#: 联合基层工会会员人数 would read every membership of the joint unions, 1.4 s at the province,
#: until the summaries keep it).
TABLES = (
    Table(
        "表一",
        "工会组织情况",
        (
            Column("unions", "工会组织数"),
            Head(
                "基层工会",
                (
                    Column("unions.grassroots", "合计"),
                    Head(
                        "按单位类别分",
                        (
                            Head(
                                "企业",
                                _units(
                                    ("domestic", "内资"),
                                    ("hmt", "港澳台商投资"),
                                    ("foreign", "外商投资"),
                                ),
                            ),
                            *_units(
                                ("institution", "事业单位"),
                                ("government", "机关"),
                                ("individual", "个体经济组织"),
                                ("other", "其他"),
                            ),
                        ),
                    ),
                    Column("unions.joint", "联合基层工会"),
                    Column("unions.women_committee", "建立女职工委员会的"),
                ),
            ),
            Column("unions.founded", "本年新建工会数"),
        ),
        "个",
    ),
    Table(
        "表二",
        "职工和会员情况",
        (
            Column("employees", "已建会单位职工人数"),
            Head(
                "会员人数",
                (
                    Column("members", "合计"),
                    Column("members.female", "#女会员"),
                    Column("members.migrant", "#农民工会员"),
                    Column("members.new_form", "#新就业形态劳动者会员"),
                ),
            ),
            Column("members.rate", "入会率"),
            Head(
                "本年会籍变动",
                (
                    Column("members.joins", "入会"),
                    Column("members.transfers_in", "转入"),
                    Column("members.transfers_out", "转出"),
                    Column("members.leaves", "退会和除名"),
                ),
            ),
        ),
        "人（会籍变动：人次）",
    ),
)


def all_columns() -> dict[str, Column]:
    """{key: column} of every table whose indicators are registered."""
    return {c.key: c for t in TABLES for c in t.columns if indicators.get(c.code) is not None}


def overridable() -> dict[str, Column]:
    """The columns a union may override: counts, not rates."""
    return {key: c for key, c in all_columns().items() if not c.is_rate}


@dataclass(frozen=True)
class Check:
    """A consistency rule: the sum of ``smaller`` ≤ ``larger`` (= with ``equal``); a rate's
    ``larger`` None means ≤ 100%."""

    smaller: tuple[str, ...]
    larger: str | None
    message: str
    equal: bool = False
    #: Not judged where ``larger`` is 0 (职工人数 not filled in: nothing to compare with).
    needs_larger: bool = False

    @property
    def rule(self) -> str:
        columns = all_columns()
        left = "、".join(columns[k].title for k in self.smaller if k in columns)
        right = columns[self.larger].title if self.larger else "100%"
        return f"{left} {'=' if self.equal else '≤'} {right}"

    def broken(self, values: dict[str, Value]) -> bool:
        if any(values.get(k) is None for k in self.smaller):
            return False
        small = sum(values[k] for k in self.smaller)
        limit = 1 if self.larger is None else values.get(self.larger) or 0
        if self.needs_larger and not limit:
            return False
        return small != limit if self.equal else small > limit


_BY_UNIT = tuple(c.key for c in TABLES[0].columns if c.code == "unions.grassroots.by_unit")

CHECKS = (
    Check(("unions.grassroots",), "unions", "基层工会数多于工会组织数"),
    Check(_BY_UNIT, "unions.grassroots", "按单位类别分列之和不等于基层工会数", equal=True),
    Check(("unions.joint",), "unions.grassroots", "联合基层工会数多于基层工会数"),
    Check(("unions.women_committee",), "unions.grassroots", "建立女职工委员会的多于基层工会数"),
    Check(("members.female",), "members", "女会员人数多于会员人数"),
    Check(("members.migrant",), "members", "农民工会员人数多于会员人数"),
    Check(("members.new_form",), "members", "新就业形态劳动者会员人数多于会员人数"),
    Check(("members",), "employees", "会员人数多于职工人数", needs_larger=True),
    Check(("members.rate",), None, "入会率超过100%：已填职工人数的工会会员多于职工"),
)


@dataclass
class Problem:
    """A broken check of a row, and the list behind its figure."""

    check: Check
    url: str
    #: The check judged a union's own figure (年报改写), not the computed one.
    overridden: bool = False

    @property
    def message(self) -> str:
        return self.check.message + ("（按改写数）" if self.overridden else "")


@dataclass
class Row:
    name: str
    org: Organization | None  # None: the union's own records (本级)
    values: dict[str, Value]
    problems: list[Problem] = field(default_factory=list)
    #: The union's own figures entered over computed ones (年报改写), by column key.
    overrides: dict[str, Override] = field(default_factory=dict)

    @property
    def reported(self) -> dict[str, Value]:
        """The figures as reported: the override where there is one."""
        return self.values | {key: o.value for key, o in self.overrides.items()}

    def cells(self, table: Table) -> list[tuple[str, Override | None]]:
        """(the computed figure, the override beside it) of each column of ``table``."""
        return [
            (figures.display(c.indicator, self.values.get(c.key)), self.overrides.get(c.key))
            for c in table.columns
        ]

    def notes(self, table: Table | None = None) -> str:
        """The overrides (of ``table``'s columns) in words."""
        keys = None if table is None else {c.key for c in table.columns}
        columns = all_columns()
        return "；".join(
            f"{columns[key].title}填报{o.value_text}（{o.note}，{o.created_by_name}）"
            for key, o in self.overrides.items()
            if key in columns and (keys is None or key in keys)
        )


@dataclass
class Report:
    org: Organization
    on: dt.date
    tables: list[Table]
    rows: list[Row]
    total: Row

    @property
    def broken(self) -> list[Row]:
        return [r for r in [*self.rows, self.total] if r.problems]


def reference_date(year: int) -> dt.date:
    return min(dt.date(year, 12, 31), timezone.localdate())


def tables() -> list[Table]:
    """The tables, each with the columns whose indicators are registered."""
    out = []
    for table in TABLES:
        heads = tuple(h for h in (_registered(h) for h in table.heads) if h is not None)
        if heads:
            out.append(Table(table.number, table.title, heads, table.units))
    return out


def _registered(node: Head | Column) -> Head | Column | None:
    if isinstance(node, Column):
        return node if indicators.get(node.code) is not None else None
    children = tuple(c for c in (_registered(c) for c in node.children) if c is not None)
    return Head(node.label, children) if children else None


def _list_url(org: Organization | None, report_org: Organization, key: str, on: dt.date) -> str:
    """The list behind a row's figure: the comparison of its sub-units (one level down) for a
    union with sub-units, the union's own page (its members and records) otherwise."""
    target = org or report_org
    code = key.split(":")[0]
    if getattr(target, "has_children", False):
        query = f"?indicator={code}"
        if on != timezone.localdate():
            query += f"&date={on.isoformat()}"
        return reverse("stats:compare", kwargs={"org_id": target.pk}) + query
    return reverse("orgs:detail", kwargs={"org_id": target.pk})


def _check(row: Row, report_org: Organization, on: dt.date) -> None:
    reported = row.reported
    for check in CHECKS:
        if check.broken(reported):
            keys = [*check.smaller, *([check.larger] if check.larger else [])]
            overridden = any(k in row.overrides for k in keys) and not check.broken(row.values)
            url = _list_url(row.org, report_org, check.smaller[0], on)
            row.problems.append(Problem(check, url, overridden))


def build(org: Organization, on: dt.date) -> Report:
    """The report of ``org``'s scope at ``on``: every figure of every table for each sub-unit,
    本级 and the total, from one ``read_together`` of the tables' indicators."""
    shown = tables()
    columns = [c for t in shown for c in t.columns]
    codes = list(dict.fromkeys(c.code for c in columns))
    numbers = indicators.read_together([indicators.get(c) for c in codes], org, on)
    children = list(figures.children_of(org).order_by("path"))

    def values(key_of) -> dict[str, Value]:
        out: dict[str, Value] = {}
        for code in codes:
            indicator = indicators.get(code)
            by_key = numbers[code]
            value = indicator.value(key_of(by_key, len(indicator.parts)))
            for c in columns:
                if c.code == code:
                    out[c.key] = value.get(c.category, 0) if c.category else value
        return out

    def of(path):
        return lambda by_key, parts: by_key.get(path, [Counter() for _ in range(parts)])

    rows = [Row(child.name, child, values(of(child.path))) for child in children]
    own = values(of(org.path))
    if any(v for v in own.values()):
        rows.append(Row("本级", None, own))
    total = Row("合计", org, values(lambda by_key, parts: indicators.add(by_key.values(), parts)))
    overrides: dict[int, dict[str, Override]] = {}
    for o in Override.objects.active().filter(org__in=[*children, org], year=on.year):
        overrides.setdefault(o.org_id, {})[o.indicator] = o
    org.has_children = bool(children)
    for row in [*rows, total]:
        if row.org is not None:
            row.overrides = overrides.get(row.org.pk, {})
        _check(row, org, on)
    return Report(org, on, shown, rows, total)


# ---- the xlsx file ------------------------------------------------------------------------------


def to_xlsx(report: Report, *, exporter: str) -> bytes:
    """The tables as the page shows them, one sheet each: the title, the header with its merged
    cells, the rows, 本级 and the total; a last column with the row's checks and overrides
    (each override beside its computed figure); a sheet of the checks."""
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
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = book.add_format(
        {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    cell = book.add_format({"border": 1})
    percent = book.add_format({"border": 1, "num_format": "0.0%"})
    flagged = book.add_format({"border": 1, "bg_color": "#FDECEA"})
    flagged_percent = book.add_format({"border": 1, "bg_color": "#FDECEA", "num_format": "0.0%"})
    bold = book.add_format({"border": 1, "bold": True})
    on = report.on
    for table in report.tables:
        sheet = book.add_worksheet(f"{table.number}{table.title}")
        width = len(table.columns) + 2
        sheet.merge_range(
            0, 0, 0, width - 1, f"{table.number}  {report.org.name}{table.title}", title_fmt
        )
        sheet.write_string(
            1, 0, f"统计时点：{on.year}年{on.month}月{on.day}日    计量单位：{table.units}"
        )
        top = 2
        depth = table.depth
        sheet.merge_range(top, 0, top + depth - 1, 0, "单位", head)
        col_of = {c.key: i + 1 for i, c in enumerate(table.columns)}
        for level, cells in enumerate(table.header_rows()):
            for h in cells:
                col = col_of[h.first.key]
                first, last = top + level, top + level + h.rowspan - 1
                if h.colspan == 1 and h.rowspan == 1:
                    sheet.write_string(first, col, h.label, head)
                else:
                    sheet.merge_range(first, col, last, col + h.colspan - 1, h.label, head)
        sheet.merge_range(top, width - 1, top + depth - 1, width - 1, "校验和改写说明", head)
        r = top + depth
        for row in [*report.rows, report.total]:
            broken = bool(row.problems)
            sheet.write_string(r, 0, neutralize(row.name), bold if row is report.total else cell)
            for c in table.columns:
                value = row.values.get(c.key)
                fmt = (
                    (flagged_percent if broken else percent)
                    if c.is_rate
                    else (flagged if broken else cell)
                )
                if value is None:
                    sheet.write_string(r, col_of[c.key], "—", fmt)
                else:
                    sheet.write_number(r, col_of[c.key], float(value), fmt)
            text = "；".join(
                [*(p.message for p in row.problems), *filter(None, [row.notes(table)])]
            )
            sheet.write_string(r, width - 1, neutralize(text), flagged if broken else cell)
            r += 1
        sheet.write_string(
            r + 1, 0, f"导出人：{exporter}；数字由系统按记录计算，改写数列在说明中，不替换计算数。"
        )
        sheet.set_column(0, 0, 26)
        sheet.set_column(1, width - 2, 11)
        sheet.set_column(width - 1, width - 1, 48)
        sheet.freeze_panes(top + depth, 1)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
    checks = book.add_worksheet("校验")
    checks.write_row(0, 0, ["单位", "没有通过的校验", "校验规则"], head)
    r = 1
    for row in report.broken:
        for p in row.problems:
            checks.write_row(r, 0, [neutralize(row.name), p.message, p.check.rule], cell)
            r += 1
    if r == 1:
        checks.write_string(1, 0, "全部行通过校验。")
    checks.set_column(0, 0, 26)
    checks.set_column(1, 2, 48)
    book.close()
    return buf.getvalue()
