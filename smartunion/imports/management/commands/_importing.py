"""What import_orgs and import_members share: run a job in the foreground, print its report."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from smartunion.core.errors import NotInScope
from smartunion.imports import services
from smartunion.imports.models import CommitMode, ImportJob, JobStatus
from smartunion.orgs.models import Organization


class ImportCommand(BaseCommand):
    kind = "members"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="xlsx或CSV文件")
        parser.add_argument("--org", type=int, help="导入到的工会编号（默认：执行账号的管理范围）")
        parser.add_argument("--user", help="以哪个工作人员账号执行（默认：第一个超级管理员）")
        parser.add_argument(
            "--all-or-nothing", action="store_true", help="全部正确才导入，有任何错误则一行都不导入"
        )
        parser.add_argument("--check-only", action="store_true", help="只检查并打印报告，不导入")
        parser.add_argument("--resume", type=int, metavar="JOB_ID", help="继续一个中断的导入任务")

    def handle(self, *args, **options):
        try:
            actor = services.resolve_actor(options["user"])
            if options["resume"]:
                job = self._resume(options["resume"], actor)
            else:
                job = self._run(options, actor)
        except (ValidationError, NotInScope) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        for line in services.report_lines(job):
            self.stdout.write(line)
        job.refresh_from_db()
        if job.status in (JobStatus.REFUSED, JobStatus.FAILED) or job.rows_refused:
            raise CommandError(
                f"有{job.rows_refused}行未导入。" if job.rows_refused else job.message
            )

    def _run(self, options, actor) -> ImportJob:
        if not options["file"]:
            raise CommandError("请给出要导入的文件。")
        if options["org"]:
            org = Organization.objects.filter(pk=options["org"]).first()
            if org is None:
                raise CommandError(f"工会编号{options['org']}不存在。")
        else:
            org = actor.scope_org or Organization.objects.filter(parent__isnull=True).first()
        job = services.create_job(
            kind=self.kind,
            org=org,
            actor=actor,
            file_name=options["file"],
            source_path=options["file"],
        )
        if options["check_only"]:
            lease = f"cli-{uuid.uuid4().hex}"
            ImportJob.objects.filter(pk=job.pk).update(task_id=lease)
            return services.run_validation(job.pk, lease=lease)
        mode = CommitMode.ALL_OR_NOTHING if options["all_or_nothing"] else CommitMode.VALID_ONLY
        # One pass over the file: the commit checks every row and writes the same report.
        job = services.start_commit(job, actor=actor, mode=mode, enqueue=False, unchecked=True)
        services.run_commit(job.pk, lease=job.task_id)
        return ImportJob.objects.get(pk=job.pk)

    def _resume(self, job_id: int, actor) -> ImportJob:
        job = ImportJob.objects.filter(pk=job_id, kind=self.kind).first()
        if job is None:
            raise CommandError(f"导入任务#{job_id}不存在。")
        job, lease = services.resume_job(job, actor=actor, enqueue=False)
        if job.status == JobStatus.COMMITTING:
            services.run_commit(job.pk, lease=lease)
        else:
            services.run_validation(job.pk, lease=lease)
        return ImportJob.objects.get(pk=job.pk)
