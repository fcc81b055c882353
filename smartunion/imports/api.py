"""导入导出 API: upload a file, follow its validation, read the report, commit, download.

The same services as the pages: ``POST /imports/jobs`` stores the file and queues its check;
``GET /imports/jobs/{job_id}`` polls the status and the figures; ``GET …/issues`` pages through
the problems row by row; ``POST …/commit`` queues the commit.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse, StreamingHttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from smartunion.core.api import QuerySchema, StrictSchema, code_type, get_or_404, require
from smartunion.core.bounds import Cursor
from smartunion.imports import exports, services
from smartunion.imports.models import CommitMode, ImportJob, Kind
from smartunion.imports.templates import build_template, template_filename
from smartunion.imports.views import XLSX_TYPE, home_org
from smartunion.orgs.models import Organization

router = Router(tags=["导入导出"])

KindCode = code_type(Kind, blank=False)
ModeCode = code_type(CommitMode, blank=False)


class JobOut(Schema):
    id: int
    kind: str
    org: int = Field(alias="org_id")
    file_name: str
    file_sha256: str
    status: str
    status_label: str
    message: str
    percent: int
    rows_read: int
    rows_valid: int
    rows_error: int
    rows_warning: int
    rows_duplicate: int
    rows_existing: int
    rows_transfer: int
    mode: str
    created_count: int
    rejoined_count: int
    skipped_count: int
    failed_count: int
    transferred_count: int
    created_by_name: str
    created_at: dt.datetime
    committed_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: ImportJob) -> str:
        return obj.get_status_display()


class IssueOut(Schema):
    id: int
    row_no: int
    column: str
    level: str
    code: str
    message: str
    label: str


class IssueFilters(QuerySchema):
    level: code_type(("error", "warning")) = ""  # type: ignore[valid-type]
    code: code_type(("invalid", "duplicate", "transfer", "scope", "exists")) = ""  # type: ignore[valid-type]
    after: Cursor = Field(0, description="行号大于它的问题（翻页）")
    limit: int = Field(100, ge=1, le=1000)


class CommitIn(StrictSchema):
    mode: ModeCode = CommitMode.VALID_ONLY.value


def _job(request, job_id: int, action: str = "view") -> ImportJob:
    return get_or_404(
        ImportJob.objects.select_related("org"),
        request.user,
        job_id,
        action=action,
        what="导入任务",
    )


@router.get("/jobs", response=list[JobOut])
def list_jobs(request, after: Cursor = 0, limit: int = Query(50, ge=1, le=200)):
    """The jobs of the user's subtree, newest first (``after``: ids below it)."""
    qs = ImportJob.objects.visible_to(request.user)
    if after:
        qs = qs.filter(pk__lt=after)
    return list(qs.order_by("-id")[:limit])


@router.post("/jobs", response={201: JobOut})
def upload(request, kind: Form[KindCode], file: File[UploadedFile], org: Form[int] = 0):
    """Upload an xlsx or CSV; its check runs in the background (poll the job)."""
    require(request.user, "change")
    target = home_org(request.user) if not org else None
    if org:
        target = get_or_404(
            Organization.objects, request.user, org, action="change", what="工会组织"
        )
    job = services.create_job(
        kind=kind, org=target, actor=request.user, upload=file, file_name=file.name or "upload"
    )
    services.enqueue_validation(job)
    job.refresh_from_db()
    return Status(201, job)


@router.get("/jobs/{int:job_id}", response=JobOut)
def get_job(request, job_id: int):
    return _job(request, job_id)


@router.get("/jobs/{int:job_id}/issues", response=list[IssueOut])
def list_issues(request, job_id: int, filters: Query[IssueFilters]):
    """The problems, by row number; page with ``after`` = the last row number received."""
    job = _job(request, job_id)
    qs = job.issues.filter(row_no__gt=filters.after) if filters.after else job.issues.all()
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.code:
        qs = qs.filter(code=filters.code)
    return list(qs.order_by("row_no", "id")[: filters.limit])


@router.post("/jobs/{int:job_id}/commit", response={202: JobOut})
def commit(request, job_id: int, payload: CommitIn):
    job = _job(request, job_id, "change")
    job = services.start_commit(job, actor=request.user, mode=payload.mode)
    return Status(202, job)


@router.post("/jobs/{int:job_id}/cancel", response=JobOut)
def cancel(request, job_id: int):
    return services.cancel_job(_job(request, job_id, "change"), actor=request.user)


@router.post("/jobs/{int:job_id}/transfers", response=dict)
def transfers(request, job_id: int):
    done, left = services.transfer_offered(_job(request, job_id, "change"), actor=request.user)
    return {"transferred": done, "left": left}


@router.get("/templates/members.xlsx")
def template_members(request):
    data = build_template("members", user=request.user, root=home_org(request.user))
    return exports.attachment(
        HttpResponse(data, content_type=XLSX_TYPE), template_filename("members")
    )


@router.get("/templates/orgs.xlsx")
def template_orgs(request):
    data = build_template("orgs", user=request.user, root=home_org(request.user))
    return exports.attachment(HttpResponse(data, content_type=XLSX_TYPE), template_filename("orgs"))


@router.get("/export/members.csv")
def export_members(request, org: int):
    """The current members of a union's subtree as CSV (masked; streamed)."""
    target = get_or_404(Organization.objects, request.user, org, what="工会组织")
    export = exports.member_export(request.user, target)
    exports.audit_export(export, "csv")
    response = StreamingHttpResponse(exports.csv_chunks(export), content_type="text/csv")
    return exports.attachment(response, f"{export.stem}.csv")
