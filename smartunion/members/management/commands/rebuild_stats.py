"""manage.py rebuild_stats [--check]: the statistics' summaries recomputed from the records."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from smartunion.core import audit
from smartunion.members import counted
from smartunion.members import summaries as member_summaries
from smartunion.orgs import counters
from smartunion.stats import kept as kept_summaries
from smartunion.stats import summaries

SHOWN = 20
DIM_LABELS = {
    "m": "会员",
    "g": "性别",
    "a": "年龄段",
    "e": "学历",
    "h": "户籍",
    "w": "农民工",
    "n": "新就业形态",
    "v": "会籍变动",
    # The case modules' figures kept from their indicators (stats.kept, decision 0025).
    "rt": "受理诉求工单",
    "rx": "已办结诉求工单",
    "rh": "承办诉求工单",
    "ro": "按时反馈诉求工单",
    "rr": "已反馈诉求工单",
    "rs": "回访满意诉求工单",
    "rv": "已回访诉求工单",
    "rk": "诉求工单（按分类）",
    "rn": "诉求工单（按渠道）",
    "lc": "法律援助案件",
    "lx": "已结案法律援助案件",
    "lm": "挽回经济损失（分）",
    "lw": "农民工讨薪案件",
    "lp": "法律援助涉及职工人数",
    "lt": "法律援助案件（按援助事由）",
    "lf": "法律援助案件（按援助形式）",
    "lr": "法律援助案件（按结案结果）",
    # The unions' figures kept from their indicators (stats.kept, decision 0033).
    "uo": "工会组织数",
    "ug": "基层工会数",
    "uk": "工会组织数（按组织类型）",
    "us": "工会组织数（按状态）",
    "uf": "新建工会数",
    "uu": "基层工会数（按单位类别）",
    "uj": "联合基层工会数",
    "uw": "建立女职工委员会的基层工会数",
    "ue": "职工人数",
    # Contests and 帮扶's flows kept from their indicators (decision 0034).
    "cn": "劳动和技能竞赛项数",
    "ct": "劳动和技能竞赛项数（按层级）",
    "ck": "劳动和技能竞赛项数（按类别）",
    "ce": "参加初赛职工人次",
    "cf": "参加决赛职工人次",
    "fn": "新建档困难职工户数",
    # 帮扶's files 在档, stocks kept from their indicators (decision 0033, h15f).
    "fs": "在档困难职工档案数",
    "fc": "在档困难职工档案数（按困难类别）",
    "fm": "在档困难职工档案数（按主要致困原因）",
    "pr": "帮扶慰问人次",
    "pm": "帮扶发放金额（分）",
    "pk": "帮扶慰问人次（按活动类型）",
    "pa": "帮扶发放金额（按活动类型，分）",
}


class Command(BaseCommand):
    help = (
        "按会籍、会员和会籍变动记录，以及工会组织、诉求工单、法律援助案件、竞赛和报名、"
        "困难职工档案和慰问明细，重新计算统计汇总表"
        "（省、市州、县区工会按月的变化数）。"
        "--check 与重新计算的结果比对，报告不一致之处（有差异时以非零状态退出），--check --fix "
        "比对并修正。"
        "会籍上复制的会员统计属性（性别、出生日期、学历、户籍类型、农民工、新就业形态）同样比对、修正。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只比对，不重建")
        parser.add_argument("--fix", action="store_true", help="与 --check 同用：有差异时修正")

    def handle(self, *args, **options):
        start = time.perf_counter()
        with transaction.atomic():
            # Writers hold the counters' root lock until they commit: none is half-counted.
            counters.lock_roots()
            if not options["check"]:
                copied = counted.refresh()
                rows = member_summaries.rebuild() + kept_summaries.rebuild()
                self.stdout.write(
                    f"summaries rebuilt: {rows} rows in {time.perf_counter() - start:.1f} s "
                    f"统计汇总表已重建（{rows} 行）；会籍上的会员属性更正 {copied} 条。"
                )
                return
            copies, first = counted.drifted()
            if copies and options["fix"]:
                counted.refresh()
            drift = member_summaries.check(fix=options["fix"]) + kept_summaries.check(
                fix=options["fix"]
            )
            if (drift or copies) and options["fix"]:
                audit.record(
                    None,
                    "stats.rebuild_summaries",
                    object_type="stats.summary",
                    changes={
                        "drifted": len(drift),
                        "cells": [list(d) for d in drift[:200]],
                        "memberships": copies,
                    },
                )
        if copies:
            shown = "、".join(str(pk) for pk in first)
            self.stdout.write(
                f"  {copies} 条会籍上的会员属性与会员不一致（会籍 ID：{shown}"
                f"{' 等' if copies > len(first) else ''}）"
            )
        if not drift and not copies:
            self.stdout.write(
                f"summaries ok ({time.perf_counter() - start:.1f} s) 统计汇总表与记录一致。"
            )
            return
        for (path, dim, month, value), kept, actual in drift[:SHOWN]:
            self.stdout.write(
                f"  {path} {DIM_LABELS.get(dim, dim)} {summaries.label(month)} "
                f"{value or '（空）'}：汇总 {kept}，实际 {actual}"
            )
        if len(drift) > SHOWN:
            self.stdout.write(f"  …… 另有 {len(drift) - SHOWN} 处")
        fixed = len(drift) + copies
        if options["fix"]:
            self.stdout.write(self.style.WARNING(f"fixed {fixed} cells 已修正 {fixed} 处。"))
            return
        raise CommandError(
            f"{fixed} summary cells drifted（{fixed} 处与记录不一致；加 --fix 即可修正）。",
            returncode=1,
        )
