"""Exports (导出) of what staff can see: members and unions of a subtree, the member list,
pending transfers, and error workbooks.

- What: an ``ExportSpec`` names any export (kind, union, personal information, filters);
  ``build(user, spec)`` makes it. Pages send it with ``serve``, or, when an xlsx is too long
  for a web request, offer it as a background job (``export_jobs``), which keeps the spec.
- Scope: the rows come from ``visible_to(user, action)`` and the chosen union's subtree.
- Streaming: rows are read with ``iterator(chunk_size=…)``; CSV goes out as it is produced
  (``StreamingHttpResponse``), xlsx is written by xlsxwriter in ``constant_memory`` mode to a
  temporary file (unlinked as soon as it is opened) and sent from there, so 2.3 million rows
  never sit in memory.
- Personal information is masked unless the user has ``export_pii`` and asks for it; such an
  export is audited and carries the exporter's name (in the file's first line / info sheet).
- Formula injection: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a
  leading apostrophe, and xlsx cells are always written as strings, never as formulas.
- The columns are the import template's, so an export with full personal information is a
  valid import file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from smartunion.core import audit
from smartunion.core.codes import Gender
from smartunion.core.idnumber import mask_birth_date
from smartunion.imports import schema as s
from smartunion.imports.models import ExportJob, ExportKind, ImportJob
from smartunion.imports.templates import add_dropdowns, write_reference_sheets
from smartunion.imports.validators import ERROR, cell_text
from smartunion.members.models import (
    MEMBER_FILTERS,
    Membership,
    MembershipStatus,
    Person,
    Transfer,
    TransferKind,
)
from smartunion.orgs.models import Kind, Organization, Status

CHUNK = 2000
_GENDERS = dict(Gender.choices)
_MEMBERSHIP_STATUSES = dict(MembershipStatus.choices)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX_TYPE, "csv": "text/csv; charset=utf-8"}
XLSX_SHEET_ROWS = 1_048_576  # Excel's rows per sheet, the banner and the header included
DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODING = "utf-8-sig"


def neutralize(value: str) -> str:
    """A spreadsheet cannot run it: a leading apostrophe before =, +, -, @, tab or CR."""
    if value and value[0] in DANGEROUS_FIRST:
        return "'" + value
    return value


@dataclass(frozen=True)
class ExportSpec:
    """What an export is of, in terms that can be stored and built again later (a background
    export is built when the worker runs it, with its owner's rights at that moment)."""

    kind: str  # ExportKind
    org_id: int | None = None  # the union whose subtree it covers (members, orgs)
    with_pii: bool = False
    former: bool = False  # members: every membership, those that ended too
    q: str = ""  # the lists' search
    #: The lists' status filter: a membership status (member list), or a key of
    #: ``MEMBER_FILTERS`` (a union's members; empty: the current ones).
    status: str = ""
    subtree: bool = True  # a union's members: of its sub-unions too

    @property
    def params(self) -> dict[str, Any]:
        """The filters, to keep with a background job (``from_job`` reads them back)."""
        return {"former": self.former, "q": self.q, "status": self.status, "subtree": self.subtree}

    @classmethod
    def from_job(cls, job: ExportJob) -> ExportSpec:
        p = job.params or {}
        return cls(
            kind=job.kind,
            org_id=job.org_id,
            with_pii=job.with_pii,
            former=bool(p.get("former")),
            q=str(p.get("q") or ""),
            status=str(p.get("status") or ""),
            subtree=p.get("subtree", True) is not False,
        )


@dataclass
class Export:
    """What a download is: a header, the rows, the file name stem, and who asked for it."""

    title: str
    headers: list[str]
    rows: Iterable[list[Any]]
    stem: str
    user: Any
    with_pii: bool
    spec: ExportSpec
    sheet_name: str
    #: The union whose subtree it covers; None for a list of the user's whole scope.
    org: Organization | None = None
    #: The querysets the rows come from, to count them (up to a bound before a download).
    sources: Sequence[Any] = ()

    @property
    def banner(self) -> str:
        when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        name = getattr(self.user, "display_name", "") or self.user.get_username()
        text = f"{self.title}；导出人：{name}（{self.user.get_username()}）；导出时间：{when}"
        if self.with_pii:
            text += "；含完整个人信息，请妥善保管，不得外传"
        else:
            text += "；身份证号码、出生日期和手机号已脱敏"
        return text


# Members --------------------------------------------------------------------------------------

MEMBER_EXPORT_EXTRA = ("性别", "出生日期", "会籍状态")


def member_export(
    user,
    org: Organization,
    *,
    with_pii: bool = False,
    current_only: bool = True,
    status: str = "",
    subtree: bool = True,
    q: str = "",
) -> Export:
    """The members of ``org`` (and its sub-unions, ``subtree``) the user may see, in the
    import template's columns (``export_pii`` for full numbers): the current ones, those of a
    ``MEMBER_FILTERS`` ``status``, or every membership (``current_only=False``); found by
    ``q`` as the union page's member list finds them."""
    action = "export_pii" if with_pii else "view"
    if with_pii and not user.can("export_pii"):
        raise PermissionDenied("您没有导出完整个人信息的权限。")
    if not Organization.objects.visible_to(user, action).filter(pk=org.pk).exists():
        raise PermissionDenied("您没有导出该工会会员的权限。")
    queryset = Membership.objects.visible_to(user, action)
    if subtree:
        queryset = queryset.filter(org__path__startswith=org.path)
    else:
        queryset = queryset.filter(org=org)
    # The default filter, the current members, is named by no status.
    status = status if status in MEMBER_FILTERS and status != "current" else ""
    label, statuses = MEMBER_FILTERS[status or "current"]
    if current_only:
        queryset = queryset.filter(status__in=statuses)
    if q:
        queryset = queryset.filter(person__in=Person.objects.search(q).values("pk"))
    stem = f"{org.name}{'' if subtree else '本级'}会员名单"
    if not current_only:
        stem += "（全部会籍）"
    elif status:
        stem += f"（{label}）"
    if q:
        stem += "（查询结果）"
    fields = [
        "id",
        "status",
        "joined_on",
        "card_no",
        "org_id",
        "org__name",
        "org__uscc",
        "person__name",
        "person__id_masked",
        "person__phone_masked",
        "person__gender",
        "person__birth_date",
        *(f"person__{k}" for k in _PERSON_CODE_FIELDS),
        "person__is_migrant_worker",
        "person__is_model_worker",
        "person__occupation",
        "person__professional_title",
    ]
    if with_pii:
        fields += ["person__id_number", "person__phone"]
    columns = [c for c in s.MEMBERS.columns if c.key != "seq"]
    headers = [c.header for c in columns] + list(MEMBER_EXPORT_EXTRA)
    labels = {c.key: c.choice_map for c in columns if c.kind == s.CODE}

    def rows() -> Iterator[list[Any]]:
        for m in queryset.order_by("org__path", "id").values(*fields).iterator(chunk_size=CHUNK):
            record = {
                "name": m["person__name"],
                "id_number": m["person__id_number"] if with_pii else m["person__id_masked"],
                "phone": m["person__phone"] if with_pii else m["person__phone_masked"],
                "org_uscc": m["org__uscc"],
                "org_ref": m["org_id"],
                "org_name": m["org__name"],
                "is_migrant_worker": "是" if m["person__is_migrant_worker"] else "否",
                "is_model_worker": "是" if m["person__is_model_worker"] else "否",
                "occupation": m["person__occupation"],
                "professional_title": m["person__professional_title"],
                "joined_on": m["joined_on"],
                "card_no": m["card_no"],
            }
            for key in _PERSON_CODE_FIELDS:
                value = m[f"person__{key}"]
                record[key] = labels[key].label(value) if value else ""
            yield [record.get(c.key, "") for c in columns] + [
                _GENDERS.get(m["person__gender"], ""),
                m["person__birth_date"] if with_pii else mask_birth_date(m["person__birth_date"]),
                str(_MEMBERSHIP_STATUSES.get(m["status"], m["status"])),
            ]

    return Export(
        title=stem,
        headers=headers,
        rows=rows(),
        stem=stem,
        user=user,
        with_pii=with_pii,
        spec=ExportSpec(
            ExportKind.MEMBERS,
            org.pk,
            with_pii,
            former=not current_only,
            q=q,
            status=status,
            subtree=subtree,
        ),
        sheet_name="会员信息",
        org=org,
        sources=[queryset],
    )


_PERSON_CODE_FIELDS = (
    "ethnicity",
    "education",
    "political_status",
    "hukou_type",
    "employment_status",
    "skill_level",
    "new_form_type",
)


PERSON_LIST_HEADERS = ["姓名", "身份证号码", "性别", "出生日期", "手机号码", "所在工会", "会籍状态"]


def person_list_export(user, q: str = "", status: str = "") -> Export:
    """The member list (会员查询) as its page shows it, searched for ``q`` and filtered by
    ``status``: the page's querysets read one after another; numbers and birth dates masked."""
    parts = Person.objects.visible_to(user, "view").list_parts(q, status)
    title = "会员查询结果" if q or status else "会员名单"
    fields = ("name", "id_masked", "gender", "birth_date", "phone_masked", "org__name")

    def rows() -> Iterator[list[Any]]:
        for people in parts:
            values = people.values(*fields, "membership_status")
            for p in values.iterator(chunk_size=CHUNK):
                yield [
                    p["name"],
                    p["id_masked"],
                    _GENDERS.get(p["gender"], ""),
                    mask_birth_date(p["birth_date"]),
                    p["phone_masked"],
                    p["org__name"],
                    str(_MEMBERSHIP_STATUSES.get(p["membership_status"], "—")),
                ]

    return Export(
        title=title,
        headers=PERSON_LIST_HEADERS,
        rows=rows(),
        stem=title,
        user=user,
        with_pii=False,
        spec=ExportSpec(ExportKind.MEMBER_LIST, q=q, status=status),
        sheet_name="会员名单",
        sources=parts,
    )


TRANSFER_LIST_HEADERS = [
    "方向",
    "姓名",
    "身份证号码",
    "转出工会",
    "转入工会",
    "原因",
    "说明",
    "发起日期",
    "发起人",
]


def transfer_list_export(user) -> Export:
    """The pending transfers the 转会办理 page lists, all of them (the page shows the latest
    100 of each direction), with each one's direction as seen from the user's subtree."""
    pending = Transfer.objects.visible_to(user, "view").pending()
    scope = "" if user.is_superuser else user.scope_path
    reasons = dict(Transfer._meta.get_field("reason").choices)

    def direction(kind: str, from_path: str, to_path: str) -> str:
        incoming, outgoing = to_path.startswith(scope), from_path.startswith(scope)
        if incoming and outgoing:
            return "范围内转会"
        if kind == TransferKind.REQUEST:
            # Started by the receiving union, decided by the person's union.
            return "已申请转入" if incoming else "待同意转出"
        return "待接收" if incoming else "已发出"

    def rows() -> Iterator[list[Any]]:
        values = pending.values_list(
            "kind",
            "from_org__path",
            "to_org__path",
            "person__name",
            "person__id_masked",
            "from_org__name",
            "to_org__name",
            "reason",
            "note",
            "sent_on",
            "sent_by_name",
        )
        for kind, from_path, to_path, *shown, reason, note, sent_on, sent_by in values.iterator(
            chunk_size=CHUNK
        ):
            yield [
                direction(kind, from_path, to_path),
                *shown,
                str(reasons.get(reason, reason)),
                note,
                sent_on,
                sent_by,
            ]

    return Export(
        title="待办转会",
        headers=TRANSFER_LIST_HEADERS,
        rows=rows(),
        stem="待办转会",
        user=user,
        with_pii=False,
        spec=ExportSpec(ExportKind.PENDING_TRANSFERS),
        sheet_name="待办转会",
        sources=[pending],
    )


# Unions ---------------------------------------------------------------------------------------

ORG_EXPORT_EXTRA = ("编号", "本级会员人数", "含下级会员人数", "状态")


def org_export(user, org: Organization, *, with_pii: bool = False):
    action = "export_pii" if with_pii else "view"
    if with_pii and not user.can("export_pii"):
        raise PermissionDenied("您没有导出完整个人信息的权限。")
    if not Organization.objects.visible_to(user, action).filter(pk=org.pk).exists():
        raise PermissionDenied("您没有导出该工会的权限。")
    queryset = Organization.objects.visible_to(user, action).filter(path__startswith=org.path)
    columns = [c for c in s.ORGS.columns if c.key != "seq"]
    headers = [c.header for c in columns] + list(ORG_EXPORT_EXTRA)
    kinds = dict(Kind.choices)
    statuses = dict(Status.choices)
    industry = s.ORGS.column("industry").choice_map
    category = s.ORGS.column("unit_category").choice_map

    def rows() -> Iterator[list[Any]]:
        for o in queryset.select_related("parent").order_by("path").iterator(chunk_size=CHUNK):
            phone = o.chair_phone if with_pii else o.chair_phone_masked
            record = {
                "name": o.name,
                "parent_uscc": o.parent.uscc if o.parent_id else "",
                "parent_ref": o.parent_id or "",
                "kind": str(kinds.get(o.kind, o.kind)),
                "region": o.region_id,
                "uscc": o.uscc,
                "employer_name": o.employer_name,
                "employer_uscc": o.employer_uscc,
                "address": o.address,
                "industry": industry.label(o.industry) if o.industry else "",
                "unit_category": category.label(o.unit_category) if o.unit_category else "",
                "founded_on": o.founded_on,
                "chair_name": o.chair_name,
                "chair_phone": phone,
                "employee_count": o.employee_count,
                "women_committee": "是" if o.women_committee else "否",
                "term_ends_on": o.term_ends_on,
            }
            yield [record.get(c.key, "") for c in columns] + [
                o.pk,
                o.member_count,
                o.subtree_member_count,
                str(statuses.get(o.status, o.status)),
            ]

    return Export(
        title=f"{org.name}及下级工会",
        headers=headers,
        rows=rows(),
        stem=f"{org.name}工会组织",
        user=user,
        with_pii=with_pii,
        spec=ExportSpec(ExportKind.ORGS, org.pk, with_pii),
        sheet_name="工会组织信息",
        org=org,
        sources=[queryset],
    )


def build(user, spec: ExportSpec) -> Export:
    """The export ``spec`` names, as ``user`` may see it now (PermissionDenied otherwise)."""
    if spec.kind == ExportKind.MEMBER_LIST:
        return person_list_export(user, spec.q, spec.status)
    if spec.kind == ExportKind.PENDING_TRANSFERS:
        return transfer_list_export(user)
    org = Organization.objects.filter(pk=spec.org_id).first()
    if org is None:
        raise PermissionDenied("要导出的工会已不存在。")
    if spec.kind == ExportKind.ORGS:
        return org_export(user, org, with_pii=spec.with_pii)
    if spec.kind == ExportKind.MEMBERS:
        return member_export(
            user,
            org,
            with_pii=spec.with_pii,
            current_only=not spec.former,
            status=spec.status,
            subtree=spec.subtree,
            q=spec.q,
        )
    raise ValueError(f"unknown export kind {spec.kind!r}")


class ExportTooLarge(Exception):
    """Too many rows to write as xlsx within one web request."""


def xlsx_web_rows() -> int:
    return settings.SMARTUNION_EXPORT_XLSX_WEB_ROWS


def count_rows(export: Export, limit: int | None = None) -> int:
    """How many rows the export has; with ``limit``, counting stops past it."""
    counted = 0
    for source in export.sources:
        # Without the order and the columns: only how many rows.
        rows = source.order_by().values("pk")
        if limit is not None:
            rows = rows[: limit + 1 - counted]
        counted += rows.count()
        if limit is not None and counted > limit:
            break
    return counted


def check_web_download(export: Export, file_format: str) -> None:
    """Refuse, before any work, an xlsx too long to write within a web request.

    xlsxwriter writes ~8,000 rows a second here (2.17 million members: 278 s, against 67 s
    for the same rows as CSV, which streams as it is read), and the web server ends a request
    after its timeout (gunicorn ``--timeout 120`` in the operator guide). Counting stops at
    the bound, so this costs a fraction of the export itself. Such an export is offered as a
    background job (``export_jobs``); the command line has no limit.
    """
    limit = xlsx_web_rows()
    if file_format == "xlsx" and count_rows(export, limit) > limit:
        raise ExportTooLarge(f"名单超过 {limit:,} 行，在网页上直接生成 Excel 文件会超时。")


def download(export: Export, file_format: str) -> HttpResponse:
    """The export as a download: CSV streamed as it is read, xlsx through a temporary file."""
    filename = f"{export.stem}.{file_format}"
    if file_format == "xlsx":
        return temporary_file_response(write_xlsx(export), filename)
    response = StreamingHttpResponse(csv_chunks(export), content_type=CONTENT_TYPES["csv"])
    return attachment(response, filename)


def attachment(response, filename: str):
    """The response as a download named ``filename`` (Chinese names encoded as RFC 6266)."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


#: The main navigation's entry of the page each kind of export is made from.
_NAV = {
    ExportKind.MEMBERS: "orgs",
    ExportKind.ORGS: "orgs",
    ExportKind.MEMBER_LIST: "members",
    ExportKind.PENDING_TRANSFERS: "transfers",
}

#: What the audit log names a list of the user's scope by (an export without a union).
_LIST_OBJECT_TYPES = {
    ExportKind.MEMBER_LIST: "members.person",
    ExportKind.PENDING_TRANSFERS: "members.transfer",
}


def audit_export(export: Export, file_format: str, **details: Any) -> None:
    """The export's audit entry: of a union's subtree, or of a list in the user's scope.

    It records which filters were set, never what was searched for: that may be an ID
    number or a name.
    """
    spec = export.spec
    changes = {"kind": spec.kind, "format": file_format, "with_pii": export.with_pii}
    if spec.former:
        changes["former"] = True
    if not spec.subtree:
        changes["subtree"] = False
    if spec.kind == ExportKind.MEMBER_LIST or spec.q or spec.status:
        changes.update(searched=bool(spec.q), status=spec.status)
    audit.record(
        export.user,
        "export.pii" if export.with_pii else "export",
        export.org,
        object_type=None if export.org is not None else _LIST_OBJECT_TYPES[spec.kind],
        org_path=None if export.org is not None else export.user.scope_path,
        changes={**changes, **details},
    )


def serve(request, spec: ExportSpec, file_format: str, *, back: str) -> HttpResponse:
    """A page's download: audited and sent; or, when too long for a web request, a page that
    offers to write it in the background (``export_jobs``), with ``back`` to return to."""
    export = build(request.user, spec)
    try:
        check_web_download(export, file_format)
    except ExportTooLarge as exc:
        context = {
            "reason": str(exc),
            "spec": spec,
            "title": export.title,
            "back": back,
            "formats": [("xlsx", "Excel"), ("csv", "CSV")],
            "keep_hours": settings.SMARTUNION_EXPORT_KEEP_HOURS,
            "nav": _NAV[spec.kind],
        }
        return render(request, "imports/export_large.html", context)
    audit_export(export, file_format)
    return download(export, file_format)


# Writers --------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return neutralize(str(value))


def csv_chunks(export: Export) -> Iterator[bytes]:
    """The CSV as a stream of encoded chunks (UTF-8 with BOM, which Excel opens correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralize(export.banner)])
    writer.writerow(export.headers)
    first = True
    for n, row in enumerate(export.rows, 1):
        writer.writerow([_csv_cell(v) for v in row])
        if n % 1000 == 0:
            yield _take(buffer, first)
            first = False
    yield _take(buffer, first)


def _take(buffer: io.StringIO, first: bool) -> bytes:
    data = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return data.encode(CSV_ENCODING if first else "utf-8")


def temp_dir() -> str:
    path = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir())) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


@contextmanager
def _workbook() -> Iterator[tuple[xlsxwriter.Workbook, str]]:
    """A constant-memory workbook written to a temporary file (its path is yielded too).

    Until ``close()``, xlsxwriter keeps each sheet's rows in scratch files of its own, deleted
    only by a successful close. They are plaintext (ID numbers, in a full export), so they go
    into a private directory removed however the writing ends; a failed workbook goes too.
    """
    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=temp_dir())
    os.close(fd)
    try:
        with tempfile.TemporaryDirectory(dir=temp_dir()) as scratch:
            wb = xlsxwriter.Workbook(
                path,
                {
                    "constant_memory": True,
                    "tmpdir": scratch,
                    "strings_to_formulas": False,
                    "strings_to_urls": False,
                },
            )
            yield wb, path
            wb.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise


def write_xlsx(export: Export) -> str:
    """Write the workbook to a temporary file (constant memory); returns its path."""
    with _workbook() as (wb, path):
        _write_sheets(wb, export)
    return path


def _write_sheets(wb: xlsxwriter.Workbook, export: Export) -> None:
    wb.set_properties(
        {"title": export.title, "author": export.user.get_username(), "comments": export.banner}
    )
    header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    sheets = 0
    sheet_name = export.sheet_name

    def new_sheet():
        # xlsxwriter ignores a cell past a sheet's last row (it returns -1): without more
        # sheets a province's export would silently stop at about a million members.
        nonlocal sheets
        sheets += 1
        ws = wb.add_worksheet(sheet_name if sheets == 1 else f"{sheet_name}（{sheets}）")
        ws.write_string(0, 0, export.banner)
        for c, name in enumerate(export.headers):
            ws.write_string(1, c, name, header)
            ws.set_column(c, c, 16)
        return ws

    ws = new_sheet()
    r = 1
    for row in export.rows:
        r += 1
        if r >= XLSX_SHEET_ROWS:
            ws, r = new_sheet(), 2
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif isinstance(value, int) and not isinstance(value, bool):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, neutralize(str(value)))
    info = wb.add_worksheet("导出说明")
    info.write_string(0, 0, export.banner)
    if sheets > 1:
        info.write_string(
            1,
            0,
            f"一个工作表最多容纳 {XLSX_SHEET_ROWS:,} 行，本次导出分为 {sheets} 个工作表"
            f"（“{sheet_name}”“{sheet_name}（2）”……），每个工作表都有表头。"
            "导入时请每个工作表另存为一个文件，或改用 CSV 格式导出。",
        )


def write_file(export: Export, path: str | os.PathLike, file_format: str) -> Path:
    """Write the export to ``path`` as CSV or xlsx (the command line, seed files, jobs)."""
    path = Path(path)
    if file_format == "csv":
        with open(path, "wb") as f:
            for chunk in csv_chunks(export):
                f.write(chunk)
    else:
        shutil.move(write_xlsx(export), path)
    return path


def open_temporary(path: str) -> IO[bytes]:
    """A temporary file opened for reading, its name already gone: nothing is left on disk
    however the reading ends (a generator's ``finally`` would not run for a download whose
    client went away before the first chunk)."""
    f = open(path, "rb")  # noqa: SIM115 - the response closes it
    Path(path).unlink()
    return f


def file_download(f: IO[bytes], file_format: str, filename: str) -> FileResponse:
    """An open file as a download named ``filename``, with its length; the response closes it."""
    response = FileResponse(f, content_type=CONTENT_TYPES[file_format])
    response.block_size = 1 << 16  # FileResponse's 4 KB blocks: 110,000 of them for 447 MB
    return attachment(response, filename)


def temporary_file_response(path: str, filename: str) -> FileResponse:
    """A written workbook as a download named ``filename``."""
    return file_download(open_temporary(path), "xlsx", filename)


# Error workbooks ------------------------------------------------------------------------------


def error_rows(job: ImportJob) -> tuple[list[str], Callable[[], Iterator[tuple[int, list, str]]]]:
    """The header, and the rows of the job's file that had errors, with their messages."""
    from smartunion.imports.services import open_rows, open_source

    messages: dict[int, list[str]] = {}
    for row_no, column, message in (
        job.issues.filter(level=ERROR)
        .order_by("row_no", "id")
        .values_list("row_no", "column", "message")
    ):
        messages.setdefault(row_no, []).append(f"【{column}】{message}" if column else message)

    def rows() -> Iterator[tuple[int, list, str]]:
        with open_source(job) as source:
            _table, layout, data = open_rows(job, source)
            for row_no, row in data:
                found = messages.get(row_no)
                if found:
                    yield row_no, row, "；".join(found)

    return list(job.headers), rows


def write_error_workbook(job: ImportJob, user) -> str:
    """Original rows with errors plus a 错误说明 column: fix them and upload this file again.

    Like the template it keeps 代码表 and 工会列表 and the dropdowns of the columns it knows,
    so the fixed rows can be chosen from lists again and the file re-uploaded as it is.
    """
    headers, rows = error_rows(job)
    with _workbook() as (wb, path):
        r, ws = _write_error_sheet(wb, job, headers, rows)
        schema = s.SCHEMAS[job.kind]
        lists = write_reference_sheets(wb, schema, user=user, root=job.org)
        known = [(c, column) for c, h in enumerate(headers) if (column := schema.match(h))]
        add_dropdowns(ws, known, lists)
    audit.record(
        user,
        "import.error_workbook",
        job,
        changes={"sha256": job.file_sha256, "rows": r - 1},
    )
    return path


def _write_error_sheet(wb: xlsxwriter.Workbook, job: ImportJob, headers, rows):
    schema = s.SCHEMAS[job.kind]
    ws = wb.add_worksheet(schema.sheet_name)
    header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    error_header = wb.add_format(
        {"bold": True, "bg_color": "#FDECEA", "border": 1, "font_color": "#C00000"}
    )
    error_cell = wb.add_format({"font_color": "#C00000", "num_format": "@"})
    text = wb.add_format({"num_format": "@"})
    width = len(headers)
    for c, name in enumerate(headers):
        ws.write_string(0, c, name, header)
        ws.set_column(c, c, 16, text)
    ws.write_string(0, width, "错误说明", error_header)
    ws.write_string(0, width + 1, "原行号", error_header)
    ws.set_column(width, width, 60, error_cell)
    r = 1
    for row_no, row, message in rows():
        for c in range(width):
            value = cell_text(row[c]) if c < len(row) else ""
            if value:
                ws.write_string(r, c, neutralize(value))
        ws.write_string(r, width, neutralize(message), error_cell)
        ws.write_number(r, width + 1, row_no)
        r += 1
    return r, ws
