"""Background exports (导出任务): an export too long to write within a web request.

A page whose Excel file would pass ``SMARTUNION_EXPORT_XLSX_WEB_ROWS`` rows offers this
instead (``exports.serve``): the province's 2.17 million members take ~280 s as xlsx, more
than a web request may last. The job keeps what to export (an ``ExportSpec``), never the rows:

1. ``request_export`` checks the user may make that export now, stores the job, audits it
   (``export`` / ``export.pii``, with the job's number) and queues ``run_export``;
2. the task worker builds the export again with the owner's rights at that moment, writes it
   to a temporary file (progress every ``PROGRESS_EVERY`` rows), and moves it into the
   encrypted store of ``imports.files`` (the plaintext file is deleted at once);
3. only the owner sees the job and downloads the file (each download audited,
   ``export.download``, with the file's SHA-256); ``SMARTUNION_EXPORT_KEEP_HOURS`` after it
   is done, ``expire_due`` (a task queued for that moment) deletes the file and the filters.

The task's result id is the job's lease, as for imports: a job taken over by ``retry`` (its
worker died) or deleted stops the old task at its next progress step.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from smartunion.core import audit
from smartunion.core.errors import NotInScope
from smartunion.imports import exports, files
from smartunion.imports.models import ExportJob, ExportStatus
from smartunion.imports.services import log_failure
from smartunion.members.querysets import looks_like_id_number

PROGRESS_EVERY = 10_000
INTERNAL_ERROR = "生成文件时发生内部错误。请点击“重新生成”，或联系系统管理员（导出任务#{pk}）。"


class Superseded(Exception):
    """The job was taken over by another task, or deleted: this task stops."""


def owned(user) -> Any:
    """The export jobs a user sees: their own, within their scope."""
    return ExportJob.objects.visible_to(user, "view").filter(created_by=user)


def get_owned(user, pk: int) -> ExportJob:
    job = owned(user).select_related("org").filter(pk=pk).first()
    if job is None:
        raise NotInScope("导出任务")
    return job


def request_export(user, spec: exports.ExportSpec, file_format: str) -> ExportJob:
    """Queue ``spec`` as a background export of ``user``'s (PermissionDenied if not theirs)."""
    if file_format not in ("xlsx", "csv"):
        raise ValidationError({"format": "导出格式只能是 Excel 或 CSV。"})
    if looks_like_id_number(spec.q):
        # The job would keep the search, i.e. an ID number; such a list has one person.
        raise ValidationError({"q": "按身份证号码查询的结果请直接在列表页导出。"})
    export = exports.build(user, spec)
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=spec.kind,
            org=export.org,
            scope_path=export.org.path if export.org is not None else user.scope_path,
            with_pii=export.with_pii,
            params=spec.params,
            file_format=file_format,
            title=export.stem,
            created_by=user,
        )
        exports.audit_export(export, file_format, background=True, job=job.pk)
        _enqueue(job)
    return job


def _enqueue(job: ExportJob) -> None:
    from smartunion.imports.tasks import run_export_job

    result = run_export_job.enqueue(job.pk)
    job.task_id = str(result.id)
    job.heartbeat_at = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(task_id=job.task_id, heartbeat_at=job.heartbeat_at)


def run_export(job_id: int, *, lease: str) -> ExportJob | None:
    """The worker's part: write the file and keep it encrypted. None if superseded."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.task_id != lease or not job.is_running:
            return None
        job.status = ExportStatus.RUNNING
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "heartbeat_at"])
    try:
        if job.created_by is None:
            raise PermissionDenied("申请导出的账号已被删除。")
        export = exports.build(job.created_by, exports.ExportSpec.from_job(job))
        total = exports.count_rows(export)
        _progress(job.pk, lease, rows_total=total, rows_done=0)
        export.rows = _counted(export.rows, job.pk, lease)
        name, sha, size = _write_encrypted(export, job.file_format)
        return _finish(job.pk, lease, stored_file=name, file_sha256=sha, file_size=size)
    except Superseded:
        return None
    except PermissionDenied as exc:
        # The owner's rights changed since the request.
        return _fail(job.pk, lease, str(exc) or "您已没有导出这份名单的权限。")
    except Exception as exc:
        log_failure(job.pk, exc, what="export")
        return _fail(job.pk, lease, INTERNAL_ERROR.format(pk=job.pk))


def _progress(job_id: int, lease: str, **fields: Any) -> None:
    updated = ExportJob.objects.filter(
        pk=job_id, task_id=lease, status=ExportStatus.RUNNING
    ).update(heartbeat_at=timezone.now(), **fields)
    if not updated:
        raise Superseded


def _counted(rows: Iterable[list[Any]], job_id: int, lease: str) -> Iterator[list[Any]]:
    n = 0
    for row in rows:
        yield row
        n += 1
        if n % PROGRESS_EVERY == 0:
            _progress(job_id, lease, rows_done=n)
    _progress(job_id, lease, rows_done=n)


def _write_encrypted(export: exports.Export, file_format: str) -> tuple[str, str, int]:
    """The export written, then encrypted into the store; no plaintext copy is left."""
    fd, path = tempfile.mkstemp(suffix=f".{file_format}", dir=exports.temp_dir())
    os.close(fd)
    try:
        exports.write_file(export, path, file_format)
        with open(path, "rb") as plain:
            return files.store(plain)
    finally:
        Path(path).unlink(missing_ok=True)


def _finish(job_id: int, lease: str, **fields: Any) -> ExportJob | None:
    now = timezone.now()
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.task_id != lease or job.status != ExportStatus.RUNNING:
            files.delete(fields["stored_file"])
            return None
        for key, value in fields.items():
            setattr(job, key, value)
        job.status = ExportStatus.DONE
        job.rows_done = job.rows_total = max(job.rows_done, job.rows_total)
        job.finished_at = job.heartbeat_at = now
        job.expires_at = now + dt.timedelta(hours=settings.SMARTUNION_EXPORT_KEEP_HOURS)
        job.save()
        from smartunion.imports.tasks import expire_exports

        expire_exports.using(run_after=job.expires_at).enqueue()
    return job


def _fail(job_id: int, lease: str, message: str) -> ExportJob | None:
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.task_id != lease or not job.is_running:
            return None
        job.status = ExportStatus.FAILED
        job.message = message[:500]
        job.finished_at = job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "message", "finished_at", "heartbeat_at"])
    return job


def retry(job: ExportJob, user) -> ExportJob:
    """Write a failed (or stalled) export again, under a new lease."""
    with transaction.atomic():
        job = owned(user).select_for_update().filter(pk=job.pk).first()
        if job is None:
            raise NotInScope("导出任务")
        if not (job.status == ExportStatus.FAILED or job.is_stalled):
            raise ValidationError(f"该导出任务不需要重新生成（{job.get_status_display()}）。")
        job.status = ExportStatus.PENDING
        job.message = ""
        job.rows_done = 0
        job.task_id = f"retry-{uuid.uuid4().hex}"
        job.save(update_fields=["status", "message", "rows_done", "task_id"])
        audit.record(user, "export.retry", job)
        _enqueue(job)
    return job


def delete(job: ExportJob, user) -> ExportJob:
    """The owner deletes an export: its file and its filters go; the running task stops."""
    with transaction.atomic():
        job = owned(user).select_for_update().filter(pk=job.pk).first()
        if job is None:
            raise NotInScope("导出任务")
        if job.status in (ExportStatus.EXPIRED, ExportStatus.DELETED):
            return job
        _discard(job, ExportStatus.DELETED)
        audit.record(user, "export.delete", job)
    return job


def _discard(job: ExportJob, status: str) -> None:
    files.delete(job.stored_file)
    job.status = status
    job.stored_file = ""
    job.params = {}
    job.task_id = ""
    job.save(update_fields=["status", "stored_file", "params", "task_id"])


def expire_due(now: dt.datetime | None = None) -> int:
    """Delete the files (and filters) of exports past their keeping time; how many."""
    now = now or timezone.now()
    expired = 0
    due = ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            job = ExportJob.objects.select_for_update().filter(pk=pk).first()
            if job is not None and job.status == ExportStatus.DONE:
                _discard(job, ExportStatus.EXPIRED)
                expired += 1
    return expired


def open_download(job: ExportJob, user) -> IO[bytes]:
    """The file, decrypted as it is read, audited as downloaded; NotInScope /
    ValidationError otherwise."""
    with transaction.atomic():
        job = owned(user).select_for_update().filter(pk=job.pk).first()
        if job is None:
            raise NotInScope("导出任务")
        if not job.is_downloadable:
            raise ValidationError(f"该导出文件不能下载（{job.get_status_display()}）。")
        job.downloads += 1
        job.save(update_fields=["downloads"])
        audit.record(
            user,
            "export.download",
            job,
            changes={"sha256": job.file_sha256, "with_pii": job.with_pii, "rows": job.rows_done},
        )
    return files.open_stored(job.stored_file, job.file_size)
