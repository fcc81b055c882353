"""阵地登记表: the spreadsheet layout staff export, edit and import back (xlsx or CSV).

Files are opened by the import framework's reader (``imports.readers``: macros, formulas,
zip bombs, old .xls and GB18030 CSV handled there); each row goes through the same services
as the forms (create, or update when 编号 names a venue), so the messages are the same. An
import is all or nothing: one bad row and nothing is written; the report names every bad row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from smartunion.core import audit
from smartunion.core.errors import NotInScope
from smartunion.imports.readers import ImportRefused, data_rows, open_table
from smartunion.orgs.models import Organization
from smartunion.venues import services
from smartunion.venues.models import (
    FACILITY_LABELS,
    KIND_SHORT,
    SIX_HAS,
    WEEKDAY_LABELS,
    VenueKind,
)

# (header, key) in the order of the exported table.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("编号", "ref"),
    ("名称", "name"),
    ("类型", "kind"),
    ("所属工会", "org"),
    ("县区代码", "region"),
    ("地址", "address"),
    ("坐标系", "crs"),
    ("经度", "lng"),
    ("纬度", "lat"),
    ("设施和服务", "facilities"),
    ("其他服务", "services_note"),
    ("开放时间", "hours"),
    ("智能驿站", "unattended"),
    ("负责人", "manager_name"),
    ("负责人手机", "manager_phone"),
    ("服务电话", "service_phone"),
    ("建成日期", "built_on"),
    *((label, name) for name, label in SIX_HAS),
    ("星级", "stars"),
    ("高德上图", "on_amap"),
    ("百度上图", "on_baidu"),
)
HEADERS = tuple(h for h, _ in COLUMNS)
REQUIRED = ("名称", "类型", "所属工会", "县区代码", "地址", "经度", "纬度")
LABELS = {key: header for header, key in COLUMNS} | {
    f"hours_{d}": "开放时间" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}
LABELS.update(hours="开放时间", reason="关闭原因")
MAX_ROWS = 20_000
_TRUE = {"是", "有", "√", "✓", "✔", "1", "y", "yes", "true", "已上图", "已上"}
_FALSE = {"", "否", "无", "×", "✗", "0", "n", "no", "false", "未上图", "未上"}
_KINDS = {label: code for code, label in VenueKind.choices} | {
    label: code for code, label in KIND_SHORT.items()
}
_FACILITIES = {label: code for code, label in FACILITY_LABELS.items()}
_DAY = {label: i for i, label in enumerate(WEEKDAY_LABELS)}
_DAY.update({"周天": 6, "星期日": 6, "星期天": 6})


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    refused: str = ""
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.refused


class _Rollback(Exception):
    pass


def text(value) -> str:
    """A cell as text: whole-number floats (calamine's numbers) without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def boolean(value, header: str) -> bool:
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValidationError(f"“{header}”应填“是”或“否”，填写的是“{text(value)}”。")


def parse_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", raw)
    if not m:
        raise ValidationError(f"建成日期应如 2023-05-01，填写的是“{raw}”。")
    try:
        return dt.date(*(int(g) for g in m.groups()))
    except ValueError:
        raise ValidationError(f"建成日期“{raw}”不是真实的日期。") from None


def parse_hours(value) -> tuple[list[str], bool]:
    """ "每天 08:00-20:00", "周一至周五 09:00-18:00；周六、周日 不开放", "24小时开放" → hours."""
    raw = text(value)
    if not raw:
        return [""] * 7, False
    if raw in ("24小时", "24小时开放", "全天"):
        return [""] * 7, True
    if raw == "暂不开放":
        return [""] * 7, False
    hours = [""] * 7
    parts = [p.strip() for p in re.split(r"[；;\n]", raw) if p.strip()]
    if len(parts) == 1 and re.match(r"^\d", parts[0]):
        return [parts[0]] * 7, False
    for part in parts:
        m = re.match(r"^(每天|[周星期][^\s\d]*)\s*(.*)$", part)
        if not m:
            raise ValidationError(f"开放时间“{part}”看不懂，应如“周一至周五 09:00-18:00”。")
        days_text, ranges = m.group(1), m.group(2).strip()
        ranges = "" if ranges in ("不开放", "休息", "关闭") else ranges
        for day in _days(days_text, part):
            hours[day] = ranges
    return hours, False


def _days(days_text: str, part: str) -> list[int]:
    if days_text == "每天":
        return list(range(7))
    out: list[int] = []
    for piece in re.split(r"[、,，]", days_text):
        if "至" in piece:
            a, b = piece.split("至", 1)
            if a not in _DAY or b not in _DAY:
                raise ValidationError(f"开放时间“{part}”中的星期看不懂。")
            out.extend(range(_DAY[a], _DAY[b] + 1))
        elif piece in _DAY:
            out.append(_DAY[piece])
        else:
            raise ValidationError(f"开放时间“{part}”中的星期看不懂。")
    return out


def parse_facilities(value) -> list[str]:
    raw = text(value)
    codes = []
    for item in (p.strip() for p in re.split(r"[、,，;；\s]+", raw) if p.strip()):
        code = _FACILITIES.get(item) or (item if item in FACILITY_LABELS else None)
        if code is None:
            raise ValidationError(
                f"设施“{item}”不在列表中（可填：{'、'.join(FACILITY_LABELS.values())}）。"
            )
        codes.append(code)
    return codes


class OrgFinder:
    """所属工会 by exact name (or id) among the unions the actor may change."""

    def __init__(self, actor):
        self.qs = Organization.objects.visible_to(actor, "change").active()
        self.cache: dict[str, Organization] = {}

    def __call__(self, value) -> Organization:
        key = text(value)
        if not key:
            raise ValidationError("请填写所属工会。")
        if key in self.cache:
            return self.cache[key]
        found = list(self.qs.filter(name=key)[:2])
        if not found and key.isdigit():
            found = list(self.qs.filter(pk=int(key))[:1])
        if not found:
            raise ValidationError(f"找不到“{key}”，或它不在您的管理范围内。")
        if len(found) > 1:
            raise ValidationError(f"名为“{key}”的工会不止一个，请改填工会编号。")
        self.cache[key] = found[0]
        return found[0]


def row_values(cells: dict[str, Any], find_org: OrgFinder) -> tuple[dict, dict[str, str]]:
    """The service values of one row, and the problems found reading it, by header."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}

    def read(header, fn):
        try:
            return fn(cells.get(header))
        except ValidationError as exc:
            problems[header] = "；".join(exc.messages)
            return None

    for header in REQUIRED:
        if not text(cells.get(header)):
            problems[header] = f"请填写{header}。"
    values["name"] = text(cells.get("名称"))
    kind = text(cells.get("类型"))
    values["kind"] = _KINDS.get(kind, kind)
    if "所属工会" not in problems:
        values["org"] = read("所属工会", find_org)
    values["region"] = text(cells.get("县区代码"))
    values["address"] = text(cells.get("地址"))
    values["crs"] = text(cells.get("坐标系")) or "wgs84"
    values["lng"] = text(cells.get("经度"))
    values["lat"] = text(cells.get("纬度"))
    values["facilities"] = read("设施和服务", parse_facilities) or []
    values["services_note"] = text(cells.get("其他服务"))
    hours = read("开放时间", parse_hours)
    if hours is not None:
        values["hours"], values["open_24h"] = hours
    values["manager_name"] = text(cells.get("负责人"))
    values["manager_phone"] = text(cells.get("负责人手机"))
    values["service_phone"] = text(cells.get("服务电话"))
    values["built_on"] = read("建成日期", parse_date)
    stars = text(cells.get("星级")).removesuffix("星")
    values["stars"] = 0 if stars in ("", "未评星") else stars
    for header, key in (
        ("智能驿站", "unattended"),
        ("高德上图", "on_amap"),
        ("百度上图", "on_baidu"),
        *((label, name) for name, label in SIX_HAS),
    ):
        values[key] = read(header, lambda v, h=header: boolean(v, h))
    return values, problems


def _venue_ref(raw) -> int | None:
    ref = text(raw).upper().removeprefix("SU")
    if not ref:
        return None
    if not ref.isdigit():
        raise ValidationError(f"编号应如 SU123（导出时生成），填写的是“{text(raw)}”。")
    return int(ref)


def import_venues(source: IO[bytes], filename: str, *, actor, dry_run: bool = False):
    """Read a 阵地登记表 and create or update every row, or nothing at all."""
    report = ImportReport(dry_run=dry_run)
    try:
        table = open_table(source, filename=filename)
        columns = _find_header(table.rows)
        rows = data_rows(table.rows, max(columns.values()) + 1)
        with transaction.atomic():
            _import_rows(rows, columns, actor, report)
            if report.errors or dry_run:
                raise _Rollback
            audit.record(
                actor,
                "venue.import",
                object_type="venues.venue",
                org_path=getattr(actor, "scope_path", ""),
                changes={
                    "file": filename[:100],
                    "created": report.created,
                    "updated": report.updated,
                },
            )
    except ImportRefused as exc:
        report.refused = exc.message
    except _Rollback:
        pass
    return report


def _find_header(rows) -> dict[str, int]:
    for row_no, row in rows:
        cells = [text(c) for c in row]
        if "名称" in cells and "经度" in cells:
            columns = {h: cells.index(h) for h in HEADERS if h in cells}
            missing = [h for h in REQUIRED if h not in columns]
            if missing:
                raise ImportRefused(f"表头缺少：{'、'.join(missing)}。请使用“阵地登记表”模板。")
            return columns
        if row_no >= 20:
            break
    raise ImportRefused("没有找到表头（应有“名称”“经度”“纬度”等列）。请使用“阵地登记表”模板。")


def _import_rows(rows, columns, actor, report: ImportReport) -> None:
    find_org = OrgFinder(actor)
    for row_no, row in rows:
        report.rows += 1
        if report.rows > MAX_ROWS:
            raise ImportRefused(f"一次最多导入{MAX_ROWS}行，请拆分文件。")
        cells = {h: (row[i] if i < len(row) else None) for h, i in columns.items()}
        values, problems = row_values(cells, find_org)
        try:
            ref = _venue_ref(cells.get("编号"))
        except ValidationError as exc:
            problems["编号"] = exc.messages[0]
            ref = None
        if problems:
            report.errors += [RowError(row_no, h, m) for h, m in problems.items()]
            continue
        try:
            with transaction.atomic():
                if ref is None:
                    services.create_venue(values, actor=actor)
                    report.created += 1
                else:
                    if not values["manager_phone"]:
                        values.pop("manager_phone")  # blank = keep the recorded phone
                    services.update_venue(ref, values, actor=actor)
                    report.updated += 1
        except NotInScope:
            report.errors.append(RowError(row_no, "编号", "该阵地不存在或不在您的管理范围内。"))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, messages in exc.message_dict.items():
                    for message in messages:
                        report.errors.append(RowError(row_no, LABELS.get(key, ""), message))
            else:
                report.errors += [RowError(row_no, "", m) for m in exc.messages]


def registry_rows(venues) -> list[list]:
    """The venues as rows of the 阵地登记表 (the manager's phone masked: it is not exported)."""
    out = []
    for v in venues:
        out.append(
            [
                f"SU{v.pk}",
                v.name,
                v.get_kind_display(),
                v.org.name,
                v.region_id,
                v.address,
                "WGS-84",
                round(v.lng, 7),
                round(v.lat, 7),
                "、".join(v.facility_labels()),
                v.services_note,
                v.hours_summary(),
                "是" if v.unattended else "否",
                v.manager_name,
                "",
                v.service_phone,
                v.built_on.isoformat() if v.built_on else "",
                *("是" if getattr(v, name) else "否" for name, _ in SIX_HAS),
                v.stars,
                "是" if v.on_amap else "否",
                "是" if v.on_baidu else "否",
            ]
        )
    return out


def example_row() -> list:
    return [
        "",
        "东岗西路环卫工人爱心驿站",
        "工会户外劳动者服务站点（驿站）",
        "城关区总工会",
        "620102",
        "城关区东岗西路100号",
        "GCJ-02",
        103.834303,
        36.061089,
        "饮水、休息、如厕、充电",
        "",
        "周一至周五 08:00-20:00；周六、周日 09:00-18:00",
        "否",
        "王建国",
        "13912345678",
        "0931-8888888",
        "2023-05-01",
        "是",
        "是",
        "是",
        "是",
        "是",
        "否",
        3,
        "是",
        "否",
    ]
