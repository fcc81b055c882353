"""manage.py create_staff USERNAME --org ORG_ID --role ROLE: a staff account for scripting."""

from __future__ import annotations

import getpass
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from smartunion.accounts.roles import Role
from smartunion.accounts.services import create_staff
from smartunion.orgs.models import Organization

PASSWORD_VARIABLE = "SMARTUNION_PASSWORD"


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        labels = {"username": "用户名", "role": "角色", "org": "工会组织", "password": "密码"}
        return "；".join(
            f"{labels.get(field, field)}：{' '.join(messages)}"
            for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "创建工作人员账号：管理范围为指定工会组织及其下级。"
        f"密码取自环境变量 {PASSWORD_VARIABLE}，未设置时在终端中输入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--org", required=True, help="管理范围：工会组织的 ID")
        parser.add_argument(
            "--role",
            required=True,
            help="角色：" + "，".join(f"{r.value}（{r.label}）" for r in Role),
        )
        parser.add_argument("--full-name", default="", help="姓名（可选）")

    def handle(self, *args, **options):
        org_id = options["org"]
        if not str(org_id).isdigit():
            raise CommandError(f"工会组织 ID 应为数字，收到“{org_id}”。")
        org = Organization.objects.filter(pk=int(org_id)).first()
        if org is None:
            raise CommandError(f"工会组织 {org_id} 不存在。")
        if options["role"] not in Role.values:
            raise CommandError(
                "角色不正确，应为：" + "，".join(f"{r.value}（{r.label}）" for r in Role) + "。"
            )
        password = self._password()
        try:
            user = create_staff(
                options["username"],
                org=org,
                role=options["role"],
                password=password,
                full_name=options["full_name"],
            )
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已创建工作人员账号 {user.username}（{user.get_role_display()}，"
                f"管理范围：{org.name}，ID {org.pk}）。"
            )
        )

    def _password(self) -> str:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                f"请通过环境变量 {PASSWORD_VARIABLE} 提供密码，或在终端中运行以输入密码。"
            )
        first = getpass.getpass("密码：")
        if first != getpass.getpass("再次输入密码："):
            raise CommandError("两次输入的密码不一致。")
        if not first:
            raise CommandError("密码不能为空。")
        return first
