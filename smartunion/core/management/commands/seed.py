"""manage.py seed [--demo] [--orgs N] [--members M] [--seed S]: the synthetic data set."""

from __future__ import annotations

import argparse
import resource
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from smartunion.core.seed import DEFAULT_SEED, generate
from smartunion.core.seed.demo import DEMO_PASSWORD, ensure_demo_accounts


class Command(BaseCommand):
    help = (
        "生成省级演示/压测数据：省总工会、全部市州和县区总工会、基层工会与会员（含会籍历史）。"
        "已有工会组织时不再生成（再次运行保留现有数据）。--demo 另建演示账号并打印其密码。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="同时创建演示账号并打印密码")
        parser.add_argument("--orgs", type=int, default=1000, help="工会组织总数（默认 1000）")
        parser.add_argument("--members", type=int, default=50000, help="人员数（默认 50000）")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="随机种子：相同种子生成相同数据"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="生成人员数据的进程数（默认按数据量和CPU核数）",
        )
        parser.add_argument("--chunk-size", type=int, default=20000, help=argparse.SUPPRESS)
        parser.add_argument(
            "--files",
            metavar="DIR",
            help="再把库中的数据写成导入文件（orgs.csv/xlsx、members.csv/members-N.xlsx），供基准测试",
        )

    def handle(self, *args, **options):
        if options["orgs"] < 1 or options["members"] < 0:
            raise CommandError("--orgs 至少为 1，--members 不能为负数。")
        verbose = options["verbosity"] > 1
        report = generate(
            orgs=options["orgs"],
            members=options["members"],
            seed=options["seed"],
            chunk_size=options["chunk_size"],
            workers=options["workers"],
            progress=(lambda line: self.stdout.write(line)) if verbose else None,
        )
        if not report.created:
            self.stdout.write("数据库中已有工会组织，未生成新数据（保留现有数据）。")
        else:
            w = report.written
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            self.stdout.write(
                self.style.SUCCESS(
                    f"已生成：工会组织 {report.orgs:,} 个，人员 {w.get('person', 0):,} 人，"
                    f"会籍 {w.get('membership', 0):,} 条，会籍变动 {w.get('event', 0):,} 条，"
                    f"转会 {w.get('transfer', 0):,} 条；用时 {report.seconds} 秒"
                    f"（{connection.vendor}，{report.workers} 个生成进程，主进程峰值内存 {peak_mb:.0f} MB）。"
                )
            )
            if report.statuses:
                self.stdout.write(
                    "会籍状态："
                    + "，".join(f"{k} {v:,}" for k, v in sorted(report.statuses.items()))
                )
            if verbose:
                self.stdout.write(f"phases: {report.phases}")
        if options["demo"]:
            self._print_accounts()
        if options["files"]:
            self._write_files(options["files"])

    def _write_files(self, folder: str) -> None:
        from pathlib import Path

        from smartunion.imports.seedfiles import write_import_files
        from smartunion.imports.services import system_actor

        actor = system_actor()
        if actor is None:
            raise CommandError("写导入文件需要一个超级管理员账号（createsuperuser）。")
        for path in write_import_files(Path(folder), actor):
            self.stdout.write(f"已写出 {path}（{path.stat().st_size / 1e6:.1f} MB）")

    def _print_accounts(self) -> None:
        accounts = ensure_demo_accounts()
        self.stdout.write("")
        self.stdout.write("演示账号（仅供演示，切勿用于正式环境）：")
        rows = [("用户名", "密码", "角色", "管理范围")]
        for a in accounts:
            note = "" if a.created else "（已存在，如已改过密码以新密码为准）"
            rows.append((a.username, DEMO_PASSWORD, a.role_label, a.scope + note))
        widths = [max(_width(r[i]) for r in rows) + 2 for i in range(3)]
        for row in rows:
            cells = [_pad(cell, width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "".join(cells) + row[3])


def _width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
