"""manage.py restore ARCHIVE: check a backup, then bring it back into an empty database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartunion.core.audit import verify_chain
from smartunion.core.backup import (
    BackupError,
    checksum_file_ok,
    read_archive,
    restore_backup,
)


class Command(BaseCommand):
    help = (
        "先完整校验备份文件（解密每一段、核对校验和与清单），再恢复到 DATABASE_URL 指向的空数据库和"
        "空的上传文件目录，最后核对各表行数和审计日志哈希链。--check 只校验，不恢复。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--check", action="store_true", help="只校验备份文件，不恢复")
        parser.add_argument("--media-root", help="上传文件恢复到这个目录（默认 MEDIA_ROOT）")

    def handle(self, *args, archive: str, check: bool, media_root: str | None, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"找不到备份文件 {path}。")
        if checksum_file_ok(path) is False:
            raise CommandError(f"{path.name} 与 {path.name}.sha256 不符：文件被改动或损坏。")
        try:
            if check:
                contents = read_archive(path)
                manifest = contents.manifest
                self.stdout.write(
                    f"备份完好：{manifest['created_at']}，{manifest['database']}，"
                    f"{sum(manifest['counts'].values())} 行，"
                    f"部分：{'、'.join(s['name'] for s in manifest['sections'])}"
                )
                return
            result = restore_backup(path, media_root=Path(media_root) if media_root else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"已恢复，但审计日志哈希链在第 {report.broken_seq} 条处断裂：{report.reason}"
            )
        self.stdout.write(
            f"恢复完成：{sum(result.counts.values())} 行，与备份清单一致（{len(result.counts)} 张表）；"
            f"审计日志 {report.count} 条，哈希链完好；上传文件 {result.media_files} 个。\n"
            "请再运行 manage.py recount_members --check，并登录查看一个会员的完整号码以确认密钥正确。"
        )
