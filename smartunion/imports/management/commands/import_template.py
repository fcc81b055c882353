from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartunion.imports import services
from smartunion.imports.templates import build_template
from smartunion.orgs.models import Organization


class Command(BaseCommand):
    help = "生成导入模板（与页面下载的相同）：import_template orgs|members OUT.xlsx"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["orgs", "members"])
        parser.add_argument("out")
        parser.add_argument(
            "--org", type=int, help="模板中工会列表的范围（默认：执行账号的管理范围）"
        )
        parser.add_argument("--user", help="以哪个工作人员账号生成（默认：第一个超级管理员）")

    def handle(self, *args, kind, out, org=None, user=None, **options):
        try:
            actor = services.resolve_actor(user)
        except Exception as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        root = (
            Organization.objects.visible_to(actor).filter(pk=org).first()
            if org
            else actor.scope_org or Organization.objects.filter(parent__isnull=True).first()
        )
        if root is None:
            raise CommandError("工会不存在或不在该账号的管理范围内。")
        Path(out).write_bytes(build_template(kind, user=actor, root=root))
        self.stdout.write(f"已生成模板：{out}")
