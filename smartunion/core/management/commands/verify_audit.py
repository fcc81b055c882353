"""manage.py verify_audit: check the hash chain of the audit log from the first entry on."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from smartunion.core.audit import verify_chain
from smartunion.core.models import AuditEntry


class Command(BaseCommand):
    help = (
        "校验审计日志的哈希链：完好时输出 audit chain ok (N entries)；"
        "否则指出第一条被改动或缺失的记录，并以非零状态退出。"
    )

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"audit chain ok ({report.count} entries)")
            return
        entry = AuditEntry.objects.filter(seq=report.broken_seq).first()
        described = ""
        if entry is not None:
            described = (
                f" [{entry.action} {entry.object_type}:{entry.object_id}, "
                f"{entry.created_at:%Y-%m-%d %H:%M:%S}, {entry.actor_name}]"
            )
        raise CommandError(
            f"audit chain broken at entry #{report.broken_seq}{described}: {report.reason} "
            f"({report.count} entries before it are intact). 审计日志在第 {report.broken_seq} "
            "条处断裂：该条或其之前的记录被改动或删除。",
            returncode=1,
        )
