"""manage.py seed [--demo] [--orgs N] [--members M] [--seed S]: the synthetic data set.

Every app contributes its part (core.seeding); this command runs them in dependency order.
"""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError

from smartunion.core import seeding


class Command(BaseCommand):
    help = (
        "生成省级演示/压测数据：省总工会、全部市州和县区总工会、基层工会与会员（含会籍历史），"
        "以及各业务模块的数据。每一部分已有数据时不再生成（再次运行保留现有数据，只补上新模块的数据）。"
        "--demo 另建演示阵地和演示账号并打印其密码。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo", action="store_true", help="同时创建演示阵地、演示账号并打印密码"
        )
        parser.add_argument("--orgs", type=int, default=1000, help="工会组织总数（默认 1000）")
        parser.add_argument("--members", type=int, default=50000, help="人员数（默认 50000）")
        parser.add_argument(
            "--seed", type=int, default=seeding.DEFAULT_SEED, help="随机种子：相同种子生成相同数据"
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
            default="",
            help="再把库中的数据写成导入文件（orgs.csv/xlsx、members.csv/members-N.xlsx），供基准测试",
        )
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="PART",
            help="只运行这些部分（可重复）：" + "、".join(p.name for p in seeding.parts()),
        )

    def handle(self, *args, **options):
        if options["orgs"] < 1 or options["members"] < 0:
            raise CommandError("--orgs 至少为 1，--members 不能为负数。")
        unknown = set(options["only"]) - {p.name for p in seeding.parts()}
        if unknown:
            raise CommandError(f"没有这些部分：{'、'.join(sorted(unknown))}")
        verbose = options["verbosity"] > 1
        seed_options = seeding.SeedOptions(
            orgs=options["orgs"],
            members=options["members"],
            seed=options["seed"],
            demo=options["demo"],
            workers=options["workers"],
            chunk_size=options["chunk_size"],
            files=options["files"],
            progress=(lambda line: self.stdout.write(line)) if verbose else None,
        )
        result = seeding.run(seed_options, only=tuple(options["only"]))
        for line in result.lines:
            self.stdout.write(line)
