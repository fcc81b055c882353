"""manage.py recount_members [--check]: recompute every kept figure of the unions from the records."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from smartunion.core import audit
from smartunion.orgs.counters import LABELS
from smartunion.orgs.models import Organization
from smartunion.orgs.services import recount_members

SHOWN = 20


class Command(BaseCommand):
    help = (
        "按会籍记录重新统计每个工会的本级会员人数和含下级的会员、职工人数，报告并修正与计数器"
        "不一致之处。--check 只报告不修正（有差异时以非零状态退出）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查，不修正")

    def handle(self, *args, **options):
        fix = not options["check"]
        with transaction.atomic():
            drifts = recount_members(fix=fix)
            orgs = sorted({d.org_id for d in drifts})
            if drifts and fix:
                audit.record(
                    None,
                    "org.recount_members",
                    object_type="orgs.organization",
                    changes={
                        "fixed": len(orgs),
                        "orgs": [[d.org_id, d.counter, d.kept, d.actual] for d in drifts[:200]],
                    },
                )
        total = Organization.objects.count()
        if not drifts:
            self.stdout.write(
                f"member counts ok ({total} organizations) 会员人数、职工人数与记录一致。"
            )
            return
        names = dict(Organization.objects.filter(pk__in=orgs[:SHOWN]).values_list("pk", "name"))
        shown = [d for d in drifts if d.org_id in names]
        for d in shown:
            self.stdout.write(
                f"  #{d.org_id} {names[d.org_id]} {LABELS[d.counter]}：计数器 {d.kept}，实际 {d.actual}"
            )
        if len(orgs) > SHOWN:
            self.stdout.write(f"  …… 另有 {len(orgs) - SHOWN} 个工会")
        if fix:
            self.stdout.write(
                self.style.WARNING(
                    f"fixed {len(orgs)} of {total} organizations 已修正 {len(orgs)} 个工会的计数。"
                )
            )
            return
        raise CommandError(
            f"{len(orgs)} of {total} organizations have drifted counters "
            f"（{len(orgs)} 个工会的计数与记录不一致；去掉 --check 即可修正）。",
            returncode=1,
        )
