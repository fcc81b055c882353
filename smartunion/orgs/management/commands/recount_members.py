"""manage.py recount_members [--check]: recompute every member counter from the records."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from smartunion.core import audit
from smartunion.orgs.models import Organization
from smartunion.orgs.services import recount_members

SHOWN = 20


class Command(BaseCommand):
    help = (
        "按会籍记录重新统计每个工会的会员人数，报告并修正与计数器不一致之处。"
        "--check 只报告不修正（有差异时以非零状态退出）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查，不修正")

    def handle(self, *args, **options):
        fix = not options["check"]
        with transaction.atomic():
            wrong = recount_members(fix=fix)
            if wrong and fix:
                audit.record(
                    None,
                    "org.recount_members",
                    object_type="orgs.organization",
                    changes={
                        "fixed": len(wrong),
                        "orgs": [[pk, kept, actual] for pk, kept, actual in wrong[:200]],
                    },
                )
        total = Organization.objects.count()
        if not wrong:
            self.stdout.write(f"member counts ok ({total} organizations) 会员人数与会籍记录一致。")
            return
        names = dict(
            Organization.objects.filter(pk__in=[pk for pk, _k, _a in wrong[:SHOWN]]).values_list(
                "pk", "name"
            )
        )
        for pk, kept, actual in wrong[:SHOWN]:
            self.stdout.write(f"  #{pk} {names.get(pk, '')}: 计数器 {kept}，实际 {actual}")
        if len(wrong) > SHOWN:
            self.stdout.write(f"  …… 另有 {len(wrong) - SHOWN} 个工会")
        if fix:
            self.stdout.write(
                self.style.WARNING(
                    f"fixed {len(wrong)} of {total} organizations 已修正 {len(wrong)} 个工会的会员人数。"
                )
            )
            return
        raise CommandError(
            f"{len(wrong)} of {total} organizations have drifted counters "
            f"（{len(wrong)} 个工会的会员人数与会籍记录不一致；去掉 --check 即可修正）。",
            returncode=1,
        )
