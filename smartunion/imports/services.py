"""Import jobs, step by step: upload → validate (background) → report → commit → transfers.

Every step is a verb here; pages, the API and the management commands call the same verbs
and print the same report (``report_lines``).

Safety properties, and where they come from:

- **Scope**: rows may only name unions in the job's subtree that the actor may change
  (``validators.OrgResolver``); the job's union itself is checked on upload and on commit.
- **Idempotent**: a person is keyed by the blind index of the ID number. A row whose person
  is already a current member of the named union is skipped, so the same file twice creates
  nothing new, and a commit that died half-way is resumed by running it again.
- **Resumable**: a valid-rows commit writes batch by batch; each batch (people, memberships,
  events, counters, the audit entry, the batch's report rows and the job's resume point) is one
  transaction, so a killed worker leaves whole batches and a resumed job continues after the
  last one. An all-or-nothing commit is one transaction: killed, it leaves nothing.
- **One at a time**: while a job commits, its union is locked by a conditional unique
  constraint on the job table; a second commit into the same union is refused. Within a job,
  a lease (the task id) stops a second worker that resumed the same job from writing twice.
- **No duplicates between files**: the unique blind index and ``members.bulk``'s lock.
- **Audited**: upload, commit (with the file's SHA-256 and the counts), every written batch,
  each transfer, cancel and resume.
"""

from __future__ import annotations

import gc
import logging
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from itertools import batched
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from smartunion.accounts.models import User, clerk_label
from smartunion.core import audit
from smartunion.core.env import env_int
from smartunion.core.errors import NotInScope
from smartunion.core.processes import can_fork, in_child_process
from smartunion.core.uploads import check_upload, max_upload_bytes
from smartunion.imports import files
from smartunion.imports.models import (
    CommitMode,
    ImportIssue,
    ImportJob,
    JobStatus,
    Kind,
)
from smartunion.imports.readers import ImportRefused, Table, data_rows, open_table
from smartunion.imports.schema import SCHEMAS
from smartunion.imports.validators import (
    ERROR,
    EXISTS,
    TRANSFER,
    WARNING,
    BatchOutcome,
    Issue,
    Layout,
    MemberRow,
    MemberValidator,
    OrgOutcome,
    OrgRow,
    OrgValidator,
    find_layout,
)
from smartunion.members.bulk import (
    BatchResult,
    MemberRecord,
    bulk_register,
    prepare_batch,
    write_prepared,
)
from smartunion.members.models import CURRENT_STATUSES, Membership, MembershipEvent, Person
from smartunion.members.services import PersonData, register_member, transfer_membership
from smartunion.orgs.models import Organization
from smartunion.orgs.services import create_org
from smartunion.regions.models import Region

logger = logging.getLogger(__name__)

# Rows per commit batch (one transaction each): big enough for COPY to pay off, small enough
# that a killed worker loses little. SMARTUNION_IMPORT_BATCH tunes it (tests use small ones).
BATCH = env_int("SMARTUNION_IMPORT_BATCH", 5000)
ORG_BATCH = 200
INTERNAL_ERROR = "处理文件时发生内部错误，数据未被改动。请联系系统管理员（导入任务#{pk}）。"


def max_issues() -> int:
    return int(getattr(settings, "SMARTUNION_IMPORT_MAX_ISSUES", 200_000))


def prepare_in_process_bytes() -> int:
    """Files this big or bigger are read and prepared in a second process while committing."""
    return int(settings.SMARTUNION_IMPORT_PROCESS_BYTES)


class LeaseLost(Exception):
    """Another worker took the job over (it was resumed); this one stops writing."""


class _Rollback(Exception):
    """Ends an all-or-nothing commit that found rows it cannot import."""


# Actors ---------------------------------------------------------------------------------------


def system_actor() -> User | None:
    """The account a command line import runs as when none is named: the first superuser."""
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def resolve_actor(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError({"user": f"账号“{username}”不存在或已停用。"})
        return user
    user = system_actor()
    if user is None:
        raise ValidationError({"user": "请用 --user 指定执行导入的工作人员账号。"})
    return user


def _changeable_org(org: Organization, actor) -> Organization:
    fresh = Organization.objects.visible_to(actor, "change").filter(pk=org.pk).first()
    if fresh is None:
        raise NotInScope("工会组织")
    if not fresh.is_active:
        raise ValidationError({"org": f"“{fresh.name}”已{fresh.get_status_display()}，不能导入。"})
    return fresh


# Upload ---------------------------------------------------------------------------------------


def create_job(
    *,
    kind: str,
    org: Organization,
    actor,
    upload: IO[bytes] | None = None,
    file_name: str,
    source_path: str = "",
) -> ImportJob:
    """Register a file for import (stored encrypted, or read in place from ``source_path``)."""
    if kind not in Kind.values:
        raise ValidationError({"kind": "请选择导入内容（工会组织或会员）。"})
    org = _changeable_org(org, actor)
    if source_path:
        path = Path(source_path)
        if not path.is_file():
            raise ValidationError({"file": f"文件“{source_path}”不存在。"})
        sha, size = files.sha256_of(path)
        stored = ""
        source_path = str(path.resolve())
    else:
        if upload is None:
            raise ValidationError({"file": "请选择要上传的文件。"})
        # Refused while streaming in (core/uploads.py): nothing of it is stored or encrypted.
        check_upload(upload, "file", max_upload_bytes())
        stored, sha, size = files.store(upload)
    if size == 0:
        files.delete(stored)
        raise ValidationError({"file": "文件是空的，没有任何内容。"})
    name = Path(file_name or "upload").name[:255]
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            org=org,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_by_name=clerk_label(actor),
            file_name=name,
            file_size=size,
            file_sha256=sha,
            stored_file=stored,
            source_path=source_path,
        )
        earlier = (
            ImportJob.objects.filter(
                org=org, kind=kind, file_sha256=sha, status=JobStatus.COMMITTED
            )
            .exclude(pk=job.pk)
            .order_by("-committed_at")
            .first()
        )
        if earlier is not None:
            job.message = (
                f"同一文件已于{timezone.localtime(earlier.committed_at):%Y-%m-%d %H:%M}"
                f"导入过（任务#{earlier.pk}），再次导入不会重复创建。"
            )
            job.save(update_fields=["message"])
        audit.record(
            actor,
            "import.upload",
            job,
            changes={"kind": kind, "file": name, "size": size, "sha256": sha, "org": org.pk},
        )
    return job


def enqueue_validation(job: ImportJob) -> ImportJob:
    from smartunion.imports.tasks import validate_import

    with transaction.atomic():
        result = validate_import.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.task_id = str(result.id)
    return job


# Reading --------------------------------------------------------------------------------------


@contextmanager
def open_source(job: ImportJob) -> Iterator[IO[bytes]]:
    if job.source_path:
        sha, _size = files.sha256_of(job.source_path)
        if sha != job.file_sha256:
            raise ImportRefused("文件在登记后被修改过（SHA-256校验值不符），请重新导入。")
        source = open(job.source_path, "rb")  # noqa: SIM115
    elif job.stored_file:
        source = files.open_stored(job.stored_file, job.file_size)
    else:
        raise ImportRefused("该任务的文件已删除，无法再读取。")
    try:
        yield source
    finally:
        source.close()


def open_rows(job: ImportJob, source: IO[bytes]) -> tuple[Table, Layout, Iterator]:
    schema = SCHEMAS[job.kind]
    table = open_table(source, filename=job.file_name, sheet_name=schema.sheet_name)
    layout, rest = find_layout(table.rows, schema)
    return table, layout, data_rows(rest, layout.width)


# Report bookkeeping ---------------------------------------------------------------------------

_COUNTERS = (
    ("rows_read", "read"),
    ("rows_error", "errors"),
    ("rows_warning", "warnings"),
    ("rows_duplicate", "duplicates"),
    ("rows_existing", "existing"),
    ("rows_transfer", "transfers"),
    ("rows_example", "examples"),
)


def _reset_report(job: ImportJob) -> dict[str, Any]:
    values = {field: 0 for field, _a in _COUNTERS}
    values.update(rows_valid=0, issues_count=0, issues_truncated=False)
    return values


def _store_issues(job: ImportJob, issues: list[Issue], state: dict[str, int]) -> None:
    """Write a batch's issues, up to the per-job cap (the counters keep counting beyond it)."""
    room = max_issues() - state["stored"]
    if room <= 0:
        if issues:
            state["truncated"] = 1
        return
    if len(issues) > room:
        state["truncated"] = 1
        issues = issues[:room]
    ImportIssue.objects.bulk_create(
        [
            ImportIssue(
                job_id=job.pk,
                row_no=i.row_no,
                column=i.column[:64],
                message=i.message[:300],
                level=i.level,
                code=i.code,
                label=i.label[:80],
                person_id=i.person_id,
                org_id=i.org_id,
                target_org_id=i.target_org_id,
            )
            for i in issues
        ],
        batch_size=1000,
    )
    state["stored"] += len(issues)


def _counter_updates(outcome: BatchOutcome | OrgOutcome, valid: int) -> dict[str, Any]:
    updates = {field: F(field) + getattr(outcome, attr) for field, attr in _COUNTERS}
    updates["rows_valid"] = F("rows_valid") + valid
    return updates


def _check_lease(job_id: int, lease: str) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if job.task_id != lease:
        raise LeaseLost
    return job


def _claim(job_id: int, lease: str, *, expect: tuple[str, ...], to: str) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in expect:
            return None
        if job.task_id and job.task_id != lease:
            return None
        job.status = to
        job.task_id = lease
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "task_id", "heartbeat_at"])
        return job


def _heartbeat(job_id: int, progress) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        progress_done=progress.done, progress_total=progress.total, heartbeat_at=timezone.now()
    )


def _fail(job_id: int, status: str, message: str, lease: str) -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.task_id != lease:
            return
        job.status = status
        job.message = message[:500]
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "message", "heartbeat_at"])
        if status == JobStatus.REFUSED:
            ImportIssue.objects.filter(job=job).delete()
            ImportJob.objects.filter(pk=job.pk).update(**_reset_report(job))
            files.delete(job.stored_file)
            ImportJob.objects.filter(pk=job.pk).update(stored_file="")


def log_failure(job_id: int, exc: BaseException, what: str = "import") -> None:
    """Log a job's failure by the exception's type and place (export jobs use it too).

    Never the exception's text: it may quote a cell, i.e. an ID number or a phone."""
    frame = exc.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    where = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else "?"
    logger.error("%s job %s failed: %s at %s", what, job_id, type(exc).__name__, where)


# Validation -----------------------------------------------------------------------------------


def run_validation(job_id: int, *, lease: str) -> ImportJob | None:
    """The background step: read and check every row, store the report. Never raises."""
    job = _claim(
        job_id, lease, expect=(JobStatus.PENDING, JobStatus.VALIDATING), to=JobStatus.VALIDATING
    )
    if job is None:
        return None
    try:
        _validate(job, lease)
    except ImportRefused as exc:
        _fail(job_id, JobStatus.REFUSED, exc.message, lease)
    except LeaseLost:
        return None
    except Exception as exc:
        log_failure(job_id, exc)
        _fail(job_id, JobStatus.FAILED, INTERNAL_ERROR.format(pk=job_id), lease)
    return ImportJob.objects.get(pk=job_id)


def _layout_fields(table: Table, layout: Layout) -> dict[str, Any]:
    return {
        "file_format": table.format,
        "sheet_name": table.sheet_name[:64],
        "header_row": layout.header_row,
        "headers": layout.headers,
        "ignored_columns": layout.ignored,
    }


def _validate(job: ImportJob, lease: str) -> None:
    actor = job.created_by
    with open_source(job) as source:
        table, layout, rows = open_rows(job, source)
        with transaction.atomic():
            _check_lease(job.pk, lease)
            ImportIssue.objects.filter(job=job).delete()
            ImportJob.objects.filter(pk=job.pk).update(
                **_layout_fields(table, layout),
                progress_total=table.progress.total,
                **_reset_report(job),
            )
        state = {"stored": 0, "truncated": 0}
        for outcome in _outcomes(job, layout, rows, actor):
            with transaction.atomic():
                _check_lease(job.pk, lease)
                _store_issues(job, outcome.issues, state)
                ImportJob.objects.filter(pk=job.pk).update(
                    **_counter_updates(outcome, outcome.to_write),
                    progress_done=table.progress.done,
                    heartbeat_at=timezone.now(),
                )
    with transaction.atomic():
        job = _check_lease(job.pk, lease)
        if job.rows_read == 0:
            raise ImportRefused(
                "文件中只有表头和示例行，没有要导入的数据。"
                if job.rows_example
                else "文件中只有表头，没有要导入的数据。"
            )
        job.status = JobStatus.VALIDATED
        job.validated_at = timezone.now()
        job.issues_count = state["stored"]
        job.issues_truncated = bool(state["truncated"])
        job.heartbeat_at = timezone.now()
        job.progress_done = job.progress_total
        job.save(
            update_fields=[
                "status",
                "validated_at",
                "issues_count",
                "issues_truncated",
                "heartbeat_at",
                "progress_done",
            ]
        )


@contextmanager
def _loaded_rows_left_to_refcounting() -> Iterator[None]:
    """Keep what is in memory now out of the cyclic garbage collector's full passes.

    An opened xlsx is in memory as one list per row (calamine reads the whole sheet): 200,000
    lists that every full collection walked again while the rows were checked — 14 passes,
    ~3.5 s of a 15–17 s validation. ``gc.freeze`` leaves them (and the rest of the heap)
    to reference counting, which still frees each row once read; ``gc.unfreeze`` hands
    everything back to the collector at the end. Measured in alternating runs: ~3 s less.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _outcomes(job: ImportJob, layout: Layout, rows, actor) -> Iterator[BatchOutcome | OrgOutcome]:
    with _loaded_rows_left_to_refcounting():
        if job.kind == Kind.MEMBERS:
            validator = MemberValidator(layout, actor=actor, root=job.org)
            for batch in batched(rows, BATCH):
                yield validator.validate(list(batch))
        else:
            yield OrgValidator(layout, actor=actor, root=job.org).validate(rows)


# Commit ---------------------------------------------------------------------------------------


def start_commit(
    job: ImportJob, *, actor, mode: str, enqueue: bool = True, unchecked: bool = False
) -> ImportJob:
    """Lock the job's union and queue the commit (``enqueue=False``: the caller runs it).

    ``unchecked``: commit a job that was never validated (the command line does this to read
    the file once: the commit pass checks every row anyway and writes the same report).
    """
    if mode not in CommitMode.values:
        raise ValidationError({"mode": "请选择提交方式。"})
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .visible_to(actor, "change")
            .filter(pk=job.pk)
            .first()
        )
        if job is None:
            raise NotInScope("导入任务")
        expected = (JobStatus.PENDING,) if unchecked else (JobStatus.VALIDATED,)
        if job.status not in expected:
            raise ValidationError(f"该导入任务当前不能提交（{job.get_status_display()}）。")
        _changeable_org(job.org, actor)
        if unchecked:
            pass
        elif mode == CommitMode.ALL_OR_NOTHING and job.rows_refused:
            raise ValidationError(
                {
                    "mode": f"文件中有{job.rows_refused}行不能导入（有错误{job.rows_error}行，"
                    f"已是其他工会会员{job.rows_transfer}行）。选择“全部正确才导入”时一行都不会导入，"
                    "请修改后重新上传，或选择“只导入正确的行”。"
                }
            )
        elif job.rows_valid == 0:
            raise ValidationError("没有可以导入的行（所有行都有错误或已经登记）。")
        lease = f"commit-{uuid.uuid4().hex}"
        try:
            with transaction.atomic():
                ImportJob.objects.filter(pk=job.pk).update(
                    status=JobStatus.COMMITTING,
                    mode=mode,
                    committed_by=actor if getattr(actor, "pk", None) else None,
                    committed_by_name=clerk_label(actor),
                    committed_through=0,
                    created_count=0,
                    rejoined_count=0,
                    skipped_count=0,
                    failed_count=0,
                    task_id=lease,
                    heartbeat_at=timezone.now(),
                    progress_done=0,
                    progress_total=job.rows_read,
                )
        except IntegrityError:
            other = (
                ImportJob.objects.filter(org=job.org, status=JobStatus.COMMITTING)
                .values_list("pk", flat=True)
                .first()
            )
            raise ValidationError(
                f"该工会正在导入另一个文件（导入任务#{other}），请等它完成后再提交。"
            ) from None
        if enqueue:
            from smartunion.imports.tasks import commit_import

            result = commit_import.enqueue(job.pk)
            ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
        job.refresh_from_db()
    return job


def run_commit(job_id: int, *, lease: str) -> ImportJob | None:
    """The background step: write the valid rows. Never raises; resumable."""
    job = ImportJob.objects.select_related("org").filter(pk=job_id).first()
    if job is None or job.status != JobStatus.COMMITTING or job.task_id != lease:
        return None
    try:
        if job.mode == CommitMode.ALL_OR_NOTHING:
            _commit_all_or_nothing(job, lease)
        else:
            _commit_batches(job, lease)
    except ImportRefused as exc:
        _end_commit(job_id, lease, JobStatus.REFUSED, exc.message)
    except LeaseLost:
        return None
    except Exception as exc:
        log_failure(job_id, exc)
        _end_commit(job_id, lease, JobStatus.FAILED, INTERNAL_ERROR.format(pk=job_id))
    return ImportJob.objects.get(pk=job_id)


def _actor_for_commit(job: ImportJob):
    return job.committed_by or job.created_by


ANALYZE_AFTER = 50_000


def _refresh_statistics(kind: str, created: int) -> None:
    """After a big load, fresh planner statistics: stale ones make list pages pick bad plans."""
    if created < ANALYZE_AFTER or connection.vendor != "postgresql":
        return
    loaded = (Organization,) if kind == Kind.ORGS else (Person, Membership, MembershipEvent)
    with connection.cursor() as cursor:
        for model in loaded:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _end_commit(job_id: int, lease: str, status: str, message: str = "") -> None:
    """Leave the committing state (releasing the union's lock) and audit the outcome."""
    with transaction.atomic():
        job = _check_lease(job_id, lease)
        job.status = status
        if message:
            job.message = message[:500]
        job.heartbeat_at = timezone.now()
        if status == JobStatus.COMMITTED:
            job.committed_at = timezone.now()
            job.progress_done = job.progress_total
        job.save()
        audit.record(
            _actor_for_commit(job),
            "import.commit" if status == JobStatus.COMMITTED else "import.commit_failed",
            job,
            changes={
                "kind": job.kind,
                "sha256": job.file_sha256,
                "file": job.file_name,
                "mode": job.mode,
                "created": job.created_count,
                "rejoined": job.rejoined_count,
                "skipped": job.skipped_count,
                "failed": job.failed_count,
                "errors": job.rows_error,
            },
        )


def _commit_batches(job: ImportJob, lease: str) -> None:
    actor = _actor_for_commit(job)
    resume_from = job.committed_through
    with transaction.atomic():
        _check_lease(job.pk, lease)
        if resume_from == 0:
            ImportIssue.objects.filter(job=job).delete()
            ImportJob.objects.filter(pk=job.pk).update(**_reset_report(job))
        else:
            ImportIssue.objects.filter(job=job, row_no__gt=resume_from).delete()
    state = {"stored": ImportIssue.objects.filter(job=job).count(), "truncated": 0}
    if job.kind == Kind.MEMBERS:
        if _prepare_in_process(job):
            batches = in_child_process(_member_batches, job, actor, resume_from)
        else:
            batches = _member_batches(job, actor, resume_from)
        with closing(batches):
            for outcome, last in batches:
                with transaction.atomic():
                    _check_lease(job.pk, lease)
                    written = _write_members(outcome, job, actor)
                    _finish_batch(job, outcome, written, last, state, resume_from)
    else:
        with open_source(job) as source:
            table, layout, rows = open_rows(job, source)
            ImportJob.objects.filter(pk=job.pk).update(**_layout_fields(table, layout))
            outcome = OrgValidator(layout, actor=actor, root=job.org).validate(rows)
            _commit_orgs(job, lease, outcome, state)
    job.refresh_from_db()
    if job.rows_read == 0:
        raise ImportRefused("文件中没有要导入的数据（只有表头或示例行）。")
    _refresh_statistics(job.kind, job.created_count)
    _end_commit(job.pk, lease, JobStatus.COMMITTED)


def _prepare_in_process(job: ImportJob) -> bool:
    """Whether to read, check and prepare the rows in a second process (``core.processes``).

    Worth it from a few batches on: the second process then does the Python half of each row
    while this one waits for the database (measured: ``docs/performance.md``). PostgreSQL
    only (ids come from sequences, which the second process can take; SQLite allows one
    writer), never inside a transaction, and not for small files (the first batch is not
    overlapped with anything).
    """
    return (
        connection.vendor == "postgresql"
        and job.file_size >= prepare_in_process_bytes()
        and can_fork()
    )


def _member_batches(job: ImportJob, actor, resume_from: int) -> Iterator[tuple[BatchOutcome, int]]:
    """Each batch's outcome and last row number, rows checked and person rows prepared.

    Runs in the preparing process when there is one: it writes nothing but the job's layout
    and sequence values (ids for the prepared rows).
    """
    prepare = connection.vendor == "postgresql"
    with open_source(job) as source:
        table, layout, rows = open_rows(job, source)
        ImportJob.objects.filter(pk=job.pk).update(**_layout_fields(table, layout))
        validator = MemberValidator(layout, actor=actor, root=job.org)
        with _loaded_rows_left_to_refcounting():
            yield from _prepared_batches(validator, rows, actor, resume_from, prepare)


def _prepared_batches(
    validator: MemberValidator, rows, actor, resume_from: int, prepare: bool
) -> Iterator[tuple[BatchOutcome, int]]:
    for raw in batched(rows, BATCH):
        batch = list(raw)
        last = batch[-1][0]
        if batch[0][0] <= resume_from:
            # Committed before the worker died: read again only so that duplicates of
            # these rows further down are still recognised; not written or counted.
            validator.parse([r for r in batch if r[0] <= resume_from])
            batch = [r for r in batch if r[0] > resume_from]
            if not batch:
                continue
        outcome = validator.validate(batch)
        creates = [r for r in outcome.rows if r.action == "create"]
        if prepare and creates:
            outcome.prepared = prepare_batch([_record(r) for r in creates], actor=actor)
            outcome.labels = {r.row_no: _label(r) for r in creates}
            outcome.rows = [r for r in outcome.rows if r.action != "create"]
        yield outcome, last


def _label(r: MemberRow) -> str:
    return f"{r.name[:20]} {r.ident.masked}"


def _record(r: MemberRow) -> MemberRecord:
    return MemberRecord(
        name=r.name,
        ident=r.ident,
        org_id=r.org_id,
        phone=r.phone,
        joined_on=r.joined_on,
        card_no=r.card_no,
        extra=r.extra,
        row=r.row_no,
        id_hash=r.id_hash,
    )


def _finish_batch(job, outcome, written: dict[str, Any], last: int, state, resume_from: int):
    issues = [i for i in outcome.issues if i.row_no > resume_from] + written["issues"]
    _store_issues(job, issues, state)
    updates = _counter_updates(outcome, outcome.to_write)
    ImportJob.objects.filter(pk=job.pk).update(
        **updates,
        created_count=F("created_count") + written["created"],
        rejoined_count=F("rejoined_count") + written["rejoined"],
        skipped_count=F("skipped_count") + written["skipped"] + outcome.existing,
        failed_count=F("failed_count") + written["failed"],
        issues_count=state["stored"],
        issues_truncated=bool(state["truncated"]),
        committed_through=last,
        progress_done=F("rows_read") + outcome.read,
        heartbeat_at=timezone.now(),
    )


def _write_members(outcome: BatchOutcome, job: ImportJob, actor) -> dict[str, Any]:
    """Write one batch: new people through members.bulk, returning members through the service."""
    written: dict[str, Any] = {"created": 0, "rejoined": 0, "skipped": 0, "failed": 0, "issues": []}
    creates = [r for r in outcome.rows if r.action == "create"]
    rejoins = [r for r in outcome.rows if r.action == "rejoin"]
    changes = {"job": job.pk, "sha256": job.file_sha256}
    results: list[BatchResult] = []
    labels = outcome.labels | {r.row_no: _label(r) for r in creates}
    if outcome.prepared is not None:
        results.append(
            write_prepared(
                outcome.prepared, actor=actor, action="import.members", audit_changes=changes
            )
        )
    if creates:
        bulk_register(
            (_record(r) for r in creates),
            actor=actor,
            action="import.members",
            audit_changes=changes,
            batch_size=len(creates),
            on_batch=results.append,
        )
    for result in results:
        written["created"] += len(result.created)
        for skipped in result.skipped:
            # Registered by someone else since validation (another import, a form): not twice.
            written["skipped"] += 1
            written["issues"].append(
                Issue(
                    skipped.row or 0,
                    SCHEMAS["members"].column(skipped.field).header
                    if skipped.field in ("id_number", "card_no")
                    else "",
                    skipped.message,
                    WARNING,
                    EXISTS,
                    label=labels.get(skipped.row or 0, ""),
                )
            )
    if rejoins:
        orgs = Organization.objects.in_bulk({r.org_id for r in rejoins})
        for r in rejoins:
            try:
                with transaction.atomic():
                    register_member(
                        PersonData(name=r.name, id_number=r.ident.number, phone=r.phone),
                        orgs[r.org_id],
                        actor=actor,
                        joined_on=r.joined_on,
                        card_no=r.card_no,
                    )
                written["rejoined"] += 1
            except (ValidationError, NotInScope) as exc:
                written["failed"] += 1
                message = str(exc) if isinstance(exc, NotInScope) else _validation_text(exc)
                written["issues"].append(
                    Issue(r.row_no, "身份证号码", message, label=f"{r.name[:20]} {r.ident.masked}")
                )
    return written


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for messages in exc.message_dict.values() for m in messages)
    return "；".join(exc.messages)


def _commit_all_or_nothing(job: ImportJob, lease: str) -> None:
    actor = _actor_for_commit(job)
    kept: list[Issue] = []
    report = {field: 0 for field, _a in _COUNTERS} | {"rows_valid": 0}
    written_total = {"created": 0, "rejoined": 0, "skipped": 0, "failed": 0}
    refused = 0
    layout_fields: dict[str, Any] = {}
    try:
        with transaction.atomic():
            _check_lease(job.pk, lease)
            with open_source(job) as source:
                table, layout, rows = open_rows(job, source)
                layout_fields = _layout_fields(table, layout)
                ImportJob.objects.filter(pk=job.pk).update(**layout_fields)
                for outcome in _outcomes(job, layout, rows, actor):
                    for field, attr in _COUNTERS:
                        report[field] += getattr(outcome, attr)
                    report["rows_valid"] += outcome.to_write
                    if len(kept) < max_issues():
                        kept.extend(outcome.issues[: max_issues() - len(kept)])
                    refused += outcome.errors + outcome.transfers
                    if refused:
                        continue  # keep reading for the report; nothing more is written
                    if job.kind == Kind.MEMBERS:
                        written = _write_members(outcome, job, actor)
                    else:
                        written = _write_orgs(outcome.rows, actor)
                    refused += written["failed"] + written["skipped"]
                    kept.extend(written.pop("issues"))
                    for key in written_total:
                        written_total[key] += written[key]
                    written_total["skipped"] += outcome.existing
            if refused:
                raise _Rollback
            if report["rows_read"] == 0:
                raise ImportRefused("文件中没有要导入的数据（只有表头或示例行）。")
            ImportJob.objects.filter(pk=job.pk).update(
                **report,
                created_count=written_total["created"],
                rejoined_count=written_total["rejoined"],
                skipped_count=written_total["skipped"],
                failed_count=0,
            )
            ImportIssue.objects.filter(job=job).delete()
            state = {"stored": 0, "truncated": 0}
            _store_issues(job, kept, state)
            ImportJob.objects.filter(pk=job.pk).update(
                issues_count=state["stored"], issues_truncated=bool(state["truncated"])
            )
            # In the same transaction: a crash after the rows are in leaves no job half-done.
            _end_commit(job.pk, lease, JobStatus.COMMITTED)
    except _Rollback:
        with transaction.atomic():
            job = _check_lease(job.pk, lease)
            ImportIssue.objects.filter(job=job).delete()
            state = {"stored": 0, "truncated": 0}
            _store_issues(job, kept, state)
            ImportJob.objects.filter(pk=job.pk).update(
                **report,
                **layout_fields,
                status=JobStatus.VALIDATED,
                message=f"提交时发现{refused}行不能导入，按“全部正确才导入”的要求，"
                "一行都没有导入。请查看问题清单。",
                issues_count=state["stored"],
                issues_truncated=bool(state["truncated"]),
                created_count=0,
                rejoined_count=0,
                skipped_count=0,
                heartbeat_at=timezone.now(),
            )
            audit.record(
                actor,
                "import.commit_refused",
                job,
                changes={"sha256": job.file_sha256, "refused": refused, "mode": job.mode},
            )


def _write_orgs(rows: list[OrgRow], actor, created: dict[int, int] | None = None) -> dict:
    """Create unions through orgs.services.create_org, parents before children."""
    created = {} if created is None else created
    written: dict[str, Any] = {"created": 0, "rejoined": 0, "skipped": 0, "failed": 0, "issues": []}
    regions = Region.objects.in_bulk({r.values["region_id"] for r in rows})
    parent_ids = {r.parent_id for r in rows if r.parent_id}
    parents = Organization.objects.in_bulk(parent_ids)
    for r in rows:
        if r.action == "exists":
            created[r.row_no] = r.org_id
            continue
        parent_id = r.parent_id or created.get(r.parent_row or -1)
        parent = parents.get(parent_id) if parent_id else None
        if parent is None and parent_id:
            parent = parents[parent_id] = Organization.objects.get(pk=parent_id)
        if parent is None:
            written["failed"] += 1
            written["issues"].append(
                Issue(
                    r.row_no,
                    "上级工会统一社会信用代码",
                    f"上级工会（第{r.parent_row}行）未能建立，本行未导入。",
                    label=r.values["name"][:40],
                )
            )
            continue
        values = {k: v for k, v in r.values.items() if k != "region_id"}
        values["region"] = regions.get(r.values["region_id"])
        try:
            with transaction.atomic():
                org = create_org(values, parent=parent, actor=actor, chair_phone=r.chair_phone)
        except (ValidationError, NotInScope) as exc:
            written["failed"] += 1
            message = str(exc) if isinstance(exc, NotInScope) else _validation_text(exc)
            written["issues"].append(
                Issue(r.row_no, "工会名称", message, label=r.values["name"][:40])
            )
            continue
        created[r.row_no] = org.pk
        parents[org.pk] = org
        written["created"] += 1
    return written


def _commit_orgs(job: ImportJob, lease: str, outcome: OrgOutcome, state) -> None:
    actor = _actor_for_commit(job)
    resume_from = job.committed_through  # an index into the ordered rows
    created: dict[int, int] = {}
    rows = outcome.rows
    # Rows committed before a crash are found existing again; only their ids are needed.
    for r in rows[:resume_from]:
        if r.org_id:
            created[r.row_no] = r.org_id
    with transaction.atomic():
        _check_lease(job.pk, lease)
        if resume_from == 0:
            _store_issues(job, outcome.issues, state)
            ImportJob.objects.filter(pk=job.pk).update(
                **{field: getattr(outcome, attr) for field, attr in _COUNTERS},
                rows_valid=outcome.to_write,
                issues_count=state["stored"],
                issues_truncated=bool(state["truncated"]),
            )
    for start in range(resume_from, len(rows), ORG_BATCH):
        chunk = rows[start : start + ORG_BATCH]
        with transaction.atomic():
            _check_lease(job.pk, lease)
            written = _write_orgs(chunk, actor, created)
            _store_issues(job, written["issues"], state)
            ImportJob.objects.filter(pk=job.pk).update(
                created_count=F("created_count") + written["created"],
                skipped_count=F("skipped_count") + sum(1 for r in chunk if r.action == "exists"),
                failed_count=F("failed_count") + written["failed"],
                committed_through=start + len(chunk),
                issues_count=state["stored"],
                issues_truncated=bool(state["truncated"]),
                progress_done=start + len(chunk),
                progress_total=len(rows),
                heartbeat_at=timezone.now(),
            )


# After the commit -----------------------------------------------------------------------------


def transfer_offered(job: ImportJob, *, actor) -> tuple[int, int]:
    """转会 for the rows whose person is a current member elsewhere, where the actor is in
    charge of both unions. Returns (transferred, left for the other union to send)."""
    job = ImportJob.objects.visible_to(actor, "change").filter(pk=job.pk).first()
    if job is None:
        raise NotInScope("导入任务")
    if job.status != JobStatus.COMMITTED:
        raise ValidationError("请先提交导入，再办理转会。")
    done = left = 0
    for issue in job.issues.filter(code=TRANSFER, resolved=False).order_by("row_no"):
        membership = (
            Membership.objects.visible_to(actor, "change")
            .filter(person_id=issue.person_id, status__in=CURRENT_STATUSES)
            .first()
        )
        to_org = (
            Organization.objects.visible_to(actor, "change")
            .filter(pk=issue.target_org_id, path__startswith=job.org.path)
            .first()
        )
        if membership is None or to_org is None:
            left += 1
            continue
        if membership.org_id != to_org.pk:
            try:
                transfer_membership(membership, to_org, actor=actor, note=f"导入任务#{job.pk}")
            except (ValidationError, NotInScope):
                left += 1
                continue
            done += 1
        ImportIssue.objects.filter(pk=issue.pk).update(resolved=True)
    if done:
        ImportJob.objects.filter(pk=job.pk).update(transferred_count=F("transferred_count") + done)
    return done, left


def cancel_job(job: ImportJob, *, actor) -> ImportJob:
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .visible_to(actor, "change")
            .filter(pk=job.pk)
            .first()
        )
        if job is None:
            raise NotInScope("导入任务")
        if job.status not in (JobStatus.PENDING, JobStatus.VALIDATED, JobStatus.VALIDATING):
            raise ValidationError(f"该导入任务不能取消（{job.get_status_display()}）。")
        if job.status == JobStatus.VALIDATING and not job.is_stalled:
            raise ValidationError("该导入任务正在检查，请等检查完成后再取消。")
        job.status = JobStatus.CANCELLED
        job.task_id = ""
        job.save(update_fields=["status", "task_id"])
        files.delete(job.stored_file)
        ImportJob.objects.filter(pk=job.pk).update(stored_file="")
        audit.record(actor, "import.cancel", job, changes={"sha256": job.file_sha256})
    return job


def resume_job(job: ImportJob, *, actor, enqueue: bool = True) -> tuple[ImportJob, str]:
    """Take over a job whose worker died (stalled), under a new lease. Returns (job, lease)."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .visible_to(actor, "change")
            .filter(pk=job.pk)
            .first()
        )
        if job is None:
            raise NotInScope("导入任务")
        if job.status not in (JobStatus.VALIDATING, JobStatus.COMMITTING, JobStatus.PENDING):
            raise ValidationError(f"该导入任务不需要继续（{job.get_status_display()}）。")
        if job.status != JobStatus.PENDING and not job.is_stalled and enqueue:
            raise ValidationError("该导入任务仍在运行，请稍候。")
        lease = f"resume-{uuid.uuid4().hex}"
        if job.status == JobStatus.COMMITTING:
            job.task_id = lease
        else:
            job.status = JobStatus.PENDING
            job.task_id = lease
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "task_id", "heartbeat_at"])
        audit.record(actor, "import.resume", job, changes={"status": job.status})
        if enqueue:
            from smartunion.imports.tasks import commit_import, validate_import

            task = commit_import if job.status == JobStatus.COMMITTING else validate_import
            result = task.enqueue(job.pk)
            ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
            lease = str(result.id)
    return job, lease


# The report, as text (the command line prints what the page shows) --------------------------


def report_lines(job: ImportJob) -> list[str]:
    job.refresh_from_db()
    lines = [
        f"导入任务#{job.pk}：{job.get_kind_display()}，文件“{job.file_name}”，"
        f"SHA-256 {job.file_sha256}",
        f"导入到：{job.org.name}；状态：{job.get_status_display()}",
    ]
    if job.message:
        lines.append(job.message)
    if job.status == JobStatus.REFUSED:
        return lines
    lines.append(
        f"读取{job.rows_read}行：可导入{job.rows_valid}行，有错误{job.rows_error}行"
        f"（其中文件内重复{job.rows_duplicate}行），有提示{job.rows_warning}行，"
        f"已登记跳过{job.rows_existing}行，已是其他工会会员{job.rows_transfer}行。"
    )
    if job.ignored_columns:
        lines.append("已忽略无法识别的列：" + "、".join(job.ignored_columns))
    if job.status in (JobStatus.COMMITTED, JobStatus.COMMITTING, JobStatus.FAILED):
        lines.append(
            f"提交（{job.get_mode_display()}）：新建{job.created_count}，"
            f"重新入会{job.rejoined_count}，跳过{job.skipped_count}，失败{job.failed_count}。"
        )
    for issue in job.issues.order_by("row_no", "id")[:200]:
        where = f"第{issue.row_no}行" if issue.row_no else "文件"
        column = f"【{issue.column}】" if issue.column else ""
        level = "错误" if issue.level == ERROR else "提示"
        lines.append(f"  {where}{column}{level}：{issue.message}  {issue.label}".rstrip())
    shown = min(job.issues_count, 200)
    if job.issues_count > shown or job.issues_truncated:
        lines.append(f"  ……其余问题请下载错误清单查看（共记录{job.issues_count}条）。")
    return lines


def job_summary(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "org_id": job.org_id,
        "file_name": job.file_name,
        "file_sha256": job.file_sha256,
        "status": job.status,
        "status_display": job.get_status_display(),
        "message": job.message,
        "percent": job.percent,
        "rows_read": job.rows_read,
        "rows_valid": job.rows_valid,
        "rows_error": job.rows_error,
        "rows_warning": job.rows_warning,
        "rows_duplicate": job.rows_duplicate,
        "rows_existing": job.rows_existing,
        "rows_transfer": job.rows_transfer,
        "mode": job.mode,
        "created_count": job.created_count,
        "rejoined_count": job.rejoined_count,
        "skipped_count": job.skipped_count,
        "failed_count": job.failed_count,
        "transferred_count": job.transferred_count,
    }
