"""manage.py backup: an encrypted, checksummed archive of the database and uploaded files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from smartunion.core.backup import BackupError, default_name, write_backup


class Command(BaseCommand):
    help = (
        "备份数据库（PostgreSQL 用 pg_dump，SQLite 用在线备份）和上传文件，写成一个加密、带校验和的"
        "文件（另有 .sha256），系统运行时也可执行。密钥不在备份里：恢复时需要同一套密钥。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            help="备份文件或目录（默认 $SMARTUNION_VAR_DIR/backups/，文件名带日期时间）",
        )
        parser.add_argument("--no-media", action="store_true", help="不备份上传文件目录")

    def handle(self, *args, output: str | None, no_media: bool, **options):
        target = Path(output) if output else Path(settings.VAR_DIR) / "backups"
        if target.is_dir() or not target.suffix:
            target = target / default_name()
        if target.exists():
            raise CommandError(f"{target} 已存在，不会覆盖。")
        try:
            result = write_backup(target, media=not no_media)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = result.manifest["counts"]
        head = result.manifest["audit_head"] or {"seq": 0}
        self.stdout.write(
            f"备份完成：{result.path}（{result.size / 1024**2:.1f} MB）\n"
            f"SHA-256：{result.sha256}（另存于 {result.path.name}.sha256）\n"
            f"数据库 {result.manifest['database']}，{len(counts)} 张表，"
            f"审计日志到第 {head['seq']} 条；加密密钥编号 {result.manifest['key_id']}"
        )
