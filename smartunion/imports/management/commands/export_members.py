from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from smartunion.imports import exports, services
from smartunion.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "导出工会及下级工会的会员：export_members --org ORG_ID --format xlsx|csv [--with-pii] OUT。"
        "默认脱敏；--with-pii 需要导出个人信息的权限，并记录审计。"
    )

    def add_arguments(self, parser):
        parser.add_argument("out")
        parser.add_argument("--org", type=int, required=True)
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--with-pii", action="store_true")
        parser.add_argument("--all", action="store_true", help="也导出已终止的会籍")
        parser.add_argument("--user", help="以哪个工作人员账号导出（默认：第一个超级管理员）")

    def handle(self, *args, out, org, with_pii, user=None, **options):
        try:
            actor = services.resolve_actor(user)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        target = Organization.objects.visible_to(actor).filter(pk=org).first()
        if target is None:
            raise CommandError(f"工会编号{org}不存在或不在该账号的管理范围内。")
        try:
            export = exports.member_export(
                actor, target, with_pii=with_pii, current_only=not options["all"]
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        exports.audit_export(export, options["format"])
        exports.write_file(export, out, options["format"])
        self.stdout.write(f"已导出到 {Path(out)}")
