"""Import jobs (导入任务): one uploaded file, its validation report, its commit."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from smartunion.core.querysets import ScopedModel, ScopedQuerySet


class Kind(models.TextChoices):
    MEMBERS = "members", "会员"
    ORGS = "orgs", "工会组织"


class JobStatus(models.TextChoices):
    PENDING = "pending", "排队等待检查"
    VALIDATING = "validating", "正在检查"
    VALIDATED = "validated", "检查完成，待提交"
    REFUSED = "refused", "文件被拒收"
    COMMITTING = "committing", "正在导入"
    COMMITTED = "committed", "导入完成"
    FAILED = "failed", "导入失败"
    CANCELLED = "cancelled", "已取消"


RUNNING_STATUSES = (JobStatus.PENDING, JobStatus.VALIDATING, JobStatus.COMMITTING)
FINAL_STATUSES = (JobStatus.REFUSED, JobStatus.COMMITTED, JobStatus.FAILED, JobStatus.CANCELLED)


class CommitMode(models.TextChoices):
    VALID_ONLY = "valid_only", "只导入正确的行"
    ALL_OR_NOTHING = "all_or_nothing", "全部正确才导入（有任何错误则一行都不导入）"


class ImportJobQuerySet(ScopedQuerySet):
    pass


class ImportJob(ScopedModel):
    """导入任务: a file of unions or members sent into one union's subtree.

    ``org`` is the union the import goes into: rows may name any union of its subtree (and the
    uploader's scope), rows naming none land in it. Only one job per union commits at a time:
    a conditional unique constraint on (org) while committing is the lock, and it is still
    held by a job whose worker died mid-commit, until that job is resumed.

    The uploaded file is kept encrypted (``core.crypto``, it holds ID numbers); a job run from
    the command line reads the operator's file in place (``source_path``) and checks its
    SHA-256 before every pass.
    """

    scope_path_lookup = "org__path"

    kind = models.CharField("导入内容", max_length=16, choices=Kind.choices)
    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="import_jobs", verbose_name="导入到"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name="上传人",
    )
    created_by_name = models.CharField("上传人", max_length=200, blank=True)
    file_name = models.CharField("文件名", max_length=255)
    file_size = models.BigIntegerField("文件大小", default=0)
    file_sha256 = models.CharField("文件SHA-256", max_length=64)
    stored_file = models.CharField(max_length=255, blank=True, editable=False)
    source_path = models.CharField(max_length=1024, blank=True, editable=False)
    file_format = models.CharField("格式", max_length=8, blank=True)
    sheet_name = models.CharField("工作表", max_length=64, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    mode = models.CharField(
        "提交方式", max_length=16, choices=CommitMode.choices, default=CommitMode.VALID_ONLY
    )
    message = models.CharField("说明", max_length=500, blank=True)
    header_row = models.PositiveIntegerField(default=0)
    headers = models.JSONField(default=list, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    # Progress, for the progress bar: bytes or rows done out of a total known up front.
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)
    # The validation report.
    rows_read = models.PositiveIntegerField("读取行数", default=0)
    rows_valid = models.PositiveIntegerField("可导入行数", default=0)
    rows_error = models.PositiveIntegerField("有错误的行", default=0)
    rows_warning = models.PositiveIntegerField("有提示的行", default=0)
    rows_duplicate = models.PositiveIntegerField("文件内重复", default=0)
    rows_existing = models.PositiveIntegerField("已登记（跳过）", default=0)
    rows_transfer = models.PositiveIntegerField("已是其他工会会员", default=0)
    rows_example = models.PositiveIntegerField(default=0)
    issues_count = models.PositiveIntegerField(default=0)
    issues_truncated = models.BooleanField(default=False)
    # The commit.
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提交人",
    )
    committed_by_name = models.CharField("提交人", max_length=200, blank=True)
    committed_through = models.PositiveIntegerField(
        default=0, help_text="Rows up to this source row number are committed (resume point)."
    )
    created_count = models.PositiveIntegerField("新建", default=0)
    rejoined_count = models.PositiveIntegerField("重新入会", default=0)
    skipped_count = models.PositiveIntegerField("跳过", default=0)
    failed_count = models.PositiveIntegerField("提交时失败", default=0)
    transferred_count = models.PositiveIntegerField("已办理转会", default=0)
    task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    validated_at = models.DateTimeField("检查完成时间", null=True, blank=True)
    committed_at = models.DateTimeField("导入完成时间", null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        indexes = [models.Index(fields=["org", "status"], name="importjob_org_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["org"],
                condition=models.Q(status="committing"),
                name="import_one_commit_per_org",
                violation_error_message="该工会正在导入另一个文件，请等它完成后再提交。",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in JobStatus]),
                name="importjob_status_valid",
                violation_error_message="导入任务状态不正确。",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}导入 {self.file_name}"

    @property
    def percent(self) -> int:
        if self.status in (JobStatus.VALIDATED, JobStatus.COMMITTED):
            return 100
        if not self.progress_total:
            return 0
        return min(99, int(100 * self.progress_done / self.progress_total))

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def is_stalled(self) -> bool:
        """Running, but no sign of life for a while: its worker died (it can be resumed)."""
        if self.status not in (JobStatus.VALIDATING, JobStatus.COMMITTING):
            return False
        seen = self.heartbeat_at or self.created_at
        return timezone.now() - seen > dt.timedelta(seconds=STALL_SECONDS)

    @property
    def can_commit(self) -> bool:
        return self.status == JobStatus.VALIDATED and self.rows_valid > 0

    @property
    def rows_refused(self) -> int:
        """Rows that were not and will not be imported: errors, and people to transfer."""
        return self.rows_error + self.rows_transfer


STALL_SECONDS = 300


class IssueLevel(models.TextChoices):
    ERROR = "error", "错误"
    WARNING = "warning", "提示"


class ImportIssue(models.Model):
    """One problem found in one row of an import (row 0: the file as a whole)."""

    job = models.ForeignKey(ImportJob, models.CASCADE, related_name="issues")
    row_no = models.PositiveIntegerField("行号")
    column = models.CharField("列", max_length=64, blank=True)
    message = models.CharField("问题", max_length=300)
    level = models.CharField("级别", max_length=8, choices=IssueLevel.choices)
    code = models.CharField(max_length=16, blank=True)
    label = models.CharField("人员/工会", max_length=80, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    org_id = models.BigIntegerField(null=True, blank=True)
    target_org_id = models.BigIntegerField(null=True, blank=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["row_no", "id"]
        verbose_name = "导入问题"
        verbose_name_plural = "导入问题"
        indexes = [
            models.Index(fields=["job", "row_no"], name="importissue_job_row_idx"),
            models.Index(fields=["job", "code", "row_no"], name="importissue_job_code_idx"),
        ]

    def __str__(self) -> str:
        return f"第{self.row_no}行 {self.column}：{self.message}"


# Background exports ---------------------------------------------------------------------------


class ExportKind(models.TextChoices):
    MEMBERS = "members", "工会会员名单"
    ORGS = "orgs", "工会组织名单"
    MEMBER_LIST = "member_list", "会员查询名单"
    PENDING_TRANSFERS = "pending_transfers", "待办转会"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "排队等待生成"
    RUNNING = "running", "正在生成"
    DONE = "done", "可以下载"
    FAILED = "failed", "生成失败"
    EXPIRED = "expired", "已过期删除"
    DELETED = "deleted", "已删除"


class ExportJob(ScopedModel):
    """导出任务: an export too long to write within a web request, written by the task worker.

    It keeps what to export (``kind``, ``org``, ``with_pii``, ``params``: an ``ExportSpec``),
    is rebuilt with its owner's rights when it runs, and only its owner sees and downloads it.
    The finished file is kept encrypted (``imports.files``), and deleted after
    ``SMARTUNION_EXPORT_KEEP_HOURS``.
    """

    scope_path_lookup = "scope_path"

    kind = models.CharField("导出内容", max_length=24, choices=ExportKind.choices)
    org = models.ForeignKey(
        "orgs.Organization",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="工会",
    )
    #: The subtree the export covers: its union's path, or the owner's scope for a list.
    scope_path = models.CharField(max_length=255, db_index=True)
    with_pii = models.BooleanField("含完整个人信息", default=False)
    #: The list's filters (``ExportSpec``): the search text of a member list is kept here
    #: only until the job's file expires.
    params = models.JSONField(default=dict, blank=True)
    file_format = models.CharField("格式", max_length=8)
    title = models.CharField("名称", max_length=255)
    #: Its owner. A deleted account's jobs stay until their files expire, owned by no one.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="export_jobs",
        verbose_name="导出人",
    )
    status = models.CharField(
        "状态", max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    message = models.CharField("说明", max_length=500, blank=True)
    rows_total = models.BigIntegerField("总行数", default=0)
    rows_done = models.BigIntegerField("已写行数", default=0)
    stored_file = models.CharField(max_length=255, blank=True, editable=False)
    file_size = models.BigIntegerField("文件大小", default=0)
    file_sha256 = models.CharField("文件SHA-256", max_length=64, blank=True)
    downloads = models.PositiveIntegerField("下载次数", default=0)
    task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("文件保留至", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        indexes = [models.Index(fields=["created_by", "-id"], name="exportjob_owner_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ExportStatus]),
                name="exportjob_status_valid",
                violation_error_message="导出任务状态不正确。",
            ),
            models.CheckConstraint(
                condition=models.Q(file_format__in=["xlsx", "csv"]),
                name="exportjob_format_valid",
                violation_error_message="导出格式只能是 Excel 或 CSV。",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}（{self.file_format}）"

    @property
    def file_name(self) -> str:
        return f"{self.title}.{self.file_format}"

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)

    @property
    def is_stalled(self) -> bool:
        """Queued or running, but no sign of life for a while: its worker died."""
        if not self.is_running:
            return False
        seen = self.heartbeat_at or self.created_at
        return timezone.now() - seen > dt.timedelta(seconds=STALL_SECONDS)

    @property
    def is_downloadable(self) -> bool:
        return (
            self.status == ExportStatus.DONE
            and bool(self.stored_file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))
